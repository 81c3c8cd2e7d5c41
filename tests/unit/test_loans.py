"""KUR applications through the state machine, documents, disbursement, payments."""

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError

from juragan import clock
from juragan.db import loan_reading
from juragan.domain import loan_lifecycle, servicing
from juragan.domain.loan_lifecycle import LoanStatus, LoanStep
from juragan.errors import DomainError, FieldErrors
from juragan.models import LoanApplication, utcnow
from juragan.policy import Action, can
from juragan.services import loans
from juragan.services.loans import TRANSITIONS, ApplicationData, Declared, Disbursement
from tests.factories import PDF_BYTES

ROLES = (
    "returnee_user",
    "mentor",
    "other_mentor",
    "official_regency",
    "official_province",
    "official_other",
    "bank_officer",
    "admin",
)


def test_an_application_keeps_its_rule_set_rate_and_access(db, cast, make_loan):
    loan = make_loan(cast)
    assert loan.status == "draft"
    assert loan.rule_set == "2026"
    assert loan.applied_on == clock.today() - timedelta(days=80)
    assert loan.rate_percent == 6
    assert loan.access_number == 1
    assert loan_reading.required_documents(loan) == [
        "ktp",
        "kk",
        "business_proof",
        "plan_pdf",
    ]


def test_filing_refuses_hard_limits_and_foreign_records(db, cast, make_loan, make_plan):
    loan = make_loan(cast)
    data = ApplicationData(
        kind="business",
        scheme="mikro",
        lender="bri",
        amount_idr=150_000_000,
        tenor_months=60,
        purpose="working_capital",
        declared=Declared(),
        business_id=loan.business_id,
    )
    with pytest.raises(FieldErrors) as excinfo:
        loans.create_application(
            db.session, cast.returnee_user, cast.returnee, data, date(2026, 11, 1)
        )
    assert set(dict(excinfo.value.errors)) == {"amount_idr", "tenor_months"}
    other = make_plan(cast.neighbour, cast.official_province)
    data.amount_idr, data.tenor_months, data.business_id, data.plan_id = (
        20_000_000,
        12,
        None,
        other.id,
    )
    with pytest.raises(FieldErrors) as excinfo:
        loans.create_application(
            db.session, cast.returnee_user, cast.returnee, data, date(2026, 11, 1)
        )
    assert "plan_id" in dict(excinfo.value.errors)


def test_a_second_business_kur_waits_for_the_first(db, cast, make_loan):
    loan = make_loan(cast, status="verified")
    data = ApplicationData(
        kind="business",
        scheme="mikro",
        lender="bni",
        amount_idr=20_000_000,
        tenor_months=12,
        purpose="working_capital",
        declared=Declared(),
        business_id=loan.business_id,
    )
    with pytest.raises(FieldErrors):
        loans.create_application(
            db.session, cast.returnee_user, cast.returnee, data, clock.today()
        )
    # The database holds the line too: the first one's slot is taken.
    assert loan.business_slot == 1
    twin = LoanApplication(
        returnee_id=cast.returnee.id,
        kind="business",
        lender="bni",
        scheme="mikro",
        rule_set="2026",
        purpose="investment",
        amount_requested_idr=1_000_000,
        tenor_months=12,
        access_number=1,
        rate_percent=6,
        status="submitted",
        applied_on=date(2026, 11, 1),
        interest_only_months=[],
        business_slot=1,
    )
    with db.session.begin_nested():
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_documents_are_checked_by_content_and_size(db, cast, make_loan, tmp_path):
    loan = make_loan(cast)
    now = utcnow()
    with pytest.raises(FieldErrors):
        loans.attach_document(
            db.session,
            cast.returnee_user,
            loan,
            "ktp",
            "ktp.pdf",
            b"MZ not a pdf",
            tmp_path,
            now,
        )
    with pytest.raises(FieldErrors):
        loans.attach_document(
            db.session, cast.returnee_user, loan, "ktp", "ktp.pdf", b"", tmp_path, now
        )
    with pytest.raises(FieldErrors):
        loans.attach_document(
            db.session,
            cast.returnee_user,
            loan,
            "ktp",
            "big.pdf",
            PDF_BYTES + b"0" * loans.MAX_DOCUMENT_BYTES,
            tmp_path,
            now,
        )
    document = loans.attach_document(
        db.session,
        cast.returnee_user,
        loan,
        "ktp",
        "../../etc/ktp.pdf",
        PDF_BYTES,
        tmp_path,
        now,
    )
    assert document.original_name == "ktp.pdf"
    assert (tmp_path / "loans" / document.stored_name).read_bytes() == PDF_BYTES
    assert document.stored_name.endswith(".pdf")
    with pytest.raises(DomainError):
        loans.submit(db.session, cast.returnee_user, loan, now)  # KK etc. missing
    assert loan.status == "draft"


