"""The arrears list (``/kur/?status=arrears``): every loan in arrears in the
viewer's scope, most days past due first, paged by keyset, whatever the number of
live loans (it once looked at the first 1,000 only)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from juragan import clock
from juragan.db import loan_reading, scope
from juragan.models import Instalment, LoanApplication, Payment, Returnee, utcnow
from juragan.reports import loans as loan_reports
from juragan.services import loans
from tests.factories import login

ARREARS = "/kur/?status=arrears"
#: 00:30 WIB on 31 March: the server's UTC date is still the 30th.
AWKWARD = datetime(2026, 3, 30, 17, 30, tzinfo=UTC)
#: Loans copied straight into the tables, beyond the 1,000 the list once read.
COPIES = 1_150


def _copy_loans(session, template, specs):
    """Copies of ``template`` with their own schedules: ``specs`` gives, per copy,
    its returnee, lender and the shift of every due date in days. Bulk rows: the
    list reads rows, how they got there is tested elsewhere."""
    loans_table = LoanApplication.__table__
    row = dict(
        session.execute(sa.select(loans_table).where(loans_table.c.id == template.id))
        .mappings()
        .one()
    )
    lines = [
        (i.number, i.due_on, i.principal_idr, i.interest_idr)
        for i in template.instalments
    ]
    first = session.scalar(sa.select(sa.func.max(LoanApplication.id))) + 1
    loan_rows, instalment_rows = [], []
    for n, (returnee, lender, shift) in enumerate(specs):
        loan_id = first + n
        loan_rows.append(
            {
                **row,
                "id": loan_id,
                "returnee_id": returnee.id,
                "lender": lender,
                # A placement KUR takes no business slot (two per person at most).
                "kind": "placement",
                "scheme": "pmi",
                "business_slot": None,
                "business_id": None,
                "plan_id": None,
            }
        )
        instalment_rows += [
            {
                "loan_id": loan_id,
                "number": number,
                "due_on": due_on + timedelta(days=shift),
                "principal_idr": principal,
                "interest_idr": interest,
                "paid_principal_idr": 0,
                "paid_interest_idr": 0,
                "settled_on": None,
            }
            for number, due_on, principal, interest in lines
        ]
    session.execute(sa.insert(loans_table), loan_rows)
    session.execute(sa.insert(Instalment.__table__), instalment_rows)
    return list(range(first, first + len(specs)))


def _expected(session, officer, today):
    """Independently of the list: every live loan of the officer's lender and
    province, replayed in Python, the late ones by days past due then id."""
    with scope.system("tests"):
        candidates = session.scalars(
            sa.select(LoanApplication)
            .join(Returnee, Returnee.id == LoanApplication.returnee_id)
            .where(
                LoanApplication.lender == officer.lender_code,
                Returnee.province_code == officer.scope_province_code,
                LoanApplication.status.in_(tuple(loan_reading.LIVE_STATES)),
            )
        ).all()
        late = []
        for loan in candidates:
            standing = loan_reading.standing(loan, today)
            if standing is not None and standing.days_past_due > 0:
                late.append((-standing.days_past_due, loan.id))
    return [loan_id for _, loan_id in sorted(late)]


def _walk(client, url):
    """The loan ids of every page, following the next-page links."""
    seen, pages = [], 0
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += [int(i) for i in re.findall(r'href="/kur/(\d+)"', page.text)]
        found = re.search(r'href="(/kur/\?[^"]*after=[^"]+)"', page.text)
        url = found.group(1).replace("&amp;", "&") if found else None
        pages += 1
        assert pages < 200, "the pages never end"
    return seen, pages


@pytest.fixture
def arrears_world(app, db, cast, make_loan, make_returnee):
    """Over 1,000 live loans, at 00:30 WIB at a month end: most current, some late
    by a few days to months (ties included), the late ones spread over all ids."""
    with time_machine.travel(AWKWARD, tick=False):
        today = clock.today()
        assert today == date(2026, 3, 31)  # the borrower's date, not the server's
        template = make_loan(cast, status="disbursed")  # 40 days late
        other_lender = make_returnee("35.78")
        specs = []
        for n in range(COPIES):
            if n % 37 == 0:
                shift = -(n % 5) * 9  # late: 40 to 76 days
            elif n % 53 == 0:
                # First instalment due yesterday in WIB (today in UTC): 1 day late.
                shift = (
                    today - timedelta(days=1) - template.instalments[0].due_on
                ).days
            else:
                shift = 60  # the first instalment still to come: current
            specs.append((cast.returnee, "bri", shift))
        specs.append((cast.far_away, "bri", 0))  # late, in Central Java
        specs.append((other_lender, "bni", 0))  # late, at another lender
        # Due today in WIB (tomorrow in UTC terms would hide it): not late yet.
        specs.append(
            (cast.returnee, "bri", (today - template.instalments[0].due_on).days)
        )
        with scope.system("tests"):
            ids = _copy_loans(db.session, template, specs)
        db.session.commit()
        yield {
            "today": today,
            "template": template,
            "ids": ids,
            "far_away": ids[-3],
            "other_lender": ids[-2],
            "due_today": ids[-1],
            "one_day": [ids[n] for n in range(COPIES) if n % 53 == 0 and n % 37],
            "current": [ids[n] for n in range(COPIES) if n % 37 and n % 53],
        }


def test_every_loan_in_arrears_is_listed_once_in_order(
    client, db, cast, arrears_world, monkeypatch, app
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 9)
    world = arrears_world
    with time_machine.travel(AWKWARD, tick=False):
        expected = _expected(db.session, cast.bank_officer, world["today"])
        login(client, cast.bank_officer.username)
        seen, pages = _walk(client, ARREARS)
    assert len(expected) > 30
    assert pages == -(-len(expected) // 9)
    assert seen == expected  # each exactly once, most days past due first, then id
    assert [i for i in seen if i > world["ids"][1000]]  # beyond the old cut-off
    assert set(world["one_day"]) <= set(seen)  # a day late in WIB, not in UTC
    assert not set(seen) & {
        world["due_today"],
        world["far_away"],
        world["other_lender"],
        *world["current"],
    }


def test_a_loan_paid_up_leaves_the_list_and_the_count(client, db, cast, arrears_world):
    world = arrears_world
    template = world["template"]
    with time_machine.travel(AWKWARD, tick=False):
        today = world["today"]
        with scope.as_user(cast.mentor):
            before = loan_reports.arrears_count(db.session, cast.mentor, today)
        assert template.id in loan_reports_ids(db.session, cast.mentor, today)
        with scope.system("tests"):
            loan = db.session.get(LoanApplication, template.id)
            owed = loan_reading.standing(loan, today).owed_now_idr
            loans.record_payment(
                db.session, cast.bank_officer, loan, today, owed, today, utcnow()
            )
        db.session.commit()
        assert template.id not in loan_reports_ids(db.session, cast.mentor, today)
        login(client, cast.mentor.username)
        home = client.get("/")
    assert re.search(rf'class="stat text-danger">{before - 1}<', home.text)


def loan_reports_ids(session, user, today):
    with scope.as_user(user):
        after, ids = None, []
        while True:
            page = loan_reports.arrears_page(session, user, today, after, 100)
            ids += [loan.id for loan, _ in page.items]
            if page.next_after is None:
                return ids
            after = loan_reports.ArrearsCursor.parse(page.next_after)


def test_a_payment_dated_after_the_day_is_replayed(db, cast, arrears_world):
    """A payment dated tomorrow (a borrower further east paid on their today) does
    not clear today's arrears: that loan is replayed on the day asked about."""
    world = arrears_world
    template = world["template"]
    with time_machine.travel(AWKWARD, tick=False):
        today = world["today"]
        with scope.system("tests"):
            loan = db.session.get(LoanApplication, template.id)
            days = loan_reading.standing(loan, today).days_past_due
            owed = loan_reading.standing(loan, today).owed_now_idr
            loans.record_payment(
                db.session,
                cast.bank_officer,
                loan,
                today + timedelta(days=1),
                owed,
                today + timedelta(days=1),
                utcnow(),
            )
            assert db.session.scalar(
                sa.select(sa.func.count()).where(Payment.loan_id == loan.id)
            )
        db.session.commit()
        with scope.as_user(cast.mentor):
            listed = dict(
                (loan.id, standing.days_past_due)
                for loan, standing in loan_reports.in_arrears(
                    db.session, cast.mentor, today, limit=2_000
                )
            )
        assert listed[template.id] == days
        assert template.id not in loan_reports_ids(
            db.session, cast.mentor, today + timedelta(days=1)
        )


def test_the_arrears_page_sends_as_many_queries_for_few_rows_as_for_many(
    client, db, cast, arrears_world, count_queries, monkeypatch, app
):
    with time_machine.travel(AWKWARD, tick=False):
        login(client, cast.bank_officer.username)
        counts = []
        for size in (3, 30):
            monkeypatch.setitem(app.config, "PAGE_SIZE", size)
            with count_queries() as queries:
                page = client.get(ARREARS)
            assert page.text.count('class="list-group-item') == size
            counts.append(queries["n"])
    assert counts[0] == counts[1]
