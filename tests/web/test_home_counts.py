"""The region home's counts (how many returnees, per regency, how many women) are
read from the summary tables for officials and bank officers. They must be the
counts of the people the reader may see on every other path: the region, the
lender's applicants (never a draft, only while the consent to sharing holds
before the money goes out)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from juragan.db import scope
from juragan.domain import loan_lifecycle
from juragan.models import (
    BusinessPlan,
    LoanApplication,
    Returnee,
)
from juragan.policy import scoped
from juragan.reports import overview
from juragan.services import plans
from tests.factories import login, withdraw_sharing


def _seen_on_the_registry(session, user):
    """The oracle: the returnees the data layer's scope gives, counted in Python."""
    people = session.scalars(
        scoped(select(Returnee), user, Returnee).order_by(Returnee.id)
    ).all()
    per = Counter(p.regency_code for p in people)
    women = Counter(p.regency_code for p in people if p.sex == "F")
    names = {p.regency_code: p.regency.name for p in people}
    ranked = sorted(per, key=lambda code: (-per[code], code))[:15]
    return len(people), [
        overview.RegionCount(code, names[code], per[code], women[code])
        for code in ranked
    ]


@pytest.fixture
def registry(db, cast, make_loan, make_plan, make_returnee):
    """People in three East Java regencies and in Central Java, men and women, with
    plans in every state waiting for a reviewer (two for one person); KUR
    applications at BRI in every relevant state for its officer."""
    waiting = {
        "35.07": ("submitted", "in_review"),
        "35.78": ("submitted",),
        "35.73": ("draft",),
        "33.01": ("submitted", "in_review"),
    }
    for regency, sex in (
        ("35.07", "M"),
        ("35.07", "M"),
        ("35.78", "F"),
        ("35.73", "M"),
        ("33.01", "F"),
    ):
        person = make_returnee(regency=regency, sex=sex)
        for status in waiting.pop(regency, ()):
            make_plan(person, cast.official_province, cast.mentor, status=status)
    make_loan(cast, status="submitted", returnee=make_returnee(regency="33.01"))
    make_loan(cast, status="submitted")  # sent to the bank: the officer's
    make_loan(cast, status="draft", returnee=make_returnee(regency="35.78"))
    make_loan(
        cast, status="disbursed", returnee=make_returnee(regency="35.73", sex="M")
    )
    withdrawn = make_returnee(regency="35.07")
    make_loan(cast, status="verified", returnee=withdrawn)
    # Consent to sharing with the lender withdrawn before any money went out: the
    # officer no longer sees the person.
    withdraw_sharing(db.session, cast, withdrawn)
    db.session.commit()


@pytest.mark.parametrize(
    "reader",
    [
        "official_national",
        "official_province",
        "official_regency",
        "official_other",
        "bank_officer",
        "mentor",
    ],
)
def test_the_home_counts_are_the_registrys(db, cast, registry, reader):
    user = cast.user(reader)
    with scope.as_user(user):
        total, by_regency = _seen_on_the_registry(db.session, user)
        assert overview.count_returnees(db.session, user) == total
        assert overview.returnees_by_regency(db.session, user) == by_regency
        for states in (("submitted",), ("in_review",), overview.TO_REVIEW, ("ready",)):
            assert overview.plans_in_state(
                db.session, user, *states
            ) == _on_the_registry(db.session, user, BusinessPlan, states)
        to_verify = loan_lifecycle.ordered(loan_lifecycle.TO_VERIFY)
        assert overview.loans_in_state(db.session, user, to_verify) == _on_the_registry(
            db.session, user, LoanApplication, to_verify
        )
    assert total > 0


def _on_the_registry(session, user, model, states):
    """The oracle: the rows in these states the data layer's scope gives."""
    return len(
        session.scalars(
            scoped(select(model), user, model).where(model.status.in_(states))
        ).all()
    )


def test_the_officials_waiting_work_is_counted(db, cast, registry):
    """The oracle is not vacuous: the national home counts every waiting plan and
    the two applications sent (one of BRI's, one in Central Java)."""
    user = cast.official_national
    with scope.as_user(user):
        assert overview.plans_in_state(db.session, user, "submitted") == 3
        assert overview.plans_in_state(db.session, user, *overview.TO_REVIEW) == 5
        to_verify = loan_lifecycle.ordered(loan_lifecycle.TO_VERIFY)
        assert overview.loans_in_state(db.session, user, to_verify) == 2


def test_a_plan_moving_on_leaves_the_count(db, cast, make_plan, make_returnee):
    user = cast.official_regency
    person = make_returnee(regency=user.scope_regency_code)
    plan = make_plan(person, cast.official_province, cast.mentor, status="submitted")
    db.session.commit()
    with scope.as_user(user):
        before = overview.plans_in_state(db.session, user, "submitted")
    plans.start_review(db.session, plan)
    db.session.commit()
    with scope.as_user(user):
        assert overview.plans_in_state(db.session, user, "submitted") == before - 1
        assert overview.plans_in_state(db.session, user, "in_review") >= 1


def test_the_bank_officers_home_leaves_out_drafts_and_withdrawn_consent(
    client, db, cast, registry
):
    with scope.as_user(cast.bank_officer):
        total, _ = _seen_on_the_registry(db.session, cast.bank_officer)
        assert total == 2  # the sent application and the disbursed loan
    login(client, cast.bank_officer.username)
    page = client.get("/")
    assert page.status_code == 200


def test_a_new_person_counts_at_once(client, db, cast, registry, make_returnee):
    """The cells are kept by the writes: no refresh needed for the home page."""
    with scope.as_user(cast.official_regency):
        before = overview.count_returnees(db.session, cast.official_regency)
    make_returnee(regency="35.07")
    db.session.commit()
    with scope.as_user(cast.official_regency):
        assert overview.count_returnees(db.session, cast.official_regency) == (
            before + 1
        )
