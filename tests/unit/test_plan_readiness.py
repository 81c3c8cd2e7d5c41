"""Declaring a plan ready below its lender's repayment-capacity threshold.

Worked examples (by hand): the factory's plan sells 8 jt, buys 4 jt of goods,
spends 1 jt and draws 1 jt a month, so 2 jt of cash is left; its KUR of 10 jt at
6% over 24 months costs 443.206 a month (the annuity, see test_finance), so its
capacity is 2.000.000 / 443.206 = 4,51. With a draw of 2,5 jt, 500.000 is left:
500.000 / 443.206 = 1,13, below the programme's 1,5.
"""

from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from juragan.db import plan_reading
from juragan.errors import DomainError
from juragan.models import AuditEntry, BusinessPlan, Lender, utcnow
from juragan.services import plans
from juragan.services.plans import MonthInput


def tight_plan(db, cast, make_plan):
    """A plan in review whose capacity is 1,13."""
    plan = make_plan(cast.returnee, cast.returnee_user, status="draft")
    plans.save_projection(
        db.session,
        plan,
        12,
        [MonthInput(8_000_000, 4_000_000, 1_000_000, 2_500_000)] * 12,
    )
    plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    plans.start_review(db.session, plan)
    return plan


def test_no_lender_yet_means_the_programme_threshold(db, cast, make_plan):
    plan = tight_plan(db, cast, make_plan)
    check = plan_reading.readiness(db.session, plan)
    assert check.coverage == Decimal("1.13")
    assert check.threshold == Decimal("1.50")
    assert check.lender is None
    assert check.is_below


def test_below_the_threshold_needs_a_reason_and_nothing_changes(db, cast, make_plan):
    plan = tight_plan(db, cast, make_plan)
    for reason in (None, "", "   "):
        with pytest.raises(DomainError) as excinfo:
            plans.mark_ready(db.session, plan, reason)
        ((field, message),) = excinfo.value.errors
        assert field == "ready_reason"
        assert "1,13" in str(message)
        assert "1,50" in str(message)
        assert plan.status == "in_review"
        assert plan.ready_reason is None


def test_the_reason_is_stored_audited_and_cleared_on_reopening(db, cast, make_plan):
    plan = tight_plan(db, cast, make_plan)
    reason = "Suami ikut berjualan; pengambilan pemilik turun setelah bulan ketiga."
    plans.mark_ready(db.session, plan, f"  {reason} ")
    assert plan.status == "ready"
    assert plan.ready_reason == reason
    assert plan.ready_threshold == Decimal("1.50")
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.table_name == "business_plans",
            AuditEntry.object_id == str(plan.id),
        )
    ).all()
    assert any(reason in str(entry.changes) for entry in entries)
    plans.reopen_plan(db.session, plan)
    assert plan.ready_reason is None
    assert plan.ready_threshold is None


def test_a_plan_above_the_threshold_keeps_no_reason(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="in_review")
    assert plan_reading.readiness(db.session, plan).coverage == Decimal("4.51")
    plans.mark_ready(db.session, plan, "Tidak perlu.")
    assert plan.status == "ready"
    assert plan.ready_reason is None


def test_the_threshold_is_that_of_the_plans_lender(db, cast, make_loan):
    # To BRI; 11 jt over 12 months leaves the factory's plan its 8 jt of sales.
    plan = make_loan(cast, status="submitted", amount=11_000_000).plan
    db.session.execute(
        update(Lender).where(Lender.code == "bri").values(min_repayment_coverage=5)
    )
    plans.reopen_plan(db.session, plan)
    plans.submit_plan(db.session, cast.returnee_user, plan, utcnow())
    plans.start_review(db.session, plan)
    check = plan_reading.readiness(db.session, plan)
    # The loan's application does not change the plan: the plan asks 10 jt over
    # 24 months, capacity 4,51, below BRI's 5,00.
    assert check.lender.code == "bri"
    assert check.threshold == Decimal("5.00")
    assert check.coverage == Decimal("4.51")
    with pytest.raises(DomainError):
        plans.mark_ready(db.session, plan)
    plans.mark_ready(db.session, plan, "Pembeli tetap dari pabrik sudah ada.")
    assert plan.ready_threshold == Decimal("5.00")


def test_a_lender_starts_at_one_and_a_half_and_the_database_bounds_it(db):
    lender = db.session.get(Lender, "bri")
    assert lender.min_repayment_coverage == Decimal("1.50")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            update(Lender)
            .where(Lender.code == "bri")
            .values(min_repayment_coverage=Decimal("0.90"))
        )


def test_the_database_refuses_a_reason_on_a_plan_not_ready(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="in_review")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            update(BusinessPlan)
            .where(BusinessPlan.id == plan.id)
            .values(ready_reason="Alasan", ready_threshold=Decimal("1.50"))
        )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            update(BusinessPlan)
            .where(BusinessPlan.id == plan.id)
            .values(status="ready", ready_reason=" ", ready_threshold=Decimal("1.5"))
        )
