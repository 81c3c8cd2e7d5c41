"""Consent per purpose through the browser (docs/consent.md): a withdrawal the
lender's officer feels on every page and file, registration on someone's behalf
only with the signed form's scan, scope, and the person's own data."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from juragan import clock, consent_rules
from juragan.db import inventory, loan_reading, scope
from juragan.models import AuditEntry, ConsentRecord, Returnee
from tests.factories import PDF_BYTES, login, signed_form
from tests.web.test_registry_pages import NEW_PERSON


def _records(db, person, purpose=None):
    db.session.expire_all()
    with scope.system("tests"):
        stmt = select(ConsentRecord).where(ConsentRecord.returnee_id == person.id)
        if purpose:
            stmt = stmt.where(ConsentRecord.purpose == purpose)
        return db.session.scalars(stmt.order_by(ConsentRecord.id)).all()


def _status(client, url) -> int:
    response = client.get(url)
    response.close()  # a file's stream too
    return response.status_code


def _bank_sees(client, loan):
    """Each page and file of the application, as the lender's officer gets it."""
    return {
        "loan": _status(client, f"/kur/{loan.id}"),
        "plan": _status(client, f"/plans/{loan.plan_id}"),
        "document": _status(client, f"/kur/{loan.id}/documents/{loan.documents[0].id}"),
        "person": client.get(f"/returnees/{loan.returnee_id}").status_code,
        "queue": loan.returnee.full_name in client.get("/kur/queue").text,
        "list": loan.returnee.full_name in client.get("/kur/").text,
    }


def _withdraw(client, person, purpose, day, **extra):
    prefix = f"withdraw-{purpose}"
    return client.post(
        f"/returnees/{person.id}/consents/{purpose}/withdraw",
        data={
            f"{prefix}-effective_on": day.isoformat(),
            f"{prefix}-confirm": "y",
            **{f"{prefix}-{k}": v for k, v in extra.items()},
        },
    )