def test_the_whole_way_with_who_when_and_why(db, cast, make_loan):
    loan = make_loan(cast, status="repaying")
    steps = [(t.from_status, t.to_status) for t in loan.transitions]
    assert steps == [
        ("draft", "submitted"),
        ("submitted", "verified"),
        ("verified", "approved"),
        ("approved", "disbursed"),
        ("disbursed", "repaying"),
    ]
    assert loan.transitions[1].actor_id == cast.mentor.id
    assert loan.transitions[2].actor_id == cast.bank_officer.id
    assert sum(i.principal_idr for i in loan.instalments) == 20_000_000


def test_illegal_transitions_are_refused(db, cast, make_loan):
    loan = make_loan(cast, status="submitted")
    now = utcnow()
    for target in set(TRANSITIONS) - TRANSITIONS["submitted"]:
        with pytest.raises(DomainError):
            loans.move(db.session, loan, target, cast.bank_officer, now)
    assert loan.status == "submitted"
    with pytest.raises(FieldErrors):
        loans.decide(
            db.session,
            cast.bank_officer,
            make_loan(cast, "verified", returnee=cast.neighbour),
            False,
            " ",
            now,
        )


#: Who may take each step, in the state where it is possible.
EXPECTED = {
    (Action.SUBMIT_LOAN, "draft"): {"returnee_user", "mentor"},
    (Action.WITHDRAW_LOAN, "submitted"): {"returnee_user"},
    (Action.VERIFY_LOAN, "submitted"): {
        "mentor",
        "official_regency",
        "official_province",
    },
    (Action.DECIDE_LOAN, "verified"): {"bank_officer"},
    (Action.DISBURSE_LOAN, "approved"): {"bank_officer"},
    (Action.RECORD_PAYMENT, "repaying"): {"bank_officer"},
    (Action.WRITE_OFF_LOAN, "repaying"): {"bank_officer"},
    (Action.VIEW_LOAN, "draft"): {
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
    },
    (Action.VIEW_LOAN, "submitted"): {
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
        "bank_officer",
    },
    # Out of state: nobody.
    (Action.DECIDE_LOAN, "submitted"): set(),
    (Action.SUBMIT_LOAN, "verified"): set(),
    (Action.WITHDRAW_LOAN, "approved"): set(),
    (Action.DISBURSE_LOAN, "verified"): set(),
    (Action.RECORD_PAYMENT, "approved"): set(),
}


@pytest.mark.parametrize(("action", "status"), list(EXPECTED))
def test_steps_per_role(db, cast, make_loan, action, status):
    loan = make_loan(cast, status=status if status != "repaying" else "repaying")
    allowed = {role for role in ROLES if can(cast.user(role), action, loan)}
    assert allowed == EXPECTED[action, status]


def test_disbursement_checks_and_schedule(db, cast, make_loan):
    loan = make_loan(cast, status="approved", amount=50_000_000, tenor=36)
    now = utcnow()
    today = clock.today(now)
    with pytest.raises(FieldErrors) as excinfo:
        loans.disburse(
            db.session,
            cast.bank_officer,
            loan,
            Disbursement(
                60_000_000, today, today - timedelta(days=1), today - timedelta(days=1)
            ),
            today,
            now,
        )
    assert set(dict(excinfo.value.errors)) == {
        "amount_idr",
        "disbursed_on",
        "first_due_on",
    }
    first_due = today + timedelta(days=30)
    loans.disburse(
        db.session,
        cast.bank_officer,
        loan,
        Disbursement(50_000_000, today, today, first_due),
        today,
        now,
    )
    assert (
        loan.instalments[0].principal_idr + loan.instalments[0].interest_idr
        == 1_521_097
    )
    assert loan.instalments[0].due_on == first_due
    assert loan.instalments[12].due_on == months_after(first_due, 12)
    assert sum(i.principal_idr for i in loan.instalments) == 50_000_000


