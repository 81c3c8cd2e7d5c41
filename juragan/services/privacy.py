"""A person's rights over their data (UU PDP 27/2022): to see all of it, and to have
it erased.

*Access*: :func:`personal_data` gathers everything juragan holds about a returnee,
including who has looked at or changed their record, as plain values for JSON and
the PDF.

*Erasure*: the person asks (:func:`request_erasure`); an official of their region
carries it out (:func:`erase`) or refuses it with a reason. Erasure keeps what the
programme's figures count (region, sex, year of birth, dates of placements, plans,
businesses and loans, amounts, states, wellbeing scores) and removes everything
that tells who the person is or what they said: name, NIK (replaced by a random
value no one holds), contact details, address below the regency, free texts,
documents and photos, the account, and the old values in the audit trail. The
dashboards' figures are the same before and after.

A person with a KUR that still has money out cannot be erased: the lender must be
able to follow its loan until it is paid off or written off.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session, selectinload

from juragan import audit, files
from juragan.errors import DomainError
from juragan.models import (
    ActionItem,
    AuditEntry,
    Business,
    BusinessPlan,
    BusinessStatusChange,
    ErasureRequest,
    Invitation,
    LoanApplication,
    LoanDocument,
    PlanComment,
    PlanVersion,
    Returnee,
    User,
    UserSession,
    Visit,
    VisitPhoto,
    WellbeingCheck,
)
from juragan.policy import scoped
from juragan.services.accounts import end_sessions, hash_password

LIVE_LOAN_STATUSES = ("approved", "disbursed", "repaying", "restructured")
ERASED_NAME = "Dihapus"
_HIDDEN_COLUMNS = frozenset({"nik_ciphertext", "nik_hash", "password_hash",
                             "token_hash", "stored_name"})  # fmt: skip


def _row(obj: Any) -> dict[str, Any]:
    """An object's columns as plain values (secrets and storage names left out)."""
    mapper = inspect(obj).mapper
    return {attr.key: audit.plain_value(getattr(obj, attr.key))
            for attr in mapper.column_attrs if attr.key not in _HIDDEN_COLUMNS}  # fmt: skip


def personal_data(session: Session, returnee: Returnee) -> dict[str, Any]:
    """Everything held about ``returnee``, grouped as a person would look for it."""
    plans = session.scalars(select(BusinessPlan).where(
        BusinessPlan.returnee_id == returnee.id).order_by(BusinessPlan.id)).all()  # fmt: skip
    businesses = session.scalars(select(Business).where(
        Business.returnee_id == returnee.id).order_by(Business.id)).all()  # fmt: skip
    loans = session.scalars(select(LoanApplication).where(
        LoanApplication.returnee_id == returnee.id).order_by(LoanApplication.id)).all()  # fmt: skip
    visits = session.scalars(select(Visit).where(
        Visit.returnee_id == returnee.id).order_by(Visit.visited_on, Visit.id)).all()  # fmt: skip
    wellbeing = session.scalars(select(WellbeingCheck).where(
        WellbeingCheck.returnee_id == returnee.id).order_by(WellbeingCheck.taken_on)).all()  # fmt: skip
    trail = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.table_name == "returnees",
               AuditEntry.object_id == str(returnee.id))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()  # fmt: skip
    account = returnee.user
    return {
        "profile": {**_row(returnee), "nik": returnee.nik},
        "account": None if account is None else {
            **_row(account),
            "sessions": [_row(s) for s in session.scalars(
                select(UserSession).where(UserSession.user_id == account.id)
                .order_by(UserSession.created_at))],
        },
        "mentor": None if returnee.mentor is None else returnee.mentor.full_name,
        "placements": [_row(p) for p in returnee.placements],
        "trainings": [_row(t) for t in returnee.trainings],
        "business_plans": [{
            **_row(plan),
            "capital_items": [_row(i) for i in plan.capital_items],
            "funding_sources": [_row(f) for f in plan.funding_sources],
            "projection": [_row(m) for m in plan.months],
            "comments": [_row(c) for c in plan.comments],
        } for plan in plans],
        "businesses": [{**_row(b), "history": [_row(c) for c in b.status_changes]}
                       for b in businesses],
        "kur_applications": [{
            **_row(loan),
            "documents": [_row(d) for d in loan.documents],
            "steps": [_row(t) for t in loan.transitions],
            "instalments": [_row(i) for i in loan.instalments],
            "payments": [_row(p) for p in loan.payments],
        } for loan in loans],
        "mentoring_visits": [{**_row(v), "actions": [_row(a) for a in v.action_items],
                              "photos": [_row(p) for p in v.photos]} for v in visits],
        "wellbeing_checks": [_row(w) for w in wellbeing],
        "erasure_requests": [_row(r) for r in session.scalars(select(ErasureRequest)
                             .where(ErasureRequest.returnee_id == returnee.id))],
        # Who saw or changed the record, and when; the values themselves are not
        # repeated here (they are above, as they are now).
        "record_history": [{"at": audit.plain_value(e.at), "by": e.actor_label,
                            "action": e.action, "fields": sorted(e.changes)}
                           for e in trail],
    }  # fmt: skip


