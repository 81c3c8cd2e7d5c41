"""Getting back into an account: verified contacts, one-time codes, the reset of a
forgotten password and the reset an official does in person.

The rules (docs/password-reset.md):

- A code is a few random digits; only an HMAC of it, bound to its account and
  purpose, is stored (under the vault's lookup key, :mod:`juragan.db.vault`).
- A code lives :data:`CODE_MINUTES` (an in-person code :data:`IN_PERSON_HOURS`),
  allows :data:`MAX_ATTEMPTS` wrong tries and is then dead, works once, and a new
  code for the same purpose ends the previous one.
- Only a verified contact receives a reset code. A contact is verified when a code
  sent to it came back; it stays verified while the account's value (``users.email``,
  the returnee's ``phone``) is the one that was verified.
- Finding the account for a reset says nothing: the caller answers the same words
  whatever is found.

Codes and contacts are looked up by account across scopes (``password_reset``): the
person asking is not signed in, and an official's reset ends codes of someone
else's account.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from juragan.db import scope, vault
from juragan.db.audit import Actor, acting_as
from juragan.delivery import EMAIL, SMS, Message
from juragan.domain.identifiers import InvalidIdentifier, normalise_phone
from juragan.errors import DomainError
from juragan.models import (
    AccessReset,
    OneTimeCode,
    Returnee,
    Role,
    User,
    VerifiedContact,
)
from juragan.services import accounts

#: How long a code sent to a contact (a reset, a verification) works.
CODE_MINUTES = 15
#: How long the code an official shows in person works: the day of the visit.
IN_PERSON_HOURS = 24
#: Wrong tries before a code is dead.
MAX_ATTEMPTS = 5
#: Digits of a code sent to a contact, and of one shown in person (typed at the
#: sign-in page in place of the password, so told apart from passwords by length).
CODE_DIGITS = 6
IN_PERSON_DIGITS = 8

RESET = "reset"
IN_PERSON = "in_person"
VERIFY = "verify"
#: A reset code and an in-person code replace each other: one way back at a time.
_RESETS = (RESET, IN_PERSON)
CHANNELS = {"email": EMAIL, "phone": SMS}

#: The actor of what someone who is not signed in does to an account's codes.
RESET_ACTOR = Actor(None, "password-reset")

WRONG_CODE = _l(
    "This code is not right, or no longer works. Check it, or ask for a new one."
)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def new_code(digits: int = CODE_DIGITS) -> str:
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def _code_text(purpose: str, user_id: int, code: str) -> str:
    return f"one-time-code:{purpose}:{user_id}:{code}"


def _contact_text(kind: str, value: str) -> str:
    return f"contact:{kind}:{value}"


def contact_hash(kind: str, value: str) -> str:
    """The keyed hash a contact is stored under (never the value itself)."""
    return vault.current().lookup_hash(_contact_text(kind, value))


def _matches(stored: str | None, text: str) -> bool:
    """Whether ``stored`` is the hash of ``text`` under any key (keys rotate)."""
    if stored is None:
        return False
    return any(
        hmac.compare_digest(stored, candidate)
        for candidate in vault.current().lookup_hashes(text)
    )


def clean_code(typed: str) -> str:
    """The digits of a typed code (people write ``123 456`` or ``1234-5678``)."""
    return "".join(ch for ch in typed if ch.isdigit())


# Contacts -------------------------------------------------------------------------


def contact_kinds(user: User) -> tuple[str, ...]:
    """The contacts an account can verify: an e-mail, and a returnee's phone."""
    return ("email", "phone") if user.role == Role.RETURNEE else ("email",)


def _own_record(session: Session, user: User) -> Returnee | None:
    with scope.system("password_reset"):
        return session.scalar(select(Returnee).where(Returnee.user_id == user.id))


def contact_of(session: Session, user: User, kind: str) -> str | None:
    """The account's current value of ``kind``: its e-mail, or the phone on the
    returnee's record."""
    if kind == "email":
        return user.email
    if user.role != Role.RETURNEE:
        return None
    record = _own_record(session, user)
    return record.phone if record is not None else None


