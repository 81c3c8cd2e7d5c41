import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
import time_machine
from sqlalchemy import func, select

from juragan.models import AuditEntry, Returnee
from juragan.services.registry_files import EXAMPLE_ROW
from tests.factories import login


def upload(client, rows, consent=True, name="people.csv"):
    data = {"file": (io.BytesIO(pd.DataFrame(rows).to_csv(index=False).encode()), name)}
    if consent:
        data["consent_on_paper"] = "y"
    return client.post(
        "/returnees/import", data=data, content_type="multipart/form-data"
    )


@pytest.mark.parametrize("who", ["mentor", "bank_officer", "returnee_user", "admin"])
def test_only_officials_import_and_export(client, cast, who):
    login(client, cast.user(who).username)
    assert client.get("/returnees/import").status_code == 403
    assert client.get("/returnees/export?format=csv").status_code == 403
    assert client.get("/returnees/import/template?format=csv").status_code == 403


def test_dry_run_then_import_then_rerun(client, db, cast):
    login(client, cast.official_province.username)
    page = upload(client, [EXAMPLE_ROW])
    assert page.status_code == 200
    assert "Impor 1 baris sekarang" in page.text
    token = page.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    before = db.session.scalar(select(func.count()).select_from(Returnee))
    assert (
        client.post("/returnees/import/confirm", data={"token": token}).status_code
        == 302
    )
    assert db.session.scalar(select(func.count()).select_from(Returnee)) == before + 1
    # The stored upload is gone; a replay is refused without a 500.
    assert (
        client.post("/returnees/import/confirm", data={"token": token}).status_code
        == 302
    )
    rerun = upload(client, [EXAMPLE_ROW])
    assert "Impor 1 baris sekarang" in rerun.text
    token = rerun.text.split('name="token" type="hidden" value="')[1].split('"')[0]
    client.post("/returnees/import/confirm", data={"token": token})
    assert db.session.scalar(select(func.count()).select_from(Returnee)) == before + 1


def _token(page):
    return page.text.split('name="token" type="hidden" value="')[1].split('"')[0]


def test_an_upload_waits_a_day_on_the_apps_clock(client, db, cast):
    # Far from the file system's own time: an upload's age is the clock's.
    start = datetime(2031, 5, 31, 17, 30, tzinfo=UTC)  # 00:30 WIB on 1 June
    count = select(func.count()).select_from(Returnee)
    official = cast.official_province.username
    with time_machine.travel(start, tick=False) as traveller:
        login(client, official)
        kept = _token(upload(client, [EXAMPLE_ROW]))
        before = db.session.scalar(count)
        traveller.shift(timedelta(hours=23, minutes=59))
        login(client, official)  # the sign-in itself has long expired
        confirm = client.post("/returnees/import/confirm", data={"token": kept})
        assert confirm.headers["Location"] == "/returnees/"
        assert db.session.scalar(count) == before + 1
        # A day and a minute after the next dry run, that upload is gone.
        late = _token(upload(client, [{**EXAMPLE_ROW, "village": "Baru"}]))
        traveller.shift(timedelta(days=1, minutes=1))
        login(client, official)
        answer = client.post(
            "/returnees/import/confirm", data={"token": late}, follow_redirects=True
        )
        assert "kedaluwarsa" in answer.text
        db.session.expire_all()
        villages = db.session.scalars(select(Returnee.village)).all()
        assert "Talangagung" in villages
        assert "Baru" not in villages


def test_rejected_rows_are_explained_and_block_the_import(client, cast):
    login(client, cast.official_province.username)
    page = upload(
        client, [EXAMPLE_ROW, {**EXAMPLE_ROW, "nik": "12", "full_name": "Salah"}]
    )
    assert page.status_code == 200
    assert "table-danger" in page.text
    assert "16 digit" in page.text
    assert 'name="token"' not in page.text


