"""Late penalties (denda), guarantee claims and recoveries (docs/loan-checks.md),
with worked examples computed by hand in each test."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from juragan import clock
from juragan.db import loan_reading
from juragan.domain import loan_ledger
from juragan.domain.loan_ledger import Loss, claimable_idr, months_late, penalty_amount
from juragan.errors import DomainError, FieldErrors
from juragan.models import LenderTerms, Role, utcnow
from juragan.policy import Action, can
from juragan.reports import loans as loan_reports
from juragan.reports.loan_losses import _losses_loan_by_loan, losses_by_lender
from juragan.services import loan_events

# -- The arithmetic ------------------------------------------------------------


def test_penalty_per_day():
    # 0,1% a day of an overdue Rp1.032.797 for 10 days:
    # 1.032.797 x 0,001 x 10 = 10.327,97 -> Rp10.328 (half up).
    assert penalty_amount("per_day", 1_032_797, 10, 1, Decimal("0.1")) == 10_328


def test_penalty_per_month_counts_a_started_month_whole():
    # 31 days late is into the second month: 1.032.797 x 2% x 2 = 41.311,88 -> 41.312.
    assert months_late(31) == 2
    assert months_late(30) == 1
    assert months_late(0) == 0
    assert penalty_amount("per_month", 1_032_797, 31, 1, Decimal(2)) == 41_312


def test_fixed_penalty_per_overdue_instalment_and_none():
    # Rp50.000 for each of two overdue instalments = Rp100.000.
    assert penalty_amount("fixed", 2_065_594, 40, 2, fixed_idr=50_000) == 100_000
    assert penalty_amount("none", 2_065_594, 40, 2) == 0
    assert penalty_amount("per_day", 0, 40, 0, Decimal(1)) == 0  # nothing overdue
    with pytest.raises(ValueError, match="unknown"):
        penalty_amount("weekly", 1, 1, 1, Decimal(1))


def test_penalty_balance_by_date():
    d = date(2026, 5, 1)
    events = [
        ("penalty_charge", d, 41_312),
        ("penalty_waiver", d + timedelta(days=5), 11_312),
        ("penalty_payment", d + timedelta(days=9), 30_000),
    ]
    assert loan_ledger.penalty_balance(events, d - timedelta(days=1)) == 0
    assert loan_ledger.penalty_balance(events, d) == 41_312
    # 41.312 - 11.312 = 30.000 once waived; paid off four days later.
    assert loan_ledger.penalty_balance(events, d + timedelta(days=5)) == 30_000
    assert loan_ledger.penalty_balance(events, d + timedelta(days=9)) == 0


def test_the_loss_of_a_written_off_loan_worked_by_hand():
    """Rp30.000.000 lent, written off with Rp12.000.000 principal outstanding; the
    guarantee covers 70% of it (the coverage the lender's terms carry; see the docs
    for its source): 12.000.000 x 70% = Rp8.400.000 claimed and paid. Then
    Rp2.000.000 is recovered, of which the guarantor's 70% (Rp1.400.000) is passed
    on under subrogation."""
    assert claimable_idr(12_000_000, Decimal(70)) == 8_400_000
    loss = Loss(
        written_off_idr=12_000_000,
        claims_paid_idr=8_400_000,
        recoveries_idr=2_000_000,
        passed_to_guarantor_idr=1_400_000,
    )
    # The borrower owes 12.000.000 - 2.000.000 = 10.000.000 (the claim changes nothing).
    assert loss.borrower_balance_idr == 10_000_000
    # The lender keeps 2.000.000 - 1.400.000 = 600.000 of the recovery:
    # 12.000.000 - 8.400.000 - 600.000 = Rp3.000.000 lost.
    assert loss.lender_net_loss_idr == 3_000_000
    # The guarantor paid 8.400.000 and got 1.400.000 back: Rp7.000.000 lost.
    assert loss.guarantor_net_loss_idr == 7_000_000
    # The two losses are what the borrower still owes: 3.000.000 + 7.000.000.
    assert loss.lender_net_loss_idr + loss.guarantor_net_loss_idr == 10_000_000
    # Without a share passed on, the lender keeps the whole recovery:
    # 12.000.000 - 8.400.000 - 2.000.000 = Rp1.600.000.
    assert Loss(12_000_000, 8_400_000, 2_000_000, 0).lender_net_loss_idr == 1_600_000


# -- Penalties on a loan ----------------------------------------------------------


def _terms(db, **values):
    db.session.add(LenderTerms(lender_code="bri", **values))
    db.session.flush()


def test_penalties_are_a_balance_apart_from_the_instalments(db, cast, make_loan):
    _terms(db, penalty_basis="per_month", penalty_rate_percent=Decimal(2))
    loan = make_loan(cast, "disbursed", amount=12_000_000, tenor=12)
    today = clock.today()
    before = loan_reading.standing(loan, today)
    # make_loan disburses 70 days ago, first instalment due 30 days later: it is
    # 40 days late, the second (due 10 days ago) 10 days. Owed now: two
    # instalments of 12 jt at 6% over 12 months, 2 x 1.032.797 = 2.065.594.
    assert before.days_past_due == 40
    assert before.owed_now_idr == 2_065_594
    amount, basis = loan_reports.suggested_penalty(db.session, loan, today)
    # 40 days is into the second month: 2.065.594 x 2% x 2 = 82.623,76 -> 82.624.
    assert amount == 82_624
    assert "2% x" in basis
    loan_events.record_penalty(
        db.session,
        cast.bank_officer,
        loan,
        "penalty_charge",
        today,
        amount,
        today,
        utcnow(),
        basis,
    )
    assert loan_events.penalties_owed(loan, today) == 82_624
    assert loan_events.penalties_owed(loan, today - timedelta(days=1)) == 0
    # Days past due and what the instalments owe are as before.
    after = loan_reading.standing(loan, today)
    assert (after.days_past_due, after.owed_now_idr, after.outstanding_idr) == (
        before.days_past_due,
        before.owed_now_idr,
        before.outstanding_idr,
    )
    # A waiver of 32.624 leaves 50.000; paying more than that is refused.
    loan_events.record_penalty(
        db.session,
        cast.bank_officer,
        loan,
        "penalty_waiver",
        today,
        32_624,
        today,
        utcnow(),
    )
    with pytest.raises(FieldErrors) as refused:
        loan_events.record_penalty(
            db.session,
            cast.bank_officer,
            loan,
            "penalty_payment",
            today,
            50_001,
            today,
            utcnow(),
        )
    assert refused.value.errors[0][0] == "amount_idr"
    loan_events.record_penalty(
        db.session,
        cast.bank_officer,
        loan,
        "penalty_payment",
        today,
        50_000,
        today,
        utcnow(),
        reference="DND-1",
    )
    assert loan_events.penalties_owed(loan, today) == 0


def test_no_penalty_where_the_agreement_has_none(db, cast, make_loan):
    loan = make_loan(cast, "disbursed")
    today = clock.today()
    assert loan_reports.suggested_penalty(db.session, loan, today) is None
    with pytest.raises(DomainError):
        loan_events.record_penalty(
            db.session,
            cast.bank_officer,
            loan,
            "penalty_charge",
            today,
            10_000,
            today,
            utcnow(),
            "2% x 1 bulan",
        )
    _terms(db, penalty_basis="fixed", penalty_fixed_idr=25_000)
    with pytest.raises(FieldErrors) as refused:  # a charge says how it was worked out
        loan_events.record_penalty(
            db.session,
            cast.bank_officer,
            loan,
            "penalty_charge",
            today,
            25_000,
            today,
            utcnow(),
        )
    assert refused.value.errors[0][0] == "basis"


# -- Claims and recoveries ----------------------------------------------------------


def test_claim_and_recovery_after_a_write_off(db, cast, make_loan, make_user):
    """A Rp12.000.000 loan written off with nothing repaid: Rp12.000.000 principal
    outstanding; the same figures as the worked example above."""
    _terms(db, guarantor="askrindo", guarantee_cover_percent=Decimal(70))
    loan = make_loan(cast, "written_off", amount=12_000_000, tenor=12)
    today = clock.today()
    assert loan_events.written_off_principal(loan) == 12_000_000
    with pytest.raises(FieldErrors):  # more than the principal outstanding
        loan_events.submit_claim(
            db.session, cast.bank_officer, loan, today, 12_000_001, today, utcnow()
        )
    claim = loan_events.submit_claim(
        db.session, cast.bank_officer, loan, today, 8_400_000, today, utcnow()
    )
    assert claim.guarantor == "askrindo"
    with pytest.raises(DomainError):  # one claim at a time
        loan_events.submit_claim(
            db.session, cast.bank_officer, loan, today, 1_000_000, today, utcnow()
        )
    with pytest.raises(FieldErrors):  # paid more than claimed
        loan_events.settle_claim(
            db.session, cast.bank_officer, loan, today, today, paid_idr=8_400_001
        )
    loan_events.settle_claim(
        db.session, cast.bank_officer, loan, today, today, paid_idr=8_400_000
    )
    # The claim moves the loss; the borrower still owes all of it.
    assert loan_events.loss_of(loan).borrower_balance_idr == 12_000_000
    loan_events.record_recovery(
        db.session,
        cast.bank_officer,
        loan,
        today,
        2_000_000,
        today,
        utcnow(),
        "REC-1",
        1_400_000,
    )
    loss = loan_events.loss_of(loan)
    assert loss.borrower_balance_idr == 10_000_000  # 12.000.000 - 2.000.000
    assert loss.lender_net_loss_idr == 3_000_000  # 12 - 8,4 - (2 - 1,4) jt
    with pytest.raises(FieldErrors) as refused:  # more than is still written off
        loan_events.record_recovery(
            db.session, cast.bank_officer, loan, today, 10_000_001, today, utcnow()
        )
    assert refused.value.errors[0][0] == "amount_idr"
    # The portfolio's figures by bank, scoped: BRI's officer sees them, BNI's none.
    by_lender = losses_by_lender(db.session, cast.bank_officer)
    assert by_lender["bri"].lender_net_loss_idr == 3_000_000
    assert by_lender["bri"].claims_paid_idr == 8_400_000
    # The grouped sums are the loans' own figures added up.
    for reader in (cast.bank_officer, cast.official_province, cast.official_national):
        assert losses_by_lender(db.session, reader) == _losses_loan_by_loan(
            db.session, reader
        )
    bni = make_user(Role.BANK_OFFICER, "35", lender="bni")
    assert losses_by_lender(db.session, bni) == {}


def test_a_rejected_claim_and_no_claim_before_collectibility_5(db, cast, make_loan):
    _terms(db, guarantor="jamkrindo", guarantee_cover_percent=Decimal(70))
    live = make_loan(cast, "disbursed", returnee=cast.neighbour)
    today = clock.today()
    # 40 days past due is collectibility 2, not 5: no claim yet.
    with pytest.raises(DomainError):
        loan_events.submit_claim(
            db.session, cast.bank_officer, live, today, 1_000, today, utcnow()
        )
    with pytest.raises(DomainError):  # and no recovery before a write-off
        loan_events.record_recovery(
            db.session, cast.bank_officer, live, today, 1_000, today, utcnow()
        )
    loan = make_loan(cast, "written_off")
    loan_events.submit_claim(
        db.session, cast.bank_officer, loan, today, 14_000_000, today, utcnow()
    )
    loan_events.settle_claim(
        db.session,
        cast.bank_officer,
        loan,
        today,
        today,
        rejection_reason="Klaim melewati batas waktu",
    )
    assert loan_events.loss_of(loan).claims_paid_idr == 0
    # After a rejection, a new claim may be made.
    loan_events.submit_claim(
        db.session, cast.bank_officer, loan, today, 14_000_000, today, utcnow()
    )
    assert [c.status for c in loan_events.claims_of(loan)] == ["rejected", "submitted"]


ROLES = (
    "returnee_user",
    "mentor",
    "official_regency",
    "official_province",
    "official_national",
    "official_other",
    "admin",
    "bank_officer",
)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_lenders_officer_records_events(db, cast, make_loan, make_user, role):
    live = make_loan(cast, "repaying")
    gone = make_loan(cast, "written_off", returnee=cast.neighbour)
    other = make_user(Role.BANK_OFFICER, "35", lender="bni")
    expected = role == "bank_officer"
    for action, loan in (
        (Action.RECORD_PENALTY, live),
        (Action.CLAIM_GUARANTEE, live),
        (Action.CLAIM_GUARANTEE, gone),
        (Action.RECORD_RECOVERY, gone),
    ):
        assert can(cast.user(role), action, loan) is expected, action
        assert not can(other, action, loan)
    # The states: no penalty on a written-off loan, no recovery on a live one.
    assert not can(cast.user(role), Action.RECORD_PENALTY, gone)
    assert not can(cast.user(role), Action.RECORD_RECOVERY, live)


def test_the_schedule_file_shows_the_penalties_owed(db, cast, make_loan):
    from juragan.reports.loans import schedule_file

    _terms(db, penalty_basis="fixed", penalty_fixed_idr=25_000)
    loan = make_loan(cast, "disbursed", amount=12_000_000, tenor=12)
    today = clock.today()
    assert "25000" not in schedule_file(loan, "csv").decode("utf-8-sig")
    # Two instalments overdue at Rp25.000 each: Rp50.000.
    amount, _basis = loan_reports.suggested_penalty(db.session, loan, today)
    assert amount == 50_000
    loan_events.record_penalty(
        db.session,
        cast.bank_officer,
        loan,
        "penalty_charge",
        today,
        amount,
        today,
        utcnow(),
        _basis,
    )
    last = schedule_file(loan, "csv").decode("utf-8-sig").strip().splitlines()[-1]
    assert last.startswith('"Denda terutang (terpisah dari angsuran)"')
    assert ",50000," in last
