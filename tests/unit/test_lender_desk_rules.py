"""The lender's desk as plain functions: capacity against the application's own
instalment, the exceptions, the timeline's order (docs/lender-desk.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from juragan.domain.finance import PlanFigures
from juragan.services import lender_desk
from juragan.services.lender_desk import Capacity, capacity, exceptions_of


def _figures(cash_by_month: list[int]) -> PlanFigures:
    months = [
        SimpleNamespace(month=n, cash_left_idr=cash)
        for n, cash in enumerate(cash_by_month, start=1)
    ]
    return PlanFigures(0, 0, {}, months=months)


def test_capacity_counts_only_the_months_the_loan_runs():
    # 24 months of projection, a 12-month loan: months 1-12 only.
    figures = _figures([1_000_000] * 12 + [9_000_000] * 12)
    cap = capacity(figures, 12, 500_000, Decimal("1.50"))
    assert cap.average_cash_idr == 1_000_000
    assert cap.months_counted == 12
    assert cap.coverage == Decimal("2.00")
    assert not cap.is_below


def test_capacity_rounds_to_two_decimals_half_up_and_compares_with_the_threshold():
    # (1.000.000 + 1.000.001) / 2 = 1.000.000,5 -> 1.000.001; / 667.000 = 1,4993 -> 1,50.
    cap = capacity(_figures([1_000_000, 1_000_001]), 24, 667_000, Decimal("1.50"))
    assert cap.average_cash_idr == 1_000_001
    assert cap.coverage == Decimal("1.50")
    assert not cap.is_below
    assert capacity(_figures([1_000_000]), 24, 700_000, Decimal("1.50")).is_below


def test_no_plan_or_no_projection_has_no_capacity():
    assert capacity(None, 12, 500_000, Decimal("1.50")).coverage is None
    assert capacity(_figures([]), 12, 500_000, Decimal("1.50")).coverage is None
    assert Capacity(1_000_000, 0, Decimal("1.50")).coverage is None


def test_the_exceptions():
    fits = SimpleNamespace(fits=True)
    fails = SimpleNamespace(fits=False)
    good = Capacity(2_000_000, 1_000_000, Decimal("1.50"))
    low = Capacity(1_000_000, 1_000_000, Decimal("1.50"))
    none = Capacity(None, 1_000_000, Decimal("1.50"))
    assert exceptions_of(fits, good) == ()
    assert exceptions_of(fails, good) == (lender_desk.NOT_ELIGIBLE,)
    assert exceptions_of(None, good) == (lender_desk.NOT_ELIGIBLE,)
    assert exceptions_of(fits, low) == (lender_desk.BELOW_THRESHOLD,)
    assert exceptions_of(fits, none) == (lender_desk.NO_CAPACITY,)
    assert exceptions_of(fails, low) == (
        lender_desk.NOT_ELIGIBLE,
        lender_desk.BELOW_THRESHOLD,
    )
    # A KUR Penempatan is repaid from wages: no plan's capacity is asked.
    assert exceptions_of(fits, none, needs_plan=False) == ()


def test_the_timeline_runs_oldest_first_with_documents_before_the_step_they_allow():
    at = datetime(2026, 11, 30, 10, tzinfo=UTC)
    person = SimpleNamespace(full_name="Dewi")
    loan = SimpleNamespace(
        transitions=[
            SimpleNamespace(at=at, to_status="submitted", actor=person, reason=None)
        ],
        documents=[SimpleNamespace(uploaded_at=at, doc_type="ktp")],
        approvals=[
            SimpleNamespace(
                at=datetime(2026, 12, 1, 9, tzinfo=UTC),
                step=1,
                officer=person,
                reason="Kas cukup.",
                exceptions=[],
            )
        ],
    )
    checks = [
        SimpleNamespace(
            recorded_at=datetime(2026, 11, 30, 11, tzinfo=UTC),
            kind="slik",
            checked_by=None,
            reason=None,
            note=None,
            result="clean",
        )
    ]
    steps = lender_desk.timeline(loan, checks)
    assert [s.kind for s in steps] == ["document", "transition", "check", "approval"]
    assert steps[-1].note == "Kas cukup."
    assert date(2026, 11, 30) == steps[0].at.date()
