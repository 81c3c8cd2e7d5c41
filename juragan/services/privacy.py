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
from sqlalchemy import and_, delete, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from juragan.db import audit, files, inventory, scope
from juragan.domain import loan_lifecycle
from juragan.errors import DomainError
from juragan.models import (
    AccessReset,
    AuditEntry,
    Business,
    BusinessPlan,
    ConsentRecord,
    ErasureRequest,
    LoanApplication,
    OneTimeCode,
    RegistrationCheck,
    Returnee,
    User,
    UserSession,
    VerifiedContact,
    Visit,
    WellbeingCheck,
)
from juragan.policy import scoped
from juragan.services.accounts import end_sessions, hash_password

#: Approved and not finished: money out or about to go out.
LIVE_LOAN_STATUSES = loan_lifecycle.COMMITTED
ERASED_NAME = "Dihapus"
_HIDDEN_COLUMNS = frozenset(
    {
        "nik_ciphertext",
        "nik_hash",
        "npwp_ciphertext",
        "npwp_hash",
        "password_hash",
        "token_hash",
        "stored_name",
        "profile_ciphertext",
    }
)


def _row(obj: Any) -> dict[str, Any]:
    """An object's columns as plain values (secrets and storage names left out)."""
    mapper = inspect(obj).mapper
    return {
        attr.key: audit.plain_value(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _HIDDEN_COLUMNS
    }


def personal_data(session: Session, returnee: Returnee) -> dict[str, Any]:
    """Everything held about ``returnee``, grouped as a person would look for it."""
    plans = session.scalars(
        select(BusinessPlan)
        .where(BusinessPlan.returnee_id == returnee.id)
        .order_by(BusinessPlan.id)
    ).all()
    businesses = session.scalars(
        select(Business)
        .where(Business.returnee_id == returnee.id)
        .order_by(Business.id)
    ).all()
    loans = session.scalars(
        select(LoanApplication)
        .where(LoanApplication.returnee_id == returnee.id)
        .order_by(LoanApplication.id)
    ).all()
    visits = session.scalars(
        select(Visit)
        .where(Visit.returnee_id == returnee.id)
        .order_by(Visit.visited_on, Visit.id)
    ).all()
    wellbeing = session.scalars(
        select(WellbeingCheck)
        .where(WellbeingCheck.returnee_id == returnee.id)
        .order_by(WellbeingCheck.taken_on)
    ).all()
    # Every entry about them, whatever the record: their profile, documents,
    # photos, plans, loans, visits; views and exports included.
    trail = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.returnee_id == returnee.id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    account = returnee.user
    return {
        "profile": {"nik": returnee.nik, **_row(returnee)},
        "account": None
        if account is None
        else {
            **_row(account),
            "sessions": [
                _row(s)
                for s in session.scalars(
                    select(UserSession)
                    .where(UserSession.user_id == account.id)
                    .order_by(UserSession.created_at)
                )
            ],
        },
        "mentor": None if returnee.mentor is None else returnee.mentor.full_name,
        "placements": [_row(p) for p in returnee.placements],
        "trainings": [_row(t) for t in returnee.trainings],
        "business_plans": [
            {
                **_row(plan),
                "capital_items": [_row(i) for i in plan.capital_items],
                "funding_sources": [_row(f) for f in plan.funding_sources],
                "projection": [_row(m) for m in plan.months],
                "comments": [_row(c) for c in plan.comments],
            }
            for plan in plans
        ],
        "businesses": [
            {**_row(b), "history": [_row(c) for c in b.status_changes]}
            for b in businesses
        ],
        "kur_applications": [
            {
                **_row(loan),
                "npwp": loan.npwp,
                "documents": [_row(d) for d in loan.documents],
                "steps": [_row(t) for t in loan.transitions],
                "instalments": [_row(i) for i in loan.instalments],
                "payments": [_row(p) for p in loan.payments],
            }
            for loan in loans
        ],
        "mentoring_visits": [
            {
                **_row(v),
                "actions": [_row(a) for a in v.action_items],
                "photos": [_row(p) for p in v.photos],
            }
            for v in visits
        ],
        "wellbeing_checks": [_row(w) for w in wellbeing],
        "erasure_requests": [
            _row(r)
            for r in session.scalars(
                select(ErasureRequest).where(ErasureRequest.returnee_id == returnee.id)
            )
        ],
        "access_resets": [
            _row(r)
            for r in session.scalars(
                select(AccessReset)
                .where(AccessReset.returnee_id == returnee.id)
                .order_by(AccessReset.at)
            )
        ],
        # Every consent given and withdrawn, with who recorded it; the scan itself
        # is on the consent page (its stored name is left out here).
        "consents": [
            {
                **_row(c),
                "recorded_by": c.recorded_by.full_name if c.recorded_by else None,
            }
            for c in session.scalars(
                select(ConsentRecord)
                .where(ConsentRecord.returnee_id == returnee.id)
                .order_by(ConsentRecord.given_at, ConsentRecord.id)
            )
        ],
        # Who saw or changed the record, and when; the values themselves are not
        # repeated here (they are above, as they are now).
        "record_history": [
            {
                "at": audit.plain_value(e.at),
                "by": e.actor_label,
                "action": e.action,
                "record": e.table_name,
                "fields": sorted(e.changes),
            }
            for e in trail
        ],
    }


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
    return session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.returnee_id == returnee.id,
            ErasureRequest.status == "pending",
        )
    )


