"""The outside review's findings (issue 13), each reproduced as an attacker with a
role's account would try it. Every test here failed before its fix."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from sqlalchemy import select

from juragan import clock
from juragan.models import Returnee
from juragan.services.registry_files import EXAMPLE_ROW
from tests.factories import login, make_nik, with_scan


def _upload(client, rows):
    data = {
        "file": (
            io.BytesIO(pd.DataFrame(rows).to_csv(index=False).encode()),
            "people.csv",
        ),
        "consent_on_paper": "y",
    }
    return client.post(
        "/returnees/import", data=data, content_type="multipart/form-data"
    )


def _row_of(person: Returnee, **overrides) -> dict[str, str]:
    row = {
        **EXAMPLE_ROW,
        "nik": person.nik,
        "full_name": person.full_name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat(),
        "phone": "",
        "country_code": "",
    }
    row.update(overrides)
    return row


def _reasons(page_text: str) -> list[str]:
    """The reasons given for each refused row of a dry run."""
    return re.findall(
        r'<tr class="table-danger">.*?<td class="small"[^>]*>(.*?)</td>',
        page_text,
        re.S,
    )


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
    elsewhere = _reasons(
        _upload(
            client, [_row_of(cast.far_away, province_code="35", regency_code="35.07")]
        ).text
    )
    outside = _reasons(
        _upload(
            client, [{**EXAMPLE_ROW, "province_code": "33", "regency_code": "33.01"}]
        ).text
    )
    assert elsewhere
    assert elsewhere == outside


def test_01_an_update_in_scope_keeps_what_a_row_leaves_empty(client, db, cast):
    login(client, cast.official_regency.username)
    page = _upload(
        client,
        [
            _row_of(
                cast.returnee, province_code="35", regency_code="35.07", village="Baru"
            )
        ],
    )
    token = page.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert "<del>Talangagung</del> → <ins>Baru</ins>" in page.text
    assert (
        client.post(
            "/returnees/import/confirm",
            data={"token": token, "overwrites_seen": "1", "changes_confirmed": "y"},
        ).status_code
        == 302
    )
    db.session.expire_all()
    person = db.session.scalar(select(Returnee).where(Returnee.id == cast.returnee.id))
    assert person.village == "Baru"
    assert person.phone == "+6281234567890"  # an empty cell wipes nothing


# 10. Anonymous registration tells nothing about anyone -----------------------------


def _register(app, **overrides):
    """A visitor's registration from a fresh browser: what they are told."""
    from tests.web.test_registry_pages import NEW_PERSON

    visitor = app.test_client()
    form = {
        **NEW_PERSON,
        "password": "kata-sandi-kuat",
        "confirm_password": "kata-sandi-kuat",
        **overrides,
    }
    response = visitor.post("/register", data=form)
    home = visitor.get("/")
    flashed = re.sub(
        r"[a-z.]+\.\d{4}", "USERNAME", home.text.replace(form["full_name"], "NAME")
    )
    notice = re.findall(r'<div class="alert[^"]*"[^>]*>\s*(.*?)\s*<', flashed, re.S)
    return response.status_code, response.headers.get("Location"), notice[:1]


def test_10_registration_answers_alike_whoever_is_registered(app, db, cast):
    """A new NIK, a NIK registered already, and a person alike someone registered:
    the visitor is told the same each time, and never that a name is taken."""
    from juragan.models import RegistrationCheck

    sri = cast.returnee
    new = _register(app)
    taken_nik = _register(
        app,
        nik=sri.nik,
        full_name="Orang Lain",
        birth_date=sri.birth_date.isoformat(),
        sex=sri.sex,
    )
    alike = _register(
        app,
        full_name=sri.full_name,
        nik=make_nik(sri.regency_code, sri.birth_date, sri.sex, 7777),
        birth_date=sri.birth_date.isoformat(),
        sex=sri.sex,
        province_code=sri.province_code,
        regency_code=sri.regency_code,
    )
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


# 2. A masked NIK gives nothing back --------------------------------------------


