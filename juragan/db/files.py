"""Files that go with database rows: written and removed in step with the transaction.

An uploaded document or photo is a file plus a row. Written straight to disk, a
rollback would leave the file behind with no row pointing at it (and removed
straight away, a rollback would leave a row pointing at nothing). So:

- :func:`write` puts the file in place now and takes it away again if the
  transaction rolls back;
- :func:`remove_after_commit` removes a file only once the transaction that
  dropped its row has committed.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

_WRITTEN = "files.written"
_DOOMED = "files.remove_after_commit"


def write(session: Session, path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    session.info.setdefault(_WRITTEN, []).append(path)


def remove_after_commit(session: Session, path: Path) -> None:
    session.info.setdefault(_DOOMED, []).append(path)


def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_DOOMED, []):
        path.unlink(missing_ok=True)


def _rolled_back(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, listener in (
        ("after_commit", _committed),
        ("after_rollback", _rolled_back),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
