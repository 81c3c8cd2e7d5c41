"""Who may see which rows: enforced on every ORM statement, at one place.

Every SELECT, UPDATE and DELETE the ORM sends, from a page, an import, a report, an
export or a relationship loaded on the way, passes :func:`_apply_scope` (SQLAlchemy's
``do_orm_execute`` hook with ``with_loader_criteria``, the documented recipe for
row-level rules). It adds, for every mapped class, the WHERE clause of the current
*viewer*: a row outside it is simply not found, whatever path asked for it. A lookup
by NIK outside one's scope finds nothing; an id typed into an address is a 404.

The viewer is, in a web request, the signed-in account (anonymous visitors see no
person-linked row at all); elsewhere it must be set: :func:`as_user` for work done
on someone's behalf, or :func:`system` for jobs, the command line, migrations and
the few internal reads that must span every scope (the dashboards' summaries, a
uniqueness check). A system context is named from :data:`SYSTEM_PURPOSES` and
logged; outside any context nothing person-linked is visible.

:data:`FAMILIES` says, for every mapped class, which rule applies, and
:data:`PERSON_LINKS` how a person-linked row reaches its returnee;
``tests/unit/test_scope.py`` fails when a mapped class is missing from either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    and_,
    bindparam,
    event,
    exists,
    false,
    or_,
    select,
    true,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import LoaderCriteriaOption
from sqlalchemy.sql.cache_key import CacheConst
from sqlalchemy.sql.visitors import anon_map as _AnonMap

from juragan.domain import loan_lifecycle
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.models import (
    AccessReset,
    ActionItem,
    AuditEntry,
    Business,
    BusinessPlan,
    BusinessReport,
    BusinessStatusChange,
    CapitalItem,
    CaseAssignment,
    ConsentPurpose,
    ConsentRecord,
    ErasureRequest,
    FundingSource,
    Instalment,
    Invitation,
    KbliCode,
    Lender,
    LenderBranch,
    LoanApplication,
    LoanApproval,
    LoanDocument,
    LoanTransition,
    OneTimeCode,
    Payment,
    Placement,
    PlanComment,
    PlanVersion,
    ProjectionMonth,
    Province,
    Regency,
    RegistrationCheck,
    Returnee,
    Role,
    ScheduleRevision,
    Training,
    User,
    UserSession,
    VerifiedContact,
    Visit,
    VisitCadence,
    VisitPhoto,
    WellbeingCheck,
)
from juragan.models.dashboard import (
    BusinessFact,
    DestinationCount,
    LoanFact,
    LoanMonth,
    RegencyCount,
    ReturneeCell,
    ReturneeFact,
)
from juragan.models.loan import LENDERS
from juragan.models.loan_events import GuaranteeClaim, LenderTerms, LoanCheck, LoanEvent

log = logging.getLogger("juragan.db.scope")
_NO_CACHE = CacheConst.NO_CACHE
_PARAMS = CacheConst.PARAMS

#: The person's record: profile, journey abroad, trainings.
RECORD = "record"
#: A family's money: plans, businesses, loans and everything under them.
FINANCE = "finance"
#: Mentoring and the person's requests: visits, wellbeing, assignments, erasure.
CARE = "care"
#: The dashboards' summary tables (regional figures).
SUMMARY = "summary"
ACCOUNT = "account"
AUDIT = "audit"
#: A self-registration waiting for an official's check (its own account's).
CLAIM = "claim"
#: Not about anyone: regions, lenders, settings.
REFERENCE = "reference"

#: The rule family of every mapped class.
FAMILIES: dict[type, str] = {
    Returnee: RECORD,
    Placement: RECORD,
    Training: RECORD,
    BusinessPlan: FINANCE,
    CapitalItem: FINANCE,
    FundingSource: FINANCE,
    ProjectionMonth: FINANCE,
    PlanVersion: FINANCE,
    PlanComment: FINANCE,
    Business: FINANCE,
    BusinessStatusChange: FINANCE,
    BusinessReport: FINANCE,
    LoanApplication: FINANCE,
    LoanTransition: FINANCE,
    LoanApproval: FINANCE,
    LoanDocument: FINANCE,
    Instalment: FINANCE,
    Payment: FINANCE,
    ScheduleRevision: FINANCE,
    LoanCheck: FINANCE,
    LoanEvent: FINANCE,
    GuaranteeClaim: FINANCE,
    Visit: CARE,
    ActionItem: CARE,
    VisitPhoto: CARE,
    WellbeingCheck: CARE,
    CaseAssignment: CARE,
    ErasureRequest: CARE,
    Invitation: CARE,
    AccessReset: CARE,
    ConsentRecord: CARE,
    RegistrationCheck: CLAIM,
    ReturneeFact: SUMMARY,
    ReturneeCell: SUMMARY,
    RegencyCount: SUMMARY,
    DestinationCount: SUMMARY,
    BusinessFact: SUMMARY,
    LoanFact: SUMMARY,
    LoanMonth: SUMMARY,
    User: ACCOUNT,
    UserSession: ACCOUNT,
    OneTimeCode: ACCOUNT,
    VerifiedContact: ACCOUNT,
    AuditEntry: AUDIT,
    Province: REFERENCE,
    KbliCode: REFERENCE,
    Regency: REFERENCE,
    Lender: REFERENCE,
    LenderBranch: REFERENCE,
    LenderTerms: REFERENCE,
    VisitCadence: REFERENCE,
}

#: How a person-linked row reaches its returnee: ``None`` for the returnee itself,
#: the name of its ``returnee_id`` column, or (parent class, foreign key column)
#: when it hangs under a plan, a business, a loan or a visit.
PERSON_LINKS: dict[type, Any] = {
    Returnee: None,
    Placement: "returnee_id",
    Training: "returnee_id",
    BusinessPlan: "returnee_id",
    CapitalItem: (BusinessPlan, "plan_id"),
    FundingSource: (BusinessPlan, "plan_id"),
    ProjectionMonth: (BusinessPlan, "plan_id"),
    PlanVersion: (BusinessPlan, "plan_id"),
    PlanComment: (BusinessPlan, "plan_id"),
    Business: "returnee_id",
    BusinessStatusChange: (Business, "business_id"),
    BusinessReport: (Business, "business_id"),
    LoanApplication: "returnee_id",
    LoanTransition: (LoanApplication, "loan_id"),
    LoanApproval: (LoanApplication, "loan_id"),
    LoanDocument: (LoanApplication, "loan_id"),
    Instalment: (LoanApplication, "loan_id"),
    Payment: (LoanApplication, "loan_id"),
    ScheduleRevision: (LoanApplication, "loan_id"),
    LoanCheck: (LoanApplication, "loan_id"),
    LoanEvent: (LoanApplication, "loan_id"),
    GuaranteeClaim: (LoanApplication, "loan_id"),
    Visit: "returnee_id",
    ActionItem: "returnee_id",
    VisitPhoto: (Visit, "visit_id"),
    WellbeingCheck: "returnee_id",
    CaseAssignment: "returnee_id",
    ErasureRequest: "returnee_id",
    Invitation: "returnee_id",
    AccessReset: "returnee_id",
    ConsentRecord: "returnee_id",
    ReturneeFact: "returnee_id",
    BusinessFact: "returnee_id",
    LoanFact: "returnee_id",
    LoanMonth: "returnee_id",
}

#: Why a system context may read across every scope. A new purpose is added here,
#: with its reason, or ``system()`` refuses it.
SYSTEM_PURPOSES: dict[str, str] = {
    "cli": "an administrator's command on the server",
    "migration": "a schema migration moving existing rows",
    "seeding": "demo or synthetic data being written",
    "summaries": "the dashboards' summary tables kept current after a write",
    "destinations": "ordering country lists by the programme's commonest "
    "destinations (national counts of ten people or more; the order is shown, "
    "never a count)",
    "sessions": "finding the account behind a session cookie or a sign-in",
    "accounts": "checking that a username or e-mail is not taken",
    "uniqueness": "checking that a NIK or a similar person is not registered anywhere",
    "eligibility": "counting the KUR a person had at any lender for the KUR rules",
    "invitations": "opening the one-time invitation link someone was given",
    "erasure": "erasing a person's data everywhere it is held",
    "audit": "writing the processing log of a person",
    "transfers": "finding the person a transfer between regions asks for",
    "password_reset": "finding the account a forgotten password or an in-person "
    "reset names, and its one-time codes and verified contacts",
    "consent": "reading whether a person's consent lets their data be shared with a "
    "lender or lets them be contacted, before doing it",
    "tests": "the test suite setting up and checking its data",
}


class ScopeError(RuntimeError):
    """A statement tried to reach rows around the viewer's scope."""


