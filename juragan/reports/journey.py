"""The journey of one returnee: from departure abroad to their business today.

One figure with a lane per part of the journey (abroad, preparation, KUR, business,
mentoring) and, under it, the business's revenue against the plan and the loan's
balance against its schedule. Lanes without data are simply absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan import clock
from juragan.dashboards.plain_figure import Figure
from juragan.db import loan_reading, plan_reading
from juragan.domain.disclosure import plot_text
from juragan.domain.regions import country_name
from juragan.i18n.labels import code_label
from juragan.models import (
    Business,
    BusinessPlan,
    BusinessReport,
    LoanApplication,
    Returnee,
    Visit,
)

#: Colours of the indicative collectibility classes, 1 (current) to 5 (loss).
GRADE_COLOURS = {1: "#198754", 2: "#ffc107", 3: "#fd7e14", 4: "#dc3545", 5: "#6f1d1b"}
STATUS_COLOURS = {
    "not_started": "#adb5bd",
    "operating": "#198754",
    "paused": "#ffc107",
    "closed": "#6c757d",
}


@dataclass
class Segment:
    lane: str
    start: date
    end: date
    label: str
    colour: str
    hover: str = ""


@dataclass
class Marker:
    lane: str
    day: date
    label: str
    hover: str = ""
    #: What the legend groups it under (:data:`MARKER_KINDS`).
    kind: str = "plan"


#: Marker kinds in legend order: name, symbol and colour.
MARKER_KINDS = {
    "return": (_l("Came home"), "star", "#d63384"),
    "plan": (_l("Business plan"), "diamond", "#212529"),
    "visit": (_l("Mentor's visit"), "circle", "#0f6b4f"),
}
#: A date axis spanning less than this is widened: no axis in hours or milliseconds.
MIN_AXIS_DAYS = 62


def date_axis(days: list[date], title: str) -> dict[str, Any]:
    """A Plotly date axis in months (``Jan 2027``), padded by a month either side
    when the dates span less than two months (one report, one instalment)."""
    axis: dict[str, Any] = {
        "type": "date",
        "title": title,
        "tickformat": "%b %Y",
        "hoverformat": "%d %b %Y",
    }
    if days and (max(days) - min(days)).days < MIN_AXIS_DAYS:
        axis["range"] = [
            (min(days) - relativedelta(months=1)).isoformat(),
            (max(days) + relativedelta(months=1)).isoformat(),
        ]
        axis["dtick"] = "M1"
    return axis


@dataclass
class Journey:
    segments: list[Segment] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    revenue: list[tuple[date, int | None, int | None, str]] = field(
        default_factory=list
    )
    balance: list[tuple[date, int, int | None]] = field(default_factory=list)

    @property
    def lanes(self) -> list[str]:
        seen: list[str] = []
        for lane in [s.lane for s in self.segments] + [m.lane for m in self.markers]:
            if lane not in seen:
                seen.append(lane)
        return seen


def _day(returnee: Returnee, moment: datetime) -> date:
    """A recorded moment's date where the returnee lives."""
    return clock.date_in(returnee.province_code, moment)


def build(session: Session, returnee: Returnee, today: date) -> Journey:
    """Everything on the returnee's timeline, from their records."""
    journey = Journey()

    abroad, prep, kur, business_lane, mentoring = (
        _("Abroad"),
        _("Preparation"),
        _("KUR"),
        _("Business"),
        _("Mentoring"),
    )

    locale = str(get_locale() or "id")
    for placement in returnee.placements:
        end = placement.return_date or today
        journey.segments.append(
            Segment(
                abroad,
                placement.departure_date,
                end,
                country_name(placement.country_code, locale),
                "#0d6efd",
                f"{code_label('sector', placement.sector)} · "
                f"{placement.departure_date:%Y-%m} – {end:%Y-%m}",
            )
        )
    for placement in returnee.placements:
        if placement.return_date is not None:
            journey.markers.append(
                Marker(
                    abroad,
                    placement.return_date,
                    _("Came home"),
                    country_name(placement.country_code, locale),
                    kind="return",
                )
            )
    for training in returnee.trainings:
        journey.segments.append(
            Segment(
                prep,
                training.start_date,
                training.end_date or training.start_date + timedelta(days=1),
                training.title,
                "#6f42c1",
                training.organiser,
            )
        )
    plans = session.scalars(
        select(BusinessPlan).where(BusinessPlan.returnee_id == returnee.id)
    ).all()
    for plan in plans:
        journey.markers.append(
            Marker(
                prep,
                _day(returnee, plan.created_at),
                _("Plan drafted"),
                plan.business_name,
            )
        )
        for version in plan.versions:
            journey.markers.append(
                Marker(
                    prep,
                    _day(returnee, version.submitted_at),
                    _("Plan submitted (version %(n)s)", n=version.number),
                    plan.business_name,
                )
            )
        if plan.status == "ready":
            journey.markers.append(
                Marker(
                    prep,
                    _day(returnee, plan.ready_at or plan.updated_at),
                    _("Plan ready for the bank"),
                    plan.business_name,
                )
            )
    for loan in session.scalars(
        select(LoanApplication)
        .where(LoanApplication.returnee_id == returnee.id)
        .order_by(LoanApplication.applied_on)
    ):
        _loan_lane(journey, loan, kur, today)
    for business in session.scalars(
        select(Business).where(Business.returnee_id == returnee.id)
    ):
        _business_lane(session, journey, business, business_lane, returnee, today)
    for visit in session.scalars(
        select(Visit).where(Visit.returnee_id == returnee.id).order_by(Visit.visited_on)
    ):
        notes = visit.observations or ""
        journey.markers.append(
            Marker(
                mentoring,
                visit.visited_on,
                code_label("visit_mode", visit.mode),
                f"{code_label('observed_status', visit.business_status)}. {notes}"[
                    :300
                ],
                kind="visit",
            )
        )
    return journey


