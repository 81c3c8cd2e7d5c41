"""The data layer's scope: every mapped class has a rule, and every path to a row
(a query, a join, an alias, ``session.get``, a relationship, a bulk UPDATE) meets
the same one."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from juragan.db import scope
from juragan.models import (
    Base,
    BusinessPlan,
    CapitalItem,
    LoanApplication,
    LoanDocument,
    Placement,
    Returnee,
    Role,
    Visit,
)
from juragan.policy import Action, can

PERSON_FAMILIES = {scope.RECORD, scope.FINANCE, scope.CARE, scope.SUMMARY}
VIEWERS = (
    "returnee_user",
    "mentor",
    "other_mentor",
    "official_regency",
    "official_province",
    "official_national",
    "official_other",
    "bank_officer",
    "bank_other_lender",
    "admin",
    "observer",
)


def mapped_classes() -> list[type]:
    return sorted((m.class_ for m in Base.registry.mappers), key=lambda c: c.__name__)


def test_every_mapped_class_has_a_scope_rule():
    """A new model fails here until it says which rule keeps it, and how its rows
    reach their person."""
    missing = [c.__name__ for c in mapped_classes() if c not in scope.FAMILIES]
    assert missing == []
    person_linked = {c for c, f in scope.FAMILIES.items() if f in PERSON_FAMILIES}
    assert {c.__name__ for c in person_linked - set(scope.PERSON_LINKS)} == {
        # Sums over many people: kept by region alone.
        "ReturneeCell",
        "RegencyCount",
        "DestinationCount",
    }
    tables = {c.__tablename__: c for c in person_linked}
    for cls in mapped_classes():
        family = scope.FAMILIES[cls]
        if family in PERSON_FAMILIES or cls is scope.AuditEntry:
            continue
        if family == scope.CLAIM:
            # A registration check names the record it clashed with; its own rule
            # keeps it to the region's officials and the account that made it.
            continue
        # Nothing outside the person-linked families may point at a person's row.
        columns = cls.__table__.columns
        assert "returnee_id" not in columns, cls.__name__
        for column in columns:
            for key in column.foreign_keys:
                assert key.column.table.name not in tables, (cls.__name__, column.name)


def test_a_system_context_names_a_declared_purpose(db):
    with pytest.raises(KeyError):
        scope.system("because")


def test_outside_any_context_nobody_sees_anyone(app, cast):
    """Work done with no viewer set (a forgotten context) finds no person."""
    from juragan.extensions import db as database

    far_id = cast.far_away.id
    database.session.expunge_all()
    token = scope._explicit.set(None)
    try:
        assert database.session.scalars(select(Returnee)).all() == []
        assert database.session.get(Returnee, far_id) is None
    finally:
        scope._explicit.reset(token)


def _person_of_row(session, row) -> int | None:
    with scope.system("tests"):
        return scope.person_of(row)


def _expected_people(user, family, people, loans):
    """Whom the policy lets ``user`` see in each family, person by person."""
    if family == scope.RECORD:
        return {p.id for p in people if can(user, Action.VIEW_RETURNEE, p)}
    if family == scope.FINANCE:
        return {loan.returnee_id for loan in loans if can(user, Action.VIEW_LOAN, loan)}
    if family == scope.CARE:
        return {p.id for p in people if can(user, Action.VIEW_VISITS, p)}
    return set()


def test_the_data_layer_agrees_with_the_policy_for_every_class(db, cast, world):
    """For every person-linked class and every role: the rows a plain SELECT gives
    belong to exactly the people the policy lets that role see."""
    session = db.session
    people = [cast.returnee, cast.neighbour, cast.far_away]
    loans = list(session.scalars(select(LoanApplication)))
    checked = 0
    for name in VIEWERS:
        user = cast.user(name)
        for model, family in scope.FAMILIES.items():
            if family not in (scope.RECORD, scope.FINANCE, scope.CARE):
                continue
            session.expire_all()
            with scope.as_user(user):
                rows = session.scalars(select(model)).all()
            with scope.system("tests"):
                all_rows = session.scalars(select(model)).all()
            if not all_rows:
                continue
            seen = {_person_of_row(session, row) for row in rows}
            held = {_person_of_row(session, row) for row in all_rows}
            want = _expected_people(user, family, people, loans) & held
            assert seen == want, (name, model.__name__)
            checked += 1
    print(f"\ndata-layer scope: {checked} (role, class) pairs agree with the policy")
    assert checked > 150


def test_every_path_to_a_row_meets_the_same_rule(db, cast, world):
    """A regency's official reaches no Central Java row by any path."""
    session = db.session
    far = cast.far_away
    with scope.system("tests"):
        far_plan = session.scalar(
            select(BusinessPlan).where(BusinessPlan.returnee_id == far.id)
        )
        far_loan = session.scalar(
            select(LoanApplication).where(LoanApplication.returnee_id == far.id)
        )
        far_plan_id, far_loan_id = far_plan.id, far_loan.id
    official = scope.viewer_of(cast.official_regency)
    far_id, far_nik = far.id, far.nik
    session.expunge_all()
    with scope.as_user(official):
        assert session.get(Returnee, far_id) is None
        assert session.get(BusinessPlan, far_plan_id) is None
        assert session.scalar(select(Returnee).where(Returnee.nik == far_nik)) is None
        person = aliased(Returnee)
        assert session.scalars(select(person.id).where(person.id == far_id)).all() == []
        assert (
            session.scalars(
                select(Placement.id)
                .join(Placement.returnee)
                .where(Returnee.id == far_id)
            ).all()
            == []
        )
        assert (
            session.scalars(
                select(CapitalItem).where(CapitalItem.plan_id == far_plan_id)
            ).all()
            == []
        )
        assert (
            session.scalars(
                select(LoanDocument).where(LoanDocument.loan_id == far_loan_id)
            ).all()
            == []
        )
        assert (
            session.scalars(
                select(Visit).where(Visit.returnee.has(Returnee.id == far_id))
            ).all()
            == []
        )
        # A bulk UPDATE reaches no row outside the scope either.
        session.execute(
            update(Placement)
            .where(Placement.returnee_id == far_id)
            .values(occupation="diubah")
        )
        with scope.system("tests"):
            ids = session.scalars(
                select(Placement.id).where(Placement.returnee_id == far_id)
            ).all()
        rows = [{"id": i, "occupation": "diubah"} for i in ids]
        with pytest.raises(scope.ScopeError):
            session.execute(update(Placement), rows)
    # An object loaded in a system context lends its relationships no scope.
    with scope.system("tests"):
        plan = session.get(BusinessPlan, far_plan_id)
        session.expire(plan, ["capital_items"])
    with scope.as_user(official):
        assert plan.capital_items == []
    with scope.system("tests"):
        changed = session.scalars(
            select(Placement.occupation).where(Placement.returnee_id == far_id)
        ).all()
    assert "diubah" not in changed