def test_withdrawn_sharing_hides_the_application_from_the_lender(
    app, client, db, cast, make_loan, tmp_path
):
    """The person withdraws sharing with the lender from tomorrow: the officer still
    works on the application today, and from midnight where she lives finds
    nothing of it (pages, plan, documents, her record, queue, list); a paid-out
    loan of hers stays with the lender."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    waiting = make_loan(cast, status="verified")
    # The neighbour's KUR is paid out: it stays with the lender whatever she says.
    paid_out = make_loan(cast, status="repaying", returnee=cast.neighbour)
    sri = cast.returnee
    login(client, cast.bank_officer.username)
    seen = {
        "loan": 200,
        "plan": 200,
        "document": 200,
        "person": 200,
        "queue": True,
        "list": True,
    }
    assert _bank_sees(client, waiting) == seen
    client.post("/logout")
    login(client, cast.returnee_user.username)
    page = client.get(f"/returnees/{sri.id}/consents").text
    assert "tidak lagi melihat pengajuan Anda" in page  # what stops, said first
    tomorrow = clock.date_in(sri.province_code) + timedelta(days=1)
    answer = _withdraw(client, sri, "lender", tomorrow, reason="Ganti bank")
    assert answer.status_code == 302, answer.text
    [record] = [r for r in _records(db, sri, "lender") if r.withdrawn_at]
    assert (record.effective_on, record.withdrawal_method) == (tomorrow, "online")
    client.post("/logout")
    login(client, cast.bank_officer.username)
    assert _bank_sees(client, waiting) == seen  # not yet: from tomorrow
    midnight = consent_rules.effective_moment(
        tomorrow, sri.province_code, record.withdrawn_at
    )
    from juragan.services import consent

    consent.withdraw_consent(
        db.session,
        cast.official_province,
        cast.neighbour,
        "lender",
        clock.date_in("35"),
        "Surat",
        clock.now(),
    )
    db.session.commit()
    with time_machine.travel(midnight + timedelta(seconds=1), tick=False):
        login(client, cast.bank_officer.username)  # a new day, a new session
        assert _bank_sees(client, waiting) == {
            "loan": 404,
            "plan": 404,
            "document": 404,
            "person": 404,
            "queue": False,
            "list": False,
        }
        assert sri.full_name not in client.get("/returnees/").text
        assert _bank_sees(client, paid_out) == seen | {"queue": False}
        # Nor in the dashboards' figures: the headline less the list would be her.
        from juragan.db import scope
        from juragan.models.dashboard import LoanFact

        with scope.as_user(cast.bank_officer):
            counted = set(db.session.scalars(select(LoanFact.loan_id)))
        assert waiting.id not in counted
        assert paid_out.id in counted
    # The withdrawal is in her processing log, and nothing was deleted.
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.returnee_id == sri.id,
            AuditEntry.table_name == "consent_records",
            AuditEntry.action == "update",
        )
    ).all()
    assert any("withdrawn_at" in entry.changes for entry in entries)
    assert len(_records(db, sri, "lender")) == 1


def test_an_application_is_not_sent_without_the_consent_to_share(
    app, client, db, cast, make_loan, tmp_path
):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    from juragan.services import loans

    loan = make_loan(cast, status="draft")
    for kind in loan_reading.required_documents(loan):
        loans.attach_document(
            db.session,
            cast.returnee_user,
            loan,
            kind,
            "d.pdf",
            PDF_BYTES,
            tmp_path,
            clock.now(),
        )
    db.session.commit()
    login(client, cast.returnee_user.username)
    assert (
        _withdraw(client, cast.returnee, "lender", clock.date_in("35")).status_code
        == 302
    )
    answer = client.post(
        f"/kur/{loan.id}/submit", data={"version": loan.version}, follow_redirects=True
    )
    assert (
        "persetujuan Anda untuk berbagi" in answer.text or "persetujuan" in answer.text
    )
    db.session.expire_all()
    assert db.session.get(type(loan), loan.id).status == "draft"


def test_the_whatsapp_reminder_follows_the_consent(app, client, db, cast, make_loan):
    loan = make_loan(cast, status="repaying")
    login(client, cast.bank_officer.username)
    assert (
        "wa.me/"
        in client.post(f"/kur/{loan.id}/remind", data={"version": loan.version}).text
    )
    client.post("/logout")
    login(client, cast.returnee_user.username)
    assert (
        _withdraw(
            client, cast.returnee, "contact_whatsapp", clock.date_in("35")
        ).status_code
        == 302
    )
    client.post("/logout")
    login(client, cast.bank_officer.username)
    assert (
        "wa.me/"
        not in client.post(
            f"/kur/{loan.id}/remind", data={"version": loan.version}
        ).text
    )
    assert not consent_rules.may_contact(cast.returnee, "whatsapp", clock.date_in("35"))


def _new_person_count(db) -> int:
    with scope.system("tests"):
        return db.session.scalar(
            select(func.count())
            .select_from(Returnee)
            .where(Returnee.full_name == NEW_PERSON["full_name"])
        )


def test_registering_someone_needs_the_scan_of_the_form_they_signed(
    app, client, db, cast, tmp_path
):
    """A mentor's own tick is no consent: without the scan (or with a file that is
    not a PDF, JPEG or PNG) the form says so beside the upload, and nothing is
    saved, no file is kept."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    login(client, cast.mentor.username)
    feedback = re.compile(
        r'name="consent_scan"[^>]*>\s*(?:<div[^>]*form-text[^>]*>[^<]*'
        r'</div>\s*)?<div class="invalid-feedback">([^<]+)<'
    )
    without = client.post("/returnees/new", data=NEW_PERSON)
    assert without.status_code == 200
    assert feedback.search(without.text).group(1).startswith("Unggah pindaian")
    assert 'class="form-control is-invalid" id="consent_scan"' in without.text
    disguised = client.post(
        "/returnees/new",
        data={
            **NEW_PERSON,
            "consent_scan": signed_form(b"MZ\x90\x00 not a form", "scan.pdf"),
        },
    )
    assert "PDF, JPEG atau PNG" in feedback.search(disguised.text).group(1)
    unticked = client.post(
        "/returnees/new",
        data={
            **{k: v for k, v in NEW_PERSON.items() if k != "consent_registry"},
            "consent_scan": signed_form(),
        },
    )
    assert "Tidak ada yang dapat disimpan tanpa persetujuan" in unticked.text
    assert _new_person_count(db) == 0
    assert not any(tmp_path.rglob("*.pdf"))
    # With the scan, ticked as on the form: the person and their consents.
    made = client.post(
        "/returnees/new",
        data={**NEW_PERSON, "consent_lender": "y", "consent_scan": signed_form()},
    )
    assert made.status_code == 302
    assert _new_person_count(db) == 1
    with scope.system("tests"):
        person = db.session.scalar(
            select(Returnee).where(Returnee.full_name == NEW_PERSON["full_name"])
        )
    records = _records(db, person)
    assert {(r.purpose, r.method, r.recorded_by_id) for r in records} == {
        ("registry", "paper", cast.mentor.id),
        ("lender", "paper", cast.mentor.id),
    }
    stored = inventory.path_of("consent_scan", records[0].stored_name, tmp_path)
    assert stored.read_bytes() == PDF_BYTES
    # Her profile lists the latest changes to her mentor.
    profile = client.get(f"/returnees/{person.id}").text
    assert "Perubahan terbaru" in profile
    assert "Berbagi dengan penyalur KUR: diberikan pada" in profile
    # The mentor opens it (recorded in her log); a lender's officer never finds it.
    scan = client.get(f"/returnees/{person.id}/consents/{records[0].id}/scan")
    assert scan.status_code == 200
    assert scan.data == PDF_BYTES
    assert scan.headers["Cache-Control"] == "private, no-store"
    scan.close()
    opened = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.returnee_id == person.id,
            AuditEntry.action == "view",
            AuditEntry.table_name == "consent_records",
        )
    ).all()
    assert len(opened) == 1