def test_payments_partial_late_early_and_paid_off(db, cast, make_loan):
    loan = make_loan(cast, status="disbursed", amount=12_000_000, tenor=3)
    today, now = clock.today(), utcnow()
    first = loan.instalments[0]
    with pytest.raises(FieldErrors):
        loans.record_payment(db.session, cast.bank_officer, loan, today, 0, today, now)
    loans.record_payment(
        db.session,
        cast.bank_officer,
        loan,
        first.due_on,
        2_000_000,
        today,
        now,
        reference="TRX-1",
    )
    assert loan.status == "repaying"
    assert first.paid_interest_idr == first.interest_idr
    assert first.settled_on is None
    with pytest.raises(FieldErrors):  # the same reference twice
        loans.record_payment(
            db.session, cast.bank_officer, loan, today, 1, today, now, reference="TRX-1"
        )
    standing = loan_reading.standing(loan, first.due_on + timedelta(days=10))
    assert standing.days_past_due == 10
    assert standing.grade == 2
    # Paying everything the schedule still lists would pay interest not yet owed:
    # the most a payment may be is the payoff of its day.
    owed = sum(
        i.principal_idr + i.interest_idr - i.paid_principal_idr - i.paid_interest_idr
        for i in loan.instalments
    )
    payoff = loan_reading.quote(loan, today).total_idr
    assert payoff < owed
    with pytest.raises(FieldErrors):
        loans.record_payment(
            db.session, cast.bank_officer, loan, today, payoff + 1, today, now
        )
    loans.record_payment(db.session, cast.bank_officer, loan, today, payoff, today, now)
    assert loan.status == "paid_off"
    assert loan.payments[-1].kind == "payoff"
    assert all(i.settled_on is not None for i in loan.instalments)


#: The specification, written apart from the policy: who may take each step ...
SPEC_ROLES = {
    Action.EDIT_LOAN: {"returnee_user", "mentor"},
    Action.SUBMIT_LOAN: {"returnee_user", "mentor"},
    Action.WITHDRAW_LOAN: {"returnee_user"},
    Action.VERIFY_LOAN: {"mentor", "official_regency", "official_province"},
    Action.DECIDE_LOAN: {"bank_officer"},
    Action.DISBURSE_LOAN: {"bank_officer"},
    Action.RECORD_PAYMENT: {"bank_officer"},
    Action.RESTRUCTURE_LOAN: {"bank_officer"},
    Action.WRITE_OFF_LOAN: {"bank_officer"},
}
#: ... and in which states.
SPEC_STATES = {
    Action.EDIT_LOAN: {"draft"},
    Action.SUBMIT_LOAN: {"draft"},
    Action.WITHDRAW_LOAN: {"draft", "submitted", "verified"},
    Action.VERIFY_LOAN: {"submitted"},
    Action.DECIDE_LOAN: {"verified"},
    Action.DISBURSE_LOAN: {"approved"},
    Action.RECORD_PAYMENT: {"disbursed", "repaying", "restructured"},
    Action.RESTRUCTURE_LOAN: {"disbursed", "repaying"},
    Action.WRITE_OFF_LOAN: {"disbursed", "repaying", "restructured"},
}
ALL_STATES = (
    "draft",
    "submitted",
    "verified",
    "approved",
    "rejected",
    "withdrawn",
    "disbursed",
    "repaying",
    "restructured",
    "written_off",
    "paid_off",
)