def request_erasure(
    session: Session, returnee: Returnee, reason: str | None, now: datetime
) -> ErasureRequest:
    """:raises DomainError: when a request is already open, or nothing is left."""
    if returnee.erased_at is not None:
        raise DomainError(None, _l("This record has already been erased."))
    if pending_request(session, returnee) is not None:
        raise DomainError(None, _l("Your request is already with the regional office."))
    reason = (reason or "").strip() or None
    if reason and len(reason) > 2000:
        raise DomainError(
            "reason", _l("Keep this under %(limit)s characters.", limit=2000)
        )
    request = ErasureRequest(returnee_id=returnee.id, requested_at=now, reason=reason)
    session.add(request)
    session.flush()
    return request


def pending_request(session: Session, returnee: Returnee) -> ErasureRequest | None:
    return session.scalar(select(ErasureRequest).where(
        ErasureRequest.returnee_id == returnee.id, ErasureRequest.status == "pending"))  # fmt: skip


def latest_request(session: Session, returnee: Returnee) -> ErasureRequest | None:
    return session.scalar(select(ErasureRequest).where(
        ErasureRequest.returnee_id == returnee.id)
        .order_by(ErasureRequest.requested_at.desc(), ErasureRequest.id.desc()).limit(1))  # fmt: skip


def pending_requests(session: Session, user: User) -> list[ErasureRequest]:
    """Open requests of the people ``user`` may see, oldest first."""
    people = scoped(select(Returnee.id), user, Returnee)
    return list(session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.status == "pending", ErasureRequest.returnee_id.in_(people))
        .order_by(ErasureRequest.requested_at)
        .options(selectinload(ErasureRequest.returnee))
    ))  # fmt: skip


def refuse_erasure(session: Session, actor: User, request: ErasureRequest,
                   note: str, now: datetime) -> None:  # fmt: skip
    """:raises DomainError: on ``note`` without a reason."""
    note = (note or "").strip()
    if not note:
        raise DomainError("note", _l("Say why, for the person to read."))
    actor_id = actor.id  # read first: a lazy load would flush a half-made change
    request.decided_by_id, request.decision_note = actor_id, note
    request.status, request.decided_at = "refused", now
    session.flush()


