"""KUR loans: applying, the state machine, documents, disbursement and payments.

Split along the loan's seams: :mod:`.applying` (facts, advice, the simulator and
filing), :mod:`.lifecycle` (the state machine's steps, the decision and
disbursement), :mod:`.documents` (uploads), :mod:`.schedule` (terms and the
instalments laid down on them) and :mod:`.repaying` (payments, prepayment and
payoff, restructuring). Who may take a step is :mod:`juragan.policy`; what a loan
reads (its standing, the documents it needs) is :mod:`juragan.db.loan_reading`.

The use cases are re-exported here, so that a caller writes ``loans.decide(...)``
whichever module a step lives in.
"""

from juragan.services.loans.applying import (
    DECLARED_SCHEMES,
    HARD_CHECKS,
    OFFERED_CREDIT,
    PLAN_NOT_SENT,
    SENT_PLAN_STATUSES,
    ApplicationData,
    Declared,
    Simulation,
    create_application,
    facts_for,
    previous_kur,
    simulate,
)
from juragan.services.loans.documents import (
    EXTENSIONS,
    MAX_DOCUMENT_BYTES,
    SIGNATURES,
    attach_document,
)
from juragan.services.loans.lifecycle import (
    APPROVED,
    AWAITING_SECOND,
    NO_LENDER_CONSENT,
    REJECTED,
    TRANSITIONS,
    Disbursement,
    IllegalTransition,
    decide,
    disburse,
    move,
    return_for_documents,
    submit,
    verify,
    withdraw,
    write_off,
)
from juragan.services.loans.repaying import (
    RestructuringTerms,
    prepay,
    record_payment,
    restructure,
)
from juragan.services.loans.schedule import (
    check_terms,
    loan_rates,
    preview_first_due,
    terms_of,
)

__all__ = [
    "APPROVED",
    "AWAITING_SECOND",
    "DECLARED_SCHEMES",
    "EXTENSIONS",
    "HARD_CHECKS",
    "MAX_DOCUMENT_BYTES",
    "NO_LENDER_CONSENT",
    "OFFERED_CREDIT",
    "PLAN_NOT_SENT",
    "REJECTED",
    "SENT_PLAN_STATUSES",
    "SIGNATURES",
    "TRANSITIONS",
    "ApplicationData",
    "Declared",
    "Disbursement",
    "IllegalTransition",
    "RestructuringTerms",
    "Simulation",
    "attach_document",
    "check_terms",
    "create_application",
    "decide",
    "disburse",
    "facts_for",
    "loan_rates",
    "move",
    "prepay",
    "preview_first_due",
    "previous_kur",
    "record_payment",
    "restructure",
    "return_for_documents",
    "simulate",
    "submit",
    "terms_of",
    "verify",
    "withdraw",
    "write_off",
]
