"""Load and faults: gunicorn on 127.0.0.1 with PostgreSQL and Redis, as in production.

    python bench/trust.py [--server postgresql://postgres@127.0.0.1:5432/postgres] \
        [--requests 50000] [--concurrency 16] [--workers 5] [--no-faults]

Builds the database ``juragan_trust`` afresh (migrations, the demo data and 20,000
generated returnees), starts a Redis of its own on a free port and gunicorn on
another, then runs four phases and prints what it measured:

1. **bare**: ``/healthz`` (one ``SELECT 1``) at the same concurrency: the ceiling.
2. **mixed**: at least 50,000 requests from returnees, mentors, officials and bank
   officers, each signed in with their own session, opening the pages their work
   takes them to; mentors also log visits, each carrying a client id (the form's
   idempotency key), half of them on a form opened earlier. Every answer must be
   what the page gives (200, or the redirect after a saved visit): anything else is
   an error. p50/p95 per route, and the throughput as a ratio to the bare route's.
3. **database outage**: the same mix while the PostgreSQL cluster is stopped for 5
   seconds (``pg_ctlcluster stop -m fast``, then ``start``): every answer during the
   outage must be the friendly 503 page; the time from the database's return to the
   first page served, and to the last 503, is printed; visits not acknowledged are
   sent again with the same client id, then every client id is counted in the
   database: each acknowledged visit exactly once, none twice.
4. **Redis outage**: Redis stopped: pages keep working and the sign-in limit still
   refuses a sixth wrong password (counted in each worker's memory, so at most
   5 x workers attempts pass); Redis started again: the limiter goes back to it.

Stopping PostgreSQL stops it for everything on this machine: run it alone, as root or
as the cluster's owner. ``--no-faults`` runs phases 1 and 2 only.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from juragan import clock  # noqa: E402

DATABASE = "juragan_trust"
FRIENDLY = "Sebentar tidak tersedia"
VISIT_PREFIX = "trust-"
GENERATED_RETURNEES = 20_000
BIN = Path(sys.executable).parent


# Set-up -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database(server: str) -> str:
    """A fresh ``juragan_trust``: migrated, demo data, generated returnees."""
    url = make_url(server)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    database = url.set(database=DATABASE).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": database, "FLASK_APP": "wsgi.py"}
    for command in (
        ["db", "upgrade"],
        ["juragan", "seed-demo"],
        ["juragan", "seed", "--returnees", str(GENERATED_RETURNEES)],
    ):
        done = subprocess.run(  # noqa: S603
            [BIN / "flask", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"flask {' '.join(command)} failed:\n{done.stderr}")
    return database


@dataclass
class Ids:
    own_returnee: int
    own_plans: list[int]
    caseload: list[int]
    region_returnees: list[int]
    region_loans: list[int]
    region_plans: list[int]


def find_ids(database: str) -> Ids:
    engine = create_engine(database)
    with engine.connect() as c:

        def ids(sql: str, **params) -> list[int]:
            return [row[0] for row in c.execute(text(sql), params)]

        own = ids(
            "SELECT r.id FROM returnees r JOIN users u ON u.id = r.user_id "
            "WHERE u.username = 'purna'"
        )[0]
        found = Ids(
            own_returnee=own,
            own_plans=ids(
                "SELECT id FROM business_plans WHERE returnee_id = :r", r=own
            ),
            caseload=ids(
                "SELECT r.id FROM returnees r JOIN users u ON u.id = r.mentor_id "
                "WHERE u.username = 'pendamping' ORDER BY r.id"
            ),
            region_returnees=ids(
                "SELECT id FROM returnees WHERE province_code = '35' "
                "AND erased_at IS NULL ORDER BY id LIMIT 400"
            ),
            region_loans=ids(
                "SELECT l.id FROM loan_applications l JOIN returnees r "
                "ON r.id = l.returnee_id WHERE r.province_code = '35' "
                "ORDER BY l.id LIMIT 200"
            ),
            region_plans=ids(
                "SELECT p.id FROM business_plans p JOIN returnees r "
                "ON r.id = p.returnee_id WHERE r.province_code = '35' "
                "ORDER BY p.id LIMIT 200"
            ),
        )
    engine.dispose()
    return found


class Redis:
    """A Redis server of the bench's own, so that stopping it disturbs nobody."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if self.keys() is not None:
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def keys(self) -> int | None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"DBSIZE\r\n")
                answer = s.recv(64)
        except OSError:
            return None
        return int(answer[1:].strip()) if answer.startswith(b":") else None


