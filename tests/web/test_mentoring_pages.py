"""Mentoring pages: assigning, the work list, logging visits, wellbeing, self-reports."""

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from PIL import Image
from sqlalchemy import select

from juragan import clock
from juragan.db import inventory
from juragan.domain.wellbeing import QUESTIONS
from juragan.models import (
    BusinessReport,
    Returnee,
    Role,
    Visit,
    WellbeingCheck,
    utcnow,
)
from tests.factories import login


def visit_form(**overrides):
    today = clock.today()
    form = {
        "idempotency_key": "abc123",
        "visited_on": today.isoformat(),
        "mode": "business",
        "duration_minutes": "40",
        "topics": ["bookkeeping", "marketing"],
        "observations": "Warung ramai pagi hari.",
        "business_status": "operating",
        "revenue_last_month_idr": "7.500.000",
        "workers_family": "1",
        "workers_paid": "0",
        "actions-0-description": "Catat penjualan harian",
        "actions-0-owner": "returnee",
        "actions-0-due_on": (today + timedelta(days=14)).isoformat(),
        "next_visit_on": (today + timedelta(days=30)).isoformat(),
    }
    form.update(overrides)
    return form


def test_official_assigns_within_the_region(client, db, cast):
    login(client, cast.official_province.username)
    page = client.get("/mentoring/assign")
    assert cast.neighbour.full_name in page.text
    assert cast.far_away.full_name not in page.text  # Central Java
    response = client.post(
        "/mentoring/assign?show=unassigned",
        data={
            "returnee_ids": [str(cast.neighbour.id)],
            "mentor_id": str(cast.other_mentor.id),
        },
    )
    assert response.status_code == 302
    db.session.refresh(cast.neighbour)
    assert cast.neighbour.mentor_id == cast.other_mentor.id
    client.post("/logout")
    login(client, cast.mentor.username)
    assert client.get("/mentoring/assign").status_code == 403


def test_the_assignment_page_goes_page_by_page_by_name(
    app, client, db, cast, make_returnee
):
    """A page of people at a time, by name; the next page starts after the last
    one shown; a person of the second page can be assigned from it; a cursor
    naming someone out of the region starts again from the first page."""
    import re

    app.config["ASSIGN_PAGE_SIZE"] = 2
    for name in ("Wati", "Budi", "Sari", "Agus", "Eko"):
        make_returnee(regency="35.07", full_name=f"{name} Santoso")
    db.session.commit()
    login(client, cast.official_regency.username)
    seen, address = [], "/mentoring/assign"
    while address:
        page = client.get(address)
        assert page.status_code == 200
        shown = re.findall(r'form-check-label"[^>]*>([^<·]+?) ·', page.text)
        assert len(shown) <= 2
        seen.extend(shown)
        following = re.search(
            r'href="(/mentoring/assign\?[^"]*after=\d+[^"]*)"', page.text
        )
        address = following.group(1).replace("&amp;", "&") if following else None
    unassigned = sorted(
        (p.full_name, p.id)
        for p in db.session.scalars(select(Returnee)).all()
        if p.regency_code == "35.07" and p.mentor_id is None
    )
    assert seen == [name for name, _ in unassigned]
    assert len(seen) >= 5
    # Assign the first person of the second page, from that page.
    second = f"/mentoring/assign?show=unassigned&after={unassigned[1][1]}"
    chosen = unassigned[2][1]
    answer = client.post(
        second,
        data={"returnee_ids": [str(chosen)], "mentor_id": str(cast.mentor.id)},
    )
    assert answer.status_code == 302
    assert db.session.get(Returnee, chosen).mentor_id == cast.mentor.id
    # Someone of Central Java as the cursor: the first page again.
    elsewhere = client.get(f"/mentoring/assign?after={cast.far_away.id}")
    assert unassigned[0][0] in elsewhere.text


def test_mentor_logs_a_visit_once_and_it_shows_everywhere(client, db, cast):
    login(client, cast.mentor.username)
    home = client.get("/")
    assert cast.returnee.full_name in home.text
    assert "belum pernah dikunjungi" in home.text
    form = client.get(f"/mentoring/returnees/{cast.returnee.id}/visit")
    assert 'name="idempotency_key"' in form.text
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 128, 0)).save(photo, "PNG")
    photo.seek(0)
    response = client.post(
        f"/mentoring/returnees/{cast.returnee.id}/visit",
        data={**visit_form(), "photos": [(photo, "warung.png")]},
    )
    assert response.status_code == 302
    assert "saved=abc123" in response.location
    again = client.post(
        f"/mentoring/returnees/{cast.returnee.id}/visit",
        data=visit_form(),
        follow_redirects=True,
    )
    assert "Kunjungan ini sudah tersimpan sebelumnya." in again.text
    [visit] = db.session.scalars(select(Visit)).all()
    assert visit.topics == ["bookkeeping", "marketing"]
    page = client.get(f"/mentoring/returnees/{cast.returnee.id}")
    assert "Catat penjualan harian" in page.text
    assert "Warung ramai pagi hari." in page.text
    photo_id = visit.photos[0].id
    with client.get(f"/mentoring/photos/{photo_id}") as served:
        assert served.mimetype == "image/png"
    home = client.get("/")
    assert "kunjungan terakhir" in home.text
    client.post("/logout")
    login(client, cast.official_other.username)
    assert client.get(f"/mentoring/photos/{photo_id}").status_code == 404


