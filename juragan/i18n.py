"""Language choice and the Indonesian way of writing money and dates."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from flask import current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

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


#: The Babel locale whose currency format writes rupiah for each interface
#: language. Indonesian is CLDR's ``id``: ``Rp1.250.000``, as the Indonesian
#: spelling guide writes it (docs/plan-figures.md, "Rupiah"). Plain ``en`` would
#: give ``IDR1,250,000``; CLDR's ``en_ID`` (English as written in Indonesia) gives
#: ``Rp1.250.000`` like the Indonesian pages, the bank's documents and the amounts
#: typed in a ``RupiahField`` (which reads dots as thousands), so the English
#: interface uses it for money.
RUPIAH_LOCALES = {"id": "id", "en": "en_ID"}
#: Whole rupiah, the sign before the symbol: ``-Rp50.000`` (CLDR's own pattern for
#: ``id`` without the decimals, which sen would need and the app does not use).
RUPIAH_PATTERN = "\u00a4#,##0;-\u00a4#,##0"


def format_rupiah(amount: int | Decimal, locale: str = "id") -> str:
    """``Rp1.250.000``: "Rp" first, no space, dots between thousands, no sen.

    Babel's ``format_currency`` with the IDR currency and a pattern without
    decimals; a negative amount is ``-Rp1.250.000``. Money is integer rupiah or
    ``Decimal``, never float; a fraction is rounded half up to the rupiah.
    """
    if isinstance(amount, float):
        raise TypeError("money must be int or Decimal, not float")
    whole = Decimal(amount).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    if not whole:
        whole = Decimal(0)  # -0,4 rounds to zero, written without a sign
    return format_currency(
        whole,
        "IDR",
        format=RUPIAH_PATTERN,
        locale=RUPIAH_LOCALES.get(str(locale).split("_")[0], str(locale)),
        currency_digits=False,
    )


def rupiah_filter(amount: int | Decimal | None) -> str:
    if amount is None:
        return "–"
    return format_rupiah(amount, str(get_locale() or "id"))


def rupiah_words_filter(amount: int | Decimal | None) -> str:
    """The amount in words in the reader's language (``juragan.terbilang``)."""
    from juragan.terbilang import rupiah_in_words

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
