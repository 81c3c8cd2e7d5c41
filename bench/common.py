"""Pieces the benches share: their PostgreSQL databases, gunicorn, sign-in, figures."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def prepare(
    server: str,
    size: int,
    *,
    name: str | None = None,
    demo: bool = False,
    officials: Iterable[tuple[str, str | None, str | None]] = (),
    password: str = "",
) -> str:
    """The URL of a migrated database of at least ``size`` returnees on ``server``.

    The database (``juragan_bench_<size>`` unless ``name`` says) is created when
    missing and topped up with generated returnees when it holds fewer, so a second
    run reuses it. ``demo`` adds the demo accounts and their data first (once);
    ``officials`` are (username, province, regency) accounts made with ``password``.
    """
    import flask_migrate
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url

    from juragan import create_app
    from juragan.dashboards.summaries import vacuum
    from juragan.db import scope
    from juragan.extensions import db
    from juragan.models import Returnee, Role, User
    from juragan.seeding.bulk import generate_returnees
    from juragan.services.accounts import AccountData, create_account

    url = make_url(server)
    name = name or f"juragan_bench_{size}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    database = url.set(database=name).render_as_string(hide_password=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database})
    with app.app_context(), scope.system("cli"):
        flask_migrate.upgrade()
        if demo:
            from juragan.seeding.demo import DEMO_ACCOUNTS, seed_demo

            first = DEMO_ACCOUNTS[0].username
            if db.session.scalar(select(User).where(User.username == first)) is None:
                # Before the generated people, as `flask juragan seed-demo` then
                # `seed` would do.
                seed_demo(db.session)
                db.session.commit()
        have = db.session.scalar(select(func.count()).select_from(Returnee)) or 0
        if have < size:
            started = time.perf_counter()
            generate_returnees(db.session, size - have, seed=size)
            db.session.commit()
            vacuum(db.engine)
            print(
                f"  seeded {size - have:,} returnees in "
                f"{time.perf_counter() - started:.0f} s"
            )
        for username, province, regency in officials:
            if db.session.scalar(select(User).where(User.username == username)) is None:
                create_account(
                    db.session,
                    AccountData(
                        username=username,
                        full_name=username,
                        role=Role.OFFICIAL,
                        scope_province_code=province,
                        scope_regency_code=regency,
                    ),
                    password,
                )
        db.session.commit()
        db.engine.dispose()
    return database


def drop(server: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``wsgi:app`` under gunicorn with gunicorn.conf.py, as `make serve` runs it."""

    def __init__(
        self,
        database: str,
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
    ) -> None:
        import requests

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log or ROOT / "artefacts" / "bench-server.log"
        self.log.parent.mkdir(exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603
            [BIN / "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database,
                "HOST": "127.0.0.1",
                "SERVE_PORT": str(self.port),
                "SECRET_KEY": os.urandom(32).hex(),
                **(env or {}),
            },
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )
        for _ in range(300):
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass  # still booting
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start; see {self.log}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)


def sign_in(base: str, username: str, password: str):
    """A ``requests`` session signed in as ``username`` through the sign-in form."""
    import requests

    http = requests.Session()
    page = http.get(base + "/login")
    token = CSRF.search(page.text).group(1)
    answer = http.post(
        base + "/login",
        allow_redirects=False,
        data={"csrf_token": token, "username": username, "password": password},
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{username} could not sign in: {answer.status_code}")
    return http