@dataclass(frozen=True)
class Viewer:
    """What the data layer needs of an account, copied so that it is hashable."""

    kind: str  # "user", "system" or "nobody"
    user_id: int | None = None
    role: str | None = None
    province_code: str | None = None
    regency_code: str | None = None
    lender_code: str | None = None
    is_national: bool = False
    purpose: str | None = None

    @property
    def is_system(self) -> bool:
        return self.kind == "system"


NOBODY = Viewer("nobody")

#: Set for a block of work; ``_FROM_REQUEST`` defers to the web resolver.
_explicit: ContextVar[Viewer | None] = ContextVar("scope_viewer", default=None)
_FROM_REQUEST = Viewer("request")
#: Installed by the web app: the signed-in account of the current request.
request_user: Callable[[], Any] = lambda: None  # noqa: E731


def viewer_of(user: Any) -> Viewer:
    """The viewer for an account (anonymous or inactive: nobody)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    if not user.is_active:
        return NOBODY
    return Viewer(
        "user",
        user.id,
        Role(user.role).value,
        user.scope_province_code,
        user.scope_regency_code,
        user.lender_code,
        user.is_national,
    )


def current_viewer() -> Viewer:
    explicit = _explicit.get()
    if explicit is None:
        return NOBODY
    if explicit is _FROM_REQUEST:
        return viewer_of(request_user())
    return explicit


@contextmanager
def _viewing(viewer: Viewer) -> Iterator[Viewer]:
    token = _explicit.set(viewer)
    try:
        yield viewer
    finally:
        _explicit.reset(token)


def as_user(user: Any) -> Any:
    """Scope every statement in the block to what ``user`` (an account, or its
    :class:`Viewer`) may see."""
    return _viewing(user if isinstance(user, Viewer) else viewer_of(user))


def system(purpose: str) -> Any:
    """Read across every scope for ``purpose`` (one of :data:`SYSTEM_PURPOSES`).

    :raises KeyError: for a purpose nobody declared.
    """
    SYSTEM_PURPOSES[purpose]  # an undeclared purpose is a programming error
    log.debug("system context %r entered", purpose)
    return _viewing(Viewer("system", purpose=purpose))


class ScopedToRequest:
    """WSGI middleware: while a request is handled the signed-in account is the
    viewer, whatever context the server (or a test) runs the request in."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: Any, start_response: Any) -> Any:
        token = _explicit.set(_FROM_REQUEST)
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            _explicit.reset(token)