def test_02_a_masked_page_shows_no_part_of_the_nik_the_rest_would_complete(
    client, db, cast, make_loan
):
    """A lender's officer reads its applicant: the NIK's last four digits and no
    birth day, district or village, which are the NIK's middle digits."""
    loan = make_loan(cast, status="submitted")
    sri = cast.returnee
    login(client, cast.bank_officer.username)
    for path in (f"/returnees/{sri.id}", f"/plans/{sri_plan(db, sri)}/proposal"):
        page = client.get(path).text
        assert "************" + sri.nik[-4:] in page
        assert sri.nik[:4] + "*" not in page
        for clue in (
            sri.district,
            sri.village,
            sri.birth_date.strftime("%d"),
            sri.birth_date.isoformat(),
        ):
            assert f">{clue}<" not in page, (path, clue)
            assert f" {clue} " not in page, (path, clue)
        assert str(sri.birth_date.year) in page
    # Nor the district where the business is (often the home): no page says it.
    for path in (
        f"/plans/{sri_plan(db, sri)}/proposal",
        f"/plans/businesses/{loan.business_id}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Kepanjen" not in page.text, path


def sri_plan(db, sri) -> int:
    from juragan.models import BusinessPlan

    return db.session.scalar(
        select(BusinessPlan.id).where(BusinessPlan.returnee_id == sri.id)
    )


def test_02_find_by_nik_answers_in_scope_only_is_recorded_and_throttled(
    app, client, db, cast, make_loan
):
    from juragan.models import AuditEntry

    make_loan(cast, status="submitted")
    login(client, cast.bank_officer.username)
    inside = client.post("/returnees/find", data={"identifier": cast.returnee.nik})
    assert inside.headers["Location"].endswith(f"/returnees/{cast.returnee.id}")
    outside = client.post("/returnees/find", data={"identifier": cast.neighbour.nik})
    assert outside.status_code == 200  # nobody it may see
    searches = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "search", AuditEntry.actor_id == cast.bank_officer.id
        )
        .order_by(AuditEntry.id)
    ).all()
    assert [s.returnee_id for s in searches] == [cast.returnee.id, None]
    assert all(cast.returnee.nik not in str(s.changes) for s in searches)
    limit = int(app.config["FIND_LIMIT_PER_USER"].split()[0])
    codes = [
        client.post("/returnees/find", data={"identifier": "0812345678"}).status_code
        for _ in range(limit)
    ]
    assert codes[-1] == 429


# 4. No form hands out a full NIK ---------------------------------------------------


def test_04_the_profile_form_holds_no_nik_and_a_correction_is_recorded(
    client, db, cast
):
    from juragan.models import AuditEntry

    sri = cast.returnee
    for who in ("mentor", "official_national", "official_regency"):
        login(client, cast.user(who).username)
        page = client.get(f"/returnees/{sri.id}/edit").text
        assert sri.nik not in page, who
        assert 'name="nik"' not in page
        client.post("/logout")
    login(client, cast.official_regency.username)
    form = client.get(f"/returnees/{sri.id}/nik/change").text
    assert sri.nik not in form
    new = make_nik("35.07", sri.birth_date, sri.sex, 8888)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    done = client.post(
        f"/returnees/{sri.id}/nik/change",
        data={
            "nik": new,
            "version": version,
            "confirm_password": "correct-horse-battery",
        },
    )
    assert done.status_code == 302
    entry = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.table_name == "returnees",
            AuditEntry.action == "update",
            AuditEntry.object_id == str(sri.id),
        )
        .order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.actor_id == cast.official_regency.id
    assert entry.changes["nik_ciphertext"] == ["***", "***"]
    assert new not in str(entry.changes)


# 5. The audit viewer shows what an administrator may see ---------------------------


