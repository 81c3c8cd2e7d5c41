"""Indonesian identifiers: NIK decoding and checks, phone numbers, masking.

python-stdnum's ``stdnum.id.nik`` cleans the input, but its region list predates
Kaltara (65) and the new Papua provinces (92-96) and it resolves a two-digit birth
year to 19YY first, so the region and date rules are ours, against the shipped
Kepmendagri 2025 table.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import cache

import phonenumbers
from flask_babel import lazy_gettext as _l
from stdnum.id import nik as stdnum_nik

from juragan.reference import region_rows

NIK_LENGTH = 16
#: Women's NIKs carry the birth day plus 40.
FEMALE_DAY_OFFSET = 40


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; ``message`` says why, for the form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str  # "32"
    regency_code: str  # "32.01"
    district_code: (
        str  # "32.01.05" (not checked against a table: kecamatan change often)
    )
    birth_date: date
    sex: str  # "F" or "M"


@cache
def _regency_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in region_rows().regencies)


def compact_nik(value: str) -> str:
    """Digits only: spaces, dots and dashes removed (python-stdnum)."""
    return stdnum_nik.compact(value or "")


def resolve_birth_year(two_digits: int, month: int, day: int, today: date) -> int:
    """20YY when that birthday is not in the future, else 19YY.

    A NIK holds only two digits of the year; someone born in 2005 is 2005, not 1905.
    """
    year = 2000 + two_digits
    try:
        born = date(year, month, day)
    except ValueError:  # 29 February in a non-leap 20YY
        born = date(year, month, 28)
    return year if born <= today else 1900 + two_digits


def parse_nik(value: str, today: date) -> NikInfo:
    """Check a NIK and decode its region, birth date and sex.

    :raises InvalidIdentifier: with the reason, in the reader's language.
    """
    nik = compact_nik(value)
    if not nik.isdigit() or len(nik) != NIK_LENGTH:
        raise InvalidIdentifier(_l("A NIK has exactly 16 digits."))
    regency_code = f"{nik[0:2]}.{nik[2:4]}"
    if regency_code not in _regency_codes():
        raise InvalidIdentifier(
            _l(
                "The NIK starts with %(code)s, which is not a province and regency "
                "or city code.",
                code=nik[0:4],
            )
        )
    if nik[4:6] == "00":
        raise InvalidIdentifier(_l("The NIK's district digits (5-6) cannot be 00."))
    if nik[12:16] == "0000":
        raise InvalidIdentifier(_l("The NIK's last four digits cannot be 0000."))
    day, month, two_digit_year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > FEMALE_DAY_OFFSET else "M"
    day = day - FEMALE_DAY_OFFSET if sex == "F" else day
    if not 1 <= month <= 12:
        raise InvalidIdentifier(_l("The NIK holds an impossible birth date."))
    year = resolve_birth_year(two_digit_year, month, max(day, 1), today)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise InvalidIdentifier(_l("The NIK holds an impossible birth date."))
    return NikInfo(
        nik=nik,
        province_code=nik[0:2],
        regency_code=regency_code,
        district_code=f"{regency_code}.{nik[4:6]}",
        birth_date=date(year, month, day),
        sex=sex,
    )


def check_nik_agrees(
    info: NikInfo, birth_date: date, sex: str
) -> list[tuple[str, str]]:
    """Compare what the NIK encodes with what was entered.

    Returns ``(field, message)`` pairs for each disagreement. The day, month and the
    year's last two digits must match; the century comes from the entered date.
    """
    problems: list[tuple[str, str]] = []
    if (birth_date.day, birth_date.month, birth_date.year % 100) != (
        info.birth_date.day,
        info.birth_date.month,
        info.birth_date.year % 100,
    ):
        problems.append(
            (
                "birth_date",
                _l(
                    "The NIK says born on %(date)s; check the birth date or the NIK.",
                    date=info.birth_date.strftime("%d-%m-%Y"),
                ),
            )
        )
    if sex != info.sex:
        problems.append(
            (
                "sex",
                _l("The NIK says female; check the sex or the NIK.")
                if info.sex == "F"
                else _l("The NIK says male; check the sex or the NIK."),
            )
        )
    return problems


def normalise_phone(value: str, region: str = "ID") -> str:
    """A phone number in E.164 (``+6281234567890``); Indonesian when no ``+``.

    :raises InvalidIdentifier: when it is not a possible, valid number.
    """
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier(_l("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(
            _l("This phone number is not valid. Write it like 0812 3456 7890.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
