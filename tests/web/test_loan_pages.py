"""KUR pages: the simulator, applying, documents, the bank's steps, payments."""

import io
import re

import pytest
from sqlalchemy import select

from juragan import clock
from juragan.models import LoanApplication
from tests.factories import PDF_BYTES, login


@pytest.fixture
def open_business(db, cast, make_plan):
    from datetime import timedelta

    from juragan.models import utcnow
    from juragan.services import businesses
    from juragan.services.businesses import BusinessData

    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    now = utcnow()
    business = businesses.open_business(
        db.session,
        cast.returnee_user,
        plan,
        BusinessData(clock.today(now) - timedelta(days=300)),
        clock.today(now),
        now,
    )
    db.session.commit()
    return business


SIMULATION = {
    "kind": "business",
    "amount_idr": "50.000.000",
    "tenor_months": "36",
    "purpose": "working_capital",
    "kur_mikro_elsewhere": "0",
    "grace_months": "0",
    "lender": "bri",
    "scheme": "",
}


def test_simulator_shows_fitting_schemes_with_reasons(client, db, cast, open_business):
    login(client, cast.returnee_user.username)
    page = client.post(
        f"/kur/simulator/{cast.returnee.id}",
        data={**SIMULATION, "business_ref": f"b{open_business.id}", "then": "simulate"},
    )
    assert page.status_code == 200
    text = page.text
    assert "Rp1.521.097" in text  # 50 jt, 6%, 36 months
    assert "Pedoman KUR 2026" in text
    assert "aturan bank" in text  # the age rule is labelled a bank rule
    assert "Hanya saran" in text
    assert db.session.scalar(select(LoanApplication)) is None


def test_applying_then_documents_then_submission(client, db, cast, open_business):
    login(client, cast.returnee_user.username)
    response = client.post(
        f"/kur/simulator/{cast.returnee.id}",
        data={
            **SIMULATION,
            "business_ref": f"b{open_business.id}",
            "scheme": "mikro",
            "then": "apply",
        },
    )
    loan = db.session.scalar(select(LoanApplication))
    assert response.location.endswith(f"/kur/{loan.id}")
    page = client.get(f"/kur/{loan.id}")
    assert "Masih kurang" in page.text
    bad = client.post(
        f"/kur/{loan.id}/documents",
        data={
            "version": form_version(client, loan.id),
            "doc_type": "ktp",
            "file": (io.BytesIO(b"GIF89a not allowed"), "ktp.gif"),
        },
        follow_redirects=True,
    )
    assert "Unggah berkas PDF, JPEG atau PNG." in bad.text
    for kind in ("ktp", "kk", "business_proof", "plan_pdf"):
        client.post(
            f"/kur/{loan.id}/documents",
            data={
                "version": form_version(client, loan.id),
                "doc_type": kind,
                "file": (io.BytesIO(PDF_BYTES), f"{kind}.pdf"),
            },
        )
    page = client.post(
        f"/kur/{loan.id}/submit",
        data={"version": form_version(client, loan.id)},
        follow_redirects=True,
    )
    assert "Pengajuan dikirim." in page.text
    db.session.refresh(loan)
    assert loan.status == "submitted"
    document = loan.documents[0]
    with client.get(f"/kur/{loan.id}/documents/{document.id}") as download:
        assert download.data == PDF_BYTES


def form_version(client, loan_id):
    """The version the loan page's forms carry, read as a browser would send it."""
    page = client.get(f"/kur/{loan_id}").text
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_a_form_from_an_older_page_is_refused(client, db, cast, make_loan):
    loan = make_loan(cast, status="verified")
    login(client, cast.bank_officer.username)
    seen = form_version(client, loan.id)
    # Another officer approves first; this one still has the old page open.
    loan.status = "approved"
    db.session.commit()
    late = client.post(
        f"/kur/{loan.id}/decide",
        data={"version": seen, "decision": "reject", "reason": "Tidak layak"},
    )
    assert late.status_code == 409
    assert "Diubah oleh orang lain" in late.text
    db.session.refresh(loan)
    assert loan.status == "approved"