def test_05_the_audit_viewer_masks_and_hides_as_the_records_do(
    client, db, cast, make_loan, tmp_path
):
    from juragan.domain.wellbeing import QUESTIONS
    from juragan.models import utcnow
    from juragan.services import mentoring
    from juragan.services.mentoring import VisitData

    sri = cast.returnee
    sri.phone = "+6285712340987"
    loan = make_loan(cast, status="draft")
    loan.npwp = "3507015203880003"
    loan.plan.description = "RAHASIA rencana usaha"
    visit, _ = mentoring.record_visit(
        db.session,
        cast.mentor,
        sri,
        VisitData(
            idempotency_key="audit-5",
            visited_on=clock.today(),
            mode="home",
            duration_minutes=20,
            business_status="operating",
            observations="RAHASIA catatan kunjungan",
        ),
        [],
        tmp_path,
        clock.today(),
        utcnow(),
    )
    mentoring.record_wellbeing(
        db.session, sri, {q.code: 1 for q in QUESTIONS}, clock.today(), clock.today()
    )
    db.session.commit()
    login(client, cast.admin.username)
    text = ""
    after = None
    while True:  # every page of the trail
        page = client.get(
            "/admin/audit", query_string={"after": after} if after else {}
        )
        text += page.text
        found = re.search(r'href="/admin/audit\?after=(\d+)', page.text)
        if not found:
            break
        after = found.group(1)
    for secret in (
        "+6285712340987",
        "85712340987",
        "3507015203880003",
        "RAHASIA",
        sri.nik,
    ):
        assert secret not in text, secret
    assert "wellbeing_checks" in text or "Kesejahteraan" in text or "answers" in text
    # Of a loan, not even its lender, scheme or status: only which fields changed.
    from juragan.models import AuditEntry
    from juragan.reports.audit_trail import shown_changes

    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.table_name == "loan_applications")
        .order_by(AuditEntry.id)
    ).first()
    assert {old for _f, old, _n in shown_changes(entry)} <= {None, "•••"}
    assert {new for _f, _o, new in shown_changes(entry)} <= {None, "•••"}


# 6. The NPWP is sealed ---------------------------------------------------------------


def test_06_the_npwp_is_never_stored_in_clear(db, cast, make_loan):
    from sqlalchemy import inspect, text

    loan = make_loan(cast, status="draft")
    loan.npwp = "0123456789012345"
    db.session.commit()
    stored = "\n".join(
        str(row)
        for name in inspect(db.engines[None]).get_table_names()
        for row in db.session.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608 - our tables
    )
    assert "0123456789012345" not in stored
    db.session.expire_all()
    assert loan.npwp == "0123456789012345"  # and reads back whole


# 8. A lender's officer gets the phone only by a recorded reveal ---------------------


def test_08_the_reminder_needs_a_recorded_reveal(client, db, cast, make_loan):
    from juragan.models import AuditEntry

    loan = make_loan(cast, status="repaying")
    login(client, cast.bank_officer.username)
    page = client.get(f"/kur/{loan.id}").text
    assert "wa.me" not in page
    assert cast.returnee.phone.lstrip("+") not in page
    revealed = client.post(f"/kur/{loan.id}/remind", data={"version": loan.version})
    assert revealed.status_code == 200
    assert "https://wa.me/" + cast.returnee.phone.lstrip("+") in revealed.text
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "view", AuditEntry.actor_id == cast.bank_officer.id
        )
    ).one()
    assert entry.returnee_id == cast.returnee.id
    assert set(entry.changes) == {"phone", "payment_reminder"}


# 11. Throttling that an attacker cannot turn against users ---------------------------


def test_11_behind_the_proxy_one_attacker_blocks_only_their_own_address(
    app, client, make_user, monkeypatch
):
    from werkzeug.middleware.proxy_fix import ProxyFix

    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1))
    attacker = {"X-Forwarded-For": "10.9.9.9"}
    for n in range(25):
        client.post(
            "/login",
            data={"username": f"nobody{n}", "password": "x" * 9},
            headers=attacker,
        )
    blocked = client.post(
        "/login", data={"username": "nobody", "password": "x" * 9}, headers=attacker
    )
    assert blocked.status_code == 429
    someone = make_user()
    other = app.test_client()
    signed_in = other.post(
        "/login",
        headers={"X-Forwarded-For": "10.1.1.1"},
        data={"username": someone.username, "password": "correct-horse-battery"},
    )
    assert signed_in.status_code == 302


def test_11_failing_as_someone_does_not_lock_them_out_of_their_own_phone(
    app, make_user
):
    owner = make_user()
    phone, attacker = app.test_client(), app.test_client()
    # The owner signed in on their phone before: it is known to the account.
    assert login(phone, owner.username).status_code == 302
    phone.post("/logout")
    for _ in range(8):
        attacker.post(
            "/login", data={"username": owner.username, "password": "guess1234"}
        )
    assert login(attacker, owner.username).status_code == 429  # unknown browsers wait
    assert login(phone, owner.username).status_code == 302  # the owner does not


