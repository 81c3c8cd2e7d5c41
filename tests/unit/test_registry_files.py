"""Import planning and applying, and export escaping, without a request."""

import io
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select

from juragan.domain import disclosure
from juragan.errors import DomainError, FieldErrors
from juragan.models import AuditEntry, Placement, Returnee, ReturneeFact, Role
from juragan.services import registry_files
from juragan.services.registry_files import (
    EXAMPLE_ROW,
    BadFile,
    Confirmation,
    FieldChange,
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
    # Nothing is written again (no placement rewritten, no audit row).
    audited = count(db, AuditEntry)
    assert apply_import(db.session, official, again, NOW, "x.csv") == {
        "created": 0,
        "updated": 0,
        "placements": 0,
    }
    assert count(db, AuditEntry) == audited
    assert count(db, Returnee) == before + 2
    assert count(db, Placement) == 2
    # A changed detail is an update.
    changed = plan(
        db,
        official,
        [row(village="Ngadilangkung"), {**second, "village": "Ngadilangkung"}, other],
    )
    assert changed.rows[0].outcome == "update", [r.reasons for r in changed.rows]
    assert changed.rows[0].changes == [
        FieldChange("Desa/kelurahan", "Talangagung", "Ngadilangkung")
    ]
    with pytest.raises(FieldErrors):  # not without the importer's agreement
        apply_import(db.session, official, changed, NOW, "x.csv")
    agreed = Confirmation(overwrites=changed.overwrites)
    assert (
        apply_import(db.session, official, changed, NOW, "x.csv", agreed)["updated"]
        == 1
    )
    db.session.expire_all()
    assert sri.village == "Ngadilangkung"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nik": "123"}, "NIK:"),
        ({"nik": "3199015403880007"}, "NIK:"),
        ({"birth_date": "14/13/1988"}, "Tanggal lahir:"),
        ({"birth_date": "1988-03-15"}, "Tanggal lahir:"),
        ({"regency_code": "99.99"}, "Kode kabupaten/kota:"),
        ({"province_code": "33", "regency_code": "33.01"}, "wilayah"),
        ({"return_date": "2011-01-01"}, "Tanggal pulang:"),
        ({"savings_idr": "-5"}, "Tabungan saat pulang (Rp):"),
        ({"contract_months": "many"}, "Lama kontrak (bulan):"),
        ({"is_independent": "mungkin"}, "Berangkat mandiri (ya/tidak):"),
        ({"salary_foreign": "NaN"}, "Gaji per bulan (mata uang negara tujuan):"),
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
    assert "Tanggal berangkat:" in result.rows[1].reasons[0]


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
    from juragan.db.audit import REDACTED, Actor, acting_as
    from juragan.models import AuditEntry
    from juragan.reports.registry import RegistrySearch, search_statement
    from juragan.services import privacy

    def exports_of(person):
        return [
            e.changes
            for e in db.session.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.table_name == "returnees",
                    AuditEntry.action == "view",
                    AuditEntry.object_id == str(person.id),
                )
                .order_by(AuditEntry.id)  # in the order the exports were made
            )
            if "registry_export" in e.changes
        ]

    make_loan(cast, status="submitted")  # Sri applies to the bank officer's lender
    for user in (cast.bank_officer, cast.official_regency):
        with acting_as(Actor(user.id, user.username)):
            registry_files.export_frame(
                db.session, user, search_statement(user, RegistrySearch())
            )
    db.session.commit()
    # Sri: by the bank (phone masked, so not logged) and by her regency's official.
    bank, official = exports_of(cast.returnee)
    assert set(bank) == {
        "registry_export",
        "full_name",
        "birth_date",
        "district",
        "village",
    }
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

    hostile = [
        '=HYPERLINK("http://evil")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "Sri Wahyuni",
        "-",
    ]
    frame = pd.DataFrame({"=name": hostile, "amount": [-5] * len(hostile)})
    data = frame_bytes(frame, kind)
    back = (
        pd.read_csv(io.BytesIO(data), dtype=str)
        if kind == "csv"
        else pd.read_excel(io.BytesIO(data), dtype=str)
    )
    assert list(back.columns) == ["'=name", "amount"]
    for cell in back["'=name"]:
        assert cell == "Sri Wahyuni" or cell.startswith("'"), cell
    assert set(back["amount"]) == {"-5"}  # numbers stay numbers


