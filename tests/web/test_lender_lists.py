"""A bank officer's lists of loans and plans, and an official's list of loans, find
their page on the loan facts first, then load it through the data layer's scope. Walked page by page, they must
give exactly what the scope alone gives: the lender's applications of the branch's
province, never a draft, before the money goes out only while the consent to
sharing holds; the official's region, drafts included; in every state the list
can be asked for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from juragan import clock
from juragan.db import scope
from juragan.db.pagination import keyset_page
from juragan.models import (
    BusinessPlan,
    LoanApplication,
    Returnee,
    Role,
)
from juragan.policy import scoped
from juragan.reports import loans as loan_reports
from juragan.reports import plans as plan_reports
from tests.factories import login, withdraw_sharing

PAGE = 2


@pytest.fixture
def lender_book(db, cast, make_loan, make_plan, make_returnee, make_user):
    """BRI applications in East Java in many states, one in Central Java, a draft,
    one whose consent to sharing was withdrawn before the money went out, and a
    plan with no application."""
    for status, regency in (
        ("submitted", "35.07"),
        ("verified", "35.78"),
        ("approved", "35.07"),
        ("disbursed", "35.73"),
        ("repaying", "35.07"),
        ("rejected", "35.78"),
        ("paid_off", "35.07"),
        ("draft", "35.07"),
        ("disbursed", "33.01"),
    ):
        make_loan(cast, status=status, returnee=make_returnee(regency=regency))
    withdrawn = make_returnee(regency="35.07")
    make_loan(cast, status="verified", returnee=withdrawn)
    withdraw_sharing(db.session, cast, withdrawn)
    make_plan(make_returnee(regency="35.07"), cast.official_province, cast.mentor)
    cast.bank_other_lender = make_user(Role.BANK_OFFICER, "35", lender="bni")
    db.session.commit()


def _walk(read):
    """Every row of a list, page after page, with the cursors it gave."""
    rows, after = [], None
    while True:
        page = read(after)
        rows.extend(item.id for item in page.items)
        if page.next_after is None:
            return rows
        after = page.next_after


@pytest.mark.parametrize(
    "status", [None, "queue", "arrears", "submitted", "verified", "disbursed"]
)
@pytest.mark.parametrize(
    "reader",
    [
        "bank_officer",
        "bank_other_lender",
        "official_regency",
        "official_province",
        "official_national",
        "official_other",
    ],
)
def test_the_loans_page_by_page_are_the_scopes(db, cast, lender_book, status, reader):
    user = cast.user(reader)
    with scope.as_user(user):
        ours = _walk(
            lambda after: loan_reports.loans_page(db.session, user, status, after, PAGE)
        )
        theirs = _walk(
            lambda after: keyset_page(
                db.session,
                loan_reports.loans_statement(user, status),
                LoanApplication.id,
                after,
                PAGE,
                newest_first=True,
            )
        )
    assert ours == theirs
    if reader == "bank_officer" and status is None:
        # Seven sent in East Java (the draft, Central Java and the withdrawn
        # consent are not the officer's).
        assert len(ours) == 7
    if reader == "official_national" and status is None:
        assert len(ours) == 10  # all of them, the draft too


@pytest.mark.parametrize("status", [None, "ready", "draft"])
@pytest.mark.parametrize("reader", ["bank_officer", "bank_other_lender"])
def test_the_lenders_plans_page_by_page_are_the_scopes(
    db, cast, lender_book, status, reader
):
    user = cast.user(reader)

    def scoped_only(after):
        stmt = scoped(select(BusinessPlan), user, BusinessPlan)
        if status:
            stmt = stmt.where(BusinessPlan.status == status)
        return keyset_page(db.session, stmt, BusinessPlan.id, after, PAGE)

    with scope.as_user(user):
        ours = _walk(
            lambda after: plan_reports.plans_page(db.session, user, status, after, PAGE)
        )
        theirs = _walk(scoped_only)
    assert ours == theirs
    if reader == "bank_officer" and status in (None, "ready"):
        assert len(ours) == 7


def test_a_new_application_is_on_the_lenders_first_page_at_once(
    client, db, cast, lender_book, make_loan, make_returnee
):
    """The facts are kept by the writes: no refresh before the list shows it."""
    loan = make_loan(cast, status="submitted", returnee=make_returnee(regency="35.07"))
    with scope.as_user(cast.bank_officer):
        page = loan_reports.loans_page(db.session, cast.bank_officer, None, None, PAGE)
    assert page.items[0].id == loan.id
    login(client, cast.bank_officer.username)
    listed = client.get("/kur/")
    assert listed.status_code == 200
    assert f"/kur/{loan.id}" in listed.text
    assert client.get("/plans/?status=ready").status_code == 200


@pytest.mark.parametrize("reader", ["bank_officer", "bank_other_lender"])
def test_the_lenders_people_page_by_page_are_the_scopes(db, cast, lender_book, reader):
    """The returnee list of a bank officer, unfiltered: the borrowers of the
    lender's applications, from the facts, as the scope gives them."""
    from juragan.reports.registry import (
        RegistrySearch,
        registry_page,
        search_statement,
    )

    user = cast.user(reader)
    everyone = RegistrySearch()
    with scope.as_user(user):
        ours = _walk(
            lambda after: registry_page(db.session, user, everyone, after, PAGE)
        )
        theirs = _walk(
            lambda after: keyset_page(
                db.session,
                search_statement(user, everyone),
                Returnee.id,
                after,
                PAGE,
            )
        )
        narrowed = RegistrySearch(regency_code="35.07")
        assert _walk(
            lambda after: registry_page(db.session, user, narrowed, after, PAGE)
        ) == [
            person
            for person in theirs
            if db.session.get(Returnee, person).regency_code == "35.07"
        ]
    assert ours == theirs
    if reader == "bank_officer":
        assert len(ours) == 7


