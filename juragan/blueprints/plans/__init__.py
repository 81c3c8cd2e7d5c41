"""Business plans and the businesses they become."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from juragan.blueprints.plans import businesses, views  # noqa: E402, F401
