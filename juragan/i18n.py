"""Language choice and the Indonesian way of writing money and dates."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
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


def format_rupiah(amount: int | Decimal, locale: str = "id") -> str:
    """``Rp 1.250.000``: whole rupiah (sen are not used), grouped the locale's way.

    Money is integer rupiah or ``Decimal``, never float; a fraction is rounded half
    up to the rupiah.
    """
    if isinstance(amount, float):
        raise TypeError("money must be int or Decimal, not float")
    whole = Decimal(amount).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    digits = format_decimal(abs(whole), format="#,##0", locale=locale)
    sign = "-" if whole < 0 else ""
    return f"{sign}Rp {digits}"


def rupiah_filter(amount: int | Decimal | None) -> str:
    if amount is None:
        return "–"
    return format_rupiah(amount, str(get_locale() or "id"))