def is_verified(session: Session, user: User, kind: str) -> bool:
    value = contact_of(session, user, kind)
    if not value:
        return False
    with scope.system("password_reset"):
        row = session.scalar(
            select(VerifiedContact).where(
                VerifiedContact.user_id == user.id, VerifiedContact.kind == kind
            )
        )
    return row is not None and _matches(row.value_hash, _contact_text(kind, value))


def normalise_contact(kind: str, value: str) -> str:
    """:raises DomainError: on ``value`` when it is not an e-mail or a phone."""
    value = (value or "").strip()
    if kind == "phone":
        try:
            return normalise_phone(value)
        except InvalidIdentifier as error:
            raise DomainError("value", error.message) from None
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError("value", _l("This is not an e-mail address.")) from None
    return checked.normalized.lower()


def set_contact(session: Session, user: User, kind: str, value: str) -> str:
    """Give the account another e-mail (or a returnee's record another phone);
    returns the value as stored. It is not verified until a code sent to it comes
    back.

    :raises DomainError: on ``value`` for a malformed value, an e-mail another
        account uses, or a phone for an account without a record.
    """
    if kind not in contact_kinds(user):
        raise DomainError("value", _l("This account has no phone number to verify."))
    value = normalise_contact(kind, value)
    if kind == "email":
        with scope.system("accounts"):
            taken = session.scalar(
                select(User.id).where(
                    func.lower(User.email) == value, User.id != user.id
                )
            )
        if taken is not None:
            raise DomainError("value", _l("Already used by another account."))
        user.email = value
    else:
        record = _own_record(session, user)
        if record is None:
            raise DomainError(
                "value",
                _l(
                    "Your record is not ready yet: the BP3MI office adds the phone number "
                    "when it has checked your registration."
                ),
            )
        record.phone = value
    session.flush()
    return value


def mark_verified(session: Session, user: User, kind: str, now: datetime) -> None:
    """Record that the account receives what its ``kind`` holds now. Another
    account that had verified the same value loses it (the number moved on)."""
    value = contact_of(session, user, kind)
    if not value:
        raise DomainError(None, _l("There is nothing to verify."))
    value_hash = contact_hash(kind, value)
    with scope.system("password_reset"):
        for row in session.scalars(
            select(VerifiedContact).where(
                VerifiedContact.kind == kind,
                VerifiedContact.value_hash == value_hash,
                VerifiedContact.user_id != user.id,
            )
        ):
            session.delete(row)
        session.flush()
        row = session.scalar(
            select(VerifiedContact).where(
                VerifiedContact.user_id == user.id, VerifiedContact.kind == kind
            )
        )
        if row is None:
            session.add(
                VerifiedContact(
                    user_id=user.id, kind=kind, value_hash=value_hash, verified_at=now
                )
            )
        else:
            row.value_hash, row.verified_at = value_hash, now
        session.flush()


# Codes ----------------------------------------------------------------------------


def issue_code(
    session: Session,
    user: User,
    purpose: str,
    now: datetime,
    contact_kind: str | None = None,
) -> tuple[str, OneTimeCode]:
    """A new code for ``user``; the live codes it replaces end (``replaced``)."""
    digits = IN_PERSON_DIGITS if purpose == IN_PERSON else CODE_DIGITS
    lifetime = (
        timedelta(hours=IN_PERSON_HOURS)
        if purpose == IN_PERSON
        else timedelta(minutes=CODE_MINUTES)
    )
    code = new_code(digits)
    destination = None
    if purpose == VERIFY:
        value = contact_of(session, user, contact_kind or "")
        if not value:
            raise DomainError(None, _l("There is nothing to verify."))
        destination = contact_hash(contact_kind or "", value)
    # A code asked for by anyone who types a username never ends the code an
    # official gave in person (the password is gone by then: ending it would
    # lock the person out until another visit to the office).
    replaced = {IN_PERSON: _RESETS, RESET: (RESET,)}.get(purpose, (VERIFY,))
    with scope.system("password_reset"):
        stmt = select(OneTimeCode).where(
            OneTimeCode.user_id == user.id,
            OneTimeCode.purpose.in_(replaced),
            OneTimeCode.ended_at.is_(None),
        )
        if purpose == VERIFY:
            stmt = stmt.where(OneTimeCode.contact_kind == contact_kind)
        for old in session.scalars(stmt):
            old.ended_at, old.end_reason = now, "replaced"
        row = OneTimeCode(
            user_id=user.id,
            purpose=purpose,
            contact_kind=contact_kind,
            destination_hash=destination,
            code_hash=vault.current().lookup_hash(_code_text(purpose, user.id, code)),
            created_at=now,
            expires_at=now + lifetime,
            attempts=0,
        )
        session.add(row)
        session.flush()
    return code, row


