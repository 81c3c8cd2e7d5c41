"""Reference data: Kemendagri regions."""

from flask import Blueprint

bp = Blueprint("reference", __name__, url_prefix="/reference")

from juragan.blueprints.reference import views  # noqa: E402, F401