def test_a_row_lists_every_problem_it_has(app, db, official):
    # Four mistakes in one row: two in the person, two in the placement.
    with app.test_request_context():
        result = plan(
            db,
            official,
            [row(sex="X", full_name="", return_date="2011-01-01", savings_idr="-5")],
        )
    (rejected,) = result.rejected
    reasons = " ".join(rejected.reasons)
    for column in (
        "Jenis kelamin (L/P):",
        "Nama lengkap:",
        "Tanggal pulang:",
        "Tabungan saat pulang (Rp):",
    ):
        assert column in reasons, (column, rejected.reasons)
    assert len(rejected.reasons) >= 4


def test_a_value_that_cannot_be_read_is_named_beside_the_persons_problems(
    app, db, official
):
    with app.test_request_context():
        result = plan(db, official, [row(sex="X", departure_date="kemarin")])
    reasons = " ".join(result.rejected[0].reasons)
    assert "Jenis kelamin (L/P):" in reasons
    assert "Tanggal berangkat:" in reasons


# The file format: Indonesian headers, codes, the Petunjuk sheet ----------------


def headed(rows, columns):
    """``rows`` (by internal code) under the headers ``columns`` gives each code."""
    return pd.DataFrame([{columns.get(k, k): v for k, v in r.items()} for r in rows])


def test_headers_are_read_in_indonesian_as_codes_and_mixed(db, official):
    from juragan.registry_format import HEADERS

    indonesian = headed([row()], HEADERS).to_csv(index=False).encode()
    assert indonesian.startswith(b"NIK,Nama lengkap,Jenis kelamin (L/P),Tanggal lahir")
    codes = csv_bytes([row()])
    # Some of each, in another case and spacing, with the reasons column of a file
    # of rejected rows (ignored).
    odd = {
        **HEADERS,
        "full_name": "  nama   LENGKAP ",
        "sex": "sex",
        "village": "VILLAGE",
    }
    mixed = headed([{"alasan": "NIK: salah", **row()}], odd)
    mixed = mixed.rename(columns={"alasan": "Alasan"}).to_csv(index=False).encode()
    tables = [read_table("x.csv", content) for content in (indonesian, codes, mixed)]
    assert [list(t.columns) for t in tables] == [list(tables[1].columns)] * 3
    plans = [plan_import(db.session, official, table, TODAY) for table in tables]
    assert [p.count("create") for p in plans] == [1, 1, 1]
    assert plans[0].people == plans[1].people == plans[2].people


def test_missing_and_repeated_columns_are_named_by_their_headers():
    from juragan.registry_format import HEADERS

    without = headed([row()], HEADERS).drop(columns=["Tanggal lahir", "Kode provinsi"])
    with pytest.raises(BadFile) as missing:
        read_table("x.csv", without.to_csv(index=False).encode())
    assert "Tanggal lahir" in str(missing.value.message)
    assert "Kode provinsi" in str(missing.value.message)
    assert "birth_date" not in str(missing.value.message)
    twice = headed([row()], HEADERS)
    twice["nik"] = EXAMPLE_ROW["nik"]  # "NIK" and "nik": the same column
    with pytest.raises(BadFile) as repeated:
        read_table("x.csv", twice.to_csv(index=False).encode())
    assert "nik" in str(repeated.value.message)


def test_cells_take_the_indonesian_words_of_the_petunjuk(db, official):
    result = plan(
        db,
        official,
        [
            row(
                sex="p",
                marital_status="Cerai  Hidup",
                is_independent="ya",
                agency_name="",
                country_code="taiwan",
                education="S1",
            )
        ],
    )
    assert result.can_apply, result.rejected
    ((_, person),) = result.people.values()
    assert (person["sex"], person["marital_status"], person["education"]) == (
        "F",
        "divorced",
        "bachelor",
    )
    ((_, placement),) = result.placements.values()
    assert placement["country_code"] == "TW"
    assert placement["is_independent"] is True
    # The internal codes still work (older files, other systems).
    assert plan(
        db, official, [row(sex="F", marital_status="married", is_independent="no")]
    ).can_apply