def test_bad_visit_is_shown_at_the_fields(client, db, cast):
    login(client, cast.mentor.username)
    future = (clock.today() + timedelta(days=2)).isoformat()
    page = client.post(
        f"/mentoring/returnees/{cast.returnee.id}/visit",
        data=visit_form(visited_on=future, next_visit_on=future),
    )
    assert page.status_code == 200
    assert "Tanggal kunjungan tidak boleh di masa depan." in page.text
    assert db.session.scalar(select(Visit)) is None


def test_only_the_caseload_mentor_logs_visits(client, db, cast):
    for role, expected in (
        ("other_mentor", 404),
        ("official_regency", 403),
        ("returnee_user", 403),
        ("bank_officer", 404),
    ):
        login(client, cast.user(role).username)
        response = client.post(
            f"/mentoring/returnees/{cast.returnee.id}/visit",
            data=visit_form(idempotency_key=role),
        )
        assert response.status_code == expected, role
        client.post("/logout")
    assert db.session.scalar(select(Visit)) is None


def test_wellbeing_check_through_the_page(client, db, cast):
    login(client, cast.mentor.username)
    data = {q.code: "4" for q in QUESTIONS}
    data["debt"] = data["distress"] = data["migrate"] = "2"
    data["taken_on"] = clock.today().isoformat()
    page = client.post(
        f"/mentoring/returnees/{cast.returnee.id}/wellbeing",
        data=data,
        follow_redirects=True,
    )
    assert "keseluruhan 0.750" in page.text
    check = db.session.scalar(select(WellbeingCheck))
    assert str(check.overall) == "0.750"


def test_returnee_reports_a_month(client, db, cast, make_plan):
    from juragan.services import businesses
    from juragan.services.businesses import BusinessData

    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    now = utcnow()
    business = businesses.open_business(
        db.session,
        cast.returnee_user,
        plan,
        BusinessData(date(2026, 1, 5)),
        clock.today(now),
        now,
    )
    db.session.commit()
    login(client, cast.returnee_user.username)
    response = client.post(
        f"/mentoring/businesses/{business.id}/report",
        data={
            "month": "2026-03",
            "status": "operating",
            "revenue_idr": "6.000.000",
            "workers_family": "1",
            "workers_paid": "1",
        },
    )
    assert response.status_code == 302
    report = db.session.scalar(select(BusinessReport))
    assert (report.month, report.source, report.revenue_idr) == (
        date(2026, 3, 1),
        "self",
        6_000_000,
    )
    client.post("/logout")
    login(client, cast.mentor.username)
    assert (
        client.post(
            f"/mentoring/businesses/{business.id}/report", data={"month": "2026-04"}
        ).status_code
        == 403
    )


def test_work_list_uses_the_visit_agreed_at_the_latest_visit(client, db, cast):
    from flask_babel import format_date

    login(client, cast.mentor.username)
    today = clock.today()
    older = visit_form(
        idempotency_key="old",
        visited_on=(today - timedelta(days=20)).isoformat(),
        next_visit_on=(today + timedelta(days=2)).isoformat(),
    )
    newer = visit_form(
        idempotency_key="new",
        visited_on=(today - timedelta(days=1)).isoformat(),
        next_visit_on=(today + timedelta(days=6)).isoformat(),
    )
    client.post(f"/mentoring/returnees/{cast.returnee.id}/visit", data=newer)
    client.post(
        f"/mentoring/returnees/{cast.returnee.id}/visit", data=older
    )  # entered late
    home = client.get("/").text
    with client.application.test_request_context():
        due = format_date(today + timedelta(days=6))
    assert f"jatuh tempo {due}" in home
    assert "disepakati pada kunjungan terakhir" in home


def test_a_visit_sent_twice_at_once_is_stored_once(client, db, cast, monkeypatch):
    from juragan.services import mentoring

    login(client, cast.mentor.username)
    url = f"/mentoring/returnees/{cast.returnee.id}/visit"
    assert client.post(url, data=visit_form(idempotency_key="tap")).status_code == 302
    # The second sending looked for its key before the first one was committed.
    real = mentoring.find_by_key
    calls = []
    monkeypatch.setattr(
        mentoring,
        "find_by_key",
        lambda session, key: (
            calls.append(key) or (None if len(calls) == 1 else real(session, key))
        ),
    )
    page = client.post(
        url, data=visit_form(idempotency_key="tap"), follow_redirects=True
    )
    assert page.status_code == 200
    assert "Kunjungan ini sudah tersimpan sebelumnya." in page.text
    assert len(db.session.scalars(select(Visit)).all()) == 1