def test_upload_needs_consent_and_a_real_file(client, cast):
    login(client, cast.official_province.username)
    assert "persetujuan tertulis" in upload(client, [EXAMPLE_ROW], consent=False).text
    page = client.post(
        "/returnees/import",
        data={
            "file": (io.BytesIO(b"\x00\x01binary"), "x.csv"),
            "consent_on_paper": "y",
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "bukan file CSV atau XLSX" in page.text
    page = client.post(
        "/returnees/import",
        data={"file": (io.BytesIO(b"x"), "x.exe"), "consent_on_paper": "y"},
        content_type="multipart/form-data",
    )
    assert "is-invalid" in page.text
    assert (
        client.post(
            "/returnees/import/confirm", data={"token": "../../etc"}
        ).status_code
        == 400
    )


def test_exports_are_scoped_masked_and_both_formats(client, db, cast):
    login(client, cast.official_regency.username)
    response = client.get("/returnees/export", query_string={"format": "csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    assert cast.returnee.full_name in text
    assert cast.neighbour.full_name not in text  # another regency
    assert cast.returnee.nik not in text
    # The export is in the processing log of the person exported, and only theirs.
    logged = db.session.execute(select(AuditEntry.object_id, AuditEntry.actor_id).where(
        AuditEntry.action == "view", AuditEntry.table_name == "returnees")).all()  # fmt: skip
    assert logged == [(str(cast.returnee.id), cast.official_regency.id)]
    response = client.get(
        "/returnees/export", query_string={"format": "xlsx", "q": "zzz"}
    )
    frame = pd.read_excel(io.BytesIO(response.data))
    assert frame.empty
    assert (
        client.get("/returnees/export", query_string={"format": "pdf"}).status_code
        == 404
    )


def test_template_downloads(client, cast):
    login(client, cast.official_province.username)
    for kind in ("csv", "xlsx"):
        response = client.get(
            "/returnees/import/template", query_string={"format": kind}
        )
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]


def _with_a_placement_and_training(db, cast):
    from datetime import date

    from juragan.models import Placement, Training

    db.session.add(Placement(
        returnee_id=cast.returnee.id, country_code="TW", sector="caregiver",
        agency_name="PT Maju", departure_date=date(2019, 1, 5), contract_months=24,
        return_date=date(2021, 1, 10), return_reason="contract_completed",
        savings_idr=18_500_000,
    ))  # fmt: skip
    db.session.add(Training(
        returnee_id=cast.returnee.id, title="Tata boga", kind="vocational",
        stage="after_return", organiser="BLK Malang", start_date=date(2021, 3, 1),
    ))  # fmt: skip
    db.session.commit()


def test_the_xlsx_has_sheets_for_people_placements_and_trainings(client, db, cast):
    _with_a_placement_and_training(db, cast)
    login(client, cast.official_regency.username)
    response = client.get("/returnees/export", query_string={"format": "xlsx"})
    sheets = pd.read_excel(io.BytesIO(response.data), sheet_name=None)
    assert list(sheets) == ["Purna PMI", "Penempatan", "Pelatihan"]
    people, placements, trainings = sheets.values()
    assert "Nama lengkap" in people.columns
    assert "Tanggal lahir" in people.columns
    row = people.iloc[0]
    assert row["Nama lengkap"] == cast.returnee.full_name
    # A real date and a real number, not text.
    assert isinstance(row["Tanggal lahir"], pd.Timestamp)
    assert row["Tanggal lahir"].date() == cast.returnee.birth_date
    cells = openpyxl.load_workbook(io.BytesIO(response.data))["Penempatan"]
    header = [c.value for c in cells[1]]
    savings = cells[2][header.index("Tabungan saat pulang (Rp)")]
    assert savings.data_type == "n"
    assert cells[2][header.index("Keberangkatan")].is_date
    assert row["Jenis kelamin"] in ("Perempuan", "Laki-laki")
    assert placements.iloc[0]["Negara tujuan"] == "Taiwan"
    assert int(placements.iloc[0]["Tabungan saat pulang (Rp)"]) == 18_500_000
    assert trainings.iloc[0]["Pelatihan"] == "Tata boga"
    assert cast.returnee.nik not in people.to_csv()  # masked without asking


def test_an_english_reader_gets_english_headers(client, db, cast):
    cast.official_regency.locale = "en"
    db.session.commit()
    login(client, cast.official_regency.username)
    text = client.get("/returnees/export", query_string={"format": "csv"}).data
    header = text.decode("utf-8-sig").splitlines()[0]
    assert '"Full name"' in header
    assert '"Birth date"' in header


def test_whole_niks_come_only_by_post_and_each_is_recorded(client, db, cast):
    login(client, cast.official_regency.username)
    assert cast.returnee.nik not in client.get(
        "/returnees/export", query_string={"format": "csv"}).data.decode("utf-8-sig")  # fmt: skip
    page = client.get("/returnees/")
    assert "XLSX dengan NIK utuh" in page.text  # a button: a POST, never a link
    response = client.post("/returnees/export?format=xlsx")
    people = pd.read_excel(io.BytesIO(response.data), sheet_name="Purna PMI", dtype=str)
    assert cast.returnee.nik in set(people["NIK"])
    logged = [e.changes for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "view", AuditEntry.object_id == str(cast.returnee.id)))]  # fmt: skip
    assert any("nik" in changes and "registry_export" in changes for changes in logged)


def test_no_export_from_the_page_of_people_found_by_phone(client, db, cast):
    # Two people of the province share a phone: the search lists both.
    cast.neighbour.phone = cast.returnee.phone
    db.session.commit()
    login(client, cast.official_province.username)
    page = client.post("/returnees/find", data={"identifier": cast.returnee.phone})
    assert page.status_code == 200
    assert cast.neighbour.full_name in page.text
    assert "XLSX dengan NIK utuh" not in page.text
    assert "/returnees/export" not in page.text


def test_a_masked_export_shows_nothing_of_the_nik(client, db, cast):
    login(client, cast.official_regency.username)
    text = client.get("/returnees/export", query_string={"format": "csv"}).data
    assert cast.returnee.nik[-4:] not in text.decode("utf-8-sig")
