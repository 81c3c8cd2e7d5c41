"""Queries over the audit trail for the admin page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from juragan.models import AuditEntry, User


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
