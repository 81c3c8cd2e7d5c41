"""Returnee lists and records, always through the user's scope."""

from flask import Blueprint

bp = Blueprint("returnees", __name__, url_prefix="/returnees")

from juragan.blueprints.returnees import consents, files, views  # noqa: E402, F401
