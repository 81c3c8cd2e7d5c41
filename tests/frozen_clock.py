"""The whole run at a chosen moment: ``JURAGAN_TEST_CLOCK=2027-03-30T17:30:00Z``.

``tests/conftest.py`` starts the traveller in ``pytest_configure``, before test
modules are collected and before the app and its database are made, and stops it
when the run ends, so every read of the clock sees that day: ``juragan.clock``,
column defaults, argon2, session and reauthentication ages, rate-limit windows,
itsdangerous signatures and cookie expiry dates. The clock ticks from there (a run
takes minutes, and code that waits for time to pass must see it pass); a test's own
``time_machine.travel`` nests inside it and comes back to it. ``make test-clock``
runs the suite at each awkward moment of ``docs/time.md``.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

import time_machine

VARIABLE = "JURAGAN_TEST_CLOCK"

_traveller: Any = None
#: ``time.perf_counter()`` (which no traveller moves) when the clock was started.
started_at = 0.0


def moment_of(value: str | None) -> datetime | None:
    """The moment an ISO 8601 value names, timezone-aware (UTC if it has no zone)."""
    if not value or not value.strip():
        return None
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def chosen_moment() -> datetime | None:
    """The moment ``JURAGAN_TEST_CLOCK`` names, or ``None`` when it is not set."""
    return moment_of(os.environ.get(VARIABLE))


def start() -> datetime | None:
    """Start the clock at the chosen moment, if one is chosen."""
    global _traveller, started_at
    moment = chosen_moment()
    if moment is not None and _traveller is None:
        _traveller = time_machine.travel(moment, tick=True)
        _traveller.start()
        started_at = time.perf_counter()
    return moment


def stop() -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None
