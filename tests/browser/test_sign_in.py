"""Debian's chromium, driven by Playwright, signs in as each role.

Screenshots at phone (390 px) and desktop (1280 px) widths go to
``artefacts/screenshots/`` (ignored by git) for a person to look at.
"""

from __future__ import annotations

import pytest

from juragan.seeding.demo import DEMO_PASSWORD
from tests.browser.conftest import SHOTS, WIDTHS

pytestmark = pytest.mark.browser


HOME_HEADINGS = {
    "purna": "Profil saya",
    "pendamping": "Purna PMI dalam daftar dampingan saya",
    "pejabat": "Purna PMI per kabupaten/kota",
    "bank": "Purna PMI per kabupaten/kota",
    "admin": "Akun menurut peran",
}


@pytest.mark.parametrize("username", sorted(HOME_HEADINGS))
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_each_role_signs_in_and_sees_home(live_server, browser, username, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server}/")
        assert "/login" in page.url
        if username == "purna" and width == "phone":
            page.screenshot(path=str(SHOTS / f"login-{width}.png"), full_page=True)
        page.fill("#username", username)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        assert page.get_by_text(HOME_HEADINGS[username]).first.is_visible()
        page.screenshot(
            path=str(SHOTS / f"home-{username}-{width}.png"), full_page=True
        )
        if width == "phone":
            # The menu is collapsed on a phone; Bootstrap's script opens it.
            page.click(".navbar-toggler")
            page.wait_for_selector("#main-nav.collapse.show")  # opening finished
        page.get_by_role("button", name="Keluar").click()
        page.wait_for_url("**/login")
        assert errors == []
    finally:
        context.close()


def test_language_switch_and_regency_filter(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.select_option("#footer-locale", "en")  # submits itself
        page.wait_for_selector("text=Sign in to juragan")
        page.fill("#username", "admin")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Accounts by role")
        page.goto(f"{live_server}/admin/accounts/new")
        page.select_option("#scope_province_code", "65")
        visible = page.eval_on_selector_all(
            "#scope_regency_code option:not([hidden])", "os => os.map(o => o.value)"
        )
        assert visible[0] == ""
        assert len(visible) == 1 + 5
        assert all(code.startswith("65.") for code in visible[1:])
        page.screenshot(path=str(SHOTS / "account-form-desktop.png"), full_page=True)
        page.select_option("#footer-locale", "id")
        page.wait_for_selector("text=Akun baru")
    finally:
        context.close()
