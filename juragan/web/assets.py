"""Static files light enough for a field office's connection.

- :func:`asset_url` adds a digest of the file's content to its address
  (``/static/js/app.js?v=3f2a9c01d4``), so that a versioned address can be cached
  for a year: a changed file gets a new address.
- :func:`register` compresses what is worth it (gzip or brotli, Flask-Compress),
  and gives versioned static files their long-lived cache headers.
- :func:`plotly_locale` writes Plotly's Indonesian locale (toolbar, month names,
  separators) from the app's own catalogues, served from here like every asset.

HTML pages are not compressed: every signed-in page carries the session's CSRF
token beside text the request echoes (a search, a filter), the pattern BREACH
reads a secret from through compressed sizes. The heavy bytes are the scripts and
stylesheets, and they are compressed (``docs/field-use.md``).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from babel.dates import get_day_names, get_month_names
from flask import Flask, Response, current_app, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_compress import Compress

#: A year, the longest HTTP caches keep anything (RFC 9111 recommends no more).
LONG_LIVED = "public, max-age=31536000, immutable"
#: What is compressed: text that is sent often or is large; never HTML (above).
COMPRESSED_TYPES = (
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/problem+json",
    "image/svg+xml",
    "text/csv",
)
#: The plotly.js bundle the pages load (see ``static/vendor/plotly/README.md``).
PLOTLY_BUNDLE = "vendor/plotly/plotly-cartesian.min.js"

compress = Compress()


class _Memory:
    """Compressed static files, kept per worker: they change only with a deploy."""

    def __init__(self) -> None:
        self._items: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if len(self._items) < 256:
            self._items[key] = value


_memory = _Memory()


def _is_current_version(req) -> bool:
    """Whether a static request names its file's present content (``?v=`` equal
    to the digest :func:`asset_url` writes): only such an address is cached for a
    year, and only its compressed bytes are kept."""
    if req.endpoint != "static" or not req.args.get("v"):
        return False
    filename = (req.view_args or {}).get("filename", "")
    folder = Path(current_app.static_folder or "").resolve()
    target = (folder / filename).resolve()
    if not target.is_relative_to(folder) or not target.is_file():
        return False
    return req.args["v"] == _digest(str(target))


def _cache_key(req) -> str:
    return req.path


@cache
def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """The address of a static file, versioned by its content."""
    folder = Path(current_app.static_folder or "")
    return url_for("static", filename=filename, v=_digest(str(folder / filename)))


#: Two compressors: one keeps the compressed bytes of current static files, the
#: other keeps nothing (every other response). Neither changes per request, so
#: threads never see each other's choice.
compress_static = Compress()


def register(app: Flask) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED_TYPES))
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    compress.init_app(app)
    compress.cache, compress.cache_key = None, None
    compress_static.init_app(app)
    compress_static.cache, compress_static.cache_key = _memory, _cache_key
    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def light_responses(response: Response) -> Response:
        # A partial, not-modified or missing answer is never re-encoded or kept.
        if response.status_code != 200 or "Content-Range" in response.headers:
            return response
        current = _is_current_version(request)
        if current:
            response.headers["Cache-Control"] = LONG_LIVED
            if response.mimetype in COMPRESSED_TYPES:
                # A file is sent as a stream, which Flask-Compress compresses anew
                # on every request; read it once, so the compressed bytes are kept.
                response.direct_passthrough = False
                response.set_data(response.get_data())
                return compress_static.after_request(response)
        return compress.after_request(response)


# Plotly's locale -----------------------------------------------------------------

#: The toolbar and hover strings a cartesian chart shows (plotly.js's own English
#: keys, from its locale files); each is translated through the catalogues.
PLOTLY_STRINGS = {
    "Autoscale": _l("Autoscale"),
    "Box Select": _l("Box select"),
    "Compare data on hover": _l("Compare data on hover"),
    "Double-click on legend to isolate one trace": _l(
        "Double-click on the legend to show one series alone"
    ),
    "Double-click to zoom back out": _l("Double-click to zoom back out"),
    "Download plot as a PNG": _l("Download the chart as a PNG"),
    "Download plot": _l("Download the chart"),
    "Lasso Select": _l("Lasso select"),
    "Pan": _l("Pan"),
    "Produced with Plotly.js": _l("Made with Plotly.js"),
    "Reset": _l("Reset"),
    "Reset axes": _l("Reset the axes"),
    "Reset view": _l("Reset the view"),
    "Reset views": _l("Reset the views"),
    "Show closest data on hover": _l("Show the closest data on hover"),
    "Snapshot succeeded": _l("Picture saved"),
    "Sorry, there was a problem downloading your snapshot!": _l(
        "Sorry, the picture could not be downloaded."
    ),
    "Taking snapshot - this may take a few seconds": _l(
        "Making the picture: this may take a few seconds"
    ),
    "Toggle Spike Lines": _l("Show or hide guide lines"),
    "Toggle show closest data on hover": _l("Show or hide the closest data on hover"),
    "Zoom": _l("Zoom"),
    "Zoom in": _l("Zoom in"),
    "Zoom out": _l("Zoom out"),
    "trace": _l("series"),
    "new text": _l("new text"),
}
#: Locales with a file of their own (English is plotly.js's built-in language).
PLOTLY_LOCALES = ("id",)


@cache
def plotly_locale(locale: str) -> str:
    """A script registering Plotly's locale ``locale`` (its month and day names
    from the CLDR through Babel; separators as the app writes numbers)."""
    with force_locale(locale):
        dictionary = {key: str(text) for key, text in PLOTLY_STRINGS.items()}
    months = get_month_names("wide", locale=locale)
    short_months = get_month_names("abbreviated", locale=locale)
    days = get_day_names("wide", locale=locale)
    short_days = get_day_names("abbreviated", locale=locale)
    # Babel counts days from Monday (0); plotly.js (d3) from Sunday.
    order = [6, 0, 1, 2, 3, 4, 5]
    module = {
        "moduleType": "locale",
        "name": locale,
        "dictionary": dictionary,
        "format": {
            "days": [days[i] for i in order],
            "shortDays": [short_days[i] for i in order],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i].rstrip(".") for i in range(1, 13)],
            "date": "%d/%m/%Y",
            "decimal": ",",
            "thousands": ".",
            "grouping": [3],
            "currency": ["Rp", ""],
        },
    }
    body = json.dumps(module, ensure_ascii=False)
    return f"window.Plotly && window.Plotly.register({body});\n"


def plotly_locale_version(locale: str) -> str:
    return hashlib.sha256(plotly_locale(locale).encode()).hexdigest()[:10]
