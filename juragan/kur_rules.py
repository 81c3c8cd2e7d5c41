"""KUR rules as data: every scheme of every rule set, with dates and legal basis.

A loan keeps the rule set in force on its application date (:func:`rules_on`).
Figures are from ``../shared/domain.md`` sections 1 and 2; values the reference marks
"(verify)" carry ``to_verify=True`` so that the admin table shows them as such.
Nothing outside this module may hard-code a plafond, rate or tenor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

JUTA = 1_000_000

#: Lines of business the 2023 rules let use Mikro KUR four times (two otherwise).
PRODUCTION_LINES = frozenset({"farming", "livestock", "fisheries"})

SCHEMES = ("super_mikro", "mikro", "kecil", "khusus", "pmi")
PURPOSES = ("working_capital", "investment")


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
    #: Values the reference asks to check against the primary text.
    to_verify: tuple[str, ...] = field(default_factory=tuple)

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
            "super_mikro", 0, 10 * JUTA, _pct(super_mikro_rate), _TENOR_3_5,
            _TENOR_4_7, "financed_only", None, 0, True, None, None,
        ),
        "mikro": SchemeRule(
            "mikro", 10 * JUTA, 100 * JUTA, tiered, _TENOR_3_5, _TENOR_4_7,
            "none_up_to_100m", npwp_mikro_above, 6, False, *mikro_access,
        ),
        "kecil": SchemeRule(
            "kecil", 100 * JUTA, 500 * JUTA, tiered, _TENOR_4_5, _TENOR_5_7,
            "lender_policy", npwp_kecil_above, 6, False, None, None,
        ),
        "khusus": SchemeRule(
            "khusus", 0, 500 * JUTA, _pct("6"), _TENOR_4_5, _TENOR_4_5, "by_size",
            npwp_mikro_above, 6, False, None, None,
        ),
        "pmi": SchemeRule(
            "pmi", 0, 100 * JUTA, _pct("6"), _TENOR_PMI, _TENOR_PMI, "none",
            npwp_mikro_above, 0, False, None, None, tenor_within_contract=True,
        ),
    }  # fmt: skip


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
            "A single rate of 6%, for every scheme and access, Super Mikro included."
        ),
        to_verify=(_l("NPWP threshold"),),
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
            "Tiered rates for Mikro and Kecil by access (6/7/8/9%); Super Mikro 3%; "
            "Mikro at most four accesses in farming, livestock and fisheries, two "
            "otherwise. The 2025 amendment (12/2025) adds group KUR with an offtaker "
            "(Pasal 38A relaxations for listed groups), applied by lenders case by case."
        ),
        to_verify=(_l("NPWP threshold"), _l("dates of amendment 12/2025")),
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
            "repeat-access cap (press reports); turnover at most Rp4,8 miliar a year; "
            "NPWP above Rp50 juta for Mikro, Khusus and PMI and for all Kecil, none "
            "for Super Mikro."
        ),
        to_verify=(_l("the single rate of 6%"), _l("the Super Mikro rate")),
    ),
)


def rules_on(day: date) -> RuleSet:
    """The rule set in force on ``day``.

    :raises LookupError: before the first rule set.
    """
    for rule_set in RULE_SETS:
        if rule_set.in_force_on(day):
            return rule_set
    raise LookupError(f"no KUR rule set in force on {day}")


def rule_set(code: str) -> RuleSet:
    for candidate in RULE_SETS:
        if candidate.code == code:
            return candidate
    raise LookupError(code)
