"""KUR rules as data: every scheme of every rule set, with dates and legal basis.

A loan keeps the rule set in force on its application date (:func:`rules_on`). Each
value carries its legal basis (:class:`Source`): the article, a link, and whether it
was read in the published legal text or only in secondary sources (press, a lender's
or an agency's page). ``docs/kur-rules.md`` is the reference this module follows:
every value, its article and what is still to be confirmed. Values not confirmed
from the legal text are listed in each rule set's ``to_verify``.

The borrower's rate over a loan's life is :func:`borrower_rates`: the scheme's rate
for the access (:meth:`SchemeRule.rate_for_access`) changed by dated adjustments
(:data:`RATE_ADJUSTMENTS`: the 2022 extra subsidy, the 2026 disaster-relief rate
in Aceh, Sumatera Utara and Sumatera Barat). Credit the applicant already holds is
judged by :func:`credit_kind` (:data:`CREDIT_KINDS`).
Nothing outside this module may hard-code a plafond, rate or tenor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from juragan.domain.codes import LoanPurpose, Scheme

JUTA = 1_000_000

#: How a value's source stands: read in the published legal text, or only reported
#: by secondary sources (press, a lender's or an agency's page quoting it).
LEGAL_TEXT = "legal_text"
SECONDARY = "secondary"
#: The reference bundled with the code: every value, its article and its status.
DOCS = "docs/kur-rules.md"

PASAL_1_2022 = (
    "https://pasal.id/en/peraturan/permen/permenko-perekonomian-no-1-tahun-2022"
)
PASAL_1_2023_P24 = (
    "https://pasal.id/en/peraturan/permen/permenko-perekonomian-no-1-tahun-2023"
    "/koreksi/9640131"
)
PASAL_1_2023_P35 = (
    "https://pasal.id/en/peraturan/permen/permenko-perekonomian-no-1-tahun-2023"
    "/koreksi/9640135"
)
PASAL_12_2025_P36 = (
    "https://pasal.id/en/peraturan/permen/permenko-perekonomian-no-12-tahun-2025"
    "/koreksi/9496764"
)
PASAL_12_2025_P38A = (
    "https://www.pasal.id/peraturan/permen/permenko-perekonomian-no-12-tahun-2025"
    "/koreksi/9496765"
)
CNBC_2023_RATES = (
    "https://www.cnbcindonesia.com/news/20230904161912-4-469022"
    "/subsidi-kur-super-mikro-dipatok-15-berapa-bunganya/amp"
)
DDTC_2026 = (
    "https://news.ddtc.co.id/berita/nasional/1817047"
    "/pedoman-diperbarui-syarat-punya-npwp-untuk-debitur-kur-dipertegas"
)
ANTARA_2026_SINGLE_RATE = "https://www.infopojokviral.com/2025/11/aturan-terbaru-kur-2026-batas-pengajuan.html"
DETIK_2026_SUMATRA = (
    "https://finance.detik.com/moneter/d-8278941"
    "/ada-bencana-bunga-kur-di-aceh-sumut-sumbar-0-di-2026/amp"
)
BISNIS_2022_SUBSIDY = (
    "https://ekonomi.bisnis.com/read/20220307/9/1507694"
    "/pemerintah-anggarkan-rp633-triliun-untuk-tambahan-subsidi-bunga-kur-3-persen"
)


@dataclass(frozen=True)
class Source:
    """Where a value comes from."""

    #: The article, e.g. ``Permenko Perekonomian 1/2023 Pasal 24(1)``.
    article: str
    url: str
    #: :data:`LEGAL_TEXT` or :data:`SECONDARY`.
    standing: str
    #: What the source says beyond the value, or what is still open.
    note: str = ""

    @property
    def confirmed(self) -> bool:
        """Read in the published legal text itself."""
        return self.standing == LEGAL_TEXT


#: Lines of business the 2023 rules let use Mikro KUR four times (two otherwise).
PRODUCTION_LINES = frozenset({"farming", "livestock", "fisheries"})

SCHEMES = Scheme.values()
PURPOSES = LoanPurpose.values()


@dataclass(frozen=True)
class SchemeRule:
    """What one KUR scheme allows under one rule set."""

    scheme: str
    #: Plafond: above ``min_exclusive_idr`` and at most ``max_idr``.
    min_exclusive_idr: int
    max_idr: int
    #: Effective annual rate for the 1st, 2nd, ... access; the last one repeats.
    rates: tuple[Decimal, ...]
    #: Longest tenor in months, for working capital (KMK) and investment (KI),
    #: and on extension, suplesi or restructuring.
    max_tenor: Mapping[str, int]
    max_tenor_extended: Mapping[str, int]
    #: ``financed_only``, ``none_up_to_100m``, ``lender_policy``, ``by_size``, ``none``.
    collateral: str
    #: NPWP needed when the plafond is above this amount (0: always; None: never).
    npwp_above_idr: int | None
    #: Minimum months the business must have run (0: none).
    min_business_months: int
    #: Whether a younger business qualifies through mentoring, training or a group.
    young_business_exemption: bool
    #: Most accesses allowed, in production lines and otherwise (None: no cap).
    max_access_production: int | None
    max_access_other: int | None
    #: For KUR Penempatan PMI: the tenor may not pass the work contract.
    tenor_within_contract: bool = False

    def rate_for_access(self, access: int) -> Decimal:
        """The rate for the ``access``-th KUR of this borrower (1 for the first)."""
        index = min(max(access, 1), len(self.rates)) - 1
        return self.rates[index]

    def max_access(self, line_of_business: str | None) -> int | None:
        if line_of_business in PRODUCTION_LINES:
            return self.max_access_production
        return self.max_access_other


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    legal_basis: str
    effective_from: date
    #: Last day in force; ``None`` while current.
    effective_to: date | None
    #: Annual turnover ceiling of the borrower's business (None: not set).
    turnover_ceiling_idr: int | None
    schemes: Mapping[str, SchemeRule]
    #: In the reader's language (lazy strings).
    notes: str = ""
    #: Values not confirmed from the published legal text (lazy strings).
    to_verify: tuple[str, ...] = field(default_factory=tuple)
    #: The legal basis of each value (keys: :data:`VALUE_KEYS`).
    basis: Mapping[str, Source] = field(default_factory=dict)
    #: A borrower holding KUR Mikro may get another KUR Mikro while the total
    #: outstanding stays within this amount (None: no second concurrent KUR).
    concurrent_mikro_total_idr: int | None = None

    @property
    def rate_adjustments(self) -> tuple[RateAdjustment, ...]:
        """The dated rate changes for loans of this rule set."""
        return tuple(a for a in RATE_ADJUSTMENTS if self.code in a.rule_sets)

    @property
    def credit_kinds(self) -> tuple[CreditKind, ...]:
        """The kinds of other credit an applicant may declare, allowed or not."""
        return tuple(kind for kind in CREDIT_KINDS if kind.offered)

    @property
    def sources(self) -> list[tuple[str, Source]]:
        """Each value's legal basis, in :data:`VALUE_KEYS` order."""
        return [(key, self.basis[key]) for key in VALUE_KEYS if key in self.basis]

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def _pct(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


_TENOR_3_5 = {"working_capital": 36, "investment": 60}
_TENOR_4_7 = {"working_capital": 48, "investment": 84}
_TENOR_4_5 = {"working_capital": 48, "investment": 60}
_TENOR_5_7 = {"working_capital": 60, "investment": 84}
_TENOR_PMI = {"working_capital": 36, "investment": 36}


def _schemes(
    super_mikro_rate: str,
    tiered: tuple[Decimal, ...],
    mikro_access: tuple[int | None, int | None],
    npwp_mikro_above: int | None,
    npwp_kecil_above: int | None,
) -> dict[str, SchemeRule]:
    return {
        "super_mikro": SchemeRule(
            "super_mikro",
            0,
            10 * JUTA,
            _pct(super_mikro_rate),
            _TENOR_3_5,
            _TENOR_4_7,
            "financed_only",
            None,
            0,
            True,
            None,
            None,
        ),
        "mikro": SchemeRule(
            "mikro",
            10 * JUTA,
            100 * JUTA,
            tiered,
            _TENOR_3_5,
            _TENOR_4_7,
            "none_up_to_100m",
            npwp_mikro_above,
            6,
            False,
            *mikro_access,
        ),
        "kecil": SchemeRule(
            "kecil",
            100 * JUTA,
            500 * JUTA,
            tiered,
            _TENOR_4_5,
            _TENOR_5_7,
            "lender_policy",
            npwp_kecil_above,
            6,
            False,
            None,
            None,
        ),
        "khusus": SchemeRule(
            "khusus",
            0,
            500 * JUTA,
            _pct("6"),
            _TENOR_4_5,
            _TENOR_4_5,
            "by_size",
            npwp_mikro_above,
            6,
            False,
            None,
            None,
        ),
        "pmi": SchemeRule(
            "pmi",
            0,
            100 * JUTA,
            _pct("6"),
            _TENOR_PMI,
            _TENOR_PMI,
            "none",
            npwp_mikro_above,
            0,
            False,
            None,
            None,
            tenor_within_contract=True,
        ),
    }


#: The values of a rule set that carry a legal basis, in the order pages show them.
VALUE_KEYS = (
    "plafonds",
    "rates",
    "super_mikro_rate",
    "khusus",
    "access_caps",
    "concurrent_mikro",
    "other_credit",
    "npwp",
    "turnover",
)

_ART_1_2023_P24 = Source(
    "Permenko Perekonomian 1/2023 Pasal 24(1)",
    PASAL_1_2023_P24,
    LEGAL_TEXT,
    _l(
        "A Mikro borrower may get more KUR Mikro up to Rp100 juta outstanding in "
        "total (investment with investment, working capital with working capital)."
    ),
)
_ART_1_2023_CAPS = Source(
    "Permenko Perekonomian 1/2023 Pasal 24(4), (4a)",
    PASAL_1_2023_P24,
    LEGAL_TEXT,
    _l(
        "KUR Mikro at most 4 times in farming, plantation, fisheries and livestock, "
        "2 times otherwise; counted as Mikro accesses (the article is on KUR Mikro)."
    ),
)
_ART_1_2023_KHUSUS = Source(
    "Permenko Perekonomian 1/2023 Pasal 35(2), (3), (6)",
    PASAL_1_2023_P35,
    LEGAL_TEXT,
    _l("Up to Rp500 juta per group member; rate 6%; 4 / 5 years."),
)
_ART_1_2023_TIERS = Source(
    "Permenko Perekonomian 1/2023 Pasal 22(2), 26(2)",
    CNBC_2023_RATES,
    SECONDARY,
    _l(
        "6/7/8/9%, by access: the 1st-4th access of KUR Mikro (of KUR Kecil for Kecil), as "
        "quoted by the press; Permenko 12/2025 Pasal 38A(1)(c) (legal text) confirms "
        "the tiers sit in Pasal 22(2) and 26(2)."
    ),
)
_ART_1_2023_SUPER_MIKRO = Source(
    "Permenko Perekonomian 1/2023 Pasal 18(2)",
    CNBC_2023_RATES,
    SECONDARY,
    _l("3% a year (effective), as quoted by the press."),
)
_ART_12_2025_P36 = Source(
    "Permenko Perekonomian 12/2025 Pasal 36(3a), (3b), (4)",
    PASAL_12_2025_P36,
    LEGAL_TEXT,
    _l(
        "Read for KUR Khusus: (3a) a-d and (3b) and (4) a-d in the text; the credit "
        "card and warehouse receipts of (4) come from the domain reference."
    ),
)
_OTHER_CREDIT_OLD = Source(
    "Permenko Perekonomian 1/2022 (Pasal 23, 27 untuk Mikro dan Kecil)",
    PASAL_1_2022,
    SECONDARY,
    _l(
        "The same list as Permenko 12/2025 Pasal 36 is assumed; the earlier article "
        "text was not read."
    ),
)
_PLAFONDS = Source(
    "Permenko Perekonomian 1/2022 jo. 1/2023 (Pasal 18, 22, 26, 35, 40)",
    CNBC_2023_RATES,
    SECONDARY,
    _l(
        "Super Mikro up to Rp10 juta, Mikro above Rp10 juta up to Rp100 juta, Kecil "
        "above Rp100 juta up to Rp500 juta, PMI up to Rp100 juta."
    ),
)
_NPWP_OLD = Source(
    "Permenko Perekonomian 1/2022 (persyaratan)",
    PASAL_1_2022,
    SECONDARY,
    _l("NPWP above Rp50 juta and for every Kecil loan: from the domain reference."),
)
_NPWP_2026 = Source(
    "Permenko Perekonomian 1/2026",
    DDTC_2026,
    SECONDARY,
    _l(
        "NPWP for Mikro, Khusus and PMI above Rp50 juta and for every Kecil loan, as "
        "quoted by DDTC News from the regulation."
    ),
)
_TURNOVER_2026 = Source(
    "Permenko Perekonomian 1/2026",
    DDTC_2026,
    SECONDARY,
    _l(
        "Turnover of the previous year (or this year's estimate) at most Rp4,8 "
        "miliar, by tax report or the lender's assessment, as quoted by DDTC News."
    ),
)
_SINGLE_RATE_2026 = Source(
    "Permenko Perekonomian 1/2026",
    ANTARA_2026_SINGLE_RATE,
    SECONDARY,
    _l(
        "The Minister of UMKM (Nov 2025): one rate, 6%, for every access and no "
        "repeat-access cap from January 2026. The text of 1/2026 was not found; some "
        "2026 pages still quote the tiers."
    ),
)
_SUPER_MIKRO_2026 = Source(
    "Permenko Perekonomian 1/2026",
    DDTC_2026,
    SECONDARY,
    _l("3% kept from 1/2023; no 2026 source states it (one quotes 3-6%)."),
)
_SINGLE_RATE_2022 = Source(
    "Permenko Perekonomian 1/2022",
    PASAL_1_2022,
    SECONDARY,
    _l(
        "6%, for every scheme and access (before the 2023 tiers), from the domain "
        "reference; the rate article was not read."
    ),
)

RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        code="2022",
        name="Pedoman KUR 2022",
        legal_basis="Permenko Perekonomian 1/2022",
        effective_from=date(2022, 1, 1),
        effective_to=date(2022, 12, 31),
        turnover_ceiling_idr=None,
        schemes=_schemes("6", _pct("6"), (None, None), 50 * JUTA, 0),
        notes=_l(
            "A single rate of 6%, for every scheme and access, Super Mikro included; "
            "borrowers paid 3% through 31 December 2022 (an extra subsidy of 3%)."
        ),
        to_verify=(
            _l("the rate of 6%"),
            _l("the NPWP threshold"),
            _l("the other credit allowed"),
            _l("the legal instrument of the extra subsidy of 2022 (3%)"),
        ),
        basis={
            "plafonds": _PLAFONDS,
            "rates": _SINGLE_RATE_2022,
            "super_mikro_rate": _SINGLE_RATE_2022,
            "other_credit": _OTHER_CREDIT_OLD,
            "npwp": _NPWP_OLD,
        },
    ),
    RuleSet(
        code="2023",
        name="Pedoman KUR 2022, perubahan 2023",
        legal_basis="Permenko Perekonomian 1/2022 jo. 1/2023",
        effective_from=date(2023, 1, 1),
        effective_to=date(2025, 12, 31),
        turnover_ceiling_idr=None,
        schemes=_schemes("3", _pct("6", "7", "8", "9"), (4, 2), 50 * JUTA, 0),
        notes=_l(
            "Tiered rates for Mikro and Kecil by access of that scheme (6/7/8/9%); "
            "Super Mikro 3%; Mikro at most four accesses in farming, plantation, "
            "livestock and fisheries, two otherwise; a second KUR Mikro up to Rp100 "
            "juta outstanding in total. The 2025 amendment (12/2025) adds group KUR "
            "with an offtaker (Pasal 38A relaxations for listed groups), applied by "
            "lenders case by case."
        ),
        to_verify=(
            _l("the tier values 6/7/8/9%"),
            _l("the Super Mikro rate"),
            _l("the NPWP threshold"),
            _l("dates of amendment 12/2025"),
        ),
        basis={
            "plafonds": _PLAFONDS,
            "rates": _ART_1_2023_TIERS,
            "super_mikro_rate": _ART_1_2023_SUPER_MIKRO,
            "khusus": _ART_1_2023_KHUSUS,
            "access_caps": _ART_1_2023_CAPS,
            "concurrent_mikro": _ART_1_2023_P24,
            "other_credit": _ART_12_2025_P36,
            "npwp": _NPWP_OLD,
        },
        concurrent_mikro_total_idr=100 * JUTA,
    ),
    RuleSet(
        code="2026",
        name="Pedoman KUR 2026",
        legal_basis="Permenko Perekonomian 1/2026",
        effective_from=date(2026, 1, 1),
        effective_to=None,
        turnover_ceiling_idr=4_800 * JUTA,
        schemes=_schemes("3", _pct("6"), (None, None), 50 * JUTA, 0),
        notes=_l(
            "A single rate of 6%, for every access of Mikro and Kecil, and no "
            "repeat-access cap (announced); turnover at most Rp4,8 miliar a year; "
            "NPWP above Rp50 juta for Mikro, Khusus and PMI and for all Kecil, none "
            "for Super Mikro. New KUR of 2026 in Aceh, Sumatera Utara and Sumatera "
            "Barat: 2026: 0%, 2027: 3%, from 2028: 6% (announced)."
        ),
        to_verify=(
            _l("the single rate of 6%"),
            _l("no repeat-access cap"),
            _l("the Super Mikro rate"),
            _l("the NPWP threshold"),
            _l("the turnover ceiling"),
            _l("the second KUR Mikro"),
            _l("the disaster-relief rate and its legal instrument"),
        ),
        basis={
            "plafonds": _PLAFONDS,
            "rates": _SINGLE_RATE_2026,
            "super_mikro_rate": _SUPER_MIKRO_2026,
            "khusus": Source(
                _ART_1_2023_KHUSUS.article,
                PASAL_1_2023_P35,
                SECONDARY,
                _l("Kept from 1/2023; the text of 1/2026 was not found."),
            ),
            "access_caps": _SINGLE_RATE_2026,
            "concurrent_mikro": Source(
                _ART_1_2023_P24.article,
                PASAL_1_2023_P24,
                SECONDARY,
                _l("Kept from 1/2023; the text of 1/2026 was not found."),
            ),
            "other_credit": Source(
                _ART_12_2025_P36.article,
                PASAL_12_2025_P36,
                SECONDARY,
                _l("Kept from 12/2025; the text of 1/2026 was not found."),
            ),
            "npwp": _NPWP_2026,
            "turnover": _TURNOVER_2026,
        },
        concurrent_mikro_total_idr=100 * JUTA,
    ),
)

