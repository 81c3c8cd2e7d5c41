"""Consent per purpose: given at registration or later, withdrawn from a date,
and proven (``docs/consent.md``; the rules are :mod:`juragan.consent_rules`).

Who gives it decides how: the person signed in to their own account gives it
online; a mentor or an official records consent the person gave on a signed paper
form, whose scan they upload (nothing is recorded without it); the registry import
records the forms the BP3MI office keeps in its archive, each under its reference.
A withdrawal never deletes a record, and consent given again is a new record.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan import clock, consent_rules
from juragan.db import files, inventory
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Returnee,
    Role,
    User,
)
from juragan.services.loans.documents import EXTENSIONS, MAX_DOCUMENT_BYTES, SIGNATURES

#: A scanned form is bounded like a KUR document: PDF, JPEG or PNG, 5 MB.
MAX_SCAN_BYTES = MAX_DOCUMENT_BYTES
REASON_LIMIT = 2000
REFERENCE_LIMIT = consent_rules.REFERENCE_LIMIT


@dataclass(frozen=True)
class Scan:
    """An uploaded file: its name as sent (never used as a path) and its bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class GivenConsent:
    """Consent as a form hands it in: the purposes agreed to, and its proof."""

    purposes: frozenset[str]
    method: str = ConsentMethod.ONLINE.value
    scan: Scan | None = None
    #: Where the signed original is kept (``paper_archive``).
    form_reference: str | None = None
    #: When it was given, if before it is recorded (a registration kept for a check).
    given_at: datetime | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def field_of(self, name: str) -> str:
        """The form field a problem with ``name`` is shown beside."""
        return self.fields.get(name, name)


def online(purposes: Iterable[str], given_at: datetime | None = None) -> GivenConsent:
    """Consent the person gives themself, signed in or registering."""
    return GivenConsent(
        frozenset(purposes), ConsentMethod.ONLINE.value, given_at=given_at
    )


def on_paper(purposes: Iterable[str], scan: Scan | None) -> GivenConsent:
    """Consent on a signed paper form, recorded with its scan."""
    return GivenConsent(frozenset(purposes), ConsentMethod.PAPER.value, scan=scan)


def in_archive(purposes: Iterable[str], reference: str | None) -> GivenConsent:
    """Consent on a paper form kept in the BP3MI office archive under ``reference``."""
    return GivenConsent(
        frozenset(purposes), ConsentMethod.PAPER_ARCHIVE.value, form_reference=reference
    )


def _scan_type(scan: Scan | None) -> tuple[str | None, str | None]:
    """The scan's content type, or why it cannot be kept."""
    if scan is None or not scan.content:
        return None, _l(
            "Upload the scan or photo of the consent form the person signed."
        )
    if len(scan.content) > MAX_SCAN_BYTES:
        return None, _l("The file is larger than 5 MB.")
    kind = next(
        (kind for magic, kind in SIGNATURES.items() if scan.content.startswith(magic)),
        None,
    )
    if kind is None:
        return None, _l("Upload a PDF, JPEG or PNG file.")
    return kind, None


