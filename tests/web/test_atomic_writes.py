"""Writes of many rows (and files) are all or nothing, whatever fails midway."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from juragan.models import (
    AuditEntry,
    Instalment,
    LoanDocument,
    Payment,
    Placement,
    Returnee,
    ReturneeFact,
)
from juragan.services import registry_files
from juragan.services.loans import documents as loan_documents
from juragan.services.loans import lifecycle as loan_lifecycle
from juragan.services.registry_files import EXAMPLE_ROW
from tests.factories import PDF_BYTES, login, make_nik
from tests.web.test_loan_pages import form_version
from tests.web.test_registry_files_pages import upload


class InjectedFault(RuntimeError):
    """A failure planted in the middle of a write."""


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def files_in(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_a_document_upload_that_fails_leaves_no_file_and_no_row(
    app, client, db, cast, make_loan, monkeypatch, tmp_path
):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    loan = make_loan(cast, status="draft")
    login(client, cast.returnee_user.username)
    before = files_in(tmp_path)
    version = form_version(client, loan.id)

    def broken_row(**_values):  # the file is on disk by now
        assert files_in(tmp_path) - before
        raise InjectedFault

    monkeypatch.setattr(loan_documents, "LoanDocument", broken_row)
    response = client.post(
        f"/kur/{loan.id}/documents",
        data={
            "version": version,
            "doc_type": "ktp",
            "file": (io.BytesIO(PDF_BYTES), "ktp.pdf"),
        },
    )
    assert response.status_code == 500
    assert count(db, LoanDocument) == 0
    assert files_in(tmp_path) == before  # taken away with the rollback


def test_an_import_that_fails_midway_imports_nothing(client, db, cast, monkeypatch):
    rows = [
        {
            **EXAMPLE_ROW,
            "nik": make_nik("35.07", _born(i), "F", 3000 + i),
            "birth_date": _born(i).isoformat(),
            "full_name": f"Orang {i}",
        }
        for i in range(12)
    ]
    login(client, cast.official_province.username)
    page = upload(client, rows)
    token = page.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    before = (
        count(db, Returnee),
        count(db, Placement),
        count(db, AuditEntry),
        count(db, ReturneeFact),
    )
    monkeypatch.setattr(registry_files, "INSERT_CHUNK", 5)  # several statements
    real_audit = registry_files._audit
    calls = {"n": 0}

    def failing_audit(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 15:  # people inserted, placements half done
            raise InjectedFault
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(registry_files, "_audit", failing_audit)
    response = client.post("/returnees/import/confirm", data={"token": token})
    assert response.status_code == 500
    assert calls["n"] == 15
    assert (
        count(db, Returnee),
        count(db, Placement),
        count(db, AuditEntry),
        count(db, ReturneeFact),
    ) == before


def _born(i):
    from datetime import date

    return date(1990, 1, 1 + i)


@pytest.mark.parametrize("fault_at", ["status", "summaries"])
def test_a_payment_that_fails_midway_changes_no_instalment(
    client, db, cast, make_loan, monkeypatch, fault_at
):
    loan = make_loan(cast, status="disbursed", amount=12_000_000, tenor=12)
    paid_before = [
        (i.paid_principal_idr, i.paid_interest_idr, i.settled_on)
        for i in loan.instalments
    ]
    login(client, cast.bank_officer.username)
    version = form_version(client, loan.id)
    if fault_at == "status":
        # After the payment row and the instalments are changed, before the status.
        def broken_move(*_args, **_kwargs):
            raise InjectedFault

        monkeypatch.setattr(loan_lifecycle, "move", broken_move)
    else:
        # In the dashboards' rebuild, the last step before the commit.
        from juragan.dashboards import summaries

        def broken_refresh(*_args, **_kwargs):
            raise InjectedFault

        monkeypatch.setattr(summaries, "refresh_returnees", broken_refresh)
    response = client.post(
        f"/kur/{loan.id}/payments",
        data={
            "version": version,
            "paid_on": loan.first_due_on.isoformat(),
            "amount_idr": "12.000.000",
            "reference": "F1",
        },
    )
    assert response.status_code == 500
    db.session.expire_all()
    assert count(db, Payment) == 0
    instalments = db.session.scalars(
        select(Instalment)
        .where(Instalment.loan_id == loan.id)
        .order_by(Instalment.number)
    ).all()
    assert [
        (i.paid_principal_idr, i.paid_interest_idr, i.settled_on) for i in instalments
    ] == paid_before
