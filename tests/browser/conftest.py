"""A live server on a throwaway database, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from werkzeug.serving import make_server

from juragan import create_app
from juragan.db import scope
from juragan.extensions import db
from juragan.seeding.demo import seed_demo
from tests.conftest import TEST_CONFIG
from tests.databases import throwaway_database

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "artefacts" / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[Flask]:
    """The app behind the live server, with the demo data (tests may set things up)."""
    with throwaway_database(tmp_path_factory.mktemp("browser")) as url:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            flask_migrate.upgrade()
            seed_demo(db.session)
            db.session.commit()
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(autouse=True)
def _tests_read_every_scope() -> Iterator[None]:
    """The test's own checks read the database across scopes; the live server's
    requests (in its own thread) are scoped to their signed-in accounts."""
    with scope.system("tests"):
        yield


def closed_once_sent(app: Flask):
    """``app`` with each response closed as soon as its last byte is written, as
    gunicorn does. Werkzeug's development server first drains the connection with a
    blocking read, which can wait for ever on a connection Chromium keeps open, and
    only then closes the response: what a view left for after the response (a reset
    code's message) would never go."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)

        def chunks():
            try:
                yield from body
            finally:
                if hasattr(body, "close"):
                    body.close()

        return chunks()

    return wsgi


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    server = make_server("127.0.0.1", 0, closed_once_sent(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


#: The live server is Werkzeug's development server: when the browser drops a
#: connection while it streams a static file (navigating on before a 304 or a
#: script has gone out), the server thread leaves that file for the collector to
#: close. Only those warnings, and only in browser tests, are not errors.
_LIVE_SERVER_STATIC_FILE = r"unclosed file <_io.BufferedReader name='.*/juragan/static/"
_LIVE_SERVER_UNRAISABLE = r"Exception ignored in. <_io.FileIO name='.*/juragan/static/"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(
                pytest.mark.filterwarnings(
                    f"ignore:{_LIVE_SERVER_STATIC_FILE}:ResourceWarning"
                )
            )
            item.add_marker(
                pytest.mark.filterwarnings(
                    f"ignore:{_LIVE_SERVER_UNRAISABLE}:pytest.PytestUnraisableExceptionWarning"
                )
            )
