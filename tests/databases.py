"""Throwaway databases: a temporary SQLite file, or a fresh PostgreSQL database.

``make test`` sets ``TEST_DATABASE_URL`` to a PostgreSQL server for the second run;
each run (and each migration test) gets its own database, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from juragan.config import normalise_database_url


def server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


@contextmanager
def throwaway_database(tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of an empty database that is removed afterwards."""
    base = server_url()
    if base is None:
        path = tmp_dir / f"juragan-{uuid.uuid4().hex[:8]}.sqlite"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    url = make_url(base)
    name = f"juragan_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
