"""KUR rule data checked against the regulation texts (docs/kur-rules.md): rates over
a loan's life, access counted per scheme, the second concurrent KUR Mikro, the kinds
of other credit and the legal basis of every value.

Where each expected value comes from is said beside it: a regulation's article (the
text read on pasal.id), a press report of an announcement, or a hand computation
shown in the test.
"""

import importlib.util
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from juragan import clock
from juragan.db import loan_reading
from juragan.domain.eligibility import (
    Facts,
    HeldKur,
    Request,
    advise,
    blocking_credit,
    concurrent_refusal,
)
from juragan.domain.kur_rules import (
    CREDIT_KINDS,
    LEGAL_TEXT,
    RULE_SETS,
    SCHEMES,
    SECONDARY,
    VALUE_KEYS,
    borrower_rates,
    credit_kinds_of,
    credit_mask,
    rate_on,
    rule_set,
)
from juragan.errors import FieldErrors
from juragan.models import LoanApplication, utcnow
from juragan.services import loans
from juragan.services.loans import ApplicationData, Declared, Disbursement

JUTA = 1_000_000
ROOT = Path(__file__).resolve().parents[2]
D = Decimal

FACTS = Facts(
    has_nik=True,
    nik_verified=True,
    age=35,
    married=True,
    business_months=12,
    has_mentor=True,
    has_training=True,
    in_group=False,
    has_offtaker=False,
    line_of_business="culinary",
    annual_turnover_idr=120 * JUTA,
    has_npwp=True,
    other_credit=(),
    previous_by_scheme={},
)


def verdict(advice, scheme):
    return next(v for v in advice.verdicts if v.scheme == scheme)


# Rates over a loan's life ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_set_code", "scheme", "access", "province", "applied_on", "expected"),
    [
        # 2022: 6% for every scheme, paid at 3% through 31 December 2022 (the extra
        # subsidy: Bisnis.com, 7 March 2022; domain reference section 8).
        (
            "2022",
            "mikro",
            1,
            None,
            date(2022, 3, 1),
            ((date.min, D(3)), (date(2023, 1, 1), D(6))),
        ),
        (
            "2022",
            "pmi",
            1,
            "35",
            date(2022, 12, 31),
            ((date.min, D(3)), (date(2023, 1, 1), D(6))),
        ),
        (
            "2022",
            "super_mikro",
            1,
            None,
            date(2022, 7, 1),
            ((date.min, D(3)), (date(2023, 1, 1), D(6))),
        ),
        # 2023 tiers by access of KUR Mikro (Permenko 1/2023 Pasal 22(2), as quoted
        # by CNBC 4 Sep 2023): 6, 7, 8, 9%, the 4th repeating; one rate for life.
        ("2023", "mikro", 2, None, date(2024, 6, 1), ((date.min, D(7)),)),
        ("2023", "kecil", 3, "11", date(2024, 6, 1), ((date.min, D(8)),)),
        ("2023", "mikro", 6, None, date(2025, 6, 1), ((date.min, D(9)),)),
        ("2023", "super_mikro", 1, None, date(2024, 6, 1), ((date.min, D(3)),)),
        # 2026 in Aceh (11), Sumatera Utara (12), Sumatera Barat (13): 0% in 2026, 3%
        # in 2027, 6% from 2028 for new KUR of 2026 (the Coordinating Minister, detik
        # 26 Dec 2025): the rate steps on each 1 January.
        (
            "2026",
            "mikro",
            1,
            "11",
            date(2026, 3, 2),
            ((date.min, D(0)), (date(2027, 1, 1), D(3)), (date(2028, 1, 1), D(6))),
        ),
        (
            "2026",
            "kecil",
            4,
            "12",
            date(2026, 12, 31),
            ((date.min, D(0)), (date(2027, 1, 1), D(3)), (date(2028, 1, 1), D(6))),
        ),
        (
            "2026",
            "khusus",
            1,
            "13",
            date(2026, 1, 1),
            ((date.min, D(0)), (date(2027, 1, 1), D(3)), (date(2028, 1, 1), D(6))),
        ),
        # Super Mikro's own rate is 3%: the step to 3% is its own rate already, and
        # a relief never raises a rate (0, then 3; never 6).
        (
            "2026",
            "super_mikro",
            1,
            "11",
            date(2026, 5, 1),
            ((date.min, D(0)), (date(2027, 1, 1), D(3))),
        ),
        # Elsewhere, for placement KUR, or applied after 2026: the single 2026 rate.
        ("2026", "mikro", 1, "35", date(2026, 5, 1), ((date.min, D(6)),)),
        ("2026", "mikro", 1, None, date(2026, 5, 1), ((date.min, D(6)),)),
        ("2026", "pmi", 1, "11", date(2026, 5, 1), ((date.min, D(6)),)),
        ("2026", "mikro", 1, "11", date(2027, 1, 2), ((date.min, D(6)),)),
        ("2026", "mikro", 3, "14", date(2026, 5, 1), ((date.min, D(6)),)),
    ],
)
def test_borrower_rates_step_over_calendar_time(
    rule_set_code, scheme, access, province, applied_on, expected
):
    assert borrower_rates(rule_set_code, scheme, access, province, applied_on) == (
        expected
    )


