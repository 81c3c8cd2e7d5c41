"""KUR rules as data and the eligibility advice, at every boundary."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from juragan.domain.eligibility import Facts, Request, advise
from juragan.domain.kur_rules import RULE_SETS, rules_on

JUTA = 1_000_000
IN_2026 = date(2026, 11, 1)
IN_2024 = date(2024, 6, 1)

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


def request(amount, tenor=24, purpose="working_capital", on=IN_2026, kind="business"):
    return Request(kind, amount, tenor, purpose, on)


def verdict(advice, scheme):
    return next(v for v in advice.verdicts if v.scheme == scheme)


def failed(advice, scheme):
    return {check.code for check in verdict(advice, scheme).failures}


def fitting(advice):
    return {v.scheme for v in advice.fitting}


def test_rule_sets_cover_every_day_without_overlap():
    days = [
        date(2022, 1, 1),
        date(2022, 12, 31),
        date(2023, 1, 1),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2030, 1, 1),
    ]
    assert [rules_on(day).code for day in days] == [
        "2022",
        "2022",
        "2023",
        "2023",
        "2026",
        "2026",
    ]
    for earlier, later in zip(RULE_SETS, RULE_SETS[1:], strict=False):
        assert (later.effective_from - earlier.effective_to).days == 1
    with pytest.raises(LookupError):
        rules_on(date(2021, 12, 31))
    for rule_set in RULE_SETS:
        assert rule_set.legal_basis.startswith("Permenko")
        assert set(rule_set.schemes) == {
            "super_mikro",
            "mikro",
            "kecil",
            "khusus",
            "pmi",
        }


@pytest.mark.parametrize(
    ("amount", "schemes"),
    [
        (10 * JUTA, {"super_mikro"}),
        (10 * JUTA + 1, {"mikro"}),
        (100 * JUTA, {"mikro"}),
        (100 * JUTA + 1, {"kecil"}),
        (500 * JUTA, {"kecil"}),
        (500 * JUTA + 1, set()),
    ],
)
def test_plafond_edges(amount, schemes):
    advice = advise(request(amount), FACTS)
    assert fitting(advice) == schemes
    for scheme in {"super_mikro", "mikro", "kecil"} - schemes:
        assert "plafond" in failed(advice, scheme)


@pytest.mark.parametrize(
    ("on", "previous", "rate"),
    [
        (IN_2024, 0, "6"),
        (IN_2024, 1, "7"),
        (IN_2024, 2, "8"),
        (IN_2024, 3, "9"),
        (IN_2024, 7, "9"),
        (date(2025, 12, 31), 2, "8"),
        (date(2026, 1, 1), 2, "6"),
        (IN_2026, 0, "6"),
        (IN_2026, 5, "6"),
        # 2022: 6% for every access, but borrowers paid 3% through 31 December
        # 2022 (the extra subsidy, Bisnis.com 7 March 2022): 3% when applying.
        (date(2022, 6, 1), 3, "3"),
    ],
)
def test_rate_by_access_count_and_rule_set(on, previous, rate):
    facts = replace(
        FACTS,
        line_of_business="farming",
        previous_by_scheme={"mikro": previous, "kecil": previous},
    )
    advice = advise(request(50 * JUTA, on=on), facts)
    assert verdict(advice, "mikro").rate_percent == Decimal(rate)
    assert verdict(advice, "kecil").rate_percent == Decimal(rate)


def test_super_mikro_rate_fell_to_three_percent_in_2023():
    # 6% in 2022, paid at 3% through 31 December 2022 (the extra subsidy) and 6%
    # from 1 January 2023 (domain reference section 8; Bisnis.com 7 March 2022).
    late_2022 = verdict(
        advise(request(5 * JUTA, on=date(2022, 12, 31)), FACTS), "super_mikro"
    )
    assert late_2022.rate_percent == 3
    assert late_2022.rate_periods == ((date.min, 3), (date(2023, 1, 1), 6))
    assert (
        verdict(
            advise(request(5 * JUTA, on=date(2023, 1, 1)), FACTS), "super_mikro"
        ).rate_percent
        == 3
    )


def test_instalment_is_the_annuity_at_the_scheme_rate():
    advice = advise(request(50 * JUTA, tenor=36), FACTS)
    assert verdict(advice, "mikro").instalment_idr == 1_521_097  # the worked example
    second = advise(
        request(50 * JUTA, tenor=36, on=IN_2024),
        replace(FACTS, previous_by_scheme={"mikro": 1, "kecil": 1}),
    )
    assert verdict(second, "mikro").instalment_idr == 1_543_855  # 7% on the 2nd access


@pytest.mark.parametrize(
    ("scheme_amount", "purpose", "tenor", "fits"),
    [
        (50 * JUTA, "working_capital", 36, True),
        (50 * JUTA, "working_capital", 37, False),
        (50 * JUTA, "investment", 60, True),
        (50 * JUTA, "investment", 61, False),
        (200 * JUTA, "working_capital", 48, True),
        (200 * JUTA, "working_capital", 49, False),
        (200 * JUTA, "investment", 60, True),
        (5 * JUTA, "investment", 61, False),
    ],
)
def test_tenor_limits(scheme_amount, purpose, tenor, fits):
    advice = advise(request(scheme_amount, tenor=tenor, purpose=purpose), FACTS)
    scheme = {5 * JUTA: "super_mikro", 50 * JUTA: "mikro", 200 * JUTA: "kecil"}[
        scheme_amount
    ]
    assert verdict(advice, scheme).fits is fits
    if not fits:
        assert failed(advice, scheme) == {"tenor"}


@pytest.mark.parametrize(
    ("amount", "scheme", "fits_without_npwp"),
    [
        (50 * JUTA, "mikro", True),
        (50 * JUTA + 1, "mikro", False),
        (10 * JUTA, "super_mikro", True),
        (150 * JUTA, "kecil", False),
    ],
)
def test_npwp_threshold(amount, scheme, fits_without_npwp):
    advice = advise(request(amount), replace(FACTS, has_npwp=False))
    assert verdict(advice, scheme).fits is fits_without_npwp
    if not fits_without_npwp:
        assert failed(advice, scheme) == {"npwp"}


def test_business_age_and_the_super_mikro_exemption():
    young = replace(FACTS, business_months=5)
    advice = advise(request(20 * JUTA), young)
    assert failed(advice, "mikro") == {"business_age"}
    assert verdict(
        advise(request(20 * JUTA), replace(FACTS, business_months=6)), "mikro"
    ).fits
    # Super Mikro: a new business qualifies through mentoring, training or a group.
    unsupported = replace(
        FACTS,
        business_months=None,
        has_mentor=False,
        has_training=False,
        in_group=False,
    )
    assert failed(advise(request(5 * JUTA), unsupported), "super_mikro") == {
        "business_age"
    }
    for support in ({"has_mentor": True}, {"has_training": True}, {"in_group": True}):
        assert verdict(
            advise(request(5 * JUTA), replace(unsupported, **support)), "super_mikro"
        ).fits


def test_age_is_a_bank_rule_with_marriage_and_pmi_exceptions():
    advice = advise(request(20 * JUTA), replace(FACTS, age=20, married=False))
    [age_check] = [c for c in verdict(advice, "mikro").failures]
    assert age_check.code == "age"
    assert age_check.bank_rule
    assert verdict(
        advise(request(20 * JUTA), replace(FACTS, age=20, married=True)), "mikro"
    ).fits
    pmi = replace(
        FACTS, age=18, married=False, contract_months=24, business_months=None
    )
    assert "age" in failed(advise(request(20 * JUTA, kind="placement"), pmi), "pmi")
    consented = replace(pmi, family_consent=True)
    assert verdict(advise(request(20 * JUTA, kind="placement"), consented), "pmi").fits


def test_access_caps_before_2026_only():
    farming = replace(FACTS, line_of_business="farming")
    assert verdict(
        advise(
            request(50 * JUTA, on=IN_2024),
            replace(farming, previous_by_scheme={"mikro": 3, "kecil": 3}),
        ),
        "mikro",
    ).fits
    assert failed(
        advise(
            request(50 * JUTA, on=IN_2024),
            replace(farming, previous_by_scheme={"mikro": 4, "kecil": 4}),
        ),
        "mikro",
    ) == {"access"}
    assert failed(
        advise(
            request(50 * JUTA, on=IN_2024),
            replace(FACTS, previous_by_scheme={"mikro": 2, "kecil": 2}),
        ),
        "mikro",
    ) == {"access"}
    assert verdict(
        advise(
            request(50 * JUTA),
            replace(FACTS, previous_by_scheme={"mikro": 9, "kecil": 9}),
        ),
        "mikro",
    ).fits


def test_turnover_ceiling_from_2026():
    rich = replace(FACTS, annual_turnover_idr=4_800 * JUTA)
    assert verdict(advise(request(200 * JUTA), rich), "kecil").fits
    richer = replace(rich, annual_turnover_idr=4_800 * JUTA + 1)
    assert failed(advise(request(200 * JUTA), richer), "kecil") == {"turnover"}
    assert verdict(advise(request(200 * JUTA, on=IN_2024), richer), "kecil").fits


def test_other_productive_credit_blocks():
    advice = advise(
        request(50 * JUTA), replace(FACTS, other_credit=("productive_commercial",))
    )
    assert fitting(advice) == set()
    assert failed(advice, "mikro") == {"other_credit"}
    assert verdict(
        advise(request(50 * JUTA), replace(FACTS, other_credit=("consumer", "kpr"))),
        "mikro",
    ).fits


def test_placement_kur_within_the_contract_and_three_years():
    pmi = replace(FACTS, business_months=None, contract_months=24)
    assert fitting(advise(request(30 * JUTA, tenor=24, kind="placement"), pmi)) == {
        "pmi"
    }
    assert failed(
        advise(request(30 * JUTA, tenor=25, kind="placement"), pmi), "pmi"
    ) == {"tenor"}
    long_contract = replace(pmi, contract_months=48)
    assert failed(
        advise(request(30 * JUTA, tenor=37, kind="placement"), long_contract), "pmi"
    ) == {"tenor"}
    assert failed(
        advise(request(100 * JUTA + 1, tenor=24, kind="placement"), pmi), "pmi"
    ) == {"plafond"}
    no_contract = replace(pmi, contract_months=None)
    assert "contract" in failed(
        advise(request(30 * JUTA, kind="placement"), no_contract), "pmi"
    )


def test_khusus_needs_a_group_with_an_offtaker():
    advice = advise(request(50 * JUTA), FACTS)
    assert failed(advice, "khusus") == {"group"}
    grouped = replace(FACTS, in_group=True, has_offtaker=True)
    assert verdict(advise(request(50 * JUTA), grouped), "khusus").fits
