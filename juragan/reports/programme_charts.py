"""The programme dashboard's charts: the data behind each as a pandas frame, and its
Plotly figure drawn from that same frame, so the chart, its table and its download
never disagree.

Frames are small (one row per group shown); the figures come from
:mod:`juragan.reports.programme`, which aggregates in SQL.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from juragan import perturbation as pert
from juragan.labels import COLLECTIBILITY_LABELS, code_label
from juragan.models import User
from juragan.models.dashboard import COHORT_MONTHS
from juragan.reference import country_name, region_rows
from juragan.reports import programme
from juragan.reports.programme import Filters, Protection
from juragan.survival import kaplan_meier, survival_at

GREEN = "#0f6b4f"
GRADE_COLOURS = {1: "#198754", 2: "#ffc107", 3: "#fd7e14", 4: "#dc3545", 5: "#6f1d1b"}
LINE_COLOURS = ("#0f6b4f", "#1f77b4", "#d62728", "#ff7f0e", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
#: Months at which the survival tables read the curves.
SURVIVAL_MONTHS = (12, 24, 36)
#: Lines drawn at most in a trend or survival chart (the table has them all).
MAX_LINES = 8

#: ``link(dimension, value)``: the URL a click on a bar opens, or ``None``.
Linker = Callable[[str, str], str | None]


@dataclass
class Chart:
    name: str
    title: str
    frame: pd.DataFrame
    figure: str
    #: How to show each column in the table: number, percent, rupiah or text.
    kinds: list[str]
    #: Per row, where its first cell links to (a drill-down), if anywhere.
    links: list[str | None] = field(default_factory=list)
    note: str = ""

    def why_nothing_is_drawn(self) -> str | None:
        """Why the chart would be empty axes (no figure to show yet), said in its
        place; ``None`` when there is something to draw."""
        figures = self.frame.iloc[:, 2:]  # after the code and the label
        if not figures.isna().all(axis=None):
            return None
        return _("Nothing to draw in this view yet.")


@dataclass(frozen=True)
class Context:
    session: Session
    user: User
    filters: Filters
    today: date
    link: Linker
    #: Which figures come perturbed (``juragan.perturbation``): the reports apply
    #: it; the charts say so, and leave out groups too small for a curve.
    protected: Protection = Protection(people=False, loans=False)
    #: Figures two charts share (one query answers both), computed once.
    shared: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]


def _locale() -> str:
    return str(get_locale() or "id")


def _layout(figure: go.Figure, title: str, **layout: Any) -> str:
    """Common layout; the title is the page's heading above the chart, not drawn in
    it (a phone has no height to spare), and names the figure for screen readers."""
    separators = layout.pop("separators", None) or (",." if _locale() == "id" else ".,")
    figure.update_layout(meta={"title": title}, separators=separators,
                         margin={"l": 10, "r": 10, "t": 30, "b": 40},
                         legend={"orientation": "h", "x": 0, "y": 1.02,
                                 "yanchor": "bottom"}, **layout)  # fmt: skip
    # Inside <script type="application/json">: no "</" may close the element early.
    return pio.to_json(figure, engine="orjson").replace("</", "<\\/")


def _whole_ticks(values: list[Any]) -> dict[str, Any]:
    """Axis settings for counts: whole-number ticks only."""
    top = max((v for v in values if v is not None), default=1) or 1
    return {"tickformat": ",d", "tick0": 0, "dtick": max(1, -(-int(top) // 5))}


def _bars(title: str, labels: list[str], values: list[Any], axis: str,
          links: list[str | None]) -> str:  # fmt: skip
    values = list(values)
    figure = go.Figure(go.Bar(x=values, y=labels, orientation="h", marker_color=GREEN,
                              customdata=links,
                              hovertemplate="%{y}: %{x:,d}<extra></extra>"))  # fmt: skip
    return _layout(figure, title, height=90 + 28 * max(len(labels), 1),
                   xaxis={"title": axis, **_whole_ticks(values)},
                   yaxis={"autorange": "reversed", "automargin": True})  # fmt: skip


def region_names() -> dict[str, str]:
    rows = region_rows()
    return {r["code"]: r["name"] for r in (*rows.provinces, *rows.regencies)}


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """Latitude and longitude of each province and regency (shipped CSV)."""
    import csv

    points: dict[str, tuple[float, float]] = {}
    for name in ("province_centroids.csv", "regency_centroids.csv"):
        path = resources.files("juragan.data").joinpath(name)
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                points[row["code"]] = (float(row["latitude"]), float(row["longitude"]))
    return points


def short_name(name: str) -> str:
    """A region's name without its kind, for a label on the map."""
    for prefix in ("Kabupaten ", "Provinsi "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# Overview -----------------------------------------------------------------------


def funnel_chart(ctx: Context) -> Chart:
    rows = programme.funnel(ctx.session, ctx.user, ctx.filters, ctx.today)
    frame = pd.DataFrame(
        [(code, code_label("funnel", code), n) for code, n in rows],
        columns=[_("Code"), _("Stage"), _("Returnees")],
    )
    links = [ctx.link("stage", code) for code, _n in rows]
    title = _("From return to a lasting business")
    figure = _bars(title, list(frame[_("Stage")]), list(frame[_("Returnees")]),
                   _("Returnees"), links)  # fmt: skip
    return Chart("funnel", title, frame, figure, ["text", "text", "number"], links)


def area_chart(ctx: Context) -> Chart:
    level, areas = programme.by_area(ctx.session, ctx.user, ctx.filters)
    names = region_names()
    frame = pd.DataFrame(
        [(a.code, names.get(a.code, a.code), a.returnees, a.businesses, a.operating)
         for a in areas],
        columns=[_("Code"), _("Province") if level == "province" else _("Regency or city"),
                 _("Returnees"), _("Businesses"), _("Operating")],
    )  # fmt: skip
    dimension = "province" if level == "province" else "regency"
    links = [ctx.link(dimension, a.code) for a in areas]
    points = centroids()
    placed = [(a, links[i]) for i, a in enumerate(areas)
              if a.code in points]  # fmt: skip
    largest = max((a.operating for a, _l in placed), default=0) or 1
    title = (_("Businesses operating by province") if level == "province"
             else _("Businesses operating by regency or city"))  # fmt: skip
    figure = go.Figure(go.Scatter(
        x=[points[a.code][1] for a, _l in placed],
        y=[points[a.code][0] for a, _l in placed],
        mode="markers+text", text=[short_name(names.get(a.code, a.code)) for a, _l in placed],
        textposition="top center", textfont={"size": 10, "color": "#555"},
        customdata=[[link, a.returnees, a.businesses, a.operating, names.get(a.code)]
                    for a, link in placed],
        marker={"size": [8 + 42 * math.sqrt(a.operating / largest) for a, _l in placed],
                "color": GREEN, "opacity": 0.6, "line": {"width": 1, "color": "#fff"}},
        hovertemplate=("%{customdata[4]}<br>" + _("Returnees") + ": %{customdata[1]:,d}<br>"
                       + _("Businesses") + ": %{customdata[2]:,d}<br>"
                       + _("Operating") + ": %{customdata[3]:,d}<extra></extra>"),
    ))  # fmt: skip
    # The whole archipelago at national level, so that the shape reads as Indonesia.
    whole = {"xaxis": {"range": [94, 142]}, "yaxis": {"range": [-11.5, 6.5]}} if (
        level == "province") else {"xaxis": {}, "yaxis": {}}  # fmt: skip
    figure_json = _layout(
        figure, title, height=380, hovermode="closest",
        xaxis={"title": _("Longitude"), "zeroline": False, **whole["xaxis"]},
        yaxis={"title": _("Latitude"), "zeroline": False, "scaleanchor": "x",
               **whole["yaxis"]},
    )  # fmt: skip
    note = (_("Click a province to see its regencies and cities.")
            if level == "province" else "")  # fmt: skip
    return Chart("areas", title, frame, figure_json,
                 ["text", "text", "number", "number", "number"], links, note)  # fmt: skip


def country_chart(ctx: Context) -> Chart:
    rows = programme.by_country(ctx.session, ctx.user, ctx.filters)
    locale = _locale()
    frame = pd.DataFrame([(code, country_name(code, locale), n) for code, n in rows],
                         columns=[_("Code"), _("Country"), _("Returnees")])  # fmt: skip
    links = [ctx.link("country", code) for code, _n in rows]
    title = _("Returnees by last destination country")
    shown = frame.head(15)
    figure = _bars(title, list(shown[_("Country")]), list(shown[_("Returnees")]),
                   _("Returnees"), links[:15])  # fmt: skip
    return Chart("countries", title, frame, figure, ["text", "text", "number"], links)


def sector_chart(ctx: Context) -> Chart:
    rows = programme.by_sector(ctx.session, ctx.user, ctx.filters)
    frame = pd.DataFrame(
        [(code, code_label("business_line", code), n, operating)
         for code, n, operating in rows],
        columns=[_("Code"), _("Line of business"), _("Businesses"), _("Operating")],
    )  # fmt: skip
    links = [ctx.link("business_sector", code) for code, _n, _o in rows]
    title = _("Businesses by line of business")
    labels = list(frame[_("Line of business")])
    figure = go.Figure()
    figure.add_bar(
        x=list(list(frame[_("Businesses")])),
        y=labels,
        orientation="h",
        name=_("Businesses"),
        marker_color="#9fc5b8",
        customdata=links,
    )
    figure.add_bar(x=list(list(frame[_("Operating")])), y=labels, orientation="h",
                   name=_("Operating"), marker_color=GREEN, customdata=links)  # fmt: skip
    figure_json = _layout(figure, title, barmode="overlay",
                          height=140 + 28 * max(len(labels), 1),
                          xaxis={"title": _("Businesses"),
                                 **_whole_ticks(list(list(frame[_("Businesses")])))},
                          yaxis={"autorange": "reversed", "automargin": True})  # fmt: skip
    return Chart("sectors", title, frame, figure_json,
                 ["text", "text", "number", "number"], links)  # fmt: skip


# Cohorts and survival --------------------------------------------------------------


def quarter_label(quarter: int) -> str:
    year, q = divmod(quarter, 10)
    return _("Q%(quarter)s %(year)s", quarter=q, year=year)


def cohort_chart(ctx: Context) -> Chart:
    rows = programme.cohorts(ctx.session, ctx.user, ctx.filters, ctx.today)
    month_columns = [_("%(months)s months", months=m) for m in COHORT_MONTHS]
    frame = pd.DataFrame(
        [(r.quarter, quarter_label(r.quarter), r.returnees, *r.shares) for r in rows],
        columns=[_("Code"), _("Returned in"), _("Returnees"), *month_columns],
    )  # fmt: skip
    title = _("Share with an operating business, by months since return")
    z = [[None if s is None else float(s) * 100 for s in r.shares] for r in rows]
    figure = go.Figure(go.Heatmap(
        z=z, x=month_columns, y=list(frame[_("Returned in")]), colorscale="Greens",
        zmin=0, zmax=100, hoverongaps=False, texttemplate="%{text}",
        text=[["" if v is None else f"{v:.0f}%" for v in row] for row in z],
        colorbar={"title": "%"},
        hovertemplate="%{y}, %{x}: %{z:.1f}%<extra></extra>",
    ))  # fmt: skip
    figure_json = _layout(figure, title, height=160 + 26 * max(len(rows), 1),
                          yaxis={"autorange": "reversed", "automargin": True,
                                 "type": "category"},
                          xaxis={"title": _("Months since return"), "type": "category"})  # fmt: skip
    note = _("Each row is the people whose latest return fell in that quarter; a cell "
             "is empty until all of them have been home that long.")  # fmt: skip
    return Chart("cohorts", title, frame, figure_json,
                 ["text", "text", "number", *(["percent"] * len(COHORT_MONTHS))], [],
                 note)  # fmt: skip


def survival_chart(ctx: Context, by: str) -> Chart:
    counts = ctx.once("survival", lambda: programme.survival_counts(
        ctx.session, ctx.user, ctx.filters, ctx.today))[by]  # fmt: skip
    locale = _locale()
    label = ((lambda c: code_label("business_line", c)) if by == "sector"
             else (lambda c: country_name(c, locale)))  # fmt: skip
    curves = {code: kaplan_meier(rows) for code, rows in counts.items()}
    sizes = {code: curve[0].at_risk for code, curve in curves.items()}
    survival = {code: {m: survival_at(curve, m) for m in SURVIVAL_MONTHS}
                for code, curve in curves.items()}  # fmt: skip
    protect = ctx.protected.people
    if protect:
        # Only groups shown as 10 or more, and only at fixed months, moved and
        # rounded to 5 %: the steps of a curve would date single closures.
        keys = ctx.once("survival", lambda: None)["keys"]
        for code in list(curves):
            key = keys[by, code]
            sizes[code] = pert.count(sizes[code], key, "businesses")
            if sizes[code] < pert.MIN_FOR_STATISTICS:
                del curves[code]
                continue
            survival[code] = {m: pert.statistic(v, sizes[code], key, f"km_{m}",
                                                Decimal("0.025"), Decimal("0.05"))
                              for m, v in survival[code].items()}  # fmt: skip
    order = sorted(curves, key=lambda code: -sizes[code])
    frame = pd.DataFrame(
        [(code, label(code), sizes[code], *(survival[code][m] for m in SURVIVAL_MONTHS))
         for code in order],
        columns=[_("Code"), _("Line of business") if by == "sector" else _("Destination"),
                 _("Businesses"),
                 *(_("Open after %(months)s months", months=m) for m in SURVIVAL_MONTHS)],
    )  # fmt: skip
    title = (_("Business survival by line of business") if by == "sector"
             else _("Business survival by destination country"))  # fmt: skip
    figure = go.Figure()
    for i, code in enumerate(order[:MAX_LINES]):
        if protect:
            months = [0, *SURVIVAL_MONTHS]
            shares = [1.0, *(None if survival[code][m] is None else float(survival[code][m])
                             for m in SURVIVAL_MONTHS)]  # fmt: skip
            mode = "lines+markers"
        else:
            steps = curves[code]
            # The curve runs on, flat, to the longest follow-up.
            longest = max(months for months, _c, _o in counts[code])
            months = [s.months for s in steps] + [longest]
            shares = [float(s.survival) for s in steps] + [float(steps[-1].survival)]
            mode = "lines"
        figure.add_scatter(
            x=months, y=shares, mode=mode, line_shape="hv", name=label(code),
            line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
            hovertemplate="%{x} " + _("months") + ": %{y:.0%}<extra>" + label(code) + "</extra>",
        )  # fmt: skip
    figure_json = _layout(figure, title, height=380,
                          xaxis={"title": _("Months since opening"), "rangemode": "tozero"},
                          yaxis={"title": _("Share still open"), "tickformat": ".0%",
                                 "range": [0, 1.02]})  # fmt: skip
    note = _("Kaplan-Meier estimate: a business that has not closed counts until today; "
             "a paused or reopened business has not closed.")  # fmt: skip
    return Chart(f"survival_{by}", title, frame, figure_json,
                 ["text", "text", "number", *(["percent"] * len(SURVIVAL_MONTHS))], [],
                 note)  # fmt: skip


# Repayment ------------------------------------------------------------------------


def _group_label(ctx: Context, by: str) -> tuple[str, Callable[[str], str]]:
    if by == "lender":
        return _("Bank"), lambda code: code_label("lender", code)
    names = region_names()
    inside = programme.inside_province(ctx.user, ctx.filters)
    return (_("Regency or city") if inside else _("Province")), (
        lambda code: names.get(code, code)
    )


def mix_chart(ctx: Context, by: str) -> Chart:
    mix = programme.collectibility_mix(
        ctx.session, ctx.user, ctx.filters, ctx.today, by
    )
    heading, label = _group_label(ctx, by)
    classes = [str(COLLECTIBILITY_LABELS[g]) for g in range(1, 6)]
    frame = pd.DataFrame(
        [(m.key, label(m.key), *m.outstanding, m.total, m.npl_ratio) for m in mix],
        columns=[_("Code"), heading, *classes, _("Outstanding"), _("NPL")],
    )  # fmt: skip
    title = (_("Outstanding KUR by collectibility and bank") if by == "lender"
             else _("Outstanding KUR by collectibility and region"))  # fmt: skip
    labels = [label(m.key) for m in mix]
    figure = go.Figure()
    for grade in range(1, 6):
        figure.add_bar(
            x=[m.outstanding[grade - 1] for m in mix], y=labels, orientation="h",
            name=classes[grade - 1], marker_color=GRADE_COLOURS[grade],
            hovertemplate="%{y}: Rp%{x:,d}<extra>" + classes[grade - 1] + "</extra>",
        )  # fmt: skip
    # Only rupiah in this chart: dots between thousands in both languages, as
    # ``i18n.format_rupiah`` writes them (Rp1.250.000) in its table.
    figure_json = _layout(figure, title, barmode="stack", legend_traceorder="normal",
                          separators=",.",
                          height=160 + 28 * max(len(labels), 1),
                          xaxis={"title": _("Outstanding principal (Rp)"),
                                 "tickformat": ",d"},
                          yaxis={"autorange": "reversed", "automargin": True})  # fmt: skip
    return Chart(f"mix_{by}", title, frame, figure_json,
                 ["text", "text", *(["rupiah"] * 6), "percent"])  # fmt: skip


def trend_chart(ctx: Context, by: str) -> Chart:
    trend = ctx.once("trends", lambda: programme.npl_trends(
        ctx.session, ctx.user, ctx.filters, ctx.today))[by]  # fmt: skip
    heading, label = _group_label(ctx, by)
    ends = programme.month_ends_before(ctx.today)
    month_names = [format_date(day, "MMM yyyy") for day in ends]
    trend = {code: [(day, ratio) for day, ratio, _loans in points]
             for code, points in trend.items()}  # fmt: skip
    frame = pd.DataFrame(
        [(code, label(code), *(ratio for _d, ratio in points))
         for code, points in trend.items()],
        columns=[_("Code"), heading, *month_names],
    )  # fmt: skip
    title = (_("NPL at each month end, by bank") if by == "lender"
             else _("NPL at each month end, by region"))  # fmt: skip
    figure = go.Figure()
    for i, (code, points) in enumerate(list(trend.items())[:MAX_LINES]):
        figure.add_scatter(
            x=[d.isoformat() for d, _r in points],
            y=[None if r is None else float(r) for _d, r in points],
            mode="lines+markers", name=label(code),
            line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
            hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>" + label(code) + "</extra>",
        )  # fmt: skip
    figure_json = _layout(figure, title, height=360,
                          xaxis={"title": _("Month end"), "type": "date"},
                          yaxis={"title": _("NPL"), "tickformat": ".0%",
                                 "rangemode": "tozero"})  # fmt: skip
    return Chart(f"trend_{by}", title, frame, figure_json,
                 ["text", "text", *(["percent"] * len(ends))])  # fmt: skip


#: Each chart by name, for downloads.
CHARTS: dict[str, Callable[[Context], Chart]] = {
    "areas": area_chart,
    "funnel": funnel_chart,
    "countries": country_chart,
    "sectors": sector_chart,
    "cohorts": cohort_chart,
    "survival_sector": lambda c: survival_chart(c, "sector"),
    "survival_country": lambda c: survival_chart(c, "country"),
    "mix_lender": lambda c: mix_chart(c, "lender"),
    "mix_area": lambda c: mix_chart(c, "area"),
    "trend_lender": lambda c: trend_chart(c, "lender"),
    "trend_area": lambda c: trend_chart(c, "area"),
}

#: The dashboard's pages and the charts on each, in order.
PAGES: dict[str, tuple[str, ...]] = {
    "overview": ("areas", "funnel", "countries", "sectors"),
    "cohorts": ("cohorts", "survival_sector", "survival_country"),
    "repayment": ("mix_lender", "mix_area", "trend_lender", "trend_area"),
}
