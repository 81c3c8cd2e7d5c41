"""Accounts: password hashing, sign-in checks, creation and administration."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from juragan.db import scope
from juragan.db.audit import Actor, acting_as
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    Lender,
    LenderBranch,
    Regency,
    Role,
    User,
    UserSession,
    utcnow,
)
from juragan.models.account import LOCALES, PROVINCE_REQUIRED_ROLES, REGIONAL_ROLES
from juragan.models.lender import DECISION_SLA_RANGE, MIN_COVERAGE_RANGE

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()
#: A hash to verify against when the account does not exist, so that a missing
#: username costs as much time as a wrong password.
_dummy_hash = _hasher.hash("juragan-timing-equaliser")


def configure_hashing(time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Set argon2 parameters (the factory lowers them for the test suite only)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
    )
    _dummy_hash = _hasher.hash("juragan-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def common_passwords() -> frozenset[str]:
    """Passwords too common to accept (``juragan/data/common-passwords.txt``)."""
    path = resources.files("juragan.data").joinpath("common-passwords.txt")
    with path.open(encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def _letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.casefold() if ch.isalpha())


def is_common_password(password: str, *personal: str) -> bool:
    """Whether ``password`` is on the shipped list, or is built on the person: its
    letters, whatever digits, marks and capitals go with them, are their username,
    their whole name or one word of it (``SriWahyuni2026``, ``wahyuni.1988``)."""
    folded = password.casefold().strip()
    if folded in common_passwords():
        return True
    core = _letters(password)
    if len(core) < 3:
        return False
    for text in personal:
        if not text:
            continue
        words = [_letters(word) for word in text.replace(".", " ").split()]
        if core == _letters(text) or core in {w for w in words if len(w) >= 3}:
            return True
    return False


def check_password_rules(password: str, *personal: str) -> None:
    """:raises DomainError: on ``password`` when it is too short, too long, one of
    the most common passwords, or built on the person's own username or name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "password",
            _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            "password", _l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
        )
    if is_common_password(password, *personal):
        raise DomainError(
            "password",
            _l(
                "This password is too easy to guess: it is one of the most used "
                "passwords. A short sentence you remember works well."
            ),
        )


def normalise_username(username: str) -> str:
    return username.strip().lower()


def new_username(session: Session, full_name: str) -> str:
    """A username nobody has, made from the name and four random digits
    (``sri.wahyuni.4821``): self-registration never says a name is taken."""
    folded = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    words = [
        "".join(ch for ch in word if ch.isalnum()) for word in folded.lower().split()
    ]
    stem = ".".join(word for word in words if word)[:40].strip(".") or "purna"
    with scope.system("accounts"):
        while True:
            candidate = f"{stem}.{secrets.randbelow(9000) + 1000}"
            if (
                session.scalar(select(User.id).where(User.username == candidate))
                is None
            ):
                return candidate


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active account matching the credentials, or ``None``.

    Upgrades the stored hash when the argon2 parameters have changed and stamps
    ``last_login_at``.
    """
    with scope.system("sessions"):
        user = session.scalar(
            select(User).where(User.username == normalise_username(username))
        )
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash, password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.is_active:
        return None
    # The person signing in is the one who changes their own record here.
    with acting_as(Actor(user.id, user.username)):
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = utcnow()
        session.flush()
    return user


@dataclass
class AccountData:
    username: str
    full_name: str
    role: Role
    email: str | None = None
    scope_province_code: str | None = None
    scope_regency_code: str | None = None
    locale: str = "id"
    #: A bank officer's branch: it gives their lender and their region.
    lender_branch_id: int | None = None
    #: Set from the branch.
    lender_code: str | None = None


def _check_scope(session: Session, data: AccountData) -> None:
    role = Role(data.role)
    if role != Role.BANK_OFFICER:
        data.lender_branch_id = data.lender_code = None
    if role not in REGIONAL_ROLES:
        data.scope_province_code = None
        data.scope_regency_code = None
        return
    if role == Role.BANK_OFFICER:
        branch = (
            session.get(LenderBranch, data.lender_branch_id)
            if data.lender_branch_id
            else None
        )
        if branch is None:
            raise DomainError(
                "lender_branch_id", _l("A bank officer works at one branch: choose it.")
            )
        data.lender_code = branch.lender_code
        data.scope_province_code = branch.province_code
        data.scope_regency_code = branch.regency_code
        return
    if role in PROVINCE_REQUIRED_ROLES and not data.scope_province_code:
        raise DomainError(
            "scope_province_code", _l("This role works in one province: choose it.")
        )
    if data.scope_regency_code:
        regency = session.get(Regency, data.scope_regency_code)
        if regency is None or regency.province_code != data.scope_province_code:
            raise DomainError(
                "scope_regency_code",
                _l("This regency or city is not in the chosen province."),
            )


def _check_unique(session: Session, data: AccountData, user_id: int | None) -> None:
    for field, column, value in (
        ("username", User.username, data.username),
        ("email", func.lower(User.email), data.email),
    ):
        if not value:
            continue
        stmt = select(User.id).where(column == value)
        if user_id is not None:
            stmt = stmt.where(User.id != user_id)
        with scope.system("accounts"):
            taken = session.scalar(stmt) is not None
        if taken:
            raise DomainError(field, _l("Already used by another account."))


def _normalise(data: AccountData) -> None:
    data.username = normalise_username(data.username)
    data.full_name = data.full_name.strip()
    data.email = data.email.strip().lower() if data.email else None
    data.scope_province_code = data.scope_province_code or None
    data.scope_regency_code = data.scope_regency_code or None
    data.lender_branch_id = data.lender_branch_id or None
    if data.locale not in LOCALES:
        data.locale = "id"


def create_account(session: Session, data: AccountData, password: str) -> User:
    """Create an account.

    :raises DomainError: for a taken username or e-mail, a weak password or a scope
        that does not fit the role.
    """
    _normalise(data)
    check_password_rules(password, data.username, data.full_name)
    _check_unique(session, data, None)
    _check_scope(session, data)
    user = User(
        username=data.username,
        full_name=data.full_name,
        email=data.email,
        role=Role(data.role),
        locale=data.locale,
        scope_province_code=data.scope_province_code,
        scope_regency_code=data.scope_regency_code,
        lender_code=data.lender_code,
        lender_branch_id=data.lender_branch_id,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def update_account(session: Session, user: User, data: AccountData) -> User:
    """Change an account's name, e-mail, role and scope (username stays)."""
    data.username = user.username
    _normalise(data)
    _check_unique(session, data, user.id)
    _check_scope(session, data)
    user.full_name = data.full_name
    user.email = data.email
    user.role = Role(data.role)
    user.scope_province_code = data.scope_province_code
    user.scope_regency_code = data.scope_regency_code
    user.lender_code = data.lender_code
    user.lender_branch_id = data.lender_branch_id
    session.flush()
    return user