def latest_request(session: Session, returnee: Returnee) -> ErasureRequest | None:
    return session.scalar(
        select(ErasureRequest)
        .where(ErasureRequest.returnee_id == returnee.id)
        .order_by(ErasureRequest.requested_at.desc(), ErasureRequest.id.desc())
        .limit(1)
    )


def pending_requests(session: Session, user: User) -> list[ErasureRequest]:
    """Open requests of the people ``user`` may see, oldest first."""
    people = scoped(select(Returnee.id), user, Returnee)
    return list(
        session.scalars(
            select(ErasureRequest)
            .where(
                ErasureRequest.status == "pending",
                ErasureRequest.returnee_id.in_(people),
            )
            .order_by(ErasureRequest.requested_at)
            .options(selectinload(ErasureRequest.returnee))
        )
    )


def refuse_erasure(
    session: Session, actor: User, request: ErasureRequest, note: str, now: datetime
) -> None:
    """:raises DomainError: on ``note`` without a reason."""
    note = (note or "").strip()
    if not note:
        raise DomainError("note", _l("Say why, for the person to read."))
    actor_id = actor.id  # read first: a lazy load would flush a half-made change
    request.decided_by_id, request.decision_note = actor_id, note
    request.status, request.decided_at = "refused", now
    session.flush()


def erase(
    session: Session,
    actor: User,
    request: ErasureRequest,
    now: datetime,
    upload_folder: str | Path,
) -> None:
    """Carry out an erasure request (see the module docstring): every column and
    file kind :mod:`juragan.db.inventory` lists as personal, for every row of the
    person, their account and the audit trail.

    :raises DomainError: while a KUR has money out, or when the request is closed.
    """
    if request.status != "pending":
        raise DomainError(None, _l("This request has been dealt with already."))
    returnee = request.returnee
    live = session.scalar(
        select(LoanApplication.id)
        .where(
            LoanApplication.returnee_id == returnee.id,
            LoanApplication.status.in_(LIVE_LOAN_STATUSES),
        )
        .limit(1)
    )
    if live is not None:
        raise DomainError(
            None,
            _l(
                "A KUR of this person still has money out: the lender must be able to "
                "follow it until it is paid off or written off. Refuse for now, saying so."
            ),
        )
    actor_id, actor_label = actor.id, actor.username
    person_id, account_id = returnee.id, returnee.user_id
    request.decided_by_id = actor_id
    request.status, request.decided_at = "done", now
    session.flush()
    # Across every scope: the person's rows are wherever their data went.
    with scope.system("erasure"):
        rows_of_person = _row_ids(session, person_id)
        _erase_files(session, person_id, Path(upload_folder))
        for model, table in inventory.INVENTORY.items():
            if model in scope.PERSON_LINKS and scope.FAMILIES[model] != scope.SUMMARY:
                _erase_rows(session, model, table, _rows_of(model, person_id))
        if account_id is not None:
            account = session.get(User, account_id)
            end_sessions(session, account, "deactivated", now)
            account.is_active_account = False
            _erase_rows(
                session,
                User,
                inventory.INVENTORY[User],
                select(User).where(User.id == account_id),
            )
            for model in (UserSession, OneTimeCode, VerifiedContact, RegistrationCheck):
                session.execute(delete(model).where(model.user_id == account_id))
        returnee.erased_at = now
        session.flush()
        _scrub_trail(session, person_id, account_id, rows_of_person)
    # The erasure itself stays on record: who, when, which record; no values.
    session.add(
        AuditEntry(
            at=now,
            actor_id=actor_id,
            actor_label=actor_label,
            action="erase",
            table_name="returnees",
            object_id=str(person_id),
            returnee_id=person_id,
            changes={},
        )
    )
    session.flush()


def _rows_of(model: type, person_id: int) -> Any:
    """The person's rows of ``model``, by the link :mod:`juragan.db.scope` declares."""
    if scope.PERSON_LINKS[model] is None:
        return select(model).where(model.id == person_id)
    return select(model).where(scope.linked(model, person_id))


