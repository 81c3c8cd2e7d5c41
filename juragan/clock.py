"""The one clock: the moment in UTC, and "today" where the person is.

Indonesia keeps three time zones (Keppres 41/1987, ``docs/time.md``): WIB (UTC+7),
WITA (UTC+8) and WIT (UTC+9). The server's UTC date is still yesterday's between
00:00 and 07:00 WIB, so a date typed in the field is compared with the date of the
place, never with ``datetime.date.today()`` nor ``utcnow().date()``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from juragan.extensions import db
from juragan.models import Returnee, Role, utcnow

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")

#: Provinces outside WIB, by Kemendagri code (Keppres 41/1987; the provinces made
#: since keep the zone of the province they came from). Every other province is WIB.
_ZONE_OF_PROVINCE: dict[str, ZoneInfo] = {
    # Bali, NTB, NTT; Kalimantan Selatan, Timur, Utara; all of Sulawesi.
    **dict.fromkeys(
        ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"), WITA
    ),
    # Maluku, Maluku Utara and all of Papua.
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), WIT),
}


def now() -> datetime:
    """The moment, timezone-aware in UTC."""
    return utcnow()


def zone_of(province_code: str | None) -> ZoneInfo:
    """The time zone of a province; WIB, the capital's, where there is none."""
    return _ZONE_OF_PROVINCE.get(province_code or "", WIB)


def date_in(province_code: str | None, at: datetime | None = None) -> date:
    """The calendar date in a province at the moment ``at`` (now, unless given)."""
    return _local(at, zone_of(province_code))


def province_of(user: Any) -> str | None:
    """Where an account's person is: a staff member's region, a returnee's own
    address; ``None`` for national and administrative accounts."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.scope_province_code:
        return user.scope_province_code
    if user.role != Role.RETURNEE:
        return None
    return db.session.scalar(
        select(Returnee.province_code).where(Returnee.user_id == user.id)
    )


def zone() -> ZoneInfo:
    """The time zone of the signed-in person (WIB outside a request)."""
    if not has_request_context():
        return WIB
    if "clock_zone" not in g:
        g.clock_zone = zone_of(province_of(current_user))
    return g.clock_zone


def today(at: datetime | None = None) -> date:
    """Today where the signed-in person is (at ``at``, now unless given)."""
    return _local(at, zone())


def _local(at: datetime | None, tz: ZoneInfo) -> date:
    moment = at or now()
    if moment.tzinfo is None:  # SQLite gives back stored moments as naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()
