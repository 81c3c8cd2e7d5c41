"""The synthetic registry: plausible returnees with their journeys abroad.

``SyntheticPeople`` draws people, placements and trainings from the shares the
programme publishes (docs/domain.md, "How the figures are defined"); the same seed
gives the same people. The demo (``juragan.seeding.demo``) and the bulk generator
(``juragan.seeding.bulk``) both draw from it.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any, Generic, TypeVar

from faker.providers.person.id_ID import Provider as IndonesianNames
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan import clock, consent_rules
from juragan.db import vault
from juragan.domain.identifiers import FEMALE_DAY_OFFSET
from juragan.models import (
    ConsentPurpose,
    Regency,
    Returnee,
    utcnow,
)

T = TypeVar("T")

#: What synthetic people agreed to, on the paper form kept in the office archive.
SYNTHETIC_CONSENTS = (ConsentPurpose.REGISTRY, ConsentPurpose.LENDER)

#: The synthetic world is drawn as of this day, not as of today, so that a seed
#: gives the same people on any day (the day used is the earlier of this and today,
#: so nothing is ever in the future). Move it forward to freshen the data.
DATA_AS_OF = date(2026, 11, 1)

#: Where placements come from (BP2MI 2023 origins); the rest share the remainder.
ORIGIN_WEIGHTS = {"35": 68069, "33": 59009, "32": 52961, "52": 33949, "18": 21539}
OTHER_PROVINCES_WEIGHT = 39438  # 274,965 placements in 2023 less the five above


@dataclass(frozen=True)
class Destination:
    """A destination's share and typical terms (BP2MI 2023; approximate wages)."""

    country: str
    #: Share of placements (BP2MI 2023: TW 30%, MY 26%, HK 24%, KR 5%, JP 4%...).
    weight: float
    share_women: float
    currency: str
    #: A fixed, approximate exchange rate: rupiah per unit of the currency.
    idr_per_unit: Decimal
    #: Monthly salary ranges in the local currency for domestic and care work and
    #: for other jobs, drawn in steps of ``salary_step``.
    salary_care: tuple[int, int]
    salary_other: tuple[int, int]
    salary_step: int
    contract_months: tuple[int, ...]
    sectors_women: tuple[tuple[str, float], ...]
    sectors_men: tuple[tuple[str, float], ...]
    #: The language a worker picks up there, for the skills field.
    language: str | None


