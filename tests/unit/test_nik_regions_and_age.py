"""A NIK keeps its region code for life; returnees are 18 or older at departure.

Worked examples and where each expected value comes from are given beside each case;
the facts are in docs/identifiers.md.
"""

import csv
from datetime import UTC, date, datetime
from importlib import resources

import pandas as pd
import pytest

from juragan.domain.identifiers import (
    InvalidIdentifier,
    adult_birth_date,
    age_on,
    describe_nik_region,
    nik_region,
    parse_nik,
)
from juragan.domain.regions import region_history, region_rows
from juragan.errors import FieldErrors
from juragan.models import Role
from juragan.services import registry
from juragan.services.registry import PlacementData, ProfileData
from juragan.services.registry_files import (
    EXAMPLE_ROW,
    plan_import,
    read_table,
)
from tests.factories import make_nik

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
TODAY = NOW.date()
CURRENT = {r["code"] for r in region_rows().regencies}


# Codes for life -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "then", "until", "today"),
    [
        # Kabupaten Merauke was 91.01 in Papua in every Kemendagri list from
        # Permendagri 56/2015 to 58/2021, and is 93.01 in Papua Selatan since
        # UU 14/2022 (Kepmendagri 100.1.1-6117/2022).
        ("9101015203880003", "Kabupaten Merauke, Papua", 2022, ["93.01"]),
        # Kabupaten Mimika: 91.09 in Papua, 94.04 in Papua Tengah (UU 15/2022).
        ("9109015203880003", "Kabupaten Mimika, Papua", 2022, ["94.04"]),
        # Kabupaten Jayawijaya: 91.02 in Papua, 95.01 in Papua Pegunungan (UU 16/2022).
        ("9102015203880003", "Kabupaten Jayawijaya, Papua", 2022, ["95.01"]),
        # Kota Sorong: 92.71 in Papua Barat until Kepmendagri 100.1.1-6117/2022,
        # 96.71 in Papua Barat Daya (UU 29/2022, Kepmendagri 300.2.2-2138/2025).
        ("9271015203880003", "Kota Sorong, Papua Barat", 2022, ["96.71"]),
        # Kabupaten Bulungan: 64.04 in Kalimantan Timur before UU 20/2012, 65.01
        # in Kalimantan Utara today.
        ("6404015203880003", "Kabupaten Bulungan, Kalimantan Timur", 2012, ["65.01"]),
        # Kota Tarakan: 64.73 before UU 20/2012, 65.71 today.
        ("6473015203880003", "Kota Tarakan, Kalimantan Timur", 2012, ["65.71"]),
    ],
)
def test_a_nik_issued_under_a_former_code_stays_valid(nik, then, until, today):
    info = parse_nik(nik, TODAY)
    assert info.regency_code == f"{nik[:2]}.{nik[2:4]}"  # the NIK's own code
    assert not info.region.is_current
    assert info.region.successors == tuple(today)
    text = describe_nik_region(nik)
    assert (text.then, text.until) == (then, until)
    assert [code for code, _ in text.today] == today


def test_a_current_code_stands_for_itself():
    # 64.03 is Kabupaten Berau in Kalimantan Timur in the 2025 list: it never moved.
    info = parse_nik("6403015203880003", TODAY)
    assert info.region.is_current
    assert info.region.successors == ("64.03",)
    text = describe_nik_region("6403015203880003")
    assert (text.then, text.until, text.today) == (
        "Kabupaten Berau, Kalimantan Timur",
        None,
        (),
    )
    # 65.01 (Kaltara, 2012) and 96.01 (Papua Barat Daya, 2025) are current codes.
    assert parse_nik("6501015203880003", TODAY).region.is_current
    assert parse_nik("9601015203880003", TODAY).region.is_current


@pytest.mark.parametrize(
    "nik",
    [
        "9129015203880003",  # Papua never had a 29th regency code
        "9309015203880003",  # Papua Selatan has four regencies, 93.01-93.04
        "6412015203880003",  # Kalimantan Timur's codes stop at 64.11 (Mahakam Ulu)
        "6499015203880003",  # no kota 64.99
    ],
)
def test_a_prefix_that_never_was_a_code_is_refused(app, nik):
    with app.test_request_context(), pytest.raises(InvalidIdentifier) as caught:
        parse_nik(nik, TODAY)
    assert nik[:4] in str(caught.value.message)


