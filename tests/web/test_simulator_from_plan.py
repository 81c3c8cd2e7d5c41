"""The simulator follows the plan: opened from a plan it is filled in from the plan
and shows, line by line, the schedule the application then gets once disbursed;
those who look after the person open it too, and only those who may apply do."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from babel.dates import format_date
from sqlalchemy import func, select

from juragan import clock
from juragan.db import loan_reading, plan_reading
from juragan.domain.money import format_rupiah
from juragan.models import LoanApplication, Role, utcnow
from juragan.services import businesses, loans, plans
from juragan.services.businesses import BusinessData
from juragan.services.loans import Disbursement
from tests.factories import PDF_BYTES, login, pass_checks

#: 00:30 WIB on 31 January 2027, still 30 January in UTC: the first instalment a
#: month later is clipped to 28 February.
END_OF_JANUARY = datetime(2027, 1, 30, 17, 30, tzinfo=UTC)
#: 00:30 WIB on 1 March 2027, still 28 February in UTC: the first instalment is due
#: on 1 April where the person is (28 March on the server's UTC date).
START_OF_MARCH = datetime(2027, 2, 28, 17, 30, tzinfo=UTC)


class BrowserForm(HTMLParser):
    """What a browser sends for the simulator's form (the page's form without an
    ``action``) when a button is pressed: text and hidden inputs, checked boxes,
    each select's selected option (else its first), textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._first: str | None = None
        self._chosen: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post" and "action" not in a:
            self._in_form = True  # the simulator's own form posts to its page
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._first, self._chosen = name, None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in a:
                self._chosen = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.fields.append((self._select, self._chosen or self._first or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            name, _value = self.fields[-1]
            self.fields[-1] = (name, data)


def form_of(page: str, then: str) -> dict[str, list[str]]:
    parser = BrowserForm()
    parser.feed(page)
    sent: dict[str, list[str]] = {}
    for name, value in parser.fields:
        sent.setdefault(name, []).append(value)
    sent["then"] = [then]
    return sent


def field(sent: dict[str, list[str]], name: str) -> list[str]:
    return sent.get(name, [])


def schedule_rows(page: str) -> list[tuple[str, ...]]:
    """The simulator's schedule as (number, due, instalment, interest, principal)."""
    table = page.split('id="schedule-table"', 1)[1]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in body.split("</tr>"):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if cells:
            due = re.sub(r"<br>|<span.*?</span>", "", cells[1], flags=re.S).strip()
            rows.append((cells[0], due, cells[2], cells[3], cells[4]))
    return rows


def laid_down(loan: LoanApplication) -> list[tuple[str, ...]]:
    """The disbursed loan's instalments, written as the simulator writes them."""
    return [
        (
            str(i.number),
            format_date(i.due_on, "medium", locale="id"),
            format_rupiah(i.principal_idr + i.interest_idr),
            format_rupiah(i.interest_idr),
            format_rupiah(i.principal_idr),
        )
        for i in loan.instalments
    ]


@pytest.fixture
def farm_plan(db, cast, make_plan):
    """Sri's farming plan, ready for the bank, with its business open for a year:
    a KUR of Rp10 juta over 24 months, for investment (Rp15 juta of her Rp25 juta
    needs), and, when asked, January to March interest only."""

    def make(lean: frozenset[int] = frozenset()):
        plan = make_plan(cast.returnee, cast.returnee_user)
        plan.sector, plan.kbli_section = "farming", "A"
        plans.save_funding(
            db.session,
            plan,
            [
                plans.LineItem("own_savings", "Tabungan", 15_000_000),
                plans.LineItem("kur", None, 10_000_000),
            ],
            24,
            None,
            lean,
        )
        now = utcnow()
        plans.submit_plan(db.session, cast.returnee_user, plan, now)
        plans.start_review(db.session, plan)
        plans.mark_ready(db.session, plan)
        today = clock.today(now)
        businesses.open_business(
            db.session,
            cast.returnee_user,
            plan,
            BusinessData(today - timedelta(days=365)),
            today,
            now,
        )
        db.session.commit()
        return plan

    return make


def _disburse_as_proposed(db, cast, loan, tmp_path) -> None:
    """Documents, checks and decision through the services; disbursed today with the
    first instalment the disbursement form proposes."""
    now = utcnow()
    today = clock.today(now)
    for kind in loan_reading.required_documents(loan):
        loans.attach_document(
            db.session,
            cast.returnee_user,
            loan,
            kind,
            "x.pdf",
            PDF_BYTES,
            tmp_path,
            now,
        )
    loans.submit(db.session, cast.returnee_user, loan, now)
    loans.verify(db.session, cast.mentor, loan, now)
    pass_checks(db.session, cast.bank_officer, loan, today, now)
    loans.decide(db.session, cast.bank_officer, loan, True, None, now)
    loans.disburse(
        db.session,
        cast.bank_officer,
        loan,
        Disbursement(
            loan.amount_requested_idr,
            today,
            today,
            loans.preview_first_due(today),
        ),
        today,
        now,
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("moment", "lean", "first_due"),
    [
        (END_OF_JANUARY, frozenset(), "28 Februari 2027"),
        (END_OF_JANUARY, frozenset({1, 2, 3}), "28 Februari 2027"),
        (START_OF_MARCH, frozenset({1, 2, 3}), "1 April 2027"),
    ],
)
def test_the_simulator_from_a_plan_shows_the_schedule_the_loan_gets(
    client, db, cast, farm_plan, tmp_path, moment, lean, first_due
):
    with time_machine.travel(moment, tick=False):
        plan = farm_plan(lean)
        login(client, cast.returnee_user.username)
        # The plan page and the loans page open the simulator from the plan.
        simulate = f"/kur/simulator/{cast.returnee.id}?plan={plan.id}"
        assert simulate in client.get(f"/plans/{plan.id}").text.replace("&amp;", "&")
        assert simulate in client.get(f"/kur/for/{cast.returnee.id}").text.replace(
            "&amp;", "&"
        )
        page = client.get(simulate)
        assert page.status_code == 200
        text = page.text
        # Filled in from the plan, and simulated at once.
        sent = form_of(text, "apply")
        assert field(sent, "amount_idr") == ["10.000.000"]
        assert field(sent, "tenor_months") == ["24"]
        assert field(sent, "purpose") == ["investment"]
        assert field(sent, "business_ref") == [f"b{plan.business.id}"]
        assert sorted(field(sent, "lean_months")) == sorted(str(m) for m in lean)
        assert "Diisi dari rencana usaha" in text
        shown = schedule_rows(text)
        assert len(shown) == 24
        # Explained in plain Indonesian: the first due date, the lean months.
        assert f"angsuran pertama jatuh tempo pada {first_due}" in text
        quiet = [row for row in shown if row[4] == "Rp0"]
        if lean:
            assert (
                "Setiap tahun pada bulan Januari, Februari, Maret Anda hanya "
                "membayar bunga" in text
            )
            assert f"{len(quiet)} angsuran selama pinjaman" in text
            assert len(quiet) in (5, 6)
        else:
            assert quiet == []
            assert (
                "bulan paceklik"
                not in text.split('id="explained"', 1)[1].split("</ul>", 1)[0]
            )
        # Applying sends the form as the page filled it in.
        applied = client.post(simulate, data=sent)
        assert applied.status_code == 302, applied.text
        loan = db.session.scalar(select(LoanApplication))
        assert loan.plan_id == plan.id
        assert loan.business_id == plan.business.id
        assert (loan.amount_requested_idr, loan.tenor_months) == (10_000_000, 24)
        assert loan.purpose == "investment"
        assert set(loan.lean_months) == set(lean)
        assert loan.applied_on == clock.date_in("35", moment)
        _disburse_as_proposed(db, cast, loan, tmp_path)
    db.session.refresh(loan)
    assert loan.first_due_on == loans.preview_first_due(clock.date_in("35", moment))
    # Every line: due date, instalment, interest, principal.
    assert shown == laid_down(loan)
    assert {i.due_on.month for i in loan.instalments if not i.principal_idr} == set(
        lean
    )


def test_officials_and_mentors_see_the_same_figures_only_appliers_apply(
    client, db, cast, farm_plan
):
    with time_machine.travel(END_OF_JANUARY, tick=False):
        plan = farm_plan(frozenset({1, 2, 3}))
        url = f"/kur/simulator/{cast.returnee.id}?plan={plan.id}"
        seen = {}
        for name in (
            "returnee_user",
            "mentor",
            "official_regency",
            "official_province",
            "official_national",
        ):
            login(client, cast.user(name).username)
            page = client.get(url)
            assert page.status_code == 200, name
            seen[name] = schedule_rows(page.text)
            applies = 'name="then" value="apply"' in page.text
            assert applies is (name in ("returnee_user", "mentor")), name
            client.post("/logout")
        assert all(rows == seen["returnee_user"] for rows in seen.values())
        # An official may simulate, and change the request, but never apply.
        login(client, cast.official_province.username)
        page = client.get(url)
        assert "hanya dia atau pendampingnya yang bisa mengajukan" in page.text
        sent = form_of(page.text, "simulate")
        sent["amount_idr"] = ["8.000.000"]
        again = client.post(url, data=sent)
        assert again.status_code == 200
        assert len(schedule_rows(again.text)) == 24
        refused = client.post(
            url, data={**sent, "then": ["apply"], "scheme": ["mikro"]}
        )
        assert refused.status_code == 403
        assert db.session.scalar(select(func.count(LoanApplication.id))) == 0


def test_the_plan_must_be_the_persons_and_visible(
    client, db, cast, make_plan, make_user
):
    own = make_plan(cast.returnee, cast.returnee_user, status="ready")
    neighbours = make_plan(cast.neighbour, cast.official_province, status="ready")
    # Another person's plan: not found, even for an official who sees both.
    login(client, cast.official_province.username)
    url = f"/kur/simulator/{cast.returnee.id}?plan={neighbours.id}"
    assert client.get(url).status_code == 404
    assert (
        client.get(f"/kur/simulator/{cast.returnee.id}?plan={own.id}").status_code
        == 200
    )
    client.post("/logout")
    # Outside one's scope: the person and their plan do not exist.
    login(client, cast.official_other.username)
    assert (
        client.get(f"/kur/simulator/{cast.returnee.id}?plan={own.id}").status_code
        == 404
    )
    client.post("/logout")
    login(client, cast.returnee_user.username)
    assert client.get(url).status_code == 404
    assert (
        client.get(f"/kur/simulator/{cast.returnee.id}?plan=999999").status_code == 404
    )
    # A plan id that is not a number is no plan.
    assert client.get(f"/kur/simulator/{cast.returnee.id}?plan=x").status_code == 200
    client.post("/logout")
    # Bank officers and administrators do not simulate for people.
    for user in (cast.bank_officer, make_user(Role.ADMIN)):
        login(client, user.username)
        assert client.get(f"/kur/simulator/{cast.returnee.id}").status_code in (
            403,
            404,
        )
        client.post("/logout")


def test_a_seasonal_schedule_only_for_farming_livestock_and_fishing(
    db, cast, make_plan
):
    plan = make_plan(cast.returnee, cast.returnee_user)  # a warung
    from juragan.errors import FieldErrors

    with pytest.raises(FieldErrors) as refused:
        plans.save_funding(
            db.session,
            plan,
            [plans.LineItem("kur", None, 25_000_000)],
            24,
            None,
            {1, 2},
        )
    assert [name for name, _m in refused.value.errors] == ["kur_lean_months"]
    plan.sector, plan.kbli_section = "fisheries", "A"
    with pytest.raises(FieldErrors):
        plans.save_funding(
            db.session,
            plan,
            [plans.LineItem("kur", None, 25_000_000)],
            24,
            None,
            set(range(1, 13)),
        )
    plans.save_funding(
        db.session, plan, [plans.LineItem("kur", None, 25_000_000)], 24, None, {12, 1}
    )
    assert plan.kur_lean_months == [1, 12]
    assert plan_reading.content_of(plan)["kur"]["lean_months"] == [1, 12]
    asked = plan_reading.kur_request(plan)
    assert (asked.amount_idr, asked.tenor_months, asked.lean_months) == (
        25_000_000,
        24,
        (1, 12),
    )
    assert asked.purpose == "investment"  # Rp15 juta of Rp25 juta
