"""Registry import speed: a 100,000-row CSV planned (dry run) and applied.

    python bench/import_speed.py --rows 100000 \
        --database postgresql://postgres@127.0.0.1:5432/postgres

Rows come from the synthetic generator (valid NIKs, one placement per row), written
to a CSV, then read, checked and imported exactly as the web page does.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
import pandas as pd  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from juragan import clock, create_app
from juragan.db import scope  # noqa: E402
from juragan.extensions import db  # noqa: E402
from juragan.models import AuditEntry, Role, utcnow  # noqa: E402
from juragan.reports.registry import RegistrySearch, search_statement  # noqa: E402
from juragan.seeding.people import SyntheticPeople  # noqa: E402
from juragan.services.accounts import AccountData, create_account  # noqa: E402
from juragan.services.registry_files import (  # noqa: E402
    MAX_ROWS,
    TEMPLATE_COLUMNS,
    apply_import,
    export_file,
    export_frame,
    plan_import,
    read_table,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL server URL; SQLite if absent")
    args = parser.parse_args()
    if args.database:
        os.environ["TEST_DATABASE_URL"] = args.database
    else:
        os.environ.pop("TEST_DATABASE_URL", None)
    from tests.databases import throwaway_database

    with tempfile.TemporaryDirectory() as tmp, throwaway_database(Path(tmp)) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context(), app.test_request_context(), scope.system("cli"):
            flask_migrate.upgrade()
            official = create_account(
                db.session,
                AccountData("bench", "Bench", Role.OFFICIAL),
                "bench-password-long",
            )
            people = SyntheticPeople(db.session, seed=11)
            rows = []
            while len(rows) < args.rows:
                person = people.person()
                placement = people.placements(person)[0]
                row = {k: v for k, v in person.items() if k in TEMPLATE_COLUMNS}
                row.update(placement)
                rows.append(row)
            content = (
                pd.DataFrame(rows, columns=list(TEMPLATE_COLUMNS))
                .to_csv(index=False)
                .encode()
            )
            print(f"database          {db.engine.dialect.name}")
            print(f"rows              {len(rows):,} ({len(content) / 1e6:.1f} MB CSV)")
            started = time.perf_counter()
            # The web page takes files of up to MAX_ROWS; beyond, the same checks
            # run on a frame read directly (how a larger file would be imported).
            table = (
                read_table("bench.csv", content)
                if len(rows) <= MAX_ROWS
                else pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
            )
            plan = plan_import(db.session, official, table, clock.today())
            planned = time.perf_counter()
            print(
                f"dry run           {planned - started:.1f} s, "
                f"{len(plan.rejected)} rejected"
            )
            counts = apply_import(db.session, official, plan, utcnow(), "bench.csv")
            db.session.commit()
            applied = time.perf_counter()
            print(f"import            {applied - planned:.1f} s {counts}")
            print(f"total             {applied - started:.1f} s")
            rerun = plan_import(db.session, official, table, clock.today())
            print(
                f"re-run dry run    {time.perf_counter() - applied:.1f} s, "
                f"{rerun.count('create')} would be created"
            )
            # Exporting everyone, with an entry in each person's processing log.
            started = time.perf_counter()
            frame = export_frame(
                db.session, official, search_statement(official, RegistrySearch())
            )
            body = export_file(frame, "csv")
            db.session.commit()
            logged = db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "view")
            )
            print(
                f"export            {time.perf_counter() - started:.1f} s, "
                f"{len(frame.people):,} rows ({len(body) / 1e6:.1f} MB CSV), "
                f"{logged:,} processing-log entries"
            )
            db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory       {peak:.0f} MiB")


if __name__ == "__main__":
    main()
