"""What the plan pages show: the projection chart, and the proposal's PDF
(what the proposal holds is :mod:`juragan.reports.proposal`)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from juragan.dashboards.plain_figure import Figure
from juragan.dashboards.summaries import ensure_current
from juragan.db.pagination import Page, keyset_page
from juragan.db.plan_reading import SECTION_FIELDS
from juragan.domain.codes import PlanSection
from juragan.domain.finance import PlanFigures, figures_from_content
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.domain.money import format_rupiah
from juragan.i18n.labels import MONTH_NAMES
from juragan.models import (
    BusinessPlan,
    PlanComment,
    PlanVersion,
    Returnee,
    Role,
    User,
)
from juragan.models.dashboard import LoanFact
from juragan.policy import scoped, summary_clause

_SECTION_ENDPOINTS = {
    "capital": "plans.edit_capital",
    "funding": "plans.edit_funding",
    "projections": "plans.edit_projection",
}


def section_url(plan: BusinessPlan, section: str) -> str:
    endpoint = _SECTION_ENDPOINTS.get(section)
    if endpoint:
        return url_for(endpoint, plan_id=plan.id)
    return url_for("plans.edit_section", plan_id=plan.id, section=section)


def projection_chart(figures: PlanFigures) -> str | None:
    """Plotly figure JSON: sales, operating and net profit per month, cash left
    added up."""
    if not figures.months:
        return None
    months = [m.month for m in figures.months]
    figure = Figure()
    figure.add_bar(
        x=months,
        y=[m.sales_idr for m in figures.months],
        name=_("Sales"),
        marker_color="#9ec5fe",
    )
    figure.add_bar(
        x=months,
        y=[m.operating_profit_idr for m in figures.months],
        name=_("Operating profit"),
        marker_color=[
            "#75b798" if m.operating_profit_idr >= 0 else "#ea868f"
            for m in figures.months
        ],
    )
    figure.add_bar(
        x=months,
        y=[m.net_profit_idr for m in figures.months],
        name=_("Net profit (after KUR interest and tax)"),
        marker_color=[
            "#198754" if m.net_profit_idr >= 0 else "#dc3545" for m in figures.months
        ],
    )
    figure.add_scatter(
        x=months,
        y=[m.cumulative_cash_idr for m in figures.months],
        name=_("Cash left, added up"),
        mode="lines+markers",
        line={"color": "#6f42c1"},
    )
    if figures.needs_idr:
        figure.add_hline(
            y=figures.needs_idr,
            line_dash="dot",
            line_color="#6c757d",
            annotation_text=_("Capital needed"),
        )
    figure.update_layout(
        title=_("Monthly projection"),
        xaxis_title=_("Month"),
        yaxis_title=_("Rupiah"),
        barmode="group",
        separators=",.",  # Indonesian: comma for decimals, dot for thousands
        margin={"l": 60, "r": 10, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        height=360,
    )
    figure.update_yaxes(tickformat=",d", tickprefix="Rp")
    # Inside <script type="application/json">: no "</" may close the element early.
    return figure.to_json()


def svg_projection_chart(
    figures: PlanFigures, width: int = 640, height: int = 220
) -> Markup:
    """A still chart of net profit (after KUR interest and tax) per month for the
    printed proposal (no script)."""
    if not figures.months:
        return Markup("")
    values = [m.net_profit_idr for m in figures.months]
    top = max(max(values), 0)
    bottom = min(min(values), 0)
    span = (top - bottom) or 1
    # Room for the longest amount label at font size 10 (about 6.2 px a character).
    widest = max(len(format_rupiah(v)) for v in (top, bottom))
    left, right_pad, top_pad, bottom_pad = max(70, 10 + int(widest * 6.2)), 10, 10, 30
    plot_w, plot_h = width - left - right_pad, height - top_pad - bottom_pad
    bar_w = plot_w / len(values)

    def y_of(value: int) -> float:
        return top_pad + (top - value) / span * plot_h

    zero = y_of(0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(_("Net profit per month"))}">',
        f'<line x1="{left}" y1="{zero:.1f}" x2="{width - right_pad}" y2="{zero:.1f}" '
        'stroke="#6c757d" stroke-width="1"/>',
    ]
    for label_value in (top, bottom):
        if label_value:
            parts.append(
                f'<text x="{left - 4}" y="{y_of(label_value) + 4:.1f}" font-size="10" '
                f'text-anchor="end">{escape(format_rupiah(label_value))}</text>'
            )
    for index, value in enumerate(values):
        x = left + index * bar_w + bar_w * 0.15
        y = min(y_of(value), zero)
        h = abs(y_of(value) - zero)
        colour = "#198754" if value >= 0 else "#dc3545"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{colour}"/>'
        )
        if len(values) <= 12 or (index + 1) % 6 == 0 or index == 0:
            parts.append(
                f'<text x="{x + bar_w * 0.35:.1f}" y="{height - 12}" font-size="10" '
                f'text-anchor="middle">{index + 1}</text>'
            )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 1}" font-size="10" '
        f'text-anchor="middle">{escape(_("Month"))}</text></svg>'
    )
    return Markup("".join(parts))  # noqa: S704 - text above is escaped, the rest numbers


def pdf_filename(plan: BusinessPlan, version: PlanVersion | None) -> str:
    suffix = f"-v{version.number}" if version else "-draft"
    return f"proposal-{plan.id}{suffix}.pdf"


def _static_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads the app's own static files, nothing else.

    The proposal must render offline, and a PDF request must never reach the
    network on a user's behalf.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static = Path(current_app.static_folder).resolve()
    prefix = current_app.static_url_path.rstrip("/") + "/"

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = urlparse(url).path
            if path.startswith(prefix):
                target = (static / path[len(prefix) :]).resolve()
                if target.is_relative_to(static) and target.is_file():
                    kind = mimetypes.guess_type(target.name)[0]
                    return URLFetcherResponse(
                        url,
                        body=target.read_bytes(),
                        headers={"Content-Type": kind or "application/octet-stream"},
                    )
            raise ValueError(f"not fetching {url}")

    return StaticOnly()


def render_pdf(html: str) -> bytes:
    """The proposal as a PDF (WeasyPrint; it needs Pango, see ``make pdf-deps``)."""
    from weasyprint import HTML

    return HTML(
        string=html,
        base_url="http://juragan.local/",
        url_fetcher=_static_only_fetcher(),
    ).write_pdf()


def plans_page(
    session: Session, user: User, status: str | None, after: int | None, size: int
) -> Page[BusinessPlan]:
    """A page of the plans in ``user``'s scope (in ``status``, if given), by id.

    A bank officer's are the plans of the lender's loans: found on the loan facts
    first (the lender's loans of the branch's province, from an index), then
    loaded through the scope as anyone's are, so that a fact can only leave a plan
    out. Through the scope alone the planner read every loan of the lender, with
    its borrower's region and consent, for each page (171 ms at a million
    returnees)."""
    stmt = scoped(select(BusinessPlan), user, BusinessPlan).options(
        selectinload(BusinessPlan.returnee), selectinload(BusinessPlan.regency)
    )
    if status:
        stmt = stmt.where(BusinessPlan.status == status)
    if user.role == Role.BANK_OFFICER:
        ensure_current(session)
        fact = LoanFact
        candidates = select(fact.plan_id).where(
            summary_clause(user, fact),
            fact.status != LoanStatus.DRAFT,
            fact.plan_id.is_not(None),
        )
        if status:
            candidates = candidates.where(fact.plan_status == status)
        if after is not None:
            candidates = candidates.where(fact.plan_id > after)
        candidates = (
            candidates.group_by(fact.plan_id).order_by(fact.plan_id).limit(size + 1)
        )
        stmt = stmt.where(BusinessPlan.id.in_(candidates))
    return keyset_page(session, stmt, BusinessPlan.id, after, size)


def plans_of(session: Session, returnee: Returnee) -> list[BusinessPlan]:
    return list(
        session.scalars(
            select(BusinessPlan)
            .where(BusinessPlan.returnee_id == returnee.id)
            # A person's list of plans names each one's business and regency.
            .options(
                selectinload(BusinessPlan.business), selectinload(BusinessPlan.regency)
            )
            .order_by(BusinessPlan.is_active.desc(), BusinessPlan.id.desc())
        )
    )


def open_comments(plan: BusinessPlan) -> dict[str, list[PlanComment]]:
    by_section: dict[str, list[PlanComment]] = {s: [] for s in PlanSection.values()}
    for comment in plan.comments:
        by_section[comment.section].append(comment)
    return by_section


# Comparing versions ----------------------------------------------------------


@dataclass(frozen=True)
class ComparedRow:
    section: str
    #: A field name (see ``juragan.i18n.labels.PLAN_FIELD_LABELS``).
    name: str
    #: How to show the values: ``text``, ``money``, ``number``, ``lines``, ``percent``.
    kind: str
    left: Any
    right: Any

    @property
    def changed(self) -> bool:
        return self.left != self.right


def _summary(content: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    figures = figures_from_content(content)
    repayment = figures.repayment
    return {
        "needs_idr": ("money", figures.needs_idr),
        "sources_idr": ("money", figures.sources_idr),
        "kur_idr": ("money", figures.kur_idr),
        "total_sales_idr": ("money", figures.total_sales_idr),
        "total_operating_profit_idr": ("money", figures.total_operating_profit_idr),
        "total_interest_idr": ("money", figures.total_interest_idr),
        "total_tax_idr": ("money", figures.total_tax_idr),
        "total_net_profit_idr": ("money", figures.total_net_profit_idr),
        "operating_margin": ("percent", figures.operating_margin),
        "net_margin": ("percent", figures.net_margin),
        "break_even_month": ("number", figures.break_even_month),
        "break_even_sales_idr": ("money", figures.break_even_sales_idr),
        "payback_month": ("number", figures.payback_month),
        "instalment_idr": ("money", repayment.instalment_idr if repayment else None),
        "coverage": ("number", repayment.coverage if repayment else None),
    }


def compare_versions(left: dict[str, Any], right: dict[str, Any]) -> list[ComparedRow]:
    """Row by row, the two versions' text, line items, terms and figures."""
    rows = []
    for section, fields in SECTION_FIELDS.items():
        for name in fields:
            kind = "number" if name == "workers_planned" else "text"
            rows.append(
                ComparedRow(
                    section, name, kind, left["text"].get(name), right["text"].get(name)
                )
            )
    for section, key in (("capital", "capital"), ("funding", "funding")):
        rows.append(
            ComparedRow(
                section,
                key,
                "lines",
                [tuple(line.values()) for line in left[key]],
                [tuple(line.values()) for line in right[key]],
            )
        )
    rows.append(
        ComparedRow(
            "funding",
            "kur_terms",
            "text",
            _terms(left),
            _terms(right),
        )
    )
    rows.append(
        ComparedRow(
            "projections",
            "projection_months",
            "number",
            left["projection_months"],
            right["projection_months"],
        )
    )
    left_summary, right_summary = _summary(left), _summary(right)
    for name, (kind, value) in left_summary.items():
        rows.append(
            ComparedRow("projections", name, kind, value, right_summary[name][1])
        )
    return rows


def _terms(content: dict[str, Any]) -> str | None:
    kur = content["kur"]
    if not kur["tenor_months"]:
        return None
    terms = f"{kur['tenor_months']} / {kur['rate_percent']}%"
    # Versions submitted before plans named lean-season months have none.
    lean = kur.get("lean_months") or ()
    if lean:
        terms += " · " + ", ".join(str(MONTH_NAMES[m - 1]) for m in lean)
    return terms
