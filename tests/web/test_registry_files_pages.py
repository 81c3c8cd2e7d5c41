import io
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
import time_machine
from sqlalchemy import func, select

from juragan.models import AuditEntry, Returnee
from juragan.services.registry_files import EXAMPLE_ROW
from tests.factories import login, make_nik


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
    logged = db.session.execute(
        select(AuditEntry.object_id, AuditEntry.actor_id).where(
            AuditEntry.action == "view", AuditEntry.table_name == "returnees"
        )
    ).all()
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

    db.session.add(
        Placement(
            returnee_id=cast.returnee.id,
            country_code="TW",
            sector="caregiver",
            agency_name="PT Maju",
            departure_date=date(2019, 1, 5),
            contract_months=24,
            return_date=date(2021, 1, 10),
            return_reason="contract_completed",
            savings_idr=18_500_000,
        )
    )
    db.session.add(
        Training(
            returnee_id=cast.returnee.id,
            title="Tata boga",
            kind="vocational",
            stage="after_return",
            organiser="BLK Malang",
            start_date=date(2021, 3, 1),
        )
    )
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
        "/returnees/export", query_string={"format": "csv"}
    ).data.decode("utf-8-sig")
    page = client.get("/returnees/")
    assert "XLSX dengan NIK utuh" in page.text  # a button: a POST, never a link
    response = client.post("/returnees/export?format=xlsx")
    people = pd.read_excel(io.BytesIO(response.data), sheet_name="Purna PMI", dtype=str)
    assert cast.returnee.nik in set(people["NIK"])
    logged = [
        e.changes
        for e in db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "view",
                AuditEntry.object_id == str(cast.returnee.id),
            )
        )
    ]
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


# Warnings and changes need the official's ticks ----------------------------------


def _hidden(page, name):
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page.text).group(
        1
    )


def _confirm(client, page, **ticks):
    data = {
        name: _hidden(page, name)
        for name in ("token", "similar_seen", "overwrites_seen")
    }
    return client.post("/returnees/import/confirm", data={**data, **ticks})


def _people(db):
    return db.session.scalar(select(func.count()).select_from(Returnee))


def test_rows_alike_are_imported_only_once_checked(client, db, cast):
    login(client, cast.official_province.username)
    twin = {
        **EXAMPLE_ROW,
        "nik": make_nik("35.07", date(1988, 3, 14), "F", 8),
        "country_code": "",
    }
    page = upload(client, [EXAMPLE_ROW, twin])
    assert "mungkin orang yang sama" in page.text
    assert "Mungkin orang yang sama dengan baris 3" in page.text
    assert "table-warning" in page.text
    assert twin["nik"] not in page.text  # masked, as the page masks NIKs
    before = _people(db)
    refused = _confirm(client, page)
    assert refused.status_code == 200
    feedback = re.search(
        r'id="similar_checked"[^>]*>.*?<div class="invalid-feedback">'
        r"([^<]*)</div>",
        refused.text,
        re.S,
    )
    assert "Centang bahwa Anda sudah memeriksa" in feedback.group(1)
    assert "is-invalid" in refused.text
    assert _people(db) == before  # nothing, not even the row that is alike nobody
    assert _confirm(client, refused, similar_checked="y").status_code == 302
    assert _people(db) == before + 2


def test_a_change_to_what_is_recorded_is_shown_and_asked(client, db, cast):
    login(client, cast.official_province.username)
    _confirm(client, upload(client, [EXAMPLE_ROW]))
    sri = db.session.scalar(select(Returnee).where(Returnee.nik == EXAMPLE_ROW["nik"]))
    changed = {**EXAMPLE_ROW, "phone": "0813 1111 2222", "savings_idr": ""}
    page = upload(client, [changed])
    assert (
        "Nomor HP</strong>: <del>+62 812-3456-7890</del> → <ins>+62 813-1111-2222"
        in page.text
    )
    assert (
        "Tabungan saat pulang (Rp)</strong>: <del>25.000.000</del> → <ins>(kosong)"
        in page.text
    )
    assert (
        "Ubah data yang sudah tercatat sesuai daftar di atas: 1 orang, 1 penempatan"
        in page.text
    )
    refused = _confirm(client, page)
    assert refused.status_code == 200
    assert "Centang bahwa data yang tercatat boleh diubah" in refused.text
    db.session.expire_all()
    assert db.session.get(Returnee, sri.id).phone == "+6281234567890"
    # A tick given to an older count (the registry changed since) asks again.
    stale = client.post(
        "/returnees/import/confirm",
        data={
            "token": _hidden(page, "token"),
            "similar_seen": "0",
            "overwrites_seen": "1",
            "changes_confirmed": "y",
        },
    )
    assert "Data sudah berubah sejak Anda memeriksa" in stale.text
    db.session.expire_all()
    assert db.session.get(Returnee, sri.id).phone == "+6281234567890"
    assert _confirm(client, page, changes_confirmed="y").status_code == 302
    db.session.expire_all()
    sri = db.session.get(Returnee, sri.id)
    assert sri.phone == "+6281311112222"
    assert sri.placements[0].savings_idr is None


