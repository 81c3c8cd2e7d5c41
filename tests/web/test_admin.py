from sqlalchemy import select

from juragan.models import AuditEntry, Role, User
from tests.factories import PASSWORD, login


def account_form(**overrides):
    form = {
        "username": "pendamping.baru",
        "full_name": "Budi Santoso",
        "email": "",
        "role": "mentor",
        "scope_province_code": "35",
        "scope_regency_code": "35.07",
        "password": "kata-sandi-awal",
    }
    form.update(overrides)
    return form


def test_admin_creates_an_account_and_it_is_audited(client, db, cast):
    login(client, cast.admin.username)
    response = client.post("/admin/accounts/new", data=account_form())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "pendamping.baru"))
    assert user.role == Role.MENTOR
    assert user.scope_regency_code == "35.07"
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.table_name == "users", AuditEntry.object_id == str(user.id))
        .order_by(AuditEntry.id)
    )
    assert entry.action == "insert"
    assert entry.actor_id == cast.admin.id
    assert entry.changes["password_hash"] == ["***", "***"]
    client.post("/logout")
    assert login(client, "pendamping.baru", "kata-sandi-awal").status_code == 302


def test_bad_account_input_is_shown_beside_the_field(client, db, cast):
    login(client, cast.admin.username)
    cases = [
        ({"username": cast.mentor.username.upper()}, "Sudah dipakai"),
        ({"scope_province_code": ""}, "provinsi"),
        ({"scope_regency_code": "33.01"}, "tidak ada di provinsi"),
        ({"password": "short"}, "8 sampai"),
        ({"username": "a b"}, "huruf"),
        ({"email": "not-an-email"}, "alamat email"),
        ({"role": "king"}, "Bukan pilihan"),
        ({"scope_regency_code": "99.99"}, "Bukan pilihan"),
    ]
    before = db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1))
    for overrides, message in cases:
        response = client.post("/admin/accounts/new", data=account_form(**overrides))
        assert response.status_code == 200, overrides
        assert "is-invalid" in response.text or "alert-danger" in response.text, (
            overrides
        )
        assert message in response.text, overrides
    assert (
        db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) == before
    )


def test_admin_changes_role_and_scope(client, db, cast):
    login(client, cast.admin.username)
    response = client.post(
        f"/admin/accounts/{cast.mentor.id}",
        data={
            "full_name": cast.mentor.full_name,
            "email": "",
            "role": "official",
            "scope_province_code": "33",
            "scope_regency_code": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert cast.mentor.role == Role.OFFICIAL
    assert cast.mentor.scope_province_code == "33"
    assert cast.mentor.scope_regency_code is None


def test_deactivation_signs_the_person_out(app, client, db, cast):
    victim = app.test_client()
    login(victim, cast.mentor.username)
    assert victim.get("/").status_code == 200
    login(client, cast.admin.username)
    response = client.post(
        f"/admin/accounts/{cast.mentor.id}/active", data={"active": "0"}
    )
    assert response.status_code == 302
    assert victim.get("/").status_code == 302  # the old cookie no longer works
    assert login(victim, cast.mentor.username).status_code == 200  # and no new sign-in
    client.post(f"/admin/accounts/{cast.mentor.id}/active", data={"active": "1"})
    assert login(victim, cast.mentor.username, PASSWORD).status_code == 302


def test_admin_cannot_deactivate_themselves(client, db, cast):
    login(client, cast.admin.username)
    response = client.post(
        f"/admin/accounts/{cast.admin.id}/active",
        data={"active": "0"},
        follow_redirects=True,
    )
    assert "tidak bisa menonaktifkan akun Anda sendiri" in response.text
    db.session.expire_all()
    assert cast.admin.is_active


def test_account_list_filters(client, cast):
    login(client, cast.admin.username)
    text = client.get("/admin/accounts", query_string={"role": "bank_officer"}).text
    assert cast.bank_officer.username in text
    assert cast.mentor.username not in text
    text = client.get("/admin/accounts", query_string={"q": cast.mentor.username}).text
    assert cast.mentor.username in text
    assert (
        client.get("/admin/accounts", query_string={"role": "king"}).status_code == 200
    )
    assert client.get("/admin/accounts/999999").status_code == 404


def test_audit_page_lists_and_filters_changes(client, cast):
    login(client, cast.admin.username)
    client.post("/admin/accounts/new", data=account_form())
    page = client.get(
        "/admin/audit",
        query_string={
            "table": "users",
            "action": "insert",
            "actor": cast.admin.username,
        },
    )
    assert page.status_code == 200
    assert "pendamping.baru" in page.text
    # Fields under the interface's names, not the stored column names.
    assert "Nama pengguna:" in page.text
    assert "username:" not in page.text
    page = client.get(
        "/admin/audit",
        query_string={"table": "returnees", "object_id": cast.far_away.id},
    )
    assert cast.far_away.full_name in page.text
    assert "pendamping.baru" not in page.text
    future = client.get("/admin/audit", query_string={"date_from": "2999-01-01"})
    assert "Tidak ada perubahan" in future.text
    garbage = client.get(
        "/admin/audit", query_string={"object_id": "x", "date_to": "no"}
    )
    assert garbage.status_code == 200


def test_lists_do_not_query_per_row(
    client, cast, make_user, make_returnee, count_queries
):
    login(client, cast.admin.username)
    pages = ("/admin/accounts", "/returnees/", "/admin/audit", "/")

    def queries_per_page():
        counts = {}
        for path in pages:
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts[path] = counter["n"]
        return counts

    def add_rows():
        for n in range(6):
            make_user(Role.MENTOR, "35", "35.07" if n % 2 else None)
            make_returnee("35.78", mentor=make_user(Role.MENTOR, "35"))

    add_rows()
    few = queries_per_page()
    add_rows()
    assert queries_per_page() == few


def test_admin_adds_a_branch_and_puts_a_bank_officer_in_it(client, db, cast):
    from juragan.models import LenderBranch, User

    login(client, cast.admin.username)
    page = client.post(
        "/admin/lenders",
        data={
            "lender_code": "bni",
            "name": "BNI Kantor Wilayah Semarang",
            "province_code": "33",
            "regency_code": "",
        },
    )
    assert page.status_code == 302
    branch = db.session.scalar(
        select(LenderBranch).where(LenderBranch.name == "BNI Kantor Wilayah Semarang")
    )
    assert "BNI Kantor Wilayah Semarang" in client.get("/admin/lenders").text
    refused = client.post(
        "/admin/accounts/new",
        data=account_form(
            username="petugas.bni",
            role="bank_officer",
            scope_province_code="",
            scope_regency_code="",
        ),
    )
    assert refused.status_code == 200  # no branch chosen
    made = client.post(
        "/admin/accounts/new",
        data=account_form(
            username="petugas.bni",
            role="bank_officer",
            scope_province_code="35",
            scope_regency_code="",
            lender_branch_id=str(branch.id),
        ),
    )
    assert made.status_code == 302
    officer = db.session.scalar(select(User).where(User.username == "petugas.bni"))
    # The branch decides: BNI, and Central Java whatever the province field said.
    assert (officer.lender_code, officer.scope_province_code) == ("bni", "33")