_FACTORY = (("manufacturing", 0.7), ("fishing_crew", 0.2), ("construction", 0.1))
_HOUSEHOLD = (("domestic_worker", 0.8), ("caregiver", 0.2))
DESTINATIONS = (
    Destination(
        "TW",
        30,
        0.60,
        "TWD",
        Decimal("510"),
        (17_000, 20_000),
        (25_250, 28_590),
        10,
        (36,),
        (("caregiver", 0.65), ("domestic_worker", 0.25), ("manufacturing", 0.1)),
        _FACTORY,
        "Bahasa Mandarin",
    ),
    Destination(
        "MY",
        26,
        0.45,
        "MYR",
        Decimal("3700"),
        (1_200, 1_800),
        (1_500, 2_200),
        50,
        (24,),
        (("domestic_worker", 0.6), ("manufacturing", 0.3), ("hospitality", 0.1)),
        (("plantation", 0.6), ("construction", 0.3), ("manufacturing", 0.1)),
        "Bahasa Melayu",
    ),
    Destination(
        "HK",
        24,
        0.98,
        "HKD",
        Decimal("2100"),
        (4_110, 5_100),
        (5_000, 8_000),
        10,
        (24,),
        _HOUSEHOLD,
        (("other", 1.0),),
        "Bahasa Kanton",
    ),
    Destination(
        "KR",
        5,
        0.10,
        "KRW",
        Decimal("11.5"),
        (2_060_000, 2_400_000),
        (2_060_000, 2_800_000),
        10_000,
        (58,),
        (("manufacturing", 1.0),),
        (("manufacturing", 0.7), ("fishing_crew", 0.15), ("plantation", 0.15)),
        "Bahasa Korea",
    ),
    Destination(
        "JP",
        4,
        0.25,
        "JPY",
        Decimal("108"),
        (170_000, 220_000),
        (170_000, 240_000),
        1_000,
        (36, 60),
        (("caregiver", 0.6), ("manufacturing", 0.4)),
        (
            ("manufacturing", 0.5),
            ("fishing_crew", 0.2),
            ("plantation", 0.2),
            ("construction", 0.1),
        ),
        "Bahasa Jepang",
    ),
    Destination(
        "SG",
        4,
        0.95,
        "SGD",
        Decimal("12500"),
        (600, 850),
        (1_000, 1_800),
        10,
        (24,),
        (("domestic_worker", 0.85), ("caregiver", 0.15)),
        (("construction", 0.6), ("other", 0.4)),
        "Bahasa Inggris",
    ),
    Destination(
        "SA",
        3,
        0.90,
        "SAR",
        Decimal("4350"),
        (1_500, 1_800),
        (1_500, 2_500),
        50,
        (24,),
        (("domestic_worker", 1.0),),
        (("other", 1.0),),
        "Bahasa Arab",
    ),
    Destination(
        "AE",
        2,
        0.70,
        "AED",
        Decimal("4450"),
        (1_200, 1_800),
        (1_500, 2_500),
        50,
        (24,),
        (("domestic_worker", 0.7), ("hospitality", 0.3)),
        (("hospitality", 0.6), ("construction", 0.4)),
        "Bahasa Arab",
    ),
    Destination(
        "BN",
        2,
        0.50,
        "BND",
        Decimal("12500"),
        (350, 500),
        (500, 900),
        10,
        (24,),
        (("domestic_worker", 1.0),),
        (("construction", 1.0),),
        "Bahasa Melayu",
    ),
)
#: How many placements a person has had (about 70% one, 22% two, 8% three).
PLACEMENT_COUNTS = ((1, 70), (2, 22), (3, 8))
#: Share of people whose latest placement is still running (no return yet).
STILL_ABROAD_SHARE = 0.10
#: Chance that an earlier placement was in the same country as the next one.
SAME_COUNTRY_AGAIN = 0.5
#: Share of placements without an agency (P3MI): independent (mandiri) workers.
INDEPENDENT_SHARE = 0.08
RETURN_REASONS = (
    ("contract_completed", 0.75),
    ("early_termination", 0.12),
    ("case", 0.06),
    ("deported", 0.03),
    ("other", 0.04),
)
#: Years since the latest return: most came home recently, a few long ago.
LATEST_RETURN_YEARS = 15
AGENCIES = (
    "PT Sumber Rezeki Abadi",
    "PT Bina Tenaga Mandiri",
    "PT Jasa Karya Utama",
    "PT Mitra Sejahtera Global",
    "PT Putra Timur Jaya",
    "PT Amanah Insani",
    "PT Surya Citra Harapan",
    "PT Nusa Karya Bersama",
    "PT Graha Ayu Karsa",
    "PT Citra Bangun Persada",
)
OCCUPATIONS = {
    "domestic_worker": "Penata laksana rumah tangga",
    "caregiver": "Perawat lansia",
    "manufacturing": "Operator produksi",
    "construction": "Pekerja bangunan",
    "plantation": "Pekerja kebun sawit",
    "fishing_crew": "Anak buah kapal perikanan",
    "hospitality": "Pramusaji",
    "other": "Sopir keluarga",
}
#: Where the usual occupation of a sector reads wrong for the country.
OCCUPATIONS_BY_COUNTRY = {
    ("KR", "plantation"): "Pekerja pertanian",
    ("JP", "plantation"): "Pekerja pertanian",
    ("SA", "other"): "Sopir keluarga",
    ("SG", "other"): "Pekerja galangan kapal",
}
SECTOR_SKILLS = {
    "domestic_worker": ("Memasak", "Mengasuh anak", "Tata graha"),
    "caregiver": ("Merawat lansia", "Pertolongan pertama"),
    "manufacturing": ("Operasi mesin", "Pengendalian mutu", "Pengelasan"),
    "construction": ("Pengelasan", "Pemasangan besi"),
    "plantation": ("Perawatan kebun", "Budidaya tanaman"),
    "fishing_crew": ("Pengolahan ikan", "Keselamatan di laut"),
    "hospitality": ("Tata boga", "Pelayanan tamu"),
    "other": ("Mengemudi",),
}


@dataclass(frozen=True)
class Course:
    title: str
    kind: str
    stage: str
    organiser: str
    days: tuple[int, int]
    #: The first year the programme ran (Desmigratif 2017, Migran Center 2025).
    since: int = 1990


