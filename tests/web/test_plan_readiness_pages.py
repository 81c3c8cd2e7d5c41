"""The mentor declares a plan ready below the threshold only with a reason; the
plan page and the proposal show it, and the proposal writes amounts in words."""

import io
from decimal import Decimal

from pypdf import PdfReader

from juragan.models import utcnow
from juragan.services import plans
from juragan.services.plans import MonthInput
from tests.factories import login


def tight_plan(db, cast, make_plan):
    # Cash left 8 - 4 - 1 - 2,5 = 0,5 jt a month against an instalment of 443.206:
    # capacity 500.000 / 443.206 = 1,13, below the programme's 1,5.
    plan = make_plan(cast.returnee, cast.returnee_user, status="draft")
    plans.save_projection(
        db.session,
        plan,
        12,
        [MonthInput(8_000_000, 4_000_000, 1_000_000, 2_500_000)] * 12,
    )
    plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    plans.start_review(db.session, plan)
    db.session.commit()
    return plan


def test_without_a_reason_the_field_says_why_and_nothing_changes(
    client, db, cast, make_plan
):
    plan = tight_plan(db, cast, make_plan)
    login(client, cast.mentor.username)
    page = client.get(f"/plans/{plan.id}")
    assert 'name="ready_reason"' in page.text
    response = client.post(f"/plans/{plan.id}/ready", data={"ready_reason": "  "})
    assert response.status_code == 422
    assert "is-invalid" in response.text
    assert "Kemampuan bayar 1,13" in response.text
    db.session.refresh(plan)
    assert plan.status == "in_review"
    assert plan.ready_reason is None


def test_with_a_reason_the_plan_is_ready_and_both_pages_show_it(
    client, db, cast, make_plan
):
    plan = tight_plan(db, cast, make_plan)
    login(client, cast.mentor.username)
    reason = "Istri membantu di warung, pengambilan pemilik turun sejak bulan 4."
    response = client.post(f"/plans/{plan.id}/ready", data={"ready_reason": reason})
    assert response.status_code == 302
    db.session.refresh(plan)
    assert plan.status == "ready"
    assert plan.ready_threshold == Decimal("1.50")
    page = client.get(f"/plans/{plan.id}")
    assert reason in page.text
    proposal = client.get(f"/plans/{plan.id}/proposal")
    assert reason in proposal.text
    assert "1,5×" in proposal.text  # the programme's threshold, shown beside it


def test_the_plan_page_names_operating_and_net_profit(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="submitted")
    login(client, cast.mentor.username)
    page = client.get(f"/plans/{plan.id}").text
    assert "Laba usaha" in page
    assert "Laba bersih" in page
    # Break-even sales: fixed 1 jt / ((8 - 4) / 8 = 0,5) = 2 jt a month.
    assert "Rp2.000.000" in page
    # No "laba bersih" for the operating figure any more.
    assert "Rata-rata laba bersih per bulan</dt>" not in page


def test_the_pdf_writes_the_amounts_in_words(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    login(client, cast.mentor.username)
    response = client.get(f"/plans/{plan.id}/proposal.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # Total needs 25 jt and KUR 10 jt, spelt by hand.
    assert "dua puluh lima juta rupiah" in text
    assert "sepuluh juta rupiah" in text


def test_an_english_reader_still_gets_indonesian_words(client, db, cast, make_plan):
    # The proposal is for the bank: in Indonesian whatever the interface language.
    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    cast.mentor.locale = "en"
    db.session.commit()
    login(client, cast.mentor.username)
    page = client.get(f"/plans/{plan.id}/proposal").text
    assert "dua puluh lima juta rupiah" in page
    assert "sepuluh juta rupiah" in page
    assert "twenty-five million rupiah" not in page
    assert "Rp25.000.000" in page


def test_the_admin_sees_each_lenders_threshold(client, db, cast):
    login(client, cast.admin.username)
    page = client.get("/admin/lenders")
    assert page.status_code == 200
    assert "batas kemampuan bayar 1,5×" in page.text  # the default, 1,50
