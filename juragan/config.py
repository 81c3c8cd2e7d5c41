"""Configuration built once, from the environment, inside the app factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: The value a developer's `.env` or the README might show; never valid in production.
DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105
#: Development keys for the NIK (``juragan.db.vault``); refused in production.
DEFAULT_NIK_ENCRYPTION_KEY = "ZGV2LW9ubHktbmlrLWtleS1jaGFuZ2UtbWUtMDAwMDA="  # noqa: S105
DEFAULT_NIK_HMAC_KEY = "dev-only-nik-hmac-key-change-me"  # noqa: S105


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _keys(value: str | None, default: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in (value or "").split(",") if k.strip())
    return keys or (default,)


def normalise_database_url(url: str) -> str:
    """Point plain ``postgres://`` and ``postgresql://`` URLs at psycopg 3.

    Hosting platforms hand out ``postgres://`` URLs; SQLAlchemy would pick psycopg2
    for ``postgresql://``, which juragan does not install.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(environ: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Build the Flask configuration from ``environ``.

    :param environ: usually ``os.environ``; tests pass a mapping.
    :param instance_path: where the embedded SQLite database lives by default.
    """
    env = environ.get("JURAGAN_ENV", "development")
    production = env == "production"
    secret_key = environ.get("SECRET_KEY", "")
    database_url = environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(
        instance_path, "juragan.sqlite"
    )
    redis_url = environ.get("REDIS_URL", "")
    return {
        "ENV_NAME": env,
        # Left empty when unset: validate_config refuses that in production.
        "SECRET_KEY": secret_key or (DEFAULT_SECRET_KEY if not production else ""),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Signs the check value printed on proposals (docs/proposal.md); derived
        # from SECRET_KEY when unset. Changing it voids the printed check values.
        "PROPOSAL_CHECK_KEY": environ.get("PROPOSAL_CHECK_KEY", ""),
        # pre-ping: a connection the database dropped (a restart) is replaced on
        # checkout; hide_parameters: error reports and logs carry the SQL, never the
        # values (names, phones, amounts).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "REDIS_URL": redis_url,
        # How many proxies in front set X-Forwarded-For and -Proto (the TLS proxy the
        # README asks for is one): only their word is trusted for a client's address.
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", "0")),
        # The address people reach juragan at (links in invitations are built on it,
        # never on the Host a request claims); required in production.
        "PUBLIC_URL": environ.get("PUBLIC_URL", "").rstrip("/"),
        # Uploaded documents: outside the web root, served only through views.
        "UPLOAD_FOLDER": environ.get("UPLOAD_FOLDER")
        or os.path.join(instance_path, "uploads"),
        # Login throttling: memory by default, shared through Redis when available.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis away: each worker counts in its own memory until Redis answers again
        # (limits still hold, per worker), and a slow Redis never holds up a page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": (
            {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
            if redis_url
            else {}
        ),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_IP": environ.get("LOGIN_LIMIT_PER_IP", "20 per minute"),
        "LOGIN_LIMIT_PER_ACCOUNT": environ.get(
            "LOGIN_LIMIT_PER_ACCOUNT", "5 per minute"
        ),
        # Wrong passwords given to confirm a sensitive change, per account.
        "REAUTH_LIMIT_PER_ACCOUNT": environ.get(
            "REAUTH_LIMIT_PER_ACCOUNT", "5 per 10 minutes"
        ),
        # Looking people up by NIK or phone, per account.
        "FIND_LIMIT_PER_USER": environ.get("FIND_LIMIT_PER_USER", "30 per hour"),
        # Checking printed proposals: a bank checks a few a day; 60 bits of check
        # value are out of reach of guessing at this pace.
        "VERIFY_LIMIT_PER_USER": environ.get("VERIFY_LIMIT_PER_USER", "60 per hour"),
        # Consent given or withdrawn, per account: a few a day is a person's or a
        # mentor's work; each may carry a 5 MB scan.
        "CONSENT_LIMIT_PER_USER": environ.get("CONSENT_LIMIT_PER_USER", "60 per hour"),
        # Exports with whole NIKs: a few a day is an office's work; more is a leak.
        "NIK_EXPORT_LIMIT_PER_USER": environ.get(
            "NIK_EXPORT_LIMIT_PER_USER", "10 per hour"
        ),
        # Forgotten passwords (docs/password-reset.md): requests per client address
        # and per account or contact named, code entries per address, and codes
        # sent to prove a new e-mail or phone, per account.
        "RESET_LIMIT_PER_IP": environ.get("RESET_LIMIT_PER_IP", "10 per hour"),
        "RESET_LIMIT_PER_ACCOUNT": environ.get("RESET_LIMIT_PER_ACCOUNT", "3 per hour"),
        "RESET_CODE_LIMIT_PER_IP": environ.get(
            "RESET_CODE_LIMIT_PER_IP", "30 per hour"
        ),
        "CONTACT_CODE_LIMIT_PER_USER": environ.get(
            "CONTACT_CODE_LIMIT_PER_USER", "5 per hour"
        ),
        # Where codes go (juragan.delivery): e-mail by SMTP when MAIL_SERVER is
        # set, SMS through an HTTP gateway when SMS_GATEWAY_URL is; otherwise the
        # application log (outside production only).
        "MAIL_SERVER": environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(environ.get("MAIL_PORT", "587")),
        "MAIL_USE_TLS": _bool(environ.get("MAIL_USE_TLS"), default=True),
        "MAIL_USE_SSL": _bool(environ.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": environ.get("MAIL_FROM", "juragan <noreply@localhost>"),
        "MAIL_TIMEOUT_SECONDS": float(environ.get("MAIL_TIMEOUT_SECONDS", "10")),
        "SMS_GATEWAY_URL": environ.get("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": environ.get("SMS_GATEWAY_TOKEN", ""),
        "SMS_TIMEOUT_SECONDS": float(environ.get("SMS_TIMEOUT_SECONDS", "10")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production or _bool(environ.get("COOKIE_SECURE")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production or _bool(environ.get("COOKIE_SECURE")),
        "PERMANENT_SESSION_LIFETIME": int(
            environ.get("SESSION_LIFETIME_SECONDS", str(12 * 3600))
        ),
        # Server-side session limits: since the last request, since sign-in, and how
        # recently the password must have been given before a change of password,
        # phone or e-mail.
        "SESSION_IDLE_MINUTES": int(environ.get("SESSION_IDLE_MINUTES", "60")),
        # NIK keys, newest first, comma-separated (``juragan.db.vault``): older keys stay
        # listed until `flask juragan rotate-nik-keys` has moved every row on.
        "NIK_ENCRYPTION_KEYS": _keys(
            environ.get("NIK_ENCRYPTION_KEYS"), DEFAULT_NIK_ENCRYPTION_KEY
        ),
        "NIK_HMAC_KEYS": _keys(environ.get("NIK_HMAC_KEYS"), DEFAULT_NIK_HMAC_KEY),
        "SESSION_ABSOLUTE_HOURS": int(environ.get("SESSION_ABSOLUTE_HOURS", "12")),
        "REAUTHENTICATE_MINUTES": int(environ.get("REAUTHENTICATE_MINUTES", "10")),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": environ.get("JURAGAN_TIMEZONE", "Asia/Jakarta"),
        "LANGUAGES": ("id", "en"),
        # argon2 parameters; the test configuration lowers them to keep the suite fast.
        "ARGON2_TIME_COST": int(environ.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(environ.get("ARGON2_MEMORY_COST", "65536")),
        "ARGON2_PARALLELISM": int(environ.get("ARGON2_PARALLELISM", "4")),
        "PAGE_SIZE": int(environ.get("PAGE_SIZE", "50")),
        # People listed at once on the mentor assignment page (checkboxes).
        "ASSIGN_PAGE_SIZE": int(environ.get("ASSIGN_PAGE_SIZE", "100")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }


def validate_config(config: Mapping[str, Any]) -> None:
    """Refuse configurations that are unsafe to serve.

    :raises ConfigError: for malformed NIK keys; in production, for a missing or
        default ``SECRET_KEY`` or NIK key.
    """
    from juragan.db.vault import make_vault

    try:
        make_vault(config["NIK_ENCRYPTION_KEYS"], config["NIK_HMAC_KEYS"])
    except ValueError as error:
        raise ConfigError(
            'NIK_ENCRYPTION_KEYS must be Fernet keys (python -c "from cryptography.'
            'fernet import Fernet; print(Fernet.generate_key().decode())").'
        ) from error
    if config.get("ENV_NAME") != "production":
        return
    if DEFAULT_NIK_ENCRYPTION_KEY in config["NIK_ENCRYPTION_KEYS"] or (
        DEFAULT_NIK_HMAC_KEY in config["NIK_HMAC_KEYS"]
    ):
        raise ConfigError(
            "NIK_ENCRYPTION_KEYS and NIK_HMAC_KEYS must be set in production; the "
            "development keys protect nothing."
        )
    if any(len(key) < 32 for key in config["NIK_HMAC_KEYS"]):
        raise ConfigError("Each NIK_HMAC_KEYS entry needs at least 32 characters.")
    secret_key = config.get("SECRET_KEY") or ""
    if secret_key == DEFAULT_SECRET_KEY or len(secret_key) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in "
            'production (python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if not str(config.get("PUBLIC_URL", "")).startswith("https://"):
        raise ConfigError(
            "PUBLIC_URL must be set in production to the https:// address people use "
            "(invitation links are built on it)."
        )
    gateway = str(config.get("SMS_GATEWAY_URL", ""))
    if gateway and not gateway.startswith("https://"):
        raise ConfigError(
            "SMS_GATEWAY_URL must be an https:// address in production (the messages "
            "carry codes that open accounts)."
        )