def test_the_rate_in_force_on_each_day():
    aceh = borrower_rates("2026", "mikro", 1, "11", date(2026, 6, 1))
    # The interest of a period is at the rate in force on its due date.
    assert [
        rate_on(aceh, day)
        for day in (
            date(2026, 6, 1),
            date(2026, 12, 31),
            date(2027, 1, 1),
            date(2027, 12, 31),
            date(2028, 1, 1),
            date(2031, 5, 1),
        )
    ] == [0, 0, 3, 3, 6, 6]
    with pytest.raises(ValueError):
        rate_on((), date(2026, 1, 1))


def test_rate_for_access_is_the_rate_without_an_adjustment():
    for rules in RULE_SETS:
        for scheme in SCHEMES:
            for access in range(1, 6):
                # Outside every adjustment's window and provinces.
                periods = borrower_rates(
                    rules.code, scheme, access, "35", date(2021, 1, 1)
                )
                assert periods == (
                    (date.min, rules.schemes[scheme].rate_for_access(access)),
                )


def test_the_simulator_shows_the_rate_now_and_its_steps():
    aceh = replace(FACTS, province_code="11")
    advice = advise(
        Request("business", 50 * JUTA, 36, "working_capital", date(2026, 11, 1)), aceh
    )
    mikro = verdict(advice, "mikro")
    assert mikro.rate_percent == 0
    # Hand computation: at 0% the annuity is the principal over the months,
    # 50.000.000 / 36 = 1.388.888,89, rounded half up to Rp1.388.889.
    assert mikro.instalment_idr == 1_388_889
    assert mikro.rate_changes == ((date(2027, 1, 1), 3), (date(2028, 1, 1), 6))
    # East Java: 6%, the domain reference's worked example Rp1.521.097.
    east_java = verdict(
        advise(
            Request("business", 50 * JUTA, 36, "working_capital", date(2026, 11, 1)),
            replace(FACTS, province_code="35"),
        ),
        "mikro",
    )
    assert (east_java.rate_percent, east_java.instalment_idr) == (6, 1_521_097)
    assert east_java.rate_changes == ()


# Access counts per scheme --------------------------------------------------------------


def test_accesses_count_per_scheme_in_the_advice():
    # Two Mikro and one Super Mikro before: the next Mikro is Mikro access 3, at 8%
    # under 1/2023 (Pasal 22(2): 6/7/8/9% by access of KUR Mikro); the next Super
    # Mikro is at its single 3%, the next Kecil is Kecil access 1 at 6%.
    farming = replace(
        FACTS,
        line_of_business="farming",
        previous_by_scheme={"mikro": 2, "super_mikro": 1},
    )
    advice = advise(
        Request("business", 50 * JUTA, 24, "working_capital", date(2025, 6, 1)), farming
    )
    assert (
        verdict(advice, "mikro").access_number,
        verdict(advice, "mikro").rate_percent,
    ) == (3, 8)
    assert verdict(advice, "mikro").fits  # farming: at most 4 (Pasal 24(4))
    kecil = verdict(
        advise(
            Request("business", 200 * JUTA, 24, "working_capital", date(2025, 6, 1)),
            farming,
        ),
        "kecil",
    )
    assert (kecil.access_number, kecil.rate_percent) == (1, 6)
    # Outside production lines the cap is 2 Mikro (Pasal 24(4a)): the third fails;
    # the Super Mikro before does not count toward it.
    culinary = replace(farming, line_of_business="culinary")
    assert {
        c.code
        for c in verdict(
            advise(
                Request("business", 50 * JUTA, 24, "working_capital", date(2025, 6, 1)),
                culinary,
            ),
            "mikro",
        ).failures
    } == {"access"}
    one_mikro = replace(culinary, previous_by_scheme={"mikro": 1, "super_mikro": 5})
    assert verdict(
        advise(
            Request("business", 50 * JUTA, 24, "working_capital", date(2025, 6, 1)),
            one_mikro,
        ),
        "mikro",
    ).fits


