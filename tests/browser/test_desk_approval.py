"""A bank officer on a phone walks the work queue, opens an application, views a
document and gives the first approval over an exception; a second officer of the
same bank approves it on a desktop (docs/lender-desk.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, update

from juragan.extensions import db
from juragan.models import Lender, LoanApplication
from juragan.seeding.demo import DEMO_PASSWORD
from tests.browser.conftest import SHOTS
from tests.browser.test_business_plan import sign_in

pytestmark = pytest.mark.browser

QUEUE_PATH = "/kur/queue"
REASON_1 = "Buku kas tiga bulan terakhir menunjukkan omzet di atas rencana."
REASON_2 = "Kunjungan ke lokasi usaha menguatkan catatan kas pemohon."


def _threshold(live_app, value: Decimal) -> None:
    with live_app.app_context():
        db.session.execute(
            update(Lender)
            .where(Lender.code == "bri")
            .values(min_repayment_coverage=value)
        )
        db.session.commit()


def test_two_officers_approve_an_exception(live_server, live_app, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # BRI asks a capacity of 5 for the length of this test: every application to
    # it has an exception.
    _threshold(live_app, Decimal(5))
    errors: list[str] = []
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "bank", DEMO_PASSWORD)
        page.goto(f"{live_server}{QUEUE_PATH}")
        page.screenshot(path=str(SHOTS / "desk-queue-phone.png"), full_page=True)
        # The oldest application to decide, past BRI's 14 days, is marked.
        overdue = page.locator("tr.table-danger, .queue-overdue").first
        assert overdue.is_visible()
        overdue.get_by_role("link").first.click()
        page.wait_for_selector("#decision-file")
        loan_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        assert page.get_by_text(
            "Persetujuan perlu alasan dan petugas kedua"
        ).is_visible()
        page.screenshot(
            path=str(SHOTS / "desk-decision-file-phone.png"), full_page=True
        )
        # A document opens in the browser.
        link = page.locator("#decision-file a", has_text="lihat").first
        shown = page.request.get(live_server + link.get_attribute("href"))
        assert shown.status == 200
        assert shown.headers["content-type"] == "application/pdf"
        assert shown.headers["content-disposition"].startswith("inline")
        # SLIK first: the approval rests on it.
        page.select_option("#check_answer", "slik:clean")
        page.fill("#check_reference", "IDEB-2026-0001")
        page.get_by_role("button", name="Catat pemeriksaan").click()
        page.wait_for_selector("#decision-file")
        assert page.locator("#decision-file", has_text="SLIK: bersih").is_visible()
        # Without a reason the approval is refused beside the field.
        page.select_option("#decision", "approve")
        page.get_by_role("button", name="Catat keputusan").click()
        page.wait_for_selector("#reason.is-invalid")
        page.fill("#reason", REASON_1)
        page.get_by_role("button", name="Catat keputusan").click()
        page.wait_for_selector("text=Persetujuan Anda tercatat")
        assert page.get_by_text("Anda memberi persetujuan pertama").is_visible()
        page.screenshot(
            path=str(SHOTS / "desk-first-approval-phone.png"), full_page=True
        )
        assert errors == []
    finally:
        phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = desk.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "bank.kedua", DEMO_PASSWORD)
        page.goto(f"{live_server}/kur/{loan_id}")
        page.wait_for_selector("#decision-file")
        assert page.get_by_text(REASON_1).first.is_visible()
        page.screenshot(
            path=str(SHOTS / "desk-decision-file-desktop.png"), full_page=True
        )
        page.select_option("#decision", "approve")
        page.fill("#reason", REASON_2)
        page.get_by_role("button", name="Catat keputusan").click()
        page.wait_for_selector("text=Keputusan dicatat.")
        assert page.get_by_text(REASON_2).first.is_visible()
        page.screenshot(path=str(SHOTS / "desk-approved-desktop.png"), full_page=True)
        assert errors == []
    finally:
        desk.close()
        _threshold(live_app, Decimal("1.50"))
    with live_app.app_context():
        loan = db.session.scalar(
            select(LoanApplication).where(LoanApplication.id == loan_id)
        )
        assert loan.status == "approved"
        assert [a.step for a in loan.approvals] == [1, 2]
        assert [a.reason for a in loan.approvals] == [REASON_1, REASON_2]
