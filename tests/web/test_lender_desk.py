"""The lender's desk: the decision file on the loan page, by role, and four eyes on
an approval over an exception (docs/lender-desk.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from juragan.domain.kur_rules import rule_set
from juragan.models import Lender, LoanApproval, Role
from juragan.services import loans
from tests.factories import login, pass_checks
from tests.web.test_loan_pages import form_version


def _ready_to_decide(db, cast, make_loan, **kwargs):
    from juragan import clock
    from juragan.models import utcnow

    loan = make_loan(cast, status="verified", **kwargs)
    now = utcnow()
    pass_checks(db.session, cast.bank_officer, loan, clock.today(now), now)
    db.session.commit()
    return loan


def _decide(client, loan, decision, reason=""):
    return client.post(
        f"/kur/{loan.id}/decide",
        data={
            "version": form_version(client, loan.id),
            "decision": decision,
            "reason": reason,
        },
    )


def _the_file(page: str) -> str:
    start = page.index('id="decision-file"')
    return page[start : page.index("</section>", start)]


def test_the_officer_reads_everything_the_decision_rests_on(
    client, db, cast, make_loan
):
    loan = _ready_to_decide(db, cast, make_loan)
    sri = cast.returnee
    login(client, cast.bank_officer.username)
    page = client.get(f"/kur/{loan.id}").text
    file = _the_file(page)
    # The applicant, masked for a lender: no full NIK, no birth date.
    assert sri.full_name in file
    assert sri.nik not in page
    assert sri.nik[-4:] in file
    assert sri.birth_date.isoformat() not in page
    # The verdict of the chosen scheme, rule by rule, with its rule set's basis.
    assert "Layak: KUR Mikro" in file
    rules = rule_set(loan.rule_set)
    assert str(rules.legal_basis) in file
    assert file.count("✓") >= 5
    # The plan's figures against the application's own instalment: the factory's
    # plan leaves 9,5 jt - 4 jt - 1 jt - 1 jt = 3,5 jt a month; 20 jt over 12
    # months at 6% is Rp1.721.329 a month; 3.500.000 / 1.721.329 = 2,03.
    assert "Rp25.000.000" in file  # capital needed
    assert "Rp3.500.000" in file
    assert "Rp1.721.329" in file
    assert "2,03×" in file
    assert "1,50×" in file
    # The schedule preview, the documents (each viewable), the endorsement.
    assert file.count("Rp1.721.329") >= 2
    for document in loan.documents:
        assert f"/kur/{loan.id}/documents/{document.id}?view=1" in file
    assert f"oleh {cast.mentor.full_name}" in file
    assert "Tidak ada catatan penelaahan yang terbuka." in file
    assert "Tidak ada: ini KUR pertama." in file
    assert "SLIK" in page
    assert "bersih" in page.lower()
    # No exception: the officer decides alone.
    assert "petugas kedua" not in file


def test_who_sees_the_decision_file(client, db, cast, make_loan, make_user):
    loan = make_loan(cast, status="submitted")
    for who, sees in (
        ("mentor", True),
        ("official_regency", True),
        ("bank_officer", True),
        ("returnee_user", False),
    ):
        login(client, cast.user(who).username)
        page = client.get(f"/kur/{loan.id}")
        assert page.status_code == 200, who
        assert ('id="decision-file"' in page.text) is sees, who
        client.post("/logout")
    # An officer of another lender, or of the lender in another province, and an
    # administrator: the application does not exist for them.
    for outsider in (
        make_user(Role.BANK_OFFICER, "35", lender="bni"),
        make_user(Role.BANK_OFFICER, "33"),
        cast.admin,
    ):
        login(client, outsider.username)
        assert client.get(f"/kur/{loan.id}").status_code == 404
        assert (
            client.get(
                f"/kur/{loan.id}/documents/{loan.documents[0].id}?view=1"
            ).status_code
            == 404
        )
        client.post("/logout")


def test_a_document_opens_in_the_browser_and_the_look_is_recorded(
    app, client, db, cast, make_loan, tmp_path
):
    import shutil

    from juragan.db import inventory
    from juragan.models import AuditEntry

    loan = make_loan(cast, status="verified")  # its files are under tmp_path
    document = loan.documents[0]
    kept = inventory.path_of(
        "loan_document", document.stored_name, app.config["UPLOAD_FOLDER"]
    )
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(
        inventory.path_of("loan_document", document.stored_name, str(tmp_path)), kept
    )
    login(client, cast.bank_officer.username)
    with client.get(f"/kur/{loan.id}/documents/{document.id}?view=1") as shown:
        assert shown.status_code == 200
        assert shown.headers["Content-Type"] == "application/pdf"
        assert shown.headers["Content-Disposition"].startswith("inline")
        assert shown.headers["Cache-Control"] == "private, no-store"
    with client.get(f"/kur/{loan.id}/documents/{document.id}") as saved:
        assert saved.headers["Content-Disposition"].startswith("attachment")
    looks = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "view",
            AuditEntry.actor_id == cast.bank_officer.id,
            AuditEntry.table_name == "loan_documents",
        )
    ).all()
    assert len(looks) == 2


def _below_the_threshold(db):
    # BRI asks a capacity of 5: the factory's 2,03 is below it.
    db.session.execute(
        update(Lender).where(Lender.code == "bri").values(min_repayment_coverage=5)
    )
    db.session.commit()


def test_one_officer_cannot_approve_an_exception_alone_two_can(
    client, db, cast, make_loan, make_user
):
    loan = _ready_to_decide(db, cast, make_loan)
    _below_the_threshold(db)
    second = make_user(Role.BANK_OFFICER, "35")
    login(client, cast.bank_officer.username)
    file = _the_file(client.get(f"/kur/{loan.id}").text)
    assert "Persetujuan perlu alasan dan petugas kedua" in file
    # Without a reason: refused beside the field, nothing recorded.
    refused = _decide(client, loan, "approve")
    assert refused.status_code == 422
    assert "kemampuan bayar di bawah batas bank" in refused.text
    assert 'id="reason"' in refused.text
    assert "is-invalid" in refused.text
    db.session.expire_all()
    assert loan.status == "verified"
    assert not loan.approvals
    # With a reason: the first approval, and the application waits.
    first = _decide(client, loan, "approve", "Omzet nyata di buku kas lebih tinggi.")
    assert first.status_code == 302
    db.session.expire_all()
    assert loan.status == "verified"
    assert [(a.step, a.officer_id, a.exceptions) for a in loan.approvals] == [
        (1, cast.bank_officer.id, ["capacity_below_threshold"])
    ]
    # The queue tells the bank's officers whose turn it is.
    queue = client.get("/kur/queue").text
    assert "Menunggu petugas kedua" in queue
    # The same officer cannot give the second.
    page = client.get(f"/kur/{loan.id}").text
    assert "Anda memberi persetujuan pertama" in page
    again = _decide(client, loan, "approve", "Saya setuju lagi.")
    assert again.status_code == 422
    db.session.expire_all()
    assert len(loan.approvals) == 1
    assert loan.status == "verified"
    client.post("/logout")
    # A second officer of the same lender approves, with a reason of their own.
    login(client, second.username)
    done = _decide(client, loan, "approve", "Kunjungan lapangan menguatkan kas.")
    assert done.status_code == 302
    db.session.expire_all()
    assert loan.status == "approved"
    assert loan.decided_by_id == second.id
    approvals = db.session.scalars(
        select(LoanApproval)
        .where(LoanApproval.loan_id == loan.id)
        .order_by(LoanApproval.step)
    ).all()
    assert [(a.step, a.officer_id) for a in approvals] == [
        (1, cast.bank_officer.id),
        (2, second.id),
    ]
    assert [a.reason for a in approvals] == [
        "Omzet nyata di buku kas lebih tinggi.",
        "Kunjungan lapangan menguatkan kas.",
    ]
    # Both are shown, with their reasons.
    page = client.get(f"/kur/{loan.id}").text
    assert cast.bank_officer.full_name in page
    assert second.full_name in page
    assert "Omzet nyata di buku kas lebih tinggi." in page
    assert "Kunjungan lapangan menguatkan kas." in page


def test_an_officer_of_another_lender_gives_no_second_approval(
    db, cast, make_loan, make_user
):
    from juragan.errors import DomainError
    from juragan.models import utcnow

    loan = _ready_to_decide(db, cast, make_loan)
    _below_the_threshold(db)
    loans.decide(db.session, cast.bank_officer, loan, True, "Kas cukup.", utcnow())
    other = make_user(Role.BANK_OFFICER, "35", lender="bni")
    with pytest.raises(DomainError):
        loans.decide(db.session, other, loan, True, "Setuju.", utcnow())
    assert loan.status == "verified"
    assert len(loan.approvals) == 1


def test_a_not_eligible_verdict_needs_two_officers_and_a_rejection_one(
    db, cast, make_loan, make_user
):
    from juragan.errors import FieldErrors
    from juragan.models import utcnow
    from juragan.services import lender_desk

    loan = _ready_to_decide(db, cast, make_loan)
    sri = cast.returnee
    # Under 21 and unmarried on the application date: the banks' age rule fails.
    sri.birth_date, sri.marital_status = (
        loan.applied_on.replace(year=loan.applied_on.year - 19, day=1),
        "single",
    )
    db.session.commit()
    assert lender_desk.approval_exceptions(db.session, loan, loan.applied_on) == (
        lender_desk.NOT_ELIGIBLE,
    )
    with pytest.raises(FieldErrors) as refused:
        loans.decide(db.session, cast.bank_officer, loan, True, None, utcnow())
    assert refused.value.errors[0][0] == "reason"
    assert (
        loans.decide(
            db.session, cast.bank_officer, loan, True, "Usia bukan halangan.", utcnow()
        )
        == loans.AWAITING_SECOND
    )
    # Any officer may still reject it, alone.
    other = make_user(Role.BANK_OFFICER, "35")
    assert (
        loans.decide(
            db.session, other, loan, False, "Usia di bawah 21 tahun.", utcnow()
        )
        == loans.REJECTED
    )
    assert loan.status == "rejected"


def test_an_application_without_a_plan_has_no_capacity(db, cast, make_loan):
    from juragan import clock
    from juragan.services import lender_desk

    loan = _ready_to_decide(db, cast, make_loan)
    loan.plan_id = None
    db.session.commit()
    db.session.refresh(loan)
    brief = lender_desk.brief(db.session, loan, clock.today())
    assert brief.capacity.coverage is None
    assert lender_desk.NO_CAPACITY in brief.exceptions


def test_document_sizes_are_written_the_indonesian_way(client, db, cast, make_loan):
    loan = make_loan(cast, status="submitted")
    document = loan.documents[0]
    document.size_bytes = 52_200  # as a scanned KTP would be
    db.session.commit()
    login(client, cast.bank_officer.username)
    page = client.get(f"/kur/{loan.id}").text
    assert "52,2 kB" in page
    assert "52.2 kB" not in page