@pytest.mark.parametrize(
    ("moment", "province", "regency", "accepted"),
    [
        # 00:30 WIB: the server's UTC date is still yesterday.
        ("2026-12-01T17:30:00+00:00", "35", "35.07", True),
        # 23:30 WIB on 31 January: 00:30 on 1 February in Sulawesi, not in Java.
        ("2026-01-31T16:30:00+00:00", "73", "73.02", True),
        ("2026-01-31T16:30:00+00:00", "35", "35.07", False),
        # 00:30 WIT on 29 February in Papua.
        ("2028-02-28T15:30:00+00:00", "91", "91.03", True),
    ],
)
def test_a_visit_is_dated_by_the_mentors_own_day(
    client, db, make_user, make_returnee, moment, province, regency, accepted
):
    at = datetime.fromisoformat(moment)
    local_day = clock.date_in(province, at)
    mentor = make_user(Role.MENTOR, province=province)
    returnee = make_returnee(regency=regency, mentor=mentor)
    # The visit is dated the day it is where the visit was made (WITA or WIT,
    # one day past WIB in the Java case, where it is refused as in the future).
    visit_day = clock.date_in("73" if not accepted else province, at)
    with time_machine.travel(at, tick=False):
        login(client, mentor.username)
        response = client.post(
            f"/mentoring/returnees/{returnee.id}/visit",
            data=visit_form(
                visited_on=visit_day.isoformat(),
                next_visit_on="",
                **{"actions-0-due_on": (visit_day + timedelta(days=14)).isoformat()},
            ),
        )
    stored = db.session.scalar(select(Visit))
    if accepted:
        assert response.status_code == 302, response.text
        assert stored.visited_on == local_day
    else:
        assert visit_day > local_day
        assert "Tanggal kunjungan tidak boleh di masa depan." in response.text
        assert stored is None


def _photo(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (180, 90, 30)).save(out, kind)
    return out.getvalue()


def test_a_draft_sent_again_with_its_photos_is_one_visit_and_two_files(
    client, db, cast, app, monkeypatch
):
    """The phone sends its draft again after a lost answer, and once at the same
    moment as another sending: one visit, its two photos stored once (the sending
    that lost the race leaves no file behind)."""
    from juragan.services import mentoring

    login(client, cast.mentor.username)
    url = f"/mentoring/returnees/{cast.returnee.id}/visit"
    folder = inventory.folder_of("visit_photo", app.config["UPLOAD_FOLDER"])
    before = set(folder.iterdir()) if folder.is_dir() else set()
    jpeg, png = _photo("JPEG"), _photo("PNG")

    def send_the_draft():
        data = {
            **visit_form(idempotency_key="draft-on-the-phone"),
            "photos": [(io.BytesIO(jpeg), "warung.jpg"), (io.BytesIO(png), "rak.png")],
        }
        return client.post(url, data=data, headers={"Accept": "application/json"})

    first = send_the_draft()
    saved = {
        "saved": "draft-on-the-phone",
        "location": f"/mentoring/returnees/{cast.returnee.id}?saved=draft-on-the-phone",
    }
    assert (first.status_code, first.json) == (200, saved)
    assert send_the_draft().json == saved  # the answer was lost: sent again
    real = mentoring.find_by_key
    calls = []
    monkeypatch.setattr(
        mentoring,
        "find_by_key",
        lambda session, key: (
            calls.append(key) or (None if len(calls) == 1 else real(session, key))
        ),
    )
    assert send_the_draft().json == saved  # crossed with another sending
    [visit] = db.session.scalars(select(Visit)).all()
    assert sorted(p.content_type for p in visit.photos) == ["image/jpeg", "image/png"]
    written = set(folder.iterdir()) - before
    assert {p.name for p in written} == {p.stored_name for p in visit.photos}
    page = client.get(saved["location"])
    assert "Kunjungan disimpan." in page.text
    assert "Kunjungan ini sudah tersimpan sebelumnya." in page.text


def test_a_draft_the_server_refuses_comes_back_as_the_form(client, db, cast):
    """The phone's sending gets the form with its errors (no JSON): the script
    shows it and keeps the draft."""
    login(client, cast.mentor.username)
    future = (clock.today() + timedelta(days=2)).isoformat()
    page = client.post(
        f"/mentoring/returnees/{cast.returnee.id}/visit",
        data=visit_form(visited_on=future, next_visit_on=future),
        headers={"Accept": "application/json"},
    )
    assert page.mimetype == "text/html"
    assert 'id="visit-form"' in page.text
    assert 'data-has-errors="yes"' in page.text
    assert db.session.scalar(select(Visit)) is None
