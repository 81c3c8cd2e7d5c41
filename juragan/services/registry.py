"""The returnee registry: registration, profile changes, NIK checks, duplicates,
placements abroad, trainings and account invitations."""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

import pycountry
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from juragan import clock, consent_rules
from juragan.db import scope, vault
from juragan.db.audit import Actor, acting_as
from juragan.domain.codes import (
    EducationLevel,
    MaritalStatus,
    ReturnReason,
    Sector,
    Sex,
    TrainingKind,
    TrainingStage,
)
from juragan.domain.identifiers import (
    MAXIMUM_AGE,
    MINIMUM_WORKER_AGE,
    InvalidIdentifier,
    adult_birth_date,
    age_on,
    check_nik_agrees,
    normalise_phone,
    parse_nik,
)
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    Invitation,
    Placement,
    Regency,
    RegistrationCheck,
    Returnee,
    Role,
    Training,
    User,
)
from juragan.policy import in_region
from juragan.services.accounts import AccountData, create_account, new_username
from juragan.services.consent import GivenConsent, check_given, online, record_consent

INVITATION_DAYS = 14
#: Name similarity (0-1) above which a person with the same birth date and
#: regency is flagged as a possible duplicate.
SIMILAR_NAME_RATIO = 0.85


@dataclass
class ProfileData:
    nik: str
    full_name: str
    sex: str
    birth_date: date
    province_code: str
    regency_code: str
    education: str
    marital_status: str
    dependants: int = 0
    phone: str | None = None
    email: str | None = None
    district: str | None = None
    village: str | None = None


class DuplicateNik(DomainError):
    """The NIK is registered already; ``existing_id`` points at that record."""

    def __init__(self, existing_id: int) -> None:
        super().__init__("nik", _l("This NIK is already registered."))
        self.existing_id = existing_id


class PossibleDuplicates(DomainError):
    """People with the same birth date and regency and a similar name exist."""

    def __init__(self, candidates: list[int]) -> None:
        super().__init__(
            None,
            _l(
                "A person with a similar name, the same birth date and the same "
                "regency is already registered. Check that this is someone else."
            ),
        )
        self.candidates = candidates


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


def _normalise_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(folded.casefold().replace(".", " ").replace(",", " ").split())


def name_similarity(a: str, b: str) -> float:
    """0-1 similarity of two names, ignoring case, accents, punctuation and order."""
    left, right = _normalise_name(a), _normalise_name(b)
    ordered = SequenceMatcher(None, left, right).ratio()
    unordered = SequenceMatcher(
        None, " ".join(sorted(left.split())), " ".join(sorted(right.split()))
    ).ratio()
    return max(ordered, unordered)