def _past_loan(db, returnee, scheme, amount, applied_on):
    loan = LoanApplication(
        returnee_id=returnee.id,
        kind="business",
        lender="bri",
        scheme=scheme,
        rule_set="2023",
        purpose="working_capital",
        amount_requested_idr=amount,
        amount_disbursed_idr=amount,
        tenor_months=12,
        access_number=1,
        rate_percent=6,
        status="paid_off",
        applied_on=applied_on,
        interest_only_months=[],
        business_slot=1,
    )
    db.session.add(loan)
    db.session.flush()
    return loan


def test_previous_kur_counts_disbursed_loans_per_scheme(db, cast, make_plan):
    _past_loan(db, cast.returnee, "mikro", 20 * JUTA, date(2023, 3, 1))
    _past_loan(db, cast.returnee, "mikro", 30 * JUTA, date(2024, 3, 1))
    _past_loan(db, cast.returnee, "super_mikro", 5 * JUTA, date(2024, 9, 1))
    assert loans.previous_kur(db.session, cast.returnee) == {
        "mikro": 2,
        "super_mikro": 1,
    }
    # Declared KUR elsewhere adds to its own scheme.
    facts = loans.facts_for(
        db.session,
        cast.returnee,
        date(2025, 6, 1),
        Declared(kur_elsewhere={"mikro": 1, "kecil": 2}),
    )
    assert facts.previous_by_scheme == {"mikro": 3, "super_mikro": 1, "kecil": 2}
    # Filed in 2025 (rule set 2023): Mikro access 3 at 8%, the filing keeps both.
    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    loan, _ = loans.create_application(
        db.session,
        cast.returnee_user,
        cast.returnee,
        ApplicationData(
            kind="business",
            scheme="mikro",
            lender="bri",
            amount_idr=20 * JUTA,
            tenor_months=12,
            purpose="working_capital",
            declared=Declared(),
            plan_id=plan.id,
        ),
        date(2025, 6, 1),
    )
    assert (loan.rule_set, loan.access_number, loan.rate_percent) == ("2023", 3, 8)
    # The borrower's province at filing is kept for the rates (Kab. Malang, 35).
    assert loan.rate_province_code == cast.returnee.province_code == "35"
    assert loan.business_slot == 1


# The second concurrent KUR Mikro ----------------------------------------------------


def test_concurrent_refusal_follows_pasal_24():
    rules = rule_set("2026")
    held = [HeldKur("mikro", "bri", 40 * JUTA, 1)]
    # Permenko 1/2023 Pasal 24(1): total outstanding up to Rp100 juta.
    assert concurrent_refusal(rules, "mikro", "bri", 60 * JUTA, held) is None
    field, message = concurrent_refusal(rules, "mikro", "bri", 61 * JUTA, held)
    assert field == "amount_idr"
    assert "Rp60.000.000" in str(message)  # 100 - 40 = 60 juta of room
    assert concurrent_refusal(rules, "mikro", "bni", 10 * JUTA, held)[0] == "lender"
    assert concurrent_refusal(rules, "kecil", "bri", 150 * JUTA, held)[0] == "scheme"
    late = [HeldKur("mikro", "bri", 40 * JUTA, 2)]
    assert concurrent_refusal(rules, "mikro", "bri", 10 * JUTA, late) is not None
    pending = [HeldKur("mikro", "bri", 40 * JUTA, None)]
    assert concurrent_refusal(rules, "mikro", "bri", 10 * JUTA, pending) is not None
    super_mikro = [HeldKur("super_mikro", "bri", 5 * JUTA, 1)]
    assert (
        concurrent_refusal(rules, "mikro", "bri", 10 * JUTA, super_mikro)[0] == "scheme"
    )
    two = held + [HeldKur("mikro", "bri", 10 * JUTA, 1)]
    assert concurrent_refusal(rules, "mikro", "bri", 1 * JUTA, two) is not None
    # The 2022 rule set has no second KUR in the data (not checked in 1/2022).
    assert concurrent_refusal(rule_set("2022"), "mikro", "bri", 1 * JUTA, held)


