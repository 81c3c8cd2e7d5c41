"""Language, errors and headers: what every page shares."""

from sqlalchemy import select

from juragan.models import User
from tests.factories import login


def test_indonesian_is_the_default(client):
    page = client.get("/login")
    assert '<html lang="id">' in page.text
    assert "Masuk ke juragan" in page.text


def test_language_switch_for_visitors(client):
    client.post("/language", data={"locale": "en", "next": "/login"})
    page = client.get("/login")
    assert '<html lang="en">' in page.text
    assert "Sign in to juragan" in page.text


def test_language_is_kept_per_account(app, client, db, make_user):
    user = make_user()
    login(client, user.username)
    response = client.post("/language", data={"locale": "en", "next": "/"})
    assert response.headers["Location"] == "/"
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "en"
    other_device = app.test_client()
    login(other_device, user.username)
    assert "Hello," in other_device.get("/").text


def test_unknown_language_changes_nothing(client, db, make_user):
    user = make_user()
    login(client, user.username)
    client.post("/language", data={"locale": "fr", "next": "https://evil.example/"})
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "id"


def test_error_pages_in_both_languages(client, make_user):
    login(client, make_user().username)
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Tidak ditemukan" in page.text
    client.post("/language", data={"locale": "en"})
    page = client.get("/no-such-page")
    assert "Not found" in page.text
    assert client.get("/admin/accounts").status_code == 403
    assert "Not allowed" in client.get("/admin/accounts").text


def test_errors_as_json_for_api_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404
    assert response.json["error"]


def test_unexpected_error_gives_the_500_page(app, client, make_user):
    def broken():
        raise RuntimeError("boom")

    original = app.view_functions["main.healthz"]
    app.view_functions["main.healthz"] = broken
    try:
        response = client.get("/healthz")
    finally:
        app.view_functions["main.healthz"] = original
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text or "kesalahan" in response.text
    assert "boom" not in response.text


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_chart_pages_let_plotly_save_a_png_and_nothing_more(client, cast):
    """plotly.js saves a chart as a PNG by drawing its SVG from a blob: address;
    only chart pages allow such images, and still no inline script."""
    login(client, cast.official_national.username)
    charts = client.get("/dashboard/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob:;" in charts
    assert "script-src 'self';" in charts
    plain = client.get("/returnees/").headers["Content-Security-Policy"]
    assert "blob:" not in plain


def test_pages_have_no_inline_script_or_style(client, cast):
    login(client, cast.admin.username)
    for path in (
        "/",
        "/admin/accounts",
        "/admin/audit",
        f"/admin/accounts/{cast.mentor.id}",
        "/admin/accounts/new",
        "/returnees/",
        "/reference/regions",
        "/reference/regions/35",
    ):
        text = client.get(path).text
        assert "<script>" not in text, path
        assert " style=" not in text, path
        assert '<script src="/static/' in text, path
        assert "http://" not in text.replace("http://www.w3.org", ""), path


def test_static_assets_are_served_locally(client):
    for path in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "js/app.js",
        "css/app.css",
    ):
        with client.get(f"/static/{path}") as response:
            assert response.status_code == 200, path


def test_reference_pages(client, make_user):
    login(client, make_user().username)
    page = client.get("/reference/regions")
    assert "38 provinsi dan 514 kabupaten/kota" in page.text
    page = client.get("/reference/regions/65")
    assert "Kalimantan Utara" in page.text
    assert "Kota Tarakan" in page.text
    assert client.get("/reference/regions/99").status_code == 404


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_language_picked_before_sign_in_becomes_the_accounts(client, db, make_user):
    user = make_user()
    client.post("/language", data={"locale": "en"})
    login(client, user.username)
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "en"


def test_sign_in_prompt_is_translated(client):
    page = client.get("/returnees/", follow_redirects=True)
    assert "Silakan masuk" in page.text