#: The longest tenor any rule set allows any scheme, on extension included: the
#: bound of every tenor field and of the CHECKs on stored tenors (a longer one in
#: the data needs a migration of those CHECKs; ``tests/unit/test_kur_rule_data.py``).
LONGEST_TENOR_MONTHS = max(
    months
    for rules in RULE_SETS
    for scheme in rules.schemes.values()
    for months in (*scheme.max_tenor.values(), *scheme.max_tenor_extended.values())
)
#: The rate a business plan assumes for its KUR until a scheme is chosen: the
#: first access of KUR Mikro under the latest rule set.
PLAN_DEFAULT_RATE = (
    RULE_SETS[-1].schemes["mikro"].rate_for_access(1).quantize(Decimal("0.01"))
)


def rules_on(day: date) -> RuleSet:
    """The rule set in force on ``day``.

    :raises LookupError: before the first rule set.
    """
    for rule_set in RULE_SETS:
        if rule_set.in_force_on(day):
            return rule_set
    raise LookupError(f"no KUR rule set in force on {day}")


def scheme_for_amount(rules: RuleSet, amount_idr: int) -> str | None:
    """The business scheme whose plafond holds ``amount_idr``: the one a plan's
    KUR would be filed under before its applicant chooses (KUR Khusus is for
    groups and is never assumed)."""
    for name in ("super_mikro", "mikro", "kecil"):
        rule = rules.schemes[name]
        if rule.min_exclusive_idr < amount_idr <= rule.max_idr:
            return name
    return None


