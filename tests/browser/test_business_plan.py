"""A new returnee writes a business plan on a phone; her mentor comments on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from juragan.extensions import db
from juragan.models import BusinessPlan, Returnee, User
from juragan.seeding.demo import DEMO_PASSWORD
from tests.browser.conftest import SHOTS

pytestmark = pytest.mark.browser


def sign_in(page, base, username, password):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


def test_new_returnee_writes_a_plan_on_a_phone_and_the_mentor_comments(
    live_server, live_app, browser
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # She signs up herself.
        page.goto(f"{live_server}/register")
        page.fill("#password", "kata sandi wulan")
        page.fill("#confirm_password", "kata sandi wulan")
        page.fill("#nik", "3507015203880004")
        page.fill("#full_name", "Wulan Sari")
        page.check("#sex-0")
        page.fill("#birth_date", "1988-03-12")
        page.select_option("#province_code", "35")
        page.select_option("#regency_code", "35.07")
        page.select_option("#education", "smp")
        page.select_option("#marital_status", "married")
        page.check("#consent_registry")
        page.get_by_role("button", name="Daftar").click()
        page.wait_for_url(f"{live_server}/")
        # The regional office puts her in the demo mentor's caseload.
        with live_app.app_context():
            mentor = db.session.scalar(
                select(User).where(User.username == "pendamping")
            )
            wulan = db.session.scalar(
                select(Returnee).where(Returnee.nik == "3507015203880004")
            )
            wulan.mentor_id = mentor.id
            db.session.commit()

        page.get_by_role("link", name="Mulai rencana usaha saya").click()
        page.fill("#business_name", "Katering Wulan")
        page.select_option("#sector", "culinary")
        page.get_by_role("button", name="Mulai rencana").click()
        # Part 1: the business (location is already her home).
        page.wait_for_selector("#description")
        page.fill("#planned_start", "2027-03-01")
        page.fill("#description", "Nasi kotak untuk acara desa dan kantor.")
        page.get_by_role("button", name="Simpan dan lanjut").click()
        # Part 2: market.
        page.fill("#target_market", "Kantor desa, sekolah, hajatan.")
        page.fill("#marketing", "Grup WhatsApp dan brosur.")
        page.get_by_role("button", name="Simpan dan lanjut").click()
        page.fill("#operations", "Masak pagi, antar siang.")
        page.get_by_role("button", name="Simpan dan lanjut").click()
        page.fill("#risks", "Pesanan sepi: jual nasi bungkus harian.")
        page.get_by_role("button", name="Simpan dan lanjut").click()
        # Capital needs: two rows.
        page.select_option("#items-0-kind", "investment")
        page.fill("#items-0-description", "Peralatan masak")
        page.fill("#items-0-amount_idr", "8.000.000")
        page.select_option("#items-1-kind", "working_capital")
        page.fill("#items-1-description", "Bahan baku")
        page.fill("#items-1-amount_idr", "4.000.000")
        # The total follows the typing, before anything is saved.
        expect(page.locator("[data-total='needs']")).to_have_text("Rp12.000.000")
        page.screenshot(path=str(SHOTS / "plan-capital-phone.png"), full_page=True)
        page.get_by_role("button", name="Simpan dan lanjut").click()
        # Funding: 2 juta short at first, then balanced.
        page.select_option("#items-0-kind", "own_savings")
        page.fill("#items-0-amount_idr", "5.000.000")
        page.select_option("#items-1-kind", "kur")
        page.fill("#items-1-amount_idr", "5.000.000")
        page.fill("#kur_tenor_months", "24")
        expect(page.locator("[data-balance]")).to_have_text(
            "Pendanaan kurang Rp2.000.000 dari kebutuhan usaha."
        )
        page.fill("#items-1-amount_idr", "5.000.000 rupiah")
        expect(page.locator("[data-unread]")).to_be_visible()
        page.fill("#items-1-amount_idr", "5.000.000")
        expect(page.locator("[data-unread]")).to_be_hidden()
        page.get_by_role("button", name="Simpan dan tambah baris").click()
        expect(page.get_by_text("Pendanaan kurang Rp2.000.000")).to_be_visible()
        page.fill("#items-1-amount_idr", "7.000.000")
        expect(page.locator("[data-balance]")).to_have_text(
            "Kebutuhan dan pendanaan seimbang."
        )
        page.screenshot(path=str(SHOTS / "plan-funding-phone.png"), full_page=True)
        page.get_by_role("button", name="Simpan dan lanjut").click()
        # Projection: quick start from one typical month, then save.
        page.fill("#quick-sales_idr", "6.000.000")
        page.fill("#quick-cogs_idr", "3.000.000")
        page.fill("#quick-operating_costs_idr", "500.000")
        page.fill("#quick-owner_draw_idr", "1.000.000")
        page.fill("#quick-growth_percent", "2")
        page.get_by_role("button", name="Isi bulan-bulannya").click()
        assert page.input_value("#months-0-sales_idr") == "6.000.000"
        # 12 months chosen; the script hides the rest once it has run.
        expect(page.locator("#months-12-sales_idr")).to_be_hidden()
        # Operating profit per month and the totals of the 12 months shown follow
        # the typing: 12 x (6.000.000 - 3.000.000 - 500.000) grown 2% a month.
        page.fill("#months-0-sales_idr", "7.000.000")
        expect(
            page.locator(".projection-month").first.locator("[data-month-profit]")
        ).to_have_text("Rp3.500.000")
        typed = sum(
            int(page.input_value(f"#months-{i}-{name}").replace(".", "")) * sign
            for i in range(12)
            for name, sign in (
                ("sales_idr", 1),
                ("cogs_idr", -1),
                ("operating_costs_idr", -1),
            )
        )
        expect(page.locator("[data-sum='profit']")).to_have_text(
            "Rp" + f"{typed:,}".replace(",", ".")
        )
        page.screenshot(path=str(SHOTS / "plan-projection-phone.png"), full_page=True)
        page.get_by_role("button", name="Simpan proyeksi").click()
        page.wait_for_selector("#projection-chart .main-svg")  # Plotly drew it
        assert page.get_by_text("Kebutuhan dan pendanaan seimbang.").is_visible()
        page.get_by_role("button", name="Ajukan untuk ditinjau").click()
        page.wait_for_selector("text=Versi 1 diajukan untuk ditinjau.")
        page.screenshot(path=str(SHOTS / "plan-submitted-phone.png"), full_page=True)
        assert errors == []
    finally:
        phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = desk.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.get_by_text("rencana menunggu tinjauan saya").click()
        page.get_by_role("link", name="Katering Wulan").click()
        page.select_option("#section", "market")
        page.fill("#body", "Berapa harga per kotak dan berapa pesanan sebulan?")
        page.get_by_role("button", name="Tambahkan komentar").click()
        page.wait_for_selector("text=Komentar ditambahkan.")
        page.screenshot(path=str(SHOTS / "plan-review-desktop.png"), full_page=True)
        assert errors == []
    finally:
        desk.close()

    with live_app.app_context():
        plan = db.session.scalar(
            select(BusinessPlan).where(BusinessPlan.business_name == "Katering Wulan")
        )
        assert plan.status == "in_review"
        assert [c.section for c in plan.comments] == ["market"]
        assert len(plan.versions) == 1
        assert plan.versions[0].content["funding"][1]["amount_idr"] == 7_000_000