def test_11_every_attempt_is_counted_before_its_password_is_checked(
    app, make_user, monkeypatch
):
    # Guesses sent all at once each pass the limit only if the count comes first:
    # counting after the (slow) password check lets them all through together.
    from juragan.services import accounts
    from juragan.web import throttle

    order: list[str] = []
    real_hit, real_authenticate = throttle.hit, accounts.authenticate

    def hit(item, *keys):
        order.append("count " + keys[0].split(":")[0])
        return real_hit(item, *keys)

    def authenticate(*args, **kwargs):
        order.append("check password")
        return real_authenticate(*args, **kwargs)

    monkeypatch.setattr(throttle, "hit", hit)
    monkeypatch.setattr(accounts, "authenticate", authenticate)
    someone = make_user()
    client = app.test_client()
    client.post("/login", data={"username": someone.username, "password": "guess1234"})
    assert order == ["count login-account", "count login-ip", "check password"]


def test_11_password_confirmation_is_throttled_too(app, client, db, cast):
    login(client, cast.mentor.username)
    # The password was given long ago: a new phone number needs it again.
    db.session.execute(update_sessions(cast.mentor.id, app.config["SESSION_LIMITS"]))
    db.session.commit()
    from tests.factories import profile_form

    def change(password):
        return client.post(
            f"/returnees/{cast.returnee.id}/edit",
            data=profile_form(
                cast.returnee,
                phone="0813 1111 2222",
                confirm_password=password,
                version=str(cast.returnee.version),
            ),
        )

    for _ in range(5):
        assert change("salah-sekali").status_code == 200
    refused = change("correct-horse-battery")
    assert refused.status_code == 200
    assert "Terlalu banyak" in refused.text or "Too many" in refused.text


def update_sessions(user_id, limits):
    from datetime import timedelta

    from sqlalchemy import update

    from juragan.models import UserSession, utcnow

    return (
        update(UserSession)
        .where(UserSession.user_id == user_id)
        .values(
            authenticated_at=utcnow() - limits.reauthenticate - timedelta(minutes=1)
        )
    )


def test_11_the_factory_trusts_forwarded_addresses_only_when_told():
    from werkzeug.middleware.proxy_fix import ProxyFix

    from juragan import create_app
    from tests.conftest import TEST_CONFIG

    def proxies(app):
        layer, found = app.wsgi_app, []
        while hasattr(layer, "app") or hasattr(layer, "wsgi_app"):
            found.append(type(layer))
            layer = getattr(layer, "app", None) or layer.wsgi_app
        return found

    plain = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    behind = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": 1}
    )
    assert ProxyFix not in proxies(plain)
    assert ProxyFix in proxies(behind)


# 12. No request may pin a worker -------------------------------------------------------


def test_12_a_plan_lists_at_most_forty_rows(db, cast, make_plan):
    from juragan.errors import FieldErrors
    from juragan.services import plans
    from juragan.services.plans import MAX_LINES, LineItem

    plan = make_plan(cast.returnee, cast.returnee_user)
    rows = [LineItem("working_capital", f"Barang {n}", 10_000) for n in range(3000)]
    with pytest.raises(FieldErrors) as refused:
        plans.save_capital(db.session, plan, rows)
    assert "40" in str(refused.value.errors[0][1])
    plans.save_capital(db.session, plan, rows[:MAX_LINES])  # the cap itself is fine


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_12_imports_are_bounded_before_they_are_parsed(client, cast):
    import gc
    import zipfile

    login(client, cast.official_province.username)
    header = ",".join(EXAMPLE_ROW) + "\n"
    row = ",".join(str(v).replace(",", " ") for v in EXAMPLE_ROW.values()) + "\n"
    many = (header + row * 5_001).encode()
    big = b"x" * (4 * 1024 * 1024 + 1)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    for content in (many, big, bomb.getvalue()):
        page = client.post(
            "/returnees/import",
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(content), "people.csv"), "consent_on_paper": "y"},
        )
        assert page.status_code == 200
        assert "invalid-feedback" in page.text
        assert 'name="token"' not in page.text
    # The test client spools a large body to a temporary file it leaves open.
    gc.collect()


def test_12_a_photo_claiming_too_many_pixels_is_refused_from_its_header():
    import tracemalloc

    from PIL import Image

    from juragan.errors import DomainError
    from juragan.services.mentoring import Upload, photo_bytes

    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # a few hundred KB
    assert len(out.getvalue()) < 1_000_000
    tracemalloc.start()
    with pytest.raises(DomainError) as refused:
        photo_bytes(Upload("bomb.png", out.getvalue()))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refused.value.field == "photos"
    assert peak < 50_000_000  # nowhere near the 144 MB of pixels it claims


