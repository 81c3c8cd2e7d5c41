"""The programme dashboard's charts: the data behind each as a pandas frame, and its
Plotly figure drawn from that same frame, so the chart, its table and its download
never disagree.

Frames are small (one row per group shown); the figures come from
:mod:`juragan.dashboards.figures`, which aggregates in SQL.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from flask_babel import format_date, format_number, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan.dashboards import figures as programme
from juragan.dashboards.figures import Filters, Protection
from juragan.dashboards.plain_figure import Figure
from juragan.domain import perturbation as pert
from juragan.domain.regions import country_name, region_rows
from juragan.domain.survival import kaplan_meier, survival_at
from juragan.i18n.labels import (
    COLLECTIBILITY_LABELS,
    code_label,
    left_out_for_small_group,
)
from juragan.models import User
from juragan.models.dashboard import COHORT_MONTHS
from juragan.web.assets import asset_url

GREEN = "#0f6b4f"
GRADE_COLOURS = {1: "#198754", 2: "#ffc107", 3: "#fd7e14", 4: "#dc3545", 5: "#6f1d1b"}
LINE_COLOURS = (
    "#0f6b4f",
    "#1f77b4",
    "#d62728",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
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
    #: The figures the chart can show instead (value, label), and the one it shows.
    choices: list[tuple[str, str]] = field(default_factory=list)
    chosen: str = ""

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
    #: Which figures come perturbed (``juragan.domain.perturbation``): the reports apply
    #: it; the charts say so, and leave out groups too small for a curve.
    protected: Protection = Protection(people=False, loans=False)
    #: Figures two charts share (one query answers both), computed once.
    shared: dict[str, Any] = field(default_factory=dict)
    #: The figure the map colours its regions by (``MAP_FIGURES``).
    map_figure: str = "operating"

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]


def _locale() -> str:
    return str(get_locale() or "id")


def _layout(figure: Figure, title: str, **layout: Any) -> str:
    """Common layout; the title is the page's heading above the chart, not drawn in
    it (a phone has no height to spare), and names the figure for screen readers."""
    settings: dict[str, Any] = {
        "separators": ",." if _locale() == "id" else ".,",
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    }
    settings.update((key, value) for key, value in layout.items() if value is not None)
    settings["meta"] = {"title": title, **layout.get("meta", {})}
    figure.update_layout(**settings)
    # Inside <script type="application/json">: no "</" may close the element early.
    return figure.to_json()


def _whole_ticks(values: list[Any]) -> dict[str, Any]:
    """Axis settings for counts: whole-number ticks only."""
    top = max((v for v in values if v is not None), default=1) or 1
    return {"tickformat": ",d", "tick0": 0, "dtick": max(1, -(-int(top) // 5))}


def _bars(
    title: str, labels: list[str], values: list[Any], axis: str, links: list[str | None]
) -> str:
    values = list(values)
    figure = Figure().add_bar(
        x=values,
        y=labels,
        orientation="h",
        marker_color=GREEN,
        customdata=links,
        hovertemplate="%{y}: %{x:,d}<extra></extra>",
    )
    return _layout(
        figure,
        title,
        height=90 + 28 * max(len(labels), 1),
        xaxis={"title": axis, **_whole_ticks(values)},
        yaxis={"autorange": "reversed", "automargin": True},
    )


def region_names() -> dict[str, str]:
    rows = region_rows()
    return {r["code"]: r["name"] for r in (*rows.provinces, *rows.regencies)}


# Overview -----------------------------------------------------------------------


def funnel_chart(ctx: Context) -> Chart:
    rows = programme.funnel(ctx.session, ctx.user, ctx.filters, ctx.today)
    frame = pd.DataFrame(
        [(code, code_label("funnel", code), n) for code, n in rows],
        columns=[_("Code"), _("Stage"), _("Returnees")],
    )
    links = [ctx.link("stage", code) for code, _n in rows]
    title = _("From return to a lasting business")
    figure = _bars(
        title,
        list(frame[_("Stage")]),
        list(frame[_("Returnees")]),
        _("Returnees"),
        links,
    )
    return Chart("funnel", title, frame, figure, ["text", "text", "number"], links)


# The map -------------------------------------------------------------------------

#: What the map can colour its regions by: the label, and how a value is written.
MAP_FIGURES: dict[str, tuple[Any, str]] = {
    "returnees": (_l("Returnees"), "number"),
    "businesses": (_l("Businesses"), "number"),
    "operating": (_l("Businesses operating"), "number"),
    "operating_share": (_l("Share of businesses operating"), "percent"),
    "mean_wellbeing": (_l("Mean wellbeing (0-1)"), "number"),
}
DEFAULT_MAP_FIGURE = "operating"
#: The map's title per figure and level.
MAP_TITLES = {
    ("operating", "province"): _l("Businesses operating by province"),
    ("operating", "regency"): _l("Businesses operating by regency or city"),
    ("returnees", "province"): _l("Returnees by province"),
    ("returnees", "regency"): _l("Returnees by regency or city"),
    ("businesses", "province"): _l("Businesses by province"),
    ("businesses", "regency"): _l("Businesses by regency or city"),
    ("operating_share", "province"): _l("Share of businesses operating by province"),
    ("operating_share", "regency"): _l(
        "Share of businesses operating by regency or city"
    ),
    ("mean_wellbeing", "province"): _l("Mean wellbeing by province"),
    ("mean_wellbeing", "regency"): _l("Mean wellbeing by regency or city"),
}
#: The classes' colours, lightest to darkest (ColorBrewer's 5-class Greens).
MAP_CLASSES = ("#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
#: A region in view with nothing to show (no one, or no figure).
NONE_COLOUR = "#e2e5e8"
#: A region whose figure is hidden for its group's size: grey, hatched.
HIDDEN_COLOUR = "#ced4da"
HIDDEN_PATTERN = {
    "shape": "/",
    "bgcolor": HIDDEN_COLOUR,
    "fgcolor": "#495057",
    "size": 6,
    "solidity": 0.25,
}
#: A region drawn for its place only: outside the reader's region or the filters.
OUTSIDE_COLOUR = "#ffffff"
BORDER = "#ffffff"
SEA = "#dce9f3"
#: Every region's trace: a filled outline that answers hover and clicks.
#: ColorBrewer's Greens, light to dark, as plotly.py spells its "Greens" (plotly.js's
#: own "Greens" runs the other way).
GREENS = [
    [i / 8, f"rgb({colour})"]
    for i, colour in enumerate(
        (
            "247,252,245",
            "229,245,224",
            "199,233,192",
            "161,217,155",
            "116,196,118",
            "65,171,93",
            "35,139,69",
            "0,109,44",
            "0,68,27",
        )
    )
]
REGION_TRACE = {
    "type": "scatter",
    "mode": "lines",
    "fill": "toself",
    "hoveron": "fills",
    "hoverinfo": "text",
    "showlegend": False,
    "line": {"color": BORDER, "width": 0.6},
}
#: Shares and means (0 to 1) fall into fixed fifths, comparable between views.
FIFTHS = (Decimal("0.2"), Decimal("0.4"), Decimal("0.6"), Decimal("0.8"))
FIFTH_FIGURES = ("operating_share", "mean_wellbeing")


@dataclass(frozen=True)
class MapClass:
    label: str
    colour: str
    #: The highest value in the class (counts), or the bound below it (fifths).
    upper: Decimal


def _round_up(value: float) -> int:
    """``value`` rounded up to a whole number of two significant digits at most
    (7.6 gives 8, 134 gives 140, 1,234 gives 1,300): a bound that reads simply."""
    if value <= 1:
        return 1
    step = 10 ** max(0, math.floor(math.log10(value)) - 1)
    return math.ceil(value / step) * step


def count_classes(values: list[int | None]) -> list[MapClass]:
    """Up to five classes of whole numbers for the positive ``values``: bounds at
    their quantiles, rounded up (:func:`_round_up`), so that each class holds about
    as many regions and reads simply ("11–20")."""
    values = sorted(v for v in values if v)
    if not values:
        return []
    k = min(len(MAP_CLASSES), len(set(values)))
    series = pd.Series(values)
    uppers: list[int] = []
    for i in range(1, k + 1):
        upper = _round_up(float(series.quantile(i / k)))
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    # The darkest class ends at the largest value, not at a round number above it.
    uppers[-1] = max(values[-1], uppers[-2] + 1 if len(uppers) > 1 else 1)
    colours = MAP_CLASSES[len(MAP_CLASSES) - len(uppers) :]
    classes, low = [], 1
    for upper, colour in zip(uppers, colours, strict=True):
        label = (
            format_number(upper)
            if low == upper
            else f"{format_number(low)}–{format_number(upper)}"
        )
        classes.append(MapClass(label, colour, Decimal(upper)))
        low = upper + 1
    return classes


def fifth_classes(kind: str) -> list[MapClass]:
    """Five fixed classes of a share or a mean between 0 and 1."""
    written = [
        format_percent(bound, "#,##0%") if kind == "percent" else format_number(bound)
        for bound in FIFTHS
    ]
    labels = [
        f"< {written[0]}",
        *(f"{a}–{b}" for a, b in itertools.pairwise(written)),
        f"≥ {written[-1]}",
    ]
    return [
        MapClass(label, colour, bound)
        for label, colour, bound in zip(
            labels, MAP_CLASSES, (*FIFTHS, Decimal(1)), strict=True
        )
    ]


def class_of(value: Decimal | int, classes: list[MapClass], fifths: bool) -> MapClass:
    for item in classes:
        if (value < item.upper) if fifths else (value <= item.upper):
            return item
    return classes[-1]


def _written(value: Any, kind: str) -> str:
    """A figure as the table writes it."""
    if kind == "percent":
        return format_percent(value, "#,##0.0%")
    return format_number(value)


def map_boundaries(level: str, province: str | None) -> str:
    """The address of the boundary file the map draws (``static/boundaries``)."""
    name = "provinces.json" if level == "province" else f"regencies-{province}.json"
    return asset_url(f"boundaries/{name}")


def _hover(name: str, area: programme.Area | None, chosen: str) -> str:
    """What hovering a region says: its name and every figure (the chosen one
    first, in bold), a hidden figure as hidden, never as a value."""
    lines = [f"<b>{name}</b>"]
    if area is None:
        return "<br>".join([*lines, _("No returnees in this view.")])
    order = [chosen, *(figure for figure in MAP_FIGURES if figure != chosen)]
    for figure_name in order:
        label, kind = MAP_FIGURES[figure_name]
        value = getattr(area, figure_name)
        if figure_name in area.hidden:
            text = left_out_for_small_group(pert.MIN_FOR_STATISTICS)
        else:
            text = "–" if value is None else _written(value, kind)
        line = f"{label}: {text}"
        lines.append(f"<b>{line}</b>" if figure_name == chosen else line)
    return "<br>".join(lines)


def _fill(
    area: programme.Area | None, chosen: str, classes: list[MapClass]
) -> tuple[str, dict[str, Any] | None, str]:
    """A region's colour, pattern and legend entry for the chosen figure."""
    if area is not None and chosen in area.hidden:
        return (
            HIDDEN_COLOUR,
            HIDDEN_PATTERN,
            left_out_for_small_group(pert.MIN_FOR_STATISTICS),
        )
    fifths = chosen in FIFTH_FIGURES
    value = None if area is None else getattr(area, chosen)
    if value is None or not classes or (not fifths and not value):
        return NONE_COLOUR, None, _("No figure") if fifths else _("None")
    item = class_of(value, classes, fifths)
    return item.colour, None, item.label


