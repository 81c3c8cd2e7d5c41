"""Where an application stands, state by state, as plain functions (no request)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from juragan import clock, loan_progress
from juragan.db import loan_reading
from juragan.loan_progress import APPLICANT, LENDER, REVIEWER, progress_of
from juragan.models import Lender, LoanApproval, utcnow
from juragan.services import loans, plans


def states(progress) -> dict[str, str]:
    return {step.code: step.state for step in progress.steps}


def test_a_draft_waits_for_its_documents(db, cast, make_loan):
    loan = make_loan(cast, status="draft")
    progress = progress_of(loan, clock.today())
    assert progress.step == "draft"
    assert states(progress) == {
        "draft": "current",
        "documents": "upcoming",
        "decision": "upcoming",
        "disbursement": "upcoming",
        "repayment": "upcoming",
    }
    assert progress.holder == APPLICANT
    assert str(progress.holder_text(True)) == "Anda"
    assert str(progress.holder_text(False)) == f"Pemohon, {cast.returnee.full_name}"
    assert progress.missing_documents == ("ktp", "kk", "business_proof", "plan_pdf")
    assert [str(label) for label in progress.missing] == [
        "KTP-el",
        "Kartu keluarga (KK)",
        "Bukti usaha (NIB atau surat keterangan usaha dari desa)",
        "Rencana usaha (PDF)",
    ]
    assert progress.next_code == "attach"
    assert progress.reason is None


def test_a_draft_whose_plan_was_reopened_waits_for_the_plan(
    db, cast, make_loan, tmp_path
):
    from tests.factories import PDF_BYTES

    loan = make_loan(cast, status="draft")
    for kind in loan_reading.required_documents(loan):
        loans.attach_document(
            db.session,
            cast.returnee_user,
            loan,
            kind,
            "x.pdf",
            PDF_BYTES,
            tmp_path,
            utcnow(),
        )
    assert progress_of(loan, clock.today()).next_code == "submit"
    plans.reopen_plan(db.session, loan.plan)
    progress = progress_of(loan, clock.today())
    assert progress.missing_documents == ()
    assert progress.plan_not_sent
    assert [str(label) for label in progress.missing] == [
        "Rencana usaha: belum diajukan untuk ditinjau"
    ]
    assert progress.next_code == "send_plan"


def test_a_draft_returned_gives_the_reviewers_words(db, cast, make_loan):
    loan = make_loan(cast, status="submitted")
    loans.return_for_documents(
        db.session, cast.mentor, loan, utcnow(), "Foto KTP buram, unggah lagi."
    )
    progress = progress_of(loan, clock.today())
    assert progress.step == "draft"
    assert progress.reason == "Foto KTP buram, unggah lagi."
    assert progress.reason_kind == "returned"
    assert str(progress.reason_intro) == (
        f"Dikembalikan untuk diperbaiki oleh {cast.mentor.full_name}:"
    )


def test_a_submitted_application_is_with_the_mentor(db, cast, make_loan):
    loan = make_loan(cast, status="submitted")
    progress = progress_of(loan, clock.today())
    assert progress.step == "documents"
    assert states(progress)["draft"] == "done"
    assert progress.holder == REVIEWER
    assert str(progress.holder_text(True)) == (
        f"Pendamping ({cast.mentor.full_name}) atau kantor BP3MI"
    )
    assert progress.missing == []
    lender = db.session.get(Lender, "bri").name
    assert progress.lender_name == lender
    assert str(progress.next_text).endswith(f"pengajuan diteruskan ke {lender}.")


def test_without_a_mentor_the_office_checks(db, cast, make_loan):
    loan = make_loan(cast, status="submitted")
    cast.returnee.mentor_id = None
    db.session.flush()
    db.session.expire(cast.returnee, ["mentor"])
    assert str(progress_of(loan, clock.today()).holder_text(True)) == "Kantor BP3MI"


def test_a_checked_application_is_with_the_bank_until_its_service_level(
    db, cast, make_loan
):
    loan = make_loan(cast, status="verified")
    today = clock.today()
    progress = progress_of(loan, today)
    lender = db.session.get(Lender, "bri")
    assert progress.step == "decision"
    assert progress.holder == LENDER
    assert str(progress.holder_text(True)) == lender.name
    assert [(c.kind, c.result) for c in progress.checks] == [("slik", None)]
    assert progress.decide_by == clock.date_in("35") + timedelta(
        days=lender.decision_sla_days
    )
    assert progress.next_code == "decide"
    assert "riwayat kredit (SLIK)" in str(progress.next_text)
    late = progress_of(loan, progress.decide_by + timedelta(days=1))
    assert late.next_code == "decide_late"
    assert not progress.awaiting_second


def test_a_first_approval_waits_for_a_second_officer(db, cast, make_loan):
    loan = make_loan(cast, status="verified")
    loan.approvals.append(
        LoanApproval(
            officer_id=cast.bank_officer.id,
            lender_code="bri",
            step=1,
            exceptions=["capacity_below_threshold"],
            reason="Kas cukup.",
            at=utcnow(),
        )
    )
    db.session.flush()
    progress = progress_of(loan, clock.today())
    assert progress.awaiting_second
    assert progress.holder == LENDER
    assert progress.next_code == "second"
    assert "petugas bank kedua" in str(progress.next_text)


def test_an_approved_application_waits_for_the_akad(db, cast, make_loan):
    loan = make_loan(cast, status="approved")
    progress = progress_of(loan, clock.today())
    assert progress.step == "disbursement"
    assert states(progress)["decision"] == "done"
    assert progress.holder == LENDER
    assert [(c.kind, c.passed) for c in progress.checks] == [("sikp", True)]
    assert progress.next_code == "akad"


def test_a_rejection_stops_and_gives_the_banks_words(db, cast, make_loan):
    loan = make_loan(cast, status="rejected")
    progress = progress_of(loan, clock.today())
    assert progress.step == "decision"
    assert states(progress) == {
        "draft": "done",
        "documents": "done",
        "decision": "stopped",
        "disbursement": "never",
        "repayment": "never",
    }
    assert progress.holder is None
    assert progress.reason == "Usaha belum layak."
    assert str(progress.reason_intro) == "Alasan bank menolak:"
    assert progress.next_code == "rejected"


def test_a_withdrawal_stops_where_it_was(db, cast, make_loan):
    loan = make_loan(cast, status="submitted")
    loans.withdraw(db.session, cast.returnee_user, loan, utcnow(), "Pakai tabungan.")
    progress = progress_of(loan, clock.today())
    assert progress.step == "documents"
    assert states(progress)["documents"] == "stopped"
    assert progress.reason == "Pakai tabungan."
    assert progress.next_code == "withdrawn"


@pytest.mark.parametrize("status", ["disbursed", "repaying", "restructured"])
def test_a_live_loan_shows_the_next_instalment(db, cast, make_loan, status):
    loan = make_loan(cast, status=status)
    today = clock.today()
    standing = loan_reading.standing(loan, today)
    progress = progress_of(loan, today)
    assert progress.step == "repayment"
    assert states(progress)["disbursement"] == "done"
    assert progress.holder == APPLICANT
    assert progress.instalments == len(loan.instalments)
    assert progress.next_due == standing.next_due
    assert progress.days_past_due == standing.days_past_due
    assert progress.next_code == ("late" if standing.days_past_due else "pay")


def test_a_loan_paid_on_time_then_late(db, cast, make_loan):
    loan = make_loan(cast, status="repaying")  # the first instalment paid
    second = loan.instalments[1]
    on_time = progress_of(loan, second.due_on)
    assert on_time.next_code == "pay"
    assert on_time.instalments_paid == 1
    assert "Bayar angsuran berikutnya" in str(on_time.next_text)
    late = progress_of(loan, second.due_on + timedelta(days=9))
    assert late.next_code == "late"
    assert late.days_past_due == 9
    assert str(late.next_text).startswith("Terlambat 9 hari")


def test_closed_loans(db, cast, make_loan):
    paid = progress_of(make_loan(cast, status="paid_off"), clock.today())
    assert set(states(paid).values()) == {"done"}
    assert paid.holder is None
    assert paid.next_code == "paid_off"
    written = progress_of(
        make_loan(cast, status="written_off", returnee=cast.neighbour), clock.today()
    )
    assert states(written)["repayment"] == "stopped"
    assert written.reason == "Macet."
    assert written.next_code == "written_off"


def test_every_next_step_has_words(db, cast, make_loan):
    """Every code the module gives has its sentence (none falls through)."""
    loan = make_loan(cast, status="verified")
    progress = progress_of(loan, clock.today())
    texts = set()
    for code in loan_progress.NEXT_CODES:
        shown = progress.__class__(
            **{
                **progress.__dict__,
                "next_code": code,
                "next_due": loan_reading.dues_of(loan)[0] if loan.instalments else None,
            }
        )
        texts.add(str(shown.next_text))
    # "pay" without a next instalment reads as paid off: one fewer sentence at most.
    assert len(texts) >= len(loan_progress.NEXT_CODES) - 1