def test_the_bank_decides_disburses_and_takes_payments(client, db, cast, make_loan):
    loan = make_loan(cast, status="verified", amount=12_000_000, tenor=12)
    login(client, cast.bank_officer.username)
    queue = client.get("/kur/?status=queue")
    assert cast.returnee.full_name in queue.text
    rejected = client.post(
        f"/kur/{loan.id}/decide",
        data={
            "version": form_version(client, loan.id),
            "decision": "reject",
            "reason": "",
        },
        follow_redirects=True,
    )
    assert "Tulis alasan penolakan." in rejected.text
    # No approval before the SLIK check (Permenko 1/2022 as amended: SLIK clean).
    refused = client.post(
        f"/kur/{loan.id}/decide",
        data={
            "version": form_version(client, loan.id),
            "decision": "approve",
            "reason": "",
        },
        follow_redirects=True,
    )
    assert "Catat pemeriksaan SLIK sebelum persetujuan." in refused.text
    checked = client.post(
        f"/kur/{loan.id}/checks",
        data={
            "version": form_version(client, loan.id),
            "answer": "slik:clean",
            "checked_on": clock.today().isoformat(),
            "reference": "IDEB-2026-0001",
        },
        follow_redirects=True,
    )
    assert "Pemeriksaan dicatat." in checked.text
    client.post(
        f"/kur/{loan.id}/decide",
        data={
            "version": form_version(client, loan.id),
            "decision": "approve",
            "reason": "",
        },
    )
    db.session.refresh(loan)
    assert loan.status == "approved"
    from datetime import timedelta

    today = clock.today()
    bad = client.post(
        f"/kur/{loan.id}/disburse",
        data={
            "version": form_version(client, loan.id),
            "amount_idr": "13.000.000",
            "akad_on": today.isoformat(),
            "disbursed_on": today.isoformat(),
            "first_due_on": today.isoformat(),
        },
    )
    assert bad.status_code == 422
    assert "is-invalid" in bad.text
    no_sikp = client.post(
        f"/kur/{loan.id}/disburse",
        data={
            "version": form_version(client, loan.id),
            "amount_idr": "12.000.000",
            "akad_on": today.isoformat(),
            "disbursed_on": today.isoformat(),
            "first_due_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert no_sikp.status_code == 422
    assert "Catat pemeriksaan SIKP sebelum akad." in no_sikp.text
    client.post(
        f"/kur/{loan.id}/checks",
        data={
            "version": form_version(client, loan.id),
            "answer": "sikp:registered",
            "checked_on": today.isoformat(),
            "reference": "SIKP-3507-0001",
        },
    )
    db.session.refresh(loan)
    assert loan.is_sikp_registered
    client.post(
        f"/kur/{loan.id}/disburse",
        data={
            "version": form_version(client, loan.id),
            "amount_idr": "12.000.000",
            "akad_on": today.isoformat(),
            "disbursed_on": today.isoformat(),
            "first_due_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    db.session.refresh(loan)
    assert loan.status == "disbursed"
    assert sum(i.principal_idr for i in loan.instalments) == 12_000_000
    client.post(
        f"/kur/{loan.id}/payments",
        data={
            "version": form_version(client, loan.id),
            "paid_on": today.isoformat(),
            "amount_idr": "1.032.797",
            "reference": "A1",
        },
    )
    db.session.refresh(loan)
    assert loan.status == "repaying"
    assert loan.instalments[0].settled_on == today
    schedule = client.get(f"/kur/{loan.id}/schedule.csv")
    assert schedule.status_code == 200
    # 12 jt at 6% over 12 months: Rp1.032.797, the last one Rp1.032.799.
    assert ",1032797,1032797," in schedule.data.decode("utf-8-sig")
    assert client.get(f"/kur/{loan.id}/schedule.xlsx").data[:2] == b"PK"


def test_payment_import_reports_each_row(client, db, cast, make_loan):
    loan = make_loan(cast, status="disbursed", amount=12_000_000, tenor=12)
    login(client, cast.bank_officer.username)
    first = loan.instalments[0]
    due = first.principal_idr + first.interest_idr
    csv = (
        "loan_id,paid_on,amount_idr,reference\n"
        f"{loan.id},{first.due_on.isoformat()},{due},R-1\n"
        f"{loan.id},not-a-date,1000,R-2\n"
        f"999999,{first.due_on.isoformat()},1000,R-3\n"
        f"{loan.id},{first.due_on.isoformat()},{due},R-1\n"
    )
    page = client.post(
        "/kur/payments/import", data={"file": (io.BytesIO(csv.encode()), "bayar.csv")}
    )
    assert page.status_code == 200
    assert page.text.count("table-success") == 1
    assert page.text.count("table-danger") == 2
    assert "sudah tercatat" in page.text
    db.session.refresh(loan)
    assert len(loan.payments) == 1


@pytest.mark.parametrize(
    ("role", "path", "status", "expected"),
    [
        ("returnee_user", "decide", "verified", 403),
        ("mentor", "disburse", "approved", 403),
        ("bank_officer", "verify", "submitted", 403),
        ("official_other", "verify", "submitted", 404),
        ("admin", "decide", "verified", 404),
        ("bank_officer", "submit", "draft", 404),  # drafts are not the bank's
        ("returnee_user", "withdraw", "approved", 403),
    ],
)
def test_refused_loan_steps(client, db, cast, make_loan, role, path, status, expected):
    loan = make_loan(cast, status=status)
    login(client, cast.user(role).username)
    response = client.post(
        f"/kur/{loan.id}/{path}",
        data={"decision": "approve", "version": str(loan.version)},
    )
    assert response.status_code == expected
    db.session.refresh(loan)
    assert loan.status == status


def test_rules_page_and_portfolio(client, db, cast, make_loan):
    make_loan(cast, status="repaying")
    login(client, cast.admin.username)
    page = client.get("/kur/rules")
    assert "Permenko Perekonomian 1/2026" in page.text
    assert "6 / 7 / 8 / 9%" in page.text
    assert (
        "Satu bunga 6%, untuk setiap akses KUR Mikro dan Kecil" in page.text
    )  # in Indonesian
    assert "satu bunga 6%" in page.text
    client.post("/logout")
    login(client, cast.bank_officer.username)
    page = client.get("/kur/portfolio")
    assert page.status_code == 200
    assert "NPL" in page.text


def test_mentor_sees_arrears_and_a_whatsapp_reminder(client, db, cast, make_loan):
    loan = make_loan(cast, status="disbursed")  # first instalment 40 days overdue
    login(client, cast.mentor.username)
    home = client.get("/")
    assert "Pinjaman KUR yang menunggak" in home.text
    page = client.get("/kur/?status=arrears")
    assert cast.returnee.full_name in page.text
    view = client.get(f"/kur/{loan.id}")
    assert "https://wa.me/6281234567890?text=" in view.text
    assert "pengingat%20dari%20juragan" in view.text


def test_standing_on_any_day(client, db, cast, make_loan):
    loan = make_loan(cast, status="disbursed")
    first_due = loan.instalments[0].due_on
    login(client, cast.bank_officer.username)
    before = client.get(f"/kur/{loan.id}?on={first_due.isoformat()}")
    assert "1 Lancar" in before.text
    later = client.get(
        f"/kur/{loan.id}?on={(first_due.replace(day=1)).isoformat()}&x=1"
    )
    assert later.status_code == 200
    from datetime import timedelta

    late = client.get(
        f"/kur/{loan.id}?on={(first_due + timedelta(days=91)).isoformat()}"
    )
    assert "3 Kurang Lancar" in late.text
    assert client.get(f"/kur/{loan.id}?on=not-a-date").status_code == 200
