"""Error pages in the reader's language, or JSON for API clients."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from juragan.extensions import db

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please try again."),
    ),
    403: (_l("Not allowed"), _l("Your account is not allowed to do this.")),
    404: (_l("Not found"), _l("The page or record you asked for does not exist.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (
        _l("Changed by someone else"),
        _l(
            "Someone else changed this record while you were working on it. Their "
            "change is saved and yours was not: open the record again to see it, then "
            "make your change again if it is still needed."
        ),
    ),
    413: (_l("Too large"), _l("The file or form you sent is too large.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Wait a minute, then try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "An error on our side stopped this request. Nothing was saved. Please try again."
        ),
    ),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        return jsonify(
            error=str(title), message=str(detail or message), status=code
        ), code
    return (
        render_template(
            "errors/error.html", code=code, title=title, message=detail or message
        ),
        code,
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, str(_l("The form expired or was sent twice. Please submit it again."))
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            return error
        if code >= 500:
            db.session.rollback()
        return render_error(code)

    @app.errorhandler(StaleDataError)
    def lost_update(error: StaleDataError):
        # Two changes of one record crossed: the other one was committed first.
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(Exception)
    def unhandled_error(error: Exception):
        # Log with the traceback, then answer with the generic page: nothing leaks.
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(InternalServerError.code)