class Server:
    """gunicorn serving ``wsgi:app``, configured through the environment."""

    def __init__(self, database: str, redis: Redis, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        #: The app's own log: what went wrong behind any error the clients saw.
        self.log = ROOT / "artefacts" / "bench-trust-server.log"
        self.log.parent.mkdir(exist_ok=True)
        self.workers = workers
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "REDIS_URL": redis.url,
            "SECRET_KEY": uuid.uuid4().hex * 2,
            # Every client is 127.0.0.1 here: the per-IP limit would count the
            # bench's own sign-ins; the per-account limit stays as shipped.
            "LOGIN_LIMIT_PER_IP": "10000 per minute",
        }
        self.process = subprocess.Popen(  # noqa: S603
            [
                BIN / "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stderr=self.log.open("w"),
        )
        for _ in range(300):
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass  # still booting
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)


# Clients ------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class FormFields(HTMLParser):
    """The first form's fields and the first option of each select."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if (
            tag == "input"
            and name
            and a.get("type") not in ("submit", "file", "checkbox")
        ):
            self.fields.setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            self.fields.setdefault(self._select, a["value"])
        elif tag == "textarea" and name:
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Result:
    route: str
    status: int  # 0: no answer at all
    started: float
    seconds: float
    friendly: bool = False


@dataclass
class Visits:
    acknowledged: set[str] = field(default_factory=set)
    #: Sent and not acknowledged: the client that sent it (its session issued the
    #: form's CSRF token), the returnee and the form.
    pending: dict[str, tuple[Client, int, dict]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One person with a session of their own, opening the pages of their role."""

    def __init__(
        self,
        base: str,
        username: str,
        password: str,
        routes,
        visits: Visits,
        rng: random.Random,
    ) -> None:
        self.base, self.routes, self.visits, self.rng = base, routes, visits, rng
        self.weights = [weight for _, weight, _ in routes]
        self.forms: dict[int, dict[str, str]] = {}  # visit forms opened, per returnee
        self.http = requests.Session()
        self.results: list[Result] = []
        page = self.http.get(base + "/login")
        token = CSRF.search(page.text).group(1)
        answer = self.http.post(
            base + "/login",
            allow_redirects=False,
            data={"csrf_token": token, "username": username, "password": password},
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{username} could not sign in: {answer.status_code}")

    def fetch(self, route: str, method: str, path: str, ok: tuple[int, ...], **kw):
        started = time.perf_counter()
        try:
            answer = self.http.request(
                method, self.base + path, allow_redirects=False, timeout=30, **kw
            )
        except requests.RequestException:
            self.results.append(
                Result(route, 0, started, time.perf_counter() - started)
            )
            return None
        seconds = time.perf_counter() - started
        friendly = (
            answer.status_code == 503
            and FRIENDLY in answer.text
            and (answer.headers.get("Retry-After") == "5")
        )
        status = (
            answer.status_code
            if answer.status_code in ok or friendly
            else -answer.status_code
        )
        self.results.append(Result(route, status, started, seconds, friendly))
        return answer

    def visit(self, returnee_id: int) -> None:
        """Send a visit with a client id of its own, on a form opened now or earlier.

        Half the time the form opened for an earlier visit is filled in again, as a
        mentor in the field does with the page already on the phone: so visits are
        also sent while the database is away, and must be sent again afterwards.
        """
        path = f"/mentoring/returnees/{returnee_id}/visit"
        fields = self.forms.get(returnee_id)
        if fields is None or self.rng.random() < 0.5:
            page = self.fetch(
                "GET /mentoring/returnees/<id>/visit", "GET", path, (200,)
            )
            if page is None or page.status_code != 200:
                return
            parser = FormFields()
            parser.feed(page.text)
            fields = self.forms[returnee_id] = parser.fields
        key = VISIT_PREFIX + uuid.uuid4().hex
        data = {
            **fields,
            "idempotency_key": key,
            "duration_minutes": "45",
            "revenue_last_month_idr": str(self.rng.randrange(500, 20_000) * 1000),
            "visited_on": clock.today().isoformat(),
            "next_visit_on": "",
            "observations": "Kunjungan rutin; pembukuan sudah rapi.",
        }
        data = {k: v for k, v in data.items() if not k.startswith("actions-")}
        with self.visits.lock:
            self.visits.pending[key] = (self, returnee_id, data)
        answer = self.fetch(
            "POST /mentoring/returnees/<id>/visit", "POST", path, (302,), data=data
        )
        if answer is not None and answer.status_code == 302:
            with self.visits.lock:
                self.visits.acknowledged.add(key)
                self.visits.pending.pop(key, None)

    def step(self) -> None:
        route, _weight, action = self.rng.choices(self.routes, self.weights)[0]
        action(self, route)


def build_routes(ids: Ids) -> dict[str, list]:
    """Per role: (route, weight, action); each client carries the ids it draws from."""

    def page(template: str, pool: list[int] | None = None):
        def action(client: Client, route: str) -> None:
            path = (
                template.replace("<id>", str(client.rng.choice(pool)))
                if pool
                else template
            )
            client.fetch(route, "GET", path, (200,))

        return action

    def visit(client: Client, _route: str) -> None:
        client.visit(client.rng.choice(client.own_caseload))

    def case(client: Client, route: str) -> None:
        returnee = client.rng.choice(client.own_caseload)
        client.fetch(route, "GET", f"/mentoring/returnees/{returnee}", (200,))

    def routes(*rows):
        return [
            (f"GET {template}", weight, page(template, pool))
            for template, weight, pool in rows
        ]

    def mine(template: str):
        # With one plan or loan, "mine" goes straight to it.
        def action(client: Client, route: str) -> None:
            client.fetch(route, "GET", template, (200, 302))

        return action

    return {
        "returnee": routes(
            ("/", 3, None),
            ("/returnees/<id>", 2, [ids.own_returnee]),
            ("/returnees/<id>/journey", 1, [ids.own_returnee]),
            ("/plans/<id>", 2, ids.own_plans),
        )
        + [
            ("GET /plans/mine", 2, mine("/plans/mine")),
            ("GET /kur/mine", 2, mine("/kur/mine")),
        ],
        "mentor": routes(("/", 2, None), ("/returnees/<id>", 2, ids.caseload))
        + [("GET /mentoring/returnees/<id>", 3, case), ("visit", 2, visit)],
        "official": routes(
            ("/", 2, None),
            ("/returnees/", 2, None),
            ("/returnees/?q=sri", 1, None),
            ("/returnees/<id>", 3, ids.region_returnees),
            ("/kur/", 1, None),
            ("/kur/<id>", 2, ids.region_loans),
            ("/plans/", 1, None),
            ("/plans/<id>", 1, ids.region_plans),
            ("/dashboard/", 1, None),
            ("/dashboard/repayment", 1, None),
        ),
        "bank": routes(
            ("/", 1, None),
            ("/kur/", 2, None),
            ("/kur/<id>", 3, ids.region_loans),
            ("/kur/portfolio", 1, None),
        ),
    }


ACCOUNTS = {
    "returnee": "purna",
    "mentor": "pendamping",
    "official": "pejabat",
    "bank": "bank",
}
# Sixteen people: 6 returnees, 4 mentors, 4 officials, 2 bank officers.
MIX = ("returnee",) * 6 + ("mentor",) * 4 + ("official",) * 4 + ("bank",) * 2


def keep_what_each_role_may_open(server: Server, password: str, ids: Ids) -> Ids:
    """Drop the drawn ids a role may not open (a bank officer sees only some loans)."""
    checks = (
        ("official", "/returnees/{}", "region_returnees"),
        ("official", "/plans/{}", "region_plans"),
        ("bank", "/kur/{}", "region_loans"),
        ("official", "/kur/{}", "region_loans"),
        ("returnee", "/plans/{}", "own_plans"),
        ("mentor", "/mentoring/returnees/{}", "caseload"),
    )
    for role, template, attribute in checks:
        probe = Client(
            server.base, ACCOUNTS[role], password, [], Visits(), random.Random()
        )
        allowed = [
            i
            for i in getattr(ids, attribute)
            if probe.http.get(server.base + template.format(i)).status_code == 200
        ]
        setattr(ids, attribute, allowed)
        if not allowed:
            raise RuntimeError(f"{role} may open none of {attribute}")
    return ids


def people(
    server: Server, password: str, ids: Ids, visits: Visits, seed: int
) -> list[Client]:
    table = build_routes(ids)
    clients = []
    mentors = [role for role in MIX if role == "mentor"]
    for number, role in enumerate(MIX):
        client = Client(
            server.base,
            ACCOUNTS[role],
            password,
            table[role],
            visits,
            random.Random(seed + number),
        )
        if role == "mentor":
            # Each mentor visits returnees of their own: a visit is one person's work.
            index = sum(1 for r in MIX[:number] if r == "mentor")
            client.own_caseload = ids.caseload[index :: len(mentors)] or ids.caseload
        clients.append(client)
    return clients


def run(
    clients: list[Client], total: int | None = None, until: float | None = None
) -> float:
    """Every client in its own thread until ``total`` requests or the ``until`` clock."""
    counter = itertools.count()
    start = time.perf_counter()

    def work(client: Client) -> None:
        while True:
            if until is not None and time.perf_counter() >= until:
                return
            if total is not None and next(counter) >= total:
                return
            client.step()

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def take_results(clients: list[Client]) -> list[Result]:
    results = [r for c in clients for r in c.results]
    for client in clients:
        client.results = []
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_routes(results: list[Result]) -> None:
    by_route: dict[str, list[float]] = defaultdict(list)
    for result in results:
        by_route[result.route].append(result.seconds * 1000)
    print(f"  {'route':44} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for route in sorted(by_route):
        times = by_route[route]
        print(
            f"  {route:44} {len(times):8d} {statistics.median(times):8.1f} "
            f"{percentile(times, 0.95):8.1f}"
        )


# Phases -------------------------------------------------------------------------


def bare(server: Server, concurrency: int, count: int) -> float:
    class Bare(Client):
        def __init__(self, base):  # no sign-in: the bare route is public
            self.base, self.http, self.results = base, requests.Session(), []

        def step(self):
            self.fetch("GET /healthz", "GET", "/healthz", (200,))

    clients = [Bare(server.base) for _ in range(concurrency)]
    seconds = run(clients, total=count)
    results = take_results(clients)
    errors = sum(1 for r in results if r.status <= 0)
    rate = len(results) / seconds
    times = [r.seconds * 1000 for r in results]
    print(
        f"bare /healthz: {len(results)} requests in {seconds:.1f} s = {rate:.0f} req/s, "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
        f"errors {errors}"
    )
    return rate


def mixed(clients: list[Client], count: int, bare_rate: float) -> None:
    seconds = run(clients, total=count)
    results = take_results(clients)
    errors = [r for r in results if r.status <= 0]
    rate = len(results) / seconds
    print(
        f"\nmixed: {len(results)} requests by {len(clients)} people in {seconds:.1f} s "
        f"= {rate:.0f} req/s ({rate / bare_rate:.2f} of the bare route), errors {len(errors)}"
    )
    for error in errors[:10]:
        print(f"  error: {error.route} -> {-error.status or 'no answer'}")
    print_routes(results)


def cluster_of(server: str) -> tuple[str, str]:
    port = str(make_url(server).port or 5432)
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name
    raise RuntimeError(f"no local PostgreSQL cluster on port {port}")


def pg_ctl(cluster: tuple[str, str], *action: str) -> None:
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, *action],  # noqa: S607
        check=True,
        capture_output=True,
    )


