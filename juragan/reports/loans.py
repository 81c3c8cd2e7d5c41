"""What the KUR pages show: lists by state, arrears, the schedule as table, chart
and file, the NPL of a portfolio, and WhatsApp reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from juragan.i18n import format_rupiah
from juragan.models import LoanApplication, ScheduleRevision, User
from juragan.policy import scoped
from juragan.repayment import Due, LoanStanding, npl_ratio
from juragan.services import loans
from juragan.spreadsheets import frame_bytes

WAITING_FOR_BANK = ("verified", "approved")


def loans_statement(user: User, status: str | None) -> Select[Any]:
    stmt = scoped(select(LoanApplication), user, LoanApplication).options(
        selectinload(LoanApplication.returnee)
    )
    if status == "queue":
        return stmt.where(LoanApplication.status.in_(WAITING_FOR_BANK))
    if status == "arrears":
        return stmt.where(LoanApplication.status.in_(tuple(loans.LIVE_STATES)))
    if status:
        return stmt.where(LoanApplication.status == status)
    return stmt


def in_arrears(
    session: Session, user: User, on: date, limit: int = 200
) -> list[tuple[LoanApplication, loans.Standing]]:
    """Live loans in the user's scope with an instalment past due, the latest first."""
    rows = session.scalars(
        loans_statement(user, "arrears")
        .options(selectinload(LoanApplication.instalments),
                 selectinload(LoanApplication.payments),
                 selectinload(LoanApplication.revisions),
                 selectinload(LoanApplication.returnee))
        .order_by(LoanApplication.id)
        .limit(limit * 5)
    ).all()  # fmt: skip
    late = []
    for loan in rows:
        standing = loans.standing(loan, on)
        if standing is not None and standing.days_past_due > 0:
            late.append((loan, standing))
    late.sort(key=lambda pair: -pair[1].days_past_due)
    return late[:limit]


def portfolio_npl(session: Session, user: User, on: date) -> dict[str, Any]:
    """NPL of the loans in scope, overall, by lender and by province."""
    rows = session.scalars(
        scoped(select(LoanApplication), user, LoanApplication)
        # Written-off loans have left the books: they are not in the NPL.
        .where(LoanApplication.status.in_(("disbursed", "repaying", "restructured")))
        .options(selectinload(LoanApplication.instalments),
                 selectinload(LoanApplication.payments),
                 selectinload(LoanApplication.revisions),
                 selectinload(LoanApplication.returnee))
    ).all()  # fmt: skip
    standings: dict[str, list[LoanStanding]] = {}
    by_lender: dict[str, list[LoanStanding]] = {}
    by_province: dict[str, list[LoanStanding]] = {}
    everything = []
    for loan in rows:
        standing = loans.standing(loan, on)
        if standing is None:
            continue
        entry = LoanStanding(standing.outstanding_idr, standing.grade)
        everything.append(entry)
        by_lender.setdefault(loan.lender, []).append(entry)
        by_province.setdefault(loan.returnee.province.name, []).append(entry)
    standings["all"] = everything
    return {
        "all": npl_ratio(everything),
        "count": len(everything),
        "outstanding_idr": sum(e.outstanding_idr for e in everything),
        "by_lender": {k: npl_ratio(v) for k, v in sorted(by_lender.items())},
        "by_province": {k: npl_ratio(v) for k, v in sorted(by_province.items())},
    }


def schedule_frame(loan: LoanApplication) -> pd.DataFrame:
    rows = [
        {
            _("No."): i.number,
            _("Due on"): i.due_on,
            _("Principal"): i.principal_idr,
            _("Interest"): i.interest_idr,
            _("Instalment"): i.principal_idr + i.interest_idr,
            _("Paid"): i.paid_principal_idr + i.paid_interest_idr,
            _("Settled on"): i.settled_on,
        }
        for i in loan.instalments
    ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ScheduleVersion:
    """One schedule the loan has had, for its history."""

    revision: ScheduleRevision
    lines: list[Due]
    #: When the next schedule replaced it (``None``: in force).
    replaced_on: date | None

    @property
    def principal_idr(self) -> int:
        return self.revision.principal_idr

    @property
    def instalment_idr(self) -> int:
        later = [d for d in self.lines if d.due_on > self.revision.effective_on]
        return next((d.principal_idr + d.interest_idr for d in later
                     if d.principal_idr), 0)  # fmt: skip

    @property
    def last_due_on(self) -> date | None:
        return self.lines[-1].due_on if self.lines else None


def schedule_history(loan: LoanApplication) -> list[ScheduleVersion]:
    """Every schedule of the loan, newest first, each with its lines as they were."""
    revisions = list(loan.revisions)
    versions = [
        ScheduleVersion(
            revision, loans.revision_dues(revision),
            revisions[n + 1].effective_on if n + 1 < len(revisions) else None,
        )
        for n, revision in enumerate(revisions)
    ]  # fmt: skip
    return versions[::-1]


def schedule_file(loan: LoanApplication, kind: str) -> bytes:
    from juragan.reports.loan_losses import with_penalties

    return frame_bytes(with_penalties(schedule_frame(loan), loan), kind, sheet="Jadwal")


def schedule_chart(loan: LoanApplication) -> str | None:
    """Principal and interest of each instalment, and the balance left."""
    if not loan.instalments:
        return None
    numbers = [i.number for i in loan.instalments]
    balance, left = [], loan.amount_disbursed_idr or 0
    for instalment in loan.instalments:
        left -= instalment.principal_idr
        balance.append(left)
    figure = go.Figure()
    figure.add_bar(x=numbers, y=[i.principal_idr for i in loan.instalments],
                   name=_("Principal"), marker_color="#0f6b4f")  # fmt: skip
    figure.add_bar(x=numbers, y=[i.interest_idr for i in loan.instalments],
                   name=_("Interest"), marker_color="#f0ad4e")  # fmt: skip
    figure.add_scatter(x=numbers, y=balance, name=_("Balance left"), yaxis="y2",
                       mode="lines", line={"color": "#6f42c1"})  # fmt: skip
    figure.update_layout(
        title=_("Repayment schedule"), barmode="stack", separators=",.", height=340,
        xaxis_title=_("Instalment"), yaxis={"title": _("Rupiah"), "tickformat": ",d"},
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ",d", "showgrid": False,
                "rangemode": "tozero", "title": _("Balance left")},
        legend={"orientation": "h", "y": -0.25}, margin={"l": 60, "r": 60, "t": 50, "b": 40},
    )  # fmt: skip
    return pio.to_json(figure, engine="orjson").replace("</", "<\\/")


def whatsapp_reminder(loan: LoanApplication, standing: loans.Standing) -> str | None:
    """A click-to-chat link with a prefilled reminder, when there is a phone."""
    phone = loan.returnee.phone
    due = standing.next_due
    if not phone or due is None:
        return None
    from flask_babel import force_locale, format_date

    with force_locale("id"):  # the returnee reads it in Indonesian
        message = _(
            "Hello %(name)s, a reminder from juragan: KUR instalment %(n)s of "
            "%(amount)s is due on %(date)s. Thank you.",
            name=loan.returnee.full_name,
            n=due.number,
            amount=format_rupiah(due.owed_idr),
            date=format_date(due.due_on, "long"),
        )
    return f"https://wa.me/{phone.lstrip('+')}?text={quote(message)}"
