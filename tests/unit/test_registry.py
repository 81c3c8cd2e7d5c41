"""Registry rules without a request: registration, duplicates, placements, trainings."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from juragan import consent_rules
from juragan.db import scope
from juragan.errors import DomainError, FieldErrors
from juragan.models import ConsentPurpose, ConsentRecord, Returnee, Role
from juragan.services import consent, registry
from juragan.services.consent import Scan
from juragan.services.registry import (
    DuplicateNik,
    PlacementData,
    PossibleDuplicates,
    ProfileData,
    TrainingData,
    name_similarity,
)
from tests.factories import make_nik

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
TODAY = NOW.date()


def profile(**overrides):
    values = {
        "nik": "3507015203880003",
        "full_name": "  Sri   Wahyuni ",
        "sex": "F",
        "birth_date": date(1988, 3, 12),
        "province_code": "35",
        "regency_code": "35.07",
        "education": "smp",
        "marital_status": "married",
        "dependants": 2,
        "phone": "0812-3456-7890",
        "email": " Sri@Example.org ",
        "district": "Kepanjen",
        "village": "Talangagung",
    }
    values.update(overrides)
    return ProfileData(**values)


EVERY_PURPOSE = frozenset(p.value for p in ConsentPurpose)
SIGNED_FORM = Scan("formulir.pdf", b"%PDF-1.4\n% signed form\n")


def given_by(actor):
    """What the registrar hands in: the person's own tick online, or the signed
    form's scan for a mentor or an official."""
    if actor is None:
        return consent.online(EVERY_PURPOSE)
    return consent.on_paper(EVERY_PURPOSE, SIGNED_FORM)


def register(db, actor=None, **overrides):
    from flask import current_app

    return registry.register_returnee(
        db.session,
        actor,
        profile(**overrides),
        consent=given_by(actor),
        now=NOW,
        upload_folder=current_app.config["UPLOAD_FOLDER"],
    )


def errors_of(caught):
    return dict(caught.value.errors)


def test_registration_normalises_and_records_consent(db, make_user):
    mentor = make_user(Role.MENTOR, "35", "35.07")
    returnee = register(db, mentor)
    assert returnee.full_name == "Sri Wahyuni"
    assert returnee.phone == "+6281234567890"
    assert returnee.email == "sri@example.org"
    with scope.system("tests"):
        records = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.returnee_id == returnee.id)
        ).all()
    assert {r.purpose for r in records} == EVERY_PURPOSE
    assert {(r.method, r.wording_version, r.recorded_by_id) for r in records} == {
        ("paper", consent_rules.WORDING_VERSION, mentor.id)
    }
    assert {r.given_at.replace(tzinfo=UTC) for r in records} == {NOW}
    # One scan for the one form, kept under a random name.
    assert len({r.stored_name for r in records}) == 1
    assert (
        returnee.mentor_id == mentor.id
    )  # a mentor's registration joins their caseload
    assert returnee.registered_by_id == mentor.id


def test_nothing_is_saved_without_consent(db, make_user):
    with pytest.raises(DomainError) as caught:
        registry.register_returnee(
            db.session,
            None,
            profile(),
            now=NOW,
            consent=consent.online(EVERY_PURPOSE - {"registry"}),
        )
    assert caught.value.field == "purposes"
    # A mentor's registration needs the signed form: a tick of theirs is no proof.
    mentor = make_user(Role.MENTOR, "35", "35.07")
    for given, field in (
        (consent.on_paper(EVERY_PURPOSE, None), "scan"),
        (consent.online(EVERY_PURPOSE), "method"),
        (consent.on_paper(EVERY_PURPOSE, Scan("x.exe", b"MZ")), "scan"),
    ):
        with pytest.raises(DomainError) as caught:
            registry.register_returnee(
                db.session,
                mentor,
                profile(),
                consent=given,
                now=NOW,
                upload_folder="/nonexistent",
            )
        assert field in dict(caught.value.errors), given
    assert (
        db.session.scalar(select(Returnee).where(Returnee.nik == "3507015203880003"))
        is None
    )


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"nik": "350701520388000"}, {"nik"}),
        ({"nik": "3199015203880003"}, {"nik"}),
        ({"nik": "3507013102880003"}, {"nik"}),
        ({"birth_date": date(1988, 3, 13)}, {"birth_date"}),
        ({"sex": "M"}, {"sex"}),
        ({"phone": "12345"}, {"phone"}),
        ({"regency_code": "33.01"}, {"regency_code"}),
        ({"education": "phd"}, {"education"}),
        ({"marital_status": "complicated"}, {"marital_status"}),
        ({"dependants": 31}, {"dependants"}),
        (
            {"birth_date": date(2030, 1, 1), "nik": "3507010101300003", "sex": "M"},
            {"birth_date"},
        ),
        ({"full_name": "   "}, {"full_name"}),
    ],
)
def test_profile_rules(db, overrides, fields):
    with pytest.raises(FieldErrors) as caught:
        register(db, **overrides)
    assert set(errors_of(caught)) == fields


