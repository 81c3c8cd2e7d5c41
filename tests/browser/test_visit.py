"""A mentor logs a visit on a phone: the page reloads mid-way, the connection drops
at the moment of sending (photos included), the answer is lost; and the drafts on
a shared phone are only ever their own account's (docs/offline-visits.md)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from juragan.db import inventory
from juragan.extensions import db
from juragan.models import Returnee, User, Visit
from juragan.seeding.demo import DEMO_PASSWORD
from juragan.web import drafts
from tests.browser.conftest import SHOTS
from tests.browser.test_business_plan import sign_in

pytestmark = pytest.mark.browser

#: What the phone's draft store holds, read the way the page's script reads it.
DRAFTS = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("juragan-drafts", 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore("visits", {keyPath: "id"});
    opening.result.createObjectStore("photos", {keyPath: "id"});
  };
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const store = opening.result, tx = store.transaction(["visits", "photos"]), out = {};
    tx.objectStore("visits").getAll().onsuccess = (e) => {
      out.visits = e.target.result.map((d) => ({id: d.id, owner: d.owner, key: d.key,
        pending: d.pending, observations: d.fields.observations}));
    };
    tx.objectStore("photos").getAll().onsuccess = (e) => {
      out.photos = e.target.result.map((p) => ({id: p.id,
        files: p.files.map((f) => [f.name, f.type, f.blob.size])}));
    };
    tx.oncomplete = () => { store.close(); resolve(out); };
  };
})"""


def _photo(kind: str, color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), color).save(out, kind)
    return out.getvalue()


TWO_PHOTOS = [
    {
        "name": "warung.jpg",
        "mimeType": "image/jpeg",
        "buffer": _photo("JPEG", (200, 90, 20)),
    },
    {
        "name": "rak.png",
        "mimeType": "image/png",
        "buffer": _photo("PNG", (20, 90, 200)),
    },
]


def _sri(live_app) -> int:
    with live_app.app_context():
        return db.session.scalar(
            select(Returnee.id).where(Returnee.full_name == "Sri Wahyuni")
        )


def _fill_with_two_photos(page, note: str) -> None:
    page.select_option("#mode", "home")
    page.fill("#duration_minutes", "35")
    page.check("input[name=topics][value=marketing]")
    page.fill("#observations", note)
    page.set_input_files("#photos", TWO_PHOTOS)
    page.wait_for_function(
        f"({DRAFTS})().then((d) => d.photos.length === 1 && d.photos[0].files.length === 2)"
    )


def _sign_out(page) -> None:
    page.get_by_role("button", name="Menu").click()
    # Once the menu has opened: while it slides, the button is not where it was.
    page.wait_for_selector("#main-nav.collapse.show")
    page.get_by_role("button", name="Keluar").click()


def _stored_once_with_both_photos(live_app, key: str, note: str) -> None:
    """One visit under ``key``, its two photos as rows and as files on disk."""
    with live_app.app_context():
        db.session.expire_all()
        visits = db.session.scalars(
            select(Visit).where(Visit.idempotency_key == key)
        ).all()
        assert len(visits) == 1
        [visit] = visits
        assert visit.observations == note
        assert sorted(p.content_type for p in visit.photos) == [
            "image/jpeg",
            "image/png",
        ]
        folder = live_app.config["UPLOAD_FOLDER"]
        for photo in visit.photos:
            path = inventory.path_of("visit_photo", photo.stored_name, folder)
            assert path.is_file()
            assert path.stat().st_size == photo.size_bytes > 0
        # Nothing else was written for this visit: no second copy of a photo.
        names = {p.name for p in inventory.folder_of("visit_photo", folder).iterdir()}
        assert {p.stored_name for p in visit.photos} <= names


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
        page.wait_for_function(
            f"({DRAFTS})().then((d) => d.visits.length === 1"
            " && d.visits[0].observations.endsWith('setiap hari.'))"
        )
        # The signal drops and the page reloads before the form is sent.
        page.reload()
        page.locator("#draft-restored").wait_for()
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


