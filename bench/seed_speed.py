"""Synthetic-data speed: bulk generation and keyset paging, printed as figures.

    python bench/seed_speed.py --returnees 1000000 \
        --database postgresql://postgres@127.0.0.1:5432/postgres

Creates a throwaway database (a temporary SQLite file without --database), migrates
it, generates the people with their placements abroad, trainings, business plans and
businesses, then times the
first and a deep page of an official's returnee list. Peak memory of this process is
printed too.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from juragan import create_app
from juragan.db import scope  # noqa: E402
from juragan.db.pagination import keyset_page  # noqa: E402
from juragan.extensions import db  # noqa: E402
from juragan.models import Returnee, Role, User  # noqa: E402
from juragan.policy import scoped  # noqa: E402
from juragan.seeding.bulk import generate_returnees, generated_counts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--returnees", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="a PostgreSQL server URL; SQLite if absent")
    args = parser.parse_args()

    import os

    if args.database:
        os.environ["TEST_DATABASE_URL"] = args.database
    else:
        os.environ.pop("TEST_DATABASE_URL", None)
    from tests.databases import throwaway_database

    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_database(Path(tmp)) as url,
    ):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context(), scope.system("cli"):
            flask_migrate.upgrade()
            started = time.perf_counter()
            done = generate_returnees(db.session, args.returnees, args.seed)
            db.session.commit()
            elapsed = time.perf_counter() - started
            dialect = db.engine.dialect.name
            counts = generated_counts(db.session)  # a fresh database: all generated
            rows = sum(counts.values())
            print(f"database            {dialect}")
            print(f"returnees generated {done:,}")
            print(f"placements          {counts['placements']:,}")
            print(f"trainings           {counts['trainings']:,}")
            print(
                f"business plans      {counts['business_plans']:,} "
                f"({counts['plan_projection_months']:,} projected months)"
            )
            print(f"businesses          {counts['businesses']:,}")
            print(
                f"KUR applications    {counts['loan_applications']:,} "
                f"({counts['loan_instalments']:,} instalments, "
                f"{counts['loan_payments']:,} payments)"
            )
            print(
                f"mentoring visits    {counts['visits']:,} "
                f"({counts['business_reports']:,} monthly reports, "
                f"{counts['wellbeing_checks']:,} wellbeing checks)"
            )
            print(
                f"generation time     {elapsed:.1f} s ({done / elapsed:,.0f} returnees/s, "
                f"{rows / elapsed:,.0f} rows/s)"
            )

            official = User(
                username="bench",
                full_name="Bench",
                password_hash="unused",  # noqa: S106 - never signs in
                role=Role.OFFICIAL,
                scope_province_code="35",
                is_active_account=True,
            )
            stmt = scoped(select(Returnee), official, Returnee)
            in_scope = db.session.scalar(
                scoped(select(func.count()).select_from(Returnee), official, Returnee)
            )
            print(f"in East Java scope  {in_scope:,}")
            after = None
            timings = []
            for _ in range(500):
                t0 = time.perf_counter()
                page = keyset_page(db.session, stmt, Returnee.id, after, 50)
                timings.append(time.perf_counter() - t0)
                after = page.next_after
                if after is None:
                    break
            print(f"page 1 of the list  {timings[0] * 1000:.1f} ms")
            print(f"page {len(timings)} of the list {timings[-1] * 1000:.1f} ms")
            db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory         {peak:.0f} MiB")


if __name__ == "__main__":
    main()