# The rules --------------------------------------------------------------------------

_returnees = Returnee.__table__
_loans = LoanApplication.__table__
_consents = ConsentRecord.__table__
#: Loan states a lender sees: everything once the application was sent to it.
_UNSENT = LoanStatus.DRAFT
#: Loans paid out: the credit agreement is their legal basis (UU PDP Pasal 20
#: ayat 2 huruf b), so the lender keeps following them whatever the consent to
#: sharing says (``docs/consent.md``).
UNDER_AGREEMENT = loan_lifecycle.ordered(loan_lifecycle.UNDER_AGREEMENT)


def _now() -> Any:
    from juragan import clock  # the one clock; imported late (it needs the app)

    return clock.now()


#: The moment a statement runs, read when it is executed (never cached with it).
_MOMENT = bindparam("consent_moment", type_=DateTime(timezone=True), callable_=_now)


def consent_holds(purpose: str, person: Any) -> ColumnElement[bool]:
    """Whether the consent to ``purpose`` of the person whose id is ``person`` (a
    column) holds at the moment the statement runs: given, and not withdrawn, or
    withdrawn from a later moment. A correlated EXISTS, one index probe per row
    asked about: an ``IN`` over everyone's consents read the whole table on every
    page of a bank officer."""
    return (
        exists()
        .where(
            _consents.c.returnee_id == person,
            _consents.c.purpose == purpose,
            or_(_consents.c.effective_at.is_(None), _consents.c.effective_at > _MOMENT),
        )
        .correlate_except(_consents)
    )


