"""Business plan pages: writing, the workflow buttons, comparing, the proposal."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from juragan.models import Business, BusinessPlan
from tests.factories import login

BUSINESS_FORM = {
    "business_name": "Warung Makan Sari",
    "legal_form": "individual",
    "sector": "culinary",
    "kbli_section": "",
    "province_code": "35",
    "regency_code": "35.07",
    "district": "Kepanjen",
    "planned_start": "2027-01-01",
    "description": "Nasi campur dan soto.",
}


def lines(rows):
    form = {}
    for index, (kind, description, amount) in enumerate(rows):
        form[f"items-{index}-kind"] = kind
        form[f"items-{index}-description"] = description
        form[f"items-{index}-amount_idr"] = amount
    return form


def months(
    count, sales="8.000.000", cogs="4.000.000", costs="1.000.000", draw="1.000.000"
):
    form = {"month_count": str(count)}
    for index in range(36):
        form[f"months-{index}-sales_idr"] = sales
        form[f"months-{index}-cogs_idr"] = cogs
        form[f"months-{index}-operating_costs_idr"] = costs
        form[f"months-{index}-owner_draw_idr"] = draw
    return form


def test_a_returnee_writes_and_submits_a_plan(client, db, cast):
    login(client, cast.returnee_user.username)
    page = client.get("/plans/mine", follow_redirects=True)
    assert "Mulai rencana" in page.text
    response = client.post(
        f"/plans/for/{cast.returnee.id}",
        data={"business_name": "Warung Makan Sari", "sector": "culinary"},
    )
    plan = db.session.scalar(select(BusinessPlan))
    assert response.location.endswith(f"/plans/{plan.id}/edit/business")
    response = client.post(
        f"/plans/{plan.id}/edit/business", data={**BUSINESS_FORM, "then": "next"}
    )
    assert response.location.endswith(f"/plans/{plan.id}/edit/market")
    client.post(
        f"/plans/{plan.id}/edit/market",
        data={"target_market": "Pekerja pabrik", "marketing": "WhatsApp"},
    )
    client.post(
        f"/plans/{plan.id}/edit/operations",
        data={"operations": "Buka pagi", "workers_planned": "1"},
    )
    client.post(f"/plans/{plan.id}/edit/risks", data={"risks": "Harga naik"})
    client.post(
        f"/plans/{plan.id}/capital",
        data=lines(
            [
                ("investment", "Gerobak", "15.000.000"),
                ("working_capital", "Bahan", "10.000.000"),
                ("investment", "", ""),
            ]
        ),
    )
    client.post(
        f"/plans/{plan.id}/funding",
        data={
            **lines(
                [("own_savings", "Tabungan", "Rp 15.000.000"), ("kur", "", "9.000.000")]
            ),
            "kur_tenor_months": "24",
            "kur_rate_percent": "6",
        },
    )
    response = client.post(f"/plans/{plan.id}/projection", data=months(12))
    assert response.status_code == 302
    db.session.refresh(plan)
    assert [i.amount_idr for i in plan.capital_items] == [15_000_000, 10_000_000]
    assert len(plan.months) == 12
    # Sources are 1 juta short: the plan cannot be submitted, and says so.
    page = client.post(f"/plans/{plan.id}/submit", follow_redirects=True)
    assert "Pendanaan kurang Rp1.000.000 dari kebutuhan usaha." in page.text
    db.session.refresh(plan)
    assert plan.status == "draft"
    client.post(
        f"/plans/{plan.id}/funding",
        data={
            **lines(
                [("own_savings", "Tabungan", "15.000.000"), ("kur", "", "10.000.000")]
            ),
            "kur_tenor_months": "24",
            "kur_rate_percent": "6",
        },
    )
    page = client.post(f"/plans/{plan.id}/submit", follow_redirects=True)
    assert "Versi 1 diajukan" in page.text
    db.session.refresh(plan)
    assert plan.status == "submitted"
    # The figures on the plan page: 10 jt KUR at 6% over 24 months.
    assert "Rp443.206" in page.text


def test_bad_input_is_shown_at_the_field_and_saves_nothing(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.returnee_user.username)
    page = client.post(
        f"/plans/{plan.id}/capital",
        data=lines(
            [
                ("investment", "Gerobak", "lima juta"),
                ("investment", "", "2.000.000"),
            ]
        ),
    )
    assert page.status_code == 200
    assert "Tulis jumlah dalam rupiah" in page.text
    page = client.post(
        f"/plans/{plan.id}/capital",
        data=lines(
            [
                ("investment", "Gerobak", "5.000.000"),
                ("investment", "", "2.000.000"),
            ]
        ),
    )
    assert 'id="items-1-description"' in page.text
    assert "is-invalid" in page.text
    db.session.refresh(plan)
    assert [i.amount_idr for i in plan.capital_items] == [15_000_000, 10_000_000]
    page = client.post(f"/plans/{plan.id}/projection", data=months(12, sales="-5"))
    assert page.status_code == 200
    assert "is-invalid" in page.text


def test_quick_fill_offers_months_without_saving(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.returnee_user.username)
    page = client.post(
        f"/plans/{plan.id}/projection",
        data={
            "quick-sales_idr": "1.000.000",
            "quick-cogs_idr": "500.000",
            "quick-operating_costs_idr": "100.000",
            "quick-owner_draw_idr": "0",
            "quick-growth_percent": "10",
            "quick-month_count": "24",
        },
    )
    assert page.status_code == 200
    assert 'value="1.100.000"' in page.text  # month 2
    db.session.refresh(plan)
    assert plan.months[1].sales_idr == 8_000_000  # unchanged until saved


def test_mentor_reviews_and_the_returnee_revises(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="submitted")
    login(client, cast.mentor.username)
    page = client.post(
        f"/plans/{plan.id}/comments",
        data={"section": "market", "body": "Berapa porsi sehari?"},
        follow_redirects=True,
    )
    assert "Berapa porsi sehari?" in page.text
    db.session.refresh(plan)
    assert plan.status == "in_review"
    client.post("/logout")
    login(client, cast.returnee_user.username)
    page = client.get(f"/plans/{plan.id}/edit/market")
    assert "Berapa porsi sehari?" in page.text  # the comment beside the part
    client.post(
        f"/plans/{plan.id}/edit/market",
        data={
            "target_market": "Pekerja pabrik, 40 porsi sehari.",
            "marketing": "WhatsApp.",
        },
    )
    client.post(f"/plans/{plan.id}/submit")
    comment = plan.comments[0]
    client.post(f"/plans/{plan.id}/comments/{comment.id}/resolve")
    client.post("/logout")
    login(client, cast.mentor.username)
    page = client.get(f"/plans/{plan.id}/compare?left=1&right=2")
    assert page.status_code == 200
    assert "40 porsi sehari." in page.text
    changed = re.findall(
        r"table-warning\">\s*<th[^>]*>[^<]*<br><span[^>]*>([^<]*)", page.text
    )
    assert changed == ["Pelanggan dan pasar"], changed  # only the market text
    client.post(f"/plans/{plan.id}/ready")
    db.session.refresh(plan)
    assert plan.status == "ready"
    assert plan.comments[0].resolved_at is not None


@pytest.mark.parametrize(
    ("role", "path", "status", "expected"),
    [
        ("returnee_user", "review", "submitted", 403),  # a returnee does not review
        ("bank_officer", "review", "submitted", 404),  # nor sees drafts
        ("mentor", "submit", "ready", 403),
        ("official_other", "ready", "submitted", 404),  # another province
        ("admin", "ready", "submitted", 404),
        ("other_mentor", "comments", "submitted", 404),  # not their caseload
        ("official_regency", "reopen", "ready", 403),
    ],
)
def test_refused_steps(client, db, cast, make_plan, role, path, status, expected):
    plan = make_plan(cast.returnee, cast.returnee_user, status=status)
    login(client, cast.user(role).username)
    response = client.post(
        f"/plans/{plan.id}/{path}", data={"section": "market", "body": "x"}
    )
    assert response.status_code == expected
    db.session.refresh(plan)
    assert plan.status == status


def test_bank_officer_reads_proposals_sent_to_the_bank_with_a_masked_nik(
    client, db, cast, make_plan, make_loan
):
    unsent = make_plan(cast.neighbour, cast.official_province, status="ready")
    plan = make_loan(cast, status="submitted").plan
    login(client, cast.bank_officer.username)
    assert client.get(f"/plans/{unsent.id}/proposal").status_code == 404
    listing = client.get("/plans/?status=ready")
    assert "Warung Makan Sari" in listing.text
    page = client.get(f"/plans/{plan.id}/proposal")
    assert page.status_code == 200
    assert cast.returnee.nik not in page.text
    assert "************" + cast.returnee.nik[-4:] in page.text
    assert cast.returnee.birth_date.isoformat() not in page.text
    assert "Kemampuan bayar" in page.text


def test_the_pdf_proposal_renders_with_its_text(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    login(client, cast.mentor.username)
    response = client.get(f"/plans/{plan.id}/proposal.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    for expected in (
        "Warung Makan Sari",
        "Profil pemohon",
        "Kebutuhan modal",
        "Rp25.000.000",
        "Rp443.206",
        "Kemampuan bayar",
        cast.returnee.full_name,
    ):
        assert expected in " ".join(text.split()), expected
    assert cast.returnee.nik not in text


def test_opening_and_following_a_business(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    login(client, cast.mentor.username)
    page = client.post(
        f"/plans/{plan.id}/open-business",
        data={"opened_on": "2099-01-01", "nib": "123"},
    )
    assert page.status_code == 200
    assert db.session.scalar(select(Business)) is None
    response = client.post(
        f"/plans/{plan.id}/open-business",
        data={
            "opened_on": "2026-03-01",
            "nib": "1234567890123",
            "workers_family": "1",
            "workers_paid": "0",
        },
    )
    business = db.session.scalar(select(Business))
    assert response.location.endswith(f"/plans/businesses/{business.id}")
    page = client.post(
        f"/plans/businesses/{business.id}",
        data={
            "to_status": "closed",
            "changed_on": "2026-06-01",
            "close_reason": "",
        },
    )
    assert "Sebutkan mengapa usaha tutup." in page.text
    client.post(
        f"/plans/businesses/{business.id}",
        data={
            "to_status": "paused",
            "changed_on": "2026-06-01",
            "note": "Sakit",
        },
    )
    db.session.refresh(business)
    assert business.status == "paused"
    page = client.get(f"/plans/businesses/{business.id}")
    assert "Sakit" in page.text
    client.post("/logout")
    login(client, cast.official_other.username)
    assert client.get(f"/plans/businesses/{business.id}").status_code == 404


def test_decimals_are_written_and_read_the_readers_way(client, db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    login(client, cast.returnee_user.username)
    funding = {
        **lines([("own_savings", "Tabungan", "15.000.000"), ("kur", "", "10.000.000")]),
        "kur_tenor_months": "24",
        "version": str(plan.version),
    }
    client.post(
        f"/plans/{plan.id}/funding", data={**funding, "kur_rate_percent": "6,5"}
    )
    db.session.refresh(plan)
    assert str(plan.kur_rate_percent) == "6.50"
    page = client.get(f"/plans/{plan.id}/funding")
    assert 'value="6,50"' in page.text
    client.post("/language", data={"locale": "en", "next": "/"})
    assert 'value="6.50"' in client.get(f"/plans/{plan.id}/funding").text
    # The live totals have what they need from the page (plan-totals.js).
    assert 'data-needs="25000000"' in page.text
    assert "{amount}" in page.text
    bad = client.post(
        f"/plans/{plan.id}/funding",
        data={**funding, "version": str(plan.version), "kur_rate_percent": "enam"},
    )
    assert bad.status_code == 200
    assert "is-invalid" in bad.text
    db.session.refresh(plan)
    assert str(plan.kur_rate_percent) == "6.50"
