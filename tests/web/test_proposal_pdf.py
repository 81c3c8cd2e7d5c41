"""The proposal a bank accepts: always Indonesian, A4, every word inside its page,
the sections in the banks' order, and a check value a bank verifies a printed copy
with (``docs/proposal.md``)."""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from juragan import clock
from juragan.models import utcnow
from juragan.reports import proposal as proposal_reports
from juragan.services import businesses, loans, plans
from juragan.services.businesses import BusinessData
from juragan.services.loans import ApplicationData, Declared
from juragan.services.plans import LineItem, MonthInput
from tests.factories import PDF_BYTES, login

pytestmark = pytest.mark.slow

LONG_NAME = "Siti Nurhalizah Rahmawati Kusumaningrum Wijayakusuma Prawiranegara Binti Haji Abdul Rahman Soekarnoputri"  # noqa: E501
LONG_BUSINESS = "Usaha Dagang Keripik Tempe dan Aneka Olahan Kedelai Organik Khas Malang Selatan Sumber Rezeki Barokah Abadi"  # noqa: E501
UNBROKEN = "Mesin-penggiling-kedelai-stainless-kapasitas-lima-puluh-kilogram-per-jam"
#: The sections in the order banks read a micro-credit proposal.
SECTIONS = (
    "Profil pemohon",
    "Profil usaha",
    "Rencana penggunaan dana",
    "Proyeksi arus kas",
    "Kemampuan bayar",
    "Agunan",
    "Dokumen terlampir",
    "Pengesahan dan tanda tangan",
)
A4 = (595.28, 841.89)


