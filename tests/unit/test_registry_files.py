"""Import planning and applying, and export escaping, without a request."""

import io
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select

from juragan.errors import DomainError
from juragan.models import AuditEntry, Placement, Returnee, ReturneeFact, Role
from juragan.services import registry_files
from juragan.services.registry_files import (
    EXAMPLE_ROW,
    BadFile,
    apply_import,
    plan_import,
    read_table,
)
from juragan.spreadsheets import escape_cell
from tests.factories import make_nik

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
TODAY = NOW.date()


def row(**overrides):
    values = dict(EXAMPLE_ROW)
    values.update(overrides)
    return values


def csv_bytes(rows):
    return pd.DataFrame(rows).to_csv(index=False).encode()


def plan(db, actor, rows):
    return plan_import(db.session, actor, read_table("x.csv", csv_bytes(rows)), TODAY)


@pytest.fixture
def official(make_user):
    return make_user(Role.OFFICIAL, "35")


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_dry_run_writes_nothing_and_import_then_rerun(db, official):
    second = row(
        country_code="TW",
        sector="caregiver",
        departure_date="2015-01-10",
        return_date="2018-01-15",
        salary_currency="TWD",
        salary_foreign="17000",
    )
    other = row(
        nik=make_nik("35.78", date(1990, 1, 2), "M", 77),
        full_name="Budi Santoso",
        sex="M",
        birth_date="02-01-1990",
        regency_code="35.78",
        country_code="",
        departure_date="",
    )
    rows = [row(), second, other]
    before = count(db, Returnee)
    result = plan(db, official, rows)
    assert count(db, Returnee) == before
    assert [r.outcome for r in result.rows] == ["create", "unchanged", "create"]
    assert [r.placement for r in result.rows] == ["create", "create", ""]
    assert result.can_apply
    counts = apply_import(db.session, official, result, NOW, "x.csv")
    assert counts == {"created": 2, "updated": 0, "placements": 2}
    sri = db.session.scalar(select(Returnee).where(Returnee.nik == EXAMPLE_ROW["nik"]))
    # Bulk rows reach the dashboards' summaries too.
    db.session.commit()
    assert db.session.get(ReturneeFact, sri.id).country_code == "TW"
    assert sri.phone == "+6281234567890"
    assert sri.registered_by_id == official.id
    assert len(sri.placements) == 2
    audit = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.object_id == str(sri.id), AuditEntry.table_name == "returnees"
        )
    )
    assert audit == 1
    # The same file again: nothing new.
    again = plan(db, official, rows)
    assert [r.outcome for r in again.rows] == ["unchanged", "unchanged", "unchanged"]
    assert [r.placement for r in again.rows] == ["unchanged", "unchanged", ""]
    apply_import(db.session, official, again, NOW, "x.csv")
    assert count(db, Returnee) == before + 2
    assert count(db, Placement) == 2
    # A changed detail is an update.
    changed = plan(
        db,
        official,
        [row(village="Ngadilangkung"), {**second, "village": "Ngadilangkung"}, other],
    )
    assert changed.rows[0].outcome == "update", [r.reasons for r in changed.rows]
    assert apply_import(db.session, official, changed, NOW, "x.csv")["updated"] == 1
    db.session.expire_all()
    assert sri.village == "Ngadilangkung"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nik": "123"}, "nik"),
        ({"nik": "3199015403880007"}, "nik"),
        ({"birth_date": "14/13/1988"}, "birth_date"),
        ({"birth_date": "1988-03-15"}, "birth_date"),
        ({"regency_code": "99.99"}, "regency_code"),
        ({"province_code": "33", "regency_code": "33.01"}, "wilayah"),
        ({"return_date": "2011-01-01"}, "return_date"),
        ({"savings_idr": "-5"}, "savings_idr"),
        ({"contract_months": "many"}, "contract_months"),
    ],
)
def test_bad_rows_are_rejected_with_reasons(app, db, official, overrides, reason):
    with app.test_request_context():
        result = plan(db, official, [row(**overrides)])
    (rejected,) = result.rejected
    assert reason in " ".join(rejected.reasons)
    assert not result.can_apply
    with pytest.raises(DomainError):
        apply_import(db.session, official, result, NOW, "x.csv")


def test_one_bad_row_means_nothing_is_imported(db, official):
    before = count(db, Returnee)
    result = plan(db, official, [row(), row(nik="1", full_name="Bad")])
    assert len(result.rejected) == 1
    with pytest.raises(DomainError):
        apply_import(db.session, official, result, NOW, "x.csv")
    assert count(db, Returnee) == before


def test_conflicting_rows_for_one_nik_and_overlaps_in_the_file(db, official):
    result = plan(db, official, [row(), row(full_name="Sri Wahyuningsih")])
    assert result.rows[1].outcome == "reject"
    overlapping = row(
        country_code="TW", departure_date="2013-01-01", return_date="2015-01-01"
    )
    result = plan(db, official, [row(), overlapping])
    assert result.rows[1].outcome == "reject"
    assert "departure_date" in result.rows[1].reasons[0]