# 13. The lower findings ---------------------------------------------------------------


def test_13b_chart_text_is_escaped_not_markup(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    plan.business_name = '<a href="https://jahat.example">Klik</a>'
    db.session.commit()
    login(client, cast.mentor.username)
    page = client.get(f"/returnees/{cast.returnee.id}/journey").text
    assert "&lt;a href=" in page or "&amp;lt;a href=" in page
    assert '<a href=\\"https://jahat.example' not in page


def test_13c_csv_cells_are_quoted_for_both_separators():
    from juragan.spreadsheets import frame_bytes

    written = frame_bytes(
        pd.DataFrame([{"a": "V;=1+1", "b": "=SUM(1)", "c": 5}]), "csv"
    ).decode("utf-8-sig")
    assert '"V;=1+1"' in written
    assert '"\'=SUM(1)"' in written
    assert written.rstrip().endswith(",5")  # numbers stay numbers


def test_13d_a_regency_does_not_set_the_province_cadence(client, cast):
    login(client, cast.official_regency.username)
    assert client.get("/mentoring/cadence").status_code == 403
    assert (
        client.post("/mentoring/cadence", data={"early_days": "7"}).status_code == 403
    )


def test_13e_whoever_files_and_sends_an_application_does_not_check_it(
    db, cast, make_plan, make_loan
):
    from juragan.errors import DomainError, FieldErrors
    from juragan.models import utcnow
    from juragan.policy import Action, can
    from juragan.services import loans
    from juragan.services.loans import ApplicationData, Declared

    loan = make_loan(cast, status="draft")
    loan.created_by_id = cast.mentor.id  # the mentor filed it for Sri
    db.session.commit()
    loan.status = "submitted"
    assert not can(cast.mentor, Action.VERIFY_LOAN, loan)
    with pytest.raises(DomainError):
        loans.verify(db.session, cast.mentor, loan, utcnow())
    db.session.rollback()
    draft = make_plan(cast.neighbour, cast.official_province)  # never submitted
    with pytest.raises(FieldErrors):
        loans.create_application(
            db.session,
            cast.official_province,
            cast.neighbour,
            ApplicationData(
                kind="business",
                scheme="mikro",
                lender="bri",
                amount_idr=20_000_000,
                tenor_months=12,
                purpose="working_capital",
                declared=Declared(),
                plan_id=draft.id,
            ),
            clock.today(),
        )


def test_13f_opening_an_invitation_signs_nobody_out(client, db, cast):
    from juragan.models import utcnow
    from juragan.services import registry

    token = registry.create_invitation(
        db.session, cast.official_regency, cast.neighbour, utcnow()
    )
    db.session.commit()
    login(client, cast.mentor.username)
    assert client.get("/invite/anything").status_code == 404
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200
    assert client.get("/").status_code == 200  # still signed in


def test_13g_the_own_download_lists_who_opened_the_documents(
    client, db, cast, make_loan, app, tmp_path
):
    import json

    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    loan = make_loan(cast, status="submitted")
    login(client, cast.official_regency.username)
    document = loan.documents[0]
    opened = client.get(f"/kur/{loan.id}/documents/{document.id}")
    opened.close()
    assert opened.status_code == 200
    assert "no-store" in opened.headers["Cache-Control"]  # 13h
    client.post("/logout")
    login(client, cast.returnee_user.username)
    data = json.loads(client.get(f"/returnees/{cast.returnee.id}/data.json").data)
    views = [
        e
        for e in data["record_history"]
        if e["record"] == "loan_documents" and e["action"] == "view"
    ]
    assert [e["by"] for e in views] == [cast.official_regency.username]


def test_13i_a_password_built_on_the_name_is_refused():
    from juragan.services.accounts import is_common_password

    for password in ("SriWahyuni2026", "wahyuni.1988!", "SRI-WAHYUNI", "sri.w.2026x"):
        assert is_common_password(password, "sri.w", "Sri Wahyuni") or (
            password == "sri.w.2026x"
        ), password
    assert not is_common_password("kopi pahit di pagi hari", "sri.w", "Sri Wahyuni")


def test_13k_invitation_links_are_built_on_the_public_address(
    app, client, db, cast, monkeypatch
):
    from juragan import public_link

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://juragan.bp3mi.example.id")
    with app.test_request_context("/", headers={"Host": "jahat.example"}):
        link = public_link("auth.accept_invitation", token="t")
    assert link == "https://juragan.bp3mi.example.id/invite/t"
    login(client, cast.official_province.username)
    page = client.post(f"/returnees/{cast.neighbour.id}/invite")
    assert "https://juragan.bp3mi.example.id/invite/" in page.text


def test_13l_hsts_over_tls(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert (
        "max-age=31536000" in client.get("/login").headers["Strict-Transport-Security"]
    )


def test_13m_gunicorn_names_no_version():
    import runpy
    from pathlib import Path

    import gunicorn
    import gunicorn.http.wsgi

    runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert gunicorn.http.wsgi.SERVER == "juragan"
    assert gunicorn.__version__ not in gunicorn.http.wsgi.SERVER


def test_13n_huge_ids_and_control_characters_are_never_a_500(app, client, cast):
    login(client, cast.official_province.username)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if "<int:" in rule.rule:
            path = re.sub(r"<int:\w+>", "99999999999999999999", rule.rule)
            path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
            assert client.get(path).status_code == 404, path
            checked += 1
        if "<" not in rule.rule:
            for query in ("?q=%00", "?status=%00", "?after=%00x"):
                response = client.get(rule.rule + query)
                assert response.status_code < 500, (rule.rule, query)
                checked += 1
    assert checked > 50


def test_13o_the_end_of_an_idle_session_is_written(app, client, db, cast):
    from datetime import timedelta

    from sqlalchemy import update

    from juragan.models import UserSession, utcnow

    login(client, cast.mentor.username)
    limits = app.config["SESSION_LIMITS"]
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == cast.mentor.id)
        .values(last_seen_at=utcnow() - limits.idle - timedelta(minutes=1))
    )
    db.session.commit()
    assert client.get("/").status_code == 302  # to the sign-in page
    db.session.expire_all()
    ended = db.session.scalars(
        select(UserSession.end_reason).where(UserSession.user_id == cast.mentor.id)
    ).all()
    assert ended == ["idle"]