def disbursed_today(db, cast, make_loan, amount=40 * JUTA):
    """A KUR Mikro of ``amount`` at BRI disbursed five days ago, nothing due yet:
    current (Lancar), the whole principal outstanding."""
    loan = make_loan(cast, status="approved", amount=amount)
    today = clock.today()
    start = today - timedelta(days=5)
    loans.disburse(
        db.session,
        cast.bank_officer,
        loan,
        Disbursement(amount, start, start, start + timedelta(days=30)),
        today,
        utcnow(),
    )
    db.session.commit()
    return loan


def second(loan, amount, lender="bri", scheme="mikro"):
    return ApplicationData(
        kind="business",
        scheme=scheme,
        lender=lender,
        amount_idr=amount,
        tenor_months=12,
        purpose="working_capital",
        declared=Declared(has_npwp=True),
        business_id=loan.business_id,
    )


def test_a_second_kur_mikro_within_rp100_juta(db, cast, make_loan):
    first = disbursed_today(db, cast, make_loan)
    today = clock.today()
    with pytest.raises(FieldErrors) as refused:
        loans.create_application(
            db.session,
            cast.returnee_user,
            cast.returnee,
            second(first, 61 * JUTA),
            today,
        )
    assert dict(refused.value.errors).keys() == {"amount_idr"}
    with pytest.raises(FieldErrors) as refused:
        loans.create_application(
            db.session,
            cast.returnee_user,
            cast.returnee,
            second(first, 30 * JUTA, lender="bni"),
            today,
        )
    assert dict(refused.value.errors).keys() == {"lender"}
    # 40 + 60 = 100 juta: allowed, in the second slot.
    loan, _ = loans.create_application(
        db.session, cast.returnee_user, cast.returnee, second(first, 60 * JUTA), today
    )
    assert (loan.business_slot, loan.access_number) == (2, 2)  # the 2nd Mikro access
    # Sent on: two active business KUR, the database's limit.
    loan.status = "submitted"
    db.session.flush()
    with pytest.raises(FieldErrors):
        loans.create_application(
            db.session,
            cast.returnee_user,
            cast.returnee,
            second(first, 1 * JUTA),
            today,
        )


def test_the_first_kur_must_be_current(db, cast, make_loan):
    first = disbursed_today(db, cast, make_loan)
    # Forty days after the first due date, unpaid: 40 days past due, class 2 (DPK,
    # POJK 40/2019: 1-90 days), not Lancar.
    late = first.first_due_on + timedelta(days=40)
    with pytest.raises(FieldErrors) as refused:
        loans.create_application(
            db.session,
            cast.returnee_user,
            cast.returnee,
            second(first, 20 * JUTA),
            late,
        )
    assert "lancar" in str(dict(refused.value.errors)[None])  # in Indonesian


def test_the_database_allows_two_active_business_kur(db, cast, make_loan):
    first = disbursed_today(db, cast, make_loan)
    loan, _ = loans.create_application(
        db.session,
        cast.returnee_user,
        cast.returnee,
        second(first, 20 * JUTA),
        clock.today(),
    )
    loan.status = "submitted"
    db.session.flush()

    def row(**values):
        return LoanApplication(
            **{
                "returnee_id": cast.returnee.id,
                "kind": "business",
                "lender": "bri",
                "scheme": "mikro",
                "rule_set": "2026",
                "purpose": "investment",
                "amount_requested_idr": JUTA,
                "tenor_months": 12,
                "access_number": 1,
                "rate_percent": 6,
                "status": "submitted",
                "applied_on": date(2026, 11, 1),
                "interest_only_months": [],
                **values,
            }
        )

    for values in (
        {"business_slot": 1},
        {"business_slot": 2},
        {"business_slot": 3},
        {"business_slot": None},
    ):
        with db.session.begin_nested():
            db.session.add(row(**values))
            with pytest.raises(IntegrityError):
                db.session.flush()
    # A closed one keeps its slot number without holding it.
    with db.session.begin_nested():
        db.session.add(row(business_slot=1, status="withdrawn"))
        db.session.flush()


