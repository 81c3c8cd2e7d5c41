"""Each role's home page, and the 404/403 rules through real requests."""

import pytest
from sqlalchemy import select

from juragan.models import AuditEntry
from tests.factories import login, profile_form

HOME_MARKERS = {
    "returnee_user": ["Profil saya", "Pendamping saya"],
    "mentor": ["Purna PMI dalam daftar dampingan saya"],
    "official_province": ["Wilayah Anda: Jawa Timur", "Purna PMI per kabupaten/kota"],
    "official_regency": ["Wilayah Anda: Kabupaten Malang, Jawa Timur"],
    "official_national": ["Wilayah Anda: seluruh Indonesia"],
    "bank_officer": ["Wilayah Anda: Jawa Timur"],
    "admin": ["Akun menurut peran", "Perubahan terbaru"],
}


@pytest.mark.parametrize("who", sorted(HOME_MARKERS))
def test_home_page_per_role(client, cast, who):
    user = cast.user(who)
    login(client, user.username)
    response = client.get("/")
    assert response.status_code == 200
    assert user.full_name in response.text
    for marker in HOME_MARKERS[who]:
        assert marker in response.text, marker


def test_mentor_home_lists_the_caseload_only(client, cast):
    login(client, cast.mentor.username)
    text = client.get("/").text
    assert cast.returnee.full_name in text
    assert cast.neighbour.full_name not in text


def test_regional_home_counts_only_the_region(client, cast):
    login(client, cast.official_regency.username)
    text = client.get("/").text
    assert "Kabupaten Malang" in text
    assert "Kota Surabaya" not in text


def test_returnee_without_profile_is_told_what_to_do(client, make_user):
    login(client, make_user().username)
    assert "belum diisi" in client.get("/").text


def test_anonymous_is_sent_to_sign_in(client, cast):
    for path in (
        "/",
        "/returnees/",
        f"/returnees/{cast.returnee.id}",
        "/admin/accounts",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


# (who, target, view status, edit status)
OBJECT_ACCESS = [
    ("returnee_user", "returnee", 200, 200),
    ("returnee_user", "neighbour", 404, 404),
    ("mentor", "returnee", 200, 200),
    ("mentor", "neighbour", 404, 404),
    ("official_regency", "neighbour", 404, 404),
    ("official_province", "neighbour", 200, 200),
    ("official_province", "far_away", 404, 404),
    # A lender's officer: only people who applied to the lender (none here).
    ("bank_officer", "neighbour", 404, 404),
    ("admin", "far_away", 200, 403),
]


@pytest.mark.parametrize(("who", "target", "view", "edit"), OBJECT_ACCESS)
def test_returnee_record_access(client, cast, who, target, view, edit):
    login(client, cast.user(who).username)
    returnee_id = getattr(cast, target).id
    assert client.get(f"/returnees/{returnee_id}").status_code == view
    assert client.get(f"/returnees/{returnee_id}/edit").status_code == edit
    # An empty POST re-saves the record as it is (302) where editing is allowed.
    allowed = {edit, 302} if edit == 200 else {edit}
    assert client.post(f"/returnees/{returnee_id}/edit", data={}).status_code in allowed


def test_missing_record_is_404_for_everyone(client, cast):
    login(client, cast.admin.username)
    assert client.get("/returnees/999999").status_code == 404


@pytest.mark.parametrize(
    "who", ["returnee_user", "mentor", "official_province", "bank_officer"]
)
def test_admin_pages_are_forbidden_to_others(client, cast, who):
    login(client, cast.user(who).username)
    assert client.get("/admin/accounts").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert client.get(f"/admin/accounts/{cast.admin.id}").status_code == 403


def test_returnee_list_is_forbidden_to_returnees(client, cast):
    login(client, cast.returnee_user.username)
    assert client.get("/returnees/").status_code == 403


@pytest.mark.parametrize(
    ("who", "visible", "hidden"),
    [
        ("mentor", ["returnee"], ["neighbour", "far_away"]),
        ("official_province", ["returnee", "neighbour"], ["far_away"]),
        ("official_other", ["far_away"], ["returnee", "neighbour"]),
        ("official_national", ["returnee", "neighbour", "far_away"], []),
    ],
)
def test_returnee_list_is_scoped(client, cast, who, visible, hidden):
    login(client, cast.user(who).username)
    text = client.get("/returnees/").text
    for name in visible:
        assert getattr(cast, name).full_name in text
    for name in hidden:
        assert getattr(cast, name).full_name not in text


def test_returnee_list_filters_and_pages(client, cast, make_returnee):
    for n in range(12):
        make_returnee("35.07", full_name=f"Warga Malang {n:02d}")
    login(client, cast.official_province.username)
    first = client.get("/returnees/", query_string={"q": "warga malang"})
    assert first.text.count("Warga Malang") == 10  # PAGE_SIZE in the test config
    assert "Halaman berikutnya" in first.text
    after = first.text.split("after=")[1].split("&")[0].split('"')[0]
    second = client.get(
        "/returnees/", query_string={"q": "warga malang", "after": after}
    )
    assert second.text.count("Warga Malang") == 2
    by_regency = client.get("/returnees/", query_string={"regency": "35.78"})
    assert cast.neighbour.full_name in by_regency.text
    assert cast.returnee.full_name not in by_regency.text
    bogus = client.get("/returnees/", query_string={"province": "XX", "after": "abc"})
    assert bogus.status_code == 200


def test_edit_returnee_records_audit(client, db, cast):
    login(client, cast.mentor.username)
    response = client.post(
        f"/returnees/{cast.returnee.id}/edit",
        data=profile_form(cast.returnee, full_name="Sri Wahyuni Baru", village="Baru"),
    )
    assert response.status_code == 302
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.table_name == "returnees",
            AuditEntry.object_id == str(cast.returnee.id),
            AuditEntry.action == "update",
        )
    ).one()
    assert entry.actor_id == cast.mentor.id
    assert entry.changes["village"] == ["Talangagung", "Baru"]
    assert entry.changes["full_name"][1] == "Sri Wahyuni Baru"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"regency_code": "33.01"}, "tidak ada di provinsi"),
        ({"birth_date": "2999-01-01"}, "masa depan"),
        ({"birth_date": "not-a-date"}, "tanggal"),
        ({"full_name": ""}, "nama lengkap"),
        ({"province_code": "99"}, "Bukan pilihan yang tersedia"),
    ],
)
def test_bad_edit_is_refused_beside_the_field(client, db, cast, data, message):
    login(client, cast.official_province.username)
    response = client.post(
        f"/returnees/{cast.returnee.id}/edit",
        data=profile_form(cast.returnee, full_name="Ani", **data)
        if "full_name" not in data
        else profile_form(cast.returnee, **data),
    )
    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert message.lower() in response.text.lower()
    db.session.expire_all()
    assert cast.returnee.full_name != "Ani"