def add_branch(
    session: Session,
    lender_code: str,
    name: str,
    province_code: str,
    regency_code: str | None = None,
) -> LenderBranch:
    """A new branch of a lender, serving a province (or one regency of it).

    :raises DomainError: for a name the lender uses already, or a regency outside
        the province.
    """
    name = " ".join((name or "").split())
    regency_code = regency_code or None
    if regency_code:
        regency = session.get(Regency, regency_code)
        if regency is None or regency.province_code != province_code:
            raise DomainError(
                "regency_code",
                _l("This regency or city is not in the chosen province."),
            )
    taken = session.scalar(
        select(LenderBranch.id).where(
            LenderBranch.lender_code == lender_code, LenderBranch.name == name
        )
    )
    if taken is not None:
        raise DomainError("name", _l("This lender has a branch of that name."))
    branch = LenderBranch(
        lender_code=lender_code,
        name=name,
        province_code=province_code,
        regency_code=regency_code,
    )
    session.add(branch)
    session.flush()
    return branch


SLA_RANGE_MESSAGE = _l(
    "Between %(min)d and %(max)d days.",
    min=DECISION_SLA_RANGE[0],
    max=DECISION_SLA_RANGE[1],
)
COVERAGE_RANGE_MESSAGE = _l(
    "Between %(min)s and %(max)s times the instalment.",
    min=int(MIN_COVERAGE_RANGE[0]),
    max=int(MIN_COVERAGE_RANGE[1]),
)


def update_lender(
    session: Session,
    lender: Lender,
    decision_sla_days: int,
    min_repayment_coverage: Decimal,
) -> Lender:
    """Set a lender's service level for the decision (days) and the repayment
    capacity it wants of a plan; the change is in the audit trail.

    :raises FieldErrors: for a value outside its range (the database refuses it
        too: ``ck_lenders_sla_range``, ``ck_lenders_min_coverage_range``).
    """
    errors = []
    low, high = DECISION_SLA_RANGE
    if not low <= decision_sla_days <= high:
        errors.append(("decision_sla_days", SLA_RANGE_MESSAGE))
    low, high = MIN_COVERAGE_RANGE
    if not low <= min_repayment_coverage <= high:
        errors.append(("min_repayment_coverage", COVERAGE_RANGE_MESSAGE))
    if errors:
        raise FieldErrors(errors)
    lender.decision_sla_days = decision_sla_days
    lender.min_repayment_coverage = min_repayment_coverage
    session.flush()
    return lender