def live_code(
    session: Session,
    user: User,
    purposes: tuple[str, ...],
    now: datetime,
    contact_kind: str | None = None,
) -> OneTimeCode | None:
    """The account's newest code of ``purposes`` that still works."""
    with scope.system("password_reset"):
        stmt = (
            select(OneTimeCode)
            .where(
                OneTimeCode.user_id == user.id,
                OneTimeCode.purpose.in_(purposes),
                OneTimeCode.ended_at.is_(None),
            )
            .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
            .limit(1)
        )
        if contact_kind is not None:
            stmt = stmt.where(OneTimeCode.contact_kind == contact_kind)
        row = session.scalar(stmt)
    if row is None or _aware(row.expires_at) <= now:
        return None
    return row


def try_code(
    session: Session,
    row: OneTimeCode | None,
    typed: str,
    now: datetime,
    count_miss: bool = True,
) -> bool:
    """Whether ``typed`` is ``row``'s code. A wrong try counts (unless
    ``count_miss`` is false); at :data:`MAX_ATTEMPTS` the code ends
    (``attempts``). Without a code, the same work is done, so that the answer
    takes as long."""
    digits = clean_code(typed)
    if row is None:
        _matches(vault.current().lookup_hash("no-code"), _code_text("none", 0, digits))
        return False
    if row.ended_at is not None or _aware(row.expires_at) <= now:
        return False
    if _matches(row.code_hash, _code_text(row.purpose, row.user_id, digits)):
        return True
    if not count_miss:
        return False
    with scope.system("password_reset"):
        row.attempts += 1
        if row.attempts >= MAX_ATTEMPTS:
            row.ended_at, row.end_reason = now, "attempts"
        session.flush()
    return False


def _end(session: Session, row: OneTimeCode, now: datetime) -> None:
    with scope.system("password_reset"):
        row.ended_at, row.end_reason = now, "used"
        session.flush()


# Verifying a contact --------------------------------------------------------------


def _message(user: User, kind: str, value: str, code: str, purpose: str) -> Message:
    """The text of a code, in the account's language."""
    with force_locale(user.locale or "id"):
        if purpose == VERIFY:
            body = _(
                "Your juragan code to confirm this e-mail or phone number is "
                "%(code)s. It works for %(minutes)d minutes. Do not give this "
                "code to anyone, not even an officer.",
                code=code,
                minutes=CODE_MINUTES,
            )
            subject = _("Confirm your e-mail for juragan")
        else:
            body = _(
                "Your juragan code to choose a new password is %(code)s. It "
                "works for %(minutes)d minutes. Do not give this code to anyone, "
                "not even an officer: juragan never asks for it. If you did not "
                "ask for it, ignore this message.",
                code=code,
                minutes=CODE_MINUTES,
            )
            subject = _("Your juragan code")
    return Message(CHANNELS[kind], value, body, subject)


def send_verification(
    session: Session, user: User, kind: str, now: datetime
) -> Message:
    """A code for the account's current ``kind``, and the message carrying it.

    :raises DomainError: when the account has no such contact.
    """
    value = contact_of(session, user, kind)
    if not value:
        raise DomainError("value", _l("There is nothing to verify."))
    with acting_as(Actor(user.id, user.username)):
        code, _row = issue_code(session, user, VERIFY, now, contact_kind=kind)
    return _message(user, kind, value, code, VERIFY)


