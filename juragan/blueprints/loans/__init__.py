"""KUR: simulator, applications, decisions, schedules and repayments."""

from flask import Blueprint

bp = Blueprint("loans", __name__, url_prefix="/kur")

from juragan.blueprints.loans import views  # noqa: E402, F401, I001
from juragan.blueprints.loans import event_views  # noqa: E402, F401
from juragan.blueprints.loans import progress_views  # noqa: E402, F401
