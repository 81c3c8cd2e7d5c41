"""A returnee downloads their data and asks for erasure; an official decides."""

import io
import json

from pypdf import PdfReader

from juragan.models import ErasureRequest, Returnee
from tests.factories import PASSWORD, login


def test_a_returnee_downloads_everything_about_them(client, db, cast):
    login(client, cast.returnee_user.username)
    profile = client.get(f"/returnees/{cast.returnee.id}")
    assert "Data saya" in profile.text
    as_json = client.get(f"/returnees/{cast.returnee.id}/data.json")
    assert as_json.status_code == 200
    assert as_json.headers["Cache-Control"] == "private, no-store"
    data = json.loads(as_json.data)
    assert data["profile"]["nik"] == cast.returnee.nik
    as_pdf = client.get(f"/returnees/{cast.returnee.id}/data.pdf")
    assert as_pdf.mimetype == "application/pdf"
    pdf_text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(as_pdf.data)).pages
    )
    assert cast.returnee.full_name in pdf_text
    assert cast.returnee.nik in pdf_text
    assert "Siapa yang melihat atau mengubah" in pdf_text
    # Readable: the interface's names and words, not stored column names and codes.
    assert "Tanggal lahir" in pdf_text
    assert "Kabupaten/kota" in pdf_text
    assert "Perempuan" in pdf_text or "Laki-laki" in pdf_text
    for stored_name in (
        "birth_date",
        "regency_code",
        "consent_at",
        "full_name",
        "created_at",
    ):
        assert stored_name not in pdf_text
    # Nobody else downloads it: not the mentor, not an official.
    for user in (cast.mentor, cast.official_province):
        client.post("/logout")
        login(client, user.username)
        assert client.get(f"/returnees/{cast.returnee.id}/data.json").status_code == 403
    assert client.get(f"/returnees/{cast.neighbour.id}/data.json").status_code == 403


def test_erasure_from_request_to_decision(client, db, cast):
    login(client, cast.returnee_user.username)
    url = f"/returnees/{cast.returnee.id}/erasure"
    unconfirmed = client.post(url, data={"reason": "Pindah"}, follow_redirects=True)
    assert "Centang kotak untuk mengonfirmasi." in unconfirmed.text
    asked = client.post(
        url, data={"reason": "Pindah", "confirm": "y"}, follow_redirects=True
    )
    assert "Permintaan Anda ada di kantor wilayah" in asked.text
    client.post("/logout")
    # An official of another province does not see it, nor can act on it.
    login(client, cast.official_other.username)
    assert cast.returnee.full_name not in client.get("/returnees/erasure-requests").text
    decide = f"/returnees/{cast.returnee.id}/erasure/decide"
    assert client.post(decide, data={"decision": "erase"}).status_code == 404
    client.post("/logout")
    login(client, cast.official_province.username)
    listed = client.get("/returnees/erasure-requests")
    assert cast.returnee.full_name in listed.text
    assert "Pindah" in listed.text
    no_reason = client.post(decide, data={"decision": "refuse"}, follow_redirects=True)
    assert "Sebutkan alasannya" in no_reason.text
    done = client.post(decide, data={"decision": "erase"}, follow_redirects=True)
    assert "Data orang ini telah dihapus." in done.text
    db.session.expire_all()
    person = db.session.get(Returnee, cast.returnee.id)
    assert person.erased_at is not None
    assert db.session.query(ErasureRequest).one().status == "done"
    page = client.get(f"/returnees/{person.id}")
    assert "dihapus atas permintaannya" in page.text
    assert f"/returnees/{person.id}/edit" not in page.text
    # The account is gone with it.
    client.post("/logout")
    assert login(client, cast.returnee_user.username, PASSWORD).status_code == 200


def test_the_profile_shows_the_my_data_card_once(client, db, cast):
    login(client, cast.returnee_user.username)
    page = client.get(f"/returnees/{cast.returnee.id}").text
    assert page.count('id="my-data"') == 1
    assert page.count("Unduh (PDF)") == 1