def verify_contact(
    session: Session, user: User, kind: str, typed: str, now: datetime
) -> None:
    """Check a verification code; the contact it was sent to is verified.

    :raises DomainError: on ``code`` for a wrong, used or expired code, or when the
        contact changed since the code was sent.
    """
    with acting_as(Actor(user.id, user.username)):
        row = live_code(session, user, (VERIFY,), now, contact_kind=kind)
        if not try_code(session, row, typed, now):
            raise DomainError("code", WRONG_CODE)
        assert row is not None
        value = contact_of(session, user, kind) or ""
        if not _matches(row.destination_hash, _contact_text(kind, value)):
            raise DomainError(
                "code",
                _l(
                    "This code was sent before the address or number changed: ask for a "
                    "new one."
                ),
            )
        _end(session, row, now)
        mark_verified(session, user, kind, now)


# A forgotten password -------------------------------------------------------------


@dataclass
class ResetTarget:
    """Whom a reset request names: the key its allowance is counted under, the
    account if one matched, and the verified contacts a code may go to."""

    key: str
    user: User | None = None
    contacts: list[tuple[str, str]] = field(default_factory=list)


def _looks_like_phone(text: str) -> bool:
    digits = clean_code(text)
    rest = text.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
    return len(digits) >= 8 and rest.lstrip("+").isdigit()


def find_reset_target(session: Session, identifier: str) -> ResetTarget:
    """The account a username, e-mail or phone number names, and where a code for
    it may go. Nothing about the answer is for the person asking."""
    text = (identifier or "").strip()
    kinds: tuple[str, ...] = ("email", "phone")
    user = None
    with scope.system("password_reset"):
        if "@" in text:
            key, kinds = "email:" + text.lower(), ("email",)
            user = session.scalar(
                select(User).where(func.lower(User.email) == text.lower())
            )
        elif _looks_like_phone(text):
            try:
                phone = normalise_phone(text)
            except InvalidIdentifier:
                return ResetTarget("phone:" + clean_code(text))
            key, kinds = "phone:" + phone, ("phone",)
            hashes = vault.current().lookup_hashes(_contact_text("phone", phone))
            holder = session.scalar(
                select(VerifiedContact.user_id).where(
                    VerifiedContact.kind == "phone",
                    VerifiedContact.value_hash.in_(hashes),
                )
            )
            user = session.get(User, holder) if holder is not None else None
        else:
            username = accounts.normalise_username(text)
            key = "username:" + username
            user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        return ResetTarget(key)
    contacts = [
        (kind, value)
        for kind in kinds
        if kind in contact_kinds(user)
        and (value := contact_of(session, user, kind))
        and is_verified(session, user, kind)
    ]
    return ResetTarget(key, user, contacts)


def start_reset(session: Session, target: ResetTarget, now: datetime) -> list[Message]:
    """A reset code for the target's account, and a message for each verified
    contact named (none when there is no account or no verified contact)."""
    if target.user is None or not target.contacts:
        return []
    with acting_as(RESET_ACTOR):
        code, _row = issue_code(session, target.user, RESET, now)
    return [
        _message(target.user, kind, value, code, RESET)
        for kind, value in target.contacts
    ]


def _confirm(
    session: Session,
    row: OneTimeCode | None,
    typed: str,
    now: datetime,
    count_miss: bool = True,
) -> OneTimeCode | None:
    """``row`` confirmed when ``typed`` is its code (a try used up when not,
    unless ``count_miss`` is false)."""
    with acting_as(RESET_ACTOR):
        if not try_code(session, row, typed, now, count_miss):
            return None
        assert row is not None
        with scope.system("password_reset"):
            row.confirmed_at = row.confirmed_at or now
            session.flush()
    return row


def confirm_reset_code(
    session: Session, identifier: str, typed: str, now: datetime
) -> OneTimeCode | None:
    """The reset code ``typed`` for the account ``identifier`` names, confirmed
    (the new password may now be chosen); ``None`` for a wrong code or no account."""
    target = find_reset_target(session, identifier)
    user = target.user if target.contacts else None
    row = live_code(session, user, (RESET,), now) if user is not None else None
    return _confirm(session, row, typed, now)


