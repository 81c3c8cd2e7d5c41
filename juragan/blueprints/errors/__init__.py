"""Error pages in the reader's language, or JSON for API clients."""

from __future__ import annotations

from contextlib import nullcontext, suppress

from flask import Flask, g, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from juragan.extensions import db, login_manager
from juragan.web.transaction import DATABASE_UNAVAILABLE, discard_session_changes

#: How long a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 5
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
    503: (
        _l("Briefly unavailable"),
        _l(
            "juragan cannot reach its database just now. What was saved before is "
            "safe. Wait a few seconds and try again; if you were saving something, "
            "check afterwards that it is there."
        ),
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


def language_in_memory(user: object) -> str | None:
    """The account's language if it is loaded, read without touching the database:
    after a commit the account is expired, and reloading it on a lost connection
    fails again (the session refuses to go on until it is rolled back)."""
    state = sa_inspect(user, raiseerr=False)
    return state.dict.get("locale") if state is not None else None


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
            discard_session_changes()
        return render_error(code)

    @app.errorhandler(StaleDataError)
    def lost_update(error: StaleDataError):
        # Two changes of one record crossed: the other one was committed first.
        discard_session_changes()
        return render_error(409)

    def database_unavailable(error: Exception):
        app.logger.warning(
            "Database unavailable on %s %s: %s",
            request.method,
            request.path,
            getattr(error, "orig", error),
        )
        # The page must render without the database: keep the reader's language if
        # the account is still in memory, then show the page as to a visitor (the
        # navigation would otherwise ask the database about the account again).
        locale = language_in_memory(g.get("_login_user"))
        g._login_user = login_manager.anonymous_user()
        discard_session_changes()
        with force_locale(locale) if locale else nullcontext():
            body, code = render_error(503)
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    for kind in DATABASE_UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)

    @app.teardown_appcontext
    def release_database_session(_error: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own teardown (teardowns run in reverse order
        # of registration). When the database goes away after the answer is ready,
        # the closing ROLLBACK fails; the answer still stands, so drop the dead
        # connection instead of turning it into a 500. The pool opens a new one.
        try:
            db.session.remove()
        except DATABASE_UNAVAILABLE as error:
            app.logger.warning(
                "Database connection lost while closing: %s",
                getattr(error, "orig", error),
            )
            with suppress(*DATABASE_UNAVAILABLE):
                db.session.registry().invalidate()
            db.session.registry.clear()

    @app.errorhandler(Exception)
    def unhandled_error(error: Exception):
        # Log with the traceback, then answer with the generic page: nothing leaks.
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        discard_session_changes()
        return render_error(InternalServerError.code)
