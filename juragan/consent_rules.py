"""The rules of consent per purpose (UU PDP 27/2022 Pasal 20-22, ``docs/consent.md``):
the words agreed to, what each purpose governs and what stops when it is
withdrawn, when a withdrawal takes effect, and whether a consent holds.

Plain rules over :class:`~juragan.models.consent.ConsentRecord` rows; the changes
are :mod:`juragan.services.consent`. Whether a lender may see an application is
decided in the data layer (:func:`juragan.db.scope.consent_holds`) with the same rule
as :func:`holds_at`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, object_session

from juragan import clock
from juragan.db import scope
from juragan.models import ConsentPurpose, ConsentRecord, Returnee

#: The version of the words below (and of the paper form); bump it when one changes.
WORDING_VERSION = "2026-12"
#: The version of the single consent text kept before consent per purpose.
LEGACY_VERSION = "2026-11"
#: A withdrawal takes effect today or on a later date, at most this far ahead.
LONGEST_NOTICE_DAYS = 366
#: The longest reference of a paper form in an office archive.
REFERENCE_LIMIT = 80

#: What the person agrees to, purpose by purpose, in plain words.
WORDING = {
    ConsentPurpose.REGISTRY: _l(
        "The programme registry and mentoring: juragan and the BP3MI office keep my "
        "identity, contact details, work abroad, trainings, business plans and "
        "businesses, to support my return: a mentor visits me and records the "
        "visits, and officials of my region see my record. The programme counts its "
        "figures from it without my name. My data is kept while I take part and for "
        "five years after; I can see, correct or ask to erase it at any time."
    ),
    ConsentPurpose.LENDER: _l(
        "Sharing with the lender I choose: when I send a KUR application, the "
        "lender's officers of my region see the application, its documents, my "
        "business plan and my business, to assess it and, once it is paid out, to "
        "follow the loan."
    ),
    ConsentPurpose.CONTACT_SMS: _l(
        "Messages by SMS: reminders of visits and instalments, and invitations to "
        "trainings."
    ),
    ConsentPurpose.CONTACT_WHATSAPP: _l(
        "Messages by WhatsApp: reminders of visits and instalments, and invitations "
        "to trainings."
    ),
    ConsentPurpose.CONTACT_EMAIL: _l(
        "Messages by e-mail: reminders of visits and instalments, and invitations to "
        "trainings."
    ),
}

#: Short names, for lists and history.
LABELS = {
    ConsentPurpose.REGISTRY: _l("Registry and mentoring"),
    ConsentPurpose.LENDER: _l("Sharing with the lender"),
    ConsentPurpose.CONTACT_SMS: _l("Messages by SMS"),
    ConsentPurpose.CONTACT_WHATSAPP: _l("Messages by WhatsApp"),
    ConsentPurpose.CONTACT_EMAIL: _l("Messages by e-mail"),
}

#: What stops from the date a withdrawal takes effect, said before it is sent.
WHAT_STOPS = {
    ConsentPurpose.LENDER: _l(
        "From that date the lender's officers no longer see your applications that "
        "have not been paid out, their documents, your business plan or your "
        "business, and no new application can be sent. A KUR already paid out stays "
        "with the lender until it is repaid: the credit agreement allows that."
    ),
    ConsentPurpose.CONTACT_SMS: _l(
        "From that date juragan sends you no message by SMS."
    ),
    ConsentPurpose.CONTACT_WHATSAPP: _l(
        "From that date juragan sends you no message by WhatsApp, and the lender's "
        "officers are not offered a WhatsApp reminder to you."
    ),
    ConsentPurpose.CONTACT_EMAIL: _l(
        "From that date juragan sends you no message by e-mail."
    ),
}

#: Said where the registry consent would be withdrawn: it is the record itself.
REGISTRY_WITHDRAWAL = _l(
    "Your record cannot be kept without this consent. To withdraw it, ask for your "
    "data to be erased: the regional office erases it and keeps only figures that "
    "say nothing about you."
)

METHOD_LABELS = {
    "online": _l("Online, by the person themself"),
    "paper": _l("On paper, signed, scanned and uploaded"),
    "paper_archive": _l("On paper, kept in the BP3MI office archive"),
    "legacy": _l("Before consent per purpose (one tick for everything)"),
}

#: The purposes a channel's messages need.
CHANNELS = {
    "sms": ConsentPurpose.CONTACT_SMS,
    "whatsapp": ConsentPurpose.CONTACT_WHATSAPP,
    "email": ConsentPurpose.CONTACT_EMAIL,
}

#: The one purpose without which nothing is kept; never withdrawn on its own.
CORE = ConsentPurpose.REGISTRY
#: Purposes the person may withdraw (the core one goes by erasure).
WITHDRAWABLE = tuple(p for p in ConsentPurpose if p is not CORE)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def effective_moment(
    effective_on: date, province_code: str, withdrawn_at: datetime
) -> datetime:
    """When processing stops: the start of ``effective_on`` in the person's zone
    (their province's), or the withdrawal itself when that day has begun already."""
    zone = clock.zone_of(province_code)
    start = datetime.combine(effective_on, time(0), tzinfo=zone).astimezone(UTC)
    return max(start, _aware(withdrawn_at))


def effective_date_problem(effective_on: date | None, today: date) -> str | None:
    """Why a withdrawal cannot take effect on ``effective_on`` (``today`` is the
    person's date), or ``None``."""
    if effective_on is None:
        return _l("Enter the date the withdrawal takes effect.")
    if effective_on < today:
        return _l("The date cannot be in the past: from today at the earliest.")
    if effective_on > today + timedelta(days=LONGEST_NOTICE_DAYS):
        return _l("Choose a date within a year.")
    return None


def holds_at(record: ConsentRecord, moment: datetime) -> bool:
    """Whether ``record`` lets its purpose's processing happen at ``moment``."""
    if _aware(record.given_at) > _aware(moment):
        return False
    return record.effective_at is None or _aware(record.effective_at) > _aware(moment)


def holding(
    records: Iterable[ConsentRecord], purpose: str, moment: datetime
) -> ConsentRecord | None:
    """The record by which consent to ``purpose`` holds at ``moment``, if any."""
    return next(
        (r for r in records if r.purpose == purpose and holds_at(r, moment)), None
    )


def open_record(records: Iterable[ConsentRecord], purpose: str) -> ConsentRecord | None:
    """The record of ``purpose`` not withdrawn (at most one: a unique index)."""
    return next(
        (r for r in records if r.purpose == purpose and not r.is_withdrawn), None
    )


def holds_on(record: ConsentRecord, day: date, province_code: str) -> bool:
    """Whether ``record`` covers the whole of ``day`` where the person lives: given
    by then, and any withdrawal taking effect only after it."""
    given_on = clock.date_in(province_code, record.given_at)
    return given_on <= day and (
        record.effective_on is None or record.effective_on > day
    )


def records_of(
    session: Session, returnee_id: int, purpose: str | None = None
) -> list[ConsentRecord]:
    """The person's consent records, whoever asks: only to decide, before doing
    it, whether something may be done (share, contact); never to show them."""
    stmt = select(ConsentRecord).where(ConsentRecord.returnee_id == returnee_id)
    if purpose is not None:
        stmt = stmt.where(ConsentRecord.purpose == purpose)
    with scope.system("consent"):
        return list(session.scalars(stmt.order_by(ConsentRecord.given_at)))


def holds_now(session: Session | None, returnee_id: int, purpose: str) -> bool:
    """Whether the person's consent to ``purpose`` holds now (the data layer's
    :func:`juragan.db.scope.consent_holds`, asked for one person)."""
    if session is None:
        return False
    now = clock.now()
    stmt = (
        select(ConsentRecord.id)
        .where(
            ConsentRecord.returnee_id == returnee_id,
            ConsentRecord.purpose == purpose,
            ConsentRecord.given_at <= now,
            or_(ConsentRecord.effective_at.is_(None), ConsentRecord.effective_at > now),
        )
        .limit(1)
    )
    with scope.system("consent"):
        return session.scalar(stmt) is not None


def may_contact(returnee: Returnee, channel: str, on_date: date) -> bool:
    """Whether a message may be sent to ``returnee`` by ``channel`` (``sms``,
    ``whatsapp``, ``email``) on ``on_date``, their date: the channel's consent
    covers that whole day. Every module that sends a message asks this first.

    :raises KeyError: for a channel juragan does not know.
    """
    purpose = CHANNELS[channel]
    session = object_session(returnee)
    if session is None or returnee.erased_at is not None:
        return False
    return any(
        holds_on(record, on_date, returnee.province_code)
        for record in records_of(session, returnee.id, purpose)
    )


__all__ = [
    "CHANNELS",
    "CORE",
    "LABELS",
    "METHOD_LABELS",
    "WHAT_STOPS",
    "WITHDRAWABLE",
    "WORDING",
    "WORDING_VERSION",
    "effective_date_problem",
    "effective_moment",
    "holding",
    "holds_at",
    "holds_now",
    "holds_on",
    "may_contact",
    "open_record",
    "records_of",
]