def _erase_rows(
    session: Session, model: type, table: inventory.Table, rows: Any
) -> None:
    """Apply the inventory's erasure rules to each row (or delete the rows)."""
    personal = inventory.personal_columns(model)
    for row in session.scalars(rows).all():
        if table.rows == "delete":
            session.delete(row)
            continue
        for name, column in personal.items():
            _erase_value(row, name, column)
    session.flush()


def _erase_value(row: Any, name: str, column: inventory.Column) -> None:
    rule = column.erase
    if rule == inventory.CLEAR:
        setattr(row, name, None)
    elif rule == inventory.PLACEHOLDER:
        if getattr(row, name) is not None:  # what was empty stays empty
            setattr(row, name, inventory.placeholder(column, row))
    elif rule == inventory.FALSE:
        setattr(row, name, False)
    elif rule == inventory.YEAR_ONLY:
        value = getattr(row, name)
        if value is not None:
            setattr(row, name, date(value.year, 1, 1))
    elif rule == inventory.REPLACE_NIK:
        if name == "nik_ciphertext":  # the hash goes with it, through the setter
            row.nik = _nobodys_nik()
    elif rule == inventory.SCRUB:
        setattr(row, name, _scrubbed(getattr(row, name)))
    elif rule == inventory.RANDOM_SECRET:
        setattr(row, name, hash_password(secrets.token_urlsafe(32)))
    else:  # pragma: no cover - a rule the inventory names but erasure lacks
        raise LookupError(f"no erasure for rule {rule!r}")


def _scrubbed(value: Any) -> Any:
    """A JSON value with every leaf replaced by the redaction mark (keys stay)."""
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [audit.REDACTED for _ in value]
    return None if value is None else audit.REDACTED


def _nobodys_nik() -> str:
    """16 random digits for the NIK column, which must stay unique: no one's NIK
    starts with 00 (there is no province 00), so this can never be a real one."""
    return "00" + "".join(secrets.choice("0123456789") for _ in range(14))


def _erase_files(session: Session, person_id: int, folder: Path) -> None:
    """Remove, once the erasure commits, every file of the person of every file
    kind that rows name; and every registry upload still waiting for its
    confirmation (they hold whole rows of people, and no row says whose)."""
    for kind, spec in inventory.FILE_KINDS.items():
        if spec.model is None:
            waiting = inventory.folder_of(kind, folder)
            if waiting.is_dir():
                for path in waiting.iterdir():
                    files.remove_after_commit(session, path)
            continue
        column = getattr(spec.model, spec.column)
        for name in set(
            session.scalars(
                select(column).where(
                    scope.linked(spec.model, person_id), column.is_not(None)
                )
            )
        ):
            files.remove_after_commit(session, inventory.path_of(kind, name, folder))


def _row_ids(session: Session, person_id: int) -> dict[str, list[str]]:
    """Every row of the person, per table, as the audit trail names them."""
    found: dict[str, list[str]] = {}
    for model in scope.PERSON_LINKS:
        if scope.FAMILIES[model] == scope.SUMMARY or "id" not in model.__table__.c:
            continue
        ids = session.scalars(
            select(model.id).where(model.id == person_id)
            if model is Returnee
            else select(model.id).where(scope.linked(model, person_id))
        ).all()
        if ids:
            found[model.__tablename__] = [str(i) for i in ids]
    return found


def _scrub_trail(
    session: Session, person_id: int, account_id: int | None, rows: dict[str, list[str]]
) -> None:
    """Keep who changed what and when, drop the values (old and new), and the
    person's own username where they acted. Entries are found by the person they
    name and, whatever they name, by the person's rows."""
    about = [AuditEntry.returnee_id == person_id]
    for table, ids in rows.items():
        for start in range(0, len(ids), 500):
            about.append(
                and_(
                    AuditEntry.table_name == table,
                    AuditEntry.object_id.in_(ids[start : start + 500]),
                )
            )
    if account_id is not None:
        about.append(
            and_(
                AuditEntry.table_name == "users",
                AuditEntry.object_id == str(account_id),
            )
        )
    for entry in session.scalars(select(AuditEntry).where(or_(*about))):
        entry.changes = _scrubbed(entry.changes)
    if account_id is not None:
        label = inventory.INVENTORY[AuditEntry].columns["actor_label"]
        for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == account_id)
        ):
            entry.actor_label = inventory.placeholder(label, entry)
    session.flush()


__all__ = [
    "erase",
    "pending_request",
    "pending_requests",
    "personal_data",
    "refuse_erasure",
    "request_erasure",
]
