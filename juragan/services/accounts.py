"""Accounts: password hashing, sign-in checks, creation and administration."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from juragan.audit import Actor, acting_as
from juragan.errors import DomainError
from juragan.models import Regency, Role, User, utcnow
from juragan.models.account import LOCALES, PROVINCE_REQUIRED_ROLES, REGIONAL_ROLES

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


def check_password_rules(password: str) -> None:
    """:raises DomainError: on ``password`` when it is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "password",
            _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            "password", _l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
        )


def normalise_username(username: str) -> str:
    return username.strip().lower()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active account matching the credentials, or ``None``.

    Upgrades the stored hash when the argon2 parameters have changed and stamps
    ``last_login_at``.
    """
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


def _check_scope(session: Session, data: AccountData) -> None:
    role = Role(data.role)
    if role not in REGIONAL_ROLES:
        data.scope_province_code = None
        data.scope_regency_code = None
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
        if session.scalar(stmt) is not None:
            raise DomainError(field, _l("Already used by another account."))


def _normalise(data: AccountData) -> None:
    data.username = normalise_username(data.username)
    data.full_name = data.full_name.strip()
    data.email = data.email.strip().lower() if data.email else None
    data.scope_province_code = data.scope_province_code or None
    data.scope_regency_code = data.scope_regency_code or None
    if data.locale not in LOCALES:
        data.locale = "id"


def create_account(session: Session, data: AccountData, password: str) -> User:
    """Create an account.

    :raises DomainError: for a taken username or e-mail, a weak password or a scope
        that does not fit the role.
    """
    _normalise(data)
    check_password_rules(password)
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
    session.flush()
    return user


def set_active(session: Session, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account; deactivation ends its sessions.

    :raises DomainError: when an admin tries to deactivate their own account.
    """
    if not active and user.id == actor.id:
        raise DomainError(None, _l("You cannot deactivate your own account."))
    if user.is_active_account != active:
        user.is_active_account = active
        user.session_version += 1
    session.flush()
    return user


def change_own_password(
    session: Session, user: User, current_password: str, new_password: str
) -> User:
    """Change a password after checking the current one.

    :raises DomainError: on ``current_password`` when it is wrong, or on
        ``new_password`` when it breaks the rules or equals the old one.
    """
    try:
        _hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise DomainError(
            "current_password", _l("Your current password is not right.")
        ) from None
    if new_password == current_password:
        raise DomainError(
            "new_password", _l("Choose a password you have not used here.")
        )
    try:
        check_password_rules(new_password)
    except DomainError as error:
        raise DomainError("new_password", error.message) from None
    return set_password(session, user, new_password)


def set_password(session: Session, user: User, password: str) -> User:
    """Replace the password and end every other session of the account."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.flush()
    return user


def set_locale(session: Session, user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise DomainError("locale", _l("Unknown language."))
    user.locale = locale
    session.flush()
    return user
