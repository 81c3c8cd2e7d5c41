"""Every page of every role, through gunicorn, at two registry sizes, against its SQL.

    python bench/pages.py [--sizes 10000,1000000] [--repeat 20] [--clients 8] \
        [--load-seconds 20] [--server postgresql://postgres@127.0.0.1:5432/postgres] \
        [--output artefacts/bench-pages.txt] [--drop]

For each size it uses the PostgreSQL database ``juragan_pages_<size>``: created,
migrated, given the demo accounts and data (juragan.seeding.demo) and topped up with
generated returnees when it holds fewer than ``size``, so a second run reuses it.

1. **Routes**: in-process, each demo role (returnee, mentor, regency, province and
   national official, bank officer, observer, admin) signs in, and every GET route
   of ``app.url_map`` is filled with ids the role may see (queried through the same
   scope rules the app applies) and requested; the HTML pages answering 200 are
   kept. The statements of a second (warm) request to each are recorded, then
   replayed on a bare psycopg connection: the SQL time and queries per request.
2. **Timing**: a gunicorn per size (gunicorn.conf.py, 2 workers, as `make serve`)
   on a free port; each role signs in over HTTP and requests each of its pages
   once (cold) and ``--repeat`` times more (warm), at each size in turn request
   after request: p50 and p95 of the warm service times, as the client sees them
   over loopback.
3. **Load**: ``--clients`` threads, each a signed-in session of a role (the roles
   in turn), open random pages of their role for ``--load-seconds``; then as many
   threads request the bare health route for as long: the throughput ratio.

Printed per route and size: p50, p95, cold, SQL time, queries per request, and the
ratio of the largest size's p50 to the smallest's; then the routes over budget (the
ratio above 1.3; p50 above 25 ms for ordinary pages or 60 ms for dashboard pages;
p50 above the SQL time plus 15 ms). Everything printed is also written to
``--output``. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, Gunicorn, drop, percentile, prepare, sign_in  # noqa: E402

#: (role, demo account) in the order the tables print them.
ROLES = (
    ("returnee", "purna"),
    ("mentor", "pendamping"),
    ("regency official", "pejabat.malang"),
    ("province official", "pejabat"),
    ("national official", "pejabat.pusat"),
    ("bank officer", "bank"),
    ("observer", "pemantau"),
    ("admin", "admin"),
)
#: Routes not timed, and why.
SKIPPED = {
    "static": "a file",
    "main.favicon": "a file",
    "main.plotly_locale_js": "a file",
    "main.healthz": "the bare route of the load phase",
    "auth.accept_invitation": "needs a one-time token",
    "returnees.rejected_rows": "needs an import's token",
    "returnees.export_returnees": "a download (audited, rate-limited)",
    "returnees.import_template": "a download",
    "returnees.own_data": "a download (audited)",
    "returnees.consent_scan": "a file",
    "loans.download_document": "a file (audited)",
    "loans.download_schedule": "a download",
    "plans.proposal_pdf": "a PDF (WeasyPrint, bounded by bench-bounded)",
    "mentoring.photo": "a file",
    "dashboards.download": "a download",
}
DASHBOARD_PAGE_MS = 60.0
ORDINARY_PAGE_MS = 25.0
ABOVE_SQL_MS = 15.0
GROWTH = 1.3
CANDIDATES = 3  # ids tried per parameter before a route is given up for a role


@dataclass
class Page:
    role: str
    endpoint: str
    rule: str
    url: str
    queries: int = 0
    sql_ms: float = 0.0
    cold_ms: float = 0.0
    warm_ms: list[float] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.role, self.rule)

    @property
    def budget(self) -> float:
        dashboard = self.endpoint.startswith("dashboards.")
        return DASHBOARD_PAGE_MS if dashboard else ORDINARY_PAGE_MS


# 1. Routes and their SQL (in-process) ----------------------------------------------


def candidates(session, user) -> dict[str, list[dict[str, object]]]:
    """Per URL parameter: value sets ``user`` may see, most connected first."""
    from sqlalchemy import select

    from juragan.blueprints.plans.forms import SECTION_FORMS
    from juragan.models import (
        Business,
        BusinessPlan,
        Lender,
        LoanApplication,
        Placement,
        RegistrationCheck,
        Returnee,
        Training,
        User,
    )
    from juragan.policy import scoped

    def ids(model, *columns, order=None, where=None) -> list[tuple]:
        stmt = scoped(select(*columns), user, model)
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(*(order or columns[-1:])).limit(CANDIDATES)
        return [tuple(row) for row in session.execute(stmt)]

    # Returnees with a disbursed loan, then with a plan, then any: the pages about a
    # person show the most when there is most to show.
    with_loan = [
        r
        for (r,) in ids(
            LoanApplication,
            LoanApplication.returnee_id,
            where=LoanApplication.disbursed_on.is_not(None),
        )
    ]
    with_plan = [r for (r,) in ids(BusinessPlan, BusinessPlan.returnee_id)]
    anyone = [r for (r,) in ids(Returnee, Returnee.id)]
    returnees = list(dict.fromkeys(with_loan + with_plan + anyone))[:CANDIDATES]
    loans = [
        r
        for (r,) in ids(
            LoanApplication,
            LoanApplication.id,
            where=LoanApplication.disbursed_on.is_not(None),
        )
    ] + [r for (r,) in ids(LoanApplication, LoanApplication.id)]

    def one(name: str, values) -> list[dict[str, object]]:
        return [{name: v} for v in dict.fromkeys(values)][:CANDIDATES]

    return {
        "returnee_id": one("returnee_id", returnees),
        "plan_id": one("plan_id", [r for (r,) in ids(BusinessPlan, BusinessPlan.id)]),
        "loan_id": one("loan_id", loans),
        "business_id": one("business_id", [r for (r,) in ids(Business, Business.id)]),
        "user_id": one("user_id", [r for (r,) in ids(User, User.id)]),
        "check_id": one(
            "check_id", [r for (r,) in ids(RegistrationCheck, RegistrationCheck.id)]
        ),
        "placement_id": [
            {"returnee_id": r, "placement_id": p}
            for r, p in ids(Placement, Placement.returnee_id, Placement.id)
        ],
        "training_id": [
            {"returnee_id": r, "training_id": t}
            for r, t in ids(Training, Training.returnee_id, Training.id)
        ],
        "code": one("code", [r for (r,) in ids(Lender, Lender.code)]),
        "province_code": [{"province_code": "35"}],
        "section": one("section", list(SECTION_FORMS)),
    }


def fillings(rule, found: dict[str, list[dict[str, object]]]) -> list[dict]:
    """Value sets for every parameter of ``rule``, or none it can fill."""
    arguments = set(rule.arguments)
    # A child's id carries its parent's: fill those first.
    for child in ("placement_id", "training_id"):
        if child in arguments:
            rest = arguments - {child, "returnee_id"}
            base = found.get(child, [])
            if not rest:
                return base
            return []
    options = []
    for argument in sorted(arguments):
        if argument not in found or not found[argument]:
            return []
        options.append(found[argument])
    if not options:
        return [{}]
    return [
        {k: v for part in combo for k, v in part.items()}
        for combo in itertools.islice(itertools.product(*options), CANDIDATES)
    ]


def url_of(rule, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def discover(database: str, password: str, replays: int) -> list[Page]:
    """Each role's pages answering 200, with the SQL a warm request sends."""
    import psycopg
    from sqlalchemy import event
    from sqlalchemy.engine import make_url

    from juragan import create_app
    from juragan.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    statements: list[tuple[str, object, bool]] = []
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint not in SKIPPED
    ]
    pages: list[Page] = []
    bare = psycopg.connect(
        make_url(database)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False),
        # As the app's connections run (create_app): JIT compiled the scope's
        # subqueries for longer than they took to run, and the replay of a bank
        # officer's page read 150 ms for a page served in 50.
        options="-c jit=off",
    )
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def record(_conn, _cursor, statement, parameters, _context, many):
            statements.append((statement, parameters, many))

        for role, client, rule, url in role_pages(app, rules, password):
            statements.clear()
            client.get(url)
            sent = list(statements)
            pages.append(
                Page(
                    role,
                    rule.endpoint,
                    rule.rule,
                    url,
                    queries=len(sent),
                    sql_ms=replay(bare, sent, replays),
                )
            )
        db.engine.dispose()
    bare.close()
    return pages