def test_every_step_in_every_state_for_every_role(db, cast, make_loan):
    """Every loan action x state x role against the specification above."""
    mismatches = []
    checked = 0
    for status in ALL_STATES:
        loan = make_loan(cast, status=status)
        assert loan.status == status
        for action, roles in SPEC_ROLES.items():
            for role in ROLES:
                expected = status in SPEC_STATES[action] and role in roles
                checked += 1
                if can(cast.user(role), action, loan) != expected:
                    mismatches.append((status, action.value, role))
        # The state machine agrees: each allowed step is a transition from here.
        db.session.delete(loan)
        db.session.commit()
    assert mismatches == []
    assert checked == len(ALL_STATES) * len(SPEC_ROLES) * len(ROLES)


def test_the_policy_allows_each_step_exactly_where_the_lifecycle_table_does(
    db, cast, make_loan
):
    """For every step of the lifecycle's table, some role may take it in a status
    exactly when the table has a row for the step from that status."""
    table_states = {}
    for transition in loan_lifecycle.TABLE:
        action = Action(transition.step.value)
        table_states.setdefault(action, set()).add(transition.source)
    assert set(table_states) == {Action(step.value) for step in LoanStep}
    mismatches = []
    for status in LoanStatus:
        loan = make_loan(cast, status=status.value)
        for action, states in table_states.items():
            allowed = any(can(cast.user(role), action, loan) for role in ROLES)
            if allowed != (status in states):
                mismatches.append((status.value, action.value))
        db.session.delete(loan)
        db.session.commit()
    assert mismatches == []
    # The state machine moves a loan only along the table's rows.
    moves = {(t.source, t.target) for t in loan_lifecycle.TABLE if t.source != t.target}
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == moves


def test_a_placement_kur_is_linked_to_its_placement(db, cast):
    from juragan.models import Placement

    placement = Placement(
        returnee_id=cast.returnee.id,
        country_code="TW",
        sector="caregiver",
        agency_name="PT A",
        departure_date=date(2026, 6, 1),
        contract_months=24,
    )
    db.session.add(placement)
    db.session.flush()
    data = ApplicationData(
        kind="placement",
        scheme="pmi",
        lender="bri",
        amount_idr=30_000_000,
        tenor_months=30,
        purpose="working_capital",
        declared=Declared(),
        placement_id=placement.id,
    )
    with pytest.raises(FieldErrors) as excinfo:  # longer than the contract
        loans.create_application(
            db.session, cast.returnee_user, cast.returnee, data, date(2026, 5, 1)
        )
    assert "tenor_months" in dict(excinfo.value.errors)
    data.tenor_months = 24
    loan, advice = loans.create_application(
        db.session, cast.returnee_user, cast.returnee, data, date(2026, 5, 1)
    )
    assert loan.placement_id == placement.id
    assert loan.kind == "placement"
    assert [v.scheme for v in advice.verdicts] == ["pmi"]
    assert loan_reading.required_documents(loan) == [
        "ktp",
        "kk",
        "placement_agreement",
        "work_contract",
    ]


