"""A returnee simulates a KUR on a phone and applies; her mentor checks the
documents; the bank officer approves and disburses it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from juragan.extensions import db
from juragan.models import LoanApplication
from juragan.seeding.demo import DEMO_PASSWORD
from tests.browser.conftest import SHOTS
from tests.browser.test_business_plan import sign_in
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.browser


def test_simulate_apply_check_approve_disburse(live_server, live_app, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "purna", DEMO_PASSWORD)
        page.get_by_role("link", name="Simulasi KUR").first.click()
        page.select_option("#business_ref", label="Rencana: Warung Makan Bu Sri")
        page.fill("#amount_idr", "10.000.000")
        page.fill("#tenor_months", "24")
        page.get_by_role("button", name="Simulasikan").click()
        page.wait_for_selector("text=Skema menurut Pedoman KUR 2026")
        assert page.get_by_text("Rp429.812").first.is_visible()  # Super Mikro, 3%
        page.screenshot(path=str(SHOTS / "kur-simulator-phone.png"), full_page=True)
        assert page.input_value("#scheme") == "super_mikro"
        page.get_by_role("button", name="Simpan pengajuan").click()
        page.wait_for_selector("text=Pengajuan disimpan sebagai draf.")
        for kind in ("ktp", "kk", "business_proof", "plan_pdf"):
            page.select_option("#doc_type", kind)
            page.set_input_files(
                "#file",
                files=[
                    {
                        "name": f"{kind}.pdf",
                        "mimeType": "application/pdf",
                        "buffer": PDF_BYTES,
                    }
                ],
            )
            page.get_by_role("button", name="Lampirkan", exact=True).click()
            page.wait_for_selector("text=Dokumen dilampirkan.")
        page.get_by_role("button", name="Kirim pengajuan").click()
        page.wait_for_selector("text=Pengajuan dikirim.")
        page.screenshot(path=str(SHOTS / "kur-submitted-phone.png"), full_page=True)
        loan_url = page.url
        assert errors == []
    finally:
        phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = desk.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(loan_url)
        page.get_by_role("button", name="Dokumen lengkap").click()
        page.wait_for_selector(
            "text=Dokumen sudah diperiksa: pengajuan diteruskan ke bank."
        )
        page.get_by_role("button", name="Keluar").click()
        # Signing out clears the visit drafts on this phone first, then posts.
        page.wait_for_url("**/login")

        sign_in(page, live_server, "bank", DEMO_PASSWORD)
        page.goto(f"{live_server}/kur/?status=queue")
        page.get_by_role("link", name="Sri Wahyuni").first.click()
        # SLIK before the decision, SIKP before the akad (docs/loan-checks.md).
        page.select_option("#check_answer", "slik:clean")
        page.fill("#check_reference", "IDEB-2026-0001")
        page.get_by_role("button", name="Catat pemeriksaan").click()
        page.wait_for_selector("text=Pemeriksaan dicatat.")
        page.select_option("#decision", "approve")
        page.get_by_role("button", name="Catat keputusan").click()
        page.wait_for_selector("text=Keputusan dicatat.")
        page.select_option("#check_answer", "sikp:registered")
        page.get_by_role("button", name="Catat pemeriksaan").click()
        page.wait_for_selector("text=Pemeriksaan dicatat.")
        page.fill("#amount_idr", "9.000.000")  # less than requested
        page.get_by_role("button", name="Catat pencairan").click()
        page.wait_for_selector("text=Pencairan dicatat; jadwal angsuran sudah siap.")
        page.wait_for_selector("#schedule-chart .main-svg")
        page.screenshot(path=str(SHOTS / "kur-disbursed-desktop.png"), full_page=True)
        assert errors == []
    finally:
        desk.close()

    with live_app.app_context():
        loan = db.session.scalar(
            select(LoanApplication)
            .where(LoanApplication.scheme == "super_mikro")
            .order_by(LoanApplication.id.desc())
        )
        assert loan.status == "disbursed"
        assert loan.amount_disbursed_idr == 9_000_000
        assert sum(i.principal_idr for i in loan.instalments) == 9_000_000
        assert [t.to_status for t in loan.transitions] == [
            "submitted",
            "verified",
            "approved",
            "disbursed",
        ]
