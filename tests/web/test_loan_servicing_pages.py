"""The payoff, prepayment and restructuring on the loan page, and the simulator
showing exactly the schedule a disbursement lays down."""

import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from juragan import clock
from juragan.db import loan_reading
from juragan.domain.money import format_rupiah
from juragan.models import LoanApplication, Role, utcnow
from juragan.services import loans
from juragan.services.loans import Disbursement
from tests.factories import PDF_BYTES, approve_over_exception, login, pass_checks
from tests.web import test_loan_pages
from tests.web.test_loan_pages import SIMULATION, form_version

open_business = test_loan_pages.open_business


def _rows(html: str) -> list[tuple[str, ...]]:
    """The schedule table's rows as (number, instalment) pairs."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        (cells[0], cells[2])
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for row in body.split("</tr>")
            if "<td" in row
        )
    ]


def test_the_simulator_shows_the_schedule_the_disbursement_lays_down(
    client,
    db,
    cast,
    open_business,
    tmp_path,
    make_user,
):
    open_business.sector = "farming"  # a seasonal schedule is for farming
    db.session.commit()
    login(client, cast.returnee_user.username)
    form = {
        **SIMULATION,
        "business_ref": f"b{open_business.id}",
        "amount_idr": "20.000.000",
        "tenor_months": "12",
        "lean_months": ["1", "2", "3"],
    }
    page = client.post(
        f"/kur/simulator/{cast.returnee.id}", data={**form, "then": "simulate"}
    )
    assert page.status_code == 200
    shown = _rows(page.text.split("Jadwal angsuran", 1)[1])
    assert len(shown) == 12
    client.post(
        f"/kur/simulator/{cast.returnee.id}",
        data={**form, "scheme": "mikro", "then": "apply"},
    )
    loan = db.session.scalar(select(LoanApplication))
    assert loan.lean_months == [1, 2, 3]
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
    # The farm's cash is under the threshold for 20 jt: two officers approve.
    approve_over_exception(
        db.session, cast.bank_officer, make_user(Role.BANK_OFFICER, "35"), loan, now
    )
    loans.disburse(
        db.session,
        cast.bank_officer,
        loan,
        Disbursement(20_000_000, today, today, loans.preview_first_due(today)),
        today,
        now,
    )
    laid_down = [
        (str(i.number), format_rupiah(i.principal_idr + i.interest_idr))
        for i in loan.instalments
    ]
    assert shown == laid_down
    # The lean months are the January to March instalments, whatever their number.
    lean = [i.due_on.month for i in loan.instalments if not i.principal_idr]
    assert sorted(lean) == [1, 2, 3]


def test_returnee_and_bank_see_the_payoff_of_any_day(client, db, cast, make_loan):
    loan = make_loan(cast, status="repaying", amount=24_000_000, tenor=12)
    today = clock.today()
    payoff = loan_reading.quote(loan, today).total_idr
    for user in (cast.returnee_user, cast.bank_officer):
        login(client, user.username)
        page = client.get(f"/kur/{loan.id}")
        assert "Pelunasan pada" in page.text
        assert format_rupiah(payoff) in page.text
    later = today + timedelta(days=10)
    page = client.get(f"/kur/{loan.id}?quote_on={later.isoformat()}")
    assert format_rupiah(loan_reading.quote(loan, later).total_idr) in page.text
    # A nonsense date shows today's quote, never an error.
    assert client.get(f"/kur/{loan.id}?quote_on=9999-99-99").status_code == 200
    assert client.get(f"/kur/{loan.id}?quote_on=1900-01-01").status_code == 200


def test_the_bank_records_a_prepayment_then_the_payoff(client, db, cast, make_loan):
    loan = make_loan(cast, status="repaying", amount=24_000_000, tenor=12)
    today = clock.today()
    login(client, cast.bank_officer.username)
    form = {
        "prepaid_on": today.isoformat(),
        "amount_idr": "100",
        "option": "lower_instalment",
    }
    bad = client.post(
        f"/kur/{loan.id}/prepay",
        data={**form, "version": form_version(client, loan.id)},
    )
    assert bad.status_code == 422
    assert "Pelunasan sebagian lebih dulu melunasi" in bad.text
    db.session.refresh(loan)
    assert [p.kind for p in loan.payments] == ["instalment"]  # nothing changed
    done = client.post(
        f"/kur/{loan.id}/prepay",
        data={
            **form,
            "amount_idr": "10.000.000",
            "version": form_version(client, loan.id),
        },
        follow_redirects=True,
    )
    assert "Pelunasan sebagian dicatat" in done.text
    assert "Riwayat jadwal" in done.text
    db.session.refresh(loan)
    payoff = loan_reading.quote(loan, today).total_idr
    client.post(
        f"/kur/{loan.id}/prepay",
        data={
            **form,
            "amount_idr": str(payoff),
            "version": form_version(client, loan.id),
        },
    )
    db.session.refresh(loan)
    assert loan.status == "paid_off"
    assert [r.kind for r in loan.revisions] == ["disbursement", "prepayment", "payoff"]


def test_the_bank_records_a_restructuring(client, db, cast, make_loan):
    loan = make_loan(cast, status="repaying", amount=24_000_000, tenor=12)
    today = clock.today()
    login(client, cast.bank_officer.username)
    form = {
        "on": today.isoformat(),
        "treatment": "capitalise",
        "tenor_months": "18",
        "first_due_on": (today + relativedelta(months=1)).isoformat(),
        "grace_months": "0",
        "reason": "",
    }
    bad = client.post(
        f"/kur/{loan.id}/restructure",
        data={**form, "version": form_version(client, loan.id)},
    )
    assert bad.status_code == 422
    assert "Tulis alasannya." in bad.text
    done = client.post(
        f"/kur/{loan.id}/restructure",
        data={
            **form,
            "reason": "Gagal panen.",
            "version": form_version(client, loan.id),
        },
        follow_redirects=True,
    )
    assert "Restrukturisasi dicatat" in done.text
    db.session.refresh(loan)
    assert loan.status == "restructured"
    assert loan.revisions[-1].reason == "Gagal panen."
    # The returnee may not restructure their own loan.
    login(client, cast.returnee_user.username)
    refused = client.post(
        f"/kur/{loan.id}/restructure",
        data={**form, "reason": "x", "version": str(loan.version)},
    )
    assert refused.status_code in (403, 404)
