"""Date arithmetic in SQL that gives the same answer on PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer, cast, func, text


def days_between(later: Any, earlier: Any, dialect: str) -> Any:
    """Whole days from ``earlier`` to ``later`` (negative when ``later`` is earlier)."""
    if dialect == "postgresql":
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def plus_months(day: Any, months: int, dialect: str) -> Any:
    """``day`` plus whole months, the last day of a shorter month when it overflows.

    That is PostgreSQL's and dateutil's rule (31 January + 1 month = 28 or 29
    February); SQLite's own modifier would roll over into March, so it is clamped.
    """
    months = int(months)
    if dialect == "postgresql":
        return cast(day + text(f"interval '{months} months'"), Date)
    first = func.date(day, "start of month", f"{months:+d} months")
    day_of_month = cast(func.strftime("%d", day), Integer)
    shifted = func.date(first, func.printf("+%d days", day_of_month - 1))
    last_of_month = func.date(first, "+1 months", "-1 days")
    return func.min(shifted, last_of_month)


def quarter_key(day: Any, dialect: str) -> Any:
    """The quarter of ``day`` as the integer ``YYYYQ`` (20243 for July-September 2024)."""
    if dialect == "postgresql":
        return cast(
            func.extract("year", day) * 10 + func.extract("quarter", day), Integer
        )
    return (
        cast(func.strftime("%Y", day), Integer) * 10
        + (cast(func.strftime("%m", day), Integer) + 2) // 3
    )


def whole_months(days: Any) -> Any:
    """Non-negative days as completed twelfths of a 365-day year (31 days is one)."""
    return (days * 12) // 365
