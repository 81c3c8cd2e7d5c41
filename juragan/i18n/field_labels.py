"""One name per stored field, as the interface calls it, and one readable form of
its value: what the audit log, the returnee's own-data download and the record
history show instead of column names such as ``regency_code``.

A column is named by :data:`BY_TABLE` where it means something of its own in that
table, else by :data:`COMMON`. ``tests/unit/test_field_labels.py`` fails when a
column of an audited table, or of a table in the own-data download, has no name
here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from juragan.i18n import rupiah_filter
from juragan.i18n.labels import (
    AUDIT_ACTION_LABELS,
    LANGUAGE_LABELS,
    RECORD_TYPE_LABELS,
    ROLE_LABELS,
    SEX_LABELS,
    code_label,
)

#: Column names that mean the same in every table that has them.
COMMON: dict[str, Any] = {
    # Record keeping
    "id": _l("Record number"),
    "version": _l("Version of the record"),
    "created_at": _l("Created at"),
    "updated_at": _l("Last changed at"),
    "disclosure_key": _l("Key for published figures"),
    # Links to other records
    "returnee_id": _l("Returnee (record number)"),
    "business_id": _l("Business (record number)"),
    "plan_id": _l("Business plan (record number)"),
    "placement_id": _l("Placement abroad (record number)"),
    "loan_id": _l("KUR application (record number)"),
    "visit_id": _l("Mentoring visit (record number)"),
    "user_id": _l("Account (record number)"),
    "mentor_id": _l("Mentor (account number)"),
    "actor_id": _l("Done by (account number)"),
    "author_id": _l("Written by (account number)"),
    "changed_by_id": _l("Changed by (account number)"),
    "checked_by_id": _l("Checked by (account number)"),
    "closed_by_id": _l("Closed by (account number)"),
    "created_by_id": _l("Created by (account number)"),
    "decided_by_id": _l("Decided by (account number)"),
    "nik_verified_by_id": _l("NIK checked by (account number)"),
    "ready_by_id": _l("Declared ready by (account number)"),
    "recorded_by_id": _l("Recorded by (account number)"),
    "registered_by_id": _l("Registered by (account number)"),
    "reported_by_id": _l("Reported by (account number)"),
    "updated_by_id": _l("Changed by (account number)"),
    "uploaded_by_id": _l("Uploaded by (account number)"),
    "lender_branch_id": _l("Lender's branch (record number)"),
    # The person
    "nik": _l("NIK"),
    "nik_ciphertext": _l("NIK (encrypted)"),
    "npwp": _l("NPWP"),
    "nik_hash": _l("NIK (fingerprint for search)"),
    "nik_verified_at": _l("NIK checked against the KTP at"),
    "full_name": _l("Full name"),
    "sex": _l("Sex"),
    "birth_date": _l("Birth date"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "province_code": _l("Province"),
    "regency_code": _l("Regency or city"),
    "district": _l("District"),
    "village": _l("Village"),
    "education": _l("Education"),
    "marital_status": _l("Marital status"),
    "dependants": _l("Dependants"),
    "consent_at": _l("Consent given at"),
    "consent_version": _l("Version of the consent text"),
    "consent_purpose": _l("Consent to"),
    "erased_at": _l("Erased at"),
    # Work abroad
    "country_code": _l("Destination country"),
    "sector": _l("Line of work"),
    "occupation": _l("Occupation"),
    "agency_name": _l("Placement agency (P3MI)"),
    "is_independent": _l("Went independently"),
    "departure_date": _l("Departure"),
    "contract_months": _l("Contract (months)"),
    "return_date": _l("Return"),
    "return_reason": _l("Reason for return"),
    "salary_foreign": _l("Salary a month (foreign currency)"),
    "salary_currency": _l("Salary currency"),
    "salary_idr": _l("Salary a month (Rp)"),
    "remittances_idr": _l("Sent home (Rp)"),
    "savings_idr": _l("Savings on return (Rp)"),
    "skills": _l("Skills"),
    # Trainings
    "title": _l("Training"),
    "stage": _l("When in the journey"),
    "organiser": _l("Organiser"),
    "start_date": _l("Start"),
    "end_date": _l("End"),
    "certificate": _l("Certificate"),
    # Account
    "username": _l("Username"),
    "password_hash": _l("Password (hashed)"),
    "role": _l("Role"),
    "locale": _l("Language"),
    "is_active_account": _l("Account active"),
    "scope_province_code": _l("Works for province"),
    "scope_regency_code": _l("Works for regency or city"),
    "last_login_at": _l("Last signed in at"),
    "lender_code": _l("Lender"),
    "token_hash": _l("Session key (hashed)"),
    "authenticated_at": _l("Signed in at"),
    "last_seen_at": _l("Last seen at"),
    "ended_at": _l("Ended at"),
    "end_reason": _l("Why it ended"),
    "user_agent": _l("Browser"),
    # Business plan
    "business_name": _l("Business name"),
    "description": _l("Description"),
    "kbli_code": _l("KBLI code"),
    "kbli_section": _l("KBLI section"),
    "legal_form": _l("Legal form"),
    "planned_start": _l("Planned start"),
    "target_market": _l("Target market"),
    "competitors": _l("Competitors"),
    "marketing": _l("Marketing"),
    "operations": _l("Operations"),
    "equipment": _l("Equipment"),
    "suppliers": _l("Suppliers"),
    "risks": _l("Risks"),
    "workers_planned": _l("Workers planned"),
    "projection_months": _l("Months projected"),
    "kur_rate_percent": _l("KUR rate (% a year)"),
    "kur_tenor_months": _l("KUR tenor (months)"),
    "kur_lean_months": _l("Lean months"),
    "is_revised": _l("Revised after review"),
    "ready_at": _l("Declared ready at"),
    "ready_reason": _l("Why it is ready"),
    "ready_threshold": _l("Repayment cover required"),
    "position": _l("Order"),
    "amount_idr": _l("Amount (Rp)"),
    "sales_idr": _l("Sales (Rp)"),
    "cogs_idr": _l("Cost of goods sold (Rp)"),
    "operating_costs_idr": _l("Operating costs (Rp)"),
    "owner_draw_idr": _l("Owner's draw (Rp)"),
    "body": _l("Comment"),
    "section": _l("Part of the plan"),
    "version_number": _l("Plan version"),
    "resolved_at": _l("Resolved at"),
    # Business
    "name": _l("Name"),
    "nib": _l("NIB"),
    "opened_on": _l("Opened on"),
    "status_since": _l("In this state since"),
    "workers_paid": _l("Paid workers"),
    "workers_family": _l("Family workers"),
    "changed_on": _l("Changed on"),
    "from_status": _l("From"),
    "to_status": _l("To"),
    "close_reason": _l("Why it closed"),
    "month": _l("Month"),
    "revenue_idr": _l("Revenue (Rp)"),
    "reported_at": _l("Reported at"),
    "source": _l("Reported by"),
    # KUR
    "access_number": _l("Application number"),
    "amount_requested_idr": _l("Amount requested (Rp)"),
    "amount_disbursed_idr": _l("Amount disbursed (Rp)"),
    "scheme": _l("Scheme"),
    "purpose": _l("Purpose of the loan"),
    "lender": _l("Lender"),
    "tenor_months": _l("Tenor (months)"),
    "grace_months": _l("Grace period (months)"),
    "interest_only_months": _l("Interest-only months"),
    "lean_months": _l("Lean months"),
    "rate_percent": _l("Interest rate (% a year)"),
    "rate_province_code": _l("Province of the rate"),
    "rule_set": _l("KUR rules applied"),
    "applied_on": _l("Applied on"),
    "submitted_at": _l("Submitted at"),
    "decided_at": _l("Decided at"),
    "decision_reason": _l("Reason for the decision"),
    "decision_note": _l("Note on the decision"),
    "akad_on": _l("Contract signed on"),
    "disbursed_on": _l("Disbursed on"),
    "first_due_on": _l("First instalment due on"),
    "status_changed_at": _l("State since"),
    "business_slot": _l("Business of the application"),
    "declared_facts": _l("What the applicant declared"),
    "has_npwp": _l("Has an NPWP"),
    "npwp_ciphertext": _l("NPWP (encrypted)"),
    "npwp_hash": _l("NPWP (fingerprint for search)"),
    "other_credit_mask": _l("Other credit held"),
    "is_sikp_registered": _l("Registered in SIKP"),
    "doc_type": _l("Document"),
    "original_name": _l("File name"),
    "stored_name": _l("Stored file (internal name)"),
    "content_type": _l("File type"),
    "size_bytes": _l("File size (bytes)"),
    "sha256": _l("File fingerprint (SHA-256)"),
    "uploaded_at": _l("Uploaded at"),
    "at": _l("When"),
    "number": _l("Instalment number"),
    "due_on": _l("Due on"),
    "principal_idr": _l("Principal (Rp)"),
    "interest_idr": _l("Interest (Rp)"),
    "paid_principal_idr": _l("Principal paid (Rp)"),
    "paid_interest_idr": _l("Interest paid (Rp)"),
    "settled_on": _l("Settled on"),
    "paid_on": _l("Paid on"),
    "reference": _l("Reference"),
    "recorded_at": _l("Recorded at"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "kind": _l("Kind"),
    "status": _l("State"),
    # Restructuring, checks, guarantee claims and other loan events
    "effective_on": _l("Takes effect on"),
    "option": _l("Option chosen"),
    "grade_before": _l("Collectibility before"),
    "arrears_principal_idr": _l("Principal in arrears (Rp)"),
    "arrears_interest_idr": _l("Interest in arrears (Rp)"),
    "accrued_interest_idr": _l("Interest accrued (Rp)"),
    "lines": _l("New schedule"),
    "checked_on": _l("Checked on"),
    "result": _l("Result"),
    "worst_collectibility": _l("Worst collectibility"),
    "occurred_on": _l("Happened on"),
    "basis": _l("Basis"),
    "guarantor_share_idr": _l("Guarantor's share (Rp)"),
    "guarantor": _l("Guarantor"),
    "submitted_on": _l("Submitted on"),
    "claimed_idr": _l("Claimed (Rp)"),
    "paid_idr": _l("Paid (Rp)"),
    "rejection_reason": _l("Reason for refusal"),
    # Mentoring
    "visited_on": _l("Visited on"),
    "mode": _l("How"),
    "duration_minutes": _l("Duration (minutes)"),
    "topics": _l("Topics"),
    "observations": _l("What the mentor saw"),
    "problems": _l("Problems"),
    "business_status": _l("State of the business"),
    "revenue_last_month_idr": _l("Revenue last month (Rp)"),
    "next_visit_on": _l("Next visit on"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "location_consent": _l("Agreed to record the location"),
    "idempotency_key": _l("Sending key (against double saving)"),
    "owner": _l("Who does it"),
    "closed_at": _l("Done at"),
    "width": _l("Width (pixels)"),
    "height": _l("Height (pixels)"),
    "taken_on": _l("Taken on"),
    "answers": _l("Answers"),
    "economic": _l("Economic score"),
    "social": _l("Social score"),
    "psychosocial": _l("Psychosocial score"),
    "overall": _l("Overall score"),
    "early_days": _l("Days between visits at first"),
    "early_months": _l("Months the first cadence lasts"),
    "steady_days": _l("Days between visits later"),
    "risk_days": _l("Days between visits when at risk"),
    # Erasure requests
    "requested_at": _l("Requested at"),
    # What a view, an export or a search records instead of a column
    # (audit.record_view, audit.record_search).
    "all_personal_data": _l("Everything held (the person's own download)"),
    "registry_export": _l("Registry export"),
    "placements": _l("Placements abroad"),
    "trainings": _l("Trainings"),
    "payment_reminder": _l("Payment reminder"),
    "file": _l("The file"),
    "nik_registration": _l("A registration with a NIK already registered"),
    # Account recovery
    "official_id": _l("Official (account number)"),
    "ktp_checked": _l("KTP checked in person"),
    "contact_kind": _l("Sent to"),
    "destination_hash": _l("Address sent to (fingerprint)"),
    "code_hash": _l("Code (fingerprint)"),
    "expires_at": _l("Valid until"),
    "attempts": _l("Wrong tries"),
    "confirmed_at": _l("Used at"),
    "value_hash": _l("Contact (fingerprint)"),
    "verified_at": _l("Verified at"),
    # Consent (juragan.consent_rules)
    "wording_version": _l("Version of the words"),
    "wording": _l("Words agreed to"),
    "method": _l("How it was given"),
    "given_at": _l("Given at"),
    "form_reference": _l("Archive reference of the signed form"),
    "withdrawn_at": _l("Withdrawn at"),
    "effective_at": _l("Withdrawal takes effect at"),
    "withdrawal_method": _l("How it was withdrawn"),
    "withdrawn_by_id": _l("Withdrawal recorded by (account number)"),
    "withdrawal_reason": _l("Why it was withdrawn"),
    "recorded_by": _l("Recorded by"),
    # Lenders
    "code": _l("Code"),
    "is_active": _l("Active"),
    "decision_sla_days": _l("Days to decide"),
    "min_repayment_coverage": _l("Repayment cover required"),
}

#: Where a table's column means something of its own.
BY_TABLE: dict[str, dict[str, Any]] = {
    "consent_records": {
        "purpose": _l("Purpose"),
        "effective_on": _l("Withdrawal takes effect on"),
    },
    "business_plans": {
        "status": _l("State of the plan"),
        "description": _l("The business in a few words"),
        "is_active": _l("Current plan"),
    },
    "businesses": {"status": _l("State of the business"), "name": _l("Business name")},
    "loan_applications": {
        "status": _l("State of the application"),
        "kind": _l("Kind of loan"),
    },
    "plan_capital_items": {"kind": _l("Kind of capital"), "description": _l("Item")},
    "plan_funding_sources": {
        "kind": _l("Source of funds"),
        "description": _l("Source"),
    },
    "plan_projection_months": {"month": _l("Month of the plan")},
    "trainings": {"kind": _l("Kind of training")},
    "loan_payments": {"kind": _l("Kind of payment"), "amount_idr": _l("Paid (Rp)")},
    "loan_schedule_revisions": {
        "kind": _l("Kind of change"),
        "number": _l("Revision number"),
        "principal_idr": _l("Principal outstanding (Rp)"),
    },
    "loan_checks": {"kind": _l("Check")},
    "loan_events": {"kind": _l("Event")},
    "loan_transitions": {"at": _l("When"), "reason": _l("Reason")},
    "guarantee_claims": {"status": _l("State of the claim")},
    "erasure_requests": {
        "status": _l("State of the request"),
        "reason": _l("Why erasure was asked"),
    },
    "business_reports": {"month": _l("Month reported")},
    "lenders": {"kind": _l("Kind of lender"), "name": _l("Lender")},
    "users": {"full_name": _l("Name"), "email": _l("E-mail")},
    "action_items": {"description": _l("What to do")},
}


def field_label(table: str, column: str) -> str:
    """The interface's name for ``column`` of ``table``, in the reader's language.

    A column this module does not know keeps its stored name, so that a page
    never fails; the test of this module keeps that from happening.
    """
    label = BY_TABLE.get(table, {}).get(column) or COMMON.get(column)
    return column if label is None else str(label)


def known(table: str, column: str) -> bool:
    return column in BY_TABLE.get(table, {}) or column in COMMON


# Values ------------------------------------------------------------------------

#: Columns whose stored value is a code of one of :func:`labels.code_label`'s lists.
_CODE_KINDS: dict[tuple[str, str], str] = {
    ("returnees", "education"): "education",
    ("returnees", "marital_status"): "marital",
    ("placements", "sector"): "sector",
    ("placements", "return_reason"): "return_reason",
    ("trainings", "kind"): "training_kind",
    ("trainings", "stage"): "training_stage",
    ("business_plans", "status"): "plan_status",
    ("business_plans", "sector"): "business_line",
    ("business_plans", "legal_form"): "legal_form",
    ("businesses", "status"): "business_status",
    ("businesses", "sector"): "business_line",
    ("businesses", "legal_form"): "legal_form",
    ("business_status_changes", "from_status"): "business_status",
    ("business_status_changes", "to_status"): "business_status",
    ("business_status_changes", "close_reason"): "close_reason",
    ("plan_capital_items", "kind"): "capital_kind",
    ("plan_funding_sources", "kind"): "funding_kind",
    ("plan_comments", "section"): "plan_section",
    ("loan_applications", "status"): "loan_status",
    ("loan_applications", "scheme"): "scheme",
    ("loan_applications", "kind"): "loan_kind",
    ("loan_applications", "purpose"): "purpose",
    ("loan_applications", "lender"): "lender",
    ("loan_transitions", "from_status"): "loan_status",
    ("loan_transitions", "to_status"): "loan_status",
    ("loan_documents", "doc_type"): "document",
    ("loan_payments", "kind"): "payment_kind",
    ("visits", "mode"): "visit_mode",
    ("visits", "business_status"): "observed_status",
    ("visits", "topics"): "visit_topic",
    ("action_items", "owner"): "action_owner",
    ("users", "lender_code"): "lender",
}


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, datetime):
        return format_datetime(value, "medium")
    if isinstance(value, date):
        return format_date(value, "long")
    return str(value)


def _date_text(value: Any) -> str:
    """Dates reach the download as ISO text (the JSON's form)."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value), "long")
            return format_datetime(datetime.fromisoformat(value), "medium")
        except ValueError:
            return value
    return _plain(value)


def readable_value(
    table: str,
    column: str,
    value: Any,
    names: Callable[[str, str], str | None] | None = None,
) -> str:
    """``value`` of ``column`` as a person reads it: codes as their words, dates
    in the reader's language, amounts in rupiah, yes or no. ``names`` looks up a
    region's or a country's name (``names(kind, code)``) where the caller has it.
    """
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(readable_value(table, column, v, names) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(v)}" for key, v in value.items())
    if table == "consent_records" and column in _CONSENT_CODES:
        from juragan import consent_rules

        labels = getattr(consent_rules, _CONSENT_CODES[column])
        return str({str(k): v for k, v in labels.items()}.get(str(value), value))
    kind = _CODE_KINDS.get((table, column))
    if kind is not None:
        return code_label(kind, str(value))
    if column == "sex":
        return str(SEX_LABELS.get(value, value))
    if column == "role":
        return str(ROLE_LABELS.get(value, value))
    if column == "locale":
        return LANGUAGE_LABELS.get(value, value)
    if column in _DECIMALS:
        try:
            return format_decimal(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    if names is not None and column in _NAMED:
        found = names(_NAMED[column], str(value))
        if found:
            return found
    if column.endswith("_idr") and isinstance(value, int | Decimal | str):
        try:
            return rupiah_filter(int(Decimal(str(value))))
        except (ArithmeticError, ValueError):
            return str(value)
    return _date_text(value)


#: Consent's codes, labelled in juragan.consent_rules.
_CONSENT_CODES = {
    "purpose": "LABELS",
    "method": "METHOD_LABELS",
    "withdrawal_method": "METHOD_LABELS",
}
#: Numbers with decimals, written with the reader's separators.
_DECIMALS = frozenset(
    {
        "salary_foreign",
        "kur_rate_percent",
        "rate_percent",
        "economic",
        "social",
        "psychosocial",
        "overall",
        "latitude",
        "longitude",
        "ready_threshold",
        "min_repayment_coverage",
    }
)
_NAMED = {
    "country_code": "country",
    "province_code": "province",
    "regency_code": "regency",
    "scope_province_code": "province",
    "scope_regency_code": "regency",
    "rate_province_code": "province",
}


def action_label(action: str) -> str:
    return str(AUDIT_ACTION_LABELS.get(action, action))


def record_label(table: str) -> str:
    return str(RECORD_TYPE_LABELS.get(table, table))
