"""Business plans: writing them in parts, the money, the review workflow, versions.

The workflow is draft -> submitted -> in review -> ready for the bank. A returnee
(or their mentor, writing for them) edits a draft and submits it; each submission
is kept as a numbered version. A mentor or official opens the review and comments
per part; the returnee revises and submits again; the reviewer declares the plan
ready. Who may do which step is :mod:`juragan.policy`; :mod:`.writing` and
:mod:`.review` enforce the rules of the plan itself (complete, balanced) and record
what happened. What a plan reads (its content, figures, readiness) is
:mod:`juragan.db.plan_reading`.

The use cases are re-exported here, so that a caller writes ``plans.save_capital``
whichever module a step lives in.
"""

from juragan.services.plans.review import (
    add_comment,
    mark_ready,
    reopen_plan,
    resolve_comment,
    start_review,
    submit_plan,
)
from juragan.services.plans.writing import (
    DEFAULT_KUR_RATE,
    DEFAULT_KUR_TENOR,
    EARLIEST_START,
    LONG_TEXT_LIMIT,
    MAX_LINES,
    MONTH_FIELDS,
    TEXT_LIMITS,
    LineItem,
    MonthInput,
    create_plan,
    fill_months,
    make_active,
    save_capital,
    save_funding,
    save_projection,
    save_section,
    suggested_subclass,
)

__all__ = [
    "DEFAULT_KUR_RATE",
    "DEFAULT_KUR_TENOR",
    "EARLIEST_START",
    "LONG_TEXT_LIMIT",
    "MAX_LINES",
    "MONTH_FIELDS",
    "TEXT_LIMITS",
    "LineItem",
    "MonthInput",
    "add_comment",
    "create_plan",
    "fill_months",
    "make_active",
    "mark_ready",
    "reopen_plan",
    "resolve_comment",
    "save_capital",
    "save_funding",
    "save_projection",
    "save_section",
    "start_review",
    "submit_plan",
    "suggested_subclass",
]
