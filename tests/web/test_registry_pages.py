"""The registry through the browser's eyes: registration, profile, masking, search."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from juragan.domain.disclosure import nik as mask_nik
from juragan.models import AuditEntry, Placement, Returnee, User
from tests.factories import PASSWORD, login, with_scan

NEW_PERSON = {
    "nik": "3507 0152 0388 0003",
    "full_name": "Sri Rahayu",
    "sex": "F",
    "birth_date": "1988-03-12",
    "phone": "0812 3456 7891",
    "email": "",
    "province_code": "35",
    "regency_code": "35.07",
    "district": "Kepanjen",
    "village": "Talangagung",
    "education": "sma",
    "marital_status": "married",
    "dependants": "2",
    "consent_registry": "y",
}


def test_self_registration(client, db):
    form = {
        **NEW_PERSON,
        "password": "kata-sandi-kuat",
        "confirm_password": "kata-sandi-kuat",
    }
    response = client.post("/register", data=form)
    assert response.status_code == 302
    returnee = db.session.scalar(
        select(Returnee).where(Returnee.nik == "3507015203880003")
    )
    user = db.session.get(User, returnee.user_id)
    assert user.username.startswith("sri.rahayu.")  # made from the name
    assert returnee.phone == "+6281234567891"
    home = client.get("/")
    assert "Sri Rahayu" in home.text
    assert "Profil saya" in home.text


def test_self_registration_refuses_without_consent_or_with_bad_nik(client, db):
    base = {
        **NEW_PERSON,
        "password": "kata-sandi-kuat",
        "confirm_password": "kata-sandi-kuat",
    }
    no_consent = {k: v for k, v in base.items() if k != "consent_registry"}
    response = client.post("/register", data=no_consent)
    assert response.status_code == 200
    assert "persetujuan" in response.text.lower()
    response = client.post(
        "/register",
        data={**base, "nik": "3507015203880003", "birth_date": "1988-03-13"},
    )
    assert "NIK menunjukkan lahir" in response.text or "12-03-1988" in response.text
    assert (
        db.session.scalar(select(User).where(User.username.startswith("sri.rahayu")))
        is None
    )


def test_official_registers_and_invites(app, client, db, cast):
    login(client, cast.official_regency.username)
    response = client.post("/returnees/new", data=with_scan(NEW_PERSON))
    assert response.status_code == 302
    returnee = db.session.scalar(
        select(Returnee).where(Returnee.full_name == "Sri Rahayu")
    )
    assert returnee.registered_by_id == cast.official_regency.id
    page = client.post(f"/returnees/{returnee.id}/invite")
    link = re.search(r"http://localhost(/invite/[\w-]+)", page.text).group(1)
    newcomer = app.test_client()
    assert (
        "Buat akun Anda" in newcomer.get(link).text
        or newcomer.get(link).status_code == 200
    )
    response = newcomer.post(
        link,
        data={
            "username": "sri.r",
            "password": "kata-sandi-kuat",
            "confirm_password": "kata-sandi-kuat",
        },
    )
    assert response.status_code == 302
    assert "Profil saya" in newcomer.get("/").text
    assert newcomer.post(link, data={}).status_code == 404  # used once


def test_duplicate_nik_links_to_the_existing_record_for_those_allowed(client, cast):
    login(client, cast.official_province.username)
    response = client.post(
        "/returnees/new",
        data=with_scan(
            {**NEW_PERSON, "nik": cast.neighbour.nik, "birth_date": "1990-05-17"}
        ),
    )
    assert response.status_code == 200
    assert cast.neighbour.full_name in response.text
    assert f"/returnees/{cast.neighbour.id}" in response.text


def test_fuzzy_duplicate_warns_then_saves_when_confirmed(client, db, cast):
    login(client, cast.official_province.username)
    twin = {
        **NEW_PERSON,
        "nik": "3507015705900099",
        "full_name": cast.returnee.full_name,
        "birth_date": "1990-05-17",
    }
    response = client.post("/returnees/new", data=with_scan(twin))
    assert response.status_code == 200
    assert "alert-warning" in response.text
    assert cast.returnee.full_name in response.text
    response = client.post(
        "/returnees/new", data=with_scan({**twin, "confirm_not_duplicate": "y"})
    )
    assert response.status_code == 302


def test_registering_outside_the_region_is_refused(client, cast):
    login(client, cast.official_other.username)
    response = client.post("/returnees/new", data=with_scan(NEW_PERSON))
    assert response.status_code == 200
    assert "di luar wilayah" in response.text


@pytest.mark.parametrize(
    ("who", "sees_full_phone", "may_reveal"),
    [
        ("returnee_user", True, True),
        ("mentor", True, True),
        ("official_province", True, True),
        ("bank_officer", False, False),
        ("admin", False, False),
    ],
)
def test_masking_per_role(client, cast, make_loan, who, sees_full_phone, may_reveal):
    make_loan(cast, status="submitted")  # the bank officer sees applicants only
    login(client, cast.user(who).username)
    page = client.get(f"/returnees/{cast.returnee.id}").text
    nik = cast.returnee.nik
    if who == "returnee_user":
        assert nik in page
    else:
        assert nik not in page
        assert mask_nik(nik) in page
    assert ("+62 812-3456-7890" in page) is sees_full_phone
    assert ("Tampilkan NIK lengkap" in page) is (may_reveal and who != "returnee_user")
    reveal = client.post(f"/returnees/{cast.returnee.id}/nik")
    assert reveal.status_code == (200 if may_reveal else 403)
    if may_reveal:
        assert nik in reveal.text


def test_revealing_a_nik_is_audited(client, db, cast):
    login(client, cast.mentor.username)
    client.post(f"/returnees/{cast.returnee.id}/nik")
    entry = db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == "view", AuditEntry.object_id == str(cast.returnee.id)
        )
        .order_by(AuditEntry.id)
    )
    assert entry.actor_id == cast.mentor.id
    assert entry.changes == {"nik": ["***", "***"]}
    assert cast.returnee.nik not in str(entry.changes)


def test_lists_never_show_a_full_nik(client, cast):
    for who in ("mentor", "official_province", "bank_officer", "admin"):
        login(client, cast.user(who).username)
        page = client.get("/returnees/").text
        assert cast.returnee.nik not in page, who
        client.post("/logout")


def test_verification_locks_the_nik_for_the_returnee(client, db, cast):
    login(client, cast.returnee_user.username)
    assert client.post(f"/returnees/{cast.returnee.id}/verify").status_code == 403
    client.post("/logout")
    login(client, cast.official_regency.username)
    assert client.post(f"/returnees/{cast.returnee.id}/verify").status_code == 302
    client.post("/logout")
    login(client, cast.returnee_user.username)
    from tests.factories import make_nik, profile_form

    other = make_nik("35.07", cast.returnee.birth_date, "F", 4321)
    # The profile form carries no NIK: whatever it is sent, the NIK stays.
    response = client.post(
        f"/returnees/{cast.returnee.id}/edit",
        data=profile_form(cast.returnee, nik=other),
    )
    assert response.status_code == 302
    assert (
        "sudah diverifikasi" in client.get(f"/returnees/{cast.returnee.id}/edit").text
    )
    assert client.get(f"/returnees/{cast.returnee.id}/nik/change").status_code == 403
    response = client.post(
        f"/returnees/{cast.returnee.id}/nik/change", data={"nik": other, "version": "1"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert cast.returnee.nik != other


@pytest.mark.parametrize(
    ("query", "expects"),
    [
        ({"regency": "35.78"}, ["neighbour"]),
        ({"country": "HK"}, ["returnee"]),
        ({"return_year": "2017"}, ["returnee"]),
        ({"status": "abroad"}, ["neighbour"]),
        ({"status": "no_placement"}, []),
        ({"status": "returned"}, ["returnee"]),
        ({"q": "xyz-nobody"}, []),
    ],
)
def test_search_filters(client, db, cast, query, expects):
    db.session.add_all(
        [
            Placement(
                returnee_id=cast.returnee.id,
                country_code="HK",
                sector="caregiver",
                agency_name="PT A",
                departure_date=date(2015, 2, 1),
                contract_months=24,
                return_date=date(2017, 2, 10),
                return_reason="contract_completed",
            ),
            Placement(
                returnee_id=cast.neighbour.id,
                country_code="TW",
                sector="caregiver",
                agency_name="PT B",
                departure_date=date(2024, 2, 1),
                contract_months=36,
            ),
        ]
    )
    db.session.commit()
    login(client, cast.official_province.username)
    page = client.get("/returnees/", query_string=query).text
    names = {"returnee": cast.returnee.full_name, "neighbour": cast.neighbour.full_name}
    for key, name in names.items():
        assert (name in page) is (key in expects), (query, key)
    assert cast.far_away.full_name not in page


def test_add_placement_on_the_web_with_messages_at_the_field(client, db, cast):
    login(client, cast.returnee_user.username)
    url = f"/returnees/{cast.returnee.id}/placements/new"
    form = {
        "country_code": "TW",
        "sector": "caregiver",
        "agency_name": "PT Jasa",
        "departure_date": "2019-01-05",
        "contract_months": "36",
        "return_date": "2018-01-01",
        "return_reason": "contract_completed",
        "salary_foreign": "20000",
        "salary_currency": "TWD",
        "salary_idr": "Rp 10.200.000",
        "remittances_idr": "-5",
    }
    response = client.post(url, data=form)
    assert response.status_code == 200
    assert "sebelum keberangkatan" in response.text
    assert "tidak boleh negatif" in response.text
    form.update(return_date="2022-01-10", remittances_idr="250.000.000")
    assert client.post(url, data=form).status_code == 302
    placement = db.session.scalar(
        select(Placement).where(Placement.returnee_id == cast.returnee.id)
    )
    assert placement.salary_idr == 10_200_000
    assert placement.remittances_idr == 250_000_000
    page = client.get(f"/returnees/{cast.returnee.id}").text
    assert "Taiwan" in page
    assert "Rp250.000.000" in page


def test_others_cannot_touch_placements(client, cast):
    login(client, cast.admin.username)
    assert (
        client.get(f"/returnees/{cast.neighbour.id}/placements/new").status_code == 403
    )
    client.post("/logout")
    login(client, cast.mentor.username)
    assert (
        client.get(f"/returnees/{cast.far_away.id}/placements/new").status_code == 404
    )
    assert (
        client.get(f"/returnees/{cast.returnee.id}/placements/999").status_code == 404
    )


def test_add_training(client, db, cast):
    login(client, cast.mentor.username)
    response = client.post(
        f"/returnees/{cast.returnee.id}/trainings/new",
        data={
            "title": "Kelas Wirausaha",
            "kind": "entrepreneurship",
            "stage": "after_return",
            "organiser": "Migran Center UB",
            "start_date": "2024-03-04",
            "end_date": "2024-03-08",
            "certificate": "",
        },
    )
    assert response.status_code == 302
    assert "Kelas Wirausaha" in client.get(f"/returnees/{cast.returnee.id}").text


def test_invitation_link_for_unknown_token(client):
    assert client.get("/invite/nope").status_code == 404


def test_password_for_self_registration_is_checked(client, db):
    form = {
        **NEW_PERSON,
        "username": "sri",
        "password": "short",
        "confirm_password": "short",
    }
    response = client.post("/register", data=form)
    assert response.status_code == 200
    assert db.session.scalar(select(User).where(User.username == "sri")) is None
    assert PASSWORD  # the shared test password stays untouched


def test_find_by_nik_or_phone_never_puts_them_in_a_url(client, db, cast):
    login(client, cast.official_province.username)
    found = client.post("/returnees/find", data={"identifier": cast.returnee.nik})
    assert found.status_code == 302
    assert found.headers["Location"] == f"/returnees/{cast.returnee.id}"
    assert cast.returnee.nik not in found.headers["Location"]
    # Two people share this phone: both are listed, on a page without the number
    # in its address.
    both = client.post("/returnees/find", data={"identifier": "0812-3456-7890"})
    assert both.status_code == 200
    assert cast.returnee.full_name in both.text
    assert cast.neighbour.full_name in both.text
    nobody = client.post("/returnees/find", data={"identifier": "3507010101010001"})
    assert "Tidak ada orang yang boleh Anda lihat" in nobody.text
    # Outside one's region a NIK finds nobody.
    client.post("/logout")
    login(client, cast.official_other.username)
    other = client.post("/returnees/find", data={"identifier": cast.returnee.nik})
    assert other.status_code == 200
    assert cast.returnee.full_name not in other.text
    # The old address-bar search is gone.
    assert 'name="nik"' not in client.get("/returnees/").text


def test_the_profile_shows_the_nik_region_then_and_today(client, db, cast):
    # A NIK issued in Kabupaten Bulungan while it was 64.04 in Kalimantan Timur
    # (before UU 20/2012); the same regency is 65.01 in Kalimantan Utara today.
    person = cast.returnee
    person.nik = "6404" + person.nik[4:]
    db.session.commit()
    login(client, cast.returnee_user.username)
    page = client.get(f"/returnees/{person.id}").text
    assert "Kode wilayah NIK" in page
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert (
        "64.04 (Kabupaten Bulungan, Kalimantan Timur sampai 2012; kini 65.01 "
        "Kabupaten Bulungan, Kalimantan Utara)" in text
    )
    # The address stays where the person lives now.
    assert f"{person.regency.name}, {person.province.name}" in text
    # The code is part of the NIK: a mentor sees it only with a recorded reveal.
    client.post("/logout")
    login(client, cast.mentor.username)
    assert "Kode wilayah NIK" not in client.get(f"/returnees/{person.id}").text
    assert "Kode wilayah NIK" in client.post(f"/returnees/{person.id}/nik").text


def test_a_minor_and_a_former_nik_code_on_the_registration_form(client, db, cast):
    login(client, cast.official_province.username)
    # Born 15 June 2010: under 18 until 15 June 2028 (15 or 16 during 2026). The
    # NIK 3507 01 55 06 10 0009 holds the same date (a woman: 55 = 15 + 40), and
    # its "10" is 2010 (16) or 1910 (116): neither is 18 to 100.
    minor = {**NEW_PERSON, "nik": "3507015506100009", "birth_date": "2010-06-15"}
    response = client.post("/returnees/new", data=with_scan(minor))
    assert response.status_code == 200
    feedback = re.findall(r'invalid-feedback[^"]*">([^<]+)<', response.text)
    assert any("paling rendah 18 tahun (UU 18/2017)" in f for f in feedback)
    assert any(f.startswith("Menurut NIK, lahir 15-06-2010") for f in feedback)
    assert (
        db.session.scalar(select(Returnee).where(Returnee.full_name == "Sri Rahayu"))
        is None
    )
    # A NIK issued under 92.01 (Kabupaten Sorong, Papua Barat, until 2022) is accepted.
    former = {**NEW_PERSON, "nik": "9201 0152 0388 0003"}
    response = client.post("/returnees/new", data=with_scan(former))
    assert response.status_code == 302, response.text
