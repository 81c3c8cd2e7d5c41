"""A newcomer registers on a phone and records a placement abroad."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS

pytestmark = pytest.mark.browser


def test_newcomer_registers_and_adds_a_placement_on_a_phone(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="id-ID"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server}/login")
        page.get_by_role("link", name="Daftar di sini").click()
        page.wait_for_url("**/register")
        page.fill("#password", "kata sandi rahayu")
        page.fill("#confirm_password", "kata sandi rahayu")
        page.fill("#nik", "3507 0152 0388 0003")
        page.fill("#full_name", "Sri Rahayu")
        page.check("#sex-0")  # Perempuan
        page.fill("#birth_date", "1988-03-12")
        page.fill("#phone", "0812 3456 7891")
        page.select_option("#province_code", "35")
        page.select_option("#regency_code", "35.07")
        page.fill("#district", "Kepanjen")
        page.select_option("#education", "sma")
        page.select_option("#marital_status", "married")
        page.fill("#dependants", "2")
        page.check("#consent_registry")
        page.screenshot(path=str(SHOTS / "register-phone.png"), full_page=True)
        page.get_by_role("button", name="Daftar").click()
        page.wait_for_url(f"{live_server}/")
        assert page.get_by_role("heading", name="Profil saya").is_visible()
        page.get_by_role("link", name="Lihat profil saya").click()
        page.get_by_role("link", name="Tambah penempatan").click()
        page.select_option("#country_code", "TW")
        page.select_option("#sector", "caregiver")
        page.fill("#agency_name", "PT Jasa Tenaga Kerja")
        page.fill("#departure_date", "2015-02-01")
        page.fill("#contract_months", "36")
        page.fill("#return_date", "2014-01-01")  # before departure: refused
        page.select_option("#return_reason", "contract_completed")
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_selector(".invalid-feedback")
        page.screenshot(path=str(SHOTS / "placement-error-phone.png"), full_page=True)
        page.fill("#return_date", "2018-02-10")
        page.fill("#salary_foreign", "20000")
        page.select_option("#salary_currency", "TWD")
        page.fill("#salary_idr", "10.200.000")
        page.fill("#savings_idr", "45.000.000")
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_selector("text=Penempatan disimpan.")
        assert page.get_by_text("Taiwan").first.is_visible()
        page.screenshot(path=str(SHOTS / "profile-phone.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
