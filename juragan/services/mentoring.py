"""Mentoring: caseload assignment, visits (stored once however often they are sent),
photos, action items, wellbeing checks and the monthly figures of a business."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.db import files, inventory
from juragan.domain.codes import ActionOwner, ObservedStatus, VisitMode, VisitTopic
from juragan.domain.visit_schedule import Cadence
from juragan.domain.wellbeing import score
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    ActionItem,
    Business,
    BusinessReport,
    CaseAssignment,
    Returnee,
    Role,
    User,
    Visit,
    VisitCadence,
    VisitPhoto,
    WellbeingCheck,
)
from juragan.policy import in_region

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 5
#: Longest side of a stored photo, in pixels.
PHOTO_SIDE = 1600


# Caseloads -------------------------------------------------------------------------


def assign(
    session: Session,
    actor: User,
    returnees: list[Returnee],
    mentor: User,
    reason: str | None,
    now: datetime,
) -> int:
    """Put ``returnees`` in ``mentor``'s caseload, keeping the history.

    :raises FieldErrors: for someone who is not an active mentor, a returnee outside
        the mentor's region, or a reassignment without a reason.
    :returns: how many returnees changed mentor.
    """
    reason = (reason or "").strip() or None
    errors: list[tuple[str | None, str]] = []
    if mentor.role != Role.MENTOR or not mentor.is_active:
        errors.append(("mentor_id", _l("Choose an active mentor.")))
    else:
        outside = [
            r.full_name
            for r in returnees
            if not in_region(mentor, r.province_code, r.regency_code)
        ]
        if outside:
            errors.append(
                (
                    "mentor_id",
                    _l(
                        "Outside this mentor's region: %(names)s.",
                        names=", ".join(outside),
                    ),
                )
            )
    moving = [
        r for r in returnees if r.mentor_id is not None and r.mentor_id != mentor.id
    ]
    if moving and not reason:
        errors.append(("reason", _l("Say why these returnees change mentor.")))
    if not returnees:
        errors.append(("returnee_ids", _l("Choose at least one returnee.")))
    if errors:
        raise FieldErrors(errors)
    changed = 0
    for returnee in returnees:
        if returnee.mentor_id == mentor.id:
            continue
        current = session.scalar(
            select(CaseAssignment).where(
                CaseAssignment.returnee_id == returnee.id,
                CaseAssignment.ended_at.is_(None),
            )
        )
        if current is not None:
            current.ended_at = now
        session.add(
            CaseAssignment(
                returnee_id=returnee.id,
                mentor_id=mentor.id,
                assigned_by_id=actor.id,
                assigned_at=now,
                reason=reason,
            )
        )
        returnee.mentor_id = mentor.id
        changed += 1
    session.flush()
    return changed


def set_cadence(
    session: Session, actor: User, province_code: str | None, cadence: Cadence
) -> None:
    errors = []
    if not 7 <= cadence.early_days <= 180:
        errors.append(("early_days", _l("Between 7 and 180 days.")))
    if not 7 <= cadence.steady_days <= 365:
        errors.append(("steady_days", _l("Between 7 and 365 days.")))
    if not 1 <= cadence.risk_days <= 90:
        errors.append(("risk_days", _l("Between 1 and 90 days.")))
    if not 0 <= cadence.early_months <= 24:
        errors.append(("early_months", _l("Between 0 and 24 months.")))
    if errors:
        raise FieldErrors(errors)
    row = session.scalar(
        select(VisitCadence).where(VisitCadence.province_code == province_code)
    )
    if row is None:
        row = VisitCadence(province_code=province_code)
        session.add(row)
    row.early_days, row.early_months = cadence.early_days, cadence.early_months
    row.steady_days, row.risk_days = cadence.steady_days, cadence.risk_days
    row.updated_by_id = actor.id
    session.flush()


# Visits ------------------------------------------------------------------------------


@dataclass
class ActionData:
    description: str | None
    owner: str
    due_on: date | None


@dataclass
class VisitData:
    idempotency_key: str
    visited_on: date
    mode: str
    duration_minutes: int
    business_status: str
    topics: list[str] = field(default_factory=list)
    observations: str | None = None
    revenue_last_month_idr: int | None = None
    workers_family: int = 0
    workers_paid: int = 0
    problems: str | None = None
    next_visit_on: date | None = None
    location_consent: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    actions: list[ActionData] = field(default_factory=list)


@dataclass
class Upload:
    filename: str
    content: bytes


def find_by_key(session: Session, key: str) -> Visit | None:
    return session.scalar(select(Visit).where(Visit.idempotency_key == key))


def _check_visit(data: VisitData, today: date) -> list[tuple[str | None, str]]:
    errors: list[tuple[str | None, str]] = []
    if not data.idempotency_key or len(data.idempotency_key) > 64:
        errors.append((None, _l("The form is out of date: reload it.")))
    if data.visited_on > today:
        errors.append(("visited_on", _l("The visit date cannot be in the future.")))
    elif data.visited_on.year < 2000:
        errors.append(("visited_on", _l("Check the year.")))
    if data.mode not in VisitMode.values():
        errors.append(("mode", _l("Choose how you met.")))
    if not 1 <= (data.duration_minutes or 0) <= 720:
        errors.append(("duration_minutes", _l("Between 1 and 720 minutes.")))
    if data.business_status not in ObservedStatus.values():
        errors.append(("business_status", _l("Choose how the business is doing.")))
    if any(topic not in VisitTopic.values() for topic in data.topics):
        errors.append(("topics", _l("Choose topics from the list.")))
    if data.revenue_last_month_idr is not None and data.revenue_last_month_idr < 0:
        errors.append(("revenue_last_month_idr", _l("Cannot be negative.")))
    for name in ("workers_family", "workers_paid"):
        if not 0 <= (getattr(data, name) or 0) <= 500:
            errors.append((name, _l("Enter a number from 0 to 500.")))
    if data.next_visit_on is not None and data.next_visit_on <= data.visited_on:
        errors.append(("next_visit_on", _l("The next visit comes after this one.")))
    if data.latitude is not None or data.longitude is not None:
        if not data.location_consent:
            errors.append(
                ("location_consent", _l("Store a location only with consent."))
            )
        elif not (
            -90 <= (data.latitude or 0) <= 90 and -180 <= (data.longitude or 0) <= 180
        ):
            errors.append(("location_consent", _l("The location is not valid.")))
    for index, action in enumerate(data.actions):
        if not action.description:
            continue
        if action.owner not in ActionOwner.values():
            errors.append((f"actions-{index}-owner", _l("Choose who does it.")))
        if action.due_on is None or action.due_on < data.visited_on:
            errors.append((f"actions-{index}-due_on", _l("Due on or after the visit.")))
    return errors


#: Pixels an uploaded photo may have, read from its header before any decoding: a
#: JPEG is decoded already scaled down (its format allows it), a PNG whole, so a
#: PNG gets less (4 bytes a pixel while it is re-encoded).
MAX_JPEG_PIXELS = 100_000_000
MAX_PNG_PIXELS = 16_000_000
# Pillow's own guard, for any image opened anywhere in the app: past it a header
# alone is refused (twice past it, Pillow refuses it itself).
Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS


TOO_MANY_PIXELS = _l(
    "This photo has too many pixels: send it at a smaller size (as most phones do "
    "for messages)."
)


def photo_bytes(upload: Upload) -> tuple[bytes, str, int, int]:
    """Re-encode an uploaded JPEG or PNG: no EXIF or other metadata survives.

    The size in pixels is checked from the header first, and a JPEG is decoded at
    the smallest scale that still gives the stored size, so that no upload takes a
    worker's memory (a 445 KB PNG can claim 12,000 x 12,000 pixels).

    :raises DomainError: for anything else, a file over 5 MB or too many pixels.
    """
    if len(upload.content) > MAX_PHOTO_BYTES:
        raise DomainError("photos", _l("A photo may be at most 5 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(upload.content))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DomainError("photos", TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError):
        raise DomainError("photos", _l("Photos must be JPEG or PNG.")) from None
    try:
        with image:
            if image.format not in ("JPEG", "PNG"):
                raise DomainError("photos", _l("Photos must be JPEG or PNG."))
            limit = MAX_JPEG_PIXELS if image.format == "JPEG" else MAX_PNG_PIXELS
            if image.width * image.height > limit:
                raise DomainError("photos", TOO_MANY_PIXELS)
            kind = image.format
            if kind == "JPEG":
                image.draft("RGB", (PHOTO_SIDE, PHOTO_SIDE))
            image.load()
            image.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            source = (
                image if image.mode in ("RGB", "RGBA", "L") else image.convert("RGBA")
            )
            # Pixels only: a fresh image carries no EXIF, GPS or comments.
            clean = Image.new(source.mode, source.size)
            clean.paste(source)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise DomainError("photos", _l("Photos must be JPEG or PNG.")) from None
    out = io.BytesIO()
    if kind == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=85)
        return out.getvalue(), "image/jpeg", clean.width, clean.height
    clean.save(out, "PNG", optimize=True)
    return out.getvalue(), "image/png", clean.width, clean.height


def record_visit(
    session: Session,
    actor: User,
    returnee: Returnee,
    data: VisitData,
    photos: list[Upload],
    upload_folder: Path | str,
    today: date,
    now: datetime,
) -> tuple[Visit, bool]:
    """Store a visit with its action items and photos, and its monthly figures.

    A visit whose idempotency key is stored already is returned as it is (a double
    tap or a retry after a timeout), so it is never stored twice.

    :returns: the visit, and whether it was created now.
    :raises FieldErrors: for any field that is wrong; nothing is stored then.
    """
    existing = find_by_key(session, data.idempotency_key)
    if existing is not None:
        if existing.returnee_id != returnee.id:
            raise FieldErrors([(None, _l("The form is out of date: reload it."))])
        return existing, False
    errors = _check_visit(data, today)
    real_photos = [p for p in photos if p.content]
    if len(real_photos) > MAX_PHOTOS:
        errors.append(("photos", _l("At most 5 photos per visit.")))
    cleaned = []
    for upload in real_photos[:MAX_PHOTOS]:
        try:
            cleaned.append(photo_bytes(upload))
        except DomainError as error:
            errors.append((error.field, error.message))
            break
    if errors:
        raise FieldErrors(errors)
    business = session.scalar(
        select(Business)
        .where(Business.returnee_id == returnee.id)
        .order_by(Business.opened_on.desc())
    )
    visit = Visit(
        returnee_id=returnee.id,
        business_id=business.id if business else None,
        mentor_id=actor.id,
        visited_on=data.visited_on,
        mode=data.mode,
        duration_minutes=data.duration_minutes,
        location_consent=data.location_consent,
        latitude=data.latitude if data.location_consent else None,
        longitude=data.longitude if data.location_consent else None,
        topics=sorted(set(data.topics)),
        observations=(data.observations or "").strip() or None,
        business_status=data.business_status,
        revenue_last_month_idr=data.revenue_last_month_idr,
        workers_family=data.workers_family or 0,
        workers_paid=data.workers_paid or 0,
        problems=(data.problems or "").strip() or None,
        next_visit_on=data.next_visit_on,
        idempotency_key=data.idempotency_key,
        created_at=now,
    )
    for action in data.actions:
        if action.description:
            visit.action_items.append(
                ActionItem(
                    returnee_id=returnee.id,
                    description=action.description.strip()[:300],
                    owner=action.owner,
                    due_on=action.due_on,
                )
            )
    for content, kind, width, height in cleaned:
        name = secrets.token_hex(16) + (".jpg" if kind == "image/jpeg" else ".png")
        files.write(
            session, inventory.path_of("visit_photo", name, upload_folder), content
        )
        visit.photos.append(
            VisitPhoto(
                stored_name=name,
                content_type=kind,
                width=width,
                height=height,
                size_bytes=len(content),
            )
        )
    session.add(visit)
    session.flush()
    if business is not None:
        _record_month(
            session,
            business,
            _previous_month(data.visited_on),
            "visit",
            data.business_status,
            data.revenue_last_month_idr,
            visit.workers_family,
            visit.workers_paid,
            actor,
            now,
            visit.id,
        )
    return visit, True


def _previous_month(day: date) -> date:
    first = day.replace(day=1)
    return (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )


def _record_month(
    session: Session,
    business: Business,
    month: date,
    source: str,
    status: str,
    revenue: int | None,
    family: int,
    paid: int,
    actor: User,
    now: datetime,
    visit_id: int | None = None,
) -> BusinessReport:
    report = session.scalar(
        select(BusinessReport).where(
            BusinessReport.business_id == business.id,
            BusinessReport.month == month,
            BusinessReport.source == source,
        )
    )
    if report is None:
        report = BusinessReport(business_id=business.id, month=month, source=source)
        session.add(report)
    report.status, report.revenue_idr = status, revenue
    report.workers_family, report.workers_paid = family, paid
    report.visit_id, report.reported_by_id, report.reported_at = visit_id, actor.id, now
    session.flush()
    return report


def self_report(
    session: Session,
    actor: User,
    business: Business,
    month: date,
    status: str,
    revenue: int | None,
    family: int,
    paid: int,
    today: date,
    now: datetime,
) -> BusinessReport:
    """The returnee's own figures for a month (marked as self-reported)."""
    errors: list[tuple[str | None, str]] = []
    month = month.replace(day=1)
    if month > today.replace(day=1):
        errors.append(("month", _l("Report a month that has begun.")))
    if month < business.opened_on.replace(day=1):
        errors.append(("month", _l("The business had not opened yet.")))
    if status not in ObservedStatus.values():
        errors.append(("status", _l("Choose how the business is doing.")))
    if revenue is not None and revenue < 0:
        errors.append(("revenue_idr", _l("Cannot be negative.")))
    for name, value in (("workers_family", family), ("workers_paid", paid)):
        if not 0 <= (value or 0) <= 500:
            errors.append((name, _l("Enter a number from 0 to 500.")))
    if errors:
        raise FieldErrors(errors)
    return _record_month(
        session,
        business,
        month,
        "self",
        status,
        revenue,
        family or 0,
        paid or 0,
        actor,
        now,
    )


def close_action(
    session: Session, actor: User, item: ActionItem, now: datetime
) -> None:
    if item.closed_at is None:
        item.closed_at = now
        item.closed_by_id = actor.id
        session.flush()


def record_wellbeing(
    session: Session,
    returnee: Returnee,
    answers: dict[str, int],
    taken_on: date,
    today: date,
    visit: Visit | None = None,
) -> WellbeingCheck:
    if taken_on > today:
        raise FieldErrors([("taken_on", _l("The date cannot be in the future."))])
    try:
        scores = score(answers)
    except ValueError:
        raise FieldErrors([(None, _l("Answer every question from 1 to 5."))]) from None
    check = WellbeingCheck(
        returnee_id=returnee.id,
        visit_id=visit.id if visit else None,
        taken_on=taken_on,
        answers=dict(answers),
        economic=scores.economic,
        social=scores.social,
        psychosocial=scores.psychosocial,
        overall=scores.overall,
    )
    session.add(check)
    session.flush()
    return check
