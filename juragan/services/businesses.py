"""Businesses: opened from a plan, then operating, paused, closed or reopened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.domain.codes import BusinessStatus, CloseReason
from juragan.errors import DomainError, FieldErrors
from juragan.models import Business, BusinessPlan, BusinessStatusChange, User


@dataclass
class BusinessData:
    opened_on: date
    nib: str | None = None
    workers_family: int = 0
    workers_paid: int = 0
    district: str | None = None


def _check(
    session: Session, data: BusinessData, today: date, business_id: int | None = None
) -> None:
    errors: list[tuple[str | None, str]] = []
    data.nib = "".join((data.nib or "").split()) or None
    data.district = (data.district or "").strip() or None
    if data.opened_on > today:
        errors.append(("opened_on", _l("Record the opening once it has happened.")))
    elif data.opened_on.year < 2000:
        errors.append(("opened_on", _l("Check the year.")))
    if data.nib is not None:
        if not (data.nib.isdigit() and len(data.nib) == 13):
            errors.append(("nib", _l("An NIB from OSS has 13 digits.")))
        else:
            holder = session.scalar(select(Business.id).where(Business.nib == data.nib))
            if holder is not None and holder != business_id:
                errors.append(
                    ("nib", _l("Another business is registered with this NIB."))
                )
    for name in ("workers_family", "workers_paid"):
        value = getattr(data, name)
        if value is None:
            setattr(data, name, 0)
        elif not 0 <= value <= 500:
            errors.append((name, _l("Enter a number from 0 to 500.")))
    if errors:
        raise FieldErrors(errors)


def open_business(
    session: Session,
    actor: User,
    plan: BusinessPlan,
    data: BusinessData,
    today: date,
    now: datetime,
) -> Business:
    """Record that the business of ``plan`` has opened.

    Name, form, line of business and place come from the plan.
    """
    if plan.business is not None:
        raise DomainError(
            None, _l("A business has been opened from this plan already.")
        )
    if plan.regency_code is None:
        raise DomainError(None, _l("Give the plan a location first."))
    _check(session, data, today)
    business = Business(
        returnee_id=plan.returnee_id,
        plan_id=plan.id,
        name=plan.business_name,
        legal_form=plan.legal_form,
        sector=plan.sector,
        kbli_section=plan.kbli_section,
        kbli_code=plan.kbli_code,
        province_code=plan.province_code,
        regency_code=plan.regency_code,
        district=data.district or plan.district,
        opened_on=data.opened_on,
        nib=data.nib,
        workers_family=data.workers_family,
        workers_paid=data.workers_paid,
        status="operating",
        status_since=data.opened_on,
    )
    business.status_changes.append(
        BusinessStatusChange(
            from_status=None,
            to_status="operating",
            changed_on=data.opened_on,
            changed_by_id=actor.id,
            recorded_at=now,
        )
    )
    session.add(business)
    session.flush()
    session.refresh(plan, ["business"])
    return business


def update_business(
    session: Session, business: Business, data: BusinessData, today: date
) -> None:
    """Correct the opening date, NIB, workers or district."""
    _check(session, data, today, business.id)
    opening = [c for c in business.status_changes if c.from_status is None]
    later = [c for c in business.status_changes if c.from_status is not None]
    if later and data.opened_on > later[0].changed_on:
        raise FieldErrors(
            [("opened_on", _l("The business changed state before this date."))]
        )
    for change in opening:
        change.changed_on = data.opened_on
    if not later:
        business.status_since = data.opened_on
    business.opened_on = data.opened_on
    business.nib = data.nib
    business.workers_family = data.workers_family
    business.workers_paid = data.workers_paid
    business.district = data.district
    session.flush()


def change_status(
    session: Session,
    actor: User,
    business: Business,
    to_status: str,
    on: date,
    today: date,
    now: datetime,
    close_reason: str | None = None,
    note: str | None = None,
) -> BusinessStatusChange:
    """Pause, close (with a reason) or reopen a business; the history keeps it.

    :raises FieldErrors: for the same state again, a date before the current state
        began or in the future, or a closing without a reason.
    """
    errors: list[tuple[str | None, str]] = []
    note = (note or "").strip() or None
    if to_status not in BusinessStatus.values():
        errors.append(("to_status", _l("Choose the new state.")))
    elif to_status == business.status:
        errors.append(("to_status", _l("The business is in this state already.")))
    if on > today:
        errors.append(("changed_on", _l("The date cannot be in the future.")))
    elif on < business.status_since:
        errors.append(
            ("changed_on", _l("The date cannot be before the current state began."))
        )
    if to_status == "closed":
        if close_reason not in CloseReason.values():
            errors.append(("close_reason", _l("Say why the business closed.")))
    else:
        close_reason = None
    if note is not None and len(note) > 2000:
        errors.append(("note", _l("Keep this under %(limit)s characters.", limit=2000)))
    if errors:
        raise FieldErrors(errors)
    change = BusinessStatusChange(
        from_status=business.status,
        to_status=to_status,
        changed_on=on,
        close_reason=close_reason,
        note=note,
        changed_by_id=actor.id,
        recorded_at=now,
    )
    business.status_changes.append(change)
    business.status = to_status
    business.status_since = on
    session.flush()
    return change


def business_of(session: Session, returnee_id: int) -> list[Business]:
    return list(
        session.scalars(
            select(Business)
            .where(Business.returnee_id == returnee_id)
            .order_by(Business.opened_on.desc())
        )
    )