def rule_set(code: str) -> RuleSet:
    for candidate in RULE_SETS:
        if candidate.code == code:
            return candidate
    raise LookupError(code)


# Rates over a loan's life -----------------------------------------------------------

#: Business schemes (every scheme but KUR Penempatan PMI).
BUSINESS_SCHEMES = ("super_mikro", "mikro", "kecil", "khusus")
#: Kemendagri codes of Aceh, Sumatera Utara and Sumatera Barat.
SUMATRA_DISASTER_PROVINCES = frozenset({"11", "12", "13"})


@dataclass(frozen=True)
class RateAdjustment:
    """A dated change of the borrower's rate for loans made in a window.

    ``steps`` is a step function over calendar time: ascending ``(starts_on,
    rate)`` pairs, the first from ``date.min``; a ``None`` rate is the scheme's own
    rate again. A step never raises the rate above the scheme's own rate.
    """

    code: str
    name: str
    rule_sets: frozenset[str]
    schemes: frozenset[str]
    #: Loans applied for on these days (inclusive).
    applied_from: date
    applied_to: date
    steps: tuple[tuple[date, Decimal | None], ...]
    source: Source
    #: Where the borrower's province at filing matters (None: everywhere).
    provinces: frozenset[str] | None = None
    #: What the legal instrument is, or that none was found (lazy string).
    instrument: str = ""

    def applies(
        self, rule_set_code: str, scheme: str, province_code: str | None, on: date
    ) -> bool:
        return (
            rule_set_code in self.rule_sets
            and scheme in self.schemes
            and self.applied_from <= on <= self.applied_to
            and (self.provinces is None or province_code in self.provinces)
        )