def area_chart(ctx: Context) -> Chart:
    """The map: each province (or, inside one, each regency) filled by the class of
    the chosen figure. The figure holds the regions' colours and hover text; their
    shapes come from a static boundary file, cached a year (``docs/map.md``)."""
    level, areas = programme.by_area(ctx.session, ctx.user, ctx.filters)
    names = region_names()
    hidden_text = left_out_for_small_group(pert.MIN_FOR_STATISTICS)
    frame = pd.DataFrame(
        [
            (
                a.code,
                names.get(a.code, a.code),
                *(
                    hidden_text if name in a.hidden else getattr(a, name)
                    for name in MAP_FIGURES
                ),
            )
            for a in areas
        ],
        columns=[
            _("Code"),
            _("Province") if level == "province" else _("Regency or city"),
            *(str(label) for label, _kind in MAP_FIGURES.values()),
        ],
    )
    dimension = "province" if level == "province" else "regency"
    links = [ctx.link(dimension, a.code) for a in areas]
    chosen = ctx.map_figure if ctx.map_figure in MAP_FIGURES else DEFAULT_MAP_FIGURE
    label, kind = MAP_FIGURES[chosen]
    if chosen in FIFTH_FIGURES:
        classes = fifth_classes(kind)
    else:
        classes = count_classes([getattr(a, chosen) for a in areas])
    province = ctx.filters.province_code or ctx.user.scope_province_code
    by_code = {a.code: (a, link) for a, link in zip(areas, links, strict=True)}
    if level == "province":
        regions = [code for code in names if "." not in code]
    else:
        regions = [code for code in names if code.startswith(f"{province}.")]
    # Inside a province, the regencies outside the reader's region or the regency
    # chosen are drawn for their place only: no figure, no hover, no link.
    only = {ctx.filters.regency_code, ctx.user.scope_regency_code} - {None}
    # What every region's trace shares is said once, in the figure's own template
    # (which also leaves Plotly's default template, 7 KB, out of the page).
    figure = Figure(layout={"template": {"data": {"scatter": [REGION_TRACE]}}})
    legend: dict[str, tuple[str, dict[str, Any] | None]] = {
        item.label: (item.colour, None) for item in classes
    }
    for code in regions:
        name = html.escape(names[code])
        if level == "regency" and only - {code}:
            figure.add_scatter(
                fillcolor=OUTSIDE_COLOUR,
                hoverinfo="skip",
                line={"color": "#ced4da", "width": 0.6},
                **_region(code, name),
            )
            legend.setdefault(_("Outside this view"), (OUTSIDE_COLOUR, None))
            continue
        area, link = by_code.get(code, (None, None))
        colour, pattern, entry = _fill(area, chosen, classes)
        legend.setdefault(entry, (colour, pattern))
        figure.add_scatter(
            fillcolor=colour,
            fillpattern=pattern,
            text=_hover(name, area, chosen),
            **_region(code, name, link),
        )
    # The legend: the classes in order, then what the other fills mean.
    for entry, (colour, pattern) in legend.items():
        figure.add_scatter(
            x=[None],
            y=[None],
            fillcolor=colour,
            fillpattern=pattern,
            name=entry,
            line={"color": "#adb5bd", "width": 0.6},
            hoverinfo="skip",
            showlegend=True,
        )
    title = str(MAP_TITLES[chosen, level])
    # The whole archipelago at national level; a province's own extent inside it.
    whole = (
        {"xaxis": {"range": [94.5, 141.5]}, "yaxis": {"range": [-11.2, 6.4]}}
        if level == "province"
        else {"xaxis": {}, "yaxis": {}}
    )
    figure_json = _layout(
        figure,
        title,
        height=420,
        hovermode="closest",
        plot_bgcolor=SEA,
        meta={"boundaries": map_boundaries(level, province)},
        legend={
            "orientation": "h",
            "x": 0,
            "y": 0,
            "yanchor": "top",
            "itemclick": False,
            "itemdoubleclick": False,
            "title": {"text": str(label), "side": "top"},
        },
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
        xaxis={"visible": False, "constrain": "domain", **whole["xaxis"]},
        yaxis={
            "visible": False,
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
            **whole["yaxis"],
        },
    )
    note = (
        _("Click a province to see its regencies and cities.")
        if level == "province"
        else ""
    )
    return Chart(
        "areas",
        title,
        frame,
        figure_json,
        ["text", "text", *(kind for _label, kind in MAP_FIGURES.values())],
        links,
        note,
        choices=[(name, str(label)) for name, (label, _k) in MAP_FIGURES.items()],
        chosen=chosen,
    )