def role_pages(app, rules, password: str):
    """``(role, signed-in test client, rule, url)`` for each rule and role: the
    first filling of the rule with ids the role may see that answers an HTML page
    (inside ``app``'s context; each role signs out when its pages are done)."""
    from sqlalchemy import select

    from juragan.db import scope
    from juragan.extensions import db
    from juragan.models import User

    for role, username in ROLES:
        with scope.system("cli"):
            user = db.session.scalar(select(User).where(User.username == username))
            found = candidates(db.session, user)
            db.session.rollback()
        client = app.test_client()
        answer = client.post(
            "/login", data={"username": username, "password": password}
        )
        if answer.status_code != 302:
            raise SystemExit(f"{username} could not sign in: {answer.status_code}")
        for rule in sorted(rules, key=lambda r: r.rule):
            for values in fillings(rule, found):
                url = url_of(rule, values)
                first = client.get(url)
                if first.status_code == 200 and first.mimetype == "text/html":
                    yield role, client, rule, url
                    break
        client.post("/logout")


def replay(bare, sent: list[tuple[str, object, bool]], times: int) -> float:
    """The median time of the statements on a bare connection, rolled back each time."""
    runs = []
    for _ in range(times):
        started = time.perf_counter()
        with bare.cursor() as cursor:
            for statement, parameters, many in sent:
                if many:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters or None)
                    if cursor.description:
                        cursor.fetchall()
        runs.append((time.perf_counter() - started) * 1000)
        bare.rollback()  # the writes a page makes (audit, session) go
    return statistics.median(runs)


