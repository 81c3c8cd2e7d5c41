"""One transaction per request: committed once when the answer is a success, rolled
back otherwise; and the one way a view turns a refused service call into form errors.

Views call services (which flush and never commit) and leave the commit to
:func:`commit_on_success`. A view commits by hand only what must stay whatever the
request goes on to do (a wrong code counted, an access recorded before a file goes
out); ``tests/web/test_transaction.py`` lists those commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from flask import Flask, Response, current_app
from sqlalchemy import exc as sa_exc

from juragan.errors import DomainError
from juragan.extensions import db
from juragan.web.forms import attach_error, flash_errors

#: Errors that mean the database cannot be reached (down, restarting, pool exhausted),
#: not that the request was wrong.
DATABASE_UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
)


def discard_session_changes() -> None:
    """Roll the request's session back; a connection already lost is no new error
    (the pool replaces it on the next checkout)."""
    with suppress(*DATABASE_UNAVAILABLE):
        db.session.rollback()


def commit_on_success(response: Response) -> Response:
    """After the view: commit if it answered below 400, roll back otherwise.

    A commit that fails (a lost update, a constraint checked at commit, the database
    gone) is rolled back and answered by the error handler that would have answered
    the same error raised in the view: a 409, a 503, a 500 with its log line.
    """
    if response.status_code >= 400:
        discard_session_changes()
        return response
    try:
        db.session.commit()
    except Exception as error:
        discard_session_changes()
        # Re-raises what no handler takes (the app has one for every Exception).
        return current_app.make_response(current_app.handle_user_exception(error))
    return response


def end_of_request(_error: BaseException | None) -> None:
    """Whatever happened (an error that escaped every handler included), nothing
    uncommitted outlives the request. After a commit this does nothing."""
    discard_session_changes()


def register(app: Flask) -> None:
    # Registered after the other after-request hooks, so it runs before them (Flask
    # runs them in reverse): an error page from a failed commit gets the same
    # headers, flashes and compression as any other page.
    app.after_request(commit_on_success)
    app.teardown_request(end_of_request)


class Refusal:
    """What :func:`domain_errors` caught: true when the service refused."""

    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


@contextmanager
def domain_errors(form: Any = None, *, flash: bool = False) -> Iterator[Refusal]:
    """Run a service call; if it refuses (:class:`~juragan.errors.DomainError`),
    undo what it wrote and show why: beside the fields of ``form``, or flashed with
    ``flash=True``, or (with neither) as the caller decides from ``.error``::

        with domain_errors(form) as refused:
            services.do_it(db.session, ...)
        if not refused:
            flash(_("Done."), "success")
            return redirect(...)
    """
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        db.session.rollback()
        refusal.error = error
        if form is not None:
            attach_error(form, error)
        if flash:
            flash_errors(error)
