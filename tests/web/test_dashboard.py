"""The programme dashboard: scoped figures, filters in the URL, downloads."""

from tests.factories import login


def test_officials_see_their_region_with_filters_in_the_url(
    client, db, cast, make_loan
):
    make_loan(cast, status="disbursed")
    login(client, cast.official_province.username)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Dasbor program" in page.text
    filtered = client.get("/dashboard/?sex=M&sector=culinary")
    assert filtered.status_code == 200
    assert (
        'value="M" selected' in filtered.text or 'selected value="M"' in filtered.text
    )
    csv = client.get("/dashboard/sectors.csv?sector=culinary")
    assert csv.mimetype == "text/csv"
    assert "culinary,Warung makan atau katering,1,1" in csv.data.decode("utf-8-sig")
    assert client.get("/dashboard/countries.xlsx").data[:2] == b"PK"
    funnel = client.get("/dashboard/funnel.csv").data.decode("utf-8-sig")
    assert "lasting,Masih berjalan 12 bulan kemudian," in funnel
    assert "Dari pulang sampai usaha yang bertahan" in page.text
    assert client.get("/dashboard/bogus.csv").status_code == 404
    assert client.get("/dashboard/?returned_from=not-a-date").status_code == 200


def test_only_officials_open_the_dashboard(client, db, cast):
    for role in ("returnee_user", "mentor", "bank_officer", "admin"):
        login(client, cast.user(role).username)
        assert client.get("/dashboard/").status_code == 403, role
        client.post("/logout")
