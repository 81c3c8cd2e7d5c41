"""Who may move a plan through each step, per role, relation and state."""

import pytest
from sqlalchemy import select

from juragan import clock
from juragan.models import Business, BusinessPlan
from juragan.policy import Action, can, can_see, scoped

ROLES = (
    "returnee_user",
    "mentor",
    "other_mentor",
    "official_regency",
    "official_province",
    "official_national",
    "official_other",
    "bank_officer",
    "admin",
)

#: For a plan of the cast's returnee (own / caseload / Kab. Malang, East Java):
#: the roles allowed each action in each state.
EXPECTED = {
    (Action.VIEW_PLAN, "draft"): {
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    },
    # A lender reads a plan once an application to it was made on the plan.
    (Action.VIEW_PLAN, "ready"): {
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    },
    (Action.EDIT_PLAN, "draft"): {"returnee_user", "mentor"},
    (Action.EDIT_PLAN, "submitted"): set(),
    (Action.EDIT_PLAN, "in_review"): {"returnee_user", "mentor"},
    (Action.EDIT_PLAN, "ready"): set(),
    (Action.SUBMIT_PLAN, "draft"): {"returnee_user", "mentor"},
    (Action.SUBMIT_PLAN, "ready"): set(),
    (Action.REVIEW_PLAN, "draft"): set(),
    (Action.REVIEW_PLAN, "submitted"): {
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    },
    (Action.REVIEW_PLAN, "in_review"): {
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    },
    (Action.MARK_PLAN_READY, "draft"): set(),
    (Action.MARK_PLAN_READY, "in_review"): {
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    },
    (Action.REOPEN_PLAN, "ready"): {"returnee_user", "mentor"},
    (Action.REOPEN_PLAN, "in_review"): set(),
    (Action.OPEN_BUSINESS, "ready"): {
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    },
}


@pytest.mark.parametrize(("action", "status"), list(EXPECTED))
def test_plan_actions_by_role_and_state(db, cast, make_plan, action, status):
    plan = make_plan(cast.returnee, cast.returnee_user, status=status)
    allowed = {role for role in ROLES if can(cast.user(role), action, plan)}
    assert allowed == EXPECTED[action, status]


def test_a_revised_plan_cannot_be_declared_ready(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="in_review")
    plan.is_revised = True
    assert not can(cast.mentor, Action.MARK_PLAN_READY, plan)
    assert can(cast.returnee_user, Action.SUBMIT_PLAN, plan)


def test_lists_are_scoped_like_single_plans(db, cast, make_plan, make_user):
    own = make_plan(cast.returnee, cast.returnee_user, status="ready")
    draft_far = make_plan(cast.far_away, cast.official_other)
    for role in ROLES:
        user = cast.user(role)
        listed = set(
            db.session.scalars(scoped(select(BusinessPlan), user, BusinessPlan))
        )
        expected = {p for p in (own, draft_far) if can_see(user, p)}
        assert listed == expected, role
    assert (
        set(
            db.session.scalars(
                scoped(select(BusinessPlan), cast.bank_officer, BusinessPlan)
            )
        )
        == set()
    )
    assert not can_see(cast.admin, own)  # finances are not for administrators


def test_a_lender_reads_the_plan_of_an_application_sent_to_it(
    db, cast, make_loan, make_user
):
    from juragan.models import Role

    loan = make_loan(cast, status="submitted")  # to BRI, on a ready plan
    other_lender = make_user(Role.BANK_OFFICER, "35", lender="bni")
    plan = loan.plan
    assert can(cast.bank_officer, Action.VIEW_PLAN, plan)
    assert not can(other_lender, Action.VIEW_PLAN, plan)
    assert set(
        db.session.scalars(
            scoped(select(BusinessPlan), cast.bank_officer, BusinessPlan)
        )
    ) == {plan}


def test_bank_officers_do_not_see_drafts(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="in_review")
    assert not can_see(cast.bank_officer, plan)
    listed = db.session.scalars(
        scoped(select(BusinessPlan), cast.bank_officer, BusinessPlan)
    )
    assert list(listed) == []


def test_businesses_follow_the_returnee_scope(db, cast, make_plan):
    from juragan.models import utcnow
    from juragan.services.businesses import BusinessData, open_business

    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    now = utcnow()
    business = open_business(
        db.session,
        cast.returnee_user,
        plan,
        BusinessData(opened_on=clock.today(now)),
        clock.today(now),
        now,
    )
    seen = {role for role in ROLES if can_see(cast.user(role), business)}
    assert seen == {
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    }
    changers = {
        role for role in ROLES if can(cast.user(role), Action.CHANGE_BUSINESS, business)
    }
    assert changers == {
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
    }
    for role in ROLES:
        listed = set(
            db.session.scalars(scoped(select(Business), cast.user(role), Business))
        )
        assert listed == ({business} if role in seen else set()), role
    assert not can(cast.mentor, Action.OPEN_BUSINESS, plan)  # opened already
