"""Declarative base, naming convention and shared column helpers."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: BIGINT on PostgreSQL; SQLite only auto-increments a column declared INTEGER.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (used as a column default)."""
    return datetime.now(UTC)


def random_key() -> int:
    """A record's key for the dashboards' disclosure control
    (:mod:`juragan.domain.perturbation`): random, kept with the record, never shown."""
    return secrets.randbelow(65536)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Audited:
    """Marker mixin: every insert, update and delete of the model is audited.

    ``__audit_redacted__`` names columns whose values must never be copied into the
    audit log (the fact that they changed is still recorded).
    """

    __audit_redacted__: tuple[str, ...] = ()


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Versioned:
    """An editable record: every UPDATE checks and bumps ``version``.

    SQLAlchemy adds ``AND version = <the version read>`` to each UPDATE and raises
    ``StaleDataError`` when another transaction got there first; forms carry the
    version they were shown so that a stale form is refused before it is applied
    (``juragan.web.forms.is_stale``).
    """

    #: Incremented on every change of the row.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}
