"""Country lists start with where Indonesian workers go, and placements are named
by their country, never by its code."""

from __future__ import annotations

import re
from datetime import date

from juragan.models import Placement
from tests.factories import login


def test_the_placement_form_lists_the_main_destinations_first(client, cast):
    from juragan.blueprints.returnees.forms import MAIN_DESTINATIONS

    login(client, cast.mentor.username)
    page = client.get(f"/returnees/{cast.returnee.id}/placements/new").text
    groups = re.findall(r'<optgroup label="([^"]+)">', page)
    assert groups == ["Tujuan utama", "Negara lain"]
    main = page.split('<optgroup label="Tujuan utama">')[1].split("</optgroup>")[0]
    codes = re.findall(r'<option value="([A-Z]{2})"', main)
    assert codes == list(MAIN_DESTINATIONS)
    assert '<option value="MY">Malaysia</option>' in main
    assert 'value="ID"' not in page  # not abroad
    assert 'data-filter-options="country_code"' in page  # the search box


def test_a_country_outside_the_main_ones_is_still_accepted(client, db, cast):
    login(client, cast.mentor.username)
    page = client.get(f"/returnees/{cast.returnee.id}/placements/new").text
    assert '<option value="PL">Polandia</option>' in page


def test_the_simulator_names_a_placement_by_its_country(client, db, cast):
    db.session.add(
        Placement(
            returnee_id=cast.returnee.id,
            country_code="HK",
            sector="domestic_worker",
            agency_name="PT A",
            departure_date=date(2019, 1, 5),
            contract_months=24,
            return_date=date(2021, 1, 10),
            return_reason="contract_completed",
        )
    )
    db.session.commit()
    login(client, cast.returnee_user.username)
    page = client.get(f"/kur/simulator/{cast.returnee.id}").text
    assert "Hong Kong · 2019" in page
    assert "HK · 2019" not in page


def _placed(db, returnee, country):
    db.session.add(
        Placement(
            returnee_id=returnee.id,
            country_code=country,
            sector="caregiver",
            agency_name="PT A",
            departure_date=date(2018, 1, 5),
            contract_months=24,
            return_date=date(2020, 1, 10),
            return_reason="contract_completed",
        )
    )
    db.session.commit()


def test_the_main_destinations_follow_what_the_registry_shows(
    client, db, cast, make_returnee
):
    """Ten people in Poland put it first among the main destinations; three in New
    Zealand are too few to tell anything, so it stays among the others."""
    for _ in range(10):
        _placed(db, make_returnee(), "PL")
    for _ in range(3):
        _placed(db, make_returnee(), "NZ")
    login(client, cast.mentor.username)
    page = client.get(f"/returnees/{cast.returnee.id}/placements/new").text
    main = page.split('<optgroup label="Tujuan utama">')[1].split("</optgroup>")[0]
    codes = re.findall(r'<option value="([A-Z]{2})"', main)
    assert codes[0] == "PL"
    assert "NZ" not in codes
    assert set(codes) >= {"MY", "TW", "HK", "SA", "SG", "KR", "JP"}
    others = page.split('<optgroup label="Negara lain">')[1].split("</optgroup>")[0]
    assert 'value="NZ"' in others
    assert 'value="PL"' not in others


def test_country_names_are_indonesian_where_the_iso_catalogue_kept_english(app):
    from juragan.domain.regions import countries

    named = {c.code: c.name for c in countries("id")}
    assert named["BQ"] == "Belanda Karibia"
    assert named["HK"] == "Hong Kong"  # not the CLDR's long form
    assert not [name for name in named.values() if " and " in name]
