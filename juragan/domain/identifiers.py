"""Indonesian identifiers: NIK decoding and checks, phone numbers, masking.

python-stdnum's ``stdnum.id.nik`` cleans the input, but its region list follows BPS's
numbering (91 Papua Barat, 94 Papua), lacks Kaltara (65) and the new Papua provinces,
and it resolves a two-digit birth year to 19YY first, so the region and date rules
are ours. A NIK keeps the region code it was issued under for life: any code in the
shipped Kepmendagri 2025 table or in its history (``region_history.csv``) is valid,
and the region it stands for today is shown apart from it. The facts and their
sources are in ``docs/identifiers.md``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import cache

import phonenumbers
from flask_babel import lazy_gettext as _l
from stdnum.id import nik as stdnum_nik

from juragan.domain.regions import region_history, region_rows

NIK_LENGTH = 16
#: Women's NIKs carry the birth day plus 40.
FEMALE_DAY_OFFSET = 40
#: A migrant worker is at least 18 (UU 18/2017 Pasal 5 huruf a; docs/identifiers.md).
MINIMUM_WORKER_AGE = 18
#: Older than this is taken for a typing error, not a person.
MAXIMUM_AGE = 100


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; ``message`` says why, for the form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NikRegion:
    """The region code a NIK carries, and what it stands for today."""

    code: str  # "91.01", as in the NIK
    #: False for a code no longer in Kemendagri's list (its area moved province).
    is_current: bool
    #: The regency's name under that code, for a code no longer current.
    name_then: str | None
    #: The year the code stopped being used, for a code no longer current.
    valid_until: int | None
    #: Today's code(s) of the same area: the code itself when it is current.
    successors: tuple[str, ...]

    @property
    def province_code_then(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str  # "32" (the NIK's: where it was issued, not where one lives)
    regency_code: str  # "32.01" (the NIK's; see ``region`` for today's)
    district_code: (
        str  # "32.01.05" (not checked against a table: kecamatan change often)
    )
    birth_date: date
    sex: str  # "F" or "M"
    region: NikRegion


@cache
def _regency_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in region_rows().regencies)


@cache
def nik_region(code: str) -> NikRegion | None:
    """What the region code ``PP.KK`` of a NIK stands for, or None if it never
    existed. A current code stands for itself; a former one (its area moved to
    another province) gives its name then and today's code(s)."""
    if code in _regency_codes():
        return NikRegion(code, True, None, None, (code,))
    former = [h for h in region_history() if h.code == code]
    if not former:
        return None
    last = max(former, key=lambda h: h.valid_until)
    return NikRegion(code, False, last.name, last.valid_until, last.successors)


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``. Someone born on 29 February turns a
    year older on 1 March in a common year."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def adult_birth_date(info: NikInfo, today: date) -> date:
    """The birth date a returnee's NIK holds, with the century that makes them
    18 to 100 today (a NIK has two digits of the year: 05 is 2005, not 1905).

    :raises InvalidIdentifier: when neither century gives such an age.
    """
    born = info.birth_date
    for year in (2000 + born.year % 100, 1900 + born.year % 100):
        try:
            candidate = born.replace(year=year)
        except ValueError:  # 29 February: the NIK was read with a leap year
            continue
        if MINIMUM_WORKER_AGE <= age_on(candidate, today) <= MAXIMUM_AGE:
            return candidate
    raise InvalidIdentifier(
        _l(
            "The NIK says born on %(date)s: that person would be %(age)d, and a "
            "returning migrant worker is at least 18 (UU 18/2017). Check the NIK.",
            date=born.strftime("%d-%m-%Y"),
            age=age_on(born, today),
        )
    )


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
    region = nik_region(regency_code)
    if region is None:
        raise InvalidIdentifier(
            _l(
                "The NIK starts with %(code)s, which has never been a province and "
                "regency or city code.",
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
        region=region,
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


@dataclass(frozen=True)
class NikRegionText:
    """A NIK's region code in words, for a profile: then and today."""

    code: str  # "64.04"
    #: "Kabupaten Bulungan, Kalimantan Timur": the code's area under that code.
    then: str
    #: The year the code went out of use, or None when it is current.
    until: int | None
    #: ("65.01", "Kabupaten Bulungan, Kalimantan Utara") for each successor code;
    #: empty when the code is current.
    today: tuple[tuple[str, str], ...]


def describe_nik_region(nik: str) -> NikRegionText | None:
    """The region code a (whole) NIK carries, with its name then and today, or None
    when ``nik`` is not 16 digits with a known code."""
    digits = compact_nik(nik)
    if len(digits) != NIK_LENGTH or not digits.isdigit():
        return None
    region = nik_region(f"{digits[0:2]}.{digits[2:4]}")
    if region is None:
        return None
    rows = region_rows()
    provinces = {p["code"]: p["name"] for p in rows.provinces}
    regencies = {r["code"]: r["name"] for r in rows.regencies}

    def place(code: str, name: str) -> str:
        return f"{name}, {provinces.get(code[:2], code[:2])}"

    if region.is_current:
        return NikRegionText(
            region.code, place(region.code, regencies[region.code]), None, ()
        )
    return NikRegionText(
        region.code,
        place(region.code, region.name_then or region.code),
        region.valid_until,
        tuple((c, place(c, regencies.get(c, c))) for c in region.successors),
    )