def _long_plan(db, cast, folder, sales=95_000_000):
    """A ready plan with long names and 36 months of projections, and a draft
    application on it with some documents attached."""
    session, author, returnee = db.session, cast.returnee_user, cast.returnee
    returnee.full_name = LONG_NAME
    today = clock.today()
    plan = plans.create_plan(session, author, returnee, LONG_BUSINESS, "culinary")
    plans.save_section(
        session,
        plan,
        "business",
        {
            "business_name": LONG_BUSINESS,
            "legal_form": "individual",
            "sector": "culinary",
            "kbli_section": None,
            "province_code": returnee.province_code,
            "regency_code": returnee.regency_code,
            "district": "Kepanjen",
            "planned_start": today + timedelta(days=40),
            "description": "Keripik tempe renyah untuk oleh-oleh. " * 12,
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "market",
        {
            "target_market": "Toko oleh-oleh dan pasar.",
            "competitors": "Tiga produsen.",
            "marketing": "Marketplace dan WhatsApp.",
        },
        today,
    )
    plans.save_section(
        session,
        plan,
        "operations",
        {
            "operations": "Produksi harian.",
            "suppliers": "Koperasi kedelai.",
            "equipment": UNBROKEN,
            "workers_planned": 3,
        },
        today,
    )
    plans.save_section(session, plan, "risks", {"risks": "Harga kedelai naik."}, today)
    plans.save_capital(
        session,
        plan,
        [
            LineItem("investment", UNBROKEN, 38_500_000),
            LineItem(
                "investment",
                "Wajan besar, kompor dan spinner peniris minyak "
                "untuk produksi keripik dalam jumlah banyak",
                11_500_000,
            ),
            LineItem(
                "working_capital",
                "Bahan baku kedelai dan minyak tiga bulan",
                30_000_000,
            ),
        ],
    )
    plans.save_funding(
        session,
        plan,
        [
            LineItem("own_savings", "Tabungan selama bekerja di Hong Kong", 5_000_000),
            LineItem("kur", None, 75_000_000),
        ],
        36,
        Decimal(6),
    )
    plans.save_projection(
        session,
        plan,
        36,
        [
            MonthInput(sales + 1_000_000 * m, 41_000_000, 11_500_000, 6_000_000)
            for m in range(36)
        ],
    )
    now = utcnow()
    plans.submit_plan(session, author, plan, now)
    plans.start_review(session, plan)
    plans.mark_ready(session, plan, endorser=cast.mentor, now=now)
    business = businesses.open_business(
        session, author, plan, BusinessData(today - timedelta(days=400)), today, now
    )
    loan, _ = loans.create_application(
        session,
        author,
        returnee,
        ApplicationData(
            kind="business",
            scheme="mikro",
            lender="bri",
            amount_idr=75_000_000,
            tenor_months=36,
            purpose="working_capital",
            declared=Declared(has_npwp=False),
            business_id=business.id,
            plan_id=plan.id,
        ),
        today,
    )
    for kind in ("ktp", "kk"):
        loans.attach_document(
            session, author, loan, kind, f"{kind}.pdf", PDF_BYTES, folder, now
        )
    session.commit()
    return plan


def _pdf(client, plan) -> bytes:
    response = client.get(f"/plans/{plan.id}/proposal.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    keep = os.environ.get("PROPOSAL_PDF_OUT")  # to look at the pages as images
    if keep:
        Path(keep).write_bytes(response.data)
    return response.data


def _words_outside(data: bytes) -> list[tuple[int, str]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            (number, word["text"])
            for number, page in enumerate(pdf.pages, 1)
            for word in page.extract_words()
            if not (
                word["x0"] >= 0
                and word["x1"] <= page.width
                and word["top"] >= 0
                and word["bottom"] <= page.height
            )
        ]


def test_a_business_of_billions_a_month_still_fits(client, db, cast, tmp_path):
    # Rp2,5 miliar of sales a month: each year's total runs to 16 characters.
    plan = _long_plan(db, cast, tmp_path, sales=2_500_000_000)
    login(client, cast.returnee_user.username)
    assert _words_outside(_pdf(client, plan)) == []


def test_long_names_and_36_months_fit_on_a4_in_indonesian(client, db, cast, tmp_path):
    plan = _long_plan(db, cast, tmp_path)
    cast.returnee_user.locale = "en"  # the interface is English; the PDF is not
    db.session.commit()
    login(client, cast.returnee_user.username)
    with pdfplumber.open(io.BytesIO(_pdf(client, plan))) as pdf:
        pages = pdf.pages
        outside = []
        landscape = 0
        for number, page in enumerate(pages, 1):
            size = sorted((float(page.width), float(page.height)))
            assert size == pytest.approx(sorted(A4), abs=1), number
            landscape += page.width > page.height
            for word in page.extract_words():
                if not (
                    word["x0"] >= 0
                    and word["x1"] <= page.width
                    and word["top"] >= 0
                    and word["bottom"] <= page.height
                ):
                    outside.append((number, word["text"]))
        texts = [page.extract_text() or "" for page in pages]
    assert outside == []
    whole = " ".join(" ".join(texts).split())
    # Three years of projection, each on its own landscape page.
    assert landscape == 3
    for year in (1, 2, 3):
        assert f"Proyeksi arus kas, tahun ke-{year}" in whole
    assert re.search(r"\b36 Rp130\.000\.000", whole)  # the last month's row, whole
    positions = [whole.find(title) for title in SECTIONS]
    assert -1 not in positions, dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)
    cover = " ".join(texts[0].split())
    for expected in (
        "Proposal pengajuan Kredit Usaha Rakyat (KUR)".upper(),
        "Jumlah kredit yang diajukan",
        "Rp75.000.000",
        "tujuh puluh lima juta rupiah",
        "KUR Mikro",
        "36 bulan",
        "BRI",
    ):
        assert expected in cover, expected
    assert LONG_NAME.split()[-1] in cover
    doc_id = proposal_reports.document_id(plan.id, plan.last_version.number)
    check = proposal_reports.check_of(plan.last_version, plan.returnee_id)
    assert doc_id in cover
    assert check in cover
    for number, text in enumerate(texts, 1):
        flat = " ".join(text.split())
        assert f"Halaman {number} dari {len(texts)}" in flat
        assert f"Dokumen {doc_id} · kode cek {check}" in flat
    # The endorsement, the signatures and the documents, as the bank reads them.
    assert f"dinyatakan siap untuk bank oleh {cast.mentor.full_name}" in whole
    for expected in (
        "Pemohon",
        "Pendamping",
        "Diterima oleh petugas penyalur",
        "Dilampirkan pada pengajuan tanggal",
        "Belum ada",
        "Agunan pokok",
        "Tanpa agunan tambahan sampai Rp100 juta",
    ):
        assert expected in whole, expected
    for english in ("Applicant's profile", "Page ", "Repayment capacity", "Month"):
        assert english not in whole, english


def test_the_page_preview_is_indonesian_inside_an_english_toolbar(
    client, db, cast, make_plan
):
    plan = make_plan(cast.returnee, cast.returnee_user, cast.mentor, status="ready")
    cast.mentor.locale = "en"
    db.session.commit()
    login(client, cast.mentor.username)
    page = client.get(f"/plans/{plan.id}/proposal").text
    assert "Back to the plan" in page
    assert '<main lang="id">' in page
    assert "Profil pemohon" in page
    assert "dua puluh lima juta rupiah" in page
    assert "twenty-five million" not in page


def test_a_draft_prints_no_check_value(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.returnee_user.username)
    with pdfplumber.open(io.BytesIO(_pdf(client, plan))) as pdf:
        whole = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Draf: belum dinyatakan siap, tidak dapat diverifikasi" in whole
    assert "JRG-" not in whole
    assert "Belum disahkan" in whole


# Verifying a printed copy -------------------------------------------------------------


def _reference(plan):
    version = plan.last_version
    return (
        proposal_reports.document_id(plan.id, version.number),
        proposal_reports.check_of(version, plan.returnee_id),
    )


def _verify(client, doc_id, check):
    return client.post(
        "/plans/verify", data={"document_id": doc_id, "check_value": check}
    )


def test_the_bank_verifies_a_printed_copy(client, db, cast, make_loan):
    plan = make_loan(cast, status="submitted").plan
    doc_id, check = _reference(plan)
    login(client, cast.bank_officer.username)
    page = client.get("/plans/verify")
    assert page.status_code == 200
    typed = check.lower().replace("-", " ").replace("O", "0")
    matched = _verify(client, f" {doc_id.lower()} ", typed)
    assert matched.status_code == 200
    assert "Salinan cocok dengan sistem" in matched.text
    assert "Rencana masih dinyatakan siap pada versi ini" in matched.text
    wrong = check[:-1] + ("A" if check[-1] != "A" else "B")
    refused = _verify(client, doc_id, wrong)
    assert "Salinan cocok" not in refused.text
    assert "Tidak ada proposal yang dapat Anda lihat" in refused.text


def test_a_copy_of_an_earlier_version_is_shown_as_changed(client, db, cast, make_loan):
    plan = make_loan(cast, status="submitted").plan
    doc_id, check = _reference(plan)
    plans.reopen_plan(db.session, plan)
    db.session.commit()
    login(client, cast.bank_officer.username)
    page = _verify(client, doc_id, check)
    assert "Salinan cocok dengan sistem" in page.text
    assert "Rencana telah berubah sejak versi ini" in page.text


def test_outside_ones_scope_a_true_copy_reads_as_no_match(client, db, cast, make_loan):
    plan = make_loan(cast, status="submitted").plan
    doc_id, check = _reference(plan)
    login(client, cast.official_other.username)  # another province's official
    page = _verify(client, doc_id, check)
    assert page.status_code == 200
    assert "Tidak ada proposal yang dapat Anda lihat" in page.text
    assert plan.business_name not in page.text


def test_empty_fields_are_named_and_returnees_may_not_verify(client, db, cast):
    login(client, cast.mentor.username)
    page = _verify(client, "", "")
    assert "Ketik nomor dokumen yang tercetak" in page.text
    assert "Ketik kode cek yang tercetak" in page.text
    client.post("/logout")
    login(client, cast.returnee_user.username)
    assert client.get("/plans/verify").status_code == 403


def test_a_check_value_in_other_scripts_is_no_match_not_an_error(
    client, db, cast, make_loan
):
    plan = make_loan(cast, status="submitted").plan
    doc_id, _check = _reference(plan)
    login(client, cast.bank_officer.username)
    page = _verify(client, doc_id, "ÉÉÉÉ-ＡＢＣＤ-1234")
    assert page.status_code == 200
    assert "Tidak ada proposal yang dapat Anda lihat" in page.text


def test_the_bank_is_shown_the_figures_to_compare_with_the_paper(
    client, db, cast, make_loan
):
    plan = make_loan(cast, status="submitted").plan
    doc_id, check = _reference(plan)
    login(client, cast.bank_officer.username)
    page = _verify(client, doc_id, check).text
    assert "Bandingkan angka ini dengan kertasnya" in page
    assert "Rp25.000.000" in page  # the plan's total needs


def test_a_rejected_application_no_longer_speaks_for_the_proposal(
    client, db, cast, make_loan
):
    plan = make_loan(cast, status="rejected").plan
    login(client, cast.mentor.username)
    page = client.get(f"/plans/{plan.id}/proposal").text
    # Every document was attached to the refused application: none is listed as
    # attached, and the list is the one to attach to the next application.
    assert "Dilampirkan pada pengajuan tanggal" not in page
    assert "Dilampirkan pada pengajuan" in page
