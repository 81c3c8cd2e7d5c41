"""Getting back into an account: one-time codes, verified contacts, and the resets
an official does in person (docs/password-reset.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.models.account import User
from juragan.models.base import Audited, Base

#: ``reset``: sent to a verified contact for a forgotten password; ``in_person``:
#: shown to an official who checked the person's KTP; ``verify``: sent to a new
#: e-mail address or phone number to prove it is the person's.
CODE_PURPOSES = ("reset", "in_person", "verify")
#: ``used``: it did its work; ``replaced``: a newer code was sent; ``attempts``:
#: too many wrong tries.
CODE_END_REASONS = ("used", "replaced", "attempts")
CONTACT_KINDS = ("email", "phone")


def _listed(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class OneTimeCode(Audited, Base):
    """A short code sent to (or shown for) one account; only its keyed hash is kept."""

    __tablename__ = "one_time_codes"
    __audit_redacted__ = ("code_hash", "destination_hash")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10))
    #: For ``verify``: the kind of contact, and a keyed hash of the value the code
    #: went to (a code proves that value, not whatever the field holds later).
    contact_kind: Mapped[str | None] = mapped_column(String(5))
    destination_hash: Mapped[str | None] = mapped_column(String(64))
    #: HMAC-SHA256 of the code, bound to the account and the purpose.
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Wrong tries so far; at the limit the code is dead.
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: A reset code entered rightly: the new password may be chosen until expiry.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(8))

    user: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint(_listed("purpose", CODE_PURPOSES), name="purpose_known"),
        CheckConstraint(
            "end_reason IS NULL OR " + _listed("end_reason", CODE_END_REASONS),
            name="end_reason_known",
        ),
        CheckConstraint(
            "(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        CheckConstraint(
            "(purpose = 'verify') = (contact_kind IS NOT NULL "
            "AND destination_hash IS NOT NULL)",
            name="verify_names_its_contact",
        ),
        CheckConstraint(
            "contact_kind IS NULL OR " + _listed("contact_kind", CONTACT_KINDS),
            name="contact_kind_known",
        ),
    )


class VerifiedContact(Audited, Base):
    """An e-mail address or phone number its account proved it receives.

    Only a keyed hash of the value is kept: the value itself stays where it always
    was (``users.email``, the returnee's ``phone``), and the contact counts as
    verified while that value still hashes the same. One value is verified for one
    account at a time: the latest to prove it holds it (numbers are recycled).
    """

    __tablename__ = "verified_contacts"
    __audit_redacted__ = ("value_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(5))
    value_hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        UniqueConstraint("kind", "value_hash"),
        CheckConstraint(_listed("kind", CONTACT_KINDS), name="kind_known"),
    )


class AccessReset(Audited, Base):
    """An official gave a returnee a temporary code in person, having seen their
    KTP: who, when, why (the person's processing log shows it)."""

    __tablename__ = "access_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    official_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The official confirmed they saw the KTP and the person together.
    ktp_checked: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)

    official: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        CheckConstraint("ktp_checked", name="ktp_checked"),
        CheckConstraint("length(trim(note)) > 0", name="note_not_blank"),
    )