def test_self_registration_records_what_the_person_ticked(client, db):
    form = {
        **NEW_PERSON,
        "consent_contact_sms": "y",
        "password": "kata-sandi-kuat",
        "confirm_password": "kata-sandi-kuat",
    }
    assert client.post("/register", data=form).status_code == 302
    with scope.system("tests"):
        person = db.session.scalar(
            select(Returnee).where(Returnee.full_name == NEW_PERSON["full_name"])
        )
    records = _records(db, person)
    assert {(r.purpose, r.method) for r in records} == {
        ("registry", "online"),
        ("contact_sms", "online"),
    }
    assert {r.recorded_by_id for r in records} == {person.user_id}


def test_an_official_of_another_region_records_nothing_for_her(client, db, cast, world):
    """Central Java's official does not find Sri (Kab. Malang): no page, no
    consent given or withdrawn, no scan."""
    sri = cast.returnee
    before = [(r.id, r.withdrawn_at) for r in _records(db, sri)]
    login(client, cast.official_other.username)
    assert client.get(f"/returnees/{sri.id}/consents").status_code == 404
    assert (
        _withdraw(
            client, sri, "lender", clock.date_in("35"), reason="Surat"
        ).status_code
        == 404
    )
    given = client.post(
        f"/returnees/{sri.id}/consents/contact_sms/give",
        data={"give-contact_sms-confirm": "y", "give-contact_sms-scan": signed_form()},
    )
    assert given.status_code == 404
    record_id = world["own"]["consent_id"]
    assert (
        client.get(f"/returnees/{sri.id}/consents/{record_id}/scan").status_code == 404
    )
    assert [(r.id, r.withdrawn_at) for r in _records(db, sri)] == before


def test_the_person_reads_her_consents_and_a_bad_date_changes_nothing(client, db, cast):
    sri = cast.returnee
    login(client, cast.returnee_user.username)
    profile = client.get(f"/returnees/{sri.id}").text
    assert "Persetujuan saya" in profile
    assert f"/returnees/{sri.id}/consents" in profile
    page = client.get(f"/returnees/{sri.id}/consents").text
    # The registry consent is withdrawn by asking for erasure, never silently.
    assert f'href="/returnees/{sri.id}#my-data"' in page
    assert "/consents/registry/withdraw" not in page
    yesterday = clock.date_in("35") - timedelta(days=1)
    answer = _withdraw(client, sri, "lender", yesterday)
    assert answer.status_code == 422
    assert re.search(
        r'id="withdraw-lender-effective_on"[^>]*>.*?invalid-feedback">'
        r"Tanggal tidak boleh",
        answer.text,
        re.S,
    )
    assert all(r.withdrawn_at is None for r in _records(db, sri))
    registry = client.post(
        f"/returnees/{sri.id}/consents/registry/withdraw",
        data={
            "withdraw-registry-effective_on": clock.date_in("35").isoformat(),
            "withdraw-registry-confirm": "y",
        },
    )
    assert registry.status_code == 422
    assert "hapus" in registry.text
    assert all(r.withdrawn_at is None for r in _records(db, sri))


def test_her_data_download_holds_her_consent_history(client, db, cast):
    import json

    sri = cast.returnee
    login(client, cast.returnee_user.username)
    _withdraw(client, sri, "contact_email", clock.date_in("35"))
    client.post(
        f"/returnees/{sri.id}/consents/contact_email/give",
        data={"give-contact_email-confirm": "y"},
    )
    data = json.loads(client.get(f"/returnees/{sri.id}/data.json").data)
    email = [c for c in data["consents"] if c["purpose"] == "contact_email"]
    assert len(email) == 2
    assert email[0]["withdrawn_at"]
    assert email[0]["effective_on"]
    assert email[1]["withdrawn_at"] is None
    assert email[1]["method"] == "online"
    assert all("stored_name" not in c for c in data["consents"])
    assert "consent_records" in {e["record"] for e in data["record_history"]}


def test_the_import_needs_each_new_persons_form_reference(client, db, cast):
    import pandas as pd

    from juragan.services.registry_files import EXAMPLE_ROW

    login(client, cast.official_regency.username)
    row = {**EXAMPLE_ROW, "consent_form": ""}

    def upload(rows):
        content = pd.DataFrame(rows).to_csv(index=False).encode()
        return client.post(
            "/returnees/import",
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(content), "a.csv"), "consent_on_paper": "y"},
        )

    refused = upload([row])
    assert "consent_form" in refused.text
    assert 'name="token"' not in refused.text
    checked = upload([EXAMPLE_ROW])
    token = checked.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post("/returnees/import/confirm", data={"token": token}).status_code
        == 302
    )
    with scope.system("tests"):
        person = db.session.scalar(
            select(Returnee).where(Returnee.full_name == EXAMPLE_ROW["full_name"])
        )
    [record] = _records(db, person)
    assert (
        record.purpose,
        record.method,
        record.form_reference,
        record.recorded_by_id,
    ) == (
        "registry",
        "paper_archive",
        EXAMPLE_ROW["consent_form"],
        cast.official_regency.id,
    )