def test_xlsx_files_and_excel_dates(db, official):
    frame = pd.DataFrame([row()])
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    table = read_table("people.xlsx", buffer.getvalue())
    result = plan_import(db.session, official, table, TODAY)
    assert result.can_apply, result.rejected


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00binary", b"name,age\nA,3\n", b"nik,full_name,sex\n"],
)
def test_bad_files(content):
    with pytest.raises(BadFile):
        read_table("x.csv", content)


def test_template_round_trips(db, official):
    for kind in ("csv", "xlsx"):
        table = read_table(f"t.{kind}", registry_files.template_file(kind))
        assert plan_import(db.session, official, table, TODAY).can_apply


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+62", "'+62"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("Sri", "Sri"),
        (5, 5),
    ],
)
def test_formula_escaping(value, expected):
    assert escape_cell(value) == expected


def test_export_is_scoped_and_masked(db, cast, make_loan):
    from juragan.reports.registry import RegistrySearch, search_statement

    make_loan(cast, status="submitted")  # Sri applies to the bank officer's lender
    export = registry_files.export_frame(
        db.session,
        cast.bank_officer,
        search_statement(cast.bank_officer, RegistrySearch()),
    )
    frame = export.people
    assert set(frame["full_name"]) == {cast.returnee.full_name}
    assert cast.returnee.nik not in frame.to_csv()
    assert "+62812*****890" in set(frame["phone"])  # masked
    written = registry_files.export_file(export, "csv").decode("utf-8-sig")
    assert "'+62812*****890" in written  # and formula-escaped in the file
    official = registry_files.export_frame(
        db.session,
        cast.official_province,
        search_statement(cast.official_province, RegistrySearch()),
    )
    assert "'+6281234567890" in registry_files.export_file(official, "csv").decode()
    assert cast.returnee.nik not in official.people.to_csv()  # masked unless asked


def test_every_person_exported_has_it_in_their_processing_log(db, cast, make_loan):
    from juragan.audit import REDACTED, Actor, acting_as
    from juragan.models import AuditEntry
    from juragan.reports.registry import RegistrySearch, search_statement
    from juragan.services import privacy

    def exports_of(person):
        return [e.changes for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "returnees", AuditEntry.action == "view",
            AuditEntry.object_id == str(person.id)))
            if "registry_export" in e.changes]  # fmt: skip

    make_loan(cast, status="submitted")  # Sri applies to the bank officer's lender
    for user in (cast.bank_officer, cast.official_regency):
        with acting_as(Actor(user.id, user.username)):
            registry_files.export_frame(
                db.session, user, search_statement(user, RegistrySearch())
            )
    db.session.commit()
    # Sri: by the bank (phone masked, so not logged) and by her regency's official.
    bank, official = exports_of(cast.returnee)
    assert set(bank) == {"registry_export", "full_name", "birth_date", "district",
                         "village"}  # fmt: skip
    assert set(official) == set(bank) | {"phone"}
    assert set(bank["full_name"]) == {REDACTED}  # never the values
    assert exports_of(cast.neighbour) == []  # applied to no one: in neither export
    assert exports_of(cast.far_away) == []  # Central Java: in neither export
    history = privacy.personal_data(db.session, cast.returnee)["record_history"]
    assert [h["by"] for h in history if "registry_export" in h["fields"]] == [
        cast.bank_officer.username,
        cast.official_regency.username,
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_spreadsheet_escapes_formulas(kind):
    from juragan.spreadsheets import frame_bytes

    hostile = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1",
               "\r=1", "Sri Wahyuni", "-"]  # fmt: skip
    frame = pd.DataFrame({"=name": hostile, "amount": [-5] * len(hostile)})
    data = frame_bytes(frame, kind)
    back = (pd.read_csv(io.BytesIO(data), dtype=str) if kind == "csv"
            else pd.read_excel(io.BytesIO(data), dtype=str))  # fmt: skip
    assert list(back.columns) == ["'=name", "amount"]
    for cell in back["'=name"]:
        assert cell == "Sri Wahyuni" or cell.startswith("'"), cell
    assert set(back["amount"]) == {"-5"}  # numbers stay numbers


def test_a_row_lists_every_problem_it_has(app, db, official):
    # Four mistakes in one row: two in the person, two in the placement.
    with app.test_request_context():
        result = plan(db, official, [row(sex="X", full_name="", return_date="2011-01-01",
                                         savings_idr="-5")])  # fmt: skip
    (rejected,) = result.rejected
    reasons = " ".join(rejected.reasons)
    for field in ("sex", "full_name", "return_date", "savings_idr"):
        assert field in reasons, (field, rejected.reasons)
    assert len(rejected.reasons) >= 4


def test_a_value_that_cannot_be_read_is_named_beside_the_persons_problems(app, db,
                                                                          official):  # fmt: skip
    with app.test_request_context():
        result = plan(db, official, [row(sex="X", departure_date="kemarin")])
    reasons = " ".join(result.rejected[0].reasons)
    assert "sex" in reasons
    assert "departure_date" in reasons
