"""Each role's home page."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from juragan.blueprints.main import views  # noqa: E402, F401
