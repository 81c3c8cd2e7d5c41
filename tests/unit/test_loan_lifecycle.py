"""The loan lifecycle: the statuses as stored, the table, and the sets read from it."""

from juragan.domain import loan_lifecycle as lc
from juragan.domain.loan_lifecycle import LoanStatus as S
from juragan.domain.loan_lifecycle import LoanStep
from juragan.domain.repayment import LoanStanding, is_non_performing, npl_ratio


def test_the_statuses_are_the_strings_stored_in_the_order_of_the_check():
    assert [s.value for s in S] == [
        "draft",
        "submitted",
        "verified",
        "approved",
        "rejected",
        "disbursed",
        "repaying",
        "paid_off",
        "restructured",
        "written_off",
        "withdrawn",
    ]
    assert S("repaying") == "repaying"
    assert f"{S.PAID_OFF}" == "paid_off"  # what the CHECK constraint's SQL is built of


def test_the_state_machine_read_from_the_table():
    assert {
        S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
        S.SUBMITTED: {S.VERIFIED, S.DRAFT, S.WITHDRAWN},
        S.VERIFIED: {S.APPROVED, S.REJECTED, S.WITHDRAWN},
        S.APPROVED: {S.DISBURSED},
        S.DISBURSED: {S.REPAYING, S.PAID_OFF, S.RESTRUCTURED, S.WRITTEN_OFF},
        S.REPAYING: {S.PAID_OFF, S.RESTRUCTURED, S.WRITTEN_OFF},
        S.RESTRUCTURED: {S.REPAYING, S.PAID_OFF, S.WRITTEN_OFF},
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
        S.PAID_OFF: set(),
        S.WRITTEN_OFF: set(),
    } == lc.TRANSITIONS
    assert lc.targets_of(LoanStep.DECIDE) == {S.APPROVED, S.REJECTED}
    assert lc.targets_of(LoanStep.RECORD_CHECK) == set()  # records, moves nothing
    assert lc.reachable_from(S.REJECTED) == {S.REJECTED}


def test_the_named_sets():
    assert {S.REJECTED, S.WITHDRAWN, S.PAID_OFF, S.WRITTEN_OFF} == lc.TERMINAL
    assert set(S) - lc.TERMINAL == lc.OPEN
    assert lc.ordered(lc.ACTIVE) == (
        S.SUBMITTED,
        S.VERIFIED,
        S.APPROVED,
        S.DISBURSED,
        S.REPAYING,
        S.RESTRUCTURED,
    )
    assert {S.DISBURSED, S.REPAYING, S.RESTRUCTURED} == lc.LIVE
    assert lc.LIVE | {S.PAID_OFF, S.WRITTEN_OFF} == lc.UNDER_AGREEMENT
    assert lc.UNDER_AGREEMENT | {S.APPROVED} == lc.APPROVED_OR_LATER
    assert lc.LIVE | {S.APPROVED} == lc.COMMITTED
    assert lc.ordered(lc.CLOSED) == (S.PAID_OFF, S.WRITTEN_OFF)
    assert {S.WITHDRAWN, S.REJECTED} == lc.ENDED_UNPAID
    assert {S.REJECTED, S.WITHDRAWN, S.WRITTEN_OFF} == lc.STOPPED
    assert {S.DRAFT, S.SUBMITTED} == lc.UNVERIFIED
    assert {S.APPROVED, S.REJECTED} == lc.DECIDED
    assert lc.ordered(lc.AWAITING) == (S.SUBMITTED, S.VERIFIED, S.APPROVED)
    assert lc.ordered(lc.WAITING_FOR_BANK) == (S.VERIFIED, S.APPROVED)
    assert {S.SUBMITTED, S.VERIFIED, S.APPROVED, S.REJECTED} == lc.AT_THE_DESK


def test_where_each_step_may_be_taken():
    assert lc.allowed_in(LoanStep.WITHDRAW) == {S.DRAFT, S.SUBMITTED, S.VERIFIED}
    assert lc.allowed_in(LoanStep.RESTRUCTURE) == {S.DISBURSED, S.REPAYING}
    assert lc.allowed_in(LoanStep.RECORD_CHECK) == lc.AWAITING
    assert lc.allowed_in(LoanStep.CLAIM_GUARANTEE) == lc.LIVE | {S.WRITTEN_OFF}
    assert lc.allowed_in(LoanStep.RECORD_RECOVERY) == {S.WRITTEN_OFF}
    # Nothing is done to a loan that is finished, but for the write-off's sequel.
    for status in lc.TERMINAL - {S.WRITTEN_OFF}:
        assert not any(t.source is status for t in lc.TABLE)


def test_non_performing_is_classes_three_to_five():
    assert [g for g in range(1, 6) if is_non_performing(g)] == [3, 4, 5]
    # The portfolio's NPL counts by class alone.
    assert npl_ratio([LoanStanding(100, 2), LoanStanding(300, 3)]) == 0.75
