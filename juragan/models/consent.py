"""Consent per purpose (UU PDP 27/2022 Pasal 20-22): who agreed to what, in which
words, how it was given and proven, and its withdrawal. ``docs/consent.md``."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.models.account import User
from juragan.models.base import Audited, Base
from juragan.models.registry_codes import in_list
from juragan.models.returnee import Returnee


class ConsentPurpose(enum.StrEnum):
    """The purposes juragan asks consent for, each governing processing of its own
    (``docs/consent.md`` says which)."""

    #: The record itself and mentoring: the core purpose, without which nothing is
    #: kept (withdrawing it is asking for erasure).
    REGISTRY = "registry"
    #: Sharing KUR applications, their documents, the plan and the business with
    #: the lender the person sends them to.
    LENDER = "lender"
    #: Messages from the programme, one purpose per channel.
    CONTACT_SMS = "contact_sms"
    CONTACT_WHATSAPP = "contact_whatsapp"
    CONTACT_EMAIL = "contact_email"


class ConsentMethod(enum.StrEnum):
    """How consent (or its withdrawal) was given."""

    #: By the person themself, signed in to their own account (or registering).
    ONLINE = "online"
    #: A paper form the person signed, scanned and uploaded by whoever recorded it.
    PAPER = "paper"
    #: A paper form signed at the BP3MI office and kept in its archive under a
    #: reference, attested by the official who imported the registry file.
    PAPER_ARCHIVE = "paper_archive"
    #: Recorded before consent was kept per purpose (one tick for the 2026-11
    #: text, by the person or by the mentor who registered them).
    LEGACY = "legacy"


CONSENT_PURPOSES = tuple(p.value for p in ConsentPurpose)
CONSENT_METHODS = tuple(m.value for m in ConsentMethod)
WITHDRAWAL_METHODS = (ConsentMethod.ONLINE.value, ConsentMethod.PAPER.value)


class ConsentRecord(Audited, Base):
    """One consent to one purpose, from its giving to its withdrawal.

    History is kept: a withdrawal fills the withdrawal columns and never deletes the
    row; consent given again is a new row. At most one row per person and purpose is
    open (not withdrawn)."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    #: The version of the wording agreed to, and the words themselves as shown.
    wording_version: Mapped[str] = mapped_column(String(10))
    wording: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Who recorded it: the person themself online, or the mentor or official.
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The scanned signed form (``paper``): PDF, JPEG or PNG under a random name.
    stored_name: Mapped[str | None] = mapped_column(String(64))
    original_name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(40))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    #: Where the signed original is kept (``paper_archive``: the office's reference).
    form_reference: Mapped[str | None] = mapped_column(String(80))
    #: The withdrawal: when it was recorded, the date it takes effect (in the
    #: person's time zone, today or later) and that date's start as a moment
    #: (never before the withdrawal itself): processing stops from then.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    effective_on: Mapped[date | None] = mapped_column(Date)
    effective_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawal_method: Mapped[str | None] = mapped_column(String(16))
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: In the person's words, or the staff member's note of the letter received.
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    returnee: Mapped[Returnee] = relationship(viewonly=True)
    recorded_by: Mapped[User | None] = relationship(
        foreign_keys=[recorded_by_id], viewonly=True
    )
    withdrawn_by: Mapped[User | None] = relationship(
        foreign_keys=[withdrawn_by_id], viewonly=True
    )

    __table_args__ = (
        CheckConstraint(in_list("purpose", CONSENT_PURPOSES), name="purpose_known"),
        CheckConstraint(in_list("method", CONSENT_METHODS), name="method_known"),
        CheckConstraint(
            "method <> 'paper' OR (stored_name IS NOT NULL AND content_type IS NOT "
            "NULL AND size_bytes > 0 AND sha256 IS NOT NULL)",
            name="paper_has_scan",
        ),
        CheckConstraint(
            "method = 'paper' OR stored_name IS NULL", name="scan_only_on_paper"
        ),
        CheckConstraint(
            "method <> 'paper_archive' OR form_reference IS NOT NULL",
            name="archive_has_reference",
        ),
        CheckConstraint(
            "(withdrawn_at IS NULL) = (effective_on IS NULL)"
            " AND (withdrawn_at IS NULL) = (effective_at IS NULL)"
            " AND (withdrawn_at IS NULL) = (withdrawal_method IS NULL)",
            name="withdrawal_complete",
        ),
        CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= given_at",
            name="withdrawn_after_given",
        ),
        CheckConstraint(
            "effective_at IS NULL OR effective_at >= withdrawn_at",
            name="effective_from_withdrawal",
        ),
        CheckConstraint(
            "withdrawal_method IS NULL OR "
            + in_list("withdrawal_method", WITHDRAWAL_METHODS),
            name="withdrawal_method_known",
        ),
        # One open consent per person and purpose; history is the closed rows.
        Index(
            "uq_consent_records_one_open",
            "returnee_id",
            "purpose",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
            sqlite_where=text("withdrawn_at IS NULL"),
        ),
        # The lender's scope asks, per person, whether the consent holds.
        Index("ix_consent_records_purpose_person", "purpose", "returnee_id"),
        # Whether one person's consent holds now (db.scope.consent_holds, per row
        # of a bank officer's pages), answered from the index alone.
        Index(
            "ix_consent_records_person_purpose_effective",
            "returnee_id",
            "purpose",
            "effective_at",
        ),
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
