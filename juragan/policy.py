"""Who may do what: the one place access rules are written.

``can`` answers "may this user do this action (on this object)"; ``scoped`` filters a
query down to the objects the user may see at all. Views never compare roles or regions
themselves: they go through :mod:`juragan.web.access`, which calls these two.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, true
from sqlalchemy.orm import object_session

from juragan import consent_rules
from juragan.db import scope
from juragan.domain import loan_lifecycle
from juragan.domain.loan_lifecycle import LoanStatus, LoanStep
from juragan.models import (
    Business,
    BusinessPlan,
    ConsentPurpose,
    LoanApplication,
    Returnee,
    Role,
    User,
)


class Action(enum.StrEnum):
    LIST_RETURNEES = "returnee.list"
    VIEW_RETURNEE = "returnee.view"
    EDIT_RETURNEE = "returnee.edit"
    REGISTER_RETURNEE = "returnee.register"
    IMPORT_RETURNEES = "returnee.import"
    EXPORT_RETURNEES = "returnee.export"
    REVEAL_NIK = "returnee.reveal_nik"
    EDIT_NIK = "returnee.edit_nik"
    VERIFY_NIK = "returnee.verify_nik"
    VIEW_CONTACT = "returnee.view_contact"
    INVITE_RETURNEE = "returnee.invite"
    #: On a returnee: a temporary code for their account, given in person after
    #: checking the KTP (docs/password-reset.md).
    RESET_ACCESS = "returnee.reset_access"
    MANAGE_ACCOUNTS = "account.manage"
    VIEW_AUDIT = "audit.view"
    VIEW_REFERENCE = "reference.view"
    LIST_PLANS = "plan.list"
    VIEW_PLAN = "plan.view"
    CREATE_PLAN = "plan.create"  # on a returnee
    EDIT_PLAN = "plan.edit"
    SUBMIT_PLAN = "plan.submit"
    REVIEW_PLAN = "plan.review"  # open the review and comment
    MARK_PLAN_READY = "plan.ready"
    REOPEN_PLAN = "plan.reopen"
    RESOLVE_PLAN_COMMENT = "plan.resolve_comment"
    OPEN_BUSINESS = "business.open"  # on a plan
    VIEW_BUSINESS = "business.view"
    CHANGE_BUSINESS = "business.change"
    ASSIGN_MENTORS = "mentoring.assign"
    SET_CADENCE = "mentoring.cadence"
    LOG_VISIT = "visit.log"  # on a returnee
    VIEW_VISITS = "visit.view"  # on a returnee
    VIEW_JOURNEY = "returnee.journey"
    WELLBEING_CHECK = "visit.wellbeing"  # on a returnee
    CLOSE_ACTION = "visit.close_action"  # on a returnee
    SELF_REPORT = "business.self_report"  # on a business
    VIEW_DASHBOARD = "dashboard.view"
    VIEW_PEOPLE_BEHIND_FIGURES = "dashboard.people"  # the list behind a bar
    DOWNLOAD_OWN_DATA = "returnee.own_data"  # on a returnee: everything held
    REQUEST_ERASURE = "returnee.request_erasure"  # on a returnee
    ERASE_RETURNEE = "returnee.erase"  # on a returnee: carry out or refuse
    LIST_ERASURE_REQUESTS = "returnee.erasure_requests"
    #: Consent per purpose (docs/consent.md): its state and history, the scans.
    VIEW_CONSENTS = "returnee.consents"  # on a returnee
    #: Give consent: online by the person, on a scanned paper form by carers.
    GIVE_CONSENT = "returnee.give_consent"  # on a returnee
    #: Withdraw: online by the person, recorded from their letter by carers.
    WITHDRAW_CONSENT = "returnee.withdraw_consent"  # on a returnee
    #: Self-registrations that clashed, checked by an official of the region.
    CHECK_REGISTRATIONS = "returnee.check_registrations"
    VIEW_KUR_RULES = "kur.rules"
    LIST_LOANS = "loan.list"
    #: The lender's work queue: its applications waiting, by state and age.
    VIEW_LOAN_QUEUE = "loan.queue"
    IMPORT_PAYMENTS = "loan.import_payments"
    #: On a returnee: try amounts and tenors in the simulator (from a plan or not)
    #: and see the schedule an application would get.
    SIMULATE_KUR = "loan.simulate"
    #: Check a printed proposal's document id and check value against the system.
    VERIFY_PROPOSAL = "plan.verify_proposal"
    APPLY_KUR = "loan.apply"  # on a returnee: file an application from the simulator
    VIEW_LOAN = "loan.view"
    EDIT_LOAN = "loan.edit"  # documents of a draft
    SUBMIT_LOAN = "loan.submit"
    WITHDRAW_LOAN = "loan.withdraw"
    VERIFY_LOAN = "loan.verify"  # or return it for missing documents
    DECIDE_LOAN = "loan.decide"
    DISBURSE_LOAN = "loan.disburse"
    RECORD_PAYMENT = "loan.pay"
    RESTRUCTURE_LOAN = "loan.restructure"
    WRITE_OFF_LOAN = "loan.write_off"
    #: A lender's officer reveals the borrower's number to remind them (recorded).
    REMIND_BORROWER = "loan.remind"
    #: SIKP, SLIK and BPJS Ketenagakerjaan checks (services.loan_checks).
    RECORD_CHECK = "loan.check"
    #: Late penalties charged, waived or paid (services.loan_events).
    RECORD_PENALTY = "loan.penalty"
    #: A claim on the guarantee, and the guarantor's answer.
    CLAIM_GUARANTEE = "loan.claim"
    #: Money collected after the write-off.
    RECORD_RECOVERY = "loan.recovery"


class Relation(enum.StrEnum):
    """How a user stands to an object; the rule table grants actions per relation."""

    OWN = "own"  # the returnee's own record
    CASELOAD = "caseload"  # the mentor's assigned returnee
    REGION = "region"  # inside an official's region
    LENDER = "lender"  # a bank officer's: sent to their lender (or its applicant)
    NATIONAL = "national"  # admins and national officials: everything
    NONE = "none"


_EVERYONE = frozenset(Role)

#: Actions that need no object: the roles allowed.
OBJECTLESS_RULES: Mapping[Action, frozenset[Role]] = {
    Action.LIST_RETURNEES: frozenset(
        {Role.MENTOR, Role.OFFICIAL, Role.BANK_OFFICER, Role.ADMIN}
    ),
    Action.REGISTER_RETURNEE: frozenset({Role.MENTOR, Role.OFFICIAL}),
    Action.IMPORT_RETURNEES: frozenset({Role.OFFICIAL}),
    Action.EXPORT_RETURNEES: frozenset({Role.OFFICIAL}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN}),
    Action.VIEW_REFERENCE: _EVERYONE,
    Action.LIST_PLANS: frozenset({Role.MENTOR, Role.OFFICIAL, Role.BANK_OFFICER}),
    Action.VIEW_KUR_RULES: frozenset({Role.ADMIN, Role.OFFICIAL, Role.BANK_OFFICER}),
    Action.LIST_LOANS: frozenset({Role.MENTOR, Role.OFFICIAL, Role.BANK_OFFICER}),
    Action.IMPORT_PAYMENTS: frozenset({Role.BANK_OFFICER}),
    Action.VIEW_LOAN_QUEUE: frozenset({Role.BANK_OFFICER}),
    Action.VERIFY_PROPOSAL: frozenset({Role.BANK_OFFICER, Role.MENTOR, Role.OFFICIAL}),
    Action.ASSIGN_MENTORS: frozenset({Role.OFFICIAL}),
    # Bank officers watch their region's figures, never the people behind them (they
    # open a person's record only through the applications they handle).
    Action.VIEW_DASHBOARD: frozenset({Role.OFFICIAL, Role.OBSERVER, Role.BANK_OFFICER}),
    Action.VIEW_PEOPLE_BEHIND_FIGURES: frozenset({Role.OFFICIAL}),
    Action.LIST_ERASURE_REQUESTS: frozenset({Role.OFFICIAL}),
    Action.CHECK_REGISTRATIONS: frozenset({Role.OFFICIAL}),
    Action.SET_CADENCE: frozenset({Role.OFFICIAL}),
}

_RETURNEE_VIEWERS = {
    Role.RETURNEE: {Relation.OWN},
    Role.MENTOR: {Relation.CASELOAD},
    Role.OFFICIAL: {Relation.REGION, Relation.NATIONAL},
    Role.BANK_OFFICER: {Relation.LENDER},
    Role.ADMIN: {Relation.NATIONAL},
}

#: Plans and businesses hold a family's finances: administrators, who keep the
#: system running, do not see them.
_FINANCE_VIEWERS = {
    Role.RETURNEE: {Relation.OWN},
    Role.MENTOR: {Relation.CASELOAD},
    Role.OFFICIAL: {Relation.REGION, Relation.NATIONAL},
    Role.BANK_OFFICER: {Relation.LENDER},
}

#: Who can see that an object exists at all, per model; outside this it is a 404.
VISIBILITY_RULES: Mapping[type, Mapping[Role, set[Relation]]] = {
    Returnee: _RETURNEE_VIEWERS,
    User: {Role.ADMIN: {Relation.NATIONAL}},
    BusinessPlan: _FINANCE_VIEWERS,
    Business: _FINANCE_VIEWERS,
    LoanApplication: _FINANCE_VIEWERS,
}

#: The people who look after a returnee's record: the person, the mentor, officials.
_CARERS = {
    Role.RETURNEE: {Relation.OWN},
    Role.MENTOR: {Relation.CASELOAD},
    Role.OFFICIAL: {Relation.REGION, Relation.NATIONAL},
}
_OFFICIALS = {Role.OFFICIAL: {Relation.REGION, Relation.NATIONAL}}
_AUTHORS = {Role.RETURNEE: {Relation.OWN}, Role.MENTOR: {Relation.CASELOAD}}
_BANK = {Role.BANK_OFFICER: {Relation.LENDER}}
_REVIEWERS = {
    Role.MENTOR: {Relation.CASELOAD},
    Role.OFFICIAL: {Relation.REGION, Relation.NATIONAL},
}

#: Actions on an object: for each role, the relations under which it is allowed.
#: Bank officers and administrators see records (masked) but never change them.
OBJECT_RULES: Mapping[Action, Mapping[Role, set[Relation]]] = {
    Action.VIEW_RETURNEE: _RETURNEE_VIEWERS,
    Action.EDIT_RETURNEE: _CARERS,
    # Full NIK and phone: only those who work with the person (UU PDP: need to know).
    Action.REVEAL_NIK: _CARERS,
    Action.VIEW_CONTACT: _CARERS,
    Action.EDIT_NIK: _CARERS,
    Action.VERIFY_NIK: _OFFICIALS,
    # Whoever checks a KTP against the record (as for the NIK) gives the person a
    # way back into their account: officials of the region, never a mentor alone.
    Action.RESET_ACCESS: _OFFICIALS,
    Action.INVITE_RETURNEE: {
        Role.MENTOR: {Relation.CASELOAD},
        Role.OFFICIAL: {Relation.REGION, Relation.NATIONAL},
    },
    # Business plans: the returnee writes (a mentor may write for them), the mentor
    # or an official reviews, a bank officer reads the plans declared ready.
    Action.VIEW_PLAN: _FINANCE_VIEWERS,
    Action.CREATE_PLAN: _AUTHORS,
    Action.EDIT_PLAN: _AUTHORS,
    Action.SUBMIT_PLAN: _AUTHORS,
    Action.REOPEN_PLAN: _AUTHORS,
    Action.REVIEW_PLAN: _REVIEWERS,
    Action.MARK_PLAN_READY: _REVIEWERS,
    Action.RESOLVE_PLAN_COMMENT: _CARERS,
    Action.OPEN_BUSINESS: _CARERS,
    Action.VIEW_BUSINESS: _FINANCE_VIEWERS,
    Action.CHANGE_BUSINESS: _CARERS,
    # KUR: the returnee applies (a mentor may help), the mentor or an official
    # checks the documents, a bank officer of the region decides and administers.
    # Those who look after the person also simulate for them, to advise.
    Action.SIMULATE_KUR: _CARERS,
    Action.APPLY_KUR: _AUTHORS,
    Action.VIEW_LOAN: _FINANCE_VIEWERS,
    Action.EDIT_LOAN: _AUTHORS,
    Action.SUBMIT_LOAN: _AUTHORS,
    Action.WITHDRAW_LOAN: {Role.RETURNEE: {Relation.OWN}},
    Action.VERIFY_LOAN: _REVIEWERS,
    Action.DECIDE_LOAN: _BANK,
    Action.DISBURSE_LOAN: _BANK,
    Action.RECORD_PAYMENT: _BANK,
    Action.RESTRUCTURE_LOAN: _BANK,
    Action.WRITE_OFF_LOAN: _BANK,
    Action.REMIND_BORROWER: _BANK,
    Action.RECORD_CHECK: _BANK,
    Action.RECORD_PENALTY: _BANK,
    Action.CLAIM_GUARANTEE: _BANK,
    Action.RECORD_RECOVERY: _BANK,
    # Mentoring: the caseload's mentor records; officials of the region follow.
    Action.LOG_VISIT: {Role.MENTOR: {Relation.CASELOAD}},
    Action.WELLBEING_CHECK: {Role.MENTOR: {Relation.CASELOAD}},
    Action.VIEW_VISITS: _CARERS,
    Action.VIEW_JOURNEY: _CARERS,
    Action.CLOSE_ACTION: _AUTHORS,
    Action.SELF_REPORT: {Role.RETURNEE: {Relation.OWN}},
    # UU PDP: the person sees everything held and may ask for erasure; an official
    # of the region carries it out (or refuses, saying why).
    Action.DOWNLOAD_OWN_DATA: {Role.RETURNEE: {Relation.OWN}},
    Action.REQUEST_ERASURE: {Role.RETURNEE: {Relation.OWN}},
    Action.ERASE_RETURNEE: _OFFICIALS,
    # Consent: the person, and those who look after them (from paper forms).
    Action.VIEW_CONSENTS: _CARERS,
    Action.GIVE_CONSENT: _CARERS,
    Action.WITHDRAW_CONSENT: _CARERS,
}

#: What may still be done with an erased person's record: it is kept for the
#: figures, and for nothing else.
AFTER_ERASURE = frozenset(
    {
        Action.VIEW_RETURNEE,
        Action.VIEW_JOURNEY,
        Action.VIEW_VISITS,
        Action.VIEW_PLAN,
        Action.VIEW_BUSINESS,
        Action.VIEW_LOAN,
    }
)

#: The loan states in which each loan action is possible at all.
#: Read from the lifecycle's table (each step is named as its action), so the
#: policy and the state machine cannot disagree.
LOAN_STATES: Mapping[Action, frozenset[LoanStatus]] = {
    Action(step.value): loan_lifecycle.allowed_in(step) for step in LoanStep
}

#: The plan states in which each plan action is possible at all.
PLAN_STATES: Mapping[Action, frozenset[str]] = {
    Action.EDIT_PLAN: frozenset({"draft", "in_review"}),
    Action.SUBMIT_PLAN: frozenset({"draft", "in_review"}),
    Action.REVIEW_PLAN: frozenset({"submitted", "in_review"}),
    Action.MARK_PLAN_READY: frozenset({"submitted", "in_review"}),
    Action.REOPEN_PLAN: frozenset({"ready"}),
}


def _is_signed_in(user: Any) -> bool:
    return isinstance(user, User) and user.is_active


def in_region(user: User, province_code: str | None, regency_code: str | None) -> bool:
    """Whether a place lies inside the user's region scope."""
    if user.is_national:
        return True
    if user.scope_province_code is None or province_code != user.scope_province_code:
        return False
    return user.scope_regency_code is None or regency_code == user.scope_regency_code