def test_bank_officers_are_kept_to_their_own_lender(db, cast, world, make_user):
    session = db.session
    bni = make_user(Role.BANK_OFFICER, "35", lender="bni")
    with scope.as_user(bni):
        assert session.scalars(select(LoanApplication)).all() == []
        assert session.scalars(select(Returnee)).all() == []
    with scope.as_user(cast.bank_officer):  # BRI, East Java
        lenders = set(session.scalars(select(LoanApplication.lender)))
        regions = set(session.scalars(select(Returnee.province_code)))
    assert lenders == {"bri"}
    assert regions == {"35"}


def _plain_criteria(viewer):
    """The viewer's criteria as SQLAlchemy's own option, whose key is walked anew
    on every statement."""
    from sqlalchemy.orm import with_loader_criteria

    return tuple(
        with_loader_criteria(
            model, scope.clause_for(viewer, model), include_aliases=True
        )
        for model, family in scope.FAMILIES.items()
        if family != scope.REFERENCE
    )


@pytest.mark.parametrize(
    "reader", [v for v in VIEWERS if v not in ("bank_other_lender", "observer")]
)
def test_the_criteria_keys_worked_out_once_are_sqlalchemys(app, cast, reader):
    """The scope's options keep their part of the cache key (``_ViewerCriteria``):
    the statement's key must still carry the same bound parameters, in the same
    order, as SQLAlchemy's own walk, and tell apart what compiles differently.
    (Ours may repeat a parameter that several options share, such as the consent
    moment: the walk lists it once. Every key of the app is made the same way, so
    the repeats line up between a cached statement and the next.)"""
    viewer = scope.viewer_of(cast.user(reader))
    kept = scope._criteria(viewer)
    plain = _plain_criteria(viewer)

    def key(statement, options):
        return statement.options(*options)._generate_cache_key()

    statements = [
        select(LoanApplication).where(LoanApplication.id == 5),
        select(BusinessPlan).join(Returnee).where(Returnee.full_name == "Sari"),
        select(Visit.id).where(Visit.returnee_id.in_([1, 2, 3])),
    ]
    for statement in statements:
        for _ in range(2):  # worked out, then remembered
            ours, theirs = key(statement, kept), key(statement, plain)
            once = list({id(b): b for b in ours.bindparams}.values())
            assert [(b._orig_key, b.value, b.callable) for b in once] == [
                (b._orig_key, b.value, b.callable) for b in theirs.bindparams
            ]
    # The same statement with other values shares a key; another statement does not.
    first = key(select(LoanApplication).where(LoanApplication.id == 5), kept)
    again = key(select(LoanApplication).where(LoanApplication.id == 6), kept)
    other = key(select(LoanApplication).where(LoanApplication.lender == "bri"), kept)
    assert first.key == again.key
    assert first.key != other.key
    # Another viewer's options make another key, or the same one with other values
    # (an official of another province: the same SQL).
    stranger = scope._criteria(scope.viewer_of(cast.user("official_other")))
    if reader != "official_other":
        theirs, ours = key(statements[0], stranger), key(statements[0], kept)
        assert theirs.key != ours.key or [b.value for b in theirs.bindparams] != [
            b.value for b in ours.bindparams
        ]


@pytest.mark.parametrize(
    "reader", ["bank_officer", "bank_other_lender", "official_other"]
)
def test_an_alias_of_a_loan_meets_the_lenders_rule(db, cast, world, reader):
    """A bank officer's rule sits on the loan row itself (a correlated lookup of
    the borrower's region and consent): an alias of the loans, alone or joined to
    the loans, must keep to the same rows."""
    user = cast.user(reader)
    other = aliased(LoanApplication)
    with scope.as_user(user):
        direct = set(db.session.scalars(select(LoanApplication.id)))
        through_alias = set(db.session.scalars(select(other.id)))
        joined = set(
            db.session.scalars(
                select(other.id).join(
                    LoanApplication, LoanApplication.returnee_id == other.returnee_id
                )
            )
        )
    with scope.system("cli"):
        everyone = set(db.session.scalars(select(LoanApplication.id)))
    assert through_alias == direct
    assert joined <= direct
    assert direct < everyone  # someone's loan is out of sight
    if reader == "bank_officer":
        assert direct
