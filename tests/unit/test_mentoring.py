"""Caseloads, visits (validation, photos, idempotency), monthly business figures."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from juragan.errors import FieldErrors
from juragan.models import BusinessReport, CaseAssignment, Role, Visit, utcnow
from juragan.services import businesses, mentoring
from juragan.services.businesses import BusinessData
from juragan.services.mentoring import ActionData, Upload, VisitData

TODAY = date(2026, 11, 20)


def visit_data(**overrides):
    values = dict(
        idempotency_key="key-1",
        visited_on=TODAY,
        mode="business",
        duration_minutes=45,
        business_status="operating",
        topics=["bookkeeping"],
        revenue_last_month_idr=7_500_000,
        workers_family=1,
        workers_paid=1,
    )
    values.update(overrides)
    return VisitData(**values)


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (3000, 2000), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Maker"  # Make
    exif[0x0132] = "2026:11:20 10:00:00"  # DateTime
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_assignment_inside_the_region_with_history(db, cast, make_user):
    other_mentor = make_user(Role.MENTOR, "35", "35.78")
    moved = mentoring.assign(
        db.session,
        cast.official_province,
        [cast.neighbour],
        other_mentor,
        None,
        utcnow(),
    )
    assert moved == 1
    assert cast.neighbour.mentor_id == other_mentor.id
    # Moving the mentor's own returnee needs a reason...
    with pytest.raises(FieldErrors) as excinfo:
        mentoring.assign(
            db.session,
            cast.official_province,
            [cast.returnee],
            other_mentor,
            " ",
            utcnow(),
        )
    assert "reason" in dict(excinfo.value.errors)
    # ... and a mentor whose region holds the returnee (35.78 is not Kab. Malang).
    with pytest.raises(FieldErrors) as excinfo:
        mentoring.assign(
            db.session,
            cast.official_province,
            [cast.returnee],
            other_mentor,
            "Pindah rumah",
            utcnow(),
        )
    assert "mentor_id" in dict(excinfo.value.errors)
    mentoring.assign(
        db.session,
        cast.official_province,
        [cast.returnee],
        cast.other_mentor,
        "Beban kerja",
        utcnow(),
    )
    history = db.session.scalars(
        select(CaseAssignment).where(CaseAssignment.returnee_id == cast.returnee.id)
    ).all()
    assert [h.reason for h in history] == ["Beban kerja"]
    assert cast.returnee.mentor_id == cast.other_mentor.id


def test_only_mentors_take_caseloads(db, cast):
    with pytest.raises(FieldErrors):
        mentoring.assign(
            db.session,
            cast.official_province,
            [cast.neighbour],
            cast.official_regency,
            None,
            utcnow(),
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visited_on": TODAY + timedelta(days=1)}, "visited_on"),
        ({"next_visit_on": TODAY}, "next_visit_on"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"mode": "telepathy"}, "mode"),
        ({"topics": ["gossip"]}, "topics"),
        ({"revenue_last_month_idr": -1}, "revenue_last_month_idr"),
        ({"latitude": -7.9, "longitude": 112.6}, "location_consent"),
        (
            {
                "actions": [
                    ActionData("Beli timbangan", "mentor", TODAY - timedelta(days=1))
                ]
            },
            "actions-0-due_on",
        ),
    ],
)
def test_visit_validation(db, cast, tmp_path, overrides, field):
    with pytest.raises(FieldErrors) as excinfo:
        mentoring.record_visit(
            db.session,
            cast.mentor,
            cast.returnee,
            visit_data(**overrides),
            [],
            tmp_path,
            TODAY,
            utcnow(),
        )
    assert field in dict(excinfo.value.errors)
    assert db.session.scalar(select(Visit)) is None


def test_the_same_visit_sent_twice_is_stored_once(db, cast, tmp_path):
    first, created = mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        visit_data(),
        [],
        tmp_path,
        TODAY,
        utcnow(),
    )
    again, created_again = mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        visit_data(observations="retry"),
        [],
        tmp_path,
        TODAY,
        utcnow(),
    )
    assert created
    assert not created_again
    assert again.id == first.id
    assert len(db.session.scalars(select(Visit)).all()) == 1


def test_photos_are_reencoded_without_exif_and_limited(db, cast, tmp_path):
    with Image.open(io.BytesIO(jpeg_with_exif())) as original:
        assert original.getexif()  # the upload carries EXIF
    visit, _ = mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        visit_data(),
        [Upload("warung.jpg", jpeg_with_exif())],
        tmp_path,
        TODAY,
        utcnow(),
    )
    [photo] = visit.photos
    stored = (tmp_path / "visits" / photo.stored_name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert max(image.size) == mentoring.PHOTO_SIDE
    assert photo.stored_name != "warung.jpg"
    for bad in (
        Upload("x.gif", b"GIF89a" + b"\0" * 100),
        Upload("big.jpg", b"\xff\xd8\xff" + b"0" * mentoring.MAX_PHOTO_BYTES),
    ):
        with pytest.raises(FieldErrors) as excinfo:
            mentoring.record_visit(
                db.session,
                cast.mentor,
                cast.returnee,
                visit_data(idempotency_key="k-" + bad.filename),
                [bad],
                tmp_path,
                TODAY,
                utcnow(),
            )
        assert "photos" in dict(excinfo.value.errors)


def test_visits_and_self_reports_build_the_monthly_series(
    db, cast, make_plan, tmp_path
):
    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    now = utcnow()
    business = businesses.open_business(
        db.session, cast.returnee_user, plan, BusinessData(date(2026, 6, 1)), TODAY, now
    )
    mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        visit_data(visited_on=date(2026, 9, 5)),
        [],
        tmp_path,
        TODAY,
        now,
    )
    mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        visit_data(
            idempotency_key="key-2",
            visited_on=date(2026, 10, 3),
            revenue_last_month_idr=8_000_000,
            business_status="paused",
        ),
        [],
        tmp_path,
        TODAY,
        now,
    )
    mentoring.self_report(
        db.session,
        cast.returnee_user,
        business,
        date(2026, 9, 17),
        "operating",
        8_200_000,
        1,
        0,
        TODAY,
        now,
    )
    with pytest.raises(FieldErrors):  # before the business opened
        mentoring.self_report(
            db.session,
            cast.returnee_user,
            business,
            date(2026, 5, 1),
            "operating",
            1,
            0,
            0,
            TODAY,
            now,
        )
    series = [
        (r.month, r.source, r.status, r.revenue_idr)
        for r in db.session.scalars(
            select(BusinessReport).order_by(BusinessReport.month, BusinessReport.source)
        )
    ]
    assert series == [
        (date(2026, 8, 1), "visit", "operating", 7_500_000),
        (date(2026, 9, 1), "self", "operating", 8_200_000),
        (date(2026, 9, 1), "visit", "paused", 8_000_000),
    ]


def test_action_items_close_and_wellbeing_is_scored(db, cast, tmp_path):
    visit, _ = mentoring.record_visit(
        db.session,
        cast.mentor,
        cast.returnee,
        visit_data(
            actions=[
                ActionData("Urus NIB", "returnee", TODAY + timedelta(days=14)),
                ActionData("", "mentor", None),
            ]
        ),
        [],
        tmp_path,
        TODAY,
        utcnow(),
    )
    [item] = visit.action_items
    mentoring.close_action(db.session, cast.returnee_user, item, utcnow())
    assert item.closed_by_id == cast.returnee_user.id
    from juragan.domain.wellbeing import QUESTIONS

    check = mentoring.record_wellbeing(
        db.session, cast.returnee, {q.code: 3 for q in QUESTIONS}, TODAY, TODAY
    )
    assert str(check.overall) == "0.500"
    with pytest.raises(FieldErrors):
        mentoring.record_wellbeing(
            db.session, cast.returnee, {"income": 3}, TODAY, TODAY
        )