def check_profile(
    session: Session,
    data: ProfileData,
    today: date,
    regency_provinces: Mapping[str, str] | None = None,
    first_departure: date | None = None,
) -> None:
    """Normalise ``data`` in place and check every rule.

    A returnee is 18 to 100 years old today, and was at least 18 on their first
    departure (UU 18/2017 Pasal 5 huruf a; ``docs/identifiers.md``).

    :param regency_provinces: regency code -> province code, for checking many rows
        without a query each (an import); looked up in the database otherwise.
    :param first_departure: the earliest placement's departure, for a person who
        has placements already (a changed birth date must still fit it).
    :raises FieldErrors: listing every field that is wrong.
    """
    errors: list[tuple[str | None, str]] = []
    data.full_name = _clean(data.full_name) or ""
    data.district = _clean(data.district)
    data.village = _clean(data.village)
    data.email = (_clean(data.email) or "").lower() or None
    if not data.full_name:
        errors.append(("full_name", _l("Enter the full name.")))
    if data.sex not in Sex.values():
        errors.append(("sex", _l("Choose female or male.")))
    if data.birth_date > today:
        errors.append(("birth_date", _l("The birth date cannot be in the future.")))
    elif age_on(data.birth_date, today) > MAXIMUM_AGE:
        errors.append(
            ("birth_date", _l("Check the birth year: this person would be over 100."))
        )
    elif age_on(data.birth_date, today) < MINIMUM_WORKER_AGE:
        errors.append(("birth_date", too_young_message(data.birth_date, today)))
    elif first_departure is not None:
        problem = departure_age_problem(data.birth_date, first_departure)
        if problem is not None:
            errors.append(("birth_date", problem))
    try:
        info = parse_nik(data.nik, today)
        adult_birth_date(info, today)
    except InvalidIdentifier as error:
        errors.append(("nik", error.message))
    else:
        data.nik = info.nik
        if data.sex in Sex.values():
            errors.extend(check_nik_agrees(info, data.birth_date, data.sex))
    if data.phone:
        try:
            data.phone = normalise_phone(data.phone)
        except InvalidIdentifier as error:
            errors.append(("phone", error.message))
    else:
        data.phone = None
    if regency_provinces is not None:
        province = regency_provinces.get(data.regency_code or "")
    else:
        regency = session.get(Regency, data.regency_code or "")
        province = regency.province_code if regency is not None else None
    if province is None or province != data.province_code:
        errors.append(
            ("regency_code", _l("This regency or city is not in the chosen province."))
        )
    if data.education not in EducationLevel.values():
        errors.append(("education", _l("Choose the highest schooling completed.")))
    if data.marital_status not in MaritalStatus.values():
        errors.append(("marital_status", _l("Choose a marital status.")))
    if not 0 <= (data.dependants or 0) <= 30:
        errors.append(("dependants", _l("Enter a number from 0 to 30.")))
    if errors:
        raise FieldErrors(errors)


def too_young_message(birth_date: date, today: date) -> str:
    return _l(
        "Born on %(date)s, this person is %(age)d today; a returning migrant worker "
        "is at least 18 (UU 18/2017).",
        date=birth_date.strftime("%d-%m-%Y"),
        age=age_on(birth_date, today),
    )


def departure_age_problem(birth_date: date, departure: date) -> str | None:
    """Why a departure on ``departure`` is impossible for someone born on
    ``birth_date`` (younger than 18 that day: UU 18/2017 Pasal 5 huruf a), or None.
    """
    age = age_on(birth_date, departure)
    if age >= MINIMUM_WORKER_AGE:
        return None
    return _l(
        "On the departure of %(day)s this person was %(age)d; a migrant worker "
        "leaves at 18 or older (UU 18/2017, Pasal 5 huruf a).",
        day=departure.strftime("%d-%m-%Y"),
        age=age,
    )


def find_by_nik(session: Session, nik: str) -> Returnee | None:
    """The person with this NIK among those the current viewer may see."""
    return session.scalar(select(Returnee).where(Returnee.nik == nik))


def nik_owner_anywhere(session: Session, nik: str) -> int | None:
    """The id of whoever holds ``nik``, across every scope: only for refusing a
    second registration. Never show the person behind it to the caller."""
    with scope.system("uniqueness"):
        return session.scalar(select(Returnee.id).where(Returnee.nik == nik))


def find_similar(
    session: Session, data: ProfileData, exclude_id: int | None = None
) -> list[int]:
    """Ids of people with the same birth date and regency whose names are alike,
    across every scope. Only ids: no record read here may reach the caller's
    session unfiltered (the caller fetches those its user may see)."""
    stmt = select(Returnee.id, Returnee.full_name).where(
        Returnee.birth_date == data.birth_date,
        Returnee.regency_code == data.regency_code,
    )
    if exclude_id is not None:
        stmt = stmt.where(Returnee.id != exclude_id)
    with scope.system("uniqueness"):
        return [
            person_id
            for person_id, name in session.execute(stmt)
            if name_similarity(name, data.full_name) >= SIMILAR_NAME_RATIO
        ]


def _check_registrar_scope(actor: User | None, data: ProfileData) -> None:
    if actor is None or actor.role == Role.RETURNEE:
        return
    if not in_region(actor, data.province_code, data.regency_code):
        raise DomainError("regency_code", _l("This address is outside your region."))