def branch_for(
    session: Session, lender_code: str, province_code: str, name: str | None = None
) -> LenderBranch:
    """The lender's branch for a province, made when it does not exist yet."""
    branch = session.scalar(
        select(LenderBranch).where(
            LenderBranch.lender_code == lender_code,
            LenderBranch.province_code == province_code,
            LenderBranch.regency_code.is_(None),
        )
    )
    if branch is None:
        branch = LenderBranch(
            lender_code=lender_code,
            province_code=province_code,
            name=name or f"{lender_code.upper()} {province_code}",
        )
        session.add(branch)
        session.flush()
    return branch


def set_active(session: Session, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account; deactivation ends its sessions.

    :raises DomainError: when an admin tries to deactivate their own account.
    """
    if not active and user.id == actor.id:
        raise DomainError(None, _l("You cannot deactivate your own account."))
    if user.is_active_account != active:
        user.is_active_account = active
        if not active:
            end_sessions(session, user, "deactivated", utcnow())
    session.flush()
    return user


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_own_password(
    session: Session, user: User, current_password: str, new_password: str
) -> User:
    """Change a password after checking the current one; every session ends (the
    person's own device signs in afresh, with a new cookie).

    :raises DomainError: on ``current_password`` when it is wrong, or on
        ``new_password`` when it breaks the rules or equals the old one.
    """
    if not password_matches(user, current_password):
        raise DomainError(
            "current_password", _l("Your current password is not right.")
        ) from None
    if new_password == current_password:
        raise DomainError(
            "new_password", _l("Choose a password you have not used here.")
        )
    check_new_password(user, new_password)
    return set_password(session, user, new_password)


def check_new_password(user: User, new_password: str) -> None:
    """The rules for a password someone chooses for themselves (a change, or a
    reset by a one-time code).

    :raises DomainError: on ``new_password`` when it breaks
        :func:`check_password_rules`.
    """
    try:
        check_password_rules(new_password, user.username, user.full_name)
    except DomainError as error:
        raise DomainError("new_password", error.message) from None


def set_password(session: Session, user: User, password: str) -> User:
    """Replace the password and end every session of the account."""
    check_password_rules(password, user.username, user.full_name)
    user.password_hash = hash_password(password)
    end_sessions(session, user, "password", utcnow())
    session.flush()
    return user


# Sessions, held on the server ---------------------------------------------------


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lasts: since its last request, and since sign-in."""

    idle: timedelta
    absolute: timedelta
    #: How recently the password must have been given before a sensitive change.
    reauthenticate: timedelta


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    session: Session, user: User, now: datetime, user_agent: str | None = None
) -> str:
    """Open a session for ``user`` (who has just given their password); returns
    the token for the cookie, which is shown this once and stored only hashed."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            last_seen_at=now,
            authenticated_at=now,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    session.flush()
    user.session_token = token
    return token


def find_session(
    session: Session, token: str, now: datetime, limits: SessionLimits
) -> tuple[UserSession | None, str | None]:
    """The live session behind a cookie's token, and why not when there is none.

    A session past its idle or absolute limit is ended here (``idle`` or
    ``expired``); an ended one stays ended. The last request is recorded at most
    once a minute.
    """
    row = session.scalar(
        select(UserSession).where(UserSession.token_hash == _token_hash(token))
    )
    if row is None:
        return None, None
    if row.ended_at is not None:
        return None, row.end_reason
    if not row.user.is_active:
        return None, "deactivated"
    if now - _aware(row.created_at) > limits.absolute:
        end_session(session, row, "expired", now)
        return None, "expired"
    if now - _aware(row.last_seen_at) > limits.idle:
        end_session(session, row, "idle", now)
        return None, "idle"
    if now - _aware(row.last_seen_at) > timedelta(minutes=1):
        row.last_seen_at = now
    row.user.session_token = token
    return row, None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def end_session(session: Session, row: UserSession, reason: str, now: datetime) -> None:
    if row.ended_at is None:
        row.ended_at, row.end_reason = now, reason
    session.flush()


def end_sessions(session: Session, user: User, reason: str, now: datetime) -> int:
    """End every live session of ``user``; returns how many ended."""
    rows = session.scalars(
        select(UserSession).where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None)
        )
    ).all()
    for row in rows:
        row.ended_at, row.end_reason = now, reason
    session.flush()
    return len(rows)


def confirm_password(
    session: Session, user: User, row: UserSession, password: str, now: datetime
) -> None:
    """Record that the person gave their password again in this session.

    :raises DomainError: on ``confirm_password`` when it is wrong.
    """
    if not password_matches(user, password):
        raise DomainError("confirm_password", _l("Your password is not right."))
    row.authenticated_at = now
    session.flush()


def recently_authenticated(
    row: UserSession | None, now: datetime, limits: SessionLimits
) -> bool:
    return (
        row is not None and now - _aware(row.authenticated_at) <= limits.reauthenticate
    )


def set_locale(session: Session, user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise DomainError("locale", _l("Unknown language."))
    user.locale = locale
    session.flush()
    return user
