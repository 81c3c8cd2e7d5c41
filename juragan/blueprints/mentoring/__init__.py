"""Mentoring: caseloads, visits, wellbeing checks and business figures."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")

from juragan.blueprints.mentoring import views  # noqa: E402, F401