RATE_ADJUSTMENTS: tuple[RateAdjustment, ...] = (
    RateAdjustment(
        code="subsidy_2022",
        name="Tambahan subsidi bunga KUR 3% (2022)",
        rule_sets=frozenset({"2022"}),
        schemes=frozenset(SCHEMES),
        applied_from=date(2022, 1, 1),
        applied_to=date(2022, 12, 31),
        steps=((date.min, Decimal("3")), (date(2023, 1, 1), None)),
        source=Source(
            "Komite Kebijakan Pembiayaan UMKM, PEN 2022 (diumumkan 7 Maret 2022)",
            BISNIS_2022_SUBSIDY,
            SECONDARY,
            _l(
                "An extra interest subsidy of 3%, for January-June 2022, extended to "
                "31 December 2022 (Rp6,33 triliun, PEN budget): borrowers paid interest "
                "at 3% through 31 December 2022 and at 6% after. Reported for KUR in "
                "general; whether every scheme had it is not confirmed."
            ),
        ),
        instrument=_l(
            "Not found: not in the transitional articles of Permenko 1/2022 that "
            "were read; announced by the Coordinating Minister."
        ),
    ),
    RateAdjustment(
        code="sumatra_2026",
        name="KUR bencana Aceh, Sumatera Utara, Sumatera Barat (2026)",
        rule_sets=frozenset({"2026"}),
        schemes=frozenset(BUSINESS_SCHEMES),
        applied_from=date(2026, 1, 1),
        applied_to=date(2026, 12, 31),
        steps=(
            (date.min, Decimal("0")),
            (date(2027, 1, 1), Decimal("3")),
            (date(2028, 1, 1), None),
        ),
        provinces=SUMATRA_DISASTER_PROVINCES,
        source=Source(
            "Menko Perekonomian, 16 dan 26 Desember 2025, 9 Januari 2026",
            DETIK_2026_SUMATRA,
            SECONDARY,
            _l(
                "New KUR debtors from 1 January to 31 December 2026 in the three "
                "provinces: 2026: 0%, 2027: 3%, from 2028: 6%, read as the rate of "
                "each calendar year over the loan's life. Existing affected debtors get "
                "a moratorium (December 2025-March 2026) and restructuring instead."
            ),
        ),
        instrument=_l(
            "Announced as a dedicated government regulation for the three "
            "provinces; no published instrument found."
        ),
    ),
)


