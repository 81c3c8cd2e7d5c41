"""Synthetic KUR loans: applications in every state, and repayment behaviour.

Most borrowers pay on time; some pay late; a few stop paying. Approval rates and
behaviour are rough orders of magnitude for micro KUR (a national NPL of a few
percent), so that dashboards have honest-looking data, not real figures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from juragan.db import loan_reading, vault
from juragan.seeding.plans import pick

#: A tiny but valid PDF, standing in for scanned documents in demo data.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

#: How far applications get (of those filed), and how borrowers repay.
OUTCOME_WEIGHTS = (
    ("draft", 4),
    ("submitted", 4),
    ("verified", 4),
    ("rejected", 10),
    ("withdrawn", 3),
    ("live", 75),
)
BEHAVIOUR_WEIGHTS = (("on_time", 84), ("late", 12), ("stopped", 4))
#: A loan more than this many days past due is written off.
WRITE_OFF_AFTER_DAYS = 360
APPLY_SHARE = 0.55  # of opened businesses


@dataclass(frozen=True)
class DrawnLoan:
    outcome: str
    behaviour: str
    scheme: str
    lender: str
    amount_idr: int
    tenor_months: int
    purpose: str
    applied_on: date


def draw_loan(
    rng: random.Random, kur_idr: int, tenor: int, opened_on: date, as_of: date
) -> DrawnLoan | None:
    """A business KUR for a business that opened on ``opened_on``, or ``None``."""
    if rng.random() >= APPLY_SHARE or kur_idr <= 0:
        return None
    applied = opened_on + timedelta(days=rng.randint(-20, 200))
    if applied >= as_of - timedelta(days=7):
        return None
    amount = min(kur_idr, 500_000_000)
    scheme = (
        "super_mikro"
        if amount <= 10_000_000
        else "mikro"
        if amount <= 100_000_000
        else "kecil"
    )
    return DrawnLoan(
        outcome=pick(rng, OUTCOME_WEIGHTS),
        behaviour=pick(rng, BEHAVIOUR_WEIGHTS),
        scheme=scheme,
        lender=rng.choice(("bri", "bri", "bri", "bni", "mandiri", "bsi", "bpd_jatim")),
        amount_idr=amount,
        tenor_months=min(tenor, 36),
        purpose=rng.choice(("working_capital", "working_capital", "investment")),
        applied_on=applied,
    )


#: How long the demo's borrower ``behind`` has paid nothing: a month's instalment
#: is 10 to 40 days past due today, so the mentor's list shows an arrear.
BEHIND_DAYS = 42


def payments_for(
    rng: random.Random, dues: list[tuple[int, date, int]], behaviour: str, as_of: date
) -> list[tuple[date, int]]:
    """Payments for instalments ``(number, due_on, amount)`` up to ``as_of``."""
    payments = []
    stop_after = (
        rng.randint(2, max(2, len(dues) // 2)) if behaviour == "stopped" else None
    )
    for number, due_on, amount in dues:
        if stop_after is not None and number > stop_after:
            break
        if behaviour == "behind" and due_on > as_of - timedelta(days=BEHIND_DAYS):
            break  # the demo's borrower in arrears: nothing paid for six weeks
        if behaviour == "late" and rng.random() < 0.35:
            paid_on = due_on + timedelta(days=rng.randint(5, 75))
        else:
            paid_on = due_on - timedelta(days=rng.randint(0, 3))
        if paid_on > as_of:
            break
        payments.append((paid_on, amount))
    return payments


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), UTC)


def write_loan_through_services(
    session: Session,
    rng: random.Random,
    business: Any,
    author: Any,
    checker: Any,
    bank: Any,
    drawn: DrawnLoan,
    as_of: date,
    storage: Path,
    second: Any = None,
) -> Any:
    """Move a drawn loan as far as its outcome says, with the services the pages use.

    ``bank`` decides; ``second``, another officer of the same lender, gives the
    second approval where one is needed (four eyes on an exception)."""
    from juragan.services import loans
    from juragan.services.loans import ApplicationData, Declared, Disbursement

    loan, _advice = loans.create_application(
        session,
        author,
        business.returnee,
        ApplicationData(
            kind="business",
            scheme=drawn.scheme,
            lender=drawn.lender,
            amount_idr=drawn.amount_idr,
            tenor_months=drawn.tenor_months,
            purpose=drawn.purpose,
            declared=Declared(has_npwp=drawn.amount_idr > 50_000_000),
            npwp="0" * 15 + "1" if drawn.amount_idr > 50_000_000 else None,
            business_id=business.id,
            plan_id=business.plan_id,
        ),
        drawn.applied_on,
    )
    if drawn.outcome == "draft":
        return loan
    day = drawn.applied_on
    for kind in loan_reading.required_documents(loan):
        loans.attach_document(
            session, author, loan, kind, f"{kind}.pdf", DEMO_PDF, storage, _at(day)
        )
    loans.submit(session, author, loan, _at(day))
    if drawn.outcome == "withdrawn":
        loans.withdraw(
            session,
            business.returnee.user or author,
            loan,
            _at(day + timedelta(days=3)),
            "Memakai tabungan sendiri.",
        )
        return loan
    if drawn.outcome == "submitted":
        return loan
    loans.verify(session, checker, loan, _at(day + timedelta(days=4)))
    if drawn.outcome == "verified":
        return loan
    decided = day + timedelta(days=rng.randint(5, 14))
    if drawn.outcome == "rejected":
        loans.decide(
            session,
            bank,
            loan,
            False,
            "Omzet belum cukup untuk angsuran yang diminta.",
            _at(decided),
        )
        return loan
    pass_checks(session, bank, loan, decided)
    approve(session, bank, loan, decided, second)
    disbursed = decided + timedelta(days=rng.randint(2, 10))
    if disbursed >= as_of:
        return loan
    loans.disburse(
        session,
        bank,
        loan,
        Disbursement(
            drawn.amount_idr, disbursed, disbursed, disbursed + relativedelta(months=1)
        ),
        as_of,
        _at(disbursed),
    )
    dues = [
        (i.number, i.due_on, i.principal_idr + i.interest_idr) for i in loan.instalments
    ]
    for paid_on, amount in payments_for(rng, dues, drawn.behaviour, as_of):
        owed = loan_reading.quote(loan, paid_on).total_idr
        loans.record_payment(
            session, bank, loan, paid_on, min(amount, owed), as_of, _at(paid_on)
        )
        if loan.status == "paid_off":
            break
    return loan


#: What the demo's officers write when they approve over an exception.
DEMO_FIRST_APPROVAL = (
    "Omzet dari buku kas tiga bulan terakhir lebih tinggi dari rencana; agunan "
    "tambahan tidak diminta."
)
DEMO_SECOND_APPROVAL = "Setuju: kunjungan lapangan menguatkan catatan kas pemohon."
#: Each demo lender's two officers (``seeding.DEMO_ACCOUNTS``).
DEMO_OFFICERS = {
    "bri": ("bank", "bank.kedua"),
    "bpd_jatim": ("bank.jatim", "bank.jatim.kedua"),
}


def approve(session: Session, bank: Any, loan: Any, day: date, second: Any) -> None:
    """Approve ``loan`` as an officer would: with a reason and a second officer when
    the application has an exception (``services.lender_desk``)."""
    from juragan.services import lender_desk, loans

    at = _at(day)
    if not lender_desk.approval_exceptions(session, loan, day):
        loans.decide(session, bank, loan, True, None, at)
        return
    loans.decide(session, bank, loan, True, DEMO_FIRST_APPROVAL, at)
    loans.decide(
        session, second, loan, True, DEMO_SECOND_APPROVAL, at + timedelta(hours=2)
    )


#: The demo shows every kind of case at least once, in this order.
DEMO_CASES = (
    ("live", "on_time"),
    ("live", "behind"),
    ("verified", "on_time"),
    ("live", "stopped"),
    ("submitted", "on_time"),
    ("rejected", "on_time"),
    ("live", "on_time"),
    ("withdrawn", "on_time"),
)


def seed_demo_loans(
    session: Session,
    users: dict[str, Any],
    rng: random.Random,
    as_of: date,
    storage: Path,
) -> int:
    """A KUR case for each demo business, cycling through :data:`DEMO_CASES`."""
    from sqlalchemy import select

    from juragan.models import Business

    businesses = session.scalars(select(Business).order_by(Business.id)).all()
    mentor, official = users["pendamping"], users["pejabat"]
    for index, business in enumerate(businesses):
        outcome, behaviour = DEMO_CASES[index % len(DEMO_CASES)]
        kur = (
            sum(s.amount_idr for s in business.plan.funding_sources if s.kind == "kur")
            if business.plan
            else 0
        )
        amount = kur or 20_000_000
        applied = max(business.opened_on, as_of - timedelta(days=400)) + timedelta(
            days=20
        )
        if applied >= as_of or outcome != "live":
            # Still open, or just refused or withdrawn: filed days ago, not years.
            applied = as_of - timedelta(days=10 + index)
        caseload = business.returnee.mentor_id == mentor.id
        drawn = DrawnLoan(
            outcome=outcome,
            behaviour=behaviour,
            scheme="super_mikro" if amount <= 10_000_000 else "mikro",
            lender="bri" if index % 2 == 0 else "bpd_jatim",
            amount_idr=min(amount, 100_000_000),
            tenor_months=24,
            purpose="working_capital",
            applied_on=applied,
        )
        bank, second = (users[name] for name in DEMO_OFFICERS[drawn.lender])
        # Maker-checker: whoever files and sends an application does not check it.
        write_loan_through_services(
            session,
            rng,
            business,
            mentor if caseload else official,
            official if caseload else users["pejabat.pusat"],
            bank,
            drawn,
            as_of,
            storage,
            second,
        )
    return len(businesses)


#: The lender's desk in the demo: BRI's applications in each state of its work
#: queue, as (days since filing, state) counted back from today: a fresh one with
#: the mentor, two to decide (one past the 14 days), one waiting for its second
#: officer, one to disburse, one refused.
DESK_CASES = (
    (2, "submitted"),
    (4, "verified"),
    (19, "verified"),
    (6, "awaiting_second"),
    (9, "approved"),
    (12, "rejected"),
)
DEMO_REJECTION = (
    "Arus kas rencana belum menutup angsuran; ajukan lagi dengan plafon lebih kecil."
)


def seed_demo_desk(
    session: Session,
    users: dict[str, Any],
    plans: list[Any],
    as_of: date,
    storage: Path,
) -> None:
    """One application to BRI per :data:`DESK_CASES`, on ``plans`` (ready, with
    an open business), filed by the mentor and checked by the provincial office."""
    from juragan.services import loans
    from juragan.services.loans import ApplicationData, Declared

    mentor, official = users["pendamping"], users["pejabat"]
    bank, second = users["bank"], users["bank.kedua"]
    for (days, case), plan in zip(DESK_CASES, plans, strict=False):
        applied = as_of - timedelta(days=days)
        # The mentor declared the plan ready the week before it was filed.
        plan.ready_at = _at(applied - timedelta(days=7))
        if plan.last_version is not None:  # sent to the mentor two days before
            plan.last_version.submitted_at = _at(applied - timedelta(days=9))
        kur = sum(s.amount_idr for s in plan.funding_sources if s.kind == "kur")
        # Waiting for a second officer: much more than the plan's cash carries.
        amount, tenor = (
            (45_000_000, 12)
            if case == "awaiting_second"
            else (min(max(kur, 11_000_000), 100_000_000), 24)
        )
        loan, _advice = loans.create_application(
            session,
            mentor,
            plan.returnee,
            ApplicationData(
                kind="business",
                scheme="mikro",
                lender="bri",
                amount_idr=amount,
                tenor_months=tenor,
                purpose="working_capital",
                declared=Declared(),
                business_id=plan.business.id if plan.business else None,
                plan_id=plan.id,
            ),
            applied,
        )
        for kind in loan_reading.required_documents(loan):
            loans.attach_document(
                session,
                mentor,
                loan,
                kind,
                f"{kind}.pdf",
                DEMO_PDF,
                storage,
                _at(applied),
            )
        loans.submit(session, mentor, loan, _at(applied))
        if case == "submitted":
            continue
        loans.verify(session, official, loan, _at(applied + timedelta(days=1)))
        if case == "verified":
            continue
        decided = applied + timedelta(days=3)
        pass_checks(session, bank, loan, decided)
        if case == "rejected":
            loans.decide(session, bank, loan, False, DEMO_REJECTION, _at(decided))
        elif case == "awaiting_second":
            loans.decide(session, bank, loan, True, DEMO_FIRST_APPROVAL, _at(decided))
        else:
            approve(session, bank, loan, decided, second)


def seed_demo_placement_loan(
    session: Session,
    users: dict[str, Any],
    rng: random.Random,
    as_of: date,
    storage: Path,
) -> Any:
    """A KUR Penempatan for someone abroad now, taken a month before departure."""
    from sqlalchemy import select

    from juragan.models import Placement, Returnee
    from juragan.services import loans
    from juragan.services.loans import ApplicationData, Declared, Disbursement

    placement = session.scalar(
        select(Placement)
        .join(Returnee)
        .where(
            Placement.return_date.is_(None),
            Placement.departure_date > date(2022, 3, 1),
            Returnee.province_code == "35",
        )
        .order_by(Placement.departure_date.desc())
    )
    if placement is None:
        return None
    applied = placement.departure_date - timedelta(days=45)
    official, bank, second = users["pejabat"], users["bank"], users["bank.kedua"]
    tenor = min(placement.contract_months, 24)
    loan, _advice = loans.create_application(
        session,
        official,
        placement.returnee,
        ApplicationData(
            kind="placement",
            scheme="pmi",
            lender="bri",
            amount_idr=25_000_000,
            tenor_months=tenor,
            purpose="working_capital",
            declared=Declared(),
            placement_id=placement.id,
        ),
        applied,
    )
    for kind in loan_reading.required_documents(loan):
        loans.attach_document(
            session,
            official,
            loan,
            kind,
            f"{kind}.pdf",
            DEMO_PDF,
            storage,
            _at(applied),
        )
    loans.submit(session, official, loan, _at(applied))
    loans.verify(
        session, users["pejabat.pusat"], loan, _at(applied + timedelta(days=2))
    )
    pass_checks(session, bank, loan, applied + timedelta(days=5))
    approve(session, bank, loan, applied + timedelta(days=5), second)
    out = applied + timedelta(days=10)
    loans.disburse(
        session,
        bank,
        loan,
        Disbursement(
            25_000_000, out, out, placement.departure_date + relativedelta(months=2)
        ),
        as_of,
        _at(out),
    )
    dues = [
        (i.number, i.due_on, i.principal_idr + i.interest_idr) for i in loan.instalments
    ]
    for paid_on, amount in payments_for(rng, dues, "on_time", as_of):
        loans.record_payment(session, bank, loan, paid_on, amount, as_of, _at(paid_on))
        if loan.status == "paid_off":
            break
    return loan


def pass_checks(session: Any, bank: Any, loan: Any, day: date) -> None:
    """The bank's SLIK (clean), SIKP (registered) and, for KUR Kecil, BPJS
    Ketenagakerjaan checks, before its approval and the akad."""
    from juragan.services import loan_checks
    from juragan.services.loan_checks import CheckData

    answers = [
        ("slik", "clean", f"IDEB-{loan.id}"),
        ("sikp", "registered", f"SIKP-{loan.id}"),
    ]
    if loan.scheme == "kecil":
        answers.append(("bpjs_tk", "member", f"BPJS-{loan.id}"))
    for kind, result, reference in answers:
        loan_checks.record_check(
            session, bank, loan, CheckData(kind, result, day, reference), day, _at(day)
        )


# Bulk rows (the generator) ----------------------------------------------------


def loan_rows(
    rng: random.Random,
    next_id: Any,
    returnee_id: int,
    business: dict[str, Any],
    plan: dict[str, Any],
    kur_idr: int,
    as_of: date,
    now: datetime,
) -> dict[str, list[dict[str, Any]]] | None:
    """Rows of one generated business KUR: the application, its transitions,
    instalments and payments (``next_id(model_name)`` numbers them)."""
    from juragan.domain import servicing
    from juragan.domain.kur_rules import rules_on
    from juragan.domain.repayment import Due, allocate

    drawn = draw_loan(
        rng, kur_idr, plan["kur_tenor_months"] or 24, business["opened_on"], as_of
    )
    if drawn is None:
        return None
    try:
        rules = rules_on(drawn.applied_on)
    except LookupError:
        return None
    rule = rules.schemes[drawn.scheme]
    if not rule.min_exclusive_idr < drawn.amount_idr <= rule.max_idr:
        return None
    loan_id = next_id("loan")
    rate = rule.rate_for_access(1)
    loan = {
        "id": loan_id,
        "returnee_id": returnee_id,
        "kind": "business",
        "business_id": business["id"],
        "plan_id": plan["id"],
        "placement_id": None,
        "lender": drawn.lender,
        "scheme": drawn.scheme,
        "rule_set": rules.code,
        "purpose": drawn.purpose,
        "amount_requested_idr": drawn.amount_idr,
        "tenor_months": drawn.tenor_months,
        "access_number": 1,
        "rate_percent": rate,
        "has_npwp": drawn.amount_idr > 50_000_000,
        **dict(
            zip(
                ("npwp_ciphertext", "npwp_hash"),
                vault.current().sealed(f"9{loan_id:015d}")
                if drawn.amount_idr > 50_000_000
                else (None, None),
                strict=True,
            )
        ),
        "other_credit_mask": 0,
        "rate_province_code": None,
        "business_slot": 1,
        "interest_only_months": [],
        "status": "draft",
        "applied_on": drawn.applied_on,
        "submitted_at": None,
        "decided_by_id": None,
        "decided_at": None,
        "decision_reason": None,
        "amount_disbursed_idr": None,
        "akad_on": None,
        "disbursed_on": None,
        "first_due_on": None,
        "is_sikp_registered": False,
        "created_at": now,
        "updated_at": now,
        "status_changed_at": _at(drawn.applied_on),
    }
    rows: dict[str, list[dict[str, Any]]] = {
        "loan": [loan],
        "transition": [],
        "instalment": [],
        "payment": [],
        "check": [],
    }
    day = drawn.applied_on

    def step(to_status: str, on: date, reason: str | None = None) -> None:
        rows["transition"].append(
            {
                "id": next_id("transition"),
                "loan_id": loan_id,
                "from_status": loan["status"],
                "to_status": to_status,
                "at": _at(on),
                "reason": reason,
            }
        )
        loan["status"] = to_status
        loan["status_changed_at"] = _at(on)

    if drawn.outcome == "draft":
        return rows
    loan["submitted_at"] = _at(day)
    step("submitted", day)
    if drawn.outcome == "withdrawn":
        step("withdrawn", day + timedelta(days=3))
        return rows
    if drawn.outcome == "submitted":
        return rows
    step("verified", day + timedelta(days=4))
    if drawn.outcome == "verified":
        return rows
    decided = day + timedelta(days=rng.randint(5, 14))
    loan["decided_at"] = _at(decided)
    if drawn.outcome == "rejected":
        loan["decision_reason"] = "Omzet belum cukup untuk angsuran yang diminta."
        step("rejected", decided, loan["decision_reason"])
        return rows
    # The checks the approval and the akad rest on (services.loan_checks).
    for kind, result in (
        ("slik", "clean"),
        ("sikp", "registered"),
        *((("bpjs_tk", "member"),) if drawn.scheme == "kecil" else ()),
    ):
        rows["check"].append(
            {
                "id": next_id("check"),
                "loan_id": loan_id,
                "kind": kind,
                "result": result,
                "worst_collectibility": None,
                "reference": f"{kind.upper()}-{loan_id}",
                "reason": None,
                "note": None,
                "checked_on": decided,
                "recorded_at": _at(decided),
            }
        )
    step("approved", decided)
    disbursed = decided + timedelta(days=rng.randint(2, 10))
    if disbursed >= as_of:
        return rows
    first_due = disbursed + relativedelta(months=1)
    loan.update(
        amount_disbursed_idr=drawn.amount_idr,
        akad_on=disbursed,
        disbursed_on=disbursed,
        first_due_on=first_due,
        is_sikp_registered=True,
    )
    step("disbursed", disbursed)
    lines = servicing.schedule(
        servicing.Terms(
            drawn.amount_idr, servicing.flat_rate(rate), drawn.tenor_months, first_due
        )
    )
    dues = [
        Due(line.number, line.due_on, line.principal_idr, line.interest_idr)
        for line in lines
    ]
    payments = payments_for(
        rng,
        [(d.number, d.due_on, d.principal_idr + d.interest_idr) for d in dues],
        drawn.behaviour,
        as_of,
    )
    states = allocate(dues, payments)
    for state in states:
        rows["instalment"].append(
            {
                "loan_id": loan_id,
                "number": state.number,
                "due_on": state.due_on,
                "principal_idr": state.principal_idr,
                "interest_idr": state.interest_idr,
                "paid_principal_idr": state.paid_principal_idr,
                "paid_interest_idr": state.paid_interest_idr,
                "settled_on": state.settled_on,
            }
        )
    for paid_on, amount in sorted(payments):
        rows["payment"].append(
            {
                "id": next_id("payment"),
                "loan_id": loan_id,
                "paid_on": paid_on,
                "amount_idr": amount,
                "reference": None,
                "recorded_at": _at(paid_on),
            }
        )
    if payments:
        first_paid = min(day for day, _ in payments)
        step("repaying", first_paid)
        if all(state.is_settled for state in states):
            step("paid_off", max(day for day, _ in payments))
    unpaid = next((s for s in states if not s.is_settled), None)
    if unpaid is not None and (as_of - unpaid.due_on).days > WRITE_OFF_AFTER_DAYS:
        step(
            "written_off",
            unpaid.due_on + timedelta(days=WRITE_OFF_AFTER_DAYS),
            "Macet lebih dari setahun.",
        )
    return rows
