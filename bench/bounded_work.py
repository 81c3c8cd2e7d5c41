"""Bounded work per request: time and peak memory of the heaviest things one request
may ask for, each at its cap, each in a fresh process (as a gunicorn worker).

    python bench/bounded_work.py [--database postgresql://postgres@127.0.0.1:5432/postgres]

- a proposal PDF with the most rows a plan may list (40 capital, 40 funding, 36
  projection months);
- the dry run of a registry file of the most rows an upload may hold (5,000);
- a 50-megapixel JPEG photo re-encoded, and a PNG claiming 12,000 x 12,000 pixels
  refused from its header.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _measure(name: str, database: str | None) -> dict:
    """Run one scenario in a child process; its wall time and peak memory."""
    env = {**os.environ}
    if database:
        env["TEST_DATABASE_URL"] = database
    else:
        env.pop("TEST_DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--scenario", name],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _photo(side_px: int, kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    if kind == "JPEG":
        Image.new("RGB", (side_px, side_px), (200, 120, 40)).save(out, "JPEG")
    else:
        Image.new("1", (side_px, side_px)).save(out, "PNG")
    return out.getvalue()


def _scenario(name: str) -> dict:
    from juragan.errors import DomainError
    from juragan.services.mentoring import Upload, photo_bytes

    if name == "jpeg_50mp":
        content = _photo(7071, "JPEG")
        started = time.perf_counter()
        stored, _kind, width, height = photo_bytes(Upload("big.jpg", content))
        detail = f"{len(content) / 1e6:.1f} MB in, {width}x{height} kept"
    elif name == "png_bomb":
        content = _photo(12_000, "PNG")
        started = time.perf_counter()
        try:
            photo_bytes(Upload("bomb.png", content))
        except DomainError:
            detail = f"{len(content) / 1e3:.0f} KB file claiming 144 MP: refused"
    else:
        return _with_app(name)
    return {"seconds": time.perf_counter() - started, "detail": detail}


def _with_app(name: str) -> dict:
    import flask_migrate
    import pandas as pd

    from juragan import clock, create_app
    from juragan.db import scope
    from juragan.extensions import db
    from juragan.models import Role
    from juragan.services.accounts import AccountData, create_account
    from tests.databases import throwaway_database

    with tempfile.TemporaryDirectory() as tmp, throwaway_database(Path(tmp)) as url:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "UPLOAD_FOLDER": tmp}
        )
        with app.app_context(), app.test_request_context(), scope.system("cli"):
            flask_migrate.upgrade()
            official = create_account(
                db.session,
                AccountData("bench", "Bench", Role.OFFICIAL),
                "bench-password-long",
            )
            if name == "import_5000":
                from juragan.seeding.people import SyntheticPeople
                from juragan.services.registry_files import (
                    MAX_ROWS,
                    TEMPLATE_COLUMNS,
                    plan_import,
                    read_table,
                )

                people = SyntheticPeople(db.session, seed=5)
                rows = []
                while len(rows) < MAX_ROWS:
                    person = people.person()
                    row = {k: v for k, v in person.items() if k in TEMPLATE_COLUMNS}
                    row.update(people.placements(person)[0])
                    rows.append(row)
                content = (
                    pd.DataFrame(rows, columns=list(TEMPLATE_COLUMNS))
                    .to_csv(index=False)
                    .encode()
                )
                started = time.perf_counter()
                plan = plan_import(
                    db.session, official, read_table("x.csv", content), clock.today()
                )
                detail = f"{len(plan.rows):,} rows, {len(content) / 1e6:.1f} MB"
            else:  # proposal_pdf
                detail, started = _proposal(db, official)
            elapsed = time.perf_counter() - started
            db.engine.dispose()
    return {"seconds": elapsed, "detail": detail}


def _proposal(db, official) -> tuple[str, float]:
    from datetime import date

    from flask import render_template

    from juragan.db import plan_reading
    from juragan.models import Returnee
    from juragan.reports import plans as plan_reports
    from juragan.services import plans
    from juragan.services.plans import MAX_LINES, LineItem, MonthInput

    person = Returnee(
        nik="3507015203880003",
        full_name="Sri Rahayu",
        sex="F",
        birth_date=date(1988, 3, 12),
        province_code="35",
        regency_code="35.07",
        education="sma",
        marital_status="married",
        dependants=2,
    )
    db.session.add(person)
    db.session.flush()
    plan = plans.create_plan(db.session, official, person, "Warung", "culinary")
    plans.save_capital(
        db.session,
        plan,
        [LineItem("working_capital", f"Barang {n}", 100_000) for n in range(MAX_LINES)],
    )
    plans.save_funding(
        db.session,
        plan,
        [LineItem("own_savings", f"Tabungan {n}", 100_000) for n in range(MAX_LINES)],
        None,
        None,
    )
    plans.save_projection(
        db.session,
        plan,
        36,
        [MonthInput(8_000_000, 4_000_000, 1_000_000, 500_000)] * 36,
    )
    started = time.perf_counter()
    html = render_template(
        "plans/proposal.html",
        **plan_reports.proposal_context(plan, plan_reading.content_of(plan), None),
        printable=False,
    )
    pdf = plan_reports.render_pdf(html)
    return f"{MAX_LINES}+{MAX_LINES} rows, 36 months, {len(pdf) / 1e3:.0f} KB", started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL server URL; SQLite if absent")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        result = _scenario(args.scenario)
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    print(f"database: {'postgresql' if args.database else 'sqlite'}")
    for name in ("proposal_pdf", "import_5000", "jpeg_50mp", "png_bomb"):
        result = _measure(name, args.database)
        print(
            f"{name:14} {result['seconds']:6.2f} s  peak {result['peak_mib']:5.0f} MiB"
            f"  {result['detail']}"
        )


if __name__ == "__main__":
    main()