def test_an_upload_is_confirmed_only_by_its_uploader(client, db, cast):
    login(client, cast.official_province.username)
    page = upload(client, [EXAMPLE_ROW])
    before = _people(db)
    client.post("/logout")
    login(client, cast.official_regency.username)  # the same region, someone else
    answer = _confirm(client, page)
    assert "/returnees/import" in answer.headers["Location"]  # "has expired"
    assert _people(db) == before


# The rejected rows, as a file ------------------------------------------------------


def _rejected_upload(client):
    bad = {**EXAMPLE_ROW, "nik": "12", "full_name": "Salah Ketik", "sex": "X"}
    page = upload(client, [EXAMPLE_ROW, bad])
    links = re.findall(
        r'href="(/returnees/import/[0-9a-f]{32}/rejected\?format=\w+)"', page.text
    )
    return page, links


def test_the_rejected_rows_download_to_correct_and_send_again(client, db, cast):
    login(client, cast.official_province.username)
    page, links = _rejected_upload(client)
    assert "Jenis kelamin (L/P):" in page.text  # columns named by their headers
    assert sorted(link.rsplit("=", 1)[1] for link in links) == ["csv", "xlsx"]
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "attachment" in response.headers["Content-Disposition"]
        back = (
            pd.read_excel(io.BytesIO(response.data), dtype=str)
            if link.endswith("xlsx")
            else pd.read_csv(io.BytesIO(response.data), dtype=str)
        )
        assert list(back.columns)[:3] == ["Alasan", "NIK", "Nama lengkap"]
        assert list(back["Nama lengkap"]) == ["Salah Ketik"]
        assert "NIK:" in back["Alasan"][0]
        assert "Jenis kelamin (L/P):" in back["Alasan"][0]
    # Recorded like an export, for each download.
    logged = db.session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.action == "view", AuditEntry.returnee_id.is_(None)
        )
    ).all()
    assert [c["import_rejected_rows"] for c in logged] == [[None, 1], [None, 1]]
    # Another official, a mentor, a made-up token: nothing.
    client.post("/logout")
    login(client, cast.official_regency.username)
    assert client.get(links[0]).status_code == 404
    assert (
        client.get("/returnees/import/" + "0" * 32 + "/rejected?format=csv").status_code
        == 404
    )
    assert client.get("/returnees/import/../rejected?format=csv").status_code == 404
    client.post("/logout")
    login(client, cast.mentor.username)
    assert client.get(links[0]).status_code == 403


def test_a_rejected_row_of_someone_registered_is_in_their_processing_log(
    client, db, cast
):
    login(client, cast.official_regency.username)
    sri = cast.returnee
    row = {
        **EXAMPLE_ROW,
        "nik": sri.nik,
        "full_name": sri.full_name,
        "sex": sri.sex,
        "birth_date": sri.birth_date.isoformat(),
        "dependants": "many",
    }
    page = upload(client, [row])
    (link,) = re.findall(
        r'href="(/returnees/import/[0-9a-f]{32}/rejected\?format=csv)"', page.text
    )
    assert sri.nik in client.get(link).data.decode("utf-8-sig")  # the official's own
    logged = db.session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.action == "view", AuditEntry.returnee_id == sri.id
        )
    ).all()
    assert any("import_rejected_rows" in c and "nik" in c for c in logged)


def test_the_template_has_indonesian_headers_and_a_petunjuk(client, cast):
    login(client, cast.official_province.username)
    text = client.get("/returnees/import/template?format=csv").data.decode("utf-8-sig")
    assert text.startswith('"NIK","Nama lengkap","Jenis kelamin (L/P)","Tanggal lahir"')
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/returnees/import/template?format=xlsx").data)
    )
    assert book.sheetnames == ["Data", "Petunjuk"]
    # The template, as downloaded, is imported as it is.
    page = client.post(
        "/returnees/import",
        content_type="multipart/form-data",
        data={
            "file": (io.BytesIO(text.encode()), "templat.csv"),
            "consent_on_paper": "y",
        },
    )
    assert "Impor 1 baris sekarang" in page.text
