"""The proposal a bank accepts (``docs/proposal.md``): what it shows, in the order
banks read a micro-credit proposal, and the document id and check value that let
a bank verify a printed copy against the system.

The check value is an HMAC of the document id, the applicant and the digest of the
plan version the copy prints. A version never changes once stored, so the same
version always prints the same check value, and any other text gives another.
Drafts change; they print no check value and cannot be verified.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan import clock
from juragan.db import loan_reading, plan_reading, scope
from juragan.domain import loan_lifecycle
from juragan.domain.finance import MonthResult, PlanFigures, annuity_schedule
from juragan.domain.kur_rules import rules_on, scheme_for_amount
from juragan.domain.loan_documents import documents_for
from juragan.domain.money import format_rupiah
from juragan.models import (
    BusinessPlan,
    Lender,
    LoanApplication,
    LoanDocument,
    PlanVersion,
)

#: The language of every proposal, whatever the interface's (banks read Indonesian).
PROPOSAL_LOCALE = "id"
DOCUMENT_PREFIX = "JRG"
_DOCUMENT_ID = re.compile(rf"^{DOCUMENT_PREFIX}-(\d{{1,9}})-(\d{{1,4}})$")
#: Letters people misread on paper, as base32 (RFC 4648) spells them.
_MISREAD = str.maketrans({"0": "O", "1": "I", "8": "B"})
CHECK_LENGTH = 12
#: Twelve projection months a page (a year: what banks compare).
MONTHS_PER_TABLE = 12
#: The projection's money columns, added up per year.
_TOTALLED = (
    "sales_idr",
    "cogs_idr",
    "operating_costs_idr",
    "operating_profit_idr",
    "interest_idr",
    "tax_idr",
    "net_profit_idr",
    "owner_draw_idr",
    "cash_left_idr",
)
DENSE_ABOVE_CHARS = 15
#: Application states the proposal no longer speaks for: taken back, or refused
#: (the plan may go to another lender).
_CLOSED = loan_lifecycle.ENDED_UNPAID


# The document id and its check value (pure) ------------------------------------------


def document_id(plan_id: int, version_number: int) -> str:
    return f"{DOCUMENT_PREFIX}-{plan_id:06d}-{version_number:02d}"


def parse_document_id(text: str | None) -> tuple[int, int] | None:
    """``(plan id, version number)`` of a document id typed from paper."""
    found = _DOCUMENT_ID.match("".join((text or "").split()).upper())
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2))


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 of a stored version's content, written canonically."""
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_value(key: bytes, doc_id: str, returnee_id: int, digest: str) -> str:
    """Twelve base32 characters (60 bits) in groups of four: ``ABCD-EFGH-JKLM``."""
    message = f"{doc_id}\n{returnee_id}\n{digest}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()
    code = base64.b32encode(mac[:10]).decode()[:CHECK_LENGTH]
    return "-".join(code[i : i + 4] for i in range(0, CHECK_LENGTH, 4))


def normalise_check(text: str | None) -> str:
    """A check value as typed: without spaces or dashes, upper case, and the
    digits 0, 1 and 8 read as the letters they look like."""
    kept = "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())
    return kept.translate(_MISREAD)


def signing_key() -> bytes:
    """``PROPOSAL_CHECK_KEY`` when set; else a key derived from ``SECRET_KEY`` for
    this purpose alone (rotating the secret key voids printed check values)."""
    configured = current_app.config.get("PROPOSAL_CHECK_KEY")
    if configured:
        return str(configured).encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"juragan proposal check value", hashlib.sha256).digest()


def check_of(version: PlanVersion, returnee_id: int) -> str:
    doc_id = document_id(version.plan_id, version.number)
    return check_value(
        signing_key(), doc_id, returnee_id, content_digest(version.content)
    )


@dataclass(frozen=True)
class Verification:
    plan: BusinessPlan
    version: PlanVersion

    @property
    def figures(self) -> PlanFigures:
        """The version's figures: what a bank compares with the paper (the check
        value proves the version; the figures printed from it must be these)."""
        return plan_reading.figures_from_content(self.version.content)

    @property
    def is_current(self) -> bool:
        """Whether the plan still stands ready on this very version."""
        return self.plan.status == "ready" and self.plan.last_version is self.version


def verify(
    session: Session, typed_id: str | None, typed_check: str | None
) -> Verification | None:
    """The version a printed copy shows, if its id and check value agree and the
    viewer may see the plan; ``None`` otherwise, whichever the reason (an unknown
    id, a wrong check value and a plan outside the viewer's scope look alike)."""
    parsed = parse_document_id(typed_id)
    if parsed is None:
        return None
    plan = scope.fetch(session, BusinessPlan, parsed[0])
    if plan is None:
        return None
    version = session.scalar(
        select(PlanVersion).where(
            PlanVersion.plan_id == plan.id, PlanVersion.number == parsed[1]
        )
    )
    if version is None:
        return None
    expected = normalise_check(check_of(version, plan.returnee_id))
    if not hmac.compare_digest(expected, normalise_check(typed_check)):
        return None
    return Verification(plan, version)


# What the proposal shows --------------------------------------------------------------


