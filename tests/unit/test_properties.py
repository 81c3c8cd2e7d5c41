"""Property tests for every validator and for the KUR rules (Hypothesis).

Each validator either accepts a value (and what it keeps is what a person meant) or
refuses it with its own error, whatever it is given; the KUR advice never calls a
scheme fitting when one of its rules is broken.
"""

from __future__ import annotations

import string
from datetime import date, timedelta

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from juragan.domain import disclosure
from juragan.domain.eligibility import Facts, Request, advise, blocking_credit
from juragan.domain.identifiers import (
    FEMALE_DAY_OFFSET,
    InvalidIdentifier,
    check_nik_agrees,
    normalise_phone,
    parse_nik,
)
from juragan.domain.kur_rules import CREDIT_KINDS, RULE_SETS
from juragan.domain.money import format_rupiah
from juragan.domain.regions import region_rows
from juragan.errors import DomainError
from juragan.services import registry_files
from juragan.services.registry_files import EXAMPLE_ROW, TEMPLATE_COLUMNS
from juragan.web.forms import BaseForm, RupiahField

KINDS = [kind.code for kind in CREDIT_KINDS if kind.offered]

TODAY = date(2026, 12, 1)
REGENCIES = [r["code"] for r in region_rows().regencies]
#: What people and attackers type into a field.
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits + " .-+()", max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "NaN",
            "∞",
            "١٢٣",
            "０８１２",
            "<script>alert(1)</script>",
            "'; DROP TABLE returnees; --",
            '=HYPERLINK("x")',
            "\x00",
            "9" * 400,
            "ß" * 300,
        ]
    ),
)
FAST = settings(max_examples=150, deadline=None)


# NIK -------------------------------------------------------------------------------


@st.composite
def niks(draw):
    """A NIK as Dukcapil issues them: regency, district, birth date (+40 for women),
    serial."""
    regency = draw(st.sampled_from(REGENCIES))
    born = draw(st.dates(date(1930, 1, 1), TODAY))
    female = draw(st.booleans())
    day = born.day + (FEMALE_DAY_OFFSET if female else 0)
    district = draw(st.integers(1, 99))
    serial = draw(st.integers(1, 9999))
    nik = (
        f"{regency.replace('.', '')}{district:02d}{day:02d}{born.month:02d}"
        f"{born.year % 100:02d}{serial:04d}"
    )
    return nik, born, "F" if female else "M"


@FAST
@given(niks())
def test_a_valid_nik_reads_back_its_birth_date_and_sex(app, drawn):
    nik, born, sex = drawn
    with app.app_context():
        info = parse_nik(f" {nik[:6]} {nik[6:12]} {nik[12:]} ", TODAY)
        # Two digits of year: this century unless that birthday is still to come,
        # so someone born in 1925 reads as 2025 (the form's full date decides).
        assume(born.year >= 2000 or born.replace(year=2000 + born.year % 100) > TODAY)
        assert info.birth_date == born
        assert info.sex == sex
        assert check_nik_agrees(info, born, sex) == []
    assert disclosure.nik(nik) == "************" + nik[-4:]


@FAST
@given(HOSTILE)
def test_any_text_is_a_nik_or_refused_with_a_reason(app, text):
    with app.app_context():
        try:
            info = parse_nik(text, TODAY)
        except InvalidIdentifier as error:
            reason = str(error.message)
        else:
            reason = None
            assert info.birth_date <= TODAY
        assert reason is None or reason.strip()


# Phones ------------------------------------------------------------------------------


@FAST
@given(HOSTILE)
def test_any_text_is_a_phone_in_e164_or_refused(app, text):
    with app.app_context():
        try:
            number = normalise_phone(text)
        except InvalidIdentifier:
            return
        assert number.startswith("+")
        assert number[1:].isdigit()
        assert normalise_phone(number) == number  # stored form is stable


@FAST
@given(
    prefix=st.sampled_from(["811", "812", "813", "821", "852", "857", "878", "896"]),
    rest=st.integers(1_000_000, 99_999_999),
)
def test_indonesian_mobiles_written_any_way_are_one_number(app, prefix, rest):
    with app.app_context():
        written = [
            f"0{prefix}{rest}",
            f"+62 {prefix} {rest}",
            f"62{prefix}-{rest}",
            f"(0{prefix}) {rest}",
        ]
        numbers = {normalise_phone(w) for w in written}
    assert numbers == {f"+62{prefix}{rest}"}


# Money -------------------------------------------------------------------------------


class MoneyForm(BaseForm):
    class Meta:
        csrf = False

    amount = RupiahField()


@FAST
@given(st.integers(0, 10**14))
def test_rupiah_as_written_reads_back_exactly(app, amount):
    with app.test_request_context():
        dotted = f"{amount:,}".replace(",", ".")
        for written in (
            str(amount),
            dotted,
            format_rupiah(amount),
            f"Rp{amount}",
            f"{dotted},00",
        ):
            form = MoneyForm(MultiDict({"amount": written}))
            form.validate()
            assert form.amount.data == amount, written


@FAST
@given(HOSTILE)
def test_any_text_is_an_amount_or_an_error_beside_the_field(app, text):
    with app.test_request_context():
        form = MoneyForm(MultiDict({"amount": text}))
        form.validate()
        assert form.amount.data is None or isinstance(form.amount.data, int)
        if form.amount.data is None and text.strip():
            assert form.amount.errors


# Dates and CSV rows ----------------------------------------------------------------


@FAST
@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_import_dates_in_every_accepted_writing(app, day):
    with app.app_context():
        for written in (
            day.isoformat(),
            day.strftime("%d-%m-%Y"),
            day.strftime("%d/%m/%Y"),
            f"{day.isoformat()} 00:00:00",
        ):
            assert registry_files._date(written, "birth_date") == day


