"""Account administration and the audit trail."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from juragan.blueprints.admin import views  # noqa: E402, F401
