"""The review of a business plan: submission (each one kept as a numbered
version), the mentor's review and comments per part, declaring the plan ready for
the bank and reopening it.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan.db.plan_reading import (
    SECTION_MISSING,
    balance_message,
    completeness,
    content_of,
    figures_of,
    readiness,
)
from juragan.domain.codes import PlanSection
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    BusinessPlan,
    PlanComment,
    PlanVersion,
    User,
    utcnow,
)
from juragan.services.plans.writing import LONG_TEXT_LIMIT, clean

# Submission and review --------------------------------------------------------------


def submit_plan(
    session: Session, actor: User, plan: BusinessPlan, now: datetime
) -> PlanVersion:
    """Submit the plan for review, keeping this version of it.

    :raises FieldErrors: naming each incomplete part, and the funding part when
        sources and needs do not balance (saying by how much).
    """
    if plan.status not in ("draft", "in_review"):
        raise DomainError(None, _l("This plan has been submitted already."))
    if plan.status == "in_review" and not plan.is_revised:
        raise DomainError(
            None, _l("Nothing has changed since the last version: revise it first.")
        )
    errors: list[tuple[str | None, str]] = [
        (section, SECTION_MISSING[section])
        for section, done in completeness(plan).items()
        if not done
    ]
    figures = figures_of(plan)
    message = balance_message(figures)
    if message is not None:
        errors.append(("funding", message))
    if figures.kur_idr and not plan.kur_tenor_months:
        errors.append(("funding", _l("Say over how many months to repay.")))
    if errors:
        raise FieldErrors(errors)
    number = (plan.last_version.number if plan.last_version else 0) + 1
    version = PlanVersion(
        plan_id=plan.id,
        number=number,
        submitted_at=now,
        submitted_by_id=actor.id,
        content=content_of(plan),
    )
    session.add(version)
    plan.status = "submitted"
    plan.is_revised = False
    session.flush()
    session.refresh(plan, ["versions"])
    return version


def start_review(session: Session, plan: BusinessPlan) -> None:
    if plan.status != "submitted":
        raise DomainError(None, _l("Only a submitted plan can be reviewed."))
    plan.status = "in_review"
    session.flush()


def add_comment(
    session: Session,
    actor: User,
    plan: BusinessPlan,
    section: str,
    body: str,
    now: datetime,
) -> PlanComment:
    """A reviewer's remark on one part; it opens the review if needed."""
    body = (body or "").strip()
    errors = []
    if section not in PlanSection.values():
        errors.append(("section", _l("Choose the part of the plan.")))
    if not body:
        errors.append(("body", _l("Write the comment.")))
    elif len(body) > LONG_TEXT_LIMIT:
        errors.append(
            ("body", _l("Keep this under %(limit)s characters.", limit=LONG_TEXT_LIMIT))
        )
    if errors:
        raise FieldErrors(errors)
    if plan.status == "submitted":
        start_review(session, plan)
    if plan.status != "in_review":
        raise DomainError(None, _l("Only a plan in review takes comments."))
    comment = PlanComment(
        plan_id=plan.id,
        version_number=plan.last_version.number if plan.last_version else 1,
        section=section,
        author_id=actor.id,
        body=body,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    return comment


def resolve_comment(session: Session, comment: PlanComment, now: datetime) -> None:
    if comment.resolved_at is None:
        comment.resolved_at = now
        session.flush()


def mark_ready(
    session: Session,
    plan: BusinessPlan,
    reason: str | None = None,
    endorser: User | None = None,
    now: datetime | None = None,
) -> None:
    """Declare the last submitted version ready for the bank.

    When its repayment capacity is below the lender's threshold the reviewer must
    say why in ``reason``; it is stored with the threshold (and so audited) and
    shown on the plan and the proposal. A reason given for a plan that meets the
    threshold is not kept.

    :raises DomainError: on ``ready_reason`` when the capacity is below the
        threshold and no reason is given (nothing is changed).
    """
    if plan.status not in ("submitted", "in_review"):
        raise DomainError(None, _l("Only a submitted plan can be declared ready."))
    if plan.is_revised:
        raise DomainError(
            None,
            _l(
                "The plan was revised after the last version: it must be submitted again."
            ),
        )
    check = readiness(session, plan)
    reason = clean(reason)
    if check.is_below and not reason:
        raise DomainError(
            "ready_reason",
            _l(
                "The repayment capacity is %(coverage)s, below the %(threshold)s "
                "the lender looks for: write why the plan is ready all the same.",
                coverage=format_decimal(check.coverage, "#,##0.00"),
                threshold=format_decimal(check.threshold, "#,##0.00"),
            ),
        )
    if check.is_below and len(reason) > LONG_TEXT_LIMIT:
        raise DomainError(
            "ready_reason",
            _l("Keep this under %(limit)s characters.", limit=LONG_TEXT_LIMIT),
        )
    plan.status = "ready"
    plan.ready_reason = reason if check.is_below else None
    plan.ready_threshold = check.threshold if check.is_below else None
    # The endorsement: who vouches for the plan before the lender, and when.
    plan.ready_by_id = endorser.id if endorser is not None else None
    plan.ready_at = now or utcnow()
    session.flush()


def reopen_plan(session: Session, plan: BusinessPlan) -> None:
    """Take a ready plan back to draft (for instance when the bank asks for changes);
    the reason it was declared ready goes with the declaration."""
    if plan.status != "ready":
        raise DomainError(None, _l("Only a plan that is ready can be reopened."))
    plan.status = "draft"
    plan.ready_reason = None
    plan.ready_threshold = None
    plan.ready_by_id = None
    plan.ready_at = None
    session.flush()