def register_returnee(
    session: Session,
    actor: User | None,
    data: ProfileData,
    *,
    consent: GivenConsent,
    now: datetime,
    upload_folder: str | Path | None = None,
    user: User | None = None,
    confirmed_not_duplicate: bool = False,
) -> Returnee:
    """Register a returnee, by themselves (``user``) or by a mentor or official.

    Nothing is saved without consent to the registry purpose: the person's own,
    online, or the paper form they signed, whose scan a mentor or an official
    uploads (``docs/consent.md``). A mentor who registers someone takes them into
    their caseload.

    :raises FieldErrors: for invalid fields, consent and its proof included;
        :raises DuplicateNik: when the NIK is taken; :raises PossibleDuplicates:
        when a similar person exists and ``confirmed_not_duplicate`` is false.
    """
    _check_all(session, data, consent, actor, now)
    _check_registrar_scope(actor, data)
    existing = nik_owner_anywhere(session, data.nik)
    if existing is not None:
        raise DuplicateNik(existing)
    if not confirmed_not_duplicate:
        similar = find_similar(session, data)
        if similar:
            raise PossibleDuplicates(similar)
    returnee = Returnee(
        **vars(data),
        user_id=user.id if user else None,
        mentor_id=actor.id if actor is not None and actor.role == Role.MENTOR else None,
        registered_by_id=actor.id if actor else (user.id if user else None),
    )
    session.add(returnee)
    session.flush()
    record_consent(
        session, actor, returnee, consent, now, upload_folder, registering=True
    )
    return returnee


def _check_all(
    session: Session,
    data: ProfileData,
    consent: GivenConsent,
    actor: User | None,
    now: datetime,
) -> None:
    """The profile and the consent checked together, so that every problem shows
    at once; nothing is saved until both pass."""
    errors: list[tuple[str | None, str]] = []
    for check in (
        lambda: check_given(consent, actor, registering=True),
        lambda: check_profile(session, data, clock.date_in(data.province_code, now)),
    ):
        try:
            check()
        except DomainError as error:
            errors.extend(error.errors)
    if errors:
        raise FieldErrors(errors)


@dataclass
class SelfRegistration:
    """What a self-registration made: always an account, with either the record or
    a check an official does first (the person is told the same in both cases)."""

    user: User
    returnee: Returnee | None = None
    check: RegistrationCheck | None = None


def self_register(
    session: Session,
    password: str,
    data: ProfileData,
    *,
    purposes: frozenset[str],
    now: datetime,
) -> SelfRegistration:
    """Create a returnee's account and, when nothing clashes, their record.

    Registration says nothing about anyone else: the username is made here (so
    none can be found taken), and a NIK registered already, or a person alike,
    turns the registration into a :class:`RegistrationCheck` for an official of
    the address's region instead of an error.

    :param purposes: what the person agreed to (the registry purpose is needed).
    :raises FieldErrors: for the person's own invalid entries (nothing is saved).
    """
    consent = online(purposes)
    _check_all(session, data, consent, None, now)
    # Profile rules first: the account is only created for a valid profile.
    user = create_account(
        session,
        AccountData(
            username=new_username(session, data.full_name),
            full_name=data.full_name,
            role=Role.RETURNEE,
        ),
        password,
    )
    matched = nik_owner_anywhere(session, data.nik)
    reason = "nik" if matched is not None else None
    if reason is None:
        similar = find_similar(session, data)
        if similar:
            reason, matched = "similar", similar[0]
    with acting_as(Actor(user.id, user.username)):
        if reason is not None:
            check = RegistrationCheck(
                user_id=user.id,
                created_at=now,
                reason=reason,
                matched_returnee_id=matched,
                province_code=data.province_code,
                regency_code=data.regency_code,
                profile_ciphertext=_seal_profile(data, purposes, now),
            )
            session.add(check)
            session.flush()
            return SelfRegistration(user, check=check)
        returnee = register_returnee(
            session,
            None,
            data,
            consent=consent,
            now=now,
            user=user,
            confirmed_not_duplicate=True,
        )
    return SelfRegistration(user, returnee=returnee)


def _seal_profile(data: ProfileData, purposes: frozenset[str], now: datetime) -> str:
    values = {
        **vars(data),
        "birth_date": data.birth_date.isoformat(),
        "consent_purposes": sorted(purposes),
        "consent_at": now.isoformat(),
    }
    return vault.current().encrypt(json.dumps(values))