def _region(code: str, name: str, link: str | None = None) -> dict[str, Any]:
    """A region's trace, without its shape: the page fills ``x`` and ``y`` in from
    the boundary file, by the code in ``meta``."""
    return {"name": name, "meta": {"region": code, "link": link}}


def country_chart(ctx: Context) -> Chart:
    rows = programme.by_country(ctx.session, ctx.user, ctx.filters)
    locale = _locale()
    frame = pd.DataFrame(
        [(code, country_name(code, locale), n) for code, n in rows],
        columns=[_("Code"), _("Country"), _("Returnees")],
    )
    links = [ctx.link("country", code) for code, _n in rows]
    title = _("Returnees by last destination country")
    shown = frame.head(15)
    figure = _bars(
        title,
        list(shown[_("Country")]),
        list(shown[_("Returnees")]),
        _("Returnees"),
        links[:15],
    )
    return Chart("countries", title, frame, figure, ["text", "text", "number"], links)


def sector_chart(ctx: Context) -> Chart:
    rows = programme.by_sector(ctx.session, ctx.user, ctx.filters)
    frame = pd.DataFrame(
        [
            (code, code_label("business_line", code), n, operating)
            for code, n, operating in rows
        ],
        columns=[_("Code"), _("Line of business"), _("Businesses"), _("Operating")],
    )
    links = [ctx.link("business_sector", code) for code, _n, _o in rows]
    title = _("Businesses by line of business")
    labels = list(frame[_("Line of business")])
    figure = Figure()
    figure.add_bar(
        x=list(list(frame[_("Businesses")])),
        y=labels,
        orientation="h",
        name=_("Businesses"),
        marker_color="#9fc5b8",
        customdata=links,
    )
    figure.add_bar(
        x=list(list(frame[_("Operating")])),
        y=labels,
        orientation="h",
        name=_("Operating"),
        marker_color=GREEN,
        customdata=links,
    )
    figure_json = _layout(
        figure,
        title,
        barmode="overlay",
        height=140 + 28 * max(len(labels), 1),
        xaxis={
            "title": _("Businesses"),
            **_whole_ticks(list(list(frame[_("Businesses")]))),
        },
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return Chart(
        "sectors",
        title,
        frame,
        figure_json,
        ["text", "text", "number", "number"],
        links,
    )


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
    )
    title = _("Share with an operating business, by months since return")
    z = [[None if s is None else float(s) * 100 for s in r.shares] for r in rows]
    figure = Figure().add_trace(
        "heatmap",
        z=z,
        x=month_columns,
        y=list(frame[_("Returned in")]),
        colorscale=GREENS,
        zmin=0,
        zmax=100,
        hoverongaps=False,
        texttemplate="%{text}",
        text=[["" if v is None else f"{v:.0f}%" for v in row] for row in z],
        colorbar={"title": "%"},
        hovertemplate="%{y}, %{x}: %{z:.1f}%<extra></extra>",
    )
    figure_json = _layout(
        figure,
        title,
        height=160 + 26 * max(len(rows), 1),
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        xaxis={"title": _("Months since return"), "type": "category"},
    )
    note = _(
        "Each row is the people whose latest return fell in that quarter; a cell "
        "is empty until all of them have been home that long."
    )
    return Chart(
        "cohorts",
        title,
        frame,
        figure_json,
        ["text", "text", "number", *(["percent"] * len(COHORT_MONTHS))],
        [],
        note,
    )