def test_restructuring_starts_from_its_date_and_capitalises_the_arrears(
    db, cast, make_loan
):
    """A Rp24 juta, 12-month Mikro loan whose second instalment is overdue is laid out
    again from today: the unpaid instalment (its scheduled principal and interest)
    and the interest accrued since become principal of the new schedule."""
    loan = make_loan(cast, status="repaying", amount=24_000_000, tenor=12)
    now = utcnow()
    today = clock.today(now)
    overdue = [i for i in loan.instalments if i.due_on < today and not i.settled_on]
    assert len(overdue) == 1  # the factory pays the first of the two due by now
    unpaid = overdue[0].principal_idr + overdue[0].interest_idr
    first_new = today + relativedelta(months=1)
    with pytest.raises(FieldErrors) as excinfo:  # Mikro KMK: 48 months at most
        loans.restructure(
            db.session,
            cast.bank_officer,
            loan,
            loans.RestructuringTerms(today, "capitalise", 47, first_new),
            "Banjir.",
            today,
            now,
        )
    assert "tenor_months" in dict(excinfo.value.errors)
    with pytest.raises(FieldErrors) as excinfo:
        loans.restructure(
            db.session,
            cast.bank_officer,
            loan,
            loans.RestructuringTerms(today, "capitalise", 12, first_new),
            "",
            today,
            now,
        )
    assert "reason" in dict(excinfo.value.errors)
    grade_before = loan_reading.standing(loan, today).grade
    assert grade_before == 2
    quote = loan_reading.quote(loan, today)
    revision = loans.restructure(
        db.session,
        cast.bank_officer,
        loan,
        loans.RestructuringTerms(today, "capitalise", 12, first_new),
        "Usaha terdampak banjir.",
        today,
        now,
    )
    assert loan.status == "restructured"
    assert revision.grade_before == 2
    assert revision.arrears_principal_idr + revision.arrears_interest_idr == unpaid
    # New principal = principal not yet due + the arrears + interest accrued to date,
    # i.e. the payoff of today: nothing recomputed, nothing lost.
    assert revision.principal_idr == quote.total_idr
    new = [i for i in loan.instalments if i.due_on > today]
    assert new[0].due_on == first_new
    assert len(new) == 12
    assert sum(i.principal_idr for i in new) == quote.total_idr
    capitalised = loan.payments[-1]
    assert capitalised.kind == "capitalisation"
    assert capitalised.amount_idr == unpaid + revision.accrued_interest_idr
    assert not capitalised.is_cash
    # Today the arrears are settled, but the class stays Dalam Perhatian Khusus ...
    assert loan_reading.standing(loan, today).days_past_due == 0
    assert loan_reading.standing(loan, today).grade == 2
    # ... and the day before, the old schedule (and its arrears) still reads as it was.
    yesterday = loan_reading.standing(loan, today - timedelta(days=1))
    assert yesterday.days_past_due > 0
    assert [r.kind for r in loan.revisions] == ["disbursement", "restructuring"]
    # Three new instalments paid on time lift the class back to Lancar.
    for instalment in new[:3]:
        loans.record_payment(
            db.session,
            cast.bank_officer,
            loan,
            instalment.due_on,
            instalment.principal_idr + instalment.interest_idr,
            instalment.due_on,
            now,
        )
    assert loan_reading.standing(loan, new[1].due_on).grade == 2
    assert loan_reading.standing(loan, new[2].due_on).grade == 1


def test_restructuring_with_settled_arrears_records_the_money(db, cast, make_loan):
    loan = make_loan(cast, status="repaying", amount=24_000_000, tenor=12)
    now = utcnow()
    today = clock.today(now)
    not_due = sum(i.principal_idr for i in loan.instalments if i.due_on > today)
    revision = loans.restructure(
        db.session,
        cast.bank_officer,
        loan,
        loans.RestructuringTerms(
            today,
            "settle",
            18,
            today + relativedelta(months=1),
            reference="TUNGGAKAN-1",
        ),
        "Penjualan turun.",
        today,
        now,
    )
    assert revision.principal_idr == not_due  # arrears paid, not capitalised
    assert loan.payments[-1].kind == "arrears"
    assert loan.payments[-1].is_cash
    assert loan.payments[-1].reference == "TUNGGAKAN-1"


def test_prepayment_and_payoff_through_the_service(db, cast, make_loan):
    loan = make_loan(cast, status="repaying", amount=24_000_000, tenor=12)
    now = utcnow()
    today = clock.today(now)
    due = loan_reading.quote(loan, today)
    with pytest.raises(FieldErrors) as excinfo:  # only clears what is due
        loans.prepay(
            db.session,
            cast.bank_officer,
            loan,
            today,
            due.overdue_idr + due.accrued_interest_idr,
            today,
            now,
        )
    assert "amount_idr" in dict(excinfo.value.errors)
    with pytest.raises(FieldErrors):  # beyond the payoff
        loans.prepay(
            db.session, cast.bank_officer, loan, today, due.total_idr + 1, today, now
        )
    loans.prepay(
        db.session,
        cast.bank_officer,
        loan,
        today,
        10_000_000,
        today,
        now,
        "shorter_tenor",
    )
    assert loan.status == "repaying"
    assert loan.revisions[-1].kind == "prepayment"
    assert loan.revisions[-1].option == "shorter_tenor"
    assert loan.tenor_months < 12
    with pytest.raises(FieldErrors) as excinfo:  # not before the last payment
        loans.prepay(
            db.session,
            cast.bank_officer,
            loan,
            today - timedelta(days=1),
            1_000_000,
            today,
            now,
        )
    assert "prepaid_on" in dict(excinfo.value.errors)
    payoff = loan_reading.quote(loan, today).total_idr
    assert payoff == due.total_idr - 10_000_000  # the same day: no new interest
    loans.prepay(db.session, cast.bank_officer, loan, today, payoff, today, now)
    assert loan.status == "paid_off"
    assert loan.revisions[-1].kind == "payoff"
    assert loan_reading.standing(loan, today).outstanding_idr == 0