def redeem_in_person_code(
    session: Session, username: str, typed: str, now: datetime
) -> OneTimeCode | None:
    """At sign-in: whether ``typed`` is the in-person code of ``username``'s
    account; confirmed, so that the person chooses their own password next.
    Anything that is not shaped like such a code is not tried (and so does not
    use up the code's tries)."""
    if len(clean_code(typed)) != IN_PERSON_DIGITS or len(typed.strip()) > 12:
        return None
    with scope.system("password_reset"):
        user = session.scalar(
            select(User).where(User.username == accounts.normalise_username(username))
        )
    if user is None or not user.is_active or user.role != Role.RETURNEE:
        return None
    row = live_code(session, user, (IN_PERSON,), now)
    # A wrong password at sign-in is not a try at the code: anyone who knows the
    # username could otherwise end it in five tries. The sign-in's own limit per
    # account bounds guessing (10^8 codes).
    return _confirm(session, row, typed, now, count_miss=False)


def confirmed_code(
    session: Session, code_id: int, user_id: int, now: datetime
) -> OneTimeCode | None:
    """The confirmed reset or in-person code a browser holds, while it works."""
    with scope.system("password_reset"):
        row = session.get(OneTimeCode, code_id)
    if (
        row is None
        or row.user_id != user_id
        or row.purpose not in _RESETS
        or row.confirmed_at is None
        or row.ended_at is not None
        or _aware(row.expires_at) <= now
    ):
        return None
    return row


def finish_reset(
    session: Session, row: OneTimeCode, new_password: str, now: datetime
) -> User:
    """Set the password chosen after a confirmed code: the code is used up, every
    session of the account ends, the old password stops working.

    :raises DomainError: on ``new_password`` when it breaks the password rules or
        is the password the account had.
    """
    with scope.system("password_reset"):
        user = session.get(User, row.user_id)
    assert user is not None
    accounts.check_new_password(user, new_password)
    if accounts.password_matches(user, new_password):
        raise DomainError(
            "new_password", _l("Choose a password you have not used here.")
        )
    with acting_as(Actor(user.id, user.username)):
        _end(session, row, now)
        with scope.system("password_reset"):
            accounts.set_password(session, user, new_password)
    return user


# In person ------------------------------------------------------------------------


def reset_in_person(
    session: Session,
    official: User,
    returnee: Returnee,
    ktp_checked: bool,
    note: str,
    now: datetime,
) -> str:
    """An official who saw the person and their KTP gives them a temporary code
    (returned, to show once): the old password stops working, every session of
    the account ends, and the person chooses a new password at their next
    sign-in. Recorded with who, when and why.

    :raises DomainError: without the KTP check or a note, or when the record has
        no returnee's account.
    """
    note = " ".join((note or "").split())
    if not ktp_checked:
        raise DomainError(
            "ktp_checked",
            _l("Only after you have seen the person and their KTP together."),
        )
    if not note:
        raise DomainError("note", _l("Say why, for the record."))
    with scope.system("password_reset"):
        user = (
            session.get(User, returnee.user_id)
            if returnee.user_id is not None
            else None
        )
    if user is None:
        raise DomainError(
            None, _l("This person has no account yet: send them an invitation instead.")
        )
    if user.role != Role.RETURNEE:
        raise DomainError(None, _l("Only a returnee's account is reset here."))
    session.add(
        AccessReset(
            returnee_id=returnee.id,
            official_id=official.id,
            at=now,
            ktp_checked=True,
            note=note,
        )
    )
    with scope.system("password_reset"):
        # Nobody knows this password: the code is the only way in.
        user.password_hash = accounts.hash_password(secrets.token_urlsafe(32))
        accounts.end_sessions(session, user, "password", now)
        code, _row = issue_code(session, user, IN_PERSON, now)
    return code


def formatted_code(code: str) -> str:
    """``1234 5678``: easier to read out and type."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