def test_people_born_after_2000(db):
    returnee = register(
        db,
        nik="3507014505050012",
        birth_date=date(2005, 5, 5),
        full_name="Dewi Anggraini",
    )
    assert returnee.birth_date == date(2005, 5, 5)


def test_duplicate_nik_points_at_the_existing_record(db):
    first = register(db)
    with pytest.raises(DuplicateNik) as caught:
        register(db, full_name="Someone Else", phone=None)
    assert caught.value.existing_id == first.id
    assert caught.value.field == "nik"


def test_similar_person_warns_until_confirmed(db):
    first = register(db)
    other_nik = "3507015203880004"
    with pytest.raises(PossibleDuplicates) as caught:
        register(db, nik=other_nik, full_name="Sri Wahyuni.")
    assert caught.value.candidates == [first.id]
    second = registry.register_returnee(
        db.session,
        None,
        profile(nik=other_nik, full_name="Sri Wahyuni."),
        consent=given_by(None),
        now=NOW,
        confirmed_not_duplicate=True,
    )
    assert second.id != first.id


def test_different_names_are_not_duplicates(db):
    register(db)
    register(db, nik="3507015203880005", full_name="Siti Aminah")


def test_name_similarity():
    assert name_similarity("Sri Wahyuni", "sri  wahyuni") == 1
    assert name_similarity("Wahyuni Sri", "Sri Wahyuni") == 1
    assert name_similarity("Sri Wahyuni", "Sri Wahyuningsih") < 0.85
    assert name_similarity("Siti Aminah", "Sri Wahyuni") < 0.6


def test_registrars_stay_in_their_region(db, make_user):
    official = make_user(Role.OFFICIAL, "33")
    with pytest.raises(DomainError) as caught:
        register(db, official)
    assert caught.value.field == "regency_code"


def test_self_registration_creates_account_and_profile(db):
    made = registry.self_register(
        db.session,
        "kata-sandi-panjang",
        profile(),
        purposes=EVERY_PURPOSE,
        now=NOW,
    )
    user, returnee = made.user, made.returnee
    assert user.role == Role.RETURNEE
    assert returnee.user_id == user.id
    assert returnee.registered_by_id == user.id
    assert made.check is None
    assert re.fullmatch(r"[a-z.]+\.\d{4}", user.username)


def test_a_clash_becomes_a_check_for_the_region_not_an_answer(db, make_user):
    """The same NIK, or a person alike, registers again: an account and a check
    for the regency's officials, and nothing else (no record, no error)."""
    from juragan.models import RegistrationCheck

    first = registry.self_register(
        db.session, "kata-sandi-panjang", profile(), purposes=EVERY_PURPOSE, now=NOW
    )
    again = registry.self_register(
        db.session, "kata-sandi-lainnya", profile(), purposes=EVERY_PURPOSE, now=NOW
    )
    assert again.returnee is None
    check = again.check
    assert (check.reason, check.matched_returnee_id) == ("nik", first.returnee.id)
    assert check.user_id == again.user.id != first.user.id
    assert profile().nik not in (check.profile_ciphertext or "")  # sealed
    official = make_user(Role.OFFICIAL, "35", "35.07")
    other = make_user(Role.OFFICIAL, "33")
    for who, sees in (
        (official, True),
        (other, False),
        (again.user, True),
        (first.user, False),
    ):
        with scope.as_user(who):
            found = db.session.scalar(select(RegistrationCheck.id))
        assert (found is not None) is sees
    # The official sees the person's KTP and links the account to the record?
    # Not here: the record has an account already. They refuse, saying why.
    with pytest.raises(DomainError):
        registry.link_to_record(db.session, official, check, NOW)
    registry.refuse_check(db.session, official, check, "Sudah terdaftar.", NOW)
    assert (check.status, check.profile_ciphertext) == ("rejected", None)


