"""Plan services: writing in parts, the balance rule, the workflow and versions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from juragan.db import plan_reading
from juragan.errors import DomainError, FieldErrors
from juragan.models import BusinessPlan, PlanVersion, utcnow
from juragan.reports import plans as plan_reports
from juragan.services import plans
from juragan.services.plans import LineItem, MonthInput

TODAY = date(2026, 11, 1)


def errors_of(excinfo):
    return dict(excinfo.value.errors)


def test_a_new_plan_starts_as_the_active_draft_at_home(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, " Bakso ", "culinary"
    )
    assert plan.status == "draft"
    assert plan.is_active
    assert plan.business_name == "Bakso"
    assert plan.kbli_section == "I"  # food service, from the line of business
    assert plan.regency_code == cast.returnee.regency_code
    second = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Ternak", "livestock"
    )
    db.session.refresh(plan)
    assert second.is_active
    assert not plan.is_active
    plans.make_active(db.session, plan)
    db.session.refresh(second)
    assert plan.is_active
    assert not second.is_active


def test_create_refuses_without_name_or_line(db, cast):
    with pytest.raises(FieldErrors) as excinfo:
        plans.create_plan(db.session, cast.returnee_user, cast.returnee, " ", "casino")
    assert set(errors_of(excinfo)) == {"business_name", "sector"}


def test_database_keeps_one_active_plan(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    other = BusinessPlan(
        returnee_id=cast.returnee.id,
        is_active=True,
        status="draft",
        business_name="Dua",
        legal_form="individual",
        sector="warung",
        kbli_section="G",
        projection_months=12,
        workers_planned=0,
    )
    assert plan.is_active
    with db.session.begin_nested():
        db.session.add(other)
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_sections_save_partially_but_check_what_is_there(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Toko", "warung"
    )
    plans.save_section(db.session, plan, "market", {"target_market": "Tetangga"}, TODAY)
    assert plan.target_market == "Tetangga"
    assert plan.marketing is None  # a draft may be incomplete
    with pytest.raises(FieldErrors) as excinfo:
        plans.save_section(
            db.session,
            plan,
            "business",
            {
                "business_name": "Toko",
                "legal_form": "individual",
                "sector": "warung",
                "province_code": "33",
                "regency_code": "35.07",
                "planned_start": date(1999, 1, 1),
            },
            TODAY,
        )
    assert set(errors_of(excinfo)) == {"regency_code", "planned_start"}
    with pytest.raises(FieldErrors) as excinfo:
        plans.save_section(
            db.session, plan, "operations", {"workers_planned": 900}, TODAY
        )
    assert "workers_planned" in errors_of(excinfo)


def test_line_items_name_the_row_at_fault_and_skip_blank_rows(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Toko", "warung"
    )
    with pytest.raises(FieldErrors) as excinfo:
        plans.save_capital(
            db.session,
            plan,
            [
                LineItem("investment", "Rak", 5_000_000),
                LineItem("investment", None, None),  # blank: ignored
                LineItem("working_capital", "Stok", -5),
                LineItem("investment", None, 1_000_000),
            ],
        )
    assert set(errors_of(excinfo)) == {"items-2-amount_idr", "items-3-description"}
    assert plan.capital_items == []  # nothing saved
    plans.save_capital(
        db.session,
        plan,
        [
            LineItem("investment", "Rak", 5_000_000),
            LineItem("investment", "", None),
        ],
    )
    assert [i.amount_idr for i in plan.capital_items] == [5_000_000]


def test_funding_with_kur_needs_a_tenor(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Toko", "warung"
    )
    with pytest.raises(FieldErrors) as excinfo:
        plans.save_funding(
            db.session, plan, [LineItem("kur", None, 5_000_000)], None, None
        )
    assert "kur_tenor_months" in errors_of(excinfo)
    plans.save_funding(db.session, plan, [LineItem("kur", None, 5_000_000)], 12, None)
    assert plan.kur_rate_percent == plans.DEFAULT_KUR_RATE


def test_projection_bounds_and_negative_cells(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Toko", "warung"
    )
    row = MonthInput(1_000_000, 500_000, 100_000, 0)
    with pytest.raises(FieldErrors) as excinfo:
        plans.save_projection(db.session, plan, 6, [row] * 6)
    assert "month_count" in errors_of(excinfo)
    with pytest.raises(FieldErrors) as excinfo:
        plans.save_projection(
            db.session, plan, 12, [row] * 11 + [MonthInput(-1, 0, 0, 0)]
        )
    assert "months-11-sales_idr" in errors_of(excinfo)
    plans.save_projection(db.session, plan, 24, [row] * 36)
    assert len(plan.months) == 24
    assert plan.projection_months == 24


def test_fill_months_grows_sales_and_cost_of_goods():
    rows = plans.fill_months(
        MonthInput(1_000_000, 400_000, 200_000, 100_000), Decimal(10), 12
    )
    assert len(rows) == 12
    assert rows[0].sales_idr == 1_000_000
    assert rows[1].sales_idr == 1_100_000
    assert rows[2].sales_idr == 1_210_000
    assert rows[2].cogs_idr == 484_000
    assert rows[11].operating_costs_idr == 200_000


def test_submit_refuses_an_unbalanced_plan_saying_by_how_much(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    plans.save_funding(
        db.session,
        plan,
        [
            LineItem("own_savings", None, 15_000_000),
            LineItem("kur", None, 7_500_000),
        ],
        24,
        Decimal(6),
    )
    with pytest.raises(FieldErrors) as excinfo:
        plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    assert str(errors_of(excinfo)["funding"]) == (
        "Pendanaan kurang Rp2.500.000 dari kebutuhan usaha."
    )
    plans.save_funding(
        db.session,
        plan,
        [
            LineItem("own_savings", None, 15_000_000),
            LineItem("kur", None, 11_000_000),
        ],
        24,
        Decimal(6),
    )
    with pytest.raises(FieldErrors) as excinfo:
        plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    assert "Rp1.000.000" in str(errors_of(excinfo)["funding"])
    assert plan.status == "draft"
    assert plan.versions == []


def test_submit_lists_every_incomplete_part(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Toko", "warung"
    )
    with pytest.raises(FieldErrors) as excinfo:
        plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    assert set(errors_of(excinfo)) == {
        "business",
        "market",
        "operations",
        "risks",
        "capital",
        "funding",
        "projections",
    }


def test_the_workflow_keeps_every_submitted_version(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user)
    first = plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    assert (first.number, plan.status) == (1, "submitted")
    with pytest.raises(DomainError):
        plans.save_section(db.session, plan, "risks", {"risks": "x"}, TODAY)  # locked
    plans.add_comment(
        db.session, cast.mentor, plan, "market", "Berapa harga?", utcnow()
    )
    assert plan.status == "in_review"  # a comment opens the review
    with pytest.raises(DomainError):
        plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())  # unchanged
    plans.save_section(
        db.session,
        plan,
        "market",
        {
            "target_market": "Pekerja pabrik, 40 porsi sehari.",
            "competitors": None,
            "marketing": "WhatsApp.",
        },
        TODAY,
    )
    assert plan.is_revised
    with pytest.raises(DomainError):
        plans.mark_ready(db.session, plan)  # the revision is not submitted yet
    second = plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    assert second.number == 2
    assert not plan.is_revised
    plans.mark_ready(db.session, plan)
    assert plan.status == "ready"
    stored = db.session.scalars(
        PlanVersion.__table__.select().where(PlanVersion.plan_id == plan.id)
    ).all()
    assert len(stored) == 2
    assert first.content["text"]["target_market"] == "Pekerja pabrik."
    assert second.content["text"]["target_market"].endswith("40 porsi sehari.")
    plans.reopen_plan(db.session, plan)
    assert plan.status == "draft"


def test_comments_need_a_part_and_words(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="submitted")
    with pytest.raises(FieldErrors) as excinfo:
        plans.add_comment(db.session, cast.mentor, plan, "weather", " ", utcnow())
    assert set(errors_of(excinfo)) == {"section", "body"}
    comment = plans.add_comment(
        db.session, cast.mentor, plan, "risks", "Asuransi?", utcnow()
    )
    assert comment.version_number == 1
    plans.resolve_comment(db.session, comment, utcnow())
    assert comment.resolved_at is not None


def test_compare_versions_shows_what_changed(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="submitted")
    plans.start_review(db.session, plan)
    plans.save_capital(
        db.session,
        plan,
        [
            LineItem("investment", "Gerobak", 15_000_000),
            LineItem("working_capital", "Bahan baku", 12_000_000),
        ],
    )
    plans.save_funding(
        db.session,
        plan,
        [
            LineItem("own_savings", None, 15_000_000),
            LineItem("kur", None, 12_000_000),
        ],
        24,
        Decimal(6),
    )
    plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    left, right = plan.versions
    rows = {
        row.name: row
        for row in plan_reports.compare_versions(left.content, right.content)
    }
    changed = {name for name, row in rows.items() if row.changed}
    # A different KUR: another instalment, and so other interest, net profit and
    # net margin; operating profit does not change.
    assert changed == {
        "capital",
        "funding",
        "needs_idr",
        "sources_idr",
        "kur_idr",
        "instalment_idr",
        "coverage",
        "total_interest_idr",
        "total_net_profit_idr",
        "net_margin",
    }
    assert rows["needs_idr"].left == 25_000_000
    assert rows["needs_idr"].right == 27_000_000
    assert rows["instalment_idr"].right == 531_847  # 12 jt, 6%, 24 months
    assert not rows["business_name"].changed


def test_figures_of_a_plan_match_its_version(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="submitted")
    figures = plan_reading.figures_of(plan)
    stored = plan_reading.figures_from_content(plan.last_version.content)
    assert figures == stored
    # 8 jt sales - 4 jt goods - 1 jt costs = 3 jt operating profit; 2 jt cash left
    # after the draw. Net profit takes off the interest of the first 12 instalments
    # (month 1: 10 jt x 0,5% = 50.000) and no tax (96 jt of sales a year).
    assert figures.average_operating_profit_idr == 3_000_000
    assert figures.months[0].interest_idr == 50_000
    assert figures.months[0].net_profit_idr == 2_950_000
    assert figures.total_tax_idr == 0
    assert figures.total_net_profit_idr == 36_000_000 - figures.total_interest_idr
    assert figures.repayment.instalment_idr == 443_206  # 10 jt, 6%, 24 months
    assert figures.break_even_month == 1
    # Twelve months of 2 jt cash left make 24 jt: the 25 jt are not yet paid back.
    assert figures.months[-1].cumulative_cash_idr == 24_000_000
    assert figures.payback_month is None


def test_planned_start_is_checked_against_today(db, cast):
    plan = plans.create_plan(
        db.session, cast.returnee_user, cast.returnee, "Toko", "warung"
    )
    with pytest.raises(FieldErrors):
        plans.save_section(
            db.session,
            plan,
            "business",
            {
                "business_name": "Toko",
                "legal_form": "individual",
                "sector": "warung",
                "planned_start": TODAY + timedelta(days=6 * 366),
            },
            TODAY,
        )