# 2. Timing and 3. load (gunicorn) ---------------------------------------------------


def time_pages(
    runs: list[tuple[Gunicorn, list[Page]]], password: str, repeat: int
) -> list[dict]:
    """Each page cold, then ``repeat`` times warm, on every server in turn: a page
    is requested at one size, then at the next, request after request, so that
    whatever else the machine does falls on both sizes alike (timed one size
    after the other, two runs minutes apart differed by half on small pages).
    Returns each server's signed-in sessions per role."""
    all_sessions = []
    for server, _pages in runs:
        all_sessions.append(
            {role: sign_in(server.base, username, password) for role, username in ROLES}
        )
    by_key = [{page.key: page for page in pages} for _server, pages in runs]
    keys = [page.key for page in runs[0][1]]
    keys += [k for found in by_key[1:] for k in found if k not in set(keys)]
    for key in keys:
        times: list[list[float]] = [[] for _ in runs]
        for _ in range(1 + repeat):
            for n, (server, _pages) in enumerate(runs):
                page = by_key[n].get(key)
                if page is None:
                    continue
                http = all_sessions[n][page.role]
                started = time.perf_counter()
                answer = http.get(server.base + page.url, allow_redirects=False)
                times[n].append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise SystemExit(f"{page.role} {page.url}: {answer.status_code}")
        for n, found in enumerate(by_key):
            if key in found:
                found[key].cold_ms, found[key].warm_ms = times[n][0], times[n][1:]
    return all_sessions


def load(server: Gunicorn, sessions, pages: list[Page], clients: int, seconds: float):
    """Requests per second: the roles' pages, then the bare route, as many threads."""
    import requests

    by_role: dict[str, list[str]] = {}
    for page in pages:
        by_role.setdefault(page.role, []).append(page.url)
    roles = [role for role, _ in ROLES if role in by_role]

    def run(work) -> tuple[int, int]:
        counts = [0] * clients
        errors = [0] * clients
        until = time.perf_counter() + seconds

        def loop(number: int) -> None:
            step = work(number)
            while time.perf_counter() < until:
                if step() == 200:
                    counts[number] += 1
                else:
                    errors[number] += 1

        threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(counts), sum(errors)

    def mixed(number: int):
        role = roles[number % len(roles)]
        # A session per thread: requests' sessions are not shared across threads.
        http = requests.Session()
        http.cookies.update(sessions[role].cookies)
        rng = random.Random(number)
        urls = by_role[role]
        return lambda: (
            http.get(server.base + rng.choice(urls), allow_redirects=False).status_code
        )

    def bare(_number: int):
        http = requests.Session()
        return lambda: http.get(server.base + "/healthz").status_code

    served, failed = run(mixed)
    bare_served, bare_failed = run(bare)
    return served / seconds, failed, bare_served / seconds, bare_failed


# Report ----------------------------------------------------------------------------


