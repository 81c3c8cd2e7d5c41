"""Demo accounts and deterministic synthetic people.

``seed_demo`` makes one account per role and a small, realistic data set through the
registry services (so every row is checked and audited); ``generate_returnees``
bulk-inserts N synthetic returnees with their placements abroad and trainings, for
load and dashboard work.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any, Generic, TypeVar

from faker.providers.person.id_ID import Provider as IndonesianNames
from flask import current_app
from psycopg.types.json import Json
from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from juragan import clock, scope, summaries, vault
from juragan.audit import Actor, acting_as
from juragan.identifiers import FEMALE_DAY_OFFSET
from juragan.models import (
    Business,
    BusinessPlan,
    BusinessReport,
    BusinessStatusChange,
    CapitalItem,
    FundingSource,
    Instalment,
    LoanApplication,
    LoanCheck,
    LoanTransition,
    Payment,
    Placement,
    PlanVersion,
    ProjectionMonth,
    Regency,
    Returnee,
    Role,
    Training,
    User,
    Visit,
    WellbeingCheck,
    utcnow,
)
from juragan.models.dashboard import SUMMARY_MODELS
from juragan.seeding_loans import (
    DESK_CASES,
    loan_rows,
    seed_demo_desk,
    seed_demo_loans,
    seed_demo_placement_loan,
)
from juragan.seeding_mentoring import seed_demo_visits, visit_rows
from juragan.seeding_plans import (
    content_of_drawn,
    synthetic_nib,
    synthetic_plan,
    write_through_services,
)
from juragan.services import plans, registry
from juragan.services.accounts import AccountData, branch_for, create_account
from juragan.services.registry import (
    CONSENT_PURPOSE,
    CONSENT_VERSION,
    PlacementData,
    ProfileData,
    TrainingData,
)

T = TypeVar("T")

DEMO_PASSWORD = "juragan-demo-2026"  # noqa: S105 - shown in the README on purpose

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
    Destination("TW", 30, 0.60, "TWD", Decimal("510"), (17_000, 20_000),
                (25_250, 28_590), 10, (36,),
                (("caregiver", 0.65), ("domestic_worker", 0.25), ("manufacturing", 0.1)),
                _FACTORY, "Bahasa Mandarin"),
    Destination("MY", 26, 0.45, "MYR", Decimal("3700"), (1_200, 1_800), (1_500, 2_200),
                50, (24,),
                (("domestic_worker", 0.6), ("manufacturing", 0.3), ("hospitality", 0.1)),
                (("plantation", 0.6), ("construction", 0.3), ("manufacturing", 0.1)),
                "Bahasa Melayu"),
    Destination("HK", 24, 0.98, "HKD", Decimal("2100"), (4_110, 5_100), (5_000, 8_000),
                10, (24,), _HOUSEHOLD, (("other", 1.0),), "Bahasa Kanton"),
    Destination("KR", 5, 0.10, "KRW", Decimal("11.5"), (2_060_000, 2_400_000),
                (2_060_000, 2_800_000), 10_000, (58,), (("manufacturing", 1.0),),
                (("manufacturing", 0.7), ("fishing_crew", 0.15), ("plantation", 0.15)),
                "Bahasa Korea"),
    Destination("JP", 4, 0.25, "JPY", Decimal("108"), (170_000, 220_000),
                (170_000, 240_000), 1_000, (36, 60),
                (("caregiver", 0.6), ("manufacturing", 0.4)),
                (("manufacturing", 0.5), ("fishing_crew", 0.2), ("plantation", 0.2),
                 ("construction", 0.1)),
                "Bahasa Jepang"),
    Destination("SG", 4, 0.95, "SGD", Decimal("12500"), (600, 850), (1_000, 1_800), 10,
                (24,), (("domestic_worker", 0.85), ("caregiver", 0.15)),
                (("construction", 0.6), ("other", 0.4)), "Bahasa Inggris"),
    Destination("SA", 3, 0.90, "SAR", Decimal("4350"), (1_500, 1_800), (1_500, 2_500),
                50, (24,), (("domestic_worker", 1.0),), (("other", 1.0),),
                "Bahasa Arab"),
    Destination("AE", 2, 0.70, "AED", Decimal("4450"), (1_200, 1_800), (1_500, 2_500),
                50, (24,), (("domestic_worker", 0.7), ("hospitality", 0.3)),
                (("hospitality", 0.6), ("construction", 0.4)), "Bahasa Arab"),
    Destination("BN", 2, 0.50, "BND", Decimal("12500"), (350, 500), (500, 900), 10,
                (24,), (("domestic_worker", 1.0),), (("construction", 1.0),),
                "Bahasa Melayu"),
)  # fmt: skip
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
    "PT Sumber Rezeki Abadi", "PT Bina Tenaga Mandiri", "PT Jasa Karya Utama",
    "PT Mitra Sejahtera Global", "PT Putra Timur Jaya", "PT Amanah Insani",
    "PT Surya Citra Harapan", "PT Nusa Karya Bersama", "PT Graha Ayu Karsa",
    "PT Citra Bangun Persada",
)  # fmt: skip
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
    Course("Kelas Wirausaha Purna PMI", "entrepreneurship", "after_return",
           "Disnaker", (2, 5)),
    Course("Pelatihan Desmigratif: usaha produktif", "desmigratif", "after_return",
           "Kemnaker Desmigratif", (3, 7), since=2017),
    Course("Sekolah Bisnis Migran Center", "migran_center", "after_return",
           "Migran Center", (5, 10), since=2025),
)  # fmt: skip
_EDUCATION = (("sd", 0.30), ("smp", 0.38), ("sma", 0.27), ("diploma", 0.03),
              ("none", 0.01), ("bachelor", 0.01))  # fmt: skip
_MARITAL = (("married", 0.62), ("single", 0.2), ("divorced", 0.14), ("widowed", 0.04))
_MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "823", "852", "853", "857",
                    "858", "877", "878", "881", "895", "896")  # fmt: skip
#: Kecamatan of Kabupaten Malang by Kemendagri code (the NIK's digits 5-6). Other
#: regencies get a random district code from 01 to 40 and no district name.
DISTRICTS = {
    "35.07": {
        "01": "Donomulyo", "02": "Pagak", "03": "Bantur", "04": "Sumbermanjing Wetan",
        "05": "Dampit", "06": "Ampelgading", "07": "Poncokusumo", "08": "Wajak",
        "09": "Turen", "10": "Gondanglegi", "11": "Kalipare", "12": "Sumberpucung",
        "13": "Kepanjen", "14": "Bululawang", "15": "Tajinan", "16": "Tumpang",
        "17": "Jabung", "18": "Pakis", "19": "Pakisaji", "20": "Ngajum", "21": "Wagir",
        "22": "Dau", "23": "Karangploso", "24": "Singosari", "25": "Lawang",
        "26": "Pujon", "27": "Ngantang", "28": "Kasembon", "29": "Gedangan",
        "30": "Tirtoyudo", "31": "Kromengan", "32": "Wonosari", "33": "Pagelaran",
    },
}  # fmt: skip
_RANDOM_DISTRICTS = 40
_LAST_SERIAL = 9999


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    full_name: str
    province: str | None = None
    regency: str | None = None
    #: A bank officer's lender and the name of their branch.
    lender: str | None = None
    branch: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.ADMIN, "Admin Juragan"),
    DemoAccount("pejabat.pusat", Role.OFFICIAL, "Bambang Wicaksono"),
    DemoAccount("pejabat", Role.OFFICIAL, "Rina Kusumawati", "35"),
    DemoAccount("pejabat.malang", Role.OFFICIAL, "Agus Santoso", "35", "35.07"),
    DemoAccount("pemantau", Role.OBSERVER, "Hendra Wijaya", "35"),
    DemoAccount(
        "bank",
        Role.BANK_OFFICER,
        "Dewi Lestari",
        "35",
        lender="bri",
        branch="BRI Kantor Wilayah Surabaya",
    ),
    # A second officer of each demo lender: approvals over an exception take two.
    DemoAccount(
        "bank.kedua",
        Role.BANK_OFFICER,
        "Andi Firmansyah",
        "35",
        lender="bri",
        branch="BRI Kantor Wilayah Surabaya",
    ),
    DemoAccount(
        "bank.jatim",
        Role.BANK_OFFICER,
        "Yudi Prasetyo",
        "35",
        lender="bpd_jatim",
        branch="Bank Jatim Kantor Pusat Surabaya",
    ),
    DemoAccount(
        "bank.jatim.kedua",
        Role.BANK_OFFICER,
        "Lina Marlina",
        "35",
        lender="bpd_jatim",
        branch="Bank Jatim Kantor Pusat Surabaya",
    ),
    DemoAccount("pendamping", Role.MENTOR, "Siti Rahmawati", "35", "35.07"),
    DemoAccount("purna", Role.RETURNEE, "Sri Wahyuni"),
)


def database_is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) == 0


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
        self.consent_text = str(CONSENT_PURPOSE)
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
            "consent_at": self.now,
            "consent_version": CONSENT_VERSION,
            "consent_purpose": self.consent_text,
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


def _fields(cls: Any, row: dict[str, Any]) -> dict[str, Any]:
    return {f.name: row[f.name] for f in fields(cls) if f.name in row}


# Demo data ----------------------------------------------------------------------

SRI = ProfileData(
    nik="3507135403880007",  # Kepanjen (13), born 14-03-88, female (14 + 40)
    full_name="Sri Wahyuni",
    sex="F",
    birth_date=date(1988, 3, 14),
    phone="+6281234567890",
    province_code="35",
    regency_code="35.07",
    district="Kepanjen",
    village="Talangagung",
    education="smp",
    marital_status="married",
    dependants=2,
)
SRI_PLACEMENTS = (
    PlacementData(country_code="HK", sector="domestic_worker",
                  occupation="Penata laksana rumah tangga",
                  agency_name="PT Sumber Rezeki Abadi", departure_date=date(2012, 4, 2),
                  contract_months=24, return_date=date(2014, 4, 20),
                  return_reason="contract_completed", salary_foreign=Decimal("3740"),
                  salary_currency="HKD", salary_idr=7_854_000,
                  remittances_idr=121_000_000, savings_idr=25_000_000,
                  skills="Memasak, Bahasa Kanton"),
    PlacementData(country_code="TW", sector="caregiver", occupation="Perawat lansia",
                  agency_name="PT Bina Tenaga Mandiri", departure_date=date(2015, 1, 10),
                  contract_months=36, return_date=date(2018, 1, 15),
                  return_reason="contract_completed", salary_foreign=Decimal("15840"),
                  salary_currency="TWD", salary_idr=8_078_400,
                  remittances_idr=190_000_000, savings_idr=60_000_000,
                  skills="Merawat lansia, Bahasa Mandarin dasar"),
)  # fmt: skip
SRI_TRAININGS = (
    TrainingData(title="Orientasi Pra Pemberangkatan", kind="pre_departure",
                 stage="before_departure", organiser="BP3MI Jawa Timur",
                 start_date=date(2012, 3, 12), end_date=date(2012, 3, 14)),
    TrainingData(title="Pelatihan Desmigratif: usaha produktif", kind="desmigratif",
                 stage="after_return", organiser="Disnaker Kabupaten Malang",
                 start_date=date(2018, 6, 4), end_date=date(2018, 6, 8),
                 certificate="No. 112/DSM/VI/2018"),
)  # fmt: skip


def _copy(data: T) -> T:
    """A fresh copy: the services normalise what they are given in place."""
    return type(data)(**vars(data))


def seed_sri_plan(
    session: Session, sri: Returnee, author: User, mentor: User, now: datetime
) -> None:
    """Sri's warung plan: submitted by her, in review with her mentor's comments."""
    today = clock.today(now)
    plan = plans.create_plan(session, author, sri, "Warung Makan Bu Sri", "culinary")
    plans.save_section(
        session,
        plan,
        "business",
        {
            "business_name": "Warung Makan Bu Sri",
            "legal_form": "individual",
            "sector": "culinary",
            "kbli_code": "56101",
            "province_code": "35",
            "regency_code": "35.07",
            "district": "Kepanjen",
            "planned_start": date(2027, 2, 1),
            "description": "Nasi campur, soto ayam dan masakan Taiwan sederhana "
            "(mi goreng, bakpao) yang saya pelajari selama bekerja di Taichung.",
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "market",
        {
            "target_market": "Pekerja pabrik rokok dan pasar Kepanjen, sekitar 40 "
            "pembeli per hari.",
            "competitors": "Tiga warung nasi di jalan yang sama; belum ada yang "
            "menjual masakan Taiwan.",
            "marketing": "Grup WhatsApp paguyuban Purna PMI, papan nama, GoFood.",
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "operations",
        {
            "operations": "Buka 06.00-15.00, belanja ke pasar setiap pagi, dibantu "
            "adik saya.",
            "suppliers": "Pasar Kepanjen; ayam dari peternak tetangga.",
            "equipment": "Gerobak etalase, kompor dua tungku, lemari es, meja kursi.",
            "workers_planned": 1,
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "risks",
        {
            "risks": "Harga cabai dan ayam naik: menu harian disesuaikan. Sakit: adik "
            "bisa menjalankan warung.",
        },
        today,
    )
    plans.save_capital(
        session,
        plan,
        [
            plans.LineItem("investment", "Gerobak etalase dan kompor", 9_000_000),
            plans.LineItem("investment", "Lemari es dan meja kursi", 6_000_000),
            plans.LineItem(
                "working_capital", "Bahan baku dan sewa 6 bulan", 10_000_000
            ),
        ],
    )
    plans.save_funding(
        session,
        plan,
        [
            plans.LineItem("own_savings", "Tabungan dari Taiwan", 15_000_000),
            plans.LineItem("kur", "KUR Mikro", 10_000_000),
        ],
        24,
        plans.DEFAULT_KUR_RATE,
    )
    plans.save_projection(
        session,
        plan,
        12,
        plans.fill_months(
            plans.MonthInput(6_000_000, 3_000_000, 1_200_000, 1_000_000), Decimal(5), 12
        ),
    )
    plans.submit_plan(session, author, plan, now)
    plans.add_comment(
        session,
        mentor,
        plan,
        "market",
        "Bagus. Tambahkan harga jual per porsi dan berapa porsi per hari.",
        now,
    )
    plans.add_comment(
        session,
        mentor,
        plan,
        "risks",
        "Apa rencana Bu Sri kalau ada warung baru yang menjual menu serupa?",
        now,
    )
    # fmt: skip


def seed_demo(
    session: Session, seed: int = 2026, uploads: str | None = None
) -> dict[str, User]:
    """Create the demo accounts and 41 returnees around them (flushes, audited).

    Everything goes through the registry services, so the demo data passes the
    same checks as data entered in the app.
    """
    with scope.system("seeding"):
        return _seed_demo(session, seed, uploads)


def _seed_demo(session: Session, seed: int, uploads: str | None) -> dict[str, User]:
    users: dict[str, User] = {}
    today = clock.today()
    with acting_as(Actor(None, "seed-demo")):
        for account in DEMO_ACCOUNTS:
            branch = (
                branch_for(session, account.lender, account.province, account.branch)
                if account.lender and account.province
                else None
            )
            users[account.username] = create_account(
                session,
                AccountData(
                    username=account.username,
                    full_name=account.full_name,
                    role=account.role,
                    scope_province_code=account.province,
                    scope_regency_code=account.regency,
                    lender_branch_id=branch.id if branch else None,
                ),
                DEMO_PASSWORD,
            )
        mentor, official = users["pendamping"], users["pejabat.malang"]
        now = utcnow()
        consent = str(CONSENT_PURPOSE)
        # Sri: registered by her mentor, signed up since, NIK checked by an official.
        sri = registry.register_returnee(
            session, mentor, _copy(SRI), consent=True, consent_text=consent, now=now,
            user=users["purna"],
        )  # fmt: skip
        registry.verify_nik(session, official, sri, now)
        for placement in SRI_PLACEMENTS:
            registry.add_placement(session, sri, _copy(placement), today)
        for training in SRI_TRAININGS:
            registry.add_training(session, sri, _copy(training), today)
        # Others: 12 more in Kab. Malang (the mentor's caseload), 20 elsewhere in
        # East Java, and 8 in Central Java and NTB so that scoping shows.
        people = SyntheticPeople(session, seed)
        rng = people.rng
        jatim = [code for code in people.by_province["35"] if code != "35.07"]
        elsewhere = people.by_province["33"] + people.by_province["52"]
        for index in range(40):
            if index < 12:
                regency, registrar = (
                    "35.07",
                    mentor,
                )  # a mentor's entries join their caseload
            elif index < 32:
                regency, registrar = rng.choice(jatim), users["pejabat"]
            else:
                regency, registrar = rng.choice(elsewhere), users["admin"]
            row = people.person(regency)
            returnee = registry.register_returnee(
                session,
                registrar,
                ProfileData(**_fields(ProfileData, row)),
                consent=True,
                consent_text=row["consent_purpose"],
                now=now,
                confirmed_not_duplicate=True,  # synthetic names may repeat
            )
            placements = people.placements(row)
            for placement in placements:
                registry.add_placement(
                    session, returnee, PlacementData(**placement), today
                )
            for training in people.trainings(row, placements):
                registry.add_training(
                    session, returnee, TrainingData(**training), today
                )
            # Plans in East Java: the mentor writes with the caseload; the
            # provincial office entered the others from paper forms.
            drawn = synthetic_plan(rng, row, placements, today) if index < 32 else None
            if drawn is not None:
                write_through_services(
                    session, registrar, registrar, returnee, drawn, now, index + 1
                )
        seed_sri_plan(session, sri, users["purna"], mentor, now)
        session.flush()
        storage = uploads or current_app.config["UPLOAD_FOLDER"]
        seed_demo_loans(session, users, rng, today, storage)
        # The lender's desk: people of the mentor's caseload whose plans are ready
        # and whose businesses run, each with an application to BRI in one state
        # of its work queue.
        desk = []
        for attempt in range(400):
            if len(desk) == len(DESK_CASES):
                break
            row = people.person("35.07")
            placements = people.placements(row)
            drawn = synthetic_plan(rng, row, placements, today)
            if drawn is None or not any(kind == "kur" for kind, *_ in drawn["funding"]):
                continue
            drawn["plan"]["status"] = "ready"
            if drawn["business"] is None or drawn["business"]["status"] != "operating":
                continue
            drawn["business"]["opened_on"] = min(drawn["business"]["opened_on"],
                                                 today - timedelta(days=400))  # fmt: skip
            drawn["changes"] = []
            returnee = registry.register_returnee(
                session, mentor, ProfileData(**_fields(ProfileData, row)), consent=True,
                consent_text=row["consent_purpose"], now=now, confirmed_not_duplicate=True,
            )  # fmt: skip
            for placement in placements:
                registry.add_placement(
                    session, returnee, PlacementData(**placement), today
                )
            desk.append(write_through_services(session, mentor, mentor, returnee, drawn,
                                               now, 100 + attempt))  # fmt: skip
        seed_demo_desk(session, users, desk, today, storage)
        seed_demo_placement_loan(session, users, rng, today, storage)
        seed_demo_visits(session, users, rng, today, storage)
        session.flush()
    return users


# Bulk generation ----------------------------------------------------------------

_RETURNEE_COLUMNS = (
    "id", "nik_ciphertext", "nik_hash", "full_name", "sex", "birth_date", "phone", "province_code",
    "regency_code", "district", "village", "education", "marital_status", "dependants",
    "consent_at", "consent_version", "consent_purpose", "created_at", "updated_at",
)  # fmt: skip
_PLACEMENT_COLUMNS = (
    "id", "returnee_id", "country_code", "sector", "occupation", "agency_name",
    "is_independent", "departure_date", "contract_months", "return_date",
    "return_reason", "salary_foreign", "salary_currency", "salary_idr",
    "remittances_idr", "savings_idr", "skills", "created_at", "updated_at",
)  # fmt: skip
_TRAINING_COLUMNS = (
    "id", "returnee_id", "title", "kind", "stage", "organiser", "start_date",
    "end_date", "certificate", "created_at", "updated_at",
)  # fmt: skip
_PLAN_COLUMNS = (
    "id", "returnee_id", "is_active", "status", "is_revised", "business_name",
    "legal_form", "sector", "kbli_section", "kbli_code", "province_code",
    "regency_code", "district", "planned_start", "description", "target_market", "competitors",
    "marketing", "operations", "suppliers", "equipment", "workers_planned", "risks",
    "projection_months", "kur_tenor_months", "kur_rate_percent", "created_at",
    "updated_at",
)  # fmt: skip
_LINE_COLUMNS = ("id", "plan_id", "position", "kind", "description", "amount_idr")
_MONTH_COLUMNS = (
    "plan_id", "month", "sales_idr", "cogs_idr", "operating_costs_idr",
    "owner_draw_idr",
)  # fmt: skip
_VERSION_COLUMNS = ("id", "plan_id", "number", "submitted_at", "content")
_BUSINESS_COLUMNS = (
    "id", "returnee_id", "plan_id", "name", "legal_form", "sector", "kbli_section",
    "kbli_code", "province_code", "regency_code", "district", "opened_on", "nib",
    "workers_family", "workers_paid", "status", "status_since", "created_at",
    "updated_at",
)  # fmt: skip
_CHANGE_COLUMNS = (
    "id", "business_id", "from_status", "to_status", "changed_on", "close_reason",
    "recorded_at",
)  # fmt: skip
_LOAN_COLUMNS = (
    "id", "returnee_id", "kind", "business_id", "plan_id", "placement_id", "lender",
    "scheme", "rule_set", "purpose", "amount_requested_idr", "tenor_months",
    "access_number", "rate_percent", "has_npwp", "npwp_ciphertext", "npwp_hash",
    "other_credit_mask", "rate_province_code", "business_slot",
    "interest_only_months", "status", "applied_on", "submitted_at", "decided_at",
    "decision_reason", "amount_disbursed_idr", "akad_on", "disbursed_on",
    "first_due_on", "is_sikp_registered", "created_at", "updated_at",
    "status_changed_at",
)  # fmt: skip
_CHECK_COLUMNS = (
    "id", "loan_id", "kind", "result", "worst_collectibility", "reference", "reason",
    "note", "checked_on", "recorded_at",
)  # fmt: skip
_TRANSITION_COLUMNS = ("id", "loan_id", "from_status", "to_status", "at", "reason")
_INSTALMENT_COLUMNS = (
    "loan_id", "number", "due_on", "principal_idr", "interest_idr",
    "paid_principal_idr", "paid_interest_idr", "settled_on",
)  # fmt: skip
_PAYMENT_COLUMNS = (
    "id",
    "loan_id",
    "paid_on",
    "amount_idr",
    "reference",
    "recorded_at",
)
_VISIT_COLUMNS = (
    "id", "returnee_id", "business_id", "mentor_id", "visited_on", "mode",
    "duration_minutes", "location_consent", "latitude", "longitude", "topics",
    "observations", "business_status", "revenue_last_month_idr", "workers_family",
    "workers_paid", "problems", "next_visit_on", "idempotency_key", "created_at",
)  # fmt: skip
_REPORT_COLUMNS = (
    "id", "business_id", "month", "source", "status", "revenue_idr", "workers_family",
    "workers_paid", "visit_id", "reported_at",
)  # fmt: skip
_WELLBEING_COLUMNS = (
    "id", "returnee_id", "visit_id", "taken_on", "answers", "economic", "social",
    "psychosocial", "overall",
)  # fmt: skip
#: In insertion order: every table after the ones it points at.
_TABLES = (
    (Returnee, _RETURNEE_COLUMNS), (Placement, _PLACEMENT_COLUMNS),
    (Training, _TRAINING_COLUMNS), (BusinessPlan, _PLAN_COLUMNS),
    (CapitalItem, _LINE_COLUMNS), (FundingSource, _LINE_COLUMNS),
    (ProjectionMonth, _MONTH_COLUMNS), (PlanVersion, _VERSION_COLUMNS),
    (Business, _BUSINESS_COLUMNS), (BusinessStatusChange, _CHANGE_COLUMNS),
    (LoanApplication, _LOAN_COLUMNS), (LoanTransition, _TRANSITION_COLUMNS),
    (Instalment, _INSTALMENT_COLUMNS), (Payment, _PAYMENT_COLUMNS),
    (LoanCheck, _CHECK_COLUMNS),
    (Visit, _VISIT_COLUMNS), (BusinessReport, _REPORT_COLUMNS),
    (WellbeingCheck, _WELLBEING_COLUMNS),
)  # fmt: skip
_LOAN_MODELS = {"loan": LoanApplication, "transition": LoanTransition,
                "instalment": Instalment, "payment": Payment, "check": LoanCheck,
                "visit": Visit, "report": BusinessReport,
                "wellbeing": WellbeingCheck}  # fmt: skip
#: Tables whose rows carry their own id (the projection's key is plan and month).
_WITH_IDS = tuple(model for model, columns in _TABLES if columns[0] == "id")


def _write(
    connection: Connection, model: Any, columns: Sequence[str], rows: list[dict]
) -> None:
    """COPY on PostgreSQL (psycopg 3 escapes and adapts), multi-row INSERT elsewhere."""
    if not rows:
        return
    table = model.__table__
    if "disclosure_key" in table.c and "disclosure_key" not in columns:
        # Synthetic people's keys follow their ids, so that a seed gives the same
        # figures every time (real records draw theirs at random).
        columns = (*columns, "disclosure_key")
        rows = [{**row, "disclosure_key": _synthetic_key(model, row["id"])}
                for row in rows]  # fmt: skip
    if connection.dialect.name != "postgresql":
        connection.execute(
            insert(table), [{c: row[c] for c in columns} for row in rows]
        )
        return
    values = itemgetter(*columns)
    json_columns = [c.name for c in table.columns
                    if isinstance(c.type, JSON) and c.name in columns]  # fmt: skip
    if json_columns:  # psycopg needs to be told which values are JSON
        rows = [{**row, **{c: Json(row[c]) for c in json_columns}} for row in rows]
    raw = connection.connection.driver_connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(values(row))


def _synthetic_key(model: Any, row_id: int) -> int:
    digest = hashlib.blake2b(f"{model.__tablename__}:{row_id}".encode(), digest_size=2)
    return int.from_bytes(digest.digest(), "big")


def _next_id(session: Session, model: Any) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


class _Batches:
    """Draws batches of people with explicit ids for every table."""

    def __init__(self, session: Session, seed: int) -> None:
        self.people = SyntheticPeople(session, seed)
        self.ids = {model: _next_id(session, model) for model in _WITH_IDS}
        self.stamp = {"created_at": self.people.now, "updated_at": self.people.now}

    def _next(self, model: Any) -> int:
        number = self.ids[model]
        self.ids[model] += 1
        return number

    def draw(self, size: int) -> dict[Any, list[dict[str, Any]]]:
        people, stamp = self.people, self.stamp
        batch: dict[Any, list[dict[str, Any]]] = {model: [] for model, _ in _TABLES}
        for _ in range(size):
            person = people.person()
            returnee_id = self._next(Returnee)
            person.update(stamp, id=returnee_id, **people.vault.stored(person["nik"]))
            batch[Returnee].append(person)
            journey = people.placements(person)
            for model, rows in ((Placement, journey),
                                (Training, people.trainings(person, journey))):  # fmt: skip
                for row in rows:
                    row.update(stamp, id=self._next(model), returnee_id=returnee_id)
                    batch[model].append(row)
            drawn = synthetic_plan(people.rng, person, journey, people.as_of)
            if drawn is not None:
                self._add_plan(batch, returnee_id, drawn)
        return batch

    def _add_plan(self, batch: dict[Any, list[dict[str, Any]]], returnee_id: int,
                  drawn: dict[str, Any]) -> None:  # fmt: skip
        plan_id = self._next(BusinessPlan)
        values = drawn["plan"]
        batch[BusinessPlan].append(
            {**values, **self.stamp, "id": plan_id, "returnee_id": returnee_id}
        )
        for model, lines in ((CapitalItem, drawn["capital"]),
                             (FundingSource, drawn["funding"])):  # fmt: skip
            for position, (kind, description, amount) in enumerate(lines, start=1):
                batch[model].append({
                    "id": self._next(model), "plan_id": plan_id, "position": position,
                    "kind": kind, "description": description, "amount_idr": amount,
                })  # fmt: skip
        for month, sales, cogs, costs, draw in drawn["months"]:
            batch[ProjectionMonth].append({
                "plan_id": plan_id, "month": month, "sales_idr": sales,
                "cogs_idr": cogs, "operating_costs_idr": costs, "owner_draw_idr": draw,
            })  # fmt: skip
        if values["status"] != "draft":
            submitted = min(values["planned_start"] - timedelta(days=30),
                            self.people.as_of)  # fmt: skip
            batch[PlanVersion].append({
                "id": self._next(PlanVersion), "plan_id": plan_id, "number": 1,
                "submitted_at": datetime.combine(submitted, time(9), UTC),
                "content": content_of_drawn(drawn),
            })  # fmt: skip
        business = drawn["business"]
        if business is None:
            return
        business_id = self._next(Business)
        row = {key: value for key, value in business.items() if not key.startswith("_")}
        row.update(self.stamp, id=business_id, returnee_id=returnee_id, plan_id=plan_id,
                   nib=synthetic_nib(business_id) if business["_has_nib"] else None)  # fmt: skip
        batch[Business].append(row)
        opening = {"from_status": None, "to_status": "operating",
                   "changed_on": business["opened_on"], "close_reason": None}  # fmt: skip
        for change in (opening, *drawn["changes"]):
            batch[BusinessStatusChange].append({
                **change, "id": self._next(BusinessStatusChange),
                "business_id": business_id, "recorded_at": self.people.now,
            })  # fmt: skip
        kur = sum(amount for kind, _, amount in drawn["funding"] if kind == "kur")
        loan = loan_rows(
            self.people.rng, lambda name: self._next(_LOAN_MODELS[name]), returnee_id,
            row, {**values, "id": plan_id}, kur, self.people.as_of, self.people.now,
        )  # fmt: skip
        for name, rows in (loan or {}).items():
            batch[_LOAN_MODELS[name]].extend(rows)
        visits = visit_rows(
            self.people.rng, lambda name: self._next(_LOAN_MODELS[name]), returnee_id,
            row, drawn["changes"], [m[1] for m in drawn["months"]], self.people.as_of,
            self.people.now,
        )  # fmt: skip
        for name, rows in visits.items():
            batch[_LOAN_MODELS[name]].extend(rows)


def _write_batch(
    connection: Connection, batch: dict[Any, list[dict[str, Any]]]
) -> None:
    for model, columns in _TABLES:  # returnees first: the others point at them
        _write(connection, model, columns, batch[model])


def generate_returnees(
    session: Session, count: int, seed: int, batch_size: int = 20_000
) -> int:
    """Bulk-insert ``count`` synthetic returnees with placements and trainings, and
    for about a third of those home for a while a business plan (and often the
    business it became; see :mod:`juragan.seeding_plans`).

    Deterministic for a given ``seed`` on a given database (NIK serials start above
    those already stored). COPY on PostgreSQL, multi-row inserts elsewhere; bulk rows
    bypass the ORM and so the per-row audit trail (seeding is not a change anyone
    made), and the dashboards' summary tables are rebuilt once at the end. Ids are given explicitly, so placements can point at their returnee
    within one batch; on PostgreSQL the tables are locked against other writers
    until the transaction ends, one thread draws the next batch while another
    copies the last, and the id sequences are moved past the new rows at the end.
    Returns the number of returnees.
    """
    with scope.system("seeding"):
        return _generate_returnees(session, count, seed, batch_size)


def _generate_returnees(
    session: Session, count: int, seed: int, batch_size: int
) -> int:
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql(
            "LOCK TABLE "
            + ", ".join(model.__tablename__ for model, _ in _TABLES)
            + " IN SHARE ROW EXCLUSIVE MODE"
        )
    batches = _Batches(session, seed)
    sizes = [min(batch_size, count - start) for start in range(0, count, batch_size)]
    if not postgres:
        for size in sizes:
            _write_batch(connection, batches.draw(size))
        summaries.rebuild_all(session)
        return sum(sizes)
    # The server indexes one batch while the next is drawn: a single writer thread
    # owns the connection meanwhile (this thread does no SQL until it is done).
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending: Future[None] | None = None
        for size in sizes:
            batch = batches.draw(size)
            if pending is not None:
                pending.result()  # re-raises the writer's error, if any
            pending = writer.submit(_write_batch, connection, batch)
        if pending is not None:
            pending.result()
    for model, _ in _TABLES:
        table = model.__tablename__
        if model not in _WITH_IDS:
            connection.exec_driver_sql(f"ANALYZE {table}")
            continue
        # Explicit ids were written: the next default id follows the largest.
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - table names are ours
                f"COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )
        )
        connection.exec_driver_sql(f"ANALYZE {table}")
    summaries.rebuild_all(session)
    for model in SUMMARY_MODELS:
        connection.exec_driver_sql(f"ANALYZE {model.__tablename__}")
    return sum(sizes)


def generated_counts(session: Session) -> dict[str, int]:
    """Rows per table, for the seeding command's report."""
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        or 0
        for model, _ in _TABLES
    }


__all__: Iterable[str] = (
    "DATA_AS_OF",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "SyntheticPeople",
    "database_is_empty",
    "generate_returnees",
    "generated_counts",
    "seed_demo",
)