def erase(session: Session, actor: User, request: ErasureRequest, now: datetime,
          upload_folder: str | Path) -> None:  # fmt: skip
    """Carry out an erasure request (see the module docstring).

    :raises DomainError: while a KUR has money out, or when the request is closed.
    """
    if request.status != "pending":
        raise DomainError(None, _l("This request has been dealt with already."))
    returnee = request.returnee
    live = session.scalar(select(LoanApplication.id).where(
        LoanApplication.returnee_id == returnee.id,
        LoanApplication.status.in_(LIVE_LOAN_STATUSES)).limit(1))  # fmt: skip
    if live is not None:
        raise DomainError(None, _l(
            "A KUR of this person still has money out: the lender must be able to "
            "follow it until it is paid off or written off. Refuse for now, saying so."))  # fmt: skip
    touched: dict[str, set[int]] = {"returnees": {returnee.id}}

    def note(table: str, ids: Any) -> None:
        touched.setdefault(table, set()).update(ids)

    note("loan_documents", _erase_files(session, returnee, Path(upload_folder)))

    # The person.
    returnee.full_name = ERASED_NAME
    returnee.nik = _nobodys_nik()
    returnee.nik_verified_at = returnee.nik_verified_by_id = None
    returnee.birth_date = date(returnee.birth_date.year, 1, 1)
    returnee.phone = returnee.email = returnee.district = returnee.village = None
    returnee.erased_at = now
    if returnee.user is not None:
        user = returnee.user
        note("users", [user.id])
        end_sessions(session, user, "deactivated", now)
        user.username = f"dihapus-{user.id}"
        user.full_name, user.email = ERASED_NAME, None
        user.password_hash = hash_password(secrets.token_urlsafe(32))
        user.is_active_account = False
    session.execute(update(Invitation).where(Invitation.returnee_id == returnee.id)
                    .values(used_at=now))  # fmt: skip
    # Their journey: dates, countries, sectors and amounts stay for the figures.
    for placement in returnee.placements:
        note("placements", [placement.id])
        placement.occupation = placement.skills = None
        if not placement.is_independent:
            placement.agency_name = "—"
        placement.salary_foreign = placement.salary_currency = None
        placement.salary_idr = placement.remittances_idr = placement.savings_idr = None
    for training in returnee.trainings:
        note("trainings", [training.id])
        training.certificate = None
    plans = session.scalars(select(BusinessPlan).where(
        BusinessPlan.returnee_id == returnee.id)).all()  # fmt: skip
    for plan in plans:
        note("business_plans", [plan.id])
        plan.business_name = f"Usaha {plan.id}"
        plan.district = None
        for field in ("description", "target_market", "competitors", "marketing",
                      "operations", "suppliers", "equipment", "risks"):  # fmt: skip
            setattr(plan, field, None)
        for item in plan.capital_items:
            item.description = "—"
        for source in plan.funding_sources:
            source.description = None
        note("plan_capital_items", [i.id for i in plan.capital_items])
        note("plan_funding_sources", [f.id for f in plan.funding_sources])
        for version in session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id)
        ):
            session.delete(version)
        for comment in session.scalars(
            select(PlanComment).where(PlanComment.plan_id == plan.id)
        ):
            note("plan_comments", [comment.id])
            session.delete(comment)
    for business in session.scalars(
        select(Business).where(Business.returnee_id == returnee.id)
    ):
        note("businesses", [business.id])
        business.name = f"Usaha {business.id}"
        business.nib = business.district = None
        note("business_status_changes", [c.id for c in business.status_changes])
        session.execute(update(BusinessStatusChange)
                        .where(BusinessStatusChange.business_id == business.id)
                        .values(note=None))  # fmt: skip
    for loan in session.scalars(select(LoanApplication).where(
            LoanApplication.returnee_id == returnee.id)):  # fmt: skip
        note("loan_applications", [loan.id])
        loan.npwp = None
        if loan.decision_reason is not None:
            loan.decision_reason = "—"
    for visit in session.scalars(select(Visit).where(Visit.returnee_id == returnee.id)):
        note("visits", [visit.id])
        visit.observations = visit.problems = None
        visit.latitude = visit.longitude = None
        visit.location_consent = False
        note("action_items", [a.id for a in visit.action_items])
        session.execute(update(ActionItem).where(ActionItem.visit_id == visit.id)
                        .values(description="—"))  # fmt: skip
    for check in session.scalars(select(WellbeingCheck).where(
            WellbeingCheck.returnee_id == returnee.id)):  # fmt: skip
        note("wellbeing_checks", [check.id])
        check.answers = {}  # the scores stay: they are what the figures read
    request.decided_by_id = actor.id
    request.reason = None
    request.status, request.decided_at = "done", now
    session.flush()
    _scrub_trail(session, touched)
    # The erasure itself stays on record: who, when, which record; no values.
    session.add(AuditEntry(at=now, actor_id=actor.id, actor_label=actor.username,
                           action="erase", table_name="returnees",
                           object_id=str(returnee.id), changes={}))  # fmt: skip
    session.flush()


def _nobodys_nik() -> str:
    """16 random digits for the NIK column, which must stay unique: no one's NIK
    starts with 00 (there is no province 00), so this can never be a real one."""
    return "00" + "".join(secrets.choice("0123456789") for _ in range(14))


def _erase_files(session: Session, returnee: Returnee, folder: Path) -> list[int]:
    """Delete the person's documents and photos, files and rows; returns the
    documents' ids (their rows were audited)."""
    documents = session.scalars(select(LoanDocument).join(LoanApplication).where(
        LoanApplication.returnee_id == returnee.id)).all()  # fmt: skip
    photos = session.scalars(select(VisitPhoto).join(Visit).where(
        Visit.returnee_id == returnee.id)).all()  # fmt: skip
    for document in documents:
        files.remove_after_commit(session, folder / document.stored_name)
        session.delete(document)
    for photo in photos:
        files.remove_after_commit(session, folder / "visits" / photo.stored_name)
        session.delete(photo)
    session.flush()
    return [document.id for document in documents]


def _scrub_trail(session: Session, touched: dict[str, set[int]]) -> None:
    """Keep who changed what and when, drop the values (old and new)."""
    for table, ids in touched.items():
        keys = [str(i) for i in ids]
        for start in range(0, len(keys), 500):
            for entry in session.scalars(select(AuditEntry).where(
                    AuditEntry.table_name == table,
                    AuditEntry.object_id.in_(keys[start : start + 500]))):  # fmt: skip
                entry.changes = {name: [audit.REDACTED, audit.REDACTED]
                                 for name in entry.changes}  # fmt: skip
    session.flush()


__all__ = [
    "erase",
    "pending_request",
    "pending_requests",
    "personal_data",
    "refuse_erasure",
    "request_erasure",
]