def test_the_xlsx_template_explains_itself(app):
    import openpyxl

    from juragan.registry_format import COLUMNS, HELP_SHEET

    with app.test_request_context():
        content = registry_files.template_file("xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Data", HELP_SHEET]
    data, guide = book["Data"], book[HELP_SHEET]
    assert [c.value for c in data[1]] == [c.header for c in COLUMNS]
    rows = [[c.value for c in r] for r in guide.iter_rows()]
    described = {}
    for r in rows:  # the first mention: the column's (a code list's title follows)
        if r[0] in {c.header for c in COLUMNS}:
            described.setdefault(r[0], r)
    assert set(described) == {c.header for c in COLUMNS}
    assert described["NIK"][1] == "ya"  # required, in the reader's language
    assert described["Nomor HP"][1] == "tidak"
    assert described["Jenis kelamin (L/P)"][4] == "sex"  # the internal code too
    written = {r[1]: r[2] for r in rows if r[0] in (None, "")}
    assert written["L"] == "Laki-laki"
    assert written["P"] == "Perempuan"
    assert written["belum kawin"] == "Belum kawin"
    assert written["HK"] == "Hong Kong"
    assert written["domestic_worker"] == "Pekerja rumah tangga"
    assert written["contract_completed"]
    # Drop-downs on the coded columns, from the Petunjuk's lists.
    sex_column = openpyxl.utils.get_column_letter(
        [c.code for c in COLUMNS].index("sex") + 1
    )
    (sex,) = [
        v
        for v in data.data_validations.dataValidation
        if str(v.sqref).startswith(f"{sex_column}2:")
    ]
    sheet, cells = sex.formula1.lstrip("=").split("!")
    assert sheet == HELP_SHEET
    listed = [c.value for (c,) in guide[cells.replace("$", "")]]
    assert listed == ["L", "P"]
    assert len(data.data_validations.dataValidation) == 7
    # Excel would round a 16-digit NIK typed as a number: the column is text.
    assert data.column_dimensions["A"].number_format == "@"


# Possibly the same person -----------------------------------------------------


def test_two_rows_alike_in_the_file_are_both_flagged(app, db, official):
    twin = row(
        nik=make_nik("35.07", date(1988, 3, 14), "F", 8),
        full_name="SRI  wahyuni.",
        country_code="",
    )
    other = row(
        nik=make_nik("35.07", date(1988, 3, 14), "F", 9),
        full_name="Dewi Lestari",
        country_code="",
    )
    with app.test_request_context():
        result = plan(db, official, [row(), twin, other])
    first, second, third = result.rows
    assert "baris 3" in first.warnings[0]
    assert "************0008" in first.warnings[0]
    assert "baris 2" in second.warnings[0]
    assert "************0007" in second.warnings[0]
    assert third.warnings == []
    assert result.similar == 2
    assert result.can_apply
    before = count(db, Returnee)
    with pytest.raises(FieldErrors) as refused:
        apply_import(db.session, official, result, NOW, "x.csv")
    assert [name for name, _ in refused.value.errors] == ["similar_checked"]
    assert count(db, Returnee) == before  # nothing at all, not even Dewi
    apply_import(db.session, official, result, NOW, "x.csv", Confirmation(similar=2))
    assert count(db, Returnee) == before + 3


def test_someone_registered_alike_is_named_when_visible(
    app, db, official, make_returnee, make_user
):
    sri = make_returnee("35.07", full_name="Sri Wahyuni", birth_date=date(1988, 3, 14))
    elsewhere = make_returnee(
        "35.78", full_name="Sri Wahyuni", birth_date=date(1988, 3, 14)
    )
    with app.test_request_context():
        result = plan(db, official, [row()])  # a new NIK, the same name and birthday
    (warning,) = result.rows[0].warnings
    assert "Sri Wahyuni" in warning
    assert disclosure.nik(sri.nik) in warning
    assert sri.nik not in warning
    assert elsewhere.nik[-4:] not in warning  # another regency: not alike
    # The person already registered under this NIK is no warning: an update.
    again = plan(db, official, [row(nik=sri.nik, sex="F")])
    assert again.rows[0].warnings == []


def test_someone_alike_outside_the_scope_is_signalled_without_who(
    app, db, make_user, make_returnee
):
    # For an official a row's regency lies in their region, and so does anyone
    # alike; the words for someone outside the scope (as registration has them) are
    # checked with the scope of an official of another province.
    from juragan.db import scope
    from juragan.services.registry_files import _flag_similar

    hidden = make_returnee(
        "35.07", full_name="Sri Wahyuni", birth_date=date(1988, 3, 14)
    )
    official = make_user(Role.OFFICIAL, "35")
    with app.test_request_context():
        result = plan(db, official, [row()])
        result.rows[0].warnings = []
        with scope.as_user(make_user(Role.OFFICIAL, "33")):
            _flag_similar(db.session, result, {EXAMPLE_ROW["nik"]: 2})
    (warning,) = result.rows[0].warnings
    assert "di luar" in warning
    assert hidden.nik[-4:] not in warning
    assert "Sri" not in warning


def test_the_similar_check_is_a_few_queries_for_a_whole_file(
    db, official, count_queries
):
    rows = [
        row(
            nik=make_nik(
                "35.07", date(1980 + i % 20, 1 + i % 12, 1 + i % 28), "F", 100 + i
            ),
            birth_date=date(1980 + i % 20, 1 + i % 12, 1 + i % 28).isoformat(),
            full_name=f"Orang {i}",
            country_code="",
        )
        for i in range(300)
    ]
    table = read_table("x.csv", csv_bytes(rows))
    with count_queries() as queries:
        result = plan_import(db.session, official, table, TODAY)
    assert result.count("create") == 300
    assert queries["n"] < 15, queries


