"""The dashboard's map: each region's figure, hidden where its group is small (in
the figure, its hover text, the table and the downloads alike), nothing of another
region for a regional official, the drill-down, and its boundary files served
light (docs/map.md)."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from juragan import clock
from juragan.domain.wellbeing import QUESTIONS
from juragan.models import Placement, Role
from juragan.services import mentoring
from tests.factories import login

HIDDEN = "disembunyikan (kelompok < 10)"
WELLBEING = "Rata-rata kesejahteraan (0-1)"


def home(db, person, returned: date = date(2021, 3, 1)) -> None:
    db.session.add(
        Placement(
            returnee_id=person.id,
            country_code="TW",
            sector="caregiver",
            agency_name="PT A",
            departure_date=date(2019, 1, 1),
            contract_months=24,
            return_date=returned,
            return_reason="contract_completed",
        )
    )


@pytest.fixture
def observer(make_user):
    return make_user(Role.OBSERVER)


@pytest.fixture
def answers(db, make_returnee):
    """Kab. Malang: twelve people home, all of whom answered the wellbeing
    questions; Kota Surabaya: eight home, one answered (all 5s, a mean of 1); Kota
    Kediri: seven home, three answered. Only Malang's mean is over a group big
    enough to give to those who see no one."""
    today = clock.today()
    people = {"35.07": (12, 12), "35.78": (8, 1), "35.71": (7, 3)}
    for regency, (home_again, answered) in people.items():
        for i in range(home_again):
            person = make_returnee(regency, birth_date=date(1980 + i, 1, 1 + i))
            home(db, person)
            if i < answered:
                score = 5 if regency == "35.78" else 1 + i % 5
                mentoring.record_wellbeing(
                    db.session, person, {q.code: score for q in QUESTIONS}, today, today
                )
    db.session.commit()


def the_map(text: str) -> dict:
    """The map's figure as the page carries it."""
    body = re.search(r'data-target="chart-areas">(.*?)</script>', text, re.S).group(1)
    return json.loads(body.replace("<\\/", "</"))


def regions(figure: dict) -> dict[str, dict]:
    return {t["meta"]["region"]: t for t in figure["data"] if t.get("meta")}


def test_a_hidden_region_reads_hidden_on_every_path(client, db, observer, answers):
    login(client, observer.username)
    page = client.get("/dashboard/?province=35&map=mean_wellbeing")
    assert page.status_code == 200
    drawn = regions(the_map(page.text))
    surabaya, malang = drawn["35.78"], drawn["35.07"]
    # The figure: hatched grey, its hover text says hidden, and it carries no value.
    assert surabaya["fillpattern"]["shape"] == "/"
    assert f"{WELLBEING}: {HIDDEN}" in surabaya["text"]
    assert "customdata" not in surabaya
    assert "1,00" not in surabaya["text"]
    assert drawn["35.71"]["fillpattern"]["shape"] == "/"  # three: hidden too
    assert "fillpattern" not in malang
    assert re.search(re.escape(WELLBEING) + r": 0,\d+</b>", malang["text"])
    legend = [t["name"] for t in the_map(page.text)["data"] if t.get("showlegend")]
    assert HIDDEN in legend
    # The table says hidden in the same cell.
    row = re.search(r"Kota Surabaya</a></th>(.*?)</tr>", page.text, re.S).group(1)
    assert html.escape(HIDDEN) in row
    # And so do both downloads.
    text = client.get("/dashboard/data/areas.csv?province=35").data.decode("utf-8-sig")
    (line,) = [ln for ln in text.splitlines() if ln.startswith('"35.78"')]
    assert line.endswith(f'"{HIDDEN}"')
    sheet = pd.read_excel(
        io.BytesIO(client.get("/dashboard/data/areas.xlsx?province=35").data),
        dtype={"Kode": str},
    )
    cell = sheet.loc[sheet["Kode"] == "35.78", WELLBEING].item()
    assert cell == HIDDEN


def test_an_official_who_sees_people_gets_every_figure(client, db, cast, answers):
    login(client, cast.official_province.username)
    drawn = regions(the_map(client.get("/dashboard/?map=mean_wellbeing").text))
    # Kota Surabaya's mean, over two answers, is given whole.
    assert re.search(
        re.escape(WELLBEING) + r": [01](,\d+)?</b>", drawn["35.78"]["text"]
    )
    assert HIDDEN not in drawn["35.78"]["text"]
    assert "fillpattern" not in drawn["35.78"]


def test_a_regional_official_s_map_holds_no_other_region(client, db, cast, answers):
    # Someone in Central Java, outside both officials' regions.
    central = [
        p
        for p in cast.__dict__.values()
        if getattr(p, "regency_code", "") and p.regency_code.startswith("33.")
    ]
    assert central
    login(client, cast.official_province.username)
    page = client.get("/dashboard/")
    figure = the_map(page.text)
    assert (
        "/static/boundaries/regencies-35.json?v="
        in figure["layout"]["meta"]["boundaries"]
    )
    drawn = regions(figure)
    assert drawn
    assert all(code.startswith("35.") for code in drawn)
    frame = client.get("/dashboard/data/areas.csv").data.decode("utf-8-sig")
    assert all(line.startswith('"35.') for line in frame.splitlines()[1:])
    client.post("/logout")
    # A regency's official: the province's other regencies are shapes only.
    login(client, cast.official_regency.username)
    drawn = regions(the_map(client.get("/dashboard/").text))
    figures = {code for code, t in drawn.items() if t.get("hoverinfo") != "skip"}
    assert figures == {"35.07"}
    for code, trace in drawn.items():
        if code != "35.07":
            assert "text" not in trace, code
            assert trace["meta"]["link"] is None, code
    frame = client.get("/dashboard/data/areas.csv").data.decode("utf-8-sig")
    assert [line[:7] for line in frame.splitlines()[1:]] == ['"35.07"']


def test_a_province_drills_into_its_regencies_keeping_the_figure(
    client, db, cast, answers
):
    login(client, cast.official_national.username)
    national = the_map(client.get("/dashboard/?map=returnees").text)
    assert (
        "/static/boundaries/provinces.json?v="
        in national["layout"]["meta"]["boundaries"]
    )
    drawn = regions(national)
    assert len(drawn) == 38
    assert drawn["35"]["meta"]["link"] == "/dashboard/?map=returnees&province=35"
    assert drawn["91"]["meta"]["link"] is None  # nobody there: nothing to open
    assert national["layout"]["legend"]["title"]["text"] == "Purna PMI"
    inside = client.get("/dashboard/?map=returnees&province=35")
    assert "Purna PMI per kabupaten/kota" in inside.text
    link = urlsplit(regions(the_map(inside.text))["35.07"]["meta"]["link"])
    assert link.path == "/dashboard/"
    assert parse_qs(link.query) == {
        "map": ["returnees"],
        "province": ["35"],
        "regency": ["35.07"],
    }
    # The filters' form keeps the map's figure; an unknown figure is the default.
    assert '<input type="hidden" name="map" value="returnees">' in inside.text
    other = client.get("/dashboard/?map=%3Cscript%3E")
    assert other.status_code == 200
    assert "Usaha yang berjalan per provinsi" in other.text


def test_the_boundary_files_are_cached_and_compressed(client, db, cast):
    login(client, cast.official_national.username)
    address = the_map(client.get("/dashboard/").text)["layout"]["meta"]["boundaries"]
    with client.get(address, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        assert len(response.data) < 80_000  # of some 140 KB