def short(size: int) -> str:
    """1M, 100k, 10k: the ratio column's heading."""
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def report(results: dict[int, list[Page]], loads: dict[int, tuple], out) -> None:
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    ratio_label = f"{short(large)}/{short(small)}" if large != small else "ratio"
    by_size = {size: {p.key: p for p in results[size]} for size in sizes}
    keys = sorted(
        {k for size in sizes for k in by_size[size]},
        key=lambda k: ([r for r, _ in ROLES].index(k[0]), k[1]),
    )
    out(
        "\nservice time over HTTP through gunicorn (2 workers), ms; sql: the "
        "statements a warm request sent, replayed on a bare connection"
    )
    header = (
        f"{'role':<18} {'route':<58} {'returnees':>9} {'p50':>7} {'p95':>7} "
        f"{'cold':>7} {'sql':>7} {'queries':>7} {ratio_label:>8}"
    )
    out(header)
    out("-" * len(header))
    flagged: dict[tuple[str, str], list[str]] = {}
    for key in keys:
        for size in sizes:
            page = by_size[size].get(key)
            if page is None:
                out(f"{key[0]:<18} {key[1]:<58} {size:>9,}  not a 200 at this size")
                continue
            p50 = statistics.median(page.warm_ms)
            ratio = ""
            if size == large:
                why = []
                if large != small and key in by_size[small]:
                    base = statistics.median(by_size[small][key].warm_ms)
                    growth = p50 / base if base else 0.0
                    ratio = f"{growth:.2f}"
                    if growth > GROWTH:
                        why.append(f"grows {growth:.2f}x")
                if p50 > page.budget:
                    why.append(f"p50 over {page.budget:.0f} ms")
                if p50 > page.sql_ms + ABOVE_SQL_MS:
                    why.append(f"p50 {p50 - page.sql_ms:.1f} ms above its SQL")
                if why:
                    flagged[key] = why
            out(
                f"{key[0]:<18} {key[1]:<58} {size:>9,} {p50:>7.1f} "
                f"{percentile(page.warm_ms, 0.95):>7.1f} {page.cold_ms:>7.1f} "
                f"{page.sql_ms:>7.1f} {page.queries:>7} {ratio:>8}"
            )
    out("")
    for size in sizes:
        rate, failed, bare_rate, bare_failed = loads[size]
        out(
            f"mixed load at {size:,}: {rate:.0f} req/s (non-200: {failed}); bare "
            f"/healthz {bare_rate:.0f} req/s (non-200: {bare_failed}); ratio "
            f"{rate / bare_rate if bare_rate else 0:.2f}"
        )
    growth = f", growth over {GROWTH}x from {small:,}" if large != small else ""
    out(
        f"\nover budget at {large:,} returnees (p50 over {ORDINARY_PAGE_MS:.0f} ms a "
        f"page or {DASHBOARD_PAGE_MS:.0f} ms a dashboard, or over its SQL + "
        f"{ABOVE_SQL_MS:.0f} ms{growth}): {len(flagged)} of {len(keys)} routes"
    )
    for (role, rule), why in flagged.items():
        out(f"  {role:<18} {rule:<58} {'; '.join(why)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument(
        "--server", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--repeat", type=int, default=20, help="warm requests a page")
    parser.add_argument("--replays", type=int, default=5, help="SQL replays a page")
    parser.add_argument("--clients", type=int, default=8, help="threads of the load")
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--output", default=str(ROOT / "artefacts" / "bench-pages.txt"))
    parser.add_argument("--drop", action="store_true", help="drop the databases after")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come
    from juragan.seeding.demo import DEMO_PASSWORD

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []

    def out(line: str) -> None:
        print(line)
        lines.append(line)

    started = time.perf_counter()
    results: dict[int, list[Page]] = {}
    loads: dict[int, tuple] = {}
    servers: dict[int, Gunicorn] = {}
    sizes = sorted(int(s) for s in args.sizes.split(","))
    try:
        for size in sizes:
            name = f"juragan_pages_{size}"
            out(f"size {size:,} ({name})")
            database = prepare(args.server, size, name=name, demo=True)
            results[size] = discover(database, DEMO_PASSWORD, args.replays)
            out(f"  {len(results[size])} pages of {len(ROLES)} roles answer 200")
            servers[size] = Gunicorn(
                database,
                # Every client is 127.0.0.1: the per-IP sign-in limit would count
                # the bench's own sign-ins.
                {"LOGIN_LIMIT_PER_IP": "10000 per minute"},
                log=ROOT / "artefacts" / f"bench-pages-server-{size}.log",
            )
        sessions = time_pages(
            [(servers[size], results[size]) for size in sizes],
            DEMO_PASSWORD,
            args.repeat,
        )
        for size, signed_in in zip(sizes, sessions, strict=True):
            loads[size] = load(
                servers[size], signed_in, results[size], args.clients, args.load_seconds
            )
    finally:
        for server in servers.values():
            server.stop()
    if args.drop:
        for size in sizes:
            drop(args.server, f"juragan_pages_{size}")
    report(results, loads, out)
    out(f"\nrun took {time.perf_counter() - started:.0f} s")
    output.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
