"""Dashboard speed at 10k, 100k and 1M returnees: the app against the SQL behind it.

    python bench/dashboard.py [--sizes 10000,100000,1000000] \
        [--server postgresql://postgres@127.0.0.1:5432/postgres] [--combinations 20]

For each size it uses the PostgreSQL database ``juragan_bench_<size>``, creating,
migrating and seeding it (the synthetic generator) when it does not hold that many
returnees yet, so a second run reuses it (``--drop`` removes them afterwards).

Each dashboard endpoint is requested through the real WSGI app (the Flask app
object, routing, sign-in, rendering, one request per URL) by three officials (national,
East Java, Kab. Malang) with the same seeded random filter combinations; every URL
is requested once, so nothing can be served from an earlier answer (the app keeps
no result cache at all). The SQL statements each request sent are recorded and then
replayed on a bare psycopg connection: that is "the SQL behind it"; then the URL is
requested again (warm). Printed per size and endpoint: p50 and p95 of each, and the
ratio of the warm app to the SQL.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import psycopg  # noqa: E402
from common import percentile  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from juragan import create_app
from juragan.db import scope  # noqa: E402
from juragan.extensions import db  # noqa: E402
from juragan.models import (  # noqa: E402
    Business,
    LoanApplication,
)
from juragan.models.business_codes import BUSINESS_LINES  # noqa: E402
from juragan.models.loan import LENDERS, SCHEMES  # noqa: E402

PASSWORD = "bench-password-2026"  # noqa: S105 - throwaway bench accounts
VIEWERS = (
    ("bench.national", None, None),
    ("bench.jatim", "35", None),
    ("bench.malang", "35", "35.07"),
)
ENDPOINTS = (
    "/dashboard/",
    "/dashboard/cohorts",
    "/dashboard/repayment",
    "/dashboard/returnees",
)
COUNTRIES = ("TW", "MY", "HK", "KR", "SG", "JP", "SA", "BN", "AE")
PROVINCES = ("35", "33", "32", "52", "18", "11")
REGENCIES = ("35.07", "35.22", "33.01", "32.03", "52.03", "18.01")


def prepare(server: str, size: int) -> str:
    return common.prepare(server, size, officials=VIEWERS, password=PASSWORD)


def combinations(count: int, seed: int) -> list[dict[str, str]]:
    """Filter combinations: none, then random subsets of every filter."""
    rng = random.Random(seed)
    result: list[dict[str, str]] = [{}]
    while len(result) < count:
        args: dict[str, str] = {}
        if rng.random() < 0.3:
            args["province"] = rng.choice(PROVINCES)
        if rng.random() < 0.2:
            regency = rng.choice(REGENCIES)
            args |= {"province": regency[:2], "regency": regency}
        if rng.random() < 0.3:
            year = rng.randint(2012, 2025)
            args["returned_from"] = f"{year}{rng.randint(1, 4)}"
            if rng.random() < 0.5:
                args["returned_to"] = f"{min(year + rng.randint(0, 3), 2026)}4"
        if rng.random() < 0.3:
            args["sex"] = rng.choice("FM")
        if rng.random() < 0.3:
            args["country"] = rng.choice(COUNTRIES)
        if rng.random() < 0.3:
            args["sector"] = rng.choice(tuple(BUSINESS_LINES))
        if rng.random() < 0.2:
            args["scheme"] = rng.choice(SCHEMES[:3])
        if rng.random() < 0.2:
            args["lender"] = rng.choice(LENDERS[:4])
        if args:
            result.append(args)
    return result


def measure(database: str, combos: list[dict[str, str]], journeys: int) -> dict:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    gc.collect()
    gc.freeze()  # as wsgi.py does for a server worker
    statements: list[tuple[str, object]] = []
    with app.app_context(), scope.system("cli"):
        engine = db.engine
        sample = list(
            db.session.scalars(
                select(Business.returnee_id)
                .join(
                    LoanApplication, LoanApplication.returnee_id == Business.returnee_id
                )
                .where(LoanApplication.disbursed_on.is_not(None))
                .order_by(Business.returnee_id)
                .limit(journeys)
            )
        )

    @event.listens_for(engine, "before_cursor_execute")
    def record(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    bare = psycopg.connect(
        make_url(database)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    results: dict[str, dict[str, list[float]]] = {}

    def timed(client, name: str, url: str) -> None:
        statements.clear()
        started = time.perf_counter()
        response = client.get(url)
        cold = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        replay = [
            s
            for s in statements
            if not s[0].lstrip().upper().startswith(("SELECT USERS.", "UPDATE USERS"))
        ]
        started = time.perf_counter()
        with bare.cursor() as cursor:
            for statement, parameters in replay:
                cursor.execute(statement, parameters)
                if cursor.description:
                    cursor.fetchall()
        bare.rollback()
        sql = time.perf_counter() - started
        started = time.perf_counter()
        client.get(url)
        warm = time.perf_counter() - started
        slot = results.setdefault(name, {"cold": [], "warm": [], "sql": [], "urls": []})
        slot["cold"].append(cold * 1000)
        slot["warm"].append(warm * 1000)
        slot["sql"].append(sql * 1000)
        slot["urls"].append((cold * 1000, sql * 1000, url))

    for username, _p, _r in VIEWERS:
        client = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD})
        # The first request to each page loads its templates and modules: a worker's
        # start-up, not a figure of the page.
        for path in (*ENDPOINTS, f"/returnees/{sample[0]}/journey" if sample else "/"):
            client.get(f"{path}?sex=F&country=AE&sector=other")
        for args in combos:
            query = f"?{urlencode(args)}" if args else ""
            for path in ENDPOINTS:
                extra = "&stage=opened" if path.endswith("returnees") else ""
                url = path + (query or ("?" if extra else "")) + extra
                timed(client, path, url.replace("?&", "?"))
        if username == "bench.national":
            for returnee_id in sample:
                timed(
                    client,
                    "/returnees/<id>/journey",
                    f"/returnees/{returnee_id}/journey",
                )
    bare.close()
    with app.app_context():
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--server", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--combinations", type=int, default=20)
    parser.add_argument("--journeys", type=int, default=20)
    parser.add_argument("--drop", action="store_true", help="drop the databases after")
    parser.add_argument(
        "--slowest",
        type=int,
        default=0,
        help="also print the N slowest URLs per endpoint and size",
    )
    args = parser.parse_args()
    combos = combinations(args.combinations, seed=7)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{len(combos)} filter combinations x {len(VIEWERS)} officials per endpoint; "
        "times in ms"
    )
    rows = []
    for size in sizes:
        print(f"size {size:,}")
        database = prepare(args.server, size)
        # Measured in a fresh process, as a server worker would be (not one whose
        # memory still holds the seeding).
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            timings = pool.apply(measure, (database, combos, args.journeys))
        for name, timing in timings.items():
            cold, warm, sql = timing["cold"], timing["warm"], timing["sql"]
            for app_ms, sql_ms, url in sorted(timing["urls"], reverse=True)[
                : args.slowest
            ]:
                print(f"  slow: {app_ms:6.1f} ms (sql {sql_ms:5.1f}) {url}")
            rows.append(
                (
                    size,
                    name,
                    len(cold),
                    statistics.median(cold),
                    percentile(cold, 0.95),
                    statistics.median(warm),
                    percentile(warm, 0.95),
                    statistics.median(sql),
                    percentile(sql, 0.95),
                )
            )
        if args.drop:
            common.drop(args.server, f"juragan_bench_{size}")
    print()
    print("cold: the URL's first request (nothing cached in the app; PostgreSQL's own")
    print(
        "buffers as the run left them); warm: the same URL again; sql: the statements"
    )
    print("the cold request sent, replayed on a bare connection right after it.")
    print(
        f"{'returnees':>10} {'endpoint':<24} {'n':>4} {'cold p50':>8} {'cold p95':>8} "
        f"{'warm p50':>8} {'warm p95':>8} {'sql p50':>8} {'sql p95':>8} "
        f"{'warm/sql':>8}"
    )
    for size, name, n, cold50, cold95, warm50, warm95, sql50, sql95 in rows:
        print(
            f"{size:>10,} {name:<24} {n:>4} {cold50:>8.1f} {cold95:>8.1f} "
            f"{warm50:>8.1f} {warm95:>8.1f} {sql50:>8.1f} {sql95:>8.1f} "
            f"{warm50 / sql50 if sql50 else 0:>8.2f}"
        )


if __name__ == "__main__":
    main()
