"""Two people editing one record: the second to save is told, nothing is lost."""

import re
from datetime import date

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from juragan.db import scope
from juragan.extensions import db as database
from juragan.models import AuditEntry, Returnee
from tests.factories import login, make_nik, profile_form

RACES = 200


def shown_version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


@pytest.mark.slow
def test_200_races_of_two_edits_through_the_forms(app, client, db, cast):
    other = app.test_client()
    login(client, cast.mentor.username)
    login(other, cast.official_province.username)
    url = f"/returnees/{cast.returnee.id}/edit"
    conflicts = overwrites = 0
    for race in range(RACES):
        # Both open the form on the same version of the record.
        db.session.expire_all()
        version = str(db.session.get(Returnee, cast.returnee.id).version)
        first = client.post(
            url,
            data={
                **profile_form(cast.returnee, village=f"A{race}"),
                "version": version,
            },
        )
        assert first.status_code == 302
        second = other.post(
            url,
            data={
                **profile_form(cast.returnee, village=f"B{race}"),
                "version": version,
            },
        )
        if second.status_code == 409 and "Orang lain mengubah data ini" in second.text:
            conflicts += 1
            # The form comes back with the second person's entries, at the new version.
            assert f'value="B{race}"' in second.text
            assert shown_version(second.text) != version
        db.session.expire_all()
        if db.session.get(Returnee, cast.returnee.id).village != f"A{race}":
            overwrites += 1
    assert (conflicts, overwrites) == (RACES, 0)


@pytest.mark.slow
def test_200_races_of_two_transactions_on_the_database(app):
    """Below the forms: two sessions read the same version and both write; the
    database refuses the second (UPDATE ... WHERE version = the one read)."""
    with app.app_context(), scope.system("tests"):
        engine = database.engine
        with Session(engine) as setup:
            person = Returnee(
                nik=make_nik("35.07", date(1991, 2, 3), "F", 9901),
                full_name="Ras",
                sex="F",
                birth_date=date(1991, 2, 3),
                province_code="35",
                regency_code="35.07",
                education="smp",
                marital_status="single",
                dependants=0,
            )
            setup.add(person)
            setup.commit()
            person_id = person.id
        caught = lost = 0
        try:
            for race in range(RACES):
                with (
                    Session(engine, expire_on_commit=False) as first,
                    Session(engine, expire_on_commit=False) as second,
                ):
                    # Both read the same version (and let go of the database, as a
                    # web request does between showing a form and saving it).
                    a = first.get(Returnee, person_id)
                    first.commit()
                    b = second.get(Returnee, person_id)
                    second.commit()
                    a.village, b.village = f"A{race}", f"B{race}"
                    first.commit()
                    try:
                        second.commit()
                    except StaleDataError:
                        caught += 1
                        second.rollback()
                with Session(engine) as check:
                    if check.get(Returnee, person_id).village != f"A{race}":
                        lost += 1
        finally:
            with Session(engine) as cleanup:
                cleanup.execute(
                    delete(AuditEntry).where(
                        AuditEntry.table_name == "returnees",
                        AuditEntry.object_id == str(person_id),
                    )
                )
                cleanup.delete(cleanup.get(Returnee, person_id))
                cleanup.commit()
                assert (
                    cleanup.scalar(select(Returnee).where(Returnee.id == person_id))
                    is None
                )
    assert (caught, lost) == (RACES, 0)
