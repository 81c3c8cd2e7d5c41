"""Rupiah as people write it: ``Rp1.250.000``."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency

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