def _opened_profile(check: RegistrationCheck) -> tuple[ProfileData, GivenConsent]:
    """The profile a check holds, and the consent the person gave online then."""
    values = json.loads(vault.current().decrypt(check.profile_ciphertext or "{}"))
    purposes = values.pop("consent_purposes", [consent_rules.CORE.value])
    given_at = datetime.fromisoformat(values.pop("consent_at"))
    values.pop("consent_text", None)  # kept by checks made before consent per purpose
    values["birth_date"] = date.fromisoformat(values["birth_date"])
    return ProfileData(**values), online(purposes, given_at=given_at)


def check_profile_of(check: RegistrationCheck) -> ProfileData | None:
    """The profile a pending check holds, for the official doing it."""
    return _opened_profile(check)[0] if check.profile_ciphertext else None


def link_to_record(
    session: Session, actor: User, check: RegistrationCheck, now: datetime
) -> Returnee:
    """The person is the one already registered (the official has seen their KTP):
    their account now holds that record.

    :raises DomainError: when the record is outside the official's reach, or has
        an account already.
    """
    record = scope.fetch(session, Returnee, check.matched_returnee_id)
    if record is None:
        raise DomainError(
            None,
            _l(
                "The matching record is outside your region: a national official can "
                "link it."
            ),
        )
    if record.user_id is not None:
        raise DomainError(None, _l("That record has an account already."))
    record.user_id = check.user_id
    _close_check(check, actor, "linked", now)
    session.flush()
    return record


def register_from_check(
    session: Session, actor: User, check: RegistrationCheck, now: datetime
) -> Returnee:
    """The person is someone else than the one alike: register them as entered.

    :raises DomainError: when the NIK itself is registered (it cannot be twice).
    """
    data, consent = _opened_profile(check)
    if nik_owner_anywhere(session, data.nik) is not None:
        raise DomainError(
            None,
            _l(
                "This NIK is registered already: link the account to that record, or "
                "refuse."
            ),
        )
    # The consent is the person's own, given online when they registered.
    returnee = register_returnee(
        session,
        None,
        data,
        consent=consent,
        now=now,
        user=session.get(User, check.user_id),
        confirmed_not_duplicate=True,
    )
    returnee.registered_by_id = actor.id
    _close_check(check, actor, "registered", now)
    session.flush()
    return returnee


def refuse_check(
    session: Session, actor: User, check: RegistrationCheck, note: str, now: datetime
) -> None:
    """:raises DomainError: on ``note`` without a reason."""
    note = (note or "").strip()
    if not note:
        raise DomainError("note", _l("Say why, for the person to read."))
    check.note = note
    _close_check(check, actor, "rejected", now)
    session.flush()


def _close_check(
    check: RegistrationCheck, actor: User, status: str, now: datetime
) -> None:
    if check.status != "pending":
        raise DomainError(None, _l("This registration has been checked already."))
    check.status, check.decided_at, check.decided_by_id = status, now, actor.id
    check.profile_ciphertext = None  # what was entered now lives in the record


def changes_contact(returnee: Returnee, data: ProfileData) -> bool:
    """Whether ``data`` gives ``returnee`` another phone number or e-mail (as they
    would be stored); an unreadable number counts as no change, for the profile
    check to refuse."""
    email = (_clean(data.email) or "").lower() or None
    try:
        phone = normalise_phone(data.phone) if data.phone else None
    except InvalidIdentifier:
        return False
    return phone != returnee.phone or email != returnee.email


def update_profile(
    session: Session,
    returnee: Returnee,
    data: ProfileData,
    *,
    today: date,
    actor: User | None = None,
) -> Returnee:
    """Change a returnee's profile, never their NIK (:func:`change_nik` does).

    :raises FieldErrors: for invalid fields; :raises DomainError: on
        ``regency_code`` when a staff editor would move the person out of their
        own region (the receiving region asks for a transfer instead).
    """
    data.nik = returnee.nik
    departures = [p.departure_date for p in returnee.placements]
    check_profile(session, data, today, first_departure=min(departures, default=None))
    moved = (data.province_code, data.regency_code) != (
        returnee.province_code,
        returnee.regency_code,
    )
    if moved:
        _check_registrar_scope(actor, data)
    for key, value in vars(data).items():
        if key != "nik":
            setattr(returnee, key, value)
    session.flush()
    return returnee


