"""The web side of :mod:`juragan.policy`: every view checks access through here.

Out of scope is a 404 (existence is not leaked); in scope but not allowed is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from juragan.extensions import db
from juragan.policy import OBJECTLESS_RULES, Action, can, scoped

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


def requires(action: Action) -> Callable[[F], F]:
    """Decorate a view that needs a signed-in user allowed to do ``action``."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def load_or_404(model: type[M], object_id: int, action: Action) -> M:
    """Load ``model`` by id through the user's scope, then check ``action``.

    The caller's view must be behind ``login_required`` (or ``requires``).
    """
    stmt = scoped(select(model).where(model.id == object_id), current_user, model)  # type: ignore[attr-defined]
    obj = db.session.scalar(stmt)
    if obj is None:
        abort(404)
    if not can(current_user, action, obj):
        abort(403)
    return obj


def user_can(action: Action, obj: Any = None) -> bool:
    """Template helper: the same question the views ask."""
    if obj is None and action not in OBJECTLESS_RULES:
        return False
    return can(current_user, action, obj)


def per_user(bucket: str) -> Callable[[], str]:
    """A rate-limit key: the signed-in user's own allowance in ``bucket`` (a
    search, a verification, an export), whichever address they come from."""
    return lambda: f"{bucket}:{current_user.id}"