def test_self_registration_with_a_bad_profile_creates_no_account(db):
    from juragan.models import User

    before = db.session.scalar(select(func.count()).select_from(User))
    with pytest.raises(FieldErrors):
        registry.self_register(
            db.session,
            "kata-sandi-panjang",
            profile(nik="123"),
            purposes=EVERY_PURPOSE,
            now=NOW,
        )
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_verified_nik_is_locked_for_the_returnee(db, make_user):
    official = make_user(Role.OFFICIAL, "35")
    returnee = register(db)
    registry.verify_nik(db.session, official, returnee, NOW)
    from juragan.policy import Action, can

    assert not can(returnee.user or official, Action.EDIT_NIK, returnee) or (
        can(official, Action.EDIT_NIK, returnee)
    )
    # The profile form never changes a NIK, whatever it is sent.
    registry.update_profile(
        db.session, returnee, profile(nik="3507015203880009"), today=TODAY
    )
    assert returnee.nik != "3507015203880009"
    registry.change_nik(db.session, returnee, "3507015203880009", today=TODAY)
    assert returnee.nik == "3507015203880009"
    assert returnee.nik_verified_at is None  # a new NIK needs a new check
    with pytest.raises(DomainError):
        registry.change_nik(db.session, returnee, "3507015203880009", today=TODAY)


def test_invitation_lifecycle(db, make_user):
    mentor = make_user(Role.MENTOR, "35", "35.07")
    returnee = register(db, mentor)
    token = registry.create_invitation(db.session, mentor, returnee, NOW)
    invitation = registry.find_invitation(db.session, token, NOW + timedelta(days=1))
    assert invitation is not None
    assert registry.find_invitation(db.session, token, NOW + timedelta(days=15)) is None
    assert registry.find_invitation(db.session, "not-a-token", NOW) is None
    user = registry.accept_invitation(
        db.session, invitation, "sri", "kata-sandi-panjang", NOW
    )
    assert returnee.user_id == user.id
    assert registry.find_invitation(db.session, token, NOW) is None  # used once only
    with pytest.raises(DomainError):
        registry.create_invitation(db.session, mentor, returnee, NOW)


# Placements -----------------------------------------------------------------


def placement(**overrides):
    values = {
        "country_code": "HK",
        "sector": "domestic_worker",
        "departure_date": date(2015, 2, 1),
        "contract_months": 24,
        "agency_name": "PT Sumber Rezeki",
        "return_date": date(2017, 2, 10),
        "return_reason": "contract_completed",
        "salary_foreign": Decimal("4630.00"),
        "salary_currency": "hkd",
        "salary_idr": 8_300_000,
        "remittances_idr": 120_000_000,
        "savings_idr": 35_000_000,
    }
    values.update(overrides)
    return PlacementData(**values)


def test_placement_is_saved(db):
    returnee = register(db)
    saved = registry.add_placement(db.session, returnee, placement(), TODAY)
    assert saved.salary_currency == "HKD"
    assert returnee.placements == [saved]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"return_date": date(2015, 1, 31)}, "return_date"),  # before departure
        (
            {
                "departure_date": TODAY + timedelta(days=1),
                "return_date": None,
                "return_reason": None,
            },
            "departure_date",
        ),
        ({"return_date": TODAY + timedelta(days=1)}, "return_date"),
        ({"salary_idr": -1}, "salary_idr"),
        ({"remittances_idr": -5}, "remittances_idr"),
        ({"savings_idr": -5}, "savings_idr"),
        ({"salary_foreign": Decimal("-1")}, "salary_foreign"),
        ({"salary_currency": "QQQ"}, "salary_currency"),
        ({"country_code": "ZZ"}, "country_code"),
        ({"country_code": "ID"}, "country_code"),
        ({"sector": "astronaut"}, "sector"),
        ({"agency_name": None}, "agency_name"),
        ({"contract_months": 0}, "contract_months"),
        ({"contract_months": 121}, "contract_months"),
        ({"return_reason": None}, "return_reason"),
    ],
)
def test_placement_rules(db, overrides, field):
    returnee = register(db)
    with pytest.raises(FieldErrors) as caught:
        registry.add_placement(db.session, returnee, placement(**overrides), TODAY)
    assert field in errors_of(caught)


