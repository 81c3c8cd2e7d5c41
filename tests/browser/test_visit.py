"""A mentor logs a visit on a phone; the page reloads mid-way and the draft is back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from juragan.extensions import db
from juragan.models import Returnee, Visit
from juragan.seeding import DEMO_PASSWORD
from tests.browser.conftest import SHOTS
from tests.browser.test_business_plan import sign_in

pytestmark = pytest.mark.browser


def test_visit_draft_survives_a_reload_and_is_saved_once(
    live_server, live_app, browser
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with live_app.app_context():
        sri = db.session.scalar(
            select(Returnee).where(Returnee.full_name == "Sri Wahyuni")
        )
        before = len(
            db.session.scalars(select(Visit).where(Visit.returnee_id == sri.id)).all()
        )
        sri_id = sri.id
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(f"{live_server}/mentoring/returnees/{sri_id}/visit")
        key = page.input_value("#idempotency_key")
        page.select_option("#mode", "home")
        page.fill("#duration_minutes", "50")
        page.check("input[name=topics][value=bookkeeping]")
        page.fill("#observations", "Bu Sri sudah mencatat penjualan setiap hari.")
        page.fill("#revenue_last_month_idr", "6.300.000")
        # The signal drops and the page reloads before the form is sent.
        page.reload()
        assert page.locator("#draft-restored").is_visible()
        assert (
            page.input_value("#observations")
            == "Bu Sri sudah mencatat penjualan setiap hari."
        )
        assert page.input_value("#duration_minutes") == "50"
        assert page.is_checked("input[name=topics][value=bookkeeping]")
        assert page.input_value("#idempotency_key") == key
        page.screenshot(path=str(SHOTS / "visit-draft-phone.png"), full_page=True)
        page.get_by_role("button", name="Simpan kunjungan").click()
        page.wait_for_selector("text=Kunjungan disimpan.")
        # Saved: the draft is gone, a new form starts empty with a new key.
        page.goto(f"{live_server}/mentoring/returnees/{sri_id}/visit")
        assert not page.locator("#draft-restored").is_visible()
        assert page.input_value("#observations") == ""
        assert page.input_value("#idempotency_key") != key
        assert errors == []
    finally:
        phone.close()
    with live_app.app_context():
        visits = db.session.scalars(
            select(Visit).where(Visit.returnee_id == sri_id)
        ).all()
        assert len(visits) == before + 1
        assert visits[-1].idempotency_key == key
        assert visits[-1].duration_minutes == 50


def test_a_draft_is_its_writers_and_goes_when_they_sign_out(
    live_server, live_app, browser
):
    """Visit drafts in a shared phone's storage: tied to the mentor who wrote them,
    gone at sign-out, and never shown to whoever signs in next."""
    with live_app.app_context():
        sri_id = db.session.scalar(
            select(Returnee.id).where(Returnee.full_name == "Sri Wahyuni")
        )
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('visit-draft:'))"
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(f"{live_server}/mentoring/returnees/{sri_id}/visit")
        page.fill("#observations", "Catatan yang belum terkirim.")
        (key,) = page.evaluate(drafts)
        me = page.evaluate("document.body.dataset.user")
        assert key == f"visit-draft:{me}:{sri_id}"
        # Someone else's draft on this phone goes as soon as a page loads.
        page.evaluate(f"localStorage.setItem('visit-draft:999:{sri_id}', '{{}}')")
        page.goto(f"{live_server}/")
        assert page.evaluate(drafts) == [key]
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("button", name="Keluar").click()
        page.wait_for_url("**/login")
        assert page.evaluate(drafts) == []
    finally:
        phone.close()
