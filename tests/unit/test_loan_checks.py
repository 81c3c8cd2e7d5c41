"""SIKP, SLIK and BPJS Ketenagakerjaan checks as recorded steps of an application
(docs/loan-checks.md): what each system answers, which answers pass, and the
steps they gate (approval: SLIK, and BPJS for KUR Kecil; the akad: SIKP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from juragan import clock
from juragan.errors import DomainError, FieldErrors
from juragan.models import LoanCheck, Role, utcnow
from juragan.policy import Action, can
from juragan.services import loan_checks, loans
from juragan.services.loan_checks import CheckData
from juragan.services.loans import Disbursement
from tests.factories import approve_over_exception


def _check(db, cast, loan, kind, result, day=None, **extra):
    today = clock.today()
    return loan_checks.record_check(
        db.session,
        cast.bank_officer,
        loan,
        CheckData(kind, result, day or today, **extra),
        today,
        utcnow(),
    )


def test_no_approval_without_a_passed_slik_check(db, cast, make_loan):
    loan = make_loan(cast, "verified")
    with pytest.raises(DomainError, match="SLIK"):
        loans.decide(db.session, cast.bank_officer, loan, True, None, utcnow())
    # SLIK answers arrears with a worst collectibility of 3 (Kurang Lancar): no.
    _check(db, cast, loan, "slik", "arrears", worst_collectibility=3, reference="ID-1")
    with pytest.raises(DomainError, match="tidak lolos"):
        loans.decide(db.session, cast.bank_officer, loan, True, None, utcnow())
    # A re-check a day later finds the arrears settled: the latest counts.
    _check(db, cast, loan, "slik", "clean", reference="ID-2")
    loans.decide(db.session, cast.bank_officer, loan, True, None, utcnow())
    assert loan.status == "approved"
    # Both stay in the history, oldest first.
    assert [c.result for c in loan_checks.history(loan)] == ["arrears", "clean"]


def test_a_person_slik_has_no_record_of_passes_and_a_rejection_needs_no_check(
    db, cast, make_loan
):
    loan = make_loan(cast, "verified")
    _check(db, cast, loan, "slik", "not_found")
    assert loan_checks.passed(loan_checks.latest(loan)["slik"])
    other = make_loan(cast, "verified", returnee=cast.neighbour)
    loans.decide(db.session, cast.bank_officer, other, False, "Omzet kurang.", utcnow())
    assert other.status == "rejected"


def test_kur_kecil_also_needs_bpjs_ketenagakerjaan(db, cast, make_loan, make_user):
    loan = make_loan(cast, "verified")
    loan.scheme = "kecil"  # the rule follows the scheme
    _check(db, cast, loan, "slik", "clean")
    with pytest.raises(DomainError, match="BPJS Ketenagakerjaan"):
        loans.decide(db.session, cast.bank_officer, loan, True, None, utcnow())
    _check(db, cast, loan, "bpjs_tk", "not_member")
    with pytest.raises(DomainError, match="tidak lolos"):
        loans.decide(db.session, cast.bank_officer, loan, True, None, utcnow())
    _check(db, cast, loan, "bpjs_tk", "member", reference="BPJS-123")
    # 20 jt is under KUR Kecil's plafond: an approval over an exception.
    approve_over_exception(
        db.session,
        cast.bank_officer,
        make_user(Role.BANK_OFFICER, "35"),
        loan,
        utcnow(),
    )
    assert loan.status == "approved"
    # Mikro asks SLIK only.
    loan.scheme = "mikro"
    assert loan_checks.required_before_approval(loan) == ("slik",)


def test_sikp_registration_before_the_akad(db, cast, make_loan):
    loan = make_loan(cast, "verified")
    _check(db, cast, loan, "slik", "clean")
    loans.decide(db.session, cast.bank_officer, loan, True, None, utcnow())
    today = clock.today()
    akad = today - timedelta(days=2)
    plan = Disbursement(20_000_000, akad, akad, akad + timedelta(days=30))
    with pytest.raises(DomainError, match="SIKP"):
        loans.disburse(db.session, cast.bank_officer, loan, plan, today, utcnow())
    with pytest.raises(FieldErrors) as refused:
        _check(db, cast, loan, "sikp", "rejected")
    assert refused.value.errors[0][0] == "reason"
    _check(db, cast, loan, "sikp", "rejected", reason="NIK tidak cocok dengan Dukcapil")
    assert loan.is_sikp_registered is False
    _check(db, cast, loan, "sikp", "registered", reference="SIKP-35070001")
    assert loan.is_sikp_registered is True  # the column follows the latest check
    # Checked today, after the akad two days ago: the akad must come after it.
    with pytest.raises(FieldErrors) as late:
        loans.disburse(db.session, cast.bank_officer, loan, plan, today, utcnow())
    assert late.value.errors[0][0] == "akad_on"
    loans.disburse(
        db.session,
        cast.bank_officer,
        loan,
        Disbursement(20_000_000, today, today, today + timedelta(days=30)),
        today,
        utcnow(),
    )
    assert loan.status == "disbursed"
    # After the disbursement, no more checks.
    assert not can(cast.bank_officer, Action.RECORD_CHECK, loan)
    with pytest.raises(DomainError):
        _check(db, cast, loan, "sikp", "not_registered")


def test_answers_are_those_of_each_system(db, cast, make_loan):
    loan = make_loan(cast, "submitted")
    today = clock.today()
    cases = [
        (CheckData("slik", "registered", today), "result"),
        (CheckData("sikp", "clean", today), "result"),
        (CheckData("slik", "arrears", today), "worst_collectibility"),
        (
            CheckData("slik", "arrears", today, worst_collectibility=1),
            "worst_collectibility",
        ),
        (CheckData("slik", "clean", today + timedelta(days=1)), "checked_on"),
        (CheckData("slik", "clean", loan.applied_on - timedelta(days=1)), "checked_on"),
        (CheckData("slik", "clean", today, reference="X" * 41), "reference"),
        (CheckData("kk", "clean", today), "kind"),
    ]
    for data, field in cases:
        with pytest.raises(FieldErrors) as refused:
            loan_checks.record_check(
                db.session, cast.bank_officer, loan, data, today, utcnow()
            )
        assert refused.value.errors[0][0] == field, data


def test_the_database_refuses_an_answer_of_another_system(db, cast, make_loan):
    loan = make_loan(cast, "submitted")
    db.session.add(
        LoanCheck(
            loan_id=loan.id,
            kind="sikp",
            result="clean",
            checked_on=clock.today(),
            recorded_at=utcnow(),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "role",
    [
        "returnee_user",
        "mentor",
        "official_regency",
        "official_province",
        "official_national",
        "official_other",
        "admin",
        "bank_officer",
    ],
)
def test_only_the_lenders_officer_records_checks(db, cast, make_loan, make_user, role):
    from juragan.models import Role

    loan = make_loan(cast, "verified")
    assert can(cast.user(role), Action.RECORD_CHECK, loan) is (role == "bank_officer")
    other = make_user(Role.BANK_OFFICER, "35", lender="bni")
    assert not can(other, Action.RECORD_CHECK, loan)
