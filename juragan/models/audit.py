"""The audit trail: one row per insert, update or delete of an audited model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.domain.codes import AuditAction
from juragan.models.account import User
from juragan.models.base import Base, BigIntPK, utcnow
from juragan.models.registry_codes import in_list

#: The actions of ``juragan.domain.codes.AuditAction``.
AUDIT_ACTIONS = AuditAction.values()


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The signed-in account that made the change; NULL for the CLI or the system.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Who acted, kept readable even when the account is gone (``cli``, ``system``).
    actor_label: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(6))
    #: The person the entry is about, whatever the table: their processing log, the
    #: scope of the trail, and what an erasure scrubs. No foreign key: the trail
    #: outlives the rows it tells of.
    returnee_id: Mapped[int | None] = mapped_column(Integer, index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    #: ``{"field": [old, new]}``; redacted fields carry ``"***"`` for both values.
    changes: Mapped[dict[str, Any]] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql")
    )

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("action", AuditAction), name="action_known"),
        Index("ix_audit_log_object", "table_name", "object_id"),
        Index("ix_audit_log_at", "at"),
    )
