"""The plain-dict figures write what plotly.py's validated figures wrote, for every
kind of call the charts make (the charts were moved over with their output
compared, 134 charts of 42 pages; this keeps the builder honest)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
import plotly.io as pio

from juragan.dashboards.plain_figure import Figure


def _same(value):
    """JSON numbers as numbers: 2 and 2.0 are the same to plotly.js."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same(v) for v in value]
    return value


def _both(build):
    plain, validated = Figure(), go.Figure()
    build(plain)
    build(validated)
    return (
        _same(json.loads(plain.to_json())),
        _same(json.loads(pio.to_json(validated, engine="orjson"))),
    )


def test_bars_lines_and_a_threshold():
    def build(figure):
        figure.add_bar(
            x=["Jan", "Feb"],
            y=[Decimal("1250000"), 2_000_000],
            name="Penjualan",
            marker_color="#9ec5fe",
            customdata=["/a", None],
            hovertemplate="%{x}: Rp%{y:,d}<extra></extra>",
        )
        figure.add_scatter(
            x=[date(2026, 1, 31), date(2026, 2, 28)],
            y=[0.5, None],
            mode="lines+markers",
            line_shape="hv",
            line={"color": "#0f6b4f", "width": 2},
            fillpattern=None,
        )
        figure.add_hline(
            y=0, line_dash="dot", line_color="#6c757d", annotation_text="Impas"
        )
        figure.update_layout(
            barmode="group",
            xaxis_title="Bulan",
            yaxis_title="Rupiah",
            separators=",.",
            margin={"l": 10, "r": 10, "t": 30, "b": 40},
            meta={"title": "Proyeksi", "link": None},
            legend={"orientation": "h", "x": 0, "y": 1.02},
        )
        figure.update_yaxes(tickformat=",d", tickprefix="Rp")

    plain, validated = _both(build)
    assert plain == validated


def test_a_heatmap_with_its_colour_bar_title():
    def build(figure):
        add = (
            figure.add_heatmap
            if isinstance(figure, go.Figure)
            else lambda **kw: figure.add_trace("heatmap", **kw)
        )
        add(
            z=[[10.0, None], [55.5, 70.0]],
            x=["3", "6"],
            y=["2025 K1", "2025 K2"],
            zmin=0,
            zmax=100,
            hoverongaps=False,
            colorbar={"title": "%"},
        )
        figure.update_layout(
            height=212,
            xaxis={"title": "Bulan sejak pulang", "type": "category"},
            title="Kohort",
        )

    plain, validated = _both(build)
    assert plain == validated


def test_a_figure_with_its_own_template():
    template = {"data": {"scatter": [{"type": "scatter", "mode": "lines"}]}}
    plain = json.loads(Figure(layout={"template": template}).to_json())
    validated = json.loads(
        pio.to_json(go.Figure(layout={"template": template}), engine="orjson")
    )
    assert plain == validated


def test_nothing_closes_the_script_element_early():
    figure = Figure().add_bar(x=["</script><script>alert(1)</script>"], y=[1])
    assert "</" not in figure.to_json()
