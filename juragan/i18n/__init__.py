"""Language choice and the Indonesian way of writing money and dates."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

from juragan.domain.money import format_rupiah

NBSP = "\u00a0"


def select_locale() -> str:
    """The signed-in account's language, else the visitor's choice, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def rupiah_filter(amount: int | Decimal | None) -> str:
    if amount is None:
        return "–"
    return format_rupiah(amount, str(get_locale() or "id"))


def rupiah_words_filter(amount: int | Decimal | None) -> str:
    """The amount in words in the reader's language (``juragan.domain.terbilang``)."""
    from juragan.domain.terbilang import rupiah_in_words

    if amount is None:
        return "–"
    return rupiah_in_words(amount, str(get_locale() or "id"))


#: Decimal units, as Jinja's ``filesizeformat`` counts (1 kB = 1000 bytes).
_SIZE_UNITS = ("kB", "MB", "GB", "TB")


def file_size(size: int | None, locale: str | None = None) -> str:
    """A file's size in the reader's number format: ``52,2 kB`` in Indonesian,
    ``52.2 kB`` in English (Jinja's own filter writes a decimal point always)."""
    from babel.numbers import format_decimal

    if size is None:
        return "–"
    locale = locale or str(get_locale() or "id")
    if size < 1000:
        return f"{format_decimal(size, locale=locale)} B"
    value = Decimal(size)
    for unit in _SIZE_UNITS:
        value /= 1000
        if value < 1000 or unit == _SIZE_UNITS[-1]:
            return f"{format_decimal(value, format='#,##0.0', locale=locale)} {unit}"
    raise AssertionError("unreachable")
