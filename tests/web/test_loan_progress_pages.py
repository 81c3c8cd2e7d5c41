"""The returnee reads where their application stands, in plain Indonesian, on the
loan page: the step, who has it, what is missing, what comes next, the reason."""

from __future__ import annotations

import re

import pytest
from flask_babel import format_date

from juragan import clock
from juragan.db import loan_reading
from juragan.domain.money import format_rupiah
from juragan.models import Lender, utcnow
from juragan.services import loans
from tests.factories import login


def progress_text(page: str) -> str:
    """The progress card as words, tags removed and spaces collapsed."""
    card = page.split('id="progress"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))


def current_step(page: str) -> str:
    card = page.split('id="progress"', 1)[1]
    step = re.search(r'aria-current="step">.*?loan-step-label">([^<]+)', card, re.S)
    return step.group(1).strip()


@pytest.mark.parametrize(
    ("status", "step", "expected"),
    [
        (
            "draft",
            "Mengisi pengajuan",
            [
                "Sekarang giliran Anda",
                "Masih kurang",
                "KTP-el",
                "Kartu keluarga (KK)",
                "Lampirkan dokumen yang masih kurang, lalu kirim pengajuan.",
            ],
        ),
        (
            "submitted",
            "Pemeriksaan dokumen",
            [
                "Sekarang giliran Pendamping ({mentor}) atau kantor BP3MI",
                "memeriksa dokumen dan rencana usaha",
                "Bila sudah lengkap, pengajuan diteruskan ke {lender}.",
            ],
        ),
        (
            "verified",
            "Keputusan bank",
            [
                "Sekarang giliran {lender}",
                "Riwayat kredit (SLIK): belum diperiksa bank",
                "{lender} memeriksa riwayat kredit (SLIK) lalu memutuskan",
            ],
        ),
        (
            "rejected",
            "Keputusan bank",
            [
                "Sekarang giliran Tidak ada lagi: pengajuan sudah selesai",
                "Alasan bank menolak: Usaha belum layak.",
                "Tanyakan kepada {lender} atau pendamping",
            ],
        ),
        (
            "approved",
            "Pencairan",
            [
                "Sekarang giliran {lender}",
                "Pendaftaran di SIKP: terdaftar",
                "Berikutnya: tanda tangani perjanjian (akad) di {lender}",
            ],
        ),
        (
            "repaying",
            "Membayar angsuran",
            [
                "Sekarang giliran Anda",
                "Angsuran yang sudah dibayar 2 dari 12",
                "Bayar angsuran berikutnya, {amount}, paling lambat {day}.",
            ],
        ),
    ],
)
def test_the_returnee_reads_where_the_application_stands(
    client, db, cast, make_loan, status, step, expected
):
    loan = make_loan(cast, status=status)
    if status == "repaying":  # the second instalment paid too: on time today
        second, now = loan.instalments[1], utcnow()
        loans.record_payment(
            db.session,
            cast.bank_officer,
            loan,
            second.due_on,
            second.principal_idr + second.interest_idr,
            clock.today(now),
            now,
        )
        db.session.commit()
    login(client, cast.returnee_user.username)
    page = client.get(f"/kur/{loan.id}")
    assert page.status_code == 200
    assert "Posisi pengajuan" in page.text
    assert current_step(page.text) == step
    words = progress_text(page.text)
    due = (
        loan_reading.standing(loan, clock.today()).next_due
        if loan.instalments
        else None
    )
    values = {
        "mentor": cast.mentor.full_name,
        "lender": db.session.get(Lender, "bri").name,
        "amount": format_rupiah(due.owed_idr) if due else "",
        "day": format_date(due.due_on, "long") if due else "",
    }
    for sentence in expected:
        assert sentence.format(**values) in words, (sentence, words)


def test_others_read_the_same_steps_with_the_applicant_named(
    client, db, cast, make_loan
):
    loan = make_loan(cast, status="draft")
    login(client, cast.mentor.username)
    words = progress_text(client.get(f"/kur/{loan.id}").text)
    assert f"Sekarang giliran Pemohon, {cast.returnee.full_name}" in words
    assert "Masih kurang" in words


def test_a_phone_reads_the_steps_as_a_list(client, db, cast, make_loan):
    """The steps are an ordered list the stylesheet lays out down a phone's screen
    (across from 768 px): one item per step, the current one marked for readers."""
    loan = make_loan(cast, status="verified")
    login(client, cast.returnee_user.username)
    page = client.get(f"/kur/{loan.id}").text
    steps = page.split('<ol class="loan-steps', 1)[1].split("</ol>", 1)[0]
    assert steps.count("<li") == 5
    assert steps.count('aria-current="step"') == 1
    with client.get("/static/css/app.css") as response:
        css = response.text
    assert ".loan-steps { display: flex; flex-direction: column;" in css
    assert "@media (min-width: 768px)" in css