@dataclass(frozen=True)
class ProjectionTable:
    """Twelve months of the projection (the last table may hold fewer)."""

    year: int
    months: list[MonthResult]

    def total(self, name: str) -> int:
        return sum(getattr(m, name) for m in self.months)

    @property
    def is_dense(self) -> bool:
        """Whether its widest figure (a year's total) is longer than the landscape
        page holds at the ordinary size: eleven columns of ``Rp1.206.000.000``."""
        figures = [self.total(name) for name in _TOTALLED]
        figures.append(self.months[-1].cumulative_cash_idr)
        return max(len(format_rupiah(value)) for value in figures) > DENSE_ABOVE_CHARS


@dataclass(frozen=True)
class RepaymentYear:
    year: int
    instalments: int
    principal_idr: int
    interest_idr: int

    @property
    def paid_idr(self) -> int:
        return self.principal_idr + self.interest_idr


@dataclass(frozen=True)
class AttachedDocument:
    doc_type: str
    document: LoanDocument | None


def projection_tables(figures: PlanFigures) -> list[ProjectionTable]:
    months = list(figures.months)
    return [
        ProjectionTable(
            start // MONTHS_PER_TABLE + 1, months[start : start + MONTHS_PER_TABLE]
        )
        for start in range(0, len(months), MONTHS_PER_TABLE)
    ]


def repayment_years(figures: PlanFigures) -> list[RepaymentYear]:
    """The plan's own KUR (an annuity at its rate and tenor) added up per year."""
    repayment = figures.repayment
    if repayment is None:
        return []
    lines = annuity_schedule(
        repayment.principal_idr, repayment.rate_percent, repayment.tenor_months
    )
    years: dict[int, list] = {}
    for line in lines:
        years.setdefault((line.month - 1) // 12 + 1, []).append(line)
    return [
        RepaymentYear(
            year,
            len(group),
            sum(x.principal_idr for x in group),
            sum(x.interest_idr for x in group),
        )
        for year, group in years.items()
    ]


def application_of(session: Session, plan: BusinessPlan) -> LoanApplication | None:
    """The latest application on the plan that the viewer may see and that still
    stands (the data-layer scope keeps other lenders' applications out)."""
    return session.scalar(
        select(LoanApplication)
        .where(
            LoanApplication.plan_id == plan.id, LoanApplication.status.not_in(_CLOSED)
        )
        .order_by(LoanApplication.id.desc())
        .limit(1)
    )


def proposal_context(
    session: Session,
    plan: BusinessPlan,
    content: dict[str, Any],
    version: PlanVersion | None,
) -> dict[str, Any]:
    """Everything the proposal template prints, for the plan's ``content`` (the
    version declared ready, else the draft)."""
    from juragan.reports.plans import svg_projection_chart

    returnee = plan.returnee
    figures = plan_reading.figures_from_content(content)
    readiness = plan_reading.readiness(session, plan)
    loan = application_of(session, plan)
    province = plan.province_code or returnee.province_code
    issued_on = (
        clock.date_in(province, plan.ready_at)
        if version is not None and plan.status == "ready" and plan.ready_at
        else clock.date_in(province)
    )
    rules = rules_on(loan.applied_on if loan else issued_on)
    requested_idr = loan.amount_requested_idr if loan else figures.kur_idr
    scheme = loan.scheme if loan else scheme_for_amount(rules, requested_idr)
    tenor = loan.tenor_months if loan else content["kur"].get("tenor_months")
    lender = (session.get(Lender, loan.lender) if loan else None) or readiness.lender
    planned_start = content["text"].get("planned_start")
    doc_id = document_id(plan.id, version.number) if version is not None else None
    return {
        "plan": plan,
        "returnee": returnee,
        "content": content,
        "text": content["text"],
        "planned_start": date.fromisoformat(planned_start) if planned_start else None,
        "version": version,
        "figures": figures,
        "readiness": readiness,
        "svg_chart": svg_projection_chart(figures),
        "projection_tables": projection_tables(figures),
        "repayment_years": repayment_years(figures),
        "loan": loan,
        "lender": lender,
        "requested_idr": requested_idr,
        "scheme": scheme,
        "tenor_months": tenor,
        "collateral": rules.schemes[scheme].collateral if scheme else None,
        "investment_items": [
            line for line in content["capital"] if line["kind"] == "investment"
        ],
        "attachments": _attachments(loan, scheme, requested_idr, issued_on),
        "issued_on": issued_on,
        "issued_in": (plan.regency or returnee.regency).name,
        "document_id": doc_id,
        "check_value": check_of(version, returnee.id) if version is not None else None,
    }


def _attachments(
    loan: LoanApplication | None, scheme: str | None, amount_idr: int, on: date
) -> list[AttachedDocument]:
    """The documents the bank needs, each with the file attached to the
    application if there is one; then any other file attached."""
    if loan is not None:
        needed = loan_reading.required_documents(loan)
    elif scheme is not None:
        needed = documents_for("business", scheme, amount_idr, True, on)
    else:
        needed = []
    documents = list(loan.documents) if loan is not None else []
    rows = []
    for doc_type in needed:
        found = next((d for d in documents if d.doc_type == doc_type), None)
        rows.append(AttachedDocument(doc_type, found))
    listed = {row.document.id for row in rows if row.document is not None}
    rows.extend(
        AttachedDocument(d.doc_type, d) for d in documents if d.id not in listed
    )
    return rows