def test_the_history_agrees_with_the_2022_laws():
    moved = {h.code: h.successors for h in region_history() if h.code not in CURRENT}
    # Every former code is gone from today's list and points at today's codes.
    assert all(set(s) <= CURRENT for s in moved.values())
    # UU 14/2022 gave Papua Selatan 4 regencies, UU 15/2022 Papua Tengah 8 and
    # UU 16/2022 Papua Pegunungan 8: 20 codes left Papua (91), all 91.xx.
    from_papua = {c: s for c, s in moved.items() if c.startswith("91.")}
    assert len(from_papua) == 4 + 8 + 8 == 20
    assert sorted(s[0][:2] for s in from_papua.values()).count("93") == 4
    assert sorted(s[0][:2] for s in from_papua.values()).count("94") == 8
    assert sorted(s[0][:2] for s in from_papua.values()).count("95") == 8
    # UU 29/2022 gave Papua Barat Daya 5 regencies and Kota Sorong: 6 from 92.
    assert sorted(moved[c][0] for c in moved if c.startswith("92.")) == [
        "96.01",
        "96.02",
        "96.03",
        "96.04",
        "96.05",
        "96.71",
    ]
    # Kalimantan Utara (UU 20/2012): 4 regencies and Kota Tarakan, all from 64.
    assert sorted(moved[c][0] for c in moved if c.startswith("64.")) == [
        "65.01",
        "65.02",
        "65.03",
        "65.04",
        "65.71",
    ]
    # Every code of today's 93-96 and 65 was once a 91/92 or 64 code.
    for province, parents in (
        ("65", "64"),
        ("93", "91"),
        ("94", "91"),
        ("95", "91"),
        ("96", "92"),
    ):
        today = {c for c in CURRENT if c.startswith(province + ".")}
        came_from = {s[0] for c, s in moved.items() if c.startswith(parents + ".")}
        assert today <= came_from, province


