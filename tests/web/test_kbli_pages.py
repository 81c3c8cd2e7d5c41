"""Choosing a KBLI 2025 code for a plan without JavaScript: the search page, the
link back to the form, saving, and the code on the plan, proposal and business.

Codes and titles are KBLI 2025's (Perba BPS 7/2025, juragan/data/kbli2025).
"""

import io

from pypdf import PdfReader

from tests.factories import login

BUSINESS_FORM = {
    "business_name": "Warung Makan Sari",
    "legal_form": "individual",
    "sector": "culinary",
    "province_code": "35",
    "regency_code": "35.07",
    "district": "Kepanjen",
    "planned_start": "2027-01-01",
    "description": "Nasi campur dan soto.",
}


def test_search_pick_and_save_a_code(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.returnee_user.username)
    form = client.get(f"/plans/{plan.id}/edit/business")
    # The line's usual subclass is offered (culinary → 56101), and the search.
    assert "56101 · AKTIVITAS PENYEDIAAN MAKANAN DI BANGUNAN TETAP" in form.text
    assert f"/plans/{plan.id}/kbli" in form.text
    page = client.get(f"/plans/{plan.id}/kbli", query_string={"q": "warung makan"})
    assert page.status_code == 200
    # 56102 comes first (tests/unit/test_kbli.py), with its link back to the form.
    first = page.text.index("<strong>56102</strong>")
    assert first < page.text.index("<strong>47112</strong>")
    assert f"/plans/{plan.id}/edit/business?kbli_code=56102" in page.text
    form = client.get(f"/plans/{plan.id}/edit/business?kbli_code=56102")
    assert 'value="56102"' in form.text
    response = client.post(
        f"/plans/{plan.id}/edit/business",
        data=BUSINESS_FORM | {"kbli_code": "56102", "version": plan.version},
    )
    assert response.status_code == 302
    db.session.refresh(plan)
    assert (plan.kbli_code, plan.kbli_section) == ("56102", "I")
    view = client.get(f"/plans/{plan.id}")
    assert "56102" in view.text
    assert "AKTIVITAS PENYEDIAAN MAKANAN DI BANGUNAN TIDAK TETAP" in view.text


def test_bad_codes_and_queries_are_told_at_the_field(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.returnee_user.username)
    for code in ("561", "56103", "abcde"):  # too short; KBLI 2020 only; letters
        page = client.post(
            f"/plans/{plan.id}/edit/business",
            data=BUSINESS_FORM | {"kbli_code": code, "version": plan.version},
        )
        assert page.status_code == 200, code
        assert "is-invalid" in page.text, code
    db.session.refresh(plan)
    assert plan.kbli_code is None
    page = client.get(f"/plans/{plan.id}/kbli", query_string={"q": "x" * 81})
    assert page.status_code == 200
    assert "is-invalid" in page.text
    assert "<strong>" not in page.text.split('role="search"')[1]
    page = client.get(f"/plans/{plan.id}/kbli", query_string={"q": "qqqzzz"})
    assert page.status_code == 200


def test_others_cannot_search_on_someone_elses_plan(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.other_mentor.username)
    assert client.get(f"/plans/{plan.id}/kbli?q=ayam").status_code in (403, 404)


def test_code_on_proposal_pdf_and_business(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.returnee_user.username)
    client.post(
        f"/plans/{plan.id}/edit/business",
        data=BUSINESS_FORM | {"kbli_code": "56101", "version": plan.version},
    )
    client.post("/logout")
    login(client, cast.mentor.username)
    response = client.get(f"/plans/{plan.id}/proposal.pdf")
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages
        ).split()
    )
    assert "56101" in text
    assert "AKTIVITAS PENYEDIAAN MAKANAN DI BANGUNAN TETAP" in text