def check_given(
    given: GivenConsent, actor: User | None, *, registering: bool = False
) -> None:
    """Check consent before anything is saved.

    :param actor: who records it (``None`` or the person's own account: online).
    :param registering: a registration needs the registry purpose.
    :raises FieldErrors: naming ``purposes``, ``scan`` or ``form_reference`` (mapped
        to the form's own fields by ``given.fields``).
    """
    errors: list[tuple[str | None, str]] = []
    unknown = given.purposes - set(consent_rules.LABELS)
    if registering and consent_rules.CORE not in given.purposes:
        errors.append(
            (
                given.field_of("purposes"),
                _l(
                    "Nothing can be saved without consent to the registry and mentoring."
                ),
            )
        )
    elif unknown or not given.purposes:
        errors.append((given.field_of("purposes"), _l("Choose what is agreed to.")))
    by_staff = actor is not None and actor.role != Role.RETURNEE
    allowed = (
        (ConsentMethod.PAPER, ConsentMethod.PAPER_ARCHIVE)
        if by_staff
        else (ConsentMethod.ONLINE,)
    )
    if given.method not in allowed:
        errors.append(
            (
                given.field_of("method"),
                _l(
                    "Consent given for someone else is recorded from the form they signed."
                ),
            )
        )
    elif given.method == ConsentMethod.PAPER:
        problem = _scan_type(given.scan)[1]
        if problem is not None:
            errors.append((given.field_of("scan"), problem))
    elif given.method == ConsentMethod.PAPER_ARCHIVE:
        reference = (given.form_reference or "").strip()
        if not reference or len(reference) > REFERENCE_LIMIT:
            errors.append(
                (
                    given.field_of("form_reference"),
                    _l("Give the reference of the signed form in the office archive."),
                )
            )
    if errors:
        raise FieldErrors(errors)


def _wording(purpose: str, method: str) -> str:
    """The words agreed to: as the person read them online, or as the paper form
    prints them (always Indonesian)."""
    text = consent_rules.WORDING[ConsentPurpose(purpose)]
    if method == ConsentMethod.ONLINE:
        return str(text)
    with force_locale("id"):
        return str(text)


def record_consent(
    session: Session,
    actor: User | None,
    returnee: Returnee,
    given: GivenConsent,
    now: datetime,
    upload_folder: str | Path | None = None,
    *,
    registering: bool = False,
) -> list[ConsentRecord]:
    """Record ``given`` for each of its purposes; one scan is kept for the form.

    :raises FieldErrors: see :func:`check_given`; :raises DomainError: on
        ``purposes`` for a purpose already given and not withdrawn.
    """
    check_given(given, actor, registering=registering)
    held = {
        r.purpose
        for r in session.scalars(
            select(ConsentRecord).where(
                ConsentRecord.returnee_id == returnee.id,
                ConsentRecord.withdrawn_at.is_(None),
            )
        )
    }
    again = held & given.purposes
    if again:
        raise DomainError(
            given.field_of("purposes"),
            _l(
                "This consent is given already: %(purposes)s.",
                purposes=", ".join(
                    str(consent_rules.LABELS[ConsentPurpose(p)]) for p in sorted(again)
                ),
            ),
        )
    stored: dict[str, object] = {}
    if given.method == ConsentMethod.PAPER and given.scan is not None:
        content_type, _problem = _scan_type(given.scan)
        if content_type is None or upload_folder is None:  # pragma: no cover
            raise ValueError("a paper consent needs its scan and the upload folder")
        stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
        files.write(
            session,
            inventory.path_of("consent_scan", stored_name, upload_folder),
            given.scan.content,
        )
        stored = {
            "stored_name": stored_name,
            "content_type": content_type,
            "original_name": Path(given.scan.filename or "form").name[:200],
            "size_bytes": len(given.scan.content),
            "sha256": hashlib.sha256(given.scan.content).hexdigest(),
        }
    reference = (given.form_reference or "").strip() or None
    recorded_by = actor.id if actor is not None else returnee.user_id
    records = [
        ConsentRecord(
            returnee_id=returnee.id,
            purpose=purpose,
            wording_version=consent_rules.WORDING_VERSION,
            wording=_wording(purpose, given.method),
            method=given.method,
            given_at=given.given_at or now,
            recorded_by_id=recorded_by,
            form_reference=reference,
            **stored,
        )
        for purpose in (p.value for p in ConsentPurpose if p.value in given.purposes)
    ]
    session.add_all(records)
    session.flush()
    return records


def _is_own(actor: User, returnee: Returnee) -> bool:
    return actor.role == Role.RETURNEE and returnee.user_id == actor.id