# The review of this change: what a second look found --------------------------------


def test_a_mentor_registering_someone_alike_is_shown_no_one_outside_the_caseload(
    client, db, cast
):
    """The similar-person check reads across scopes: what it read must not reach
    the page through the session's identity map."""
    from tests.web.test_registry_pages import NEW_PERSON

    neighbour = cast.neighbour  # Kota Surabaya, in no mentor's caseload
    login(client, cast.other_mentor.username)  # East Java, another caseload
    form = {
        **NEW_PERSON,
        "full_name": neighbour.full_name,
        "birth_date": neighbour.birth_date.isoformat(),
        "sex": neighbour.sex,
        "province_code": "35",
        "regency_code": neighbour.regency_code,
        "nik": make_nik(
            neighbour.regency_code, neighbour.birth_date, neighbour.sex, 6543
        ),
    }
    page = client.post("/returnees/new", data=with_scan(form))
    assert page.status_code == 200
    assert f"/returnees/{neighbour.id}" not in page.text
    assert page.text.count(neighbour.full_name) <= 1  # the form's own field only


def test_the_region_checks_a_clashing_registration_and_links_it(app, client, db, cast):
    """The whole check: a newcomer registers with Sri's NIK; the regency's official
    sees who registered, and refuses (Sri has her account), saying why; the
    newcomer reads the reason and holds no record."""
    from juragan.models import RegistrationCheck
    from tests.web.test_registry_pages import NEW_PERSON

    sri = cast.returnee
    newcomer = app.test_client()
    newcomer.post(
        "/register",
        data={
            **NEW_PERSON,
            "password": "kata-sandi-kuat",
            "confirm_password": "kata-sandi-kuat",
            "nik": sri.nik,
            "full_name": "Orang Baru",
            "birth_date": sri.birth_date.isoformat(),
        },
    )
    check = db.session.scalar(select(RegistrationCheck))
    login(client, cast.official_regency.username)
    listing = client.get("/returnees/registration-checks").text
    assert "Orang Baru" in listing
    page = client.get(f"/returnees/registration-checks/{check.id}").text
    assert sri.full_name in page  # what it clashes with, in the official's region
    done = client.post(
        f"/returnees/registration-checks/{check.id}",
        data={"decision": "refuse", "note": "Datang dengan KTP."},
    )
    assert done.status_code == 302
    assert "Datang dengan KTP." in newcomer.get("/").text
