"""Queries over the audit trail for the admin page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from juragan.db import inventory, scope
from juragan.domain import disclosure
from juragan.i18n.field_labels import field_label
from juragan.models import AuditEntry, User

#: Records whose values an administrator never reads, in the trail as elsewhere:
#: a family's money, mentoring and wellbeing, registration checks.
_NOT_FOR_ADMINS = frozenset({scope.FINANCE, scope.CARE, scope.CLAIM})


@dataclass
class AuditFilter:
    table: str | None = None
    action: str | None = None
    actor_username: str | None = None
    object_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def audit_query(filters: AuditFilter) -> Select[tuple[AuditEntry]]:
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if filters.table:
        stmt = stmt.where(AuditEntry.table_name == filters.table)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.actor_username:
        stmt = stmt.where(
            AuditEntry.actor_id.in_(
                select(User.id).where(
                    User.username == filters.actor_username.strip().lower()
                )
            )
        )
    if filters.object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(filters.object_id))
    if filters.date_from:
        stmt = stmt.where(AuditEntry.at >= _start_of(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(
            AuditEntry.at < _start_of(filters.date_to + timedelta(days=1))
        )
    return stmt


def shown_changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """An entry's changes as the trail shows them: ``(field, old, new)``, the field
    under the name the interface gives it (:mod:`juragan.i18n.field_labels`), each value
    as an administrator sees it on the record itself (they keep the system running;
    they do not read the people in it): names whole, identifiers, contacts,
    addresses, texts and amounts through the disclosure function of their kind,
    masked. Of records they never see (plans, loans, visits, wellbeing, checks)
    only the names of the fields that changed are shown, never a value."""
    model = inventory.MODELS_BY_TABLE.get(entry.table_name)
    hidden = model is not None and scope.FAMILIES.get(model) in _NOT_FOR_ADMINS
    rows = []
    for field, values in sorted((entry.changes or {}).items()):
        old, new = (list(values) + [None, None])[:2]
        kind = inventory.kind_of(entry.table_name, field)
        if hidden or kind == inventory.SECRET:
            shown = [None if v is None else disclosure.HIDDEN for v in (old, new)]
        else:
            full = kind == inventory.NAME
            shown = [
                v if v in (None, "***") else disclosure.value(kind, v, full)
                for v in (old, new)
            ]
        rows.append((field_label(entry.table_name, field), *shown))
    return rows