PRE_DEPARTURE = Course(
    "Orientasi Pra Pemberangkatan", "pre_departure", "before_departure", "BP3MI", (1, 3)
)
CAREGIVER_COURSE = Course(
    "Pelatihan Caregiver",
    "vocational",
    "before_departure",
    "LPK Bina Insani",
    (60, 120),
)
AFTER_RETURN_COURSES = (
    Course(
        "Kelas Wirausaha Purna PMI",
        "entrepreneurship",
        "after_return",
        "Disnaker",
        (2, 5),
    ),
    Course(
        "Pelatihan Desmigratif: usaha produktif",
        "desmigratif",
        "after_return",
        "Kemnaker Desmigratif",
        (3, 7),
        since=2017,
    ),
    Course(
        "Sekolah Bisnis Migran Center",
        "migran_center",
        "after_return",
        "Migran Center",
        (5, 10),
        since=2025,
    ),
)
_EDUCATION = (
    ("sd", 0.30),
    ("smp", 0.38),
    ("sma", 0.27),
    ("diploma", 0.03),
    ("none", 0.01),
    ("bachelor", 0.01),
)
_MARITAL = (("married", 0.62), ("single", 0.2), ("divorced", 0.14), ("widowed", 0.04))
_MOBILE_PREFIXES = (
    "811",
    "812",
    "813",
    "821",
    "822",
    "823",
    "852",
    "853",
    "857",
    "858",
    "877",
    "878",
    "881",
    "895",
    "896",
)
#: Kecamatan of Kabupaten Malang by Kemendagri code (the NIK's digits 5-6). Other
#: regencies get a random district code from 01 to 40 and no district name.
DISTRICTS = {
    "35.07": {
        "01": "Donomulyo",
        "02": "Pagak",
        "03": "Bantur",
        "04": "Sumbermanjing Wetan",
        "05": "Dampit",
        "06": "Ampelgading",
        "07": "Poncokusumo",
        "08": "Wajak",
        "09": "Turen",
        "10": "Gondanglegi",
        "11": "Kalipare",
        "12": "Sumberpucung",
        "13": "Kepanjen",
        "14": "Bululawang",
        "15": "Tajinan",
        "16": "Tumpang",
        "17": "Jabung",
        "18": "Pakis",
        "19": "Pakisaji",
        "20": "Ngajum",
        "21": "Wagir",
        "22": "Dau",
        "23": "Karangploso",
        "24": "Singosari",
        "25": "Lawang",
        "26": "Pujon",
        "27": "Ngantang",
        "28": "Kasembon",
        "29": "Gedangan",
        "30": "Tirtoyudo",
        "31": "Kromengan",
        "32": "Wonosari",
        "33": "Pagelaran",
    },
}
_RANDOM_DISTRICTS = 40
_LAST_SERIAL = 9999


class _Choice(Generic[T]):
    """A weighted draw that costs one ``random()`` (``rng.choices`` builds lists)."""

    def __init__(self, options: Iterable[tuple[T, float]]) -> None:
        pairs = list(options)
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.last = len(pairs) - 1

    def __call__(self, rng: random.Random) -> T:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.values[min(index, self.last)]