def _sent_to(user: User, loan: LoanApplication) -> bool:
    """Whether ``loan`` is one the bank officer ``user`` handles: sent to their
    lender, for a person of their branch's region, paid out or shared with the
    person's consent (the rule of :func:`juragan.db.scope._lender_loans`)."""
    person = loan.returnee
    return (
        user.lender_code is not None
        and loan.lender == user.lender_code
        and loan.status != LoanStatus.DRAFT
        and in_region(user, person.province_code, person.regency_code)
        and (
            loan.status in scope.UNDER_AGREEMENT
            or consent_rules.holds_now(
                object_session(loan), person.id, ConsentPurpose.LENDER.value
            )
        )
    )


def relation(user: User, obj: Any) -> Relation:
    """How ``user`` stands to ``obj``."""
    if user.role == Role.BANK_OFFICER:
        # A lender's officer stands to a loan sent to their lender, to the plan and
        # business it was made on, and to its applicant: nothing else.
        if isinstance(obj, LoanApplication):
            loans = [obj]
        elif isinstance(obj, BusinessPlan | Business | Returnee):
            loans = obj.applications
        else:
            loans = []
        return (
            Relation.LENDER
            if any(_sent_to(user, loan) for loan in loans)
            else Relation.NONE
        )
    if isinstance(obj, BusinessPlan | Business | LoanApplication):
        obj = obj.returnee
    if user.is_national:
        return Relation.NATIONAL
    if isinstance(obj, Returnee):
        if user.role == Role.RETURNEE:
            return Relation.OWN if obj.user_id == user.id else Relation.NONE
        if user.role == Role.MENTOR:
            return Relation.CASELOAD if obj.mentor_id == user.id else Relation.NONE
        if user.role == Role.OFFICIAL and in_region(
            user, obj.province_code, obj.regency_code
        ):
            return Relation.REGION
    return Relation.NONE


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action``, on ``obj`` when the action takes one.

    Anonymous and deactivated users may do nothing.
    """
    if not _is_signed_in(user):
        return False
    if action in OBJECTLESS_RULES:
        if action == Action.SET_CADENCE and user.scope_regency_code is not None:
            return False  # a cadence is the province's: a regency does not set it
        return user.role in OBJECTLESS_RULES[action]
    if obj is None:
        raise ValueError(f"{action} needs an object")
    allowed = OBJECT_RULES[action].get(user.role, set())
    standing = relation(user, obj)
    if standing not in allowed:
        return False
    person = (
        obj.returnee
        if isinstance(obj, BusinessPlan | Business | LoanApplication)
        else obj
    )
    if isinstance(person, Returnee) and person.erased_at is not None:
        return action in AFTER_ERASURE
    if action == Action.EDIT_NIK and obj.is_nik_verified:
        # Once an official has checked it against the KTP, only officials change it.
        return standing in _OFFICIALS.get(user.role, set())
    if action in PLAN_STATES and obj.status not in PLAN_STATES[action]:
        return False
    if action in LOAN_STATES and obj.status not in LOAN_STATES[action]:
        return False
    if action == Action.MARK_PLAN_READY and obj.is_revised:
        return False  # the revision must be submitted first
    if action == Action.VERIFY_LOAN and user.id in obj.makers:
        return False  # maker-checker: whoever filed or sent it does not check it
    if action == Action.OPEN_BUSINESS:
        return obj.business is None
    return True


def may_ever(user: Any, action: Action, obj: Any) -> bool:
    """Whether ``user``'s role and relation to ``obj`` allow ``action`` in some state
    of ``obj`` (``can`` also asks whether its current state allows it)."""
    if not _is_signed_in(user) or action not in OBJECT_RULES:
        return False
    return relation(user, obj) in OBJECT_RULES[action].get(user.role, set())


def can_see(user: Any, obj: Any) -> bool:
    """Whether ``obj`` exists for ``user`` at all (outside this, it is a 404)."""
    if not _is_signed_in(user):
        return False
    rules = VISIBILITY_RULES[type(obj)]
    return relation(user, obj) in rules.get(user.role, set())


def region_clause(
    user: User, province_column: Any, regency_column: Any
) -> ColumnElement[bool]:
    """SQL twin of :func:`in_region`, for the columns of any regional table."""
    if user.is_national:
        return true()
    if user.scope_province_code is None:
        return false()
    clause = province_column == user.scope_province_code
    if user.scope_regency_code is not None:
        clause = and_(clause, regency_column == user.scope_regency_code)
    return clause


def visibility_clause(user: Any, model: type) -> ColumnElement[bool]:
    """The WHERE clause that keeps ``model`` rows to those ``user`` may see: the
    data layer's own rule (:func:`juragan.db.scope.clause_for`)."""
    return scope.clause_for(
        scope.viewer_of(user if _is_signed_in(user) else None), model
    )