def _base_rate(rule_set_code: str, scheme: str, access_number: int) -> Decimal:
    return rule_set(rule_set_code).schemes[scheme].rate_for_access(access_number)


def borrower_rates(
    rule_set_code: str,
    scheme: str,
    access_number: int,
    province_code: str | None,
    applied_on: date,
) -> tuple[tuple[date, Decimal], ...]:
    """The borrower's effective annual rate as a step function over calendar time.

    Ascending ``(starts_on, rate)`` pairs, the first with ``starts_on=date.min``;
    a rate holds from its day until the next pair's. The interest of a period is
    at the rate in force on its due date. Without an adjustment it is the one rate
    :meth:`SchemeRule.rate_for_access` gives.

    :param province_code: the borrower's province when they applied (Kemendagri).
    :raises LookupError: for an unknown rule set or scheme.
    """
    base = _base_rate(rule_set_code, scheme, access_number)
    steps: list[tuple[date, Decimal]] = [(date.min, base)]
    for adjustment in RATE_ADJUSTMENTS:
        if adjustment.applies(rule_set_code, scheme, province_code, applied_on):
            steps = [
                (day, base if rate is None else min(rate, base))
                for day, rate in adjustment.steps
            ]
            break
    merged: list[tuple[date, Decimal]] = []
    for day, rate in steps:
        if not merged or merged[-1][1] != rate:
            merged.append((day, rate))
    return tuple(merged)