class _NamePool:
    """Plain Indonesian given and family names (Faker's ``name()`` adds titles)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        people = IndonesianNames
        family = people.last_names
        self.given = {True: people.first_names_female, False: people.first_names_male}
        self.family = {
            True: getattr(people, "last_names_female", family),
            False: getattr(people, "last_names_male", family),
        }

    def draw(self, female: bool) -> str:
        given = self.rng.choice(self.given[female])
        return f"{given} {self.rng.choice(self.family[female])}"


class SyntheticPeople:
    """Draws plausible returnees with their journeys; same seed, same people.

    Each person is a dict of ``Returnee`` columns (keys starting with ``_`` are the
    generator's own); :meth:`placements` and :meth:`trainings` give dicts of
    ``Placement`` and ``Training`` columns. NIK serials count up per NIK prefix,
    skipping those already stored, so generated NIKs never collide with stored ones
    or with each other. Needs an app context (the consent
    text is rendered in the default language).
    """

    def __init__(self, session: Session, seed: int, as_of: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.as_of = min(as_of or DATA_AS_OF, clock.today())
        self.names = _NamePool(self.rng)
        # NIKs are stored only hashed: a candidate is checked against the hashes.
        self.vault = vault.current()
        self.taken = set(session.scalars(select(Returnee.nik_hash)))
        self.next_serial: dict[str, int] = {}
        by_province: dict[str, list[str]] = {}
        self.regency_names: dict[str, str] = {}
        for code, province, name in session.execute(
            select(Regency.code, Regency.province_code, Regency.name).order_by(
                Regency.code
            )
        ):
            by_province.setdefault(province, []).append(code)
            self.regency_names[code] = name
        self.by_province = by_province
        others = [p for p in sorted(by_province) if p not in ORIGIN_WEIGHTS]
        share = OTHER_PROVINCES_WEIGHT / len(others)
        self._province = _Choice(
            [*ORIGIN_WEIGHTS.items(), *((p, share) for p in others)]
        )
        total = sum(d.weight for d in DESTINATIONS)
        #: Women's share of people: the destinations' shares weighted by placements.
        self.share_women = sum(d.weight * d.share_women for d in DESTINATIONS) / total
        # A person's sex comes first; every destination is then drawn given the sex,
        # which keeps both the destination mix and each country's share of women.
        self._destination = {
            True: _Choice((d, d.weight * d.share_women) for d in DESTINATIONS),
            False: _Choice((d, d.weight * (1 - d.share_women)) for d in DESTINATIONS),
        }
        self._sector = {
            (d.country, female): _Choice(d.sectors_women if female else d.sectors_men)
            for d in DESTINATIONS
            for female in (True, False)
        }
        self._count = _Choice(PLACEMENT_COUNTS)
        self._reason = _Choice(RETURN_REASONS)
        self._education = _Choice(_EDUCATION)
        self._marital = _Choice(_MARITAL)
        self._named_districts = {r: tuple(d.items()) for r, d in DISTRICTS.items()}
        with force_locale("id"):  # the paper form's words
            self.consent_wording = {
                purpose: str(consent_rules.WORDING[purpose])
                for purpose in SYNTHETIC_CONSENTS
            }
        self.now = utcnow()

    # People ---------------------------------------------------------------------

    def _district(self, regency: str) -> tuple[str, str | None]:
        named = self._named_districts.get(regency)
        if named:
            return self.rng.choice(named)
        return f"{self.rng.randint(1, _RANDOM_DISTRICTS):02d}", None

    def _nik(self, regency: str, born: date, female: bool) -> tuple[str, str | None]:
        """A unique NIK for the person, and the district it names."""
        day = born.day + (FEMALE_DAY_OFFSET if female else 0)
        tail = f"{day:02d}{born.month:02d}{born.year % 100:02d}"
        for _ in range(100):
            code, district = self._district(regency)
            prefix = f"{regency[:2]}{regency[3:]}{code}{tail}"
            serial = self.next_serial.get(prefix, 1)
            while serial <= _LAST_SERIAL and (
                self.vault.lookup_hash(f"{prefix}{serial:04d}") in self.taken
            ):
                serial += 1
            if serial <= _LAST_SERIAL:
                self.next_serial[prefix] = serial + 1
                return f"{prefix}{serial:04d}", district
            # That district has no serials left for this birth date: try another.
        raise RuntimeError(f"No NIK serials left for {regency} and {born}.")

    def person(self, regency: str | None = None) -> dict[str, Any]:
        rng = self.rng
        female = rng.random() < self.share_women
        if regency is None:
            regency = rng.choice(self.by_province[self._province(rng)])
        journey = self._journey(female)
        # Aged 19 to 38 at the first departure (the legal minimum is 18).
        first_departure = journey[0]["departure_date"]
        born = first_departure - timedelta(days=rng.randint(19 * 365, 38 * 365))
        nik, district = self._nik(regency, born, female)
        marital = self._marital(rng)
        if marital == "single":
            dependants = 0 if rng.random() < 0.8 else rng.randint(1, 2)  # parents
        else:
            dependants = rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4, 5))
        digits = rng.choice((7, 8, 8, 8, 9))
        phone = f"+62{rng.choice(_MOBILE_PREFIXES)}"
        phone += str(rng.randrange(10 ** (digits - 1), 10**digits))
        return {
            "nik": nik,
            "full_name": self.names.draw(female),
            "sex": "F" if female else "M",
            "birth_date": born,
            "phone": phone,
            "province_code": regency[:2],
            "regency_code": regency,
            "district": district,
            "village": None,
            "education": self._education(rng),
            "marital_status": marital,
            "dependants": dependants,
            "_placements": journey,
        }

    # Journeys -------------------------------------------------------------------

    def _journey(self, female: bool) -> list[dict[str, Any]]:
        """Placements, drawn from the latest back, so that none is in the future."""
        rng = self.rng
        destination = self._destination[female](rng)
        still_abroad = rng.random() < STILL_ABROAD_SHARE
        later = self.as_of  # the departure of the next placement, or the as-of day
        rows: list[dict[str, Any]] = []
        for index in range(self._count(rng)):
            if index and rng.random() >= SAME_COUNTRY_AGAIN:
                destination = self._destination[female](rng)
            months = rng.choice(destination.contract_months)
            if index == 0 and still_abroad:
                departure = later - timedelta(days=rng.randint(14, months * 30))
                rows.append(self._placement(destination, female, departure, months))
            else:
                if index == 0:  # home since: recent returns are the most common
                    since = rng.triangular(0, LATEST_RETURN_YEARS * 365, 0)
                else:  # home between two placements for two months to two years
                    since = rng.randint(60, 720)
                back = later - timedelta(days=int(since))
                reason = self._reason(rng)
                served = (
                    months
                    if reason == "contract_completed"
                    else rng.randint(1, months - 1)
                )
                departure = back - timedelta(days=served * 30 + rng.randint(0, 14))
                rows.append(
                    self._placement(
                        destination, female, departure, months, back, reason
                    )
                )
            later = departure
        rows.reverse()
        return rows

    def _placement(
        self,
        destination: Destination,
        female: bool,
        departure: date,
        months: int,
        back: date | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        rng = self.rng
        country = destination.country
        sector = self._sector[country, female](rng)
        care = sector in ("domestic_worker", "caregiver")
        low, high = destination.salary_care if care else destination.salary_other
        step = destination.salary_step
        salary = Decimal(low + step * rng.randint(0, (high - low) // step))
        salary_idr = int(salary * destination.idr_per_unit)
        months_worked = max(((back or self.as_of) - departure).days // 30, 1)
        earned = salary_idr * months_worked
        independent = rng.random() < INDEPENDENT_SHARE
        skills = None
        if rng.random() < 0.5:
            found = [destination.language, rng.choice(SECTOR_SKILLS[sector])]
            skills = ", ".join(s for s in found if s)
        return {
            "country_code": country,
            "sector": sector,
            "occupation": OCCUPATIONS_BY_COUNTRY.get((country, sector))
            or OCCUPATIONS[sector],
            "agency_name": None if independent else rng.choice(AGENCIES),
            "is_independent": independent,
            "departure_date": departure,
            "contract_months": months,
            "return_date": back,
            "return_reason": reason,
            "salary_foreign": salary,
            "salary_currency": destination.currency,
            "salary_idr": salary_idr,
            # Integer rupiah: a share of the earnings sent home, and kept.
            "remittances_idr": earned * rng.randint(35, 70) // 100,
            "savings_idr": None if back is None else earned * rng.randint(3, 20) // 100,
            "skills": skills,
        }

    def placements(self, person: dict[str, Any]) -> list[dict[str, Any]]:
        """The person's placements abroad, earliest first (at least one)."""
        return person["_placements"]

    def trainings(
        self, person: dict[str, Any], placements: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Courses before the first departure and after the latest return, if any."""
        rng = self.rng
        rows = []
        first = placements[0]
        if rng.random() < 0.4:
            rows.append(self._before(PRE_DEPARTURE, first["departure_date"]))
        if first["sector"] == "caregiver" and rng.random() < 0.5:
            rows.append(self._before(CAREGIVER_COURSE, first["departure_date"]))
        back = placements[-1]["return_date"]
        if back is not None and rng.random() < 0.3:
            start = back + timedelta(days=rng.randint(30, 700))
            if start <= self.as_of:
                open_then = [c for c in AFTER_RETURN_COURSES if c.since <= start.year]
                course = rng.choice(open_then)
                organiser = course.organiser
                if course.kind == "entrepreneurship":
                    regency = self.regency_names.get(person["regency_code"], "")
                    organiser = f"{organiser} {regency}".strip()
                end = start + timedelta(days=rng.randint(*course.days) - 1)
                rows.append(
                    self._training(course, start, min(end, self.as_of), organiser)
                )
        rows.sort(key=itemgetter("start_date"))
        return rows

    def _before(self, course: Course, departure: date) -> dict[str, Any]:
        end = departure - timedelta(days=self.rng.randint(5, 45))
        start = end - timedelta(days=self.rng.randint(*course.days) - 1)
        return self._training(course, start, end, course.organiser)

    @staticmethod
    def _training(
        course: Course, start: date, end: date, organiser: str
    ) -> dict[str, Any]:
        return {
            "title": course.title,
            "kind": course.kind,
            "stage": course.stage,
            "organiser": organiser,
            "start_date": start,
            "end_date": end,
            "certificate": None,
        }


def fields_of(cls: Any, row: dict[str, Any]) -> dict[str, Any]:
    return {f.name: row[f.name] for f in fields(cls) if f.name in row}
