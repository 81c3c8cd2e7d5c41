"""A NIK never rests in clear: not in any table, log line, error report or URL."""

import logging
import re

from sqlalchemy import inspect, text

from juragan.models import Returnee
from tests.factories import login, profile_form, with_scan

NEW_NIK = "3507015203880003"
NEW_PERSON = {
    "nik": "3507 0152 0388 0003",
    "full_name": "Wulan Sari",
    "sex": "F",
    "birth_date": "1988-03-12",
    "phone": "0812 3456 7891",
    "province_code": "35",
    "regency_code": "35.07",
    "education": "smp",
    "marital_status": "married",
    "dependants": "1",
    "consent_registry": "y",
}


def every_stored_text(db) -> str:
    """Every value of every table, as text."""
    engine = db.engines[None]
    names = inspect(engine).get_table_names()
    parts = []
    for name in names:
        for row in db.session.execute(text(f'SELECT * FROM "{name}"')):  # noqa: S608 - our own table names
            parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def test_no_table_holds_a_nik_in_clear(client, db, cast, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, cast.official_province.username)
    created = client.post("/returnees/new", data=with_scan(NEW_PERSON))
    assert created.status_code == 302
    person = db.session.query(Returnee).filter(Returnee.nik == NEW_NIK).one()
    # Edited, verified, revealed (audited), searched for, registered twice.
    client.post(
        f"/returnees/{person.id}/edit", data=profile_form(person, village="Sukorejo")
    )
    client.post(f"/returnees/{person.id}/verify")
    client.post(f"/returnees/{person.id}/nik")
    client.post("/returnees/find", data={"identifier": NEW_NIK})
    twice = client.post("/returnees/new", data=with_scan(NEW_PERSON))
    assert "sudah terdaftar" in twice.text
    stored = every_stored_text(db)
    for nik in (NEW_NIK, cast.returnee.nik, cast.far_away.nik):
        assert nik not in stored
        assert nik not in caplog.text


def test_an_error_report_carries_no_personal_value(
    app, client, db, cast, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    login(client, cast.returnee_user.username)

    def boom():  # an unexpected failure while a NIK is being handled
        copy = Returnee(nik=cast.returnee.nik, full_name="Salinan")
        db.session.add(copy)
        db.session.flush()  # NOT NULL and unique violations, with the values
        return "unreachable"

    monkeypatch.setitem(app.view_functions, "main.home", boom)
    response = client.get("/")
    assert response.status_code == 500
    assert "Traceback" in caplog.text  # the error was reported, with its SQL
    assert "INSERT INTO returnees" in caplog.text
    # ... but none of the values: not the NIK, its hash, nor the name.
    assert "hidden due to hide_parameters" in caplog.text
    if db.engine.dialect.name == "postgresql":  # its DETAIL line repeats the row
        assert "DETAIL: [hidden: it may hold personal values]" in caplog.text
    assert cast.returnee.nik_hash not in caplog.text
    assert "Salinan" not in caplog.text
    assert cast.returnee.nik not in caplog.text
    assert cast.returnee.nik not in response.text


def test_no_page_links_to_a_nik(client, db, cast):
    login(client, cast.official_province.username)
    niks = {p.nik for p in (cast.returnee, cast.neighbour)}
    for path in (
        "/",
        "/returnees/",
        f"/returnees/{cast.returnee.id}",
        f"/returnees/{cast.returnee.id}/edit",
        "/dashboard/returnees",
    ):
        page = client.get(path).text
        for url in re.findall(r'(?:href|action|src)="([^"]*)"', page):
            assert not any(nik in url for nik in niks), (path, url)
