"""Amounts of rupiah in words (*terbilang*), as a proposal or a cheque writes them.

One function, :func:`rupiah_in_words`, over num2words: Indonesian words in the
Indonesian interface ("satu juta dua ratus lima puluh ribu rupiah") and English in
the English one ("one million, two hundred and fifty thousand rupiah"). The
Indonesian spelling it must follow (docs/plan-figures.md, "Amounts in words"):
*se-* for one of ten, eleven, a hundred and a thousand ("sepuluh", "sebelas",
"seratus", "seribu"), "satu" before juta, miliar and triliun ("satu juta", never
"se juta"), teens with *belas*, tens with *puluh*, hundreds with *ratus*.
"""

from __future__ import annotations

from decimal import Decimal

from num2words import num2words

#: num2words' language for each interface language.
_LANGUAGES = {"id": "id", "en": "en"}
#: The currency word after the number.
_RUPIAH = {"id": "rupiah", "en": "rupiah"}


def rupiah_in_words(amount: int | Decimal, locale: str = "id") -> str:
    """``1_250_000`` → ``satu juta dua ratus lima puluh ribu rupiah``.

    Whole rupiah only (a fraction is rounded half up, as ``format_rupiah`` does).

    :raises ValueError: for a negative amount (a plan's needs and loans are not).
    :raises TypeError: for a float (money is never float).
    """
    if isinstance(amount, float):
        raise TypeError("money must be int or Decimal, not float")
    whole = int(Decimal(amount).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    if whole < 0:
        raise ValueError("an amount in words is not negative")
    language = str(locale).split("_")[0]
    if language not in _LANGUAGES:
        language = "id"
    if language == "id":
        words = _indonesian(whole)
    else:
        words = num2words(whole, lang=_LANGUAGES[language])
    return f"{words} {_RUPIAH[language]}"


def _indonesian(number: int) -> str:
    """num2words' Indonesian, with its one slip put right.

    num2words 0.5.14 writes "seribu" only when the thousands lead the number
    (1.000 to 1.999): after juta or miliar it writes a thousands group of one as
    "satu ribu" (1.001.000 as "satu juta satu ribu"), where the rule is "seribu"
    ("satu juta seribu"). That group is spelt here; the rest is the library's.
    """
    millions, below = divmod(number, 1_000_000)
    if millions and below // 1000 == 1:
        parts = [num2words(millions * 1_000_000, lang="id"), "seribu"]
        if below % 1000:
            parts.append(num2words(below % 1000, lang="id"))
        return " ".join(parts)
    return str(num2words(number, lang="id"))
