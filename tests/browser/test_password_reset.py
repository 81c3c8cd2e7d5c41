"""A returnee who forgot her password gets back in on a phone (390 px): the sign-in
page's link, her username, the code (read from the development backend's log, where
the live server writes it), a new password, and signing in with it."""

from __future__ import annotations

import logging
import re
import time

import pytest

from juragan import delivery
from juragan.extensions import db, limiter
from juragan.models import User, utcnow
from juragan.seeding.demo import DEMO_PASSWORD
from juragan.services import accounts, recovery
from tests.browser.conftest import SHOTS, WIDTHS

pytestmark = pytest.mark.browser

NEW_PASSWORD = "sawah hijau di kepanjen"  # noqa: S105


class Outbox(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def code(self, seen: int, timeout: float = 20.0) -> str:
        """The code of the first message after the ``seen`` ones already there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[seen:]:
                if found := re.search(r"\b(\d{6})\b", line):
                    return found.group(1)
            time.sleep(0.05)
        raise AssertionError(f"no code was sent: {self.lines}")


@pytest.fixture
def outbox(monkeypatch):
    """What the development backend sends, captured at the backend itself: a
    logging handler would miss it once another test has reconfigured logging."""
    handler = Outbox()
    write_to_log = delivery.write_to_log

    def capture(config, message):
        handler.lines.append(message.body)
        write_to_log(config, message)

    monkeypatch.setattr(delivery, "write_to_log", capture)
    return handler


@pytest.fixture
def purna_password_restored(live_app):
    # Earlier browser tests may have changed her contacts (a changed value is no
    # longer verified) or used up the limits of this address: start from the demo.
    with live_app.app_context():
        user = db.session.query(User).filter_by(username="purna").one()
        for kind in recovery.contact_kinds(user):
            if recovery.contact_of(db.session, user, kind):
                recovery.mark_verified(db.session, user, kind, utcnow())
        db.session.commit()
        limiter.reset()
    yield
    # Other browser tests sign in as purna with the demo password.
    with live_app.app_context():
        user = db.session.query(User).filter_by(username="purna").one()
        accounts.set_password(db.session, user, DEMO_PASSWORD)
        db.session.commit()


def test_a_forgotten_password_comes_back_by_a_code_on_a_phone(
    live_server, browser, outbox, purna_password_restored
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    w, h = WIDTHS["phone"]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server}/login")
        page.get_by_role("link", name="Lupa kata sandi?").click()
        page.wait_for_url("**/password/forgot")
        page.screenshot(path=str(SHOTS / "reset-1-forgot-phone.png"), full_page=True)
        seen = len(outbox.lines)
        page.fill("#identifier", "purna")
        page.get_by_role("button", name="Kirimi saya kode").click()
        page.wait_for_url("**/password/code")
        assert page.get_by_text("kode sedang dikirim ke sana").is_visible()
        code = outbox.code(seen)
        assert code not in page.content()  # never on the page
        page.fill("#code", "000000" if code != "000000" else "111111")
        page.get_by_role("button", name="Lanjut").click()
        # The answer comes back to the same address: wait for it, not for a URL.
        page.get_by_text("Kode ini salah").wait_for()
        page.screenshot(path=str(SHOTS / "reset-2-code-phone.png"), full_page=True)
        page.fill("#code", f"{code[:3]} {code[3:]}")
        page.get_by_role("button", name="Lanjut").click()
        page.wait_for_url("**/password/new")
        page.fill("#new_password", NEW_PASSWORD)
        page.fill("#confirm_password", NEW_PASSWORD)
        page.screenshot(path=str(SHOTS / "reset-3-new-phone.png"), full_page=True)
        page.get_by_role("button", name="Simpan kata sandi baru").click()
        page.wait_for_url("**/login")
        assert page.get_by_text("Kata sandi Anda sudah diganti").is_visible()
        page.screenshot(path=str(SHOTS / "reset-4-done-phone.png"), full_page=True)
        # The old password no longer opens the account; the new one does.
        page.fill("#username", "purna")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.get_by_text("Nama pengguna atau kata sandi salah").wait_for()
        page.fill("#username", "purna")
        page.fill("#password", NEW_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        assert page.get_by_text("Profil saya").first.is_visible()
        # Nothing on these pages is wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= w
        assert errors == []
    finally:
        context.close()