def _region(viewer: Viewer, province: Any, regency: Any) -> ColumnElement[bool]:
    if viewer.is_national:
        return true()
    if viewer.province_code is None:
        return false()
    clause = province == viewer.province_code
    if viewer.regency_code is not None:
        clause = and_(clause, regency == viewer.regency_code)
    return clause


def _carer_returnees(viewer: Viewer, people: Any) -> ColumnElement[bool] | None:
    """The condition on ``people`` (the returnees table or class) for those a carer
    looks after; ``None`` means everyone."""
    role = viewer.role
    if role == Role.RETURNEE:
        return people.user_id == viewer.user_id
    if role == Role.MENTOR:
        return people.mentor_id == viewer.user_id
    if role == Role.OFFICIAL:
        if viewer.is_national:
            return None
        return _region(viewer, people.province_code, people.regency_code)
    return false()


def _lender_loans(viewer: Viewer) -> ColumnElement[bool]:
    """The condition on ``loan_applications`` for the loans a bank officer handles:
    sent to their lender, of people of their branch's region."""
    if viewer.lender_code is None:
        return false()

    # The borrower's home, looked up per loan by its key: an IN over the people of
    # the region would read every one of them for each page of a few loans.
    def home(column: Any) -> Any:
        return (
            select(column)
            .where(_returnees.c.id == _loans.c.returnee_id)
            .correlate(_loans)
            .scalar_subquery()
        )

    in_region = _region(
        viewer, home(_returnees.c.province_code), home(_returnees.c.regency_code)
    )
    # Before the money goes out, only while the person's consent to sharing with
    # the lender holds: every page, document and file of the officer passes here.
    shared = or_(
        _loans.c.status.in_(UNDER_AGREEMENT),
        consent_holds(ConsentPurpose.LENDER.value, _loans.c.returnee_id),
    )
    return and_(
        _loans.c.lender == viewer.lender_code,
        _loans.c.status != _UNSENT,
        in_region,
        shared,
    )


def _people(viewer: Viewer, family: str, people: Any = None) -> Any:
    """The condition on ``people`` (the returnees table, or the class) for a family
    of records; ``None`` means everyone."""
    people = _returnees.c if people is None else people
    role = viewer.role
    if role == Role.ADMIN:
        # Administrators keep the system running: records (masked), never money
        # or mentoring.
        return None if family == RECORD else false()
    if role == Role.BANK_OFFICER:
        if family != RECORD:
            return false()  # finance goes by loan, see _bank_finance
        return people.id.in_(select(_loans.c.returnee_id).where(_lender_loans(viewer)))
    if role in (Role.RETURNEE, Role.MENTOR, Role.OFFICIAL):
        return _carer_returnees(viewer, people)
    return false()


def _linked(model: type, people: ColumnElement[bool] | None) -> ColumnElement[bool]:
    """``model`` rows of the people matching ``people`` (on ``returnees``)."""
    if people is None:
        return true()
    link = PERSON_LINKS[model]
    if isinstance(link, str):
        return getattr(model, link).in_(select(_returnees.c.id).where(people))
    parent, column = link
    return getattr(model, column).in_(
        select(parent.__table__.c.id).where(_linked_core(parent, people))
    )


def _linked_core(model: type, people: ColumnElement[bool]) -> ColumnElement[bool]:
    """:func:`_linked` on a class's table (no ORM entity: no nested criteria)."""
    link = PERSON_LINKS[model]
    table = model.__table__
    if link is None:
        return table.c.id.in_(select(_returnees.c.id).where(people))
    if isinstance(link, str):
        return table.c[link].in_(select(_returnees.c.id).where(people))
    parent, column = link
    return table.c[column].in_(
        select(parent.__table__.c.id).where(_linked_core(parent, people))
    )


def linked(model: type, person_id: int) -> ColumnElement[bool]:
    """The condition on ``model`` for the rows of one person (erasure, the
    processing log)."""
    return _linked(model, _returnees.c.id == person_id)


def _bank_finance(viewer: Viewer, model: type) -> ColumnElement[bool]:
    """A bank officer's money rows: the loans sent to their lender, and the plan and
    business each of those loans was made on, with what hangs under them."""
    loans = _lender_loans(viewer)
    if model is LoanApplication:
        # On the row itself: a page of the newest loans reads its way down the
        # key and stops, where an IN built the set of all the lender's loans.
        return loans
    if model is BusinessPlan:
        return model.id.in_(select(_loans.c.plan_id).where(loans))
    if model is Business:
        return model.id.in_(select(_loans.c.business_id).where(loans))
    parent, column = PERSON_LINKS[model]
    key = {
        LoanApplication: _loans.c.id,
        BusinessPlan: _loans.c.plan_id,
        Business: _loans.c.business_id,
    }[parent]
    return getattr(model, column).in_(select(key).where(loans))


