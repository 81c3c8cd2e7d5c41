"""The one clock: today is the date where the person is (WIB, WITA or WIT)."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import flask_babel
import pytest
import time_machine
from flask_login import login_user

from juragan import clock
from juragan.domain.regions import region_rows
from juragan.models import Role

#: Keppres 41/1987, written apart from :mod:`juragan.clock`: the provinces made
#: since (Kalimantan Utara, Papua Barat and the four of 2022) keep their parent's.
KEPPRES_41_1987 = {
    "WIB": {
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "61",
        "62",
    },
    "WITA": {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"},
    "WIT": {"81", "82", "91", "92", "93", "94", "95", "96"},
}
ZONE_NAMES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

ROOT = Path(__file__).resolve().parents[2] / "juragan"
#: Where the clock itself is read: the one function, and the column default it uses.
CLOCK_FILES = {ROOT / "clock.py", ROOT / "models" / "base.py"}


def test_every_province_keeps_its_legal_zone():
    codes = {province["code"] for province in region_rows().provinces}
    assert codes == set().union(*KEPPRES_41_1987.values())
    for zone, members in KEPPRES_41_1987.items():
        for code in members:
            assert clock.zone_of(code).key == ZONE_NAMES[zone], code
    assert clock.zone_of(None) == clock.WIB


@pytest.mark.parametrize(
    ("moment", "province", "expected"),
    [
        # 00:30 WIB is still the day before in UTC.
        ("2026-12-01T17:30:00+00:00", "35", date(2026, 12, 2)),
        # The same moment is 01:30 WITA and 02:30 WIT: the same next day.
        ("2026-12-01T17:30:00+00:00", "73", date(2026, 12, 2)),
        ("2026-12-01T17:30:00+00:00", "91", date(2026, 12, 2)),
        # 23:30 WIB on the last of a month is already the 1st in WITA and WIT.
        ("2026-01-31T16:30:00+00:00", "35", date(2026, 1, 31)),
        ("2026-01-31T16:30:00+00:00", "73", date(2026, 2, 1)),
        ("2026-01-31T15:30:00+00:00", "91", date(2026, 2, 1)),
        # 29 February: 00:30 WIB; and 23:30 WIB that day, already March in WIT.
        ("2028-02-28T17:30:00+00:00", "33", date(2028, 2, 29)),
        ("2028-02-29T16:30:00+00:00", "33", date(2028, 2, 29)),
        ("2028-02-29T16:30:00+00:00", "94", date(2028, 3, 1)),
        # New Year's Eve: 2027 begins in Papua two hours before Java.
        ("2026-12-31T15:00:00+00:00", "95", date(2027, 1, 1)),
        ("2026-12-31T15:00:00+00:00", "31", date(2026, 12, 31)),
    ],
)
def test_the_date_is_the_places(moment, province, expected):
    at = datetime.fromisoformat(moment)
    assert clock.date_in(province, at) == expected
    with time_machine.travel(at, tick=False):
        assert clock.date_in(province) == expected


def test_a_stored_moment_without_its_zone_is_utc():
    # SQLite gives DateTime(timezone=True) columns back naive, in UTC.
    assert clock.date_in("35", datetime(2026, 12, 1, 17, 30)) == date(2026, 12, 2)
    assert clock.date_in("35", datetime(2026, 12, 1, 16, 59)) == date(2026, 12, 1)


def test_outside_a_request_today_is_the_capitals():
    with time_machine.travel(datetime(2026, 12, 1, 17, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2026, 12, 2)


def test_in_a_request_today_is_the_signed_in_persons(app, db, make_user, make_returnee):
    papua_mentor = make_user(Role.MENTOR, province="91")
    national = make_user(Role.OFFICIAL)
    sulawesi_user = make_user(Role.RETURNEE)
    make_returnee(regency="73.02", user=sulawesi_user)
    newcomer = make_user(Role.RETURNEE)  # no record yet
    # 22:30 WIB on 1 December: 23:30 WITA, and already 00:30 on the 2nd in WIT.
    at = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    expected = {
        papua_mentor: (date(2026, 12, 2), "Asia/Jayapura"),
        national: (date(2026, 12, 1), "Asia/Jakarta"),
        sulawesi_user: (date(2026, 12, 1), "Asia/Makassar"),
        newcomer: (date(2026, 12, 1), "Asia/Jakarta"),
    }
    with time_machine.travel(at, tick=False):
        for user, (day, zone) in expected.items():
            # Each request has its own app context (and ``g``), as on a server.
            with app.app_context(), app.test_request_context("/"):
                login_user(user)
                assert clock.today() == day, user.username
                # Times on the pages are shown in the same zone.
                assert str(flask_babel.get_timezone()) == zone


def _direct_reads(path: Path) -> list[str]:
    """Calls that take a date or a moment from the system clock, bypassing
    :mod:`juragan.clock`: ``date.today()``, ``datetime.now()``, ``datetime.today()``,
    ``datetime.utcnow()``, and a UTC moment cut to its date (``utcnow().date()``,
    ``now.date()``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, name = node.func.value, node.func.attr
        if isinstance(owner, ast.Name) and (owner.id, name) in {
            ("date", "today"),
            ("datetime", "now"),
            ("datetime", "today"),
            ("datetime", "utcnow"),
        }:
            found.append(f"{path.name}:{node.lineno} {owner.id}.{name}()")
        elif (
            name == "date"
            and not node.args
            and (
                (isinstance(owner, ast.Name) and owner.id == "now")
                or (
                    isinstance(owner, ast.Call)
                    and getattr(owner.func, "id", None) in {"utcnow", "now"}
                )
                or (
                    isinstance(owner, ast.Call)
                    and getattr(owner.func, "attr", None) in {"utcnow", "now"}
                )
            )
        ):
            found.append(f"{path.name}:{node.lineno} a UTC moment's .date()")
    return found


def test_nothing_reads_the_date_around_the_clock():
    files = sorted(set(ROOT.rglob("*.py")) - CLOCK_FILES)
    assert len(files) > 50  # the scan reaches the package
    found = [read for path in files for read in _direct_reads(path)]
    assert found == []


def test_the_scan_finds_each_kind_of_direct_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a = date.today()\nb = datetime.now(UTC)\nc = utcnow().date()\n"
        "d = now.date()\ne = clock.now().date()\nf = clock.today(now)\n"
    )
    assert len(_direct_reads(sample)) == 5
