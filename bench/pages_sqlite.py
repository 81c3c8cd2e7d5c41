"""Every page of every role on the embedded default: SQLite with 10,000 returnees.

    python bench/pages_sqlite.py [--size 10000] [--repeat 10] \
        [--database artefacts/bench-pages-10000.sqlite] \
        [--output artefacts/bench-pages-sqlite.txt]

The database file is created, migrated, given the demo accounts and data and
``--size`` generated returnees the first time, and reused after. Each demo role
signs in and opens every GET route it can (the same discovery as ``bench/pages.py``:
``app.url_map`` filled with ids in the role's scope, files and downloads skipped),
in-process through the Flask test client, which is how the embedded default is
mostly run (``make run`` serves one process). Printed per route: p50 and p95 of
``--repeat`` warm requests, the SQL time inside them (timed at the cursor: SQLite
runs in the process, and fetching the rows counts as Python) and the
queries per request; then the pages above 100 ms. Figures only: nothing is
asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, percentile  # noqa: E402
from pages import SKIPPED, role_pages  # noqa: E402

#: The budget of the embedded default (issue: no page above 100 ms at 10,000).
BUDGET_MS = 100.0


def prepare(path: Path, size: int) -> str:
    import flask_migrate
    from sqlalchemy import func, select

    from juragan import create_app
    from juragan.db import scope
    from juragan.extensions import db
    from juragan.models import Returnee
    from juragan.seeding.bulk import generate_returnees
    from juragan.seeding.demo import seed_demo

    url = f"sqlite:///{path}"
    path.parent.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), scope.system("cli"):
        flask_migrate.upgrade()
        have = db.session.scalar(select(func.count()).select_from(Returnee)) or 0
        if have == 0:
            seed_demo(db.session)
            db.session.commit()
            have = db.session.scalar(select(func.count()).select_from(Returnee))
        if have < size:
            started = time.perf_counter()
            generate_returnees(db.session, size - have, seed=7)
            db.session.commit()
            print(
                f"  seeded {size - have:,} returnees in {time.perf_counter() - started:.0f} s"
            )
        db.engine.dispose()
    return url


def measure(url: str, password: str, repeat: int):
    from sqlalchemy import event

    from juragan import create_app
    from juragan.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint not in SKIPPED
    ]
    spent = {"sql": 0.0, "queries": 0}
    rows = []
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def started(conn, *_args):
            conn.info["query_started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def ended(conn, *_args):
            spent["sql"] += time.perf_counter() - conn.info.pop("query_started")
            spent["queries"] += 1

        for role, client, rule, url_ in role_pages(app, rules, password):
            times, sql = [], []
            for _ in range(repeat):
                spent.update(sql=0.0, queries=0)
                began = time.perf_counter()
                client.get(url_)
                times.append((time.perf_counter() - began) * 1000)
                sql.append(spent["sql"] * 1000)
            rows.append(
                (
                    role,
                    rule.rule,
                    statistics.median(times),
                    percentile(times, 0.95),
                    statistics.median(sql),
                    spent["queries"],
                )
            )
        db.engine.dispose()
    return rows


def main() -> None:
    from juragan.seeding.demo import DEMO_PASSWORD

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database", default=None)
    parser.add_argument(
        "--output", default=str(ROOT / "artefacts" / "bench-pages-sqlite.txt")
    )
    args = parser.parse_args()
    path = Path(
        args.database or ROOT / "artefacts" / f"bench-pages-{args.size}.sqlite"
    ).resolve()
    lines: list[str] = []

    def out(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    out(
        f"SQLite, {args.size:,} returnees ({path.name}), in-process, warm x{args.repeat}"
    )
    url = prepare(path, args.size)
    rows = measure(url, DEMO_PASSWORD, args.repeat)
    out(f"{'role':<18} {'route':<44} {'p50':>7} {'p95':>7} {'sql':>7} {'q':>4}")
    for role, rule, p50, p95, sql, queries in rows:
        out(f"{role:<18} {rule[:44]:<44} {p50:7.1f} {p95:7.1f} {sql:7.1f} {queries:4}")
    over = [r for r in rows if r[2] > BUDGET_MS]
    out()
    out(f"{len(rows)} pages; {len(over)} with p50 above {BUDGET_MS:.0f} ms:")
    for role, rule, p50, _p95, sql, queries in sorted(over, key=lambda r: -r[2]):
        out(f"  {role:<18} {rule:<44} {p50:7.1f} ms (SQL {sql:.1f} ms, {queries} q)")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
