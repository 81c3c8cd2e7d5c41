"""One mechanism for the audit trail: a session listener on every flush.

A model takes part by inheriting :class:`juragan.models.base.Audited`; nothing else
needs to remember to write audit rows. The actor comes from :func:`acting_as` (CLI,
seeding, background work) or, failing that, from the resolver the web app installs.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.base import NO_VALUE

from juragan.models.audit import AuditEntry
from juragan.models.base import Audited, utcnow

REDACTED = "***"
#: Bookkeeping columns whose change says nothing a reader of the trail needs.
_IGNORED_COLUMNS = frozenset({"updated_at"})


@dataclass(frozen=True)
class Actor:
    id: int | None
    label: str


SYSTEM = Actor(None, "system")

_explicit_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
#: Installed by the web app: returns the signed-in account, if any.
actor_resolver: Callable[[], Actor | None] = lambda: None  # noqa: E731


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Attribute every change made inside the block to ``actor``."""
    token = _explicit_actor.set(actor)
    try:
        yield actor
    finally:
        _explicit_actor.reset(token)


def current_actor() -> Actor:
    return _explicit_actor.get() or actor_resolver() or SYSTEM


def plain_value(value: Any) -> Any:
    """Turn a column value into something JSON can hold."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        # SQLite hands back naive datetimes; every stored time is UTC.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _column_changes(obj: Audited, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    redacted = set(type(obj).__audit_redacted__)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _IGNORED_COLUMNS:
            continue
        history = state.attrs[key].history
        if action == "insert":
            old, new = None, state.attrs[key].value
            if new is None:
                continue
        elif action == "delete":
            old, new = state.attrs[key].loaded_value, None
            if old is None or old is NO_VALUE:
                continue
        else:
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        if key in redacted:
            changes[key] = [REDACTED, REDACTED]
        else:
            changes[key] = [plain_value(old), plain_value(new)]
    return changes


def _object_id(obj: Audited) -> str:
    # The identity key is not yet set for new objects inside after_flush.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ":".join(str(part) for part in key)


def _person(obj: Any) -> int | None:
    """The returnee an audited object is about (its parents may lie outside what
    the actor loaded: looked up across scopes, for the log only)."""
    from juragan.db import scope

    with scope.system("audit"):
        return scope.person_of(obj)


def _record(session: Session, flush_context: UOWTransaction) -> None:
    entries: list[dict[str, Any]] = []
    for action, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj):
                continue
            changes = _column_changes(obj, action)
            if action == "update" and not changes:
                continue
            entries.append(
                {
                    "action": action,
                    "table_name": obj.__tablename__,  # type: ignore[attr-defined]
                    "object_id": _object_id(obj),
                    "returnee_id": _person(obj),
                    "changes": changes,
                }
            )
    if not entries:
        return
    actor = current_actor()
    now = utcnow()
    for entry in entries:
        entry.update(at=now, actor_id=actor.id, actor_label=actor.label)
    session.connection().execute(insert(AuditEntry), entries)


def _keep_old_values(_value: Any, *_args: Any) -> None:
    """No-op "set" listener; registering it with ``active_history`` is the point."""


def _track_old_values(mapper: Any, class_: type) -> None:
    # Load the previous value before an assignment, even on an expired object,
    # so that an update records what a field changed *from*.
    for prop in mapper.column_attrs:
        attribute = getattr(class_, prop.key)
        if not event.contains(attribute, "set", _keep_old_values):
            event.listen(attribute, "set", _keep_old_values, active_history=True)


def install() -> None:
    """Listen on every SQLAlchemy session and audited mapper (idempotent)."""
    if not event.contains(Session, "after_flush", _record):
        event.listen(Session, "after_flush", _record)
    if not event.contains(Audited, "mapper_configured", _track_old_values):
        event.listen(Audited, "mapper_configured", _track_old_values, propagate=True)
    # Mappers configured before this ran (an import that asked for one) get it now.
    from juragan.models import Base

    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, Audited) and mapper.configured:
            _track_old_values(mapper, mapper.class_)


def record_view(session: Session, obj: Audited, fields: list[str]) -> None:
    """Record that the current actor displayed protected ``fields`` of ``obj``.

    The values themselves are not copied into the trail.
    """
    record_views(session, [(obj, fields)])


def record_search(session: Session, by: str, returnee_id: int | None = None) -> None:
    """Record that the current actor looked someone up by an identifier (``by``:
    ``nik``, ``phone``), or tried to register a NIK someone else holds: in the
    person's own processing log when there is one. The value is never kept."""
    actor = current_actor()
    session.connection().execute(
        insert(AuditEntry),
        [
            {
                "at": utcnow(),
                "actor_id": actor.id,
                "actor_label": actor.label,
                "action": "search",
                "table_name": "returnees",
                "object_id": "" if returnee_id is None else str(returnee_id),
                "returnee_id": returnee_id,
                "changes": {by: [REDACTED, REDACTED]},
            }
        ],
    )


def record_views(session: Session, views: Iterable[tuple[Audited, list[str]]]) -> None:
    """:func:`record_view` for many objects at once (every row of an export)."""
    actor, now = current_actor(), utcnow()
    rows = [
        {
            "at": now,
            "actor_id": actor.id,
            "actor_label": actor.label,
            "action": "view",
            "table_name": obj.__tablename__,  # type: ignore[attr-defined]
            "object_id": _object_id(obj),
            "returnee_id": _person(obj),
            "changes": {name: [REDACTED, REDACTED] for name in fields},
        }
        for obj, fields in views
    ]
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
