import pytest

from juragan import create_app
from juragan.config import (
    DEFAULT_NIK_ENCRYPTION_KEY,
    DEFAULT_NIK_HMAC_KEY,
    DEFAULT_SECRET_KEY,
    ConfigError,
    load_config,
    normalise_database_url,
    validate_config,
)


def test_defaults_use_sqlite_in_the_instance_folder(tmp_path):
    config = load_config({}, str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/juragan.sqlite"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["BABEL_DEFAULT_LOCALE"] == "id"


#: NIK keys as production needs them (two encryption keys: one being retired).
NIK_KEYS = {
    "NIK_ENCRYPTION_KEYS": "a2V5LW9uZS1mb3ItdGhlLW5pay12YXVsdC10ZXN0cyE=, "
    "a2V5LXR3by1mb3ItdGhlLW5pay12YXVsdC10ZXN0cyE=",
    "NIK_HMAC_KEYS": "h" * 40,
}


def test_environment_is_read(tmp_path):
    config = load_config(
        {
            "DATABASE_URL": "postgres://u:p@db:5432/juragan",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "SECRET_KEY": "s" * 40,
            "JURAGAN_ENV": "production",
            "PUBLIC_URL": "https://juragan.bp3mi.example.id/",
            "TRUSTED_PROXIES": "1",
            **NIK_KEYS,
        },
        str(tmp_path),
    )
    assert (
        config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db:5432/juragan"
    )
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert len(config["NIK_ENCRYPTION_KEYS"]) == 2
    assert (config["PUBLIC_URL"], config["TRUSTED_PROXIES"]) == (
        "https://juragan.bp3mi.example.id",
        1,
    )
    validate_config(config)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        validate_config({**config, "PUBLIC_URL": "http://juragan.example.id"})
    with pytest.raises(ConfigError, match="SMS_GATEWAY_URL"):
        validate_config({**config, "SMS_GATEWAY_URL": "http://sms.example.id/send"})


def test_code_delivery_is_read(tmp_path):
    config = load_config(
        {
            "MAIL_SERVER": "smtp.example.id",
            "MAIL_PORT": "465",
            "MAIL_USE_SSL": "1",
            "SMS_GATEWAY_URL": "https://sms.example.id",
            "RESET_LIMIT_PER_ACCOUNT": "2 per hour",
        },
        str(tmp_path),
    )
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_SSL"]) == (
        "smtp.example.id",
        465,
        True,
    )
    assert config["MAIL_USE_TLS"] is True  # STARTTLS unless told otherwise
    assert config["SMS_GATEWAY_URL"] == "https://sms.example.id"
    assert config["RESET_LIMIT_PER_ACCOUNT"] == "2 per hour"


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_missing_or_default_secret(tmp_path, secret):
    environ = {"JURAGAN_ENV": "production", **NIK_KEYS}
    if secret is not None:
        environ["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        validate_config(load_config(environ, str(tmp_path)))


def test_factory_refuses_default_secret_in_production():
    with pytest.raises(ConfigError):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": DEFAULT_SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({}, "must be set in production"),
        ({"NIK_HMAC_KEYS": DEFAULT_NIK_HMAC_KEY}, "must be set in production"),
        ({"NIK_ENCRYPTION_KEYS": DEFAULT_NIK_ENCRYPTION_KEY}, "must be set"),
        ({"NIK_HMAC_KEYS": "too-short"}, "at least 32"),
        ({"NIK_ENCRYPTION_KEYS": "not-a-fernet-key"}, "Fernet"),
    ],
)
def test_production_refuses_weak_nik_keys(tmp_path, keys, message):
    environ = {
        "JURAGAN_ENV": "production",
        "SECRET_KEY": "s" * 40,
        **({} if not keys else NIK_KEYS),
        **keys,
    }
    with pytest.raises(ConfigError, match=message):
        validate_config(load_config(environ, str(tmp_path)))


def test_development_may_use_the_default_secret(tmp_path):
    validate_config(load_config({}, str(tmp_path)))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_normalised_to_psycopg3(given, expected):
    assert normalise_database_url(given) == expected
