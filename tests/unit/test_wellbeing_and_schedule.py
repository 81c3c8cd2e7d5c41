"""Wellbeing scores against worked examples; visit due dates across stages and risks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from juragan.domain.visit_schedule import Cadence, CaseFacts, next_visit, risk_signs
from juragan.domain.wellbeing import QUESTIONS, score

ALL = [q.code for q in QUESTIONS]


def answers(**overrides):
    values = dict.fromkeys(ALL, 3)
    values.update(overrides)
    return values


def test_middle_answers_score_one_half():
    result = score(answers())
    assert (result.economic, result.social, result.psychosocial, result.overall) == (
        Decimal("0.500"),
        Decimal("0.500"),
        Decimal("0.500"),
        Decimal("0.500"),
    )


def test_reverse_questions_count_the_other_way():
    # Economic: income 5, debt 1 (little debt: good), work 5, savings 5 -> 1.0.
    result = score(answers(income=5, debt=1, work=5, savings=5))
    assert result.economic == Decimal("1.000")
    # Overall: (1.0 + 0.5 + 0.5) / 3 = 0.6667 -> 0.667.
    assert result.overall == Decimal("0.667")


def test_worked_example_with_unequal_dimensions():
    # Social: 4, 4, 2, 3 -> (0.75 + 0.75 + 0.25 + 0.5) / 4 = 0.5625 -> 0.563.
    # Psychosocial: belonging 2, support 2, distress 4 (rev 0.25), migrate 5 (rev 0)
    #   -> (0.25 + 0.25 + 0.25 + 0) / 4 = 0.1875 -> 0.188.
    result = score(
        answers(
            housing=4,
            health=4,
            school=2,
            services=3,
            belonging=2,
            support=2,
            distress=4,
            migrate=5,
        )
    )
    assert result.social == Decimal("0.563")
    assert result.psychosocial == Decimal("0.188")
    # Overall from the unrounded means: (0.5 + 0.5625 + 0.1875) / 3 = 0.41667.
    assert result.overall == Decimal("0.417")


def test_weights_are_configurable():
    weights = {"economic": Decimal(2), "social": Decimal(1), "psychosocial": Decimal(1)}
    result = score(answers(income=5, debt=1, work=5, savings=5), weights)
    assert result.overall == Decimal("0.750")  # (2 x 1.0 + 0.5 + 0.5) / 4


def test_every_question_needs_an_answer_from_one_to_five():
    with pytest.raises(ValueError):
        score({code: 3 for code in ALL[:-1]})
    with pytest.raises(ValueError):
        score(answers(income=6))


LAST = date(2026, 9, 1)


def test_quarterly_before_a_business_and_monthly_while_it_is_young():
    assert next_visit(CaseFacts(LAST)).due_on == LAST + timedelta(days=90)
    young = CaseFacts(LAST, business_opened_on=date(2026, 7, 1))
    due = next_visit(young)
    assert due.due_on == LAST + timedelta(days=30)
    assert due.reasons == ("young_business",)
    # Six months after opening, back to quarterly.
    older = CaseFacts(LAST, business_opened_on=date(2026, 2, 28))
    assert next_visit(older).due_on == LAST + timedelta(days=90)


@pytest.mark.parametrize(
    ("facts", "sign"),
    [
        (CaseFacts(LAST, days_past_due=1), "arrears"),
        (CaseFacts(LAST, revenue_vs_plan=((500, 1000), (590, 1000))), "revenue"),
        (CaseFacts(LAST, wellbeing=(Decimal("0.4"), Decimal("0.5"))), "wellbeing"),
        (CaseFacts(LAST, business_paused=True), "paused"),
    ],
)
def test_each_risk_brings_the_visit_forward(facts, sign):
    due = next_visit(facts)
    assert due.due_on == LAST + timedelta(days=14)
    assert due.reasons == (sign,)


def test_no_risk_at_the_edges():
    # 60% of the plan is not below it; one bad month is not two; a rising score.
    assert risk_signs(CaseFacts(LAST, revenue_vs_plan=((600, 1000), (100, 1000)))) == []
    assert risk_signs(CaseFacts(LAST, revenue_vs_plan=((100, 1000),))) == []
    assert risk_signs(CaseFacts(LAST, wellbeing=(Decimal("0.6"), Decimal("0.5")))) == []


def test_an_agreed_visit_counts_when_sooner_and_overdue_is_after_the_day():
    facts = CaseFacts(LAST, agreed_next_visit=LAST + timedelta(days=7), days_past_due=5)
    due = next_visit(facts)
    assert due.due_on == LAST + timedelta(days=7)
    assert due.reasons == ("agreed",)
    assert not due.is_overdue(LAST + timedelta(days=7))
    assert due.is_overdue(LAST + timedelta(days=8))


def test_officials_cadence():
    cadence = Cadence(early_days=21, early_months=3, steady_days=60, risk_days=7)
    assert next_visit(CaseFacts(LAST), cadence).due_on == LAST + timedelta(days=60)
    assert next_visit(
        CaseFacts(LAST, business_paused=True), cadence
    ).due_on == LAST + timedelta(days=7)
