"""Plotly figures as plain dicts, serialised once with orjson.

``plotly.graph_objects`` checks every property of every trace against the schema as
it is set, which cost a dashboard more than its SQL. The figures here are written by
the app, not by users, so the few calls the charts make are kept (``add_bar``,
``add_scatter``, ``add_hline``, ``update_layout``, ``update_yaxes``) and build the
same JSON straight away: plotly.py's ``a_b`` shorthand for nested properties
(``marker_color`` is ``{"marker": {"color": ...}}``), a title given as text is
``{"text": ...}``, and the default template is added as plotly.py adds it, so
that the charts look as they did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import orjson

#: The trace types the charts may draw: those of the partial plotly.js bundle the
#: pages load (``tests/web/test_assets.py`` holds the two together).
TRACE_TYPES = frozenset({"bar", "scatter", "heatmap"})
#: Properties whose ``<name>_<sub>`` keywords nest (``line_dash``, ``xaxis_title``).
_NESTING = frozenset(
    {"marker", "line", "xaxis", "yaxis", "annotation", "legend", "font", "title"}
)
#: Properties of any value, written as given (``None`` inside them included).
_OPAQUE = frozenset({"meta", "template", "customdata"})
#: Properties plotly.py turns from text into ``{"text": ...}``.
_TITLED = frozenset({"title", "colorbar"})


@cache
def default_template() -> dict[str, Any]:
    """plotly.py's default template, as it writes it into every figure."""
    import plotly.io as pio

    template = pio.templates[pio.templates.default].to_plotly_json()
    return orjson.loads(pio.json.to_json_plotly(template, engine="orjson"))


def _expanded(properties: Mapping[str, Any]) -> dict[str, Any]:
    """``marker_color=x`` as ``{"marker": {"color": x}}``, recursively."""
    out: dict[str, Any] = {}
    for key, value in properties.items():
        head, _, rest = key.partition("_")
        if rest and head in _NESTING:
            _merge(out, {head: _expanded({rest: value})})
        else:
            _merge(out, {key: value})
    return out


def _titled(properties: dict[str, Any]) -> dict[str, Any]:
    """Titles as plotly.js 3 and later read them: ``{"text": ...}``."""
    for key, value in list(properties.items()):
        if key == "title" and isinstance(value, str):
            properties[key] = {"text": value}
        elif isinstance(value, dict) and key not in ("meta", "template"):
            _titled(value)
    return properties


def _merge(into: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Nested dicts merged key by key (as ``update_layout`` does); anything else
    replaced. ``None`` sets nothing, as in plotly.py."""
    for key, value in update.items():
        if value is None:
            continue
        if key in _OPAQUE:
            into[key] = value
        elif isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, Mapping):
            into[key] = {}
            _merge(into[key], value)
        else:
            into[key] = value


class Figure:
    """The figure the charts build: ``data`` (traces) and ``layout``."""

    def __init__(
        self,
        data: Iterable[Mapping[str, Any]] | Mapping[str, Any] = (),
        layout: Mapping[str, Any] | None = None,
    ) -> None:
        traces = [data] if isinstance(data, Mapping) else list(data)
        self.data: list[dict[str, Any]] = [dict(t) for t in traces]
        self.layout: dict[str, Any] = {}
        if layout:
            self.update_layout(**layout)

    def add_trace(self, kind: str, **properties: Any) -> Figure:
        if kind not in TRACE_TYPES:
            raise ValueError(f"{kind!r}: the pages' plotly.js bundle cannot draw it")
        self.data.append({"type": kind, **_titled(_expanded(properties))})
        return self

    def add_bar(self, **properties: Any) -> Figure:
        return self.add_trace("bar", **properties)

    def add_scatter(self, **properties: Any) -> Figure:
        return self.add_trace("scatter", **properties)

    def add_hline(
        self,
        y: Any,
        line_dash: str | None = None,
        line_color: str | None = None,
        annotation_text: str | None = None,
    ) -> Figure:
        """A horizontal line across the plot at ``y``, as plotly.py draws one."""
        line = {k: v for k, v in (("color", line_color), ("dash", line_dash)) if v}
        self.layout.setdefault("shapes", []).append(
            {
                "type": "line",
                "line": line,
                "x0": 0,
                "x1": 1,
                "xref": "x domain",
                "y0": y,
                "y1": y,
                "yref": "y",
            }
        )
        if annotation_text is not None:
            self.layout.setdefault("annotations", []).append(
                {
                    "showarrow": False,
                    "text": annotation_text,
                    "x": 1,
                    "xanchor": "right",
                    "xref": "x domain",
                    "y": y,
                    "yanchor": "bottom",
                    "yref": "y",
                }
            )
        return self

    def update_layout(self, **properties: Any) -> Figure:
        _merge(self.layout, _titled(_expanded(properties)))
        return self

    def update_yaxes(self, **properties: Any) -> Figure:
        return self.update_layout(yaxis=properties)

    def to_dict(self) -> dict[str, Any]:
        layout = dict(self.layout)
        layout.setdefault("template", default_template())
        return {"data": self.data, "layout": layout}

    def to_json(self) -> str:
        """The figure as JSON for ``<script type="application/json">`` (no "</" can
        close the element early)."""
        text = orjson.dumps(
            self.to_dict(),
            default=_plain,
            option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS,
        ).decode()
        return text.replace("</", "<\\/")


def _plain(value: Any) -> Any:
    """What orjson does not write by itself: decimals as numbers (plotly.js draws
    floats), pandas and numpy values through their Python equivalents."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a figure value")
