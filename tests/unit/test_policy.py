"""The rule table, role by role and relation by relation, without a request."""

import pytest
from sqlalchemy import select

from juragan.models import Returnee, User
from juragan.policy import Action, can, can_see, scoped

#: (user, returnee) -> (may see, may edit)
RETURNEE_CASES = [
    ("returnee_user", "returnee", True, True),
    ("returnee_user", "neighbour", False, False),
    ("mentor", "returnee", True, True),
    ("mentor", "neighbour", False, False),
    ("other_mentor", "returnee", False, False),
    ("official_province", "returnee", True, True),
    ("official_province", "neighbour", True, True),
    ("official_province", "far_away", False, False),
    ("official_regency", "returnee", True, True),
    ("official_regency", "neighbour", False, False),
    ("official_national", "far_away", True, True),
    ("official_other", "far_away", True, True),
    ("official_other", "returnee", False, False),
    # A lender's officer sees applicants to the lender only (see below).
    ("bank_officer", "neighbour", False, False),
    ("bank_officer", "far_away", False, False),
    ("admin", "far_away", True, False),  # administrators do not edit personal data
]


@pytest.mark.parametrize(("user", "target", "sees", "edits"), RETURNEE_CASES)
def test_returnee_rules(cast, user, target, sees, edits):
    actor, returnee = cast.user(user), getattr(cast, target)
    assert can_see(actor, returnee) is sees
    assert can(actor, Action.VIEW_RETURNEE, returnee) is sees
    assert can(actor, Action.EDIT_RETURNEE, returnee) is edits


@pytest.mark.parametrize(("user", "target", "sees", "edits"), RETURNEE_CASES)
def test_scoped_query_agrees_with_can(db, cast, user, target, sees, edits):
    actor, returnee = cast.user(user), getattr(cast, target)
    stmt = scoped(
        select(Returnee.id).where(Returnee.id == returnee.id), actor, Returnee
    )
    assert (db.session.scalar(stmt) is not None) is sees


OBJECTLESS = [
    (Action.LIST_RETURNEES, {"mentor", "official_province", "bank_officer", "admin"}),
    (Action.MANAGE_ACCOUNTS, {"admin"}),
    (Action.VIEW_AUDIT, {"admin"}),
    (Action.VIEW_LOAN_QUEUE, {"bank_officer"}),
    (
        Action.VIEW_REFERENCE,
        {"returnee_user", "mentor", "official_province", "bank_officer", "admin"},
    ),
]


@pytest.mark.parametrize(("action", "allowed"), OBJECTLESS)
def test_objectless_actions(cast, action, allowed):
    for name in (
        "returnee_user",
        "mentor",
        "official_province",
        "bank_officer",
        "admin",
    ):
        assert can(cast.user(name), action) is (name in allowed), name


def test_anonymous_and_deactivated_may_do_nothing(db, cast):
    assert not can(None, Action.VIEW_REFERENCE)
    assert not can_see(None, cast.returnee)
    cast.mentor.is_active_account = False
    assert not can(cast.mentor, Action.VIEW_RETURNEE, cast.returnee)
    assert db.session.scalar(scoped(select(Returnee), cast.mentor, Returnee)) is None


def test_accounts_are_administered_by_admins_only(db, cast):
    """Only administrators open accounts; others read staff names (a mentor's, an
    official's) and a returnee's account only where they may see the returnee."""
    for name in ("official_national", "official_province", "mentor", "returnee_user"):
        assert not can_see(cast.user(name), cast.admin)
    assert can_see(cast.admin, cast.mentor)
    other = cast.returnee_user
    stranger_account = select(User.id).where(User.id == other.id)
    for name, sees in (
        ("official_other", False),
        ("other_mentor", False),
        ("bank_officer", False),
        ("official_province", True),
        ("mentor", True),
        ("admin", True),
    ):
        found = db.session.scalar(scoped(stranger_account, cast.user(name), User))
        assert (found is not None) is sees, name
    staff = select(User.id).where(User.id == cast.mentor.id)
    assert db.session.scalar(scoped(staff, cast.official_other, User)) is not None


@pytest.mark.parametrize("status", ["draft", "submitted", "repaying"])
def test_a_lender_sees_its_own_applicants_once_they_applied(
    db, cast, make_user, make_loan, status
):
    """Lenders as organisations: an application is addressed to one lender; its
    officers in the region see the applicant, the loan, its plan and business, and
    no one else's; officers of another lender see none of it."""
    from juragan.models import Business, BusinessPlan, LoanApplication, Role

    loan = make_loan(cast, status=status, returnee=cast.neighbour)  # to BRI
    bni = make_user(Role.BANK_OFFICER, "35", lender="bni")
    bri_far = make_user(Role.BANK_OFFICER, "33", lender="bri")
    sent = status != "draft"
    for officer, sees in ((cast.bank_officer, sent), (bni, False), (bri_far, False)):
        for model, obj_id in (
            (Returnee, cast.neighbour.id),
            (LoanApplication, loan.id),
            (BusinessPlan, loan.plan_id),
            (Business, loan.business_id),
        ):
            found = db.session.scalar(
                scoped(select(model.id).where(model.id == obj_id), officer, model)
            )
            assert (found is not None) is sees, (officer.lender_code, model.__name__)
        db.session.expire_all()
        assert can_see(officer, db.session.get(Returnee, cast.neighbour.id)) is sees
        assert (
            can(officer, Action.VIEW_LOAN, db.session.get(LoanApplication, loan.id))
            is sees
        )
    # Nobody else of the province, whoever's lender: not a single other person.
    others = scoped(
        select(Returnee.id).where(Returnee.id != cast.neighbour.id),
        cast.bank_officer,
        Returnee,
    )
    assert db.session.scalars(others).all() == []


def test_object_action_needs_an_object(cast):
    with pytest.raises(ValueError, match="needs an object"):
        can(cast.admin, Action.EDIT_RETURNEE)


@pytest.mark.parametrize(
    ("user", "target", "simulates", "applies"),
    [
        ("returnee_user", "returnee", True, True),
        ("returnee_user", "neighbour", False, False),
        ("mentor", "returnee", True, True),
        ("other_mentor", "returnee", False, False),
        ("official_regency", "returnee", True, False),
        ("official_regency", "neighbour", False, False),
        ("official_province", "neighbour", True, False),
        ("official_province", "far_away", False, False),
        ("official_national", "far_away", True, False),
        ("bank_officer", "returnee", False, False),
        ("admin", "returnee", False, False),
    ],
)
def test_those_who_look_after_a_person_simulate_only_authors_apply(
    cast, user, target, simulates, applies
):
    actor, returnee = cast.user(user), getattr(cast, target)
    assert can(actor, Action.SIMULATE_KUR, returnee) is simulates
    assert can(actor, Action.APPLY_KUR, returnee) is applies


def test_nobody_simulates_for_an_erased_person(db, cast):
    from juragan.models import utcnow

    cast.returnee.erased_at = utcnow()
    for user in ("returnee_user", "mentor", "official_province"):
        assert not can(cast.user(user), Action.SIMULATE_KUR, cast.returnee)
