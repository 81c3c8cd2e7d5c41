"""How much of a personal value is shown: one function per kind of value.

Pages, exports, PDFs, the audit viewer and the logs all print NIKs, NPWPs, phones,
e-mails, addresses and free texts through here, so a mask cannot be weaker in one
place than in another. Who sees a value in full is :mod:`juragan.policy`'s answer
(``REVEAL_NIK``, ``VIEW_CONTACT``); the reveal of a full NIK to anyone but its owner
is recorded (:func:`juragan.db.audit.record_view`).

A mask reveals nothing the rest of a masked page does not: a NIK is its region,
district and birth date followed by a serial, so where it is masked the page shows
only its last four digits, only the year of birth, and no address below the
regency (together they would give the NIK back).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

#: What a hidden value reads as.
HIDDEN = "•••"
#: A text that is not shown (free text: notes, answers, reasons).
HIDDEN_TEXT = _l("(not shown)")


def nik(value: str | None, full: bool = False) -> str:
    """``************0959``: the last four digits only, unless ``full``."""
    if not value:
        return ""
    return value if full else "*" * (len(value) - 4) + value[-4:]


#: A tax number of a resident is their NIK (PMK 112/2022): masked the same way.
npwp = nik


def phone(value: str | None, full: bool = False) -> str:
    """``+62 812-3456-7890`` in full; masked, ``+62812*****890``."""
    if not value:
        return ""
    if full:
        import phonenumbers

        number = phonenumbers.parse(value, None)
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    return value[:6] + "*" * max(len(value) - 9, 0) + value[-3:]


def email(value: str | None, full: bool = False) -> str:
    """``s***@gmail.com`` when masked."""
    if not value:
        return ""
    if full:
        return value
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def address(value: str | None, full: bool = False) -> str:
    """A district, village or street: nothing at all when masked."""
    return (value or "") if full else ""


def text(value: str | None, full: bool = False) -> str:
    """Free text someone wrote (notes, reasons, answers)."""
    if not value:
        return ""
    return value if full else str(HIDDEN_TEXT)


def birth_date(value: date | str | None, full: bool = False) -> date | str | int | None:
    """The whole date, or only its year when masked (a date, or as ISO text)."""
    if value is None:
        return None
    if full:
        return value
    return value.year if isinstance(value, date) else str(value)[:4]


def secret(_value: Any, _full: bool = False) -> str:
    """Hashes, ciphertexts, tokens and stored file names: never shown."""
    return HIDDEN


#: Each kind of value (see :mod:`juragan.db.inventory`) and its function.
SHOW = {
    "nik": nik,
    "npwp": npwp,
    "phone": phone,
    "email": email,
    "address": address,
    "text": text,
    "name": lambda value, full=False: (value or "") if full else HIDDEN,
    "birth_date": lambda value, full=False: birth_date(value, full),
    "money": lambda value, full=False: value if full else HIDDEN,
    "location": lambda value, full=False: value if full else HIDDEN,
    "secret": secret,
}


def value(kind: str, raw: Any, full: bool = False) -> Any:
    """``raw`` as a reader may see it; plain values (codes, states, dates, counts)
    are shown as they are."""
    show = SHOW.get(kind)
    return raw if show is None else show(raw, full)


@dataclass(frozen=True)
class Shown:
    """What a page, an export or a PDF may print of one person for one reader."""

    nik: str
    phone: str
    email: str
    birth_date: date | int | None
    #: Village and district, joined; empty when masked.
    address: str
    #: Whether the reader sees contact details and address in full.
    full: bool
    #: Whether the NIK is shown whole (its owner, or a recorded reveal).
    nik_full: bool


_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)8\d{7,11}(?!\d)")


def plot_text(value: Any) -> str:
    """Text for a Plotly chart: Plotly reads a few HTML tags in its strings (``<a>``
    becomes a link), so whatever someone typed is escaped, never markup."""
    return html.escape(str(value or ""), quote=False)


def scrub(message: str) -> str:
    """A log line with every NIK-like number and phone number masked."""
    message = _SIXTEEN_DIGITS.sub(lambda m: nik(m.group(0)), message)
    return _PHONE.sub(lambda m: phone(m.group(0)), message)
