"""The programme dashboard for officials."""

from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/dashboard")

from juragan.blueprints.dashboards import views  # noqa: E402, F401
