"""The outside review's findings (issue 13), each reproduced as an attacker with a
role's account would try it. Every test here failed before its fix."""

from __future__ import annotations

import io
import re

import pandas as pd
from sqlalchemy import select

from juragan.models import Returnee
from juragan.services.registry_files import EXAMPLE_ROW
from tests.factories import login, make_nik


def _upload(client, rows):
    data = {"file": (io.BytesIO(pd.DataFrame(rows).to_csv(index=False).encode()),
                     "people.csv"), "consent_on_paper": "y"}  # fmt: skip
    return client.post("/returnees/import", data=data,
                       content_type="multipart/form-data")  # fmt: skip


def _row_of(person: Returnee, **overrides) -> dict[str, str]:
    row = {**EXAMPLE_ROW, "nik": person.nik, "full_name": person.full_name,
           "sex": person.sex, "birth_date": person.birth_date.isoformat(),
           "phone": "", "country_code": ""}  # fmt: skip
    row.update(overrides)
    return row


def _reasons(page_text: str) -> list[str]:
    """The reasons given for each refused row of a dry run."""
    return re.findall(r'<tr class="table-danger">.*?<td class="small">([^<]*)</td>',
                      page_text, re.S)  # fmt: skip


# 1. Takeover through the import --------------------------------------------------


def test_01_an_import_cannot_take_a_person_from_another_region(client, db, cast):
    """A regency's official imports the NIK of a Central Java returnee with an
    address in their own regency: the row is refused, the person stays where they
    are with their phone, and their pages stay hidden from the importer."""
    victim = cast.far_away
    phone, province = victim.phone, victim.province_code
    login(client, cast.official_regency.username)  # Kab. Malang
    assert client.get(f"/returnees/{victim.id}").status_code == 404
    takeover = _row_of(victim, province_code="35", regency_code="35.07")
    page = _upload(client, [takeover])
    assert page.status_code == 200
    assert 'name="token"' not in page.text  # nothing to confirm
    db.session.expire_all()
    victim = db.session.get(Returnee, victim.id)
    assert (victim.province_code, victim.phone) == (province, phone)
    assert client.get(f"/returnees/{victim.id}").status_code == 404


def test_01_the_dry_run_is_no_oracle_for_a_nik_registered_elsewhere(client, cast):
    """A NIK "registered by another office" reads exactly like "address outside your
    region": the dry run cannot tell whether a NIK exists anywhere."""
    login(client, cast.official_regency.username)
    elsewhere = _reasons(_upload(client, [_row_of(cast.far_away, province_code="35",
                                                  regency_code="35.07")]).text)  # fmt: skip
    outside = _reasons(_upload(client, [{**EXAMPLE_ROW, "province_code": "33",
                                         "regency_code": "33.01"}]).text)  # fmt: skip
    assert elsewhere
    assert elsewhere == outside


def test_01_an_update_in_scope_keeps_what_a_row_leaves_empty(client, db, cast):
    login(client, cast.official_regency.username)
    page = _upload(client, [_row_of(cast.returnee, province_code="35",
                                    regency_code="35.07", village="Baru")])  # fmt: skip
    token = page.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/returnees/import/confirm", data={"token": token}).status_code \
        == 302  # fmt: skip
    db.session.expire_all()
    person = db.session.scalar(select(Returnee).where(Returnee.id == cast.returnee.id))
    assert person.village == "Baru"
    assert person.phone == "+6281234567890"  # an empty cell wipes nothing


# 10. Anonymous registration tells nothing about anyone -----------------------------


def _register(app, **overrides):
    """A visitor's registration from a fresh browser: what they are told."""
    from tests.web.test_registry_pages import NEW_PERSON

    visitor = app.test_client()
    form = {**NEW_PERSON, "password": "kata-sandi-kuat",
            "confirm_password": "kata-sandi-kuat", **overrides}  # fmt: skip
    response = visitor.post("/register", data=form)
    home = visitor.get("/")
    flashed = re.sub(r"[a-z.]+\.\d{4}", "USERNAME",
                     home.text.replace(form["full_name"], "NAME"))  # fmt: skip
    notice = re.findall(r'<div class="alert[^"]*"[^>]*>\s*(.*?)\s*<', flashed, re.S)
    return response.status_code, response.headers.get("Location"), notice[:1]


def test_10_registration_answers_alike_whoever_is_registered(app, db, cast):
    """A new NIK, a NIK registered already, and a person alike someone registered:
    the visitor is told the same each time, and never that a name is taken."""
    from juragan.models import RegistrationCheck

    sri = cast.returnee
    new = _register(app)
    taken_nik = _register(app, nik=sri.nik, full_name="Orang Lain",
                          birth_date=sri.birth_date.isoformat(), sex=sri.sex)  # fmt: skip
    alike = _register(app, full_name=sri.full_name, nik=make_nik(
        sri.regency_code, sri.birth_date, sri.sex, 7777),
        birth_date=sri.birth_date.isoformat(), sex=sri.sex,
        province_code=sri.province_code, regency_code=sri.regency_code)  # fmt: skip
    assert new == taken_nik == alike
    assert new[0] == 302
    # The two clashes wait for the regency's officials; nobody got Sri's record.
    checks = db.session.scalars(select(RegistrationCheck)).all()
    assert sorted(c.reason for c in checks) == ["nik", "similar"]
    db.session.expire_all()
    assert db.session.get(Returnee, sri.id).user_id == cast.returnee_user.id
    # There is no username to try: the form has none.
    page = app.test_client().get("/register").text
    assert 'name="username"' not in page
