"""Synthetic mentoring: visit histories for businesses, with monthly figures.

A mentor visits monthly in a business's first six months, then about quarterly,
for the last year at most. Revenue drifts around the plan's projection (most
businesses reach 60-110% of it; paused and closed ones fall away), so the
dashboards' "actual against plan" has honest-looking data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from juragan.domain import wellbeing

HISTORY_MONTHS = 12
TOPIC_CHOICES = (
    "bookkeeping",
    "marketing",
    "product_quality",
    "permits",
    "financial_literacy",
    "loan_repayment",
    "wellbeing",
)
ACTIONS = (
    "Catat penjualan setiap hari",
    "Urus NIB lewat OSS",
    "Foto produk untuk dijual di WhatsApp",
    "Bandingkan harga tiga pemasok",
    "Pisahkan uang usaha dan uang rumah",
)
OBSERVATIONS = (
    "Pembeli tetap datang setiap pagi.",
    "Stok cukup; pencatatan sudah rapi.",
    "Penjualan turun karena musim hujan.",
    "Sudah mulai menjual lewat WhatsApp.",
    "Perlu bantuan mengurus izin PIRT.",
)


def _status_on(
    business: dict[str, Any], changes: list[dict[str, Any]], day: date
) -> str:
    status = "operating"
    for change in changes:
        if change["changed_on"] <= day:
            status = change["to_status"]
    return status


def visit_history(
    rng: random.Random,
    business: dict[str, Any],
    changes: list[dict[str, Any]],
    planned_sales: list[int],
    as_of: date,
) -> list[dict[str, Any]]:
    """Visits as plain values, oldest first (no ids)."""
    start = max(
        business["opened_on"] + timedelta(days=20),
        as_of - relativedelta(months=HISTORY_MONTHS),
    )
    level = rng.uniform(0.6, 1.1)
    visits = []
    day = start
    while day < as_of - timedelta(days=3):
        status = _status_on(business, changes, day)
        months_open = (
            (day.year - business["opened_on"].year) * 12
            + day.month
            - business["opened_on"].month
        )
        index = max(0, months_open - 1)
        planned = (
            planned_sales[min(index, len(planned_sales) - 1)]
            if planned_sales
            else 5_000_000
        )
        level = min(1.4, max(0.2, level + rng.uniform(-0.08, 0.08)))
        revenue = (
            0
            if status == "closed"
            else int(planned * level * (0.4 if status == "paused" else 1))
        )
        visits.append(
            {
                "visited_on": day,
                "mode": rng.choice(("business", "business", "home", "phone")),
                "duration_minutes": rng.choice((30, 45, 60, 90)),
                "topics": sorted(rng.sample(TOPIC_CHOICES, k=rng.randint(1, 3))),
                "observations": rng.choice(OBSERVATIONS),
                "business_status": status,
                "revenue_last_month_idr": revenue // 10_000 * 10_000,
                "workers_family": business["workers_family"],
                "workers_paid": business["workers_paid"],
            }
        )
        gap = 30 if months_open < 6 else rng.choice((75, 90, 100))
        day = day + timedelta(days=gap + rng.randint(-5, 5))
        if status == "closed":
            break
    return visits


#: A typical answer (1-5, higher is better) by the business's state at the visit.
_WELLBEING_CENTRE = {"operating": 4, "paused": 3, "closed": 2}


def synthetic_answers(rng: random.Random, business_status: str) -> dict[str, int]:
    """Plausible answers to the wellbeing questions: better while the business runs."""
    centre = _WELLBEING_CENTRE.get(business_status, 3)
    answers = {}
    for question in wellbeing.QUESTIONS:
        good = min(5, max(1, centre + rng.choice((-1, 0, 0, 1))))
        answers[question.code] = 6 - good if question.reverse else good
    return answers


def visit_rows(
    rng: random.Random,
    next_id: Callable[[str], int],
    returnee_id: int,
    business: dict[str, Any],
    changes: list[dict[str, Any]],
    planned_sales: list[int],
    as_of: date,
    now: datetime,
) -> dict[str, list[dict[str, Any]]]:
    """Rows for the visits table, the monthly reports they give and a wellbeing
    check at every third visit."""
    rows: dict[str, list[dict[str, Any]]] = {"visit": [], "report": [], "wellbeing": []}
    months_seen = set()
    for number, values in enumerate(
        visit_history(rng, business, changes, planned_sales, as_of)
    ):
        visit_id = next_id("visit")
        rows["visit"].append(
            {
                **values,
                "id": visit_id,
                "returnee_id": returnee_id,
                "business_id": business["id"],
                "mentor_id": None,
                "location_consent": False,
                "latitude": None,
                "longitude": None,
                "problems": None,
                "next_visit_on": None,
                "idempotency_key": f"seed-{visit_id}",
                "created_at": now,
            }
        )
        if number % 3 == 0:
            answers = synthetic_answers(rng, values["business_status"])
            scores = wellbeing.score(answers)
            rows["wellbeing"].append(
                {
                    "id": next_id("wellbeing"),
                    "returnee_id": returnee_id,
                    "visit_id": visit_id,
                    "taken_on": values["visited_on"],
                    "answers": answers,
                    "economic": scores.economic,
                    "social": scores.social,
                    "psychosocial": scores.psychosocial,
                    "overall": scores.overall,
                }
            )
        first = values["visited_on"].replace(day=1)
        month = first - relativedelta(months=1)
        if month in months_seen or month < business["opened_on"].replace(day=1):
            continue
        months_seen.add(month)
        rows["report"].append(
            {
                "id": next_id("report"),
                "business_id": business["id"],
                "month": month,
                "source": "visit",
                "status": values["business_status"],
                "revenue_idr": values["revenue_last_month_idr"],
                "workers_family": values["workers_family"],
                "workers_paid": values["workers_paid"],
                "visit_id": visit_id,
                "reported_at": now,
            }
        )
    return rows


def seed_demo_visits(
    session: Any, users: dict[str, Any], rng: random.Random, today: date, storage: Any
) -> int:
    """Visit histories for the demo mentor's caseload, through the services."""
    from sqlalchemy import select

    from juragan.db import plan_reading
    from juragan.domain.wellbeing import QUESTIONS
    from juragan.models import Business, Returnee, utcnow
    from juragan.services import mentoring
    from juragan.services.mentoring import ActionData, VisitData

    mentor = users["pendamping"]
    caseload = session.scalars(
        select(Returnee).where(Returnee.mentor_id == mentor.id).order_by(Returnee.id)
    ).all()
    now = utcnow()
    count = 0
    for index, returnee in enumerate(caseload):
        business = session.scalar(
            select(Business).where(Business.returnee_id == returnee.id)
        )
        if business is not None:
            planned = (
                [m.sales_idr for m in plan_reading.figures_of(business.plan).months]
                if business.plan
                else []
            )
            changes = [
                {"changed_on": c.changed_on, "to_status": c.to_status}
                for c in business.status_changes
                if c.from_status
            ]
            history = visit_history(
                rng,
                {
                    "opened_on": business.opened_on,
                    "workers_family": business.workers_family,
                    "workers_paid": business.workers_paid,
                },
                changes,
                planned,
                today,
            )
        else:
            # Not started yet: a visit every quarter or so over the last half year.
            history = [
                {
                    "visited_on": today - timedelta(days=days),
                    "mode": "home",
                    "duration_minutes": 45,
                    "topics": ["financial_literacy"],
                    "observations": "Sedang menyusun rencana usaha dan menghitung modal.",
                    "business_status": "not_started",
                    "revenue_last_month_idr": None,
                    "workers_family": 0,
                    "workers_paid": 0,
                }
                for days in ((100, 20) if index % 3 else (100, 40))
            ]
        if history and (today - history[-1]["visited_on"]).days > 25:
            # Most of the caseload was seen recently; every third person's visit is
            # a week or two overdue (a cadence of 30 days), never months.
            overdue = index % 3 == 0
            if not overdue or (today - history[-1]["visited_on"]).days > 44:
                history.append(
                    {
                        **history[-1],
                        "visited_on": today
                        - timedelta(
                            days=rng.randint(36, 44) if overdue else rng.randint(3, 20)
                        ),
                        "observations": OBSERVATIONS[(index + 1) % len(OBSERVATIONS)],
                    }
                )
        for number, values in enumerate(history):
            last = number == len(history) - 1
            data = VisitData(
                idempotency_key=f"demo-{returnee.id}-{number}",
                next_visit_on=values["visited_on"] + timedelta(days=30)
                if last
                else None,
                actions=[
                    ActionData(
                        ACTIONS[index % len(ACTIONS)],
                        "returnee",
                        values["visited_on"] + timedelta(days=21),
                    )
                ]
                if last
                else [],
                **values,
            )
            mentoring.record_visit(
                session, mentor, returnee, data, [], storage, today, now
            )
            count += 1
        if index % 2 == 0 and history:
            # Two wellbeing checks; every fourth person's score is falling.
            first = {q.code: 4 for q in QUESTIONS}
            second = {q.code: (3 if index % 4 == 0 else 4) for q in QUESTIONS}
            for code in ("debt", "distress", "migrate"):
                first[code], second[code] = 2, (3 if index % 4 == 0 else 2)
            mentoring.record_wellbeing(
                session,
                returnee,
                first,
                history[0]["visited_on"] - timedelta(days=90),
                today,
            )
            mentoring.record_wellbeing(
                session, returnee, second, history[-1]["visited_on"], today
            )
    return count