def summary_clause(viewer: Viewer, table: Any) -> ColumnElement[bool]:
    """Regional figures for those who read the dashboards; a bank officer's are
    those of their own lender's applicants and loans. ``table`` is a summary class
    or an alias of one."""
    if viewer.role not in (Role.OFFICIAL, Role.OBSERVER, Role.BANK_OFFICER):
        return false()
    if not hasattr(table, "province_code"):
        return false()  # the programme's national counts: the system's to read
    clause = _region(viewer, table.province_code, table.regency_code)
    if viewer.role == Role.BANK_OFFICER:
        lender = viewer.lender_code
        if lender is None:
            return false()
        if hasattr(table, "loan_id"):  # loan facts and months: the loan's lender
            clause = and_(clause, table.lender == lender)
            if hasattr(table, "status"):
                # As on every other path (_lender_loans): before the money goes
                # out, only while the person's consent to sharing holds, so that
                # the headline less the list gives nothing away.
                clause = and_(
                    clause,
                    or_(
                        table.status.in_(UNDER_AGREEMENT),
                        consent_holds(ConsentPurpose.LENDER.value, table.returnee_id),
                    ),
                )
        elif not hasattr(table, "lender_mask"):
            return false()  # a table of everyone's counts: not a lender's
        elif lender in LENDERS:
            bit = 1 << LENDERS.index(lender)
            clause = and_(clause, table.lender_mask.op("&")(bit) != 0)
        else:
            return false()
    return clause


def clause_for(viewer: Viewer, model: type) -> ColumnElement[bool]:
    """The WHERE clause that keeps ``model`` rows to those ``viewer`` may see."""
    family = FAMILIES[model]
    if viewer.is_system or family == REFERENCE:
        return true()
    if viewer.kind != "user":
        return false()
    if family == SUMMARY:
        return summary_clause(viewer, model)
    if family == ACCOUNT:
        if viewer.role == Role.ADMIN:
            return true()
        if model in (UserSession, OneTimeCode, VerifiedContact):
            # Sessions, codes and verified contacts: each account its own.
            return model.user_id == viewer.user_id
        people = _people(viewer, RECORD)
        accounts = (
            true()
            if people is None
            else User.id.in_(select(_returnees.c.user_id).where(people))
        )
        clauses = [
            User.role != Role.RETURNEE.value,
            User.id == viewer.user_id,
            accounts,
        ]
        if viewer.role == Role.OFFICIAL:
            # Newcomers whose registration the official's region checks.
            checks = RegistrationCheck.__table__
            clauses.append(
                User.id.in_(
                    select(checks.c.user_id).where(
                        _region(viewer, checks.c.province_code, checks.c.regency_code)
                    )
                )
            )
        return or_(*clauses)
    if family == CLAIM:
        if viewer.role == Role.RETURNEE:
            return RegistrationCheck.user_id == viewer.user_id
        if viewer.role == Role.OFFICIAL:
            return _region(
                viewer, RegistrationCheck.province_code, RegistrationCheck.regency_code
            )
        return false()
    if family == AUDIT:
        if viewer.role == Role.ADMIN:
            return true()
        if viewer.role == Role.RETURNEE:
            return AuditEntry.returnee_id.in_(
                select(_returnees.c.id).where(_returnees.c.user_id == viewer.user_id)
            )
        return false()
    if family == FINANCE and viewer.role == Role.BANK_OFFICER:
        return _bank_finance(viewer, model)
    if model is Returnee:
        people = _people(viewer, family, Returnee)
        return true() if people is None else people
    return _linked(model, _people(viewer, family))