def test_the_shipped_history_file_has_its_columns_and_no_duplicates():
    path = resources.files("juragan.data").joinpath("region_history.csv")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "code",
        "name",
        "valid_until",
        "successors",
        "change",
        "listed_in",
    ]
    keys = [(r["code"], r["name"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert nik_region("91.01").name_then == "Kabupaten Merauke"


# Age --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1990, 5, 17), date(2008, 5, 16), 17),  # the day before the 18th birthday
        (date(1990, 5, 17), date(2008, 5, 17), 18),  # on it
        (date(2004, 2, 29), date(2022, 2, 28), 17),  # leap-day birth, common year
        (date(2004, 2, 29), date(2022, 3, 1), 18),  # ... 18 on 1 March
    ],
)
def test_age_in_whole_years(born, day, age):
    assert age_on(born, day) == age


def test_the_nik_century_is_the_one_that_makes_an_adult(app):
    # "05": 2005 gives 21 on 2 December 2026, 1905 gives 121: 2005.
    assert adult_birth_date(parse_nik("3507011205050003", TODAY), TODAY) == date(
        2005, 5, 12
    )
    # "40": 2040 is still to come, 1940 gives 86.
    assert adult_birth_date(parse_nik("3507011205400003", TODAY), TODAY) == date(
        1940, 5, 12
    )
    # "08", 3 December: 2008 gives 17 (the birthday is tomorrow), 1908 gives 118.
    with app.test_request_context(), pytest.raises(InvalidIdentifier) as caught:
        adult_birth_date(parse_nik("3507010312080003", TODAY), TODAY)
    assert "17" in str(caught.value.message)
    assert "18" in str(caught.value.message)
    # "08", 2 December: 2008 gives exactly 18 today.
    assert adult_birth_date(parse_nik("3507010212080003", TODAY), TODAY) == date(
        2008, 12, 2
    )


def profile(**overrides):
    values = {
        "nik": "3507015203880003",
        "full_name": "Sri Wahyuni",
        "sex": "F",
        "birth_date": date(1988, 3, 12),
        "province_code": "35",
        "regency_code": "35.07",
        "education": "smp",
        "marital_status": "married",
    }
    values.update(overrides)
    return ProfileData(**values)


def test_registration_refuses_a_minor_and_an_impossible_nik(app, db):
    # Born 15 June 2010: 16 on 2 December 2026. The NIK's year "10" is 16 or 116.
    born = date(2010, 6, 15)
    with app.test_request_context(), pytest.raises(FieldErrors) as caught:
        registry.check_profile(
            db.session,
            profile(nik=make_nik("35.07", born, "F", 5), birth_date=born),
            TODAY,
        )
    errors = dict(caught.value.errors)
    assert "16" in str(errors["birth_date"])
    assert "UU 18/2017" in str(errors["birth_date"])
    assert "16" in str(errors["nik"])
    # Born 1 January 1925: 101.
    old = date(1925, 1, 1)
    with app.test_request_context(), pytest.raises(FieldErrors) as caught:
        registry.check_profile(
            db.session,
            profile(nik=make_nik("35.07", old, "F", 6), birth_date=old),
            TODAY,
        )
    assert "100" in str(dict(caught.value.errors)["birth_date"])
    # A NIK under a former code registers: 92.01 (Sorong, Papua Barat) for someone
    # who lives in 96.01 today.
    data = profile(nik="9201015203880003", province_code="96", regency_code="96.01")
    registry.check_profile(db.session, data, TODAY)
    assert data.nik == "9201015203880003"


def placement(**overrides):
    values = {
        "country_code": "HK",
        "sector": "domestic_worker",
        "departure_date": date(2006, 3, 12),
        "contract_months": 24,
        "agency_name": "PT Sumber Rezeki",
    }
    values.update(overrides)
    return PlacementData(**values)


def test_every_departure_is_at_18_or_older(app, db, make_returnee):
    person = make_returnee(birth_date=date(1988, 3, 12))
    # 18th birthday 12 March 2006: leaving that day is allowed, the day before not.
    registry.check_placement(person, placement(), TODAY)
    with app.test_request_context(), pytest.raises(FieldErrors) as caught:
        registry.check_placement(
            person, placement(departure_date=date(2006, 3, 11)), TODAY
        )
    message = str(dict(caught.value.errors)["departure_date"])
    assert "11-03-2006" in message
    assert "17" in message
    assert "Pasal 5" in message


def test_a_changed_birth_date_must_fit_the_first_departure(app, db, make_returnee):
    person = make_returnee(birth_date=date(1988, 3, 12))
    registry.add_placement(db.session, person, placement(), TODAY)
    # Moving the birth date a year later makes the 2006 departure at 17.
    data = profile(nik=person.nik, birth_date=date(1989, 3, 12), sex="F")
    data.nik = make_nik("35.07", date(1989, 3, 12), "F", 1)
    with app.test_request_context(), pytest.raises(FieldErrors) as caught:
        registry.update_profile(db.session, person, data, today=TODAY)
    assert "birth_date" in dict(caught.value.errors)


def test_the_import_applies_the_same_rules(app, db, make_user):
    official = make_user(Role.OFFICIAL, "35")
    # EXAMPLE_ROW: born 14 March 1988. A departure on 13 March 2006 is at 17.
    minor = {**EXAMPLE_ROW, "departure_date": "2006-03-13", "return_date": ""}
    # A NIK from 64.04 (Bulungan before 2012) for someone living in 35.07.
    former = {
        **EXAMPLE_ROW,
        "nik": "6404015403880007",
        "departure_date": "2006-03-14",
        "return_date": "2008-03-20",
    }
    rows = [minor, former]
    table = read_table("x.csv", pd.DataFrame(rows).to_csv(index=False).encode())
    with app.test_request_context():
        result = plan_import(db.session, official, table, TODAY)
    first, second = result.rows
    assert first.outcome == "reject"
    assert any("Tanggal berangkat" in r and "17" in r for r in first.reasons)
    assert second.outcome == "create", second.reasons


# Names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        # Closed, as the issue gives Kemendagri's spelling and the regions' own
        # instruments write them (Kota Baubau: Perda 2/2010); the transcriptions of
        # Kepmendagri 300.2.2-2138/2025 still space them: docs/identifiers.md §4.
        ("74.72", "Kota Baubau"),
        ("92.03", "Kabupaten Fakfak"),
        ("72.04", "Kabupaten Tolitoli"),
        ("19.71", "Kota Pangkalpinang"),
        ("21.72", "Kota Tanjungpinang"),
        ("16.73", "Kota Lubuklinggau"),
        # Closed in the 2025 list (the 2022 list had "TANJUNG BALAI", "MUKO MUKO",
        # "PARE PARE"): region_history.csv keeps the old spellings.
        ("12.74", "Kota Tanjungbalai"),
        ("17.06", "Kabupaten Mukomuko"),
        ("73.72", "Kota Parepare"),
    ],
)
def test_region_names_follow_the_kepmendagri_transcription(code, name):
    names = {r["code"]: r["name"] for r in region_rows().regencies}
    assert names[code] == name


def test_the_import_checks_a_changed_birth_date_against_stored_departures(
    app, db, make_user, make_returnee
):
    official = make_user(Role.OFFICIAL, "35")
    person = make_returnee(birth_date=date(1988, 3, 12))
    registry.add_placement(db.session, person, placement(), TODAY)  # 12 March 2006
    db.session.commit()
    # The file says born 12 March 1989: the stored departure of 12 March 2006 would
    # then be on the 17th birthday. The NIK is made to hold 1989 too (day 52 = a
    # woman born on the 12th, month 03, year 89), stored and in the file alike.
    born = date(1989, 3, 12)
    changed = {
        **EXAMPLE_ROW,
        "full_name": person.full_name,
        "birth_date": born.isoformat(),
        "country_code": "",
        "departure_date": "",
    }
    changed["nik"] = person.nik[:6] + "52" + "03" + "89" + person.nik[12:]
    person.nik = changed["nik"]
    db.session.commit()
    table = read_table("x.csv", pd.DataFrame([changed]).to_csv(index=False).encode())
    with app.test_request_context():
        result = plan_import(db.session, official, table, TODAY)
    (row,) = result.rows
    assert row.outcome == "reject"
    assert any(r.startswith("Tanggal lahir") and "17" in r for r in row.reasons)
