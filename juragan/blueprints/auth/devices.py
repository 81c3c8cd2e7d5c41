"""Device cookies: a browser that has signed in to an account before is known to it.

Sign-in limits key on them (OWASP's "device cookies" against online guessing):
wrong passwords from unknown browsers use up the account's allowance for unknown
browsers only, and a known browser has an allowance of its own, so that nobody
can lock a person out of their own phone by failing to sign in as them. A known
browser is also not held back by its address's limit (an office behind one
address, a warnet).
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "juragan_device"
#: A year: long enough to outlast a person's habits, short enough to go stale.
MAX_AGE = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def known_device(username: str) -> str | None:
    """The id of this browser if it has signed in to ``username`` before."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != username.strip().lower():
        return None
    device = data.get("d")
    return device if isinstance(device, str) else None


def remember_device(response: Response, username: str) -> None:
    """After a successful sign-in: this browser is known to ``username``."""
    device = known_device(username) or secrets.token_urlsafe(12)
    value = _serializer().dumps({"u": username.strip().lower(), "d": device})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        path="/login",
    )