def test_independent_needs_no_agency(db):
    returnee = register(db)
    saved = registry.add_placement(
        db.session, returnee, placement(agency_name="PT X", is_independent=True), TODAY
    )
    assert saved.agency_name is None


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2016, 6, 1), date(2018, 6, 1)),  # starts inside the first
        (date(2014, 1, 1), date(2015, 3, 1)),  # ends inside the first
        (date(2014, 1, 1), date(2019, 1, 1)),  # contains the first
        (date(2017, 2, 10), None),  # leaves the day the first came back, still abroad
    ],
)
def test_placements_may_not_overlap(db, start, end):
    returnee = register(db)
    registry.add_placement(db.session, returnee, placement(), TODAY)
    with pytest.raises(FieldErrors) as caught:
        registry.add_placement(
            db.session,
            returnee,
            placement(
                country_code="TW",
                departure_date=start,
                return_date=end,
                return_reason="contract_completed" if end else None,
            ),
            TODAY,
        )
    assert "departure_date" in errors_of(caught)


def test_an_open_placement_blocks_later_ones(db):
    returnee = register(db)
    registry.add_placement(
        db.session, returnee, placement(return_date=None, return_reason=None), TODAY
    )
    with pytest.raises(FieldErrors):
        registry.add_placement(
            db.session,
            returnee,
            placement(departure_date=date(2020, 1, 1), return_date=date(2021, 1, 1)),
            TODAY,
        )


def test_consecutive_placements_and_editing_one(db):
    returnee = register(db)
    first = registry.add_placement(db.session, returnee, placement(), TODAY)
    registry.add_placement(
        db.session,
        returnee,
        placement(
            country_code="TW",
            departure_date=date(2017, 3, 1),
            return_date=None,
            return_reason=None,
            sector="caregiver",
        ),
        TODAY,
    )
    # Editing a placement does not collide with itself.
    registry.update_placement(db.session, first, placement(contract_months=25), TODAY)
    assert first.contract_months == 25


def test_database_refuses_a_return_before_departure(db):
    from sqlalchemy.exc import IntegrityError

    from juragan.models import Placement

    returnee = register(db)
    backwards = Placement(
        returnee_id=returnee.id,
        country_code="HK",
        sector="caregiver",
        agency_name="PT A",
        departure_date=date(2020, 1, 1),
        contract_months=24,
        return_date=date(2019, 1, 1),
        return_reason="other",
    )
    with db.session.begin_nested():
        db.session.add(backwards)
        with pytest.raises(IntegrityError):
            db.session.flush()


# Trainings ------------------------------------------------------------------


def training(**overrides):
    values = {
        "title": "Kelas Wirausaha Purna PMI",
        "kind": "desmigratif",
        "stage": "after_return",
        "organiser": "Disnaker Kabupaten Malang",
        "start_date": date(2024, 3, 4),
        "end_date": date(2024, 3, 8),
        "certificate": "No. 12/DSM/2024",
    }
    values.update(overrides)
    return TrainingData(**values)


def test_training_saved_and_rules(db):
    returnee = register(db)
    saved = registry.add_training(db.session, returnee, training(), TODAY)
    assert saved.id is not None
    for overrides, field in [
        ({"end_date": date(2024, 3, 1)}, "end_date"),
        ({"start_date": TODAY + timedelta(days=3), "end_date": None}, "start_date"),
        ({"kind": "magic"}, "kind"),
        ({"stage": "later"}, "stage"),
        ({"title": " "}, "title"),
        ({"organiser": ""}, "organiser"),
    ]:
        with pytest.raises(FieldErrors) as caught:
            registry.add_training(db.session, returnee, training(**overrides), TODAY)
        assert field in errors_of(caught), overrides


def test_make_nik_helper_builds_valid_niks():
    from juragan.domain.identifiers import parse_nik

    assert parse_nik(make_nik("35.07", date(1990, 5, 17), "F", 3), TODAY).sex == "F"