@FAST
@given(HOSTILE)
def test_import_dates_and_numbers_refuse_with_the_column_named(app, text):
    with app.app_context():
        for parse in (
            registry_files._date,
            registry_files._int,
            registry_files._decimal,
        ):
            try:
                parse(text, "kolom")
            except ValueError as error:
                reason = str(error)
            else:
                reason = "kolom"
            assert "kolom" in reason


class Planner:
    """The dry run of an import, for one official (a plain object Hypothesis can
    print)."""

    def __init__(self, session, official):
        self.session, self.official = session, official

    def __repr__(self) -> str:
        return "Planner()"

    def plan(self, frame):
        return registry_files.plan_import(self.session, self.official, frame, TODAY)


@pytest.fixture
def planner(db, cast):
    return Planner(db.session, cast.official_province)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(TEMPLATE_COLUMNS), HOSTILE, max_size=8),
        min_size=1,
        max_size=3,
    )
)
def test_any_csv_row_is_planned_or_rejected_with_reasons(planner, rows):
    frame = pd.DataFrame(
        [{**EXAMPLE_ROW, **row} for row in rows], columns=list(TEMPLATE_COLUMNS)
    ).astype(str)
    try:
        plan = planner.plan(frame)
    except DomainError as error:  # a file-level problem, said as such
        problems = error.errors
    else:
        problems = None
    if problems is not None:
        assert problems
        return
    for row in plan.rows:
        assert row.outcome in ("create", "update", "unchanged", "reject")
        if row.outcome == "reject":
            assert row.reasons
    # A dry run never writes.
    assert not planner.session.new


# KUR rules ----------------------------------------------------------------------


@st.composite
def applications(draw):
    rule_set = draw(st.sampled_from(RULE_SETS))
    end = rule_set.effective_to or TODAY
    applied = draw(st.dates(rule_set.effective_from, min(end, TODAY)))
    kind = draw(st.sampled_from(["business", "placement"]))
    request = Request(
        kind=kind,
        amount_idr=draw(st.integers(0, 700_000_000)),
        tenor_months=draw(st.integers(0, 90)),
        purpose=draw(st.sampled_from(["working_capital", "investment"])),
        applied_on=applied,
    )
    facts = Facts(
        has_nik=draw(st.booleans()),
        nik_verified=draw(st.booleans()),
        age=draw(st.integers(15, 80)),
        married=draw(st.booleans()),
        business_months=draw(st.none() | st.integers(0, 240)),
        has_mentor=draw(st.booleans()),
        has_training=draw(st.booleans()),
        in_group=draw(st.booleans()),
        has_offtaker=draw(st.booleans()),
        line_of_business=draw(
            st.sampled_from([None, "farming", "culinary", "livestock"])
        ),
        annual_turnover_idr=draw(st.none() | st.integers(0, 10_000_000_000)),
        has_npwp=draw(st.booleans()),
        other_credit=tuple(draw(st.sets(st.sampled_from(KINDS)))),
        other_credit_current=draw(st.booleans()),
        previous_by_scheme={
            s: draw(st.integers(0, 6)) for s in ("mikro", "kecil", "super_mikro")
        },
        contract_months=draw(st.none() | st.integers(1, 60)),
        family_consent=draw(st.booleans()),
    )
    return request, facts


@settings(max_examples=400, deadline=None)
@given(applications())
def test_no_fitting_scheme_breaks_a_rule(app, drawn):
    request, facts = drawn
    with app.app_context():
        advice = advise(request, facts)
    rules = advice.rule_set
    for verdict in advice.fitting:
        rule = verdict.rule
        assert rule.min_exclusive_idr < request.amount_idr <= rule.max_idr
        longest = rule.max_tenor[request.purpose]
        if rule.tenor_within_contract:
            assert facts.contract_months
            longest = min(longest, facts.contract_months)
        assert 1 <= request.tenor_months <= longest
        assert facts.has_nik
        assert not blocking_credit(facts)
        adult = facts.age >= 21 or facts.married
        assert adult or (
            rule.scheme == "pmi" and facts.age >= 18 and facts.family_consent
        )
        if rule.min_business_months:
            assert facts.business_months is not None
            assert facts.business_months >= rule.min_business_months
        if rule.npwp_above_idr is not None and request.amount_idr > rule.npwp_above_idr:
            assert facts.has_npwp
        if (
            rules.turnover_ceiling_idr is not None
            and facts.annual_turnover_idr is not None
        ):
            assert facts.annual_turnover_idr <= rules.turnover_ceiling_idr
        cap = rule.max_access(facts.line_of_business)
        if cap is not None:
            assert facts.previous(rule.scheme) < cap
        if rule.scheme == "khusus":
            assert facts.in_group
            assert facts.has_offtaker
        # Whole rupiah: a loan of a few rupiah may round to nothing a month.
        assert verdict.instalment_idr >= 0
        if request.amount_idr >= 100 * request.tenor_months:
            assert verdict.instalment_idr > 0
    # The schemes are exclusive by plafond: at most one business scheme other than
    # Khusus (which overlaps them) fits a given amount.
    plain = [v for v in advice.fitting if v.scheme not in ("khusus", "pmi")]
    assert len(plain) <= 1


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.code)
def test_rule_sets_follow_one_another_without_gaps(rule_set):
    later = [r for r in RULE_SETS if r.effective_from > rule_set.effective_from]
    if later and rule_set.effective_to is not None:
        following = min(later, key=lambda r: r.effective_from)
        assert following.effective_from == rule_set.effective_to + timedelta(days=1)
    assert relativedelta(rule_set.effective_from, date(2022, 1, 1)).years >= 0