def database_outage(
    clients, visits: Visits, server: str, database: str, outage: float
) -> None:
    cluster = cluster_of(server)
    clock: dict[str, float] = {}

    def stop_and_start() -> None:
        time.sleep(3)
        clock["stopping"] = time.perf_counter()
        pg_ctl(cluster, "stop", "-m", "fast")
        clock["stopped"] = time.perf_counter()
        time.sleep(outage)
        clock["starting"] = time.perf_counter()
        pg_ctl(cluster, "start")  # waits until the server accepts connections
        clock["back"] = time.perf_counter()

    fault = threading.Thread(target=stop_and_start)
    begin = time.perf_counter()
    fault.start()
    try:
        run(clients, until=begin + 3 + outage + 12)
    finally:
        fault.join()
    results = take_results(clients)
    back = clock["back"]
    during = [
        r
        for r in results
        if clock["stopping"] <= r.started + r.seconds and r.started <= back
    ]
    friendly = sum(1 for r in during if r.friendly)
    unfriendly = [r for r in results if r.status <= 0]
    served_after = [
        r.started + r.seconds - back
        for r in results
        if r.started >= back and r.status > 0 and not r.friendly
    ]
    late_503 = [r.started - back for r in results if r.started >= back and r.friendly]
    print(
        f"\ndatabase outage: PostgreSQL {cluster[0]}/{cluster[1]} down "
        f"{back - clock['stopping']:.1f} s (stop took {clock['stopped'] - clock['stopping']:.1f} s, "
        f"start {back - clock['starting']:.1f} s), {len(results)} requests in the phase"
    )
    print(
        f"  answered while it was away: {len(during)}, of which friendly 503 {friendly}, "
        f"served {sum(1 for r in during if r.status > 0 and not r.friendly)}"
    )
    print(f"  other answers (5xx, 4xx, none): {len(unfriendly)}")
    for error in unfriendly[:10]:
        print(f"    {error.route} -> {-error.status or 'no answer'}")
    if served_after:
        last = (
            f"the last 503 went to a request sent {max(late_503):.2f} s after it"
            if late_503
            else "no request sent after it got a 503"
        )
        print(
            f"  first page served {min(served_after):.2f} s after the database's "
            f"return; {last}"
        )
    # Visits that got no acknowledgement are sent again with the same client id, as the
    # visit page's draft does when the connection comes back.
    retried = dict(visits.pending)
    for key, (sender, returnee, data) in retried.items():
        answer = sender.http.post(
            sender.base + f"/mentoring/returnees/{returnee}/visit",
            data=data,
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code == 302:
            visits.acknowledged.add(key)
            visits.pending.pop(key, None)
    take_results(clients)
    engine = create_engine(database)
    with engine.connect() as c:
        stored = dict(
            c.execute(
                text(
                    "SELECT idempotency_key, count(*) FROM visits WHERE idempotency_key LIKE :p "
                    "GROUP BY idempotency_key"
                ),
                {"p": VISIT_PREFIX + "%"},
            ).all()
        )
    engine.dispose()
    lost = [k for k in visits.acknowledged if stored.get(k, 0) == 0]
    doubled = [k for k, n in stored.items() if n > 1]
    strangers = [k for k in stored if k not in visits.acknowledged]
    print(
        f"  visits acknowledged in all phases: {len(visits.acknowledged)} "
        f"({len(retried)} sent again after the outage, {len(visits.pending)} still unanswered); "
        f"stored: {sum(stored.values())}; lost {len(lost)}, stored twice {len(doubled)}, "
        f"stored but never acknowledged {len(strangers)}"
    )


def redis_outage(clients, server: Server, redis: Redis, password: str) -> None:
    redis.stop()
    run(clients, total=2000)
    results = take_results(clients)
    errors = [r for r in results if r.status <= 0]
    stranger = requests.Session()
    token = CSRF.search(stranger.get(server.base + "/login").text).group(1)
    statuses = []
    for _ in range(5 * server.workers + 3):
        answer = stranger.post(
            server.base + "/login",
            allow_redirects=False,
            data={
                "csrf_token": token,
                "username": "tamu.bench",
                "password": "salah-terus",
            },
        )
        statuses.append(answer.status_code)
    refused_at = statuses.index(429) + 1 if 429 in statuses else None
    print(
        f"\nRedis outage: {len(results)} requests with Redis stopped, errors {len(errors)}; "
        f"wrong passwords for one account: {statuses.count(200)} answered, "
        f"{statuses.count(429)} refused (first refusal at attempt {refused_at}), "
        f"5xx {sum(1 for s in statuses if s >= 500)}"
    )
    redis.start()
    started = time.perf_counter()
    back_in_redis = None
    while time.perf_counter() - started < 70:
        run(clients, total=50)
        stranger.post(
            server.base + "/login",
            allow_redirects=False,
            data={
                "csrf_token": token,
                "username": f"tamu.{uuid.uuid4().hex[:6]}",
                "password": "x",
            },
        )
        if redis.keys():
            back_in_redis = time.perf_counter() - started
            break
        time.sleep(0.5)
    results = take_results(clients)
    after = f"{back_in_redis:.1f} s" if back_in_redis is not None else "more than 70 s"
    print(
        f"  Redis started again: limits back in Redis after {after}, "
        f"{len(results)} requests meanwhile, errors {sum(1 for r in results if r.status <= 0)}"
    )
    print(
        "  caches: the app keeps none in Redis (only in each process), nothing to lose"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--server", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=len(MIX))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--outage", type=float, default=5.0)
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, through a pipe
    if args.concurrency != len(MIX):
        parser.error(f"the mix is {len(MIX)} people")
    from juragan.seeding.demo import DEMO_PASSWORD

    print(f"building {DATABASE} (demo data and {GENERATED_RETURNEES:,} returnees) ...")
    database = build_database(args.server)
    ids = find_ids(database)
    redis = Redis()
    redis.start()
    server = Server(database, redis, args.workers)
    try:
        print(
            f"gunicorn: {args.workers} workers on {server.base}; Redis on {redis.port}; "
            f"{os.cpu_count()} CPUs shared with the clients"
        )
        ids = keep_what_each_role_may_open(server, DEMO_PASSWORD, ids)
        visits = Visits()
        clients = people(server, DEMO_PASSWORD, ids, visits, seed=2026)
        bare_rate = bare(server, args.concurrency, 5000)
        mixed(clients, args.requests, bare_rate)
        if not args.no_faults:
            database_outage(clients, visits, args.server, database, args.outage)
            redis_outage(clients, server, redis, DEMO_PASSWORD)
    finally:
        server.stop()
        redis.stop()


if __name__ == "__main__":
    main()