def withdraw_consent(
    session: Session,
    actor: User,
    returnee: Returnee,
    purpose: str,
    effective_on: date | None,
    reason: str | None,
    now: datetime,
) -> ConsentRecord:
    """Withdraw consent to ``purpose`` from ``effective_on`` (the person's date,
    today or later). The person does it online; a mentor or an official records a
    withdrawal the person gave them on paper, saying so in ``reason``.

    :raises DomainError: on ``purpose`` for the registry purpose (that is erasure)
        or a consent not given; on ``effective_on`` for a date in the past (where
        the person lives) or too far ahead; on ``reason`` when staff give none.
    """
    if purpose == consent_rules.CORE:
        raise DomainError("purpose", consent_rules.REGISTRY_WITHDRAWAL)
    if purpose not in consent_rules.LABELS:
        raise DomainError("purpose", _l("Choose what is agreed to."))
    record = session.scalar(
        select(ConsentRecord).where(
            ConsentRecord.returnee_id == returnee.id,
            ConsentRecord.purpose == purpose,
            ConsentRecord.withdrawn_at.is_(None),
        )
    )
    if record is None:
        raise DomainError("purpose", _l("This consent is not given now."))
    errors: list[tuple[str | None, str]] = []
    problem = consent_rules.effective_date_problem(
        effective_on, clock.date_in(returnee.province_code, now)
    )
    if problem is not None:
        errors.append(("effective_on", problem))
    reason = (reason or "").strip() or None
    own = _is_own(actor, returnee)
    if not own and reason is None:
        errors.append(
            ("reason", _l("Say how the withdrawal reached you (the letter, its date)."))
        )
    if reason is not None and len(reason) > REASON_LIMIT:
        errors.append(
            ("reason", _l("Keep this under %(limit)s characters.", limit=REASON_LIMIT))
        )
    if errors:
        raise FieldErrors(errors)
    assert effective_on is not None
    actor_id = actor.id  # read first: a lazy load would flush a half-made change
    record.withdrawn_at = now
    record.effective_on = effective_on
    record.effective_at = consent_rules.effective_moment(
        effective_on, returnee.province_code, now
    )
    record.withdrawal_method = (
        ConsentMethod.ONLINE if own else ConsentMethod.PAPER
    ).value
    record.withdrawn_by_id = actor_id
    record.withdrawal_reason = reason
    session.flush()
    return record


def give_consent(
    session: Session,
    actor: User,
    returnee: Returnee,
    given: GivenConsent,
    now: datetime,
    upload_folder: str | Path,
) -> list[ConsentRecord]:
    """Consent given after registration (again, or to a purpose not agreed to
    before): online by the person, on a scanned paper form by their carers."""
    return record_consent(session, actor, returnee, given, now, upload_folder)


def history(returnee: Returnee) -> list[ConsentRecord]:
    """The person's records the reader may see, newest first."""
    return sorted(returnee.consents, key=lambda r: (r.given_at, r.id), reverse=True)


@dataclass(frozen=True)
class PurposeState:
    """Where one purpose stands for a person, for their consent page."""

    purpose: ConsentPurpose
    #: The record by which it holds now, if any.
    holding: ConsentRecord | None
    #: The record not withdrawn, if any (withdrawable).
    open: ConsentRecord | None
    #: A withdrawal recorded but not in effect yet.
    pending: ConsentRecord | None

    @property
    def holds(self) -> bool:
        return self.holding is not None


def states(returnee: Returnee, now: datetime) -> list[PurposeState]:
    """Each purpose, in the order they are asked, with its state at ``now``."""
    records = returnee.consents
    result = []
    for purpose in ConsentPurpose:
        holding = consent_rules.holding(records, purpose, now)
        result.append(
            PurposeState(
                purpose,
                holding,
                consent_rules.open_record(records, purpose),
                holding if holding is not None and holding.is_withdrawn else None,
            )
        )
    return result


__all__ = [
    "GivenConsent",
    "PurposeState",
    "Scan",
    "check_given",
    "give_consent",
    "history",
    "in_archive",
    "on_paper",
    "online",
    "record_consent",
    "states",
    "withdraw_consent",
]