# Other credit -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for k in CREDIT_KINDS if k.offered])
def test_each_kind_of_other_credit(kind):
    # Permenko 12/2025 Pasal 36(3a), (3b), (4): allowed kinds while Lancar; other
    # productive credit, KUR elsewhere and unpaid programme credit block.
    facts = replace(FACTS, other_credit=(kind.code,))
    check = next(
        c
        for c in verdict(
            advise(
                Request(
                    "business", 50 * JUTA, 24, "working_capital", date(2026, 11, 1)
                ),
                facts,
            ),
            "mikro",
        ).checks
        if c.code == "other_credit"
    )
    assert check.passed is kind.allowed
    if not kind.allowed:
        assert kind.article in str(check.message)
    late = replace(facts, other_credit_current=False)
    assert blocking_credit(late) == [kind.code]


def test_which_kinds_block():
    expected_blocking = {
        "kur_other_lender",
        "productive_commercial",
        "government_programme",
    }
    assert {k.code for k in CREDIT_KINDS if not k.allowed} == expected_blocking
    held = replace(FACTS, other_credit=("kpr", "credit_card", "productive_commercial"))
    assert blocking_credit(held) == ["productive_commercial"]
    assert blocking_credit(replace(FACTS, other_credit=())) == []


def test_the_credit_mask_and_the_migrated_values():
    # Bits in CREDIT_KINDS order: consumer is bit 0, kpr bit 4, productive
    # commercial bit 10, the legacy "allowed" bit 12 (hand count of the list).
    assert credit_mask(["consumer", "kpr"]) == 1 + 16
    assert credit_kinds_of(17) == ("consumer", "kpr")
    path = ROOT / "migrations" / "versions" / "0015_kur_rule_data.py"
    spec = importlib.util.spec_from_file_location("m0019", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert credit_kinds_of(migration.PRODUCTIVE_COMMERCIAL) == (
        "productive_commercial",
    )
    assert credit_kinds_of(migration.ALLOWED_UNSPECIFIED) == ("allowed_unspecified",)
    assert credit_mask(k.code for k in CREDIT_KINDS) == migration.ALL_KINDS
    assert credit_kinds_of(migration.BLOCKING) == (
        "kur_other_lender",
        "productive_commercial",
        "government_programme",
    )
    with pytest.raises(LookupError):
        credit_mask(["mortgage"])


def test_filing_keeps_the_kinds_and_refuses_unknown_ones(db, cast, make_loan):
    plan_loan = make_loan(cast)
    data = second(plan_loan, 20 * JUTA)
    data.declared = Declared(other_credit=("p2p", "kpr"))
    loan, _ = loans.create_application(
        db.session, cast.returnee_user, cast.returnee, data, clock.today()
    )
    assert loan.other_credit_kinds == ("p2p", "kpr")
    data.declared = Declared(other_credit=("allowed_unspecified",))
    with pytest.raises(FieldErrors) as refused:
        loans.create_application(
            db.session, cast.returnee_user, cast.returnee, data, clock.today()
        )
    assert "other_credit" in dict(refused.value.errors)


# The rule set rows and their legal basis --------------------------------------------


def test_every_value_names_its_basis_and_status():
    docs = (ROOT / "docs" / "kur-rules.md").read_text(encoding="utf-8")
    for rules in RULE_SETS:
        assert set(rules.basis) <= set(VALUE_KEYS)
        assert {"plafonds", "rates", "other_credit", "npwp"} <= set(rules.basis)
        for source in rules.basis.values():
            assert source.standing in (LEGAL_TEXT, SECONDARY)
            assert source.url.startswith("https://")
            assert source.url in docs  # findable from the repository itself
        for adjustment in rules.rate_adjustments:
            assert adjustment.source.url in docs
            assert adjustment.steps[0][0] == date.min
    # Read on pasal.id: Permenko 1/2023 Pasal 24(1), (4), (4a), Pasal 35 and
    # Permenko 12/2025 Pasal 36.
    confirmed = {key for key, source in rule_set("2023").sources if source.confirmed}
    assert confirmed == {"khusus", "access_caps", "concurrent_mikro", "other_credit"}
    # The text of Permenko 1/2026 was not found: nothing new in 2026 is confirmed.
    assert [key for key, source in rule_set("2026").sources if source.confirmed] == []
    assert all(not a.source.confirmed for r in RULE_SETS for a in r.rate_adjustments)
    assert rule_set("2026").turnover_ceiling_idr == 4_800 * JUTA
    assert rule_set("2026").concurrent_mikro_total_idr == 100 * JUTA
    assert rule_set("2023").concurrent_mikro_total_idr == 100 * JUTA
    assert rule_set("2022").concurrent_mikro_total_idr is None
    # Caps per Pasal 24(4), (4a) in 2023; dropped (announced) in 2026.
    assert (
        rule_set("2023").schemes["mikro"].max_access("farming"),
        rule_set("2023").schemes["mikro"].max_access("culinary"),
    ) == (4, 2)
    assert rule_set("2026").schemes["mikro"].max_access("culinary") is None
    for rules in RULE_SETS:
        assert rules.to_verify


def test_sending_a_draft_checks_the_second_kur_again(db, cast, make_loan, tmp_path):
    """Two drafts of Rp60 juta next to a Rp40 juta KUR Mikro each fit when filed;
    once the first is sent, the second would make Rp160 juta: it is refused on
    sending (Permenko 1/2023 Pasal 24(1), docs/kur-rules.md)."""
    from tests.factories import PDF_BYTES

    first = disbursed_today(db, cast, make_loan)
    today = clock.today()
    now = utcnow()
    drafts = [
        loans.create_application(
            db.session,
            cast.returnee_user,
            cast.returnee,
            second(first, 60 * JUTA),
            today,
        )[0]
        for _ in range(2)
    ]
    for draft in drafts:
        for kind in loan_reading.required_documents(draft):
            loans.attach_document(
                db.session,
                cast.returnee_user,
                draft,
                kind,
                "x.pdf",
                PDF_BYTES,
                tmp_path,
                now,
            )
    loans.submit(db.session, cast.returnee_user, drafts[0], now)
    with pytest.raises(FieldErrors) as refused:
        loans.submit(db.session, cast.returnee_user, drafts[1], now)
    assert drafts[1].status == "draft"
    assert refused.value.errors


def test_tenor_bounds_come_from_the_rule_data():
    """Every tenor bound is the rule data's longest tenor; the stored tenors' CHECKs
    were migrated with 84 months, so a longer tenor in the data must come with a
    migration of those CHECKs (and this figure moved with it)."""
    from juragan.domain import kur_rules, servicing
    from juragan.models import BusinessPlan, LoanApplication

    longest = max(
        months
        for rules in kur_rules.RULE_SETS
        for scheme in rules.schemes.values()
        for months in (*scheme.max_tenor.values(), *scheme.max_tenor_extended.values())
    )
    assert kur_rules.LONGEST_TENOR_MONTHS == longest == 84
    assert longest == servicing.MAX_INSTALMENTS
    checks = {
        constraint.name: str(constraint.sqltext)
        for table in (BusinessPlan.__table__, LoanApplication.__table__)
        for constraint in table.constraints
        if str(constraint.name).endswith("tenor_range")
    }
    assert len(checks) == 2, checks
    assert all(text.endswith(f"BETWEEN 1 AND {longest}") for text in checks.values())


def test_a_plan_assumes_the_rate_of_a_first_kur_mikro():
    from juragan.domain import kur_rules
    from juragan.services import plans

    latest = kur_rules.RULE_SETS[-1]
    assert latest.schemes["mikro"].rate_for_access(1) == plans.DEFAULT_KUR_RATE
    assert Decimal("6.00") == plans.DEFAULT_KUR_RATE
