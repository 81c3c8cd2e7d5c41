"""Erasure by inventory (issue 13, must-have 3, finding 3).

A person gets a value in every place the inventory lists as personal (their
profile and journey, plans and their versions, comments, the business and its
history, a KUR with its documents, transitions and decision, visits with photos,
action items and wellbeing answers, assignments, requests, invitations, their
account and its sessions, and the audit trail's old values and actor labels), and
a registry upload waits with their row. After an official erases them, every text
of every table and every file under the upload folder is read back: none of their
values is anywhere.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from PIL import Image
from sqlalchemy import inspect, select, text

from juragan import clock
from juragan.db import inventory, scope, vault
from juragan.domain.wellbeing import QUESTIONS
from juragan.models import (
    AccessReset,
    Base,
    BusinessStatusChange,
    CaseAssignment,
    ErasureRequest,
    Invitation,
    OneTimeCode,
    Placement,
    PlanComment,
    Returnee,
    Training,
    VerifiedContact,
    utcnow,
)
from juragan.services import consent, loans, mentoring, recovery
from juragan.services.mentoring import ActionData, Upload, VisitData
from juragan.services.registry_files import EXAMPLE_ROW
from tests.factories import login

#: Kinds of value whose place is filled with a marker (the others are numbers,
#: dates, codes and secrets, or are checked by value below).
TEXT_KINDS = {inventory.TEXT, inventory.NAME, inventory.ADDRESS, inventory.EMAIL}
MARK = "ZQX"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, "PNG")
    return out.getvalue()


def _fill_every_personal_place(db, person_id: int, account_id: int) -> set:
    """Put a marker in every text column of each of the person's rows (and their
    account); returns the (class, column) places that got one."""
    filled = set()
    for model, table in inventory.INVENTORY.items():
        if model not in scope.PERSON_LINKS or scope.FAMILIES[model] == scope.SUMMARY:
            continue
        rows = db.session.scalars(
            select(model).where(model.id == person_id)
            if model is Returnee
            else select(model).where(scope.linked(model, person_id))
        ).all()
        for row in rows:
            # By what a column holds, whatever erasure is said to do with it.
            for name, column in table.columns.items():
                if column.kind not in TEXT_KINDS:
                    continue
                value = f"{MARK}-{model.__name__}-{name}-{getattr(row, 'id', '')}"
                if column.kind == inventory.EMAIL:
                    value = f"{MARK.lower()}.{model.__name__.lower()}@contoh.id"
                if name in ("full_name", "name", "business_name"):
                    value = value[:60]
                setattr(row, name, value)
                if name == "ready_reason":  # a reason comes with its threshold
                    row.ready_threshold = Decimal("1.50")
                filled.add((model, name))
    from juragan.models import User

    account = db.session.get(User, account_id)
    account.full_name, account.email = f"{MARK}-account", f"{MARK.lower()}@contoh.id"
    # The username stays as it is (she signs in with it): it is looked for by value.
    filled |= {(User, "full_name"), (User, "email"), (User, "username")}
    db.session.commit()
    return filled


def _every_text(db) -> str:
    """Every value of every table, as text (ciphertexts decrypted where they are
    NIKs, so that a NIK left encrypted is found too)."""
    keys = vault.current()
    chunks = []
    for name in inspect(db.engines[None]).get_table_names():
        for row in db.session.execute(text(f'SELECT * FROM "{name}"')).mappings():  # noqa: S608 - our tables
            for column, value in row.items():
                if value is None:
                    continue
                chunks.append(json.dumps(value, default=str, ensure_ascii=False))
                if column == "nik_ciphertext":
                    chunks.append(keys.decrypt(value))
    return "\n".join(chunks)


def _every_file(folder) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_erasure_leaves_nothing_of_the_person_anywhere(
    app, client, db, cast, make_loan, tmp_path
):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    sri, account, mentor = cast.returnee, cast.returnee_user, cast.mentor
    now, today = utcnow(), clock.today()
    sri.phone, sri.email = "+6285712340987", "sri.wahyuni.zqx@contoh.id"
    nik, phone, username = sri.nik, sri.phone, account.username
    # Her journey, a KUR paid off (erasure waits for that), its documents.
    db.session.add_all(
        [
            Placement(
                returnee_id=sri.id,
                country_code="TW",
                sector="caregiver",
                agency_name="PT A",
                occupation="Perawat",
                skills="Mandarin",
                departure_date=date(2015, 1, 1),
                contract_months=24,
                return_date=date(2017, 1, 1),
                return_reason="contract_completed",
                salary_foreign=20000,
                salary_currency="TWD",
            ),
            Training(
                returnee_id=sri.id,
                title="Kursus",
                kind="entrepreneurship",
                stage="after_return",
                organiser="Disnaker",
                certificate="No. 1",
                start_date=date(2018, 1, 1),
            ),
        ]
    )
    loan = make_loan(cast, status="paid_off")
    loans.attach_document(
        db.session,
        account,
        loan,
        "other",
        f"{MARK}-scan.pdf",
        b"%PDF-1.4 " + f"{MARK} KTP {nik}".encode(),
        tmp_path,
        now,
    )
    # Her e-mail consent withdrawn by letter, and given again on a scanned form
    # (her name and signature on it).
    consent.withdraw_consent(
        db.session, mentor, sri, "contact_email", today, "Surat", now
    )
    consent.give_consent(
        db.session,
        mentor,
        sri,
        consent.on_paper(
            {"contact_email"},
            consent.Scan(
                f"{MARK}-formulir.pdf", b"%PDF-1.4 " + f"{MARK} {nik}".encode()
            ),
        ),
        now,
        tmp_path,
    )
    # A late penalty once charged, and a guarantee claim refused (its words).
    from juragan.models import GuaranteeClaim, LoanEvent

    db.session.add_all(
        [
            LoanEvent(
                loan_id=loan.id,
                kind="penalty_charge",
                occurred_on=today,
                amount_idr=10_000,
                basis="2% x 1 bulan",
                note="Catatan denda",
                recorded_at=now,
            ),
            GuaranteeClaim(
                loan_id=loan.id,
                guarantor="askrindo",
                submitted_on=today,
                claimed_idr=1_000_000,
                status="rejected",
                settled_on=today,
                rejection_reason="Alasan",
                recorded_at=now,
            ),
        ]
    )
    plan = loan.plan
    db.session.add(
        PlanComment(
            plan_id=plan.id,
            version_number=1,
            section="market",
            body="Komentar",
            author_id=mentor.id,
            created_at=now,
        )
    )
    db.session.add(
        BusinessStatusChange(
            business_id=loan.business_id,
            from_status="operating",
            to_status="paused",
            changed_on=today,
            note="Catatan",
            changed_by_id=mentor.id,
            recorded_at=now,
        )
    )
    # Mentoring: a visit with a photo, an action and the wellbeing answers.
    visit, _new = mentoring.record_visit(
        db.session,
        mentor,
        sri,
        VisitData(
            idempotency_key="erase-1",
            visited_on=today,
            mode="home",
            duration_minutes=30,
            business_status="operating",
            observations="Observasi",
            problems="Masalah",
            location_consent=True,
            latitude=-7.9,
            longitude=112.6,
            actions=[ActionData("Catat penjualan", "returnee", today)],
        ),
        [Upload("foto.png", _photo())],
        tmp_path,
        today,
        now,
    )
    mentoring.record_wellbeing(
        db.session, sri, {q.code: 2 for q in QUESTIONS}, today, today, visit
    )
    db.session.add_all(
        [
            CaseAssignment(
                returnee_id=sri.id,
                mentor_id=mentor.id,
                assigned_at=now,
                assigned_by_id=cast.official_regency.id,
                reason="Alasan",
            ),
            Invitation(
                returnee_id=sri.id,
                token_hash="f" * 64,
                created_at=now,
                expires_at=now + timedelta(days=1),
            ),
            ErasureRequest(
                returnee_id=sri.id,
                requested_at=now - timedelta(days=9),
                reason="Dulu",
                status="refused",
                decided_at=now,
                decision_note="Masih ada pinjaman",
            ),
            AccessReset(
                returnee_id=sri.id,
                official_id=cast.official_regency.id,
                at=now,
                ktp_checked=True,
                note="Lupa kata sandi",
            ),
        ]
    )
    # Her verified phone, and a reset code she asked for.
    recovery.mark_verified(db.session, account, "phone", now)
    recovery.issue_code(db.session, account, recovery.RESET, now)
    db.session.commit()
    # An official's import changes her village and phone (bulk writes, audited).
    login(client, cast.official_regency.username)
    row = {
        **EXAMPLE_ROW,
        "nik": nik,
        "full_name": sri.full_name,
        "sex": sri.sex,
        "birth_date": sri.birth_date.isoformat(),
        "village": f"{MARK} impor",
        "phone": "0857 1234 0988",
        "country_code": "",
    }
    page = client.post(
        "/returnees/import",
        content_type="multipart/form-data",
        data={
            "file": (
                io.BytesIO(pd.DataFrame([row]).to_csv(index=False).encode()),
                "a.csv",
            ),
            "consent_on_paper": "y",
        },
    )
    token = page.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    # The changes are listed on the page: the official agrees to them.
    assert (
        client.post(
            "/returnees/import/confirm",
            data={"token": token, "overwrites_seen": "1", "changes_confirmed": "y"},
        ).status_code
        == 302
    )
    client.post("/logout")
    db.session.expire_all()
    filled = _fill_every_personal_place(db, sri.id, account.id)
    # Every personal text place of every class that holds a person's rows got a
    # value: a new column or class without a row here fails this line.
    expected = {
        (model, name)
        for model, table in inventory.INVENTORY.items()
        for name, column in table.columns.items()
        if column.kind in TEXT_KINDS
        and (model in scope.PERSON_LINKS or model.__name__ == "User")
        and scope.FAMILIES[model] != scope.SUMMARY
    }
    assert expected - filled == set()
    # She signs in (her browser and username are recorded) and asks for erasure.
    client.environ_base["HTTP_USER_AGENT"] = f"{MARK}-browser"
    signed_in = client.post(
        "/login", data={"username": username, "password": "correct-horse-battery"}
    )
    assert signed_in.status_code == 302, signed_in.text
    assert (
        client.post(
            f"/returnees/{sri.id}/erasure",
            data={"reason": f"{MARK} tolong hapus", "confirm": "y"},
        ).status_code
        == 302
    )
    client.post("/logout")
    del client.environ_base[
        "HTTP_USER_AGENT"
    ]  # the officials use browsers of their own
    # An official's registry upload waits for its confirmation with her row in it.
    login(client, cast.official_regency.username)
    row = {
        **EXAMPLE_ROW,
        "nik": nik,
        "full_name": f"{MARK} di berkas",
        "sex": sri.sex,
        "birth_date": sri.birth_date.isoformat(),
        "country_code": "",
    }
    client.post(
        "/returnees/import",
        content_type="multipart/form-data",
        data={
            "file": (
                io.BytesIO(pd.DataFrame([row]).to_csv(index=False).encode()),
                "x.csv",
            ),
            "consent_on_paper": "y",
        },
    )
    assert inventory.folder_of("import_upload", tmp_path).is_dir()
    before = _every_file(tmp_path)
    assert any(MARK.encode() in content for content in before.values())
    assert MARK in _every_text(db)
    # The official erases her.
    client.post("/logout")
    login(client, cast.official_province.username)
    response = client.post(
        f"/returnees/{sri.id}/erasure/decide", data={"decision": "erase", "note": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Returnee, sri.id).erased_at is not None
    stored = _every_text(db)
    found = [
        value
        for value in (
            MARK,
            MARK.lower(),
            nik,
            phone,
            phone[3:],
            username,
            "sri.wahyuni.zqx",
            "85712340988",
        )
        if value in stored
    ]
    assert found == []
    hashes = set(vault.current().lookup_hashes(nik))
    assert not any(h in stored for h in hashes)
    for model in (OneTimeCode, VerifiedContact):
        assert (
            db.session.scalars(select(model).where(model.user_id == account.id)).all()
            == []
        )
    left = _every_file(tmp_path)
    assert [
        path
        for path, content in left.items()
        if MARK.encode() in content or nik.encode() in content
    ] == []
    assert set(left) < set(before)  # her document, photo and signed form went
    assert not any(inventory.folder_of("consent_scan", tmp_path).iterdir())
    print(
        f"\nerasure scan: {len(filled)} personal places filled, "
        f"{len(stored):,} characters of {len(inspect(db.engines[None]).get_table_names())}"
        f" tables and {len(before)} files read back, nothing of hers left"
    )


def test_every_column_and_file_kind_is_in_the_inventory(app, db, world, tmp_path):
    """A new column or a new kind of file fails here until the inventory says what
    it holds and what erasure does to it."""
    for mapper in Base.registry.mappers:
        model = mapper.class_
        assert model in inventory.INVENTORY, model.__name__
        columns = {c.key for c in mapper.column_attrs}
        assert set(inventory.INVENTORY[model].columns) == columns, model.__name__
        if "stored_name" in columns:
            assert model in {k.model for k in inventory.FILE_KINDS.values()}
    known = {kind.folder for kind in inventory.FILE_KINDS.values()}
    folders = {
        p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p.is_file()
    }
    assert folders
    assert folders <= known
