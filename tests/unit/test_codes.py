"""The code lists of ``juragan.domain.codes``: each one enum, whose labels are
translated, whose CHECKs list its values, and whose label dicts are derived."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import CheckConstraint

from juragan.domain import codes
from juragan.domain.codes import Code
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.i18n import labels
from juragan.models.base import Base
from juragan.models.business_codes import BUSINESS_LINES
from juragan.models.loan_events import CHECK_RESULTS


def _code_lists() -> list[type[Code]]:
    found: list[type[Code]] = []
    pending = list(Code.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: cls.__name__)


CODE_LISTS = _code_lists()

#: Every column a code list is stored in, with a CHECK over its values.
CHECKED: dict[tuple[str, str], type[Code]] = {
    ("audit_log", "action"): codes.AuditAction,
    ("users", "locale"): codes.Language,
    ("returnees", "sex"): codes.Sex,
    ("returnees", "education"): codes.EducationLevel,
    ("returnees", "marital_status"): codes.MaritalStatus,
    ("placements", "sector"): codes.Sector,
    ("placements", "return_reason"): codes.ReturnReason,
    ("trainings", "kind"): codes.TrainingKind,
    ("trainings", "stage"): codes.TrainingStage,
    ("business_plans", "status"): codes.PlanStatus,
    ("business_plans", "legal_form"): codes.LegalForm,
    ("business_plans", "sector"): codes.BusinessLine,
    ("business_plans", "kbli_section"): codes.KbliSection,
    ("plan_capital_items", "kind"): codes.CapitalKind,
    ("plan_funding_sources", "kind"): codes.FundingKind,
    ("plan_comments", "section"): codes.PlanSection,
    ("businesses", "legal_form"): codes.LegalForm,
    ("businesses", "sector"): codes.BusinessLine,
    ("businesses", "kbli_section"): codes.KbliSection,
    ("kbli_codes", "category"): codes.KbliSection,
    ("businesses", "status"): codes.BusinessStatus,
    ("business_status_changes", "to_status"): codes.BusinessStatus,
    ("business_status_changes", "close_reason"): codes.CloseReason,
    ("loan_applications", "kind"): codes.LoanKind,
    ("loan_applications", "status"): LoanStatus,
    ("loan_applications", "scheme"): codes.Scheme,
    ("loan_applications", "purpose"): codes.LoanPurpose,
    ("loan_documents", "doc_type"): codes.DocumentType,
    ("loan_payments", "kind"): codes.PaymentKind,
    ("loan_schedule_revisions", "kind"): codes.ScheduleRevision,
    ("loan_schedule_revisions", "option"): codes.RevisionOption,
    ("visits", "mode"): codes.VisitMode,
    ("visits", "business_status"): codes.ObservedStatus,
    ("action_items", "owner"): codes.ActionOwner,
    ("business_reports", "status"): codes.ObservedStatus,
    ("loan_checks", "kind"): codes.CheckKind,
    ("loan_events", "kind"): codes.LoanEventKind,
    ("lender_terms", "guarantor"): codes.Guarantor,
    ("guarantee_claims", "guarantor"): codes.Guarantor,
    ("guarantee_claims", "status"): codes.ClaimStatus,
}
#: Code lists kept without a CHECK, and why.
UNCHECKED = {
    # A visit's topics are a JSON list; the service checks each one.
    codes.VisitTopic,
    # Each kind of check has its own answers: tested by kind below.
    codes.CheckResult,
}


def test_every_code_list_is_found():
    # The enumeration below must see the lists, or the tests prove nothing.
    assert codes.Sector in CODE_LISTS
    assert len(CODE_LISTS) >= len(set(CHECKED.values()))


def test_every_code_list_is_stored_under_a_check():
    assert set(CODE_LISTS) == set(CHECKED.values()) | UNCHECKED


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("locale", ["id", "en"])
def test_labels_are_given_and_distinct(app, code_list, locale):
    with app.test_request_context(), force_locale(locale):
        shown = [str(member.label).strip() for member in code_list]
    assert all(shown), shown
    assert len(set(shown)) == len(shown), shown


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=lambda cls: cls.__name__)
def test_values_choices_and_labels_agree(code_list):
    values = code_list.values()
    assert values == tuple(member.value for member in code_list)
    assert [value for value, _ in code_list.choices()] == list(values)
    assert list(code_list.labels()) == list(values)
    for member in code_list:
        assert code_list(member.value) is member
        assert code_list.labels()[member.value] is member.label


def test_every_business_line_starts_in_a_kbli_category():
    assert tuple(BUSINESS_LINES) == codes.BusinessLine.values()
    assert set(BUSINESS_LINES.values()) <= set(codes.KbliSection.values())


def _in_lists(sql: str) -> list[tuple[str, tuple[str, ...]]]:
    """``column IN ('a', 'b')`` clauses of a CHECK: (column, the values in order)."""
    return [
        (column, tuple(re.findall(r"'([^']*)'", listed)))
        for column, listed in re.findall(r"(\w+) IN \(([^)]*)\)", sql)
    ]


def _checked_columns() -> dict[tuple[str, str], list[tuple[str, ...]]]:
    found: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                for column, values in _in_lists(str(constraint.sqltext)):
                    found.setdefault((table.name, column), []).append(values)
    return found


@pytest.mark.parametrize(
    ("table", "column"), sorted(CHECKED), ids=lambda part: str(part)
)
def test_check_lists_exactly_the_enums_values(table, column):
    listed = _checked_columns().get((table, column))
    assert listed, f"no CHECK over {table}.{column}"
    values = CHECKED[table, column].values()
    # One CHECK keeps the column to the list; any other names some of its values.
    assert listed.count(values) == 1, listed
    assert all(set(other) <= set(values) for other in listed), listed


def test_check_results_are_the_enums_values_by_kind():
    # One CHECK gives each kind of check its own answers: together, the list.
    listed = _checked_columns()[("loan_checks", "result")]
    answers = [value for values in listed for value in values]
    assert answers == list(codes.CheckResult.values())
    assert listed == [tuple(results) for results in CHECK_RESULTS.values()]
    assert list(CHECK_RESULTS) == list(codes.CheckKind.values())


def _hand_written_label_dicts() -> dict[str, set[object]]:
    """The ``*_LABELS`` dicts of ``juragan/i18n/labels.py`` written out as literals:
    name -> their keys."""
    tree = ast.parse(Path(labels.__file__).read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Dict)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.endswith("_LABELS")
        ):
            found[node.targets[0].id] = {
                key.value for key in node.value.keys if isinstance(key, ast.Constant)
            }
    return found


def test_no_label_dict_repeats_a_code_list_by_hand():
    hand_written = _hand_written_label_dicts()
    assert "LENDER_LABELS" in hand_written  # the parsing sees the literals
    for code_list in CODE_LISTS:
        for name, keys in hand_written.items():
            assert keys != set(code_list.values()), (
                f"{name} repeats {code_list.__name__}: use {code_list.__name__}.labels()"
            )


def test_label_dicts_of_code_lists_are_derived():
    dicts = [
        value
        for name, value in vars(labels).items()
        if name.endswith("_LABELS") and isinstance(value, dict)
    ]
    for code_list in CODE_LISTS:
        # Each list has its dict there, for the lookups by string (code_label),
        # made of the enum's own labels.
        assert any(
            list(found) == list(code_list.values())
            and all(found[code] is code.label for code in code_list)
            for found in dicts
        ), code_list.__name__


def test_the_interface_offers_the_stored_languages(app):
    assert tuple(app.config["LANGUAGES"]) == codes.Language.values()
