"""``JURAGAN_TEST_CLOCK``: the whole suite run with the clock started at one moment.

``make test-clock`` runs the suite at each awkward moment of ``docs/time.md``; these
tests check that the moment really reaches every clock the app and its libraries
read, not only :mod:`juragan.clock`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from juragan import clock
from juragan.models import Role, UserSession, utcnow
from tests import frozen_clock
from tests.factories import login
from tests.frozen_clock import VARIABLE as CLOCK_VARIABLE
from tests.frozen_clock import moment_of as frozen_moment

ROOT = Path(__file__).resolve().parents[2]
#: How far a read may be from the expected moment: the clock ticks, and a read is
#: made some statements after the elapsed time was taken.
SLACK = timedelta(seconds=5)


def test_the_moment_is_read_with_its_zone_or_as_utc():
    expected = datetime(2028, 2, 28, 17, 30, tzinfo=UTC)
    assert frozen_moment("2028-02-28T17:30:00Z") == expected
    assert frozen_moment("2028-02-29T00:30:00+07:00") == expected
    assert frozen_moment(" 2028-02-28T17:30:00 ") == expected
    assert frozen_moment("") is None
    assert frozen_moment(None) is None


def _expected_now() -> datetime:
    """The session's moment plus the (unmoved) time the run has taken since."""
    started = frozen_clock.chosen_moment()
    return started + timedelta(seconds=time.perf_counter() - frozen_clock.started_at)


def _close(read: datetime) -> bool:
    # SQLite gives stored moments back without their zone, in UTC.
    return abs(read.replace(tzinfo=read.tzinfo or UTC) - _expected_now()) < SLACK


@pytest.mark.skipif(
    not os.environ.get(CLOCK_VARIABLE), reason=f"{CLOCK_VARIABLE} is not set"
)
def test_every_clock_the_app_reads_is_at_the_sessions_moment(client, db, make_user):
    expected = _expected_now()
    # The standard library, however it is imported.
    assert _close(datetime.now(UTC))
    assert _close(datetime.fromtimestamp(time.time(), UTC))
    assert _close(datetime.fromtimestamp(time.time_ns() / 1e9, UTC))
    assert date.today() == datetime.fromtimestamp(expected.timestamp()).date()
    assert time.gmtime().tm_mday == expected.day
    # The one clock, and the column default behind every created_at.
    assert _close(clock.now())
    assert _close(utcnow())
    assert clock.today() == expected.astimezone(clock.WIB).date()
    user = make_user(Role.OFFICIAL, province="35")
    assert _close(user.created_at)
    # itsdangerous (device cookies, Flask's session) signs with time.time().
    signer = TimestampSigner("a key long enough for the signer")
    _, signed_at = signer.unsign(signer.sign(b"x"), return_timestamp=True)
    assert _close(signed_at)
    # A sign-in: the server's session row and the cookies' expiry dates.
    answer = login(client, user.username)
    assert answer.status_code == 302
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert _close(row.created_at)
    device = next(
        header
        for header in answer.headers.getlist("Set-Cookie")
        if header.startswith("juragan_device=")
    )
    expires = device.split("Expires=")[1].split(";")[0]
    assert (
        abs(parsedate_to_datetime(expires) - (_expected_now() + timedelta(days=365)))
        < SLACK
    )


@pytest.mark.slow
def test_the_variable_moves_the_clock_of_a_whole_run():
    # Another run of pytest, at 00:30 WIB on 29 February 2028, runs the test above.
    test = f"{Path(__file__).relative_to(ROOT)}::{_one_moment_test()}"
    run = subprocess.run(  # noqa: S603 - this interpreter, this test
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env={**os.environ, CLOCK_VARIABLE: "2028-02-28T17:30:00Z"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "1 passed" in run.stdout
    assert "clock started at 2028-02-28T17:30:00+00:00" in run.stdout


def _one_moment_test() -> str:
    return test_every_clock_the_app_reads_is_at_the_sessions_moment.__name__
