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
    ("bank_officer", "neighbour", True, False),
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


def test_accounts_are_visible_to_admins_only(db, cast):
    for name in ("official_national", "official_province", "mentor", "returnee_user"):
        assert db.session.scalar(scoped(select(User), cast.user(name), User)) is None
        assert not can_see(cast.user(name), cast.admin)
    assert can_see(cast.admin, cast.mentor)


def test_object_action_needs_an_object(cast):
    with pytest.raises(ValueError, match="needs an object"):
        can(cast.admin, Action.EDIT_RETURNEE)