def test_offline_at_the_moment_of_sending_keeps_the_visit_and_its_photos(
    live_server, live_app, browser
):
    """The connection drops as the mentor taps "save": the visit and both photos
    stay on the phone, the page says so, and they are sent when it returns."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    sri_id = _sri(live_app)
    note = "Dagangan laris; rak baru sudah dipasang."
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(f"{live_server}/mentoring/returnees/{sri_id}/visit")
        key = page.input_value("#idempotency_key")
        _fill_with_two_photos(page, note)
        assert "warung.jpg" in page.inner_text("#photo-note")
        phone.set_offline(True)
        page.get_by_role("button", name="Simpan kunjungan").click()
        status = page.locator("#draft-status")
        status.get_by_text("Tidak ada sinyal").wait_for()
        assert "tersimpan di HP ini" in status.inner_text()
        page.screenshot(path=str(SHOTS / "visit-offline-phone.png"))
        held = page.evaluate(DRAFTS)
        assert [
            (d["key"], d["pending"], d["observations"]) for d in held["visits"]
        ] == [(key, True, note)]
        assert [f[:2] for f in held["photos"][0]["files"]] == [
            ["warung.jpg", "image/jpeg"],
            ["rak.png", "image/png"],
        ]
        with live_app.app_context():
            assert (
                db.session.scalar(select(Visit).where(Visit.idempotency_key == key))
                is None
            )
        # The connection returns: the page sends the draft by itself.
        phone.set_offline(False)
        page.wait_for_url(re.compile(rf"/mentoring/returnees/{sri_id}\?saved="))
        page.get_by_text("Kunjungan disimpan.").wait_for()
        assert page.evaluate(DRAFTS) == {"visits": [], "photos": []}
        assert errors == []
    finally:
        phone.close()
    _stored_once_with_both_photos(live_app, key, note)


def test_a_sending_whose_answer_is_lost_is_stored_once(live_server, live_app, browser):
    """The server stores the visit but its answer never reaches the phone; opened
    again, the form sends the draft again and the key keeps it to one visit."""
    sri_id = _sri(live_app)
    note = "Jawaban server hilang di jalan."
    url = f"{live_server}/mentoring/returnees/{sri_id}/visit"
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(url)
        key = page.input_value("#idempotency_key")
        _fill_with_two_photos(page, note)
        arrived = []

        def lose_the_answer(route):
            if route.request.method != "POST":
                route.continue_()
                return
            arrived.append(route.fetch().status)  # the server has it now
            route.abort("connectionreset")

        page.route(url, lose_the_answer)
        page.get_by_role("button", name="Simpan kunjungan").click()
        page.locator("#draft-status").get_by_text("Tidak ada sinyal").wait_for()
        assert arrived == [200]
        page.unroute(url)
        page.close()
        page = phone.new_page()
        page.goto(url)  # opened again: the draft is back and sent at once
        page.get_by_text("Kunjungan ini sudah tersimpan sebelumnya.").wait_for()
        assert page.evaluate(DRAFTS) == {"visits": [], "photos": []}
    finally:
        phone.close()
    _stored_once_with_both_photos(live_app, key, note)


def test_a_draft_is_its_writers_and_goes_when_they_sign_out(
    live_server, live_app, browser
):
    """Visit drafts on a shared phone: tied to the account that wrote them by an
    opaque tag, never shown to whoever signs in next, gone at sign-out (by the
    page's script, and by the sign-out answer's Clear-Site-Data on its own)."""
    sri_id = _sri(live_app)
    url = f"{live_server}/mentoring/returnees/{sri_id}/visit"
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(url)
        page.fill("#observations", "Catatan yang belum terkirim.")
        page.set_input_files("#photos", TWO_PHOTOS[:1])
        # The photos are written first and the draft that names them after.
        page.wait_for_function(
            f"({DRAFTS})().then((d) => d.photos.length === 1 && d.visits.length === 1)"
        )
        tag = page.evaluate("document.body.dataset.draftOwner")
        with live_app.app_context():
            mentor = db.session.scalar(
                select(User).where(User.username == "pendamping")
            )
            assert tag == drafts.owner_tag(live_app.config["SECRET_KEY"], mentor.id)
        [draft] = page.evaluate(DRAFTS)["visits"]
        assert (draft["id"], draft["owner"]) == (f"{tag}:{sri_id}", tag)

        # The session is lost without signing out (a closed browser, a cleared
        # cookie): signed out, the draft waits for its writer...
        phone.clear_cookies()
        page.goto(f"{live_server}/login")
        assert len(page.evaluate(DRAFTS)["visits"]) == 1
        # ...and the first page anyone else opens signed in deletes it.
        sign_in(page, live_server, "pejabat", DEMO_PASSWORD)
        assert page.evaluate("document.body.dataset.draftOwner") not in ("", tag)
        page.wait_for_function(
            f"({DRAFTS})().then((d) => !d.visits.length && !d.photos.length)",
            timeout=5000,
        )
        _sign_out(page)
        page.wait_for_url("**/login")

        # The writer comes back: nothing of it is left to show.
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(url)
        assert not page.locator("#draft-restored").is_visible()
        assert page.input_value("#observations") == ""

        # Signing out with a draft asks first, then deletes it.
        page.fill("#observations", "Lagi belum terkirim.")
        page.wait_for_function(f"({DRAFTS})().then((d) => d.visits.length === 1)")
        asked = []
        page.once(
            "dialog", lambda dialog: (asked.append(dialog.message), dialog.accept())
        )
        _sign_out(page)
        page.wait_for_url("**/login")
        assert "belum terkirim" in asked[0]
        assert page.evaluate(DRAFTS) == {"visits": [], "photos": []}

        # The sign-out answer clears the site's storage by itself too: a form
        # sent past the script (form.submit() fires no submit event).
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(url)
        page.fill("#observations", "Tanpa skrip keluar.")
        page.wait_for_function(f"({DRAFTS})().then((d) => d.visits.length === 1)")
        page.evaluate("document.querySelector('form.js-sign-out').submit()")
        page.wait_for_url("**/login")
        assert page.evaluate(DRAFTS) == {"visits": [], "photos": []}
    finally:
        phone.close()


def test_a_visit_sent_after_the_session_ended_waits_for_its_mentor(
    live_server, live_app, browser
):
    """The session is gone when the form is sent: the draft stays, the page asks
    the mentor to sign in again, and the form sends it once they have."""
    sri_id = _sri(live_app)
    note = "Terkirim setelah masuk lagi."
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    try:
        sign_in(page, live_server, "pendamping", DEMO_PASSWORD)
        page.goto(f"{live_server}/mentoring/returnees/{sri_id}/visit")
        key = page.input_value("#idempotency_key")
        _fill_with_two_photos(page, note)
        phone.clear_cookies()
        page.get_by_role("button", name="Simpan kunjungan").click()
        status = page.locator("#draft-status")
        status.get_by_text("Anda sudah keluar dari akun").wait_for()
        status.get_by_role("link", name="Masuk").click()
        page.fill("#username", "pendamping")
        page.fill("#password", DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.get_by_text("Kunjungan disimpan.").wait_for()
        assert page.evaluate(DRAFTS) == {"visits": [], "photos": []}
    finally:
        phone.close()
    _stored_once_with_both_photos(live_app, key, note)
