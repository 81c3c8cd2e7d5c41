"""KUR eligibility as advice: which schemes fit a request, and why the others do not.

Pure functions over plain values (no database): the caller gathers the facts about
the person, their business or plan and the request. The bank and SIKP decide; every
result says so. Each check names the rule, whether it is a bank's acceptance rule
rather than the Permenko, and the reason in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from juragan.domain.finance import annuity_instalment
from juragan.domain.kur_rules import (
    CREDIT_KIND_LABELS,
    RuleSet,
    SchemeRule,
    borrower_rates,
    credit_kind,
    rate_on,
    rules_on,
)
from juragan.domain.money import format_rupiah

BANK_MINIMUM_AGE = 21
#: Prospective PMI may borrow from 18 with written family consent.
PMI_MINIMUM_AGE = 18
#: Collectibility class 1 (POJK 40/2019): a held KUR must be current.
LANCAR = 1


@dataclass(frozen=True)
class Request:
    kind: str  # "business" or "placement"
    amount_idr: int
    tenor_months: int
    purpose: str  # "working_capital" or "investment"
    applied_on: date


@dataclass(frozen=True)
class Facts:
    """What is known about the applicant, their business and their credit."""

    has_nik: bool
    nik_verified: bool
    age: int
    married: bool
    #: Months the business has run; ``None`` before it opens.
    business_months: int | None
    has_mentor: bool
    has_training: bool
    in_group: bool
    has_offtaker: bool
    line_of_business: str | None
    annual_turnover_idr: int | None
    has_npwp: bool
    #: Kinds of credit held now (``juragan.domain.kur_rules.CREDIT_KINDS`` codes).
    other_credit: tuple[str, ...]
    #: KUR loans taken before, any lender, per scheme: the next KUR of a scheme is
    #: that scheme's access number + 1 (Permenko 1/2023 Pasal 22(2), 24(4)).
    previous_by_scheme: Mapping[str, int]
    #: For KUR Penempatan: the months of the work contract.
    contract_months: int | None = None
    family_consent: bool = False
    #: Every credit held is current (Lancar): allowed kinds are allowed only then.
    other_credit_current: bool = True
    #: The borrower's province (Kemendagri code): some rates depend on it.
    province_code: str | None = None

    def previous(self, scheme: str) -> int:
        """KUR of ``scheme`` taken before."""
        return self.previous_by_scheme.get(scheme, 0)

    def access_number(self, scheme: str) -> int:
        """Which access of ``scheme`` the next KUR would be (1 for the first)."""
        return self.previous(scheme) + 1


@dataclass(frozen=True)
class HeldKur:
    """A business KUR the applicant holds now, for the concurrent-KUR rule."""

    scheme: str
    lender: str
    #: Principal not yet repaid (the requested amount before disbursement).
    outstanding_idr: int
    #: Indicative collectibility (1 Lancar ... 5 Macet); ``None`` before
    #: disbursement.
    grade: int | None


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    message: str
    #: A bank's acceptance rule rather than the national guideline.
    bank_rule: bool = False


@dataclass
class SchemeVerdict:
    scheme: str
    rule: SchemeRule
    #: The rate in force on the application date (the first period's).
    rate_percent: Decimal
    instalment_idr: int
    checks: list[Check] = field(default_factory=list)
    #: The borrower's rate over the loan's life (``kur_rules.borrower_rates``).
    rate_periods: tuple[tuple[date, Decimal], ...] = ()
    access_number: int = 1

    @property
    def rate_changes(self) -> tuple[tuple[date, Decimal], ...]:
        """The later steps of the rate, after the first period."""
        return self.rate_periods[1:]

    @property
    def fits(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


@dataclass
class Advice:
    rule_set: RuleSet
    verdicts: list[SchemeVerdict]

    @property
    def fitting(self) -> list[SchemeVerdict]:
        return [v for v in self.verdicts if v.fits]


BUSINESS_SCHEMES = ("super_mikro", "mikro", "kecil", "khusus")
PLACEMENT_SCHEMES = ("pmi",)


def _money(amount: int) -> str:
    return format_rupiah(amount)


def _checks(
    rule: SchemeRule, rules: RuleSet, request: Request, facts: Facts
) -> list[Check]:
    checks: list[Check] = []
    add = checks.append
    # Identity.
    if not facts.has_nik:
        add(Check("nik", False, _l("A NIK (KTP-el) is required.")))
    elif not facts.nik_verified:
        add(
            Check(
                "nik", True, _l("NIK on record; bring the KTP-el and KK to the bank.")
            )
        )
    else:
        add(Check("nik", True, _l("NIK checked against the KTP.")))
    # Age: a bank rule, not the guideline.
    if rule.scheme == "pmi":
        old_enough = (
            facts.age >= BANK_MINIMUM_AGE
            or facts.married
            or (facts.age >= PMI_MINIMUM_AGE and facts.family_consent)
        )
        message = (
            _l("Age %(age)s: old enough.", age=facts.age)
            if old_enough
            else _l("Under 21 and unmarried: from 18 only with written family consent.")
        )
    else:
        old_enough = facts.age >= BANK_MINIMUM_AGE or facts.married
        message = (
            _l("Age %(age)s or married: accepted.", age=facts.age)
            if old_enough
            else _l("Banks lend from age 21, or younger when married.")
        )
    add(Check("age", old_enough, message, bank_rule=True))
    # Plafond.
    amount = request.amount_idr
    within = rule.min_exclusive_idr < amount <= rule.max_idr
    add(
        Check(
            "plafond",
            within,
            _l(
                "Plafond above %(low)s up to %(high)s.",
                low=_money(rule.min_exclusive_idr),
                high=_money(rule.max_idr),
            )
            if rule.min_exclusive_idr
            else _l("Plafond up to %(high)s.", high=_money(rule.max_idr)),
        )
    )
    # Tenor.
    longest = rule.max_tenor.get(request.purpose, 0)
    if rule.tenor_within_contract and facts.contract_months:
        longest = min(longest, facts.contract_months)
    add(
        Check(
            "tenor",
            1 <= request.tenor_months <= longest,
            _l("At most %(n)s months for this purpose.", n=longest),
        )
    )
    # Business age, with the Super Mikro exemption.
    if rule.min_business_months:
        months = facts.business_months
        old = months is not None and months >= rule.min_business_months
        add(
            Check(
                "business_age",
                old,
                _l("The business has run %(n)s months.", n=months)
                if old
                else _l(
                    "The business must have run at least %(n)s months.",
                    n=rule.min_business_months,
                ),
            )
        )
    elif rule.young_business_exemption:
        months = facts.business_months
        supported = facts.has_mentor or facts.has_training or facts.in_group
        young_ok = (months is not None and months >= 6) or supported
        add(
            Check(
                "business_age",
                young_ok,
                _l(
                    "A business younger than 6 months qualifies through mentoring, training "
                    "or a business group, which is recorded here."
                )
                if young_ok
                else _l(
                    "A business younger than 6 months needs mentoring, training or a "
                    "business group first."
                ),
            )
        )
    if rule.scheme == "khusus":
        add(
            Check(
                "group",
                facts.in_group and facts.has_offtaker,
                _l(
                    "KUR Khusus is for members of a business group with a partner (offtaker)."
                ),
            )
        )
    if rule.scheme == "pmi":
        add(
            Check(
                "contract",
                bool(facts.contract_months),
                _l("KUR Penempatan needs a placement agreement and work contract."),
            )
        )
    # Other credit held now.
    add(_other_credit_check(rules, facts))
    # NPWP.
    if rule.npwp_above_idr is not None and amount > rule.npwp_above_idr:
        add(
            Check(
                "npwp",
                facts.has_npwp,
                _l("An NPWP is required for this plafond.")
                if rule.npwp_above_idr == 0
                else _l(
                    "An NPWP is required above %(amount)s.",
                    amount=_money(rule.npwp_above_idr),
                ),
            )
        )
    # Turnover.
    ceiling = rules.turnover_ceiling_idr
    if ceiling is not None and facts.annual_turnover_idr is not None:
        add(
            Check(
                "turnover",
                facts.annual_turnover_idr <= ceiling,
                _l("Turnover at most %(amount)s a year.", amount=_money(ceiling)),
            )
        )
    # Access count.
    cap = rule.max_access(facts.line_of_business)
    if cap is not None:
        add(
            Check(
                "access",
                facts.previous(rule.scheme) < cap,
                _l(
                    "At most %(n)s KUR loans of this scheme in this line of business.",
                    n=cap,
                ),
            )
        )
    return checks


def blocking_credit(facts: Facts) -> list[str]:
    """The credit kinds held that block KUR: those never allowed, and the allowed
    ones too when not all credit is current (Lancar)."""
    return [
        code
        for code in facts.other_credit
        if not credit_kind(code).allowed or not facts.other_credit_current
    ]


def _other_credit_check(rules: RuleSet, facts: Facts) -> Check:
    basis = rules.basis.get("other_credit")
    law = basis.article if basis is not None else rules.legal_basis
    blocking = blocking_credit(facts)
    if not facts.other_credit:
        return Check("other_credit", True, _l("No other credit."))
    if not blocking:
        return Check(
            "other_credit",
            True,
            _l(
                "Allowed alongside KUR while paid on time (%(law)s).",
                law=law,
            ),
        )
    if facts.other_credit_current:
        reasons = "; ".join(
            f"{CREDIT_KIND_LABELS[code]} ({credit_kind(code).article})"
            for code in blocking
        )
        return Check(
            "other_credit",
            False,
            _l(
                "Repay first: %(kinds)s. Only the kinds %(law)s lists may run alongside "
                "KUR.",
                kinds=reasons,
                law=law,
            ),
        )
    return Check(
        "other_credit",
        False,
        _l(
            "Other credit may run alongside KUR only while current (Lancar, "
            "%(law)s): bring the late payments up to date first.",
            law=law,
        ),
    )


def concurrent_refusal(
    rules: RuleSet, scheme: str, lender: str, amount_idr: int, held: list[HeldKur]
) -> tuple[str | None, str] | None:
    """Why a business KUR may not be filed next to the ones held, as ``(field,
    message)``, or ``None`` when it may.

    A second KUR is allowed only for KUR Mikro next to KUR Mikro, at the same
    lender, the one held disbursed and current (Lancar), and the total outstanding
    with the new plafond within the rule set's limit (Permenko 1/2023 Pasal 24(1);
    KUR at the same lender while current: Permenko 12/2025 Pasal 36(4)(a)). The
    database allows two active business KUR at most.
    """
    if not held:
        return None
    limit = rules.concurrent_mikro_total_idr
    first = held[0]
    if len(held) > 1:
        return None, _l("This person already holds two business KUR.")
    if limit is None or scheme != "mikro" or first.scheme != "mikro":
        return "scheme", _l(
            "This person already holds an active business KUR: a second one is "
            "allowed only as KUR Mikro next to KUR Mikro."
        )
    if first.grade is None:
        return None, _l(
            "The business KUR already filed is not disbursed yet: wait for it, or "
            "withdraw it."
        )
    if first.lender != lender:
        return "lender", _l("A second KUR Mikro is only from the lender of the first.")
    if first.grade != LANCAR:
        return None, _l("The KUR held must be current (Lancar) before a second one.")
    if first.outstanding_idr + amount_idr > limit:
        return "amount_idr", _l(
            "KUR Mikro outstanding in total at most %(limit)s: %(held)s still owed, "
            "so at most %(room)s more.",
            limit=format_rupiah(limit),
            held=format_rupiah(first.outstanding_idr),
            room=format_rupiah(max(limit - first.outstanding_idr, 0)),
        )
    return None


def advise(request: Request, facts: Facts) -> Advice:
    """Every scheme for the request's kind, with its checks, rate and instalment.

    :raises LookupError: for a date before the first rule set.
    """
    rules = rules_on(request.applied_on)
    names = PLACEMENT_SCHEMES if request.kind == "placement" else BUSINESS_SCHEMES
    verdicts = []
    for name in names:
        rule = rules.schemes[name]
        access = facts.access_number(name)
        periods = borrower_rates(
            rules.code, name, access, facts.province_code, request.applied_on
        )
        rate = rate_on(periods, request.applied_on)
        instalment = (
            annuity_instalment(request.amount_idr, rate, request.tenor_months)
            if request.amount_idr > 0 and request.tenor_months > 0
            else 0
        )
        verdicts.append(
            SchemeVerdict(
                name,
                rule,
                rate,
                instalment,
                _checks(rule, rules, request, facts),
                rate_periods=periods,
                access_number=access,
            )
        )
    return Advice(rules, verdicts)