def _loan_lane(journey: Journey, loan: LoanApplication, lane: str, today: date) -> None:
    decided = _day(loan.returnee, loan.decided_at) if loan.decided_at else None
    journey.segments.append(
        Segment(
            lane,
            loan.applied_on,
            decided or (loan.disbursed_on or today),
            _("Application"),
            "#0dcaf0",
            f"{code_label('scheme', loan.scheme)} · {code_label('loan_status', loan.status)}",
        )
    )
    if not loan.instalments or loan.disbursed_on is None:
        return
    last_due = loan.instalments[-1].due_on
    end = min(today, last_due)
    if loan.status == "paid_off" and loan.payments:
        end = min(end, max(p.paid_on for p in loan.payments))
    # Month by month, coloured by the collectibility class at the end of the month.
    start = loan.disbursed_on
    while start < end:
        stop = min(start + relativedelta(months=1), end)
        # On the schedule in force that day, with a restructuring's class floor.
        grade = loan_reading.standing(loan, stop).grade
        journey.segments.append(
            Segment(
                lane,
                start,
                stop,
                code_label("collectibility", grade),
                GRADE_COLOURS[grade],
                _("Repaying: %(grade)s", grade=code_label("collectibility", grade)),
            )
        )
        start = stop
    # The balance: as scheduled, and as actually left after the payments.
    scheduled = loan.amount_disbursed_idr or 0
    for instalment in loan.instalments:
        scheduled -= instalment.principal_idr
        actual = (
            loan_reading.standing(loan, instalment.due_on).outstanding_idr
            if instalment.due_on <= today
            else None
        )
        journey.balance.append((instalment.due_on, scheduled, actual))


def _business_lane(
    session: Session,
    journey: Journey,
    business: Business,
    lane: str,
    returnee: Returnee,
    today: date,
) -> None:
    back = max(
        (p.return_date for p in returnee.placements if p.return_date), default=None
    )
    if back is not None and back < business.opened_on:
        journey.segments.append(
            Segment(
                lane,
                back,
                business.opened_on,
                code_label("observed_status", "not_started"),
                STATUS_COLOURS["not_started"],
            )
        )
    changes = list(business.status_changes)
    for index, change in enumerate(changes):
        end = changes[index + 1].changed_on if index + 1 < len(changes) else today
        journey.segments.append(
            Segment(
                lane,
                change.changed_on,
                max(end, change.changed_on + timedelta(days=1)),
                code_label("business_status", change.to_status),
                STATUS_COLOURS[change.to_status],
                business.name,
            )
        )
    planned = plan_reading.figures_of(business.plan).months if business.plan else []
    opened = business.opened_on.replace(day=1)
    reports = session.scalars(
        select(BusinessReport)
        .where(BusinessReport.business_id == business.id)
        .order_by(BusinessReport.month)
    ).all()
    for report in reports:
        index = (
            (report.month.year - opened.year) * 12 + report.month.month - opened.month
        )
        plan = planned[index].sales_idr if 0 <= index < len(planned) else None
        journey.revenue.append((report.month, report.revenue_idr, plan, report.source))