def test_a_loans_schedule_follows_its_rate_over_time(app):
    """The rule data's rate steps reach the schedule: a 2022 Mikro loan pays 3% on
    instalments due in 2022 and 6% from 1 January 2023 (the 2022 extra subsidy,
    docs/kur-rules.md); an Aceh 2026 loan 0% in 2026 (docs/kur-rules.md)."""
    loan = LoanApplication(
        rule_set="2022",
        scheme="mikro",
        access_number=1,
        rate_percent=3,
        rate_province_code="35",
        applied_on=date(2022, 7, 1),
        tenor_months=12,
        grace_months=0,
        lean_months=[],
    )
    lines = servicing.schedule(loans.terms_of(loan, 12_000_000, date(2022, 8, 10)))
    # August 2022 at 3%: 12.000.000 × 0,25% = 30.000; January 2023 at 6% on the
    # balance 7.043.660 (test_servicing): 35.218.
    assert lines[0].interest_idr == 30_000
    assert lines[5].interest_idr == 35_218
    aceh = LoanApplication(
        rule_set="2026",
        scheme="mikro",
        access_number=1,
        rate_percent=0,
        rate_province_code="11",
        applied_on=date(2026, 3, 1),
        tenor_months=24,
        grace_months=0,
        lean_months=[],
    )
    lines = servicing.schedule(loans.terms_of(aceh, 24_000_000, date(2026, 4, 1)))
    assert {line.interest_idr for line in lines if line.due_on.year == 2026} == {0}
    # 2027 at 3%: the balance after December 2026 (24.000.000 − 9 × 1.000.000)
    # × 0,25% = 37.500.
    assert lines[9].due_on == date(2027, 1, 1)
    assert lines[9].interest_idr == 37_500


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day if it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_months_after_keeps_the_day_or_the_months_end():
    assert months_after(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert months_after(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert months_after(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert months_after(date(2027, 12, 15), 2) == date(2028, 2, 15)


def test_restructured_dues_stay_on_the_months_end(db, cast, make_loan):
    # First due on 31 January 2028; the second (29 February) is unpaid when the
    # loan is restructured on 10 March with the new schedule first due on 31 March:
    # the new instalments fall on each month's end, not on the 29th or the 30th.
    with time_machine.travel(datetime(2028, 3, 10, 3, 0, tzinfo=UTC), tick=False):
        loan = make_loan(cast, status="approved", amount=12_000_000, tenor=12)
        now = utcnow()
        today = clock.today(now)
        start = date(2027, 12, 28)
        loans.disburse(
            db.session,
            cast.bank_officer,
            loan,
            Disbursement(12_000_000, start, start, date(2028, 1, 31)),
            today,
            now,
        )
        first = loan.instalments[0]
        loans.record_payment(
            db.session,
            cast.bank_officer,
            loan,
            first.due_on,
            first.principal_idr + first.interest_idr,
            today,
            now,
        )
        loans.restructure(
            db.session,
            cast.bank_officer,
            loan,
            loans.RestructuringTerms(today, "capitalise", 16, date(2028, 3, 31)),
            "Banjir.",
            today,
            now,
        )
    dues = [i.due_on for i in sorted(loan.instalments, key=lambda i: i.number)]
    assert dues[:3] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 10)]
    new = dues[3:]
    assert len(new) == 16
    assert new[:4] == [
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
        date(2028, 6, 30),
    ]
    assert new == [months_after(date(2028, 3, 31), k) for k in range(16)]
    assert new[-1] == date(2029, 6, 30)