def change_nik(
    session: Session, returnee: Returnee, new_nik: str, *, today: date
) -> Returnee:
    """Correct a returnee's NIK: its own action, recorded in the audit trail (the
    value never: only that it changed). A new NIK clears an earlier verification.

    :raises DomainError: on ``nik`` for a NIK that is not valid, does not agree with
        the birth date and sex, is the same, or cannot be registered.
    """
    try:
        info = parse_nik(new_nik, today)
    except InvalidIdentifier as error:
        raise DomainError("nik", error.message) from None
    problems = check_nik_agrees(info, returnee.birth_date, returnee.sex)
    if problems:
        raise FieldErrors([("nik", message) for _field, message in problems])
    if info.nik == returnee.nik:
        raise DomainError("nik", _l("This is the NIK already recorded."))
    if nik_owner_anywhere(session, info.nik) is not None:
        raise DuplicateNik(-1)  # whose is never said
    returnee.nik = info.nik
    returnee.nik_verified_at = None
    returnee.nik_verified_by_id = None
    session.flush()
    return returnee


def verify_nik(
    session: Session, actor: User, returnee: Returnee, now: datetime
) -> None:
    """Record that ``actor`` checked the NIK against the KTP or KK."""
    returnee.nik_verified_at = now
    returnee.nik_verified_by_id = actor.id
    session.flush()


def assign_mentor(session: Session, returnee: Returnee, mentor: User | None) -> None:
    returnee.mentor_id = mentor.id if mentor else None
    session.flush()