def rate_on(periods: Iterable[tuple[date, Decimal]], day: date) -> Decimal:
    """The rate in force on ``day`` in a step function of :func:`borrower_rates`."""
    found = None
    for starts_on, rate in periods:
        if starts_on <= day:
            found = rate
    if found is None:
        raise ValueError("the first period starts on date.min")
    return found


# Credit the applicant already holds --------------------------------------------------


@dataclass(frozen=True)
class CreditKind:
    """A kind of credit an applicant may hold, and what it means for KUR."""

    code: str
    #: Allowed alongside KUR while current (Lancar); otherwise it blocks KUR.
    allowed: bool
    #: The article and letter, e.g. ``Pasal 36(4)(a)``.
    article: str
    #: Offered on the simulator (the legacy kind is not).
    offered: bool = True


#: In the order of the stored bit mask (``loan_applications.other_credit_mask``):
#: append, never reorder.
CREDIT_KINDS: tuple[CreditKind, ...] = (
    CreditKind("consumer", True, "Pasal 36(3a)(a)"),
    CreditKind("ultra_micro", True, "Pasal 36(3a)(b)"),
    CreditKind("p2p", True, "Pasal 36(3a)(c)"),
    CreditKind("kur_same_lender", True, "Pasal 36(4)(a)"),
    CreditKind("kpr", True, "Pasal 36(4)(b)"),
    CreditKind("two_wheeler", True, "Pasal 36(4)(c)"),
    CreditKind("pension_backed", True, "Pasal 36(4)(d)"),
    CreditKind("credit_card", True, "Pasal 36(4)"),
    CreditKind("warehouse_receipt", True, "Pasal 36(4)"),
    CreditKind("kur_other_lender", False, "Pasal 36(4)(a)"),
    CreditKind("productive_commercial", False, "Pasal 36(3a)"),
    CreditKind("government_programme", False, "Pasal 36(3b)"),
    #: Recorded before the kinds were listed: "only kinds allowed, paid on time".
    CreditKind("allowed_unspecified", True, "Pasal 36(3a), (4)", offered=False),
)
#: What each kind of other credit is called on the eligibility form and check.
CREDIT_KIND_LABELS = {
    "consumer": _l("Consumer credit for the household"),
    "ultra_micro": _l("Ultra-micro credit up to Rp20 juta (UMi, Mekaar and the like)"),
    "p2p": _l("A fintech or online lending (P2P) loan"),
    "kur_same_lender": _l("KUR at the same bank"),
    "kpr": _l("A home loan (KPR)"),
    "two_wheeler": _l("A motorcycle loan or leasing used for the business"),
    "pension_backed": _l("A loan against a pension"),
    "credit_card": _l("A credit card"),
    "warehouse_receipt": _l("Warehouse-receipt credit (resi gudang)"),
    "kur_other_lender": _l("KUR at another bank"),
    "productive_commercial": _l("Another business loan from a bank or finance company"),
    "government_programme": _l("Credit of another government programme, not repaid"),
    "allowed_unspecified": _l(
        "Only kinds allowed alongside KUR (recorded before the list)"
    ),
}

_CREDIT_BY_CODE = {kind.code: kind for kind in CREDIT_KINDS}
#: Ultra-micro credit is allowed up to this plafond (Pasal 36(3a)(b)).
ULTRA_MICRO_MAX_IDR = 20 * JUTA


def credit_kind(code: str) -> CreditKind:
    """:raises LookupError: for an unknown kind."""
    return _CREDIT_BY_CODE[code]


def credit_mask(codes: Iterable[str]) -> int:
    """The stored bit mask of a set of credit kinds.

    :raises LookupError: for an unknown kind.
    """
    mask = 0
    for code in codes:
        credit_kind(code)
        mask |= 1 << next(i for i, k in enumerate(CREDIT_KINDS) if k.code == code)
    return mask


def credit_kinds_of(mask: int) -> tuple[str, ...]:
    """The credit kinds a stored bit mask holds, in :data:`CREDIT_KINDS` order."""
    return tuple(k.code for i, k in enumerate(CREDIT_KINDS) if mask >> i & 1)


def other_credit_basis(rule_set_code: str) -> Source:
    """The legal basis of the list of credit allowed alongside KUR."""
    return rule_set(rule_set_code).basis["other_credit"]