class _ViewerCriteria(LoaderCriteriaOption):
    """``with_loader_criteria`` whose cache key is worked out once.

    Every ORM statement carries one of these per mapped class, and SQLAlchemy
    builds a statement's cache key on each execution by walking every option's
    clause: for a bank officer that walk (some 160 bound parameters in the
    consent and region subqueries) cost about 0.9 ms per statement, more than
    most of the queries. The option and its clause never change (one set per
    viewer, :func:`_criteria`), so its part of the key is computed on a map of
    its own once, and each later statement gets that part and the same bound
    parameters (whose values, the consent moment's included, are read when the
    statement runs). ``tests/unit/test_scope.py`` holds the key and the bound
    parameters equal to SQLAlchemy's own walk.
    """

    __slots__ = ("_memo",)
    # The parent's key (SQLAlchemy reads the traversal from the class itself).
    _traverse_internals = LoaderCriteriaOption._traverse_internals

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._memo: tuple[Any, tuple[Any, ...]] | None = None

    def _gen_cache_key(self, anon_map: Any, bindparams: list[Any]) -> Any:
        memo = self._memo
        if memo is None:
            own_map = _AnonMap()
            own_params: list[Any] = []
            key = super()._gen_cache_key(own_map, own_params)
            if key is None or _NO_CACHE in own_map or _PARAMS in own_map:
                return super()._gen_cache_key(anon_map, bindparams)
            memo = self._memo = (key, tuple(own_params))
        bindparams.extend(memo[1])
        return memo[0]


@lru_cache(maxsize=1024)
def _criteria(viewer: Viewer) -> tuple[Any, ...]:
    options = []
    for model, family in FAMILIES.items():
        if family == REFERENCE:
            continue
        options.append(
            _ViewerCriteria(model, clause_for(viewer, model), include_aliases=True)
        )
    return tuple(options)


def scoped(stmt: Select[Any], viewer: Viewer, model: type) -> Select[Any]:
    """``stmt`` filtered to the ``model`` rows ``viewer`` may see (explicitly, for a
    Core statement the hook does not see)."""
    return stmt.where(clause_for(viewer, model))


def _check_bulk_update(state: ORMExecuteState, viewer: Viewer) -> None:
    """ORM bulk UPDATE by primary key ignores loader criteria: check its ids."""
    parameters = state.parameters
    if not isinstance(parameters, list) or not parameters:
        return
    model = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if model is None or model not in PERSON_LINKS or "id" not in parameters[0]:
        return
    ids = {row["id"] for row in parameters}
    visible = set(
        state.session.scalars(select(model.id).where(model.id.in_(ids))).all()
    )
    if ids - visible:
        raise ScopeError(f"bulk update of {model.__name__} rows outside the scope")


def _apply_scope(state: ORMExecuteState) -> None:
    if state.is_column_load:
        return  # refreshing a row already loaded in this scope
    if not (state.is_select or state.is_update or state.is_delete):
        return
    viewer = current_viewer()
    if viewer.is_system:
        return
    if state.is_update:
        _check_bulk_update(state, viewer)
    state.statement = state.statement.options(*_criteria(viewer))


def fetch(session: Session, model: type, object_id: Any) -> Any:
    """``session.get`` through the scope: ``session.get`` answers from the identity
    map without a query, and an object a system context loaded earlier in the same
    session would come back unfiltered. This always asks the database."""
    if object_id is None:
        return None
    key = model.__mapper__.primary_key[0]
    return session.scalar(select(model).where(key == object_id))


def install() -> None:
    """Listen on every session (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _apply_scope):
        event.listen(Session, "do_orm_execute", _apply_scope)


def person_of(obj: Any) -> int | None:
    """The returnee a person-linked object is about (for its audit entries)."""
    model = type(obj)
    if model not in PERSON_LINKS:
        return None
    link = PERSON_LINKS[model]
    if link is None:
        return obj.id
    if isinstance(link, str):
        return getattr(obj, link)
    parent_model, column = link
    parent_id = getattr(obj, column)
    if parent_id is None:
        return None
    session = Session.object_session(obj)
    parent = session.get(parent_model, parent_id) if session is not None else None
    return person_of(parent) if parent is not None else None


__all__ = [
    "FAMILIES",
    "PERSON_LINKS",
    "SYSTEM_PURPOSES",
    "ScopeError",
    "Viewer",
    "as_user",
    "clause_for",
    "current_viewer",
    "fetch",
    "ScopedToRequest",
    "UNDER_AGREEMENT",
    "consent_holds",
    "install",
    "person_of",
    "system",
    "viewer_of",
]
