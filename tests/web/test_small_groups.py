"""Observers read the programme's figures, never a person: small groups are hidden."""

import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from juragan.models import Placement, Returnee, Role
from juragan.policy import SMALL_GROUP, scoped
from juragan.reports.programme import Filters, headline, hidden_figures
from tests.factories import login


def home_from(db, person, country: str) -> None:
    """``person`` came home in March 2021 from two years' care work in ``country``."""
    db.session.add(Placement(
        returnee_id=person.id, country_code=country, sector="caregiver",
        agency_name="PT A", departure_date=date(2019, 1, 1), contract_months=24,
        return_date=date(2021, 3, 1), return_reason="contract_completed",
    ))  # fmt: skip


@pytest.fixture
def observer(make_user):
    return make_user(Role.OBSERVER)  # national: no province


@pytest.fixture
def taiwan_and_more(db, cast, make_returnee):
    """Six people home from Taiwan in East Java, one from Japan, one from Korea."""
    people = [cast.returnee, cast.neighbour] + [
        make_returnee("35.07") for _ in range(6)
    ]
    for i, person in enumerate(people):
        country = "TW" if i < 6 else ("JP" if i == 6 else "KR")
        home_from(db, person, country)
    db.session.commit()
    return people


def test_an_observer_sees_no_one(db, cast, observer):
    assert db.session.scalar(scoped(select(Returnee.id), observer, Returnee)) is None


def test_small_headline_figures_are_hidden(db, cast, observer, taiwan_and_more):
    today = date.today()
    figures = headline(db.session, observer, Filters(), today)
    hidden = hidden_figures(figures, SMALL_GROUP)
    assert "returnees" not in hidden  # 9 people
    assert {"businesses_operating", "kur_applied", "mean_wellbeing"} <= hidden
    tiny = headline(db.session, observer, Filters(country_code="JP"), today)
    assert hidden_figures(tiny, SMALL_GROUP) >= {"returnees", "workers"}
    assert hidden_figures(tiny, 0) == set()


def test_the_dashboard_and_its_downloads_hide_small_groups(
    client, db, cast, observer, taiwan_and_more
):
    login(client, observer.username)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "&lt; 5" in page.text
    # Countries: Taiwan shows; Japan (1) and Korea (1) do not.
    data = client.get("/dashboard/data/countries.csv").data.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(data), dtype=str)
    counts = dict(zip(frame["Kode"], frame["Purna PMI"], strict=True))
    assert counts["TW"] == "6"
    assert counts["JP"] == counts["KR"] == "< 5"
    # No table row leads to the people behind it.
    assert "/dashboard/returnees" not in page.text
    assert client.get("/dashboard/returnees?country=TW").status_code == 403
    assert client.get("/returnees/").status_code == 403
    assert client.get(f"/returnees/{cast.returnee.id}").status_code == 404
    assert client.get("/").headers["Location"] == "/dashboard/"
    # Only Japan (1 person): every chart would be empty axes, and says why instead.
    japan = client.get("/dashboard/?country=JP").text
    assert "jadi angkanya disembunyikan" in japan
    assert 'class="js-chart"' not in japan


def test_one_small_group_hides_the_next_one_too(
    client, db, cast, observer, taiwan_and_more, make_returnee
):
    # Make Korea large: then Japan alone would be small and could be worked out
    # from the total, so the next smallest (Korea, 5) is hidden as well.
    for _ in range(4):
        person = make_returnee("35.78")
        home_from(db, person, "KR")
    db.session.commit()
    login(client, observer.username)
    data = client.get("/dashboard/data/countries.csv").data.decode("utf-8-sig")
    counts = dict(line.split(",")[0::2] for line in data.strip().splitlines()[1:])
    assert counts == {"TW": "6", "KR": "< 5", "JP": "< 5"}


def test_officials_see_every_figure(client, db, cast, taiwan_and_more):
    login(client, cast.official_national.username)
    data = client.get("/dashboard/data/countries.csv").data.decode("utf-8-sig")
    assert "< 5" not in data
    assert "JP,Jepang,1" in data


def test_a_bank_officer_reads_people_as_figures_and_loans_whole(
    client, db, cast, observer, taiwan_and_more, make_returnee, make_loan
):
    # One more person home from Taiwan, in Central Java: outside the bank's region.
    outside = make_returnee("33.01")
    home_from(db, outside, "TW")
    db.session.commit()
    login(client, cast.bank_officer.username)  # East Java
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "/dashboard/returnees" not in page.text
    assert "Pinjaman, yang Anda lihat satu per satu, ditampilkan utuh." in page.text
    assert 'href="/dashboard/"' in client.get("/kur/").text  # in the menu
    data = client.get("/dashboard/data/countries.csv").data.decode("utf-8-sig")
    counts = dict(line.split(",")[0::2] for line in data.strip().splitlines()[1:])
    assert counts == {}  # a lender's figures are of its own applicants: none yet
    # No loan yet: the charts say so instead of drawing empty axes.
    repayment = client.get("/dashboard/repayment")
    assert repayment.status_code == 200
    assert "Belum ada yang bisa digambar untuk tampilan ini." in repayment.text
    assert 'class="js-chart"' not in repayment.text
    # One loan: the bank lists it on its KUR pages, so the figures show it whole.
    make_loan(cast, status="repaying")
    mix = client.get("/dashboard/data/mix_lender.csv").data.decode("utf-8-sig")
    assert "< 5" not in mix
    assert 'class="js-chart"' in client.get("/dashboard/repayment").text
    client.post("/logout")
    login(client, observer.username)  # sees no loan one by one: the loan is hidden
    mix = client.get("/dashboard/data/mix_lender.csv").data.decode("utf-8-sig")
    assert "< 5" in mix
    client.post("/logout")
    login(client, cast.official_national.username)
    data = client.get("/dashboard/data/countries.csv").data.decode("utf-8-sig")
    assert "TW,Taiwan,7" in data