# Invitations ---------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(
    session: Session, actor: User, returnee: Returnee, now: datetime
) -> str:
    """Return a one-time token that lets the returnee create their account.

    :raises DomainError: when the returnee already has an account.
    """
    if returnee.user_id is not None:
        raise DomainError(None, _l("This person already has an account."))
    token = secrets.token_urlsafe(24)
    session.add(
        Invitation(
            returnee_id=returnee.id,
            token_hash=_token_hash(token),
            created_by_id=actor.id,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
    )
    session.flush()
    return token


def find_invitation(session: Session, token: str, now: datetime) -> Invitation | None:
    """The open invitation for ``token``; ``None`` if unknown, used or expired.

    Whoever holds the token may open it (they are not signed in yet): its person
    is loaded across scopes, for this one purpose.
    """
    with scope.system("invitations"):
        invitation = session.scalar(
            select(Invitation)
            .where(Invitation.token_hash == _token_hash(token))
            .options(selectinload(Invitation.returnee))
        )
    if invitation is None or invitation.used_at is not None:
        return None
    expires_at = invitation.expires_at
    if expires_at.tzinfo is None:  # SQLite returns naive UTC
        expires_at = expires_at.replace(tzinfo=now.tzinfo)
    if expires_at < now or invitation.returnee.user_id is not None:
        return None
    return invitation


def accept_invitation(
    session: Session,
    invitation: Invitation,
    username: str,
    password: str,
    now: datetime,
) -> User:
    """Create the returnee's account from an invitation and link it."""
    returnee = invitation.returnee
    user = create_account(
        session,
        AccountData(
            username=username, full_name=returnee.full_name, role=Role.RETURNEE
        ),
        password,
    )
    with acting_as(Actor(user.id, user.username)):
        returnee.user_id = user.id
        invitation.used_at = now
        session.flush()
    return user


# Placements abroad ---------------------------------------------------------


@dataclass
class PlacementData:
    country_code: str
    sector: str
    departure_date: date
    contract_months: int
    occupation: str | None = None
    agency_name: str | None = None
    is_independent: bool = False
    return_date: date | None = None
    return_reason: str | None = None
    salary_foreign: Decimal | None = None
    salary_currency: str | None = None
    salary_idr: int | None = None
    remittances_idr: int | None = None
    savings_idr: int | None = None
    skills: str | None = None


def _overlaps(
    start: date,
    end: date | None,
    other_start: date,
    other_end: date | None,
    today: date,
) -> bool:
    return start <= (other_end or today) and other_start <= (end or today)


def check_placement(
    returnee: Returnee,
    data: PlacementData,
    today: date,
    placement_id: int | None = None,
    birth_date: date | None = None,
) -> None:
    """Normalise ``data`` in place and check every rule.

    Every departure, and so the first, is at 18 or older (UU 18/2017 Pasal 5
    huruf a; ``docs/identifiers.md``).

    :param birth_date: the person's, when ``returnee`` is not a stored record (an
        import row); ``returnee.birth_date`` otherwise.
    :raises FieldErrors: listing every field that is wrong.
    """
    errors: list[tuple[str | None, str]] = []
    data.occupation = _clean(data.occupation)
    data.agency_name = _clean(data.agency_name)
    data.skills = (data.skills or "").strip() or None
    data.country_code = (data.country_code or "").upper()
    if pycountry.countries.get(alpha_2=data.country_code) is None:
        errors.append(("country_code", _l("Choose the destination country.")))
    elif data.country_code == "ID":
        errors.append(("country_code", _l("The destination is a country abroad.")))
    if data.sector not in Sector.values():
        errors.append(("sector", _l("Choose the sector of work.")))
    if data.is_independent:
        data.agency_name = None
    elif not data.agency_name:
        errors.append(
            (
                "agency_name",
                _l("Enter the placement agency (P3MI), or tick independent."),
            )
        )
    if data.departure_date > today:
        errors.append(
            ("departure_date", _l("The departure date cannot be in the future."))
        )
    else:
        born = birth_date if birth_date is not None else returnee.birth_date
        problem = departure_age_problem(born, data.departure_date)
        if problem is not None:
            errors.append(("departure_date", problem))
    if not 1 <= (data.contract_months or 0) <= 120:
        errors.append(
            ("contract_months", _l("Enter a contract length of 1 to 120 months."))
        )
    if data.return_date is not None:
        if data.return_date > today:
            errors.append(
                ("return_date", _l("The return date cannot be in the future."))
            )
        elif data.return_date < data.departure_date:
            errors.append(
                ("return_date", _l("The return cannot be before the departure."))
            )
        if data.return_reason not in ReturnReason.values():
            errors.append(("return_reason", _l("Choose why the person came home.")))
    else:
        data.return_reason = None
    for name in ("salary_foreign", "salary_idr", "remittances_idr", "savings_idr"):
        value = getattr(data, name)
        if value is not None and value < 0:
            errors.append((name, _l("An amount cannot be negative.")))
    if data.salary_foreign is None:
        data.salary_currency = None
    else:
        data.salary_currency = (data.salary_currency or "").upper()
        if pycountry.currencies.get(alpha_3=data.salary_currency) is None:
            errors.append(("salary_currency", _l("Choose the currency of the salary.")))
    if not errors:
        for other in returnee.placements:
            if other.id == placement_id or other.id is None:
                continue
            if _overlaps(
                data.departure_date,
                data.return_date,
                other.departure_date,
                other.return_date,
                today,
            ):
                errors.append(
                    (
                        "departure_date",
                        _l(
                            "This period overlaps the placement in %(country)s from "
                            "%(start)s.",
                            country=other.country_code,
                            start=other.departure_date.strftime("%d-%m-%Y"),
                        ),
                    )
                )
                break
    if errors:
        raise FieldErrors(errors)


def add_placement(
    session: Session, returnee: Returnee, data: PlacementData, today: date
) -> Placement:
    check_placement(returnee, data, today)
    placement = Placement(returnee_id=returnee.id, **vars(data))
    session.add(placement)
    session.flush()
    session.refresh(returnee, ["placements"])
    return placement


def update_placement(
    session: Session, placement: Placement, data: PlacementData, today: date
) -> Placement:
    check_placement(placement.returnee, data, today, placement_id=placement.id)
    for key, value in vars(data).items():
        setattr(placement, key, value)
    session.flush()
    return placement


def delete_placement(session: Session, placement: Placement) -> None:
    session.delete(placement)
    session.flush()


# Trainings -----------------------------------------------------------------


@dataclass
class TrainingData:
    title: str
    kind: str
    stage: str
    organiser: str
    start_date: date
    end_date: date | None = None
    certificate: str | None = None


def check_training(data: TrainingData, today: date) -> None:
    errors: list[tuple[str | None, str]] = []
    data.title = _clean(data.title) or ""
    data.organiser = _clean(data.organiser) or ""
    data.certificate = _clean(data.certificate)
    if not data.title:
        errors.append(("title", _l("Enter the name of the course.")))
    if not data.organiser:
        errors.append(("organiser", _l("Enter who organised it.")))
    if data.kind not in TrainingKind.values():
        errors.append(("kind", _l("Choose the kind of training.")))
    if data.stage not in TrainingStage.values():
        errors.append(("stage", _l("Choose when it was taken.")))
    if data.start_date > today:
        errors.append(("start_date", _l("Record courses once they have started.")))
    if data.end_date is not None and data.end_date < data.start_date:
        errors.append(("end_date", _l("The end cannot be before the start.")))
    if errors:
        raise FieldErrors(errors)


def add_training(
    session: Session, returnee: Returnee, data: TrainingData, today: date
) -> Training:
    check_training(data, today)
    training = Training(returnee_id=returnee.id, **vars(data))
    session.add(training)
    session.flush()
    return training


def update_training(
    session: Session, training: Training, data: TrainingData, today: date
) -> Training:
    check_training(data, today)
    for key, value in vars(data).items():
        setattr(training, key, value)
    session.flush()
    return training


def delete_training(session: Session, training: Training) -> None:
    session.delete(training)
    session.flush()


def _rotate_npwps(session: Session, keys: vault.Vault, batch: int) -> None:
    """NPWPs move under the current keys with the NIKs (the same keys seal them)."""
    from juragan.models import LoanApplication as Loan

    last = 0
    while True:
        rows = session.execute(
            select(Loan.id, Loan.version, Loan.npwp_ciphertext, Loan.npwp_hash)
            .where(Loan.id > last, Loan.npwp_ciphertext.is_not(None))
            .order_by(Loan.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        changes = []
        for row in rows:
            fresh = keys.rotate(row.npwp_ciphertext, row.npwp_hash)
            if fresh is not None:
                changes.append(
                    {
                        "id": row.id,
                        "version": row.version,
                        "npwp_ciphertext": fresh["nik_ciphertext"],
                        "npwp_hash": fresh["nik_hash"],
                    }
                )
        if changes:
            session.execute(update(Loan), changes)
        last = rows[-1].id


def rotate_nik_keys(session: Session, batch: int = 2000) -> tuple[int, int]:
    """Move every stored NIK under the current keys; returns (moved, total).

    Rows are read in id order and written back in batches; a row already under
    the current keys is left alone, so the command can be run again safely.
    """
    keys = vault.current()
    _rotate_npwps(session, keys, batch)
    for check in session.scalars(
        select(RegistrationCheck).where(
            RegistrationCheck.profile_ciphertext.is_not(None)
        )
    ):
        check.profile_ciphertext = keys.encrypt(keys.decrypt(check.profile_ciphertext))
    session.flush()
    moved = total = 0
    last = 0
    while True:
        rows = session.execute(
            select(
                Returnee.id,
                Returnee.version,
                Returnee.nik_ciphertext,
                Returnee.nik_hash,
            )
            .where(Returnee.id > last)
            .order_by(Returnee.id)
            .limit(batch)
        ).all()
        if not rows:
            return moved, total
        changes = []
        for row in rows:
            fresh = keys.rotate(row.nik_ciphertext, row.nik_hash)
            if fresh is not None:
                changes.append({"id": row.id, "version": row.version, **fresh})
        if changes:
            session.execute(update(Returnee), changes)
        moved += len(changes)
        total += len(rows)
        last = rows[-1].id