@pytest.mark.parametrize(
    "filters",
    [
        {"tab": "verified"},
        {"tab": "approved"},
        {"tab": "submitted"},
        {"tab": "open"},
        {"tab": "open", "regency_code": "35.07"},
        {"tab": "open", "scheme": "mikro"},
        {"tab": "open", "scheme": "kecil"},
        {"tab": "verified", "overdue_only": True},
    ],
)
@pytest.mark.parametrize("days_on", [0, 40])
def test_the_lenders_queue_from_the_facts_is_the_scopes(
    monkeypatch, db, cast, lender_book, make_loan, make_returnee, filters, days_on
):
    """The queue's pages and counts, read from the loan facts, against the same
    functions through the scope alone; 40 days on, the verified ones are late."""
    from datetime import timedelta

    from juragan.reports import loan_queue

    for status, regency in (("verified", "35.07"), ("verified", "35.73")):
        make_loan(cast, status=status, returnee=make_returnee(regency=regency))
    user = cast.bank_officer
    wanted = loan_queue.QueueFilter(**filters)
    today = clock.today() + timedelta(days=days_on)
    province = clock.province_of(user)

    def read():
        slas = loan_queue.decision_slas(db.session)

        def page(after):
            found = loan_queue.queue_page(
                db.session,
                user,
                wanted,
                today,
                province,
                slas,
                loan_queue.Cursor.parse(after),
                PAGE,
            )
            return _QueuePage(found)

        counts = loan_queue.queue_counts(
            db.session, user, today, province, slas, wanted
        )
        return _walk(page), counts

    with scope.as_user(user):
        ours = read()
        monkeypatch.setattr(loan_queue, "_from_facts", lambda *_: False)
        theirs = read()
    assert ours == theirs
    if filters == {"tab": "open"}:
        assert len(ours[0]) == 5  # submitted, approved and three verified
    if days_on and filters.get("overdue_only"):
        assert ours[1].overdue == 3


class _QueuePage:
    """A queue page as :func:`_walk` reads one (rows with an id, a cursor)."""

    def __init__(self, page):
        self.items = page.rows
        self.next_after = page.next_after