def summary_clause(user: Any, table: Any) -> ColumnElement[bool]:
    """The WHERE clause that keeps dashboard summary rows inside ``user``'s region
    (and, for a bank officer, their lender's).

    ``table`` is a summary model or an alias of one. Only those who open the
    dashboard read the summaries; everyone else gets nothing.
    """
    if not can(user, Action.VIEW_DASHBOARD):
        return false()
    return scope.summary_clause(scope.viewer_of(user), table)


def may_see_individuals(user: Any) -> bool:
    """Observers and bank officers read the programme's figures only, perturbed so
    that none points at a person (:mod:`juragan.domain.perturbation`)."""
    return can(user, Action.VIEW_PEOPLE_BEHIND_FIGURES)


def may_see_loans(user: Any) -> bool:
    """Those who list loans one by one (a bank officer, their own lender's) gain
    nothing from loans' figures being perturbed: they see them whole."""
    return can(user, Action.LIST_LOANS)


def scoped(stmt: Select[Any], user: Any, model: type) -> Select[Any]:
    """Filter ``stmt`` to the ``model`` rows ``user`` may see.

    The data layer applies the same rule to every ORM statement of ``user``'s own
    requests; the WHERE is added here only when the statement runs for someone
    else (a system context, another user).
    """
    viewer = scope.viewer_of(user if _is_signed_in(user) else None)
    if scope.current_viewer() == viewer:
        return stmt
    return stmt.where(scope.clause_for(viewer, model))
