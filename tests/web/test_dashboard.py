"""The programme dashboard: scoped pages, filters in the URL, drill-downs, downloads."""

import io
import re

import pandas as pd
import pytest

from juragan.models import Placement
from tests.factories import login

PAGES = ("/dashboard/", "/dashboard/cohorts", "/dashboard/repayment")


def test_officials_see_their_region_with_filters_in_the_url(
    client, db, cast, make_loan
):
    make_loan(cast, status="disbursed")
    login(client, cast.official_province.username)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Dasbor program" in page.text
    filtered = client.get("/dashboard/?sex=M&sector=culinary")
    assert filtered.status_code == 200
    assert 'value="M" selected' in filtered.text
    # Every download link on the page carries the filters.
    assert "/dashboard/data/sectors.csv?sex=M&amp;sector=culinary" in filtered.text
    csv = client.get("/dashboard/data/sectors.csv?sector=culinary")
    assert csv.mimetype == "text/csv"
    assert '"culinary","Warung makan atau katering",1,1' in csv.data.decode("utf-8-sig")
    assert client.get("/dashboard/data/countries.xlsx").data[:2] == b"PK"
    funnel = client.get("/dashboard/data/funnel.csv").data.decode("utf-8-sig")
    assert '"lasting","Masih berjalan 12 bulan kemudian",' in funnel
    assert "Dari pulang sampai usaha yang bertahan" in page.text
    assert client.get("/dashboard/data/bogus.csv").status_code == 404
    assert client.get("/dashboard/data/funnel.pdf").status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_every_page_draws_its_charts_with_tables(client, db, cast, make_loan, path):
    make_loan(cast, status="repaying")
    login(client, cast.official_province.username)
    page = client.get(path)
    assert page.status_code == 200
    charts = re.findall(r'class="js-chart" data-target="chart-([a-z_]+)"', page.text)
    # A chart with nothing to draw (no data yet in this small region) says so.
    unsaid = re.findall(r'id="nothing-([a-z_]+)"', page.text)
    tables = re.findall(r'<details class="js-table" id="table-([a-z_]+)"', page.text)
    assert charts
    assert sorted(charts + unsaid) == sorted(tables)
    for name in tables:
        data = client.get(f"/dashboard/data/{name}.xlsx")
        assert data.status_code == 200, name
        frame = pd.read_excel(io.BytesIO(data.data))
        assert list(frame.columns)[0] == "Kode", name
    assert 'src="/static/vendor/plotly/plotly-cartesian.min.js?v=' in page.text
    assert 'src="/vendor/plotly-locale-id.js?v=' in page.text


def test_bad_filters_are_said_and_left_out(client, db, cast):
    login(client, cast.official_national.username)
    page = client.get(
        "/dashboard/?province=35&regency=33.01&returned_from=20242"
        "&returned_to=20231&sex=X&country=ZZ"
    )
    assert page.status_code == 200
    assert "Kabupaten/kota ini tidak ada di provinsi yang dipilih." in page.text
    assert "Akhir periode sebelum awalnya." in page.text
    assert page.text.count("is-invalid") >= 4  # regency, period end, sex, country


def test_a_province_opens_its_regencies_and_a_bar_its_people(client, db, cast):
    db.session.add(
        Placement(
            returnee_id=cast.returnee.id,
            country_code="TW",
            sector="caregiver",
            agency_name="PT A",
            departure_date=pd.Timestamp("2019-01-01").date(),
            contract_months=24,
            return_date=pd.Timestamp("2021-02-01").date(),
            return_reason="contract_completed",
        )
    )
    db.session.commit()
    login(client, cast.official_national.username)
    national = client.get("/dashboard/")
    # The province's bubble (and its table row) drills into the province.
    assert "/dashboard/?province=35" in national.text
    inside = client.get("/dashboard/?province=35")
    assert "Kabupaten Malang" in inside.text
    assert "/dashboard/?province=35&amp;regency=35.07" in inside.text
    # The country bar lists the people behind it, masked.
    assert "/dashboard/returnees?province=35&amp;country=TW" in inside.text
    people = client.get("/dashboard/returnees?province=35&country=TW")
    assert people.status_code == 200
    assert cast.returnee.full_name in people.text
    assert cast.neighbour.full_name not in people.text
    assert cast.returnee.nik not in people.text
    assert "************" + cast.returnee.nik[-4:] in people.text
    ready = client.get("/dashboard/returnees?stage=returned").text
    assert cast.returnee.full_name in ready
    assert cast.far_away.full_name not in ready


def test_the_people_behind_a_bar_stay_inside_the_region(client, db, cast):
    for person in (cast.returnee, cast.far_away):
        db.session.add(
            Placement(
                returnee_id=person.id,
                country_code="HK",
                sector="domestic_worker",
                agency_name="PT B",
                departure_date=pd.Timestamp("2018-01-01").date(),
                contract_months=24,
                return_date=pd.Timestamp("2020-02-01").date(),
                return_reason="contract_completed",
            )
        )
    db.session.commit()
    login(client, cast.official_other.username)  # Central Java
    people = client.get("/dashboard/returnees?country=HK&province=35").text
    assert cast.returnee.full_name not in people
    everyone = client.get("/dashboard/returnees?country=HK").text
    assert cast.far_away.full_name in everyone
    assert cast.returnee.full_name not in everyone
    csv = client.get("/dashboard/data/countries.csv").data.decode("utf-8-sig")
    assert '"HK","Hong Kong",1' in csv


def test_only_officials_observers_and_banks_open_the_dashboard(client, db, cast):
    for role in ("returnee_user", "mentor", "admin"):
        login(client, cast.user(role).username)
        for path in (*PAGES, "/dashboard/returnees", "/dashboard/data/funnel.csv"):
            assert client.get(path).status_code == 403, (role, path)
        client.post("/logout")
    assert client.get("/dashboard/").status_code == 302  # to the sign-in page
    login(client, cast.bank_officer.username)
    for path in (*PAGES, "/dashboard/data/funnel.csv"):
        assert client.get(path).status_code == 200, path
    assert client.get("/dashboard/returnees").status_code == 403


def test_every_filter_on_the_people_behind_a_bar(client, db, cast):
    login(client, cast.official_national.username)
    page = client.get(
        "/dashboard/returnees?province=35&regency=35.07&returned_from=20201"
        "&returned_to=20264&sex=F&country=TW&sector=culinary&scheme=mikro"
        "&lender=bri&stage=lasting&business_sector=warung"
    )
    assert page.status_code == 200
    for word in ("Perempuan", "Kabupaten Malang", "Jawa Timur", "Taiwan", "BRI"):
        assert word in page.text, word
    assert (
        client.get("/dashboard/returnees?stage=bogus&business_sector=x").status_code
        == 200
    )
