"""Light pages: versioned static files cached for a year, scripts and stylesheets
compressed, HTML never (BREACH), the cartesian plotly.js bundle holding every trace
type juragan draws, and Plotly's Indonesian locale written from the catalogues."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest

from juragan.dashboards import plain_figure
from juragan.web import assets
from tests.factories import login

#: The package: its static folder, and every module that may draw a chart.
PACKAGE = Path(assets.__file__).parents[1]
STATIC = PACKAGE / "static"
LONG = "public, max-age=31536000, immutable"


def _versioned(page_text: str, filename: str) -> str:
    found = re.search(
        rf'"(/static/{re.escape(filename)}\?v=[0-9a-f]{{10}})"', page_text
    )
    assert found, filename
    return found.group(1)


def test_versioned_static_files_are_cached_for_a_year(client, cast):
    page = client.get("/login")
    url = _versioned(page.text, "css/app.css")
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == LONG
    # Without the version the browser asks again.
    with client.get("/static/css/app.css") as plain:
        assert "immutable" not in plain.headers.get("Cache-Control", "")


def test_the_version_follows_the_content(app):
    with app.test_request_context():
        url = assets.asset_url("js/app.js")
    digest = (
        __import__("hashlib").sha256((STATIC / "js/app.js").read_bytes()).hexdigest()
    )
    assert url.endswith(f"?v={digest[:10]}")


@pytest.mark.parametrize(
    ("accept", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_scripts_are_compressed_and_html_is_not(client, cast, accept, decode):
    login(client, cast.official_national.username)
    page = client.get("/dashboard/", headers={"Accept-Encoding": accept})
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers  # CSRF token beside echoed input
    url = _versioned(page.text, assets.PLOTLY_BUNDLE)
    for _ in range(2):  # the second answer comes from the worker's cache
        with client.get(url, headers={"Accept-Encoding": accept}) as script:
            assert script.headers["Content-Encoding"] == accept
            assert "Accept-Encoding" in script.headers["Vary"]
            body = decode(script.data)
        assert body == (STATIC / assets.PLOTLY_BUNDLE).read_bytes()
        assert len(script.data) < len(body) / 3


def test_a_range_request_is_answered_uncompressed(client):
    url = "/static/" + assets.PLOTLY_BUNDLE
    with client.get(
        url, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"}
    ) as part:
        assert part.status_code == 206
        assert "Content-Encoding" not in part.headers
        assert len(part.data) == 100


def test_the_bundle_holds_every_trace_type_juragan_draws():
    bundle = (STATIC / assets.PLOTLY_BUNDLE).read_text()
    shipped = set(re.findall(r'moduleType:"trace",name:"(\w+)"', bundle))
    # Every figure is built by plain_figure.Figure, which draws only these.
    assert {"bar", "scatter", "heatmap"} <= plain_figure.TRACE_TYPES
    assert shipped >= plain_figure.TRACE_TYPES, plain_figure.TRACE_TYPES - shipped
    for source in PACKAGE.rglob("*.py"):
        text = source.read_text()
        assert "import plotly.graph_objects" not in text, source  # no second way
        for kind in re.findall(r'"type": "(\w+)"', text):
            if kind in {"scatter", "bar", "heatmap", "pie", "choropleth", "box"}:
                assert kind in plain_figure.TRACE_TYPES, (source, kind)
    with pytest.raises(ValueError):
        plain_figure.Figure().add_trace("choropleth", z=[1])


def test_the_indonesian_locale_names_months_and_tools(client):
    page = client.get("/login")
    found = re.search(r'"(/vendor/plotly-locale-id\.js\?v=[0-9a-f]{10})"', page.text)
    if found is None:  # the sign-in page draws no chart: ask for it directly
        url = "/vendor/plotly-locale-id.js?v=" + assets.plotly_locale_version("id")
    else:
        url = found.group(1)
    script = client.get(url)
    assert script.status_code == 200
    assert script.mimetype == "text/javascript"
    assert script.headers["Cache-Control"] == LONG
    module = json.loads(re.search(r"register\((.*)\);", script.text).group(1))
    assert module["name"] == "id"
    assert module["format"]["months"][0] == "Januari"
    assert module["format"]["months"][10] == "November"
    assert module["format"]["days"][0] == "Minggu"  # d3 counts from Sunday
    assert (module["format"]["decimal"], module["format"]["thousands"]) == (",", ".")
    assert module["dictionary"]["Zoom in"] == "Perbesar"
    assert module["dictionary"]["Download plot as a PNG"] == "Unduh grafik sebagai PNG"
    assert client.get("/vendor/plotly-locale-xx.js").status_code == 404


def test_the_english_interface_loads_no_locale(client, db, cast):
    cast.official_national.locale = "en"
    db.session.commit()
    login(client, cast.official_national.username)
    page = client.get("/dashboard/")
    assert "plotly-locale" not in page.text


def test_the_favicon_is_found(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    with client.get(response.headers["Location"]) as icon:
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"


def test_only_the_current_version_is_cached_for_a_year(client):
    with client.get("/static/css/app.css?v=0000000000") as stale:
        assert stale.status_code == 200
        assert "immutable" not in stale.headers.get("Cache-Control", "")
    missing = client.get("/static/nope.js?v=1")
    assert missing.status_code == 404
    assert "public" not in missing.headers.get("Cache-Control", "")
    assert len(assets._memory._items) <= 2 * len(list(STATIC.rglob("*.*")))