def survival_chart(ctx: Context, by: str) -> Chart:
    counts = ctx.once(
        "survival",
        lambda: programme.survival_counts(
            ctx.session, ctx.user, ctx.filters, ctx.today
        ),
    )[by]
    locale = _locale()
    label = (
        (lambda c: code_label("business_line", c))
        if by == "sector"
        else (lambda c: country_name(c, locale))
    )
    curves = {code: kaplan_meier(rows) for code, rows in counts.items()}
    sizes = {code: curve[0].at_risk for code, curve in curves.items()}
    survival = {
        code: {m: survival_at(curve, m) for m in SURVIVAL_MONTHS}
        for code, curve in curves.items()
    }
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
            survival[code] = {
                m: pert.statistic(
                    v, sizes[code], key, f"km_{m}", Decimal("0.025"), Decimal("0.05")
                )
                for m, v in survival[code].items()
            }
    order = sorted(curves, key=lambda code: -sizes[code])
    frame = pd.DataFrame(
        [
            (
                code,
                label(code),
                sizes[code],
                *(survival[code][m] for m in SURVIVAL_MONTHS),
            )
            for code in order
        ],
        columns=[
            _("Code"),
            _("Line of business") if by == "sector" else _("Destination"),
            _("Businesses"),
            *(_("Open after %(months)s months", months=m) for m in SURVIVAL_MONTHS),
        ],
    )
    title = (
        _("Business survival by line of business")
        if by == "sector"
        else _("Business survival by destination country")
    )
    figure = Figure()
    for i, code in enumerate(order[:MAX_LINES]):
        if protect:
            months = [0, *SURVIVAL_MONTHS]
            shares = [
                1.0,
                *(
                    None if survival[code][m] is None else float(survival[code][m])
                    for m in SURVIVAL_MONTHS
                ),
            ]
            mode = "lines+markers"
        else:
            steps = curves[code]
            # The curve runs on, flat, to the longest follow-up.
            longest = max(months for months, _c, _o in counts[code])
            months = [s.months for s in steps] + [longest]
            shares = [float(s.survival) for s in steps] + [float(steps[-1].survival)]
            mode = "lines"
        figure.add_scatter(
            x=months,
            y=shares,
            mode=mode,
            line_shape="hv",
            name=label(code),
            line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
            hovertemplate="%{x} "
            + _("months")
            + ": %{y:.0%}<extra>"
            + label(code)
            + "</extra>",
        )
    figure_json = _layout(
        figure,
        title,
        height=380,
        xaxis={"title": _("Months since opening"), "rangemode": "tozero"},
        yaxis={"title": _("Share still open"), "tickformat": ".0%", "range": [0, 1.02]},
    )
    note = _(
        "Kaplan-Meier estimate: a business that has not closed counts until today; "
        "a paused or reopened business has not closed."
    )
    return Chart(
        f"survival_{by}",
        title,
        frame,
        figure_json,
        ["text", "text", "number", *(["percent"] * len(SURVIVAL_MONTHS))],
        [],
        note,
    )


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
    )
    title = (
        _("Outstanding KUR by collectibility and bank")
        if by == "lender"
        else _("Outstanding KUR by collectibility and region")
    )
    labels = [label(m.key) for m in mix]
    figure = Figure()
    for grade in range(1, 6):
        figure.add_bar(
            x=[m.outstanding[grade - 1] for m in mix],
            y=labels,
            orientation="h",
            name=classes[grade - 1],
            marker_color=GRADE_COLOURS[grade],
            hovertemplate="%{y}: Rp%{x:,d}<extra>" + classes[grade - 1] + "</extra>",
        )
    # Only rupiah in this chart: dots between thousands in both languages, as
    # ``i18n.format_rupiah`` writes them (Rp1.250.000) in its table.
    figure_json = _layout(
        figure,
        title,
        barmode="stack",
        legend_traceorder="normal",
        separators=",.",
        height=160 + 28 * max(len(labels), 1),
        xaxis={"title": _("Outstanding principal (Rp)"), "tickformat": ",d"},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return Chart(
        f"mix_{by}",
        title,
        frame,
        figure_json,
        ["text", "text", *(["rupiah"] * 6), "percent"],
    )


def trend_chart(ctx: Context, by: str) -> Chart:
    trend = ctx.once(
        "trends",
        lambda: programme.npl_trends(ctx.session, ctx.user, ctx.filters, ctx.today),
    )[by]
    heading, label = _group_label(ctx, by)
    ends = programme.month_ends_before(ctx.today)
    month_names = [format_date(day, "MMM yyyy") for day in ends]
    trend = {
        code: [(day, ratio) for day, ratio, _loans in points]
        for code, points in trend.items()
    }
    frame = pd.DataFrame(
        [
            (code, label(code), *(ratio for _d, ratio in points))
            for code, points in trend.items()
        ],
        columns=[_("Code"), heading, *month_names],
    )
    title = (
        _("NPL at each month end, by bank")
        if by == "lender"
        else _("NPL at each month end, by region")
    )
    figure = Figure()
    for i, (code, points) in enumerate(list(trend.items())[:MAX_LINES]):
        figure.add_scatter(
            x=[d.isoformat() for d, _r in points],
            y=[None if r is None else float(r) for _d, r in points],
            mode="lines+markers",
            name=label(code),
            line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
            hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>" + label(code) + "</extra>",
        )
    figure_json = _layout(
        figure,
        title,
        height=360,
        xaxis={"title": _("Month end"), "type": "date"},
        yaxis={"title": _("NPL"), "tickformat": ".0%", "rangemode": "tozero"},
    )
    return Chart(
        f"trend_{by}",
        title,
        frame,
        figure_json,
        ["text", "text", *(["percent"] * len(ends))],
    )


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