# What a row changes -----------------------------------------------------------


def test_changes_are_listed_field_by_field_and_need_agreement(app, db, official):
    apply_import(db.session, official, plan(db, official, [row()]), NOW, "x.csv")
    db.session.commit()
    changed = row(
        phone="0813 1111 2222",
        marital_status="cerai mati",
        savings_idr="",
        sector="caregiver",
    )
    with app.test_request_context():
        result = plan(db, official, [changed])
    (line,) = result.rows
    assert (line.outcome, line.placement) == ("update", "update")
    shown = {c.column: (c.old, c.new) for c in line.changes}
    assert shown == {
        "Nomor HP": ("+62 812-3456-7890", "+62 813-1111-2222"),  # seen whole
        "Status perkawinan": ("Kawin", "Cerai mati"),
        "Sektor pekerjaan": (
            "Pekerja rumah tangga",
            "Perawat lansia/pengasuh (caregiver)",
        ),
        "Tabungan saat pulang (Rp)": ("25.000.000", "(kosong)"),
    }
    assert result.overwrites == 2
    before = db.session.scalar(select(Returnee.phone))
    with pytest.raises(FieldErrors) as refused:
        apply_import(db.session, official, result, NOW, "x.csv")
    assert [name for name, _ in refused.value.errors] == ["changes_confirmed"]
    # Agreement to another count (an older dry run) is no agreement.
    with pytest.raises(FieldErrors):
        apply_import(
            db.session, official, result, NOW, "x.csv", Confirmation(overwrites=1)
        )
    assert db.session.scalar(select(Returnee.phone)) == before
    apply_import(db.session, official, result, NOW, "x.csv", Confirmation(overwrites=2))
    db.session.expire_all()
    assert db.session.scalar(select(Returnee.marital_status)) == "widowed"
    assert db.session.scalar(select(Placement.savings_idr)) is None


def test_a_changed_nik_is_never_shown_whole(app, db, official, make_returnee):
    person = make_returnee("35.07")
    from juragan.services.registry_files import _changes

    with app.test_request_context():
        (change,) = _changes(official, person, Returnee, {"nik": "3507015403880007"})
    assert change.column == "NIK"
    assert change.old == disclosure.nik(person.nik)
    assert change.new == "************0007"


# The rejected rows, to correct ------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_rejected_rows_file_is_the_rows_as_sent_with_reasons(
    app, db, official, kind
):
    bad = row(nik="12", full_name="Salah Satu", sex="X", savings_idr="-5")
    rows = [
        row(),
        bad,
        row(
            nik=make_nik("35.07", date(1990, 1, 2), "M", 5),
            birth_date="1990-13-02",
            sex="L",
            full_name="Budi",
        ),
    ]
    table = read_table("x.csv", csv_bytes(rows))
    with app.test_request_context():
        result = plan_import(db.session, official, table, TODAY)
        content = registry_files.rejected_rows_file(table, result, kind)
    back = (
        pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
        if kind == "csv"
        else pd.read_excel(io.BytesIO(content), dtype=str).fillna("")
    )
    assert list(back.columns)[:3] == ["Alasan", "NIK", "Nama lengkap"]
    assert list(back["Nama lengkap"]) == ["Salah Satu", "Budi"]
    assert back["NIK"][0] == "12"  # as sent
    assert back["Tanggal lahir"][1] == "1990-13-02"
    reasons = back["Alasan"][0]
    for column in ("NIK:", "Jenis kelamin (L/P):", "Tabungan saat pulang (Rp):"):
        assert column in reasons
    # Corrected and sent again, the reasons column is ignored.
    back.loc[0, ["NIK", "Jenis kelamin (L/P)", "Tabungan saat pulang (Rp)"]] = [
        make_nik("35.07", date(1988, 3, 14), "F", 44),
        "P",
        "0",
    ]
    back.loc[1, "Tanggal lahir"] = "1990-01-02"
    again = read_table("y.csv", back.to_csv(index=False).encode())
    assert "alasan" not in again.columns
    assert plan_import(db.session, official, again, TODAY).can_apply


def test_the_documented_format_is_the_one_read():
    from pathlib import Path

    from juragan.registry_format import COLUMNS

    documented = (Path(__file__).parents[2] / "docs" / "registry-import.md").read_text()
    for column in COLUMNS:
        assert f"| {column.header} | `{column.code}` |" in documented, column.header