def timeline_figure(journey: Journey) -> str | None:
    """The lanes as one Plotly figure (JSON)."""
    if not journey.segments and not journey.markers:
        return None
    figure = Figure()
    for segment in journey.segments:
        start = datetime.combine(segment.start, time())
        width = (datetime.combine(segment.end, time()) - start).total_seconds() * 1000
        figure.add_bar(
            y=[segment.lane],
            x=[max(width, 86_400_000)],
            base=[start.isoformat()],
            orientation="h",
            marker_color=segment.colour,
            showlegend=False,
            # Short stretches (a month of repayment) carry no text; hover tells.
            text=[
                plot_text(segment.label)
                if (segment.end - segment.start).days >= 120
                else ""
            ],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            hovertext=[f"{plot_text(segment.label)}<br>{plot_text(segment.hover)}"],
            hoverinfo="text",
        )
    for kind, (name, symbol, colour) in MARKER_KINDS.items():
        markers = [m for m in journey.markers if m.kind == kind]
        if not markers:
            continue
        figure.add_scatter(
            y=[m.lane for m in markers],
            x=[m.day.isoformat() for m in markers],
            mode="markers",
            name=str(name),
            showlegend=True,
            marker={
                "size": 13 if kind == "return" else 11,
                "symbol": symbol,
                "color": colour,
                "line": {"width": 1, "color": "#ffffff"},
            },
            hovertext=[
                f"{m.day:%d-%m-%Y} · {plot_text(m.label)}<br>{plot_text(m.hover)}"
                for m in markers
            ],
            hoverinfo="text",
        )
    lanes = journey.lanes
    days = [s.start for s in journey.segments] + [s.end for s in journey.segments]
    days += [m.day for m in journey.markers]
    figure.update_layout(
        title=_("The journey"),
        barmode="overlay",
        separators=",.",
        height=170 + 55 * len(lanes),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        xaxis=date_axis(days, _("Date")),
        yaxis={
            "categoryorder": "array",
            "categoryarray": list(reversed(lanes)),
            "title": "",
            "automargin": True,
        },
        legend={"orientation": "h", "y": -0.25, "x": 0},
    )
    return figure.to_json()


def revenue_figure(journey: Journey) -> str | None:
    if not journey.revenue:
        return None
    figure = Figure()
    for source, name, colour in (
        ("visit", _("Revenue (visits)"), "#0f6b4f"),
        ("self", _("Revenue (self-reported)"), "#20c997"),
    ):
        rows = [
            (m, r) for m, r, _p, s in journey.revenue if s == source and r is not None
        ]
        if rows:
            figure.add_scatter(
                x=[m.isoformat() for m, _r in rows],
                y=[r for _m, r in rows],
                mode="lines+markers",
                name=name,
                line={"color": colour},
            )
    planned = sorted({(m, p) for m, _r, p, _s in journey.revenue if p is not None})
    if planned:
        figure.add_scatter(
            x=[m.isoformat() for m, _p in planned],
            y=[p for _m, p in planned],
            mode="lines",
            name=_("Plan"),
            line={"dash": "dot", "color": "#6c757d"},
        )
    figure.update_layout(
        title=_("Monthly revenue against the plan"),
        separators=",.",
        height=320,
        yaxis={"title": _("Rupiah"), "tickformat": ",d"},
        xaxis=date_axis([m for m, *_rest in journey.revenue], _("Month")),
        legend={"orientation": "h", "y": -0.3},
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
    )
    return figure.to_json()


def balance_figure(journey: Journey) -> str | None:
    if not journey.balance:
        return None
    figure = Figure()
    figure.add_scatter(
        x=[d.isoformat() for d, _s, _a in journey.balance],
        y=[s for _d, s, _a in journey.balance],
        mode="lines",
        name=_("Balance as scheduled"),
        line={"dash": "dot", "color": "#6c757d"},
    )
    actual = [(d, a) for d, _s, a in journey.balance if a is not None]
    if actual:
        figure.add_scatter(
            x=[d.isoformat() for d, _a in actual],
            y=[a for _d, a in actual],
            mode="lines+markers",
            name=_("Balance left"),
            line={"color": "#6f42c1"},
        )
    figure.update_layout(
        title=_("KUR balance against its schedule"),
        separators=",.",
        height=300,
        yaxis={"title": _("Rupiah"), "tickformat": ",d"},
        xaxis=date_axis([d for d, *_rest in journey.balance], _("Date")),
        legend={"orientation": "h", "y": -0.3},
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
    )
    return figure.to_json()


def as_tables(journey: Journey) -> dict[str, list[Any]]:
    return {
        "segments": sorted(journey.segments, key=lambda s: (s.lane, s.start)),
        "markers": sorted(journey.markers, key=lambda m: m.day),
    }
