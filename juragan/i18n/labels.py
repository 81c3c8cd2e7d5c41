"""Human names for stored codes, translated at render time.

A code list with a CHECK is an enum of ``juragan.domain.codes``, which declares the
labels; its dict here is derived from it (``Sector.labels()``). The dicts written
out here are the lists that are not (yet) enums.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from juragan.domain.codes import (
    ActionOwner,
    AuditAction,
    BusinessLine,
    BusinessStatus,
    CapitalKind,
    CheckKind,
    CheckResult,
    ClaimStatus,
    CloseReason,
    DocumentType,
    EducationLevel,
    FundingKind,
    Guarantor,
    KbliSection,
    Language,
    LegalForm,
    LoanEventKind,
    LoanKind,
    LoanPurpose,
    MaritalStatus,
    ObservedStatus,
    PaymentKind,
    PlanSection,
    PlanStatus,
    ReturnReason,
    RevisionOption,
    ScheduleRevision,
    Scheme,
    Sector,
    Sex,
    TrainingKind,
    TrainingStage,
    VisitMode,
    VisitTopic,
)
from juragan.domain.kur_rules import CREDIT_KIND_LABELS
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.models import Role

ROLE_LABELS = {
    Role.RETURNEE: _l("Returnee (Purna PMI)"),
    Role.MENTOR: _l("Mentor"),
    Role.OFFICIAL: _l("Official"),
    Role.BANK_OFFICER: _l("Bank officer"),
    Role.ADMIN: _l("Administrator"),
    Role.OBSERVER: _l("Observer (figures only)"),
}

SEX_LABELS = Sex.labels()

AUDIT_ACTION_LABELS = AuditAction.labels()

LANGUAGE_LABELS = Language.labels()

#: Audited tables, as a reader of the audit trail knows them.
RECORD_TYPE_LABELS = {
    "users": _l("Account"),
    "returnees": _l("Returnee"),
    "placements": _l("Placement abroad"),
    "trainings": _l("Training"),
    "business_plans": _l("Business plan"),
    "plan_capital_items": _l("Plan: capital need"),
    "plan_funding_sources": _l("Plan: funding source"),
    "plan_projection_months": _l("Plan: monthly projection"),
    "plan_comments": _l("Plan: review comment"),
    "businesses": _l("Business"),
    "business_status_changes": _l("Business: change of state"),
    "loan_applications": _l("KUR application"),
    "loan_documents": _l("KUR document"),
    "loan_instalments": _l("KUR instalment"),
    "loan_payments": _l("KUR payment"),
    "visits": _l("Mentoring visit"),
    "consent_records": _l("Consent"),
    "action_items": _l("Action item"),
    "wellbeing_checks": _l("Wellbeing check"),
    "business_reports": _l("Business figures for a month"),
    "visit_cadences": _l("Visit cadence"),
    "lenders": _l("Lender"),
}

SECTOR_LABELS = Sector.labels()

RETURN_REASON_LABELS = ReturnReason.labels()

EDUCATION_LABELS = EducationLevel.labels()

MARITAL_LABELS = MaritalStatus.labels()

TRAINING_KIND_LABELS = TrainingKind.labels()

TRAINING_STAGE_LABELS = TrainingStage.labels()

REGISTRY_STATUS_LABELS = {
    "abroad": _l("Abroad now"),
    "returned": _l("Returned"),
    "no_placement": _l("No placement recorded"),
    "verified": _l("NIK verified"),
    "unverified": _l("NIK not verified"),
}


BUSINESS_LINE_LABELS = BusinessLine.labels()

KBLI_LABELS = KbliSection.labels()

LEGAL_FORM_LABELS = LegalForm.labels()

PLAN_STATUS_LABELS = PlanStatus.labels()

CAPITAL_KIND_LABELS = CapitalKind.labels()

FUNDING_KIND_LABELS = FundingKind.labels()

PLAN_SECTION_LABELS = PlanSection.labels()

#: Fields and figures of a plan, as the comparison of versions names them.
PLAN_FIELD_LABELS = {
    "business_name": _l("Business name"),
    "legal_form": _l("Form of business"),
    "sector": _l("Line of business"),
    "kbli_section": _l("KBLI category"),
    "kbli_code": _l("KBLI 2025 code"),
    "province_code": _l("Province"),
    "regency_code": _l("Regency or city"),
    "district": _l("District (kecamatan)"),
    "planned_start": _l("Planned start"),
    "description": _l("Product or service"),
    "target_market": _l("Customers and market"),
    "competitors": _l("Competitors"),
    "marketing": _l("Marketing"),
    "operations": _l("How the business runs"),
    "suppliers": _l("Suppliers"),
    "equipment": _l("Equipment"),
    "workers_planned": _l("Workers planned"),
    "risks": _l("Risks and how to meet them"),
    "capital": _l("Capital needs"),
    "funding": _l("Funding sources"),
    "kur_terms": _l("KUR tenor / rate"),
    "projection_months": _l("Months projected"),
    "needs_idr": _l("Total needs"),
    "sources_idr": _l("Total funding"),
    "kur_idr": _l("KUR requested"),
    "total_sales_idr": _l("Total sales"),
    "total_operating_profit_idr": _l("Total operating profit"),
    "total_interest_idr": _l("KUR interest within the projection"),
    "total_tax_idr": _l("Final income tax (PP 55/2022)"),
    "total_net_profit_idr": _l("Total net profit"),
    "operating_margin": _l("Operating margin"),
    "net_margin": _l("Net margin"),
    "break_even_month": _l("Break-even month"),
    "break_even_sales_idr": _l("Break-even sales a month"),
    "payback_month": _l("Payback month"),
    "instalment_idr": _l("KUR instalment"),
    "coverage": _l("Repayment capacity"),
}

CAPACITY_LABELS = {
    "comfortable": _l("Comfortable"),
    "tight": _l("Tight"),
    "insufficient": _l("Insufficient"),
}

BUSINESS_STATUS_LABELS = BusinessStatus.labels()

CLOSE_REASON_LABELS = CloseReason.labels()

LOAN_STATUS_LABELS = LoanStatus.labels()

#: The tabs of a lender's work queue (``juragan.reports.loan_queue.TABS``).
QUEUE_TAB_LABELS = {
    "verified": _l("To decide"),
    "approved": _l("To disburse"),
    "submitted": _l("Documents being checked"),
    "open": _l("All open"),
}

SCHEME_LABELS = Scheme.labels()

LOAN_KIND_LABELS = LoanKind.labels()

PURPOSE_LABELS = LoanPurpose.labels()

#: The values of a KUR rule set that carry a legal basis (``kur_rules.VALUE_KEYS``).
RULE_VALUE_LABELS = {
    "plafonds": _l("Plafonds"),
    "rates": _l("Rates of Mikro and Kecil"),
    "super_mikro_rate": _l("Super Mikro rate"),
    "khusus": _l("KUR Khusus"),
    "access_caps": _l("Access caps"),
    "concurrent_mikro": _l("A second KUR Mikro"),
    "other_credit": _l("Other credit allowed"),
    "npwp": _l("NPWP"),
    "turnover": _l("Turnover ceiling"),
}

#: The kinds of credit an applicant may hold (``juragan.domain.kur_rules.CREDIT_KINDS``).

LENDER_LABELS = {
    "bri": "BRI",
    "bni": "BNI",
    "mandiri": "Bank Mandiri",
    "bsi": "BSI",
    "bpd_jatim": "Bank Jatim",
    "bpd_jateng": "Bank Jateng",
    "bjb": "bank bjb",
    "sinarmas": "Bank Sinarmas",
    "artha_graha": "Bank Artha Graha",
    "bank_jakarta": "Bank Jakarta",
}

DOCUMENT_TYPE_LABELS = DocumentType.labels()

#: Indicative OJK collectibility classes.
COLLECTIBILITY_LABELS = {
    1: _l("1 Current (Lancar)"),
    2: _l("2 Special mention (Dalam Perhatian Khusus)"),
    3: _l("3 Substandard (Kurang Lancar)"),
    4: _l("4 Doubtful (Diragukan)"),
    5: _l("5 Loss (Macet)"),
}

PAYMENT_KIND_LABELS = PaymentKind.labels()
SCHEDULE_REVISION_LABELS = ScheduleRevision.labels()
SCHEDULE_OPTION_LABELS = RevisionOption.labels()
MONTH_NAMES = (
    _l("January"),
    _l("February"),
    _l("March"),
    _l("April"),
    _l("May"),
    _l("June"),
    _l("July"),
    _l("August"),
    _l("September"),
    _l("October"),
    _l("November"),
    _l("December"),
)

VISIT_MODE_LABELS = VisitMode.labels()

VISIT_TOPIC_LABELS = VisitTopic.labels()

OBSERVED_STATUS_LABELS = ObservedStatus.labels()

ACTION_OWNER_LABELS = ActionOwner.labels()

DUE_REASON_LABELS = {
    "routine": _l("routine visit"),
    "young_business": _l("young business: monthly"),
    "arrears": _l("loan in arrears"),
    "revenue": _l("revenue twice below 60%"),
    "wellbeing": _l("wellbeing score falling"),
    "paused": _l("business paused"),
    "agreed": _l("agreed at the last visit"),
}

FUNNEL_LABELS = {
    "returned": _l("Came home"),
    "planned": _l("Wrote a business plan"),
    "ready": _l("Plan ready for the bank"),
    "opened": _l("Opened a business"),
    "lasting": _l("Operating 12 months later"),
}

COLLATERAL_LABELS = {
    "financed_only": _l("The financed business only"),
    "none_up_to_100m": _l("No additional collateral up to Rp100 juta"),
    "lender_policy": _l("Additional collateral as the lender decides"),
    "by_size": _l("By loan size"),
    "none": _l("None"),
}

CHECK_LABELS = {
    "nik": _l("NIK"),
    "age": _l("Age or marriage"),
    "plafond": _l("Plafond"),
    "tenor": _l("Tenor"),
    "business_age": _l("Business age"),
    "group": _l("Business group"),
    "contract": _l("Work contract"),
    "other_credit": _l("Other credit"),
    "npwp": _l("NPWP"),
    "turnover": _l("Turnover"),
    "access": _l("Number of KUR loans"),
}

IMPORT_OUTCOME_LABELS = {
    "create": _l("new"),
    "update": _l("changed"),
    "unchanged": _l("unchanged"),
    "reject": _l("rejected"),
}


#: SIKP, SLIK and BPJS Ketenagakerjaan checks and their answers.
CHECK_KIND_LABELS = CheckKind.labels()
CHECK_RESULT_LABELS = CheckResult.labels()
LOAN_EVENT_LABELS = LoanEventKind.labels()
GUARANTOR_LABELS = Guarantor.labels()
APPROVAL_EXCEPTION_LABELS = {
    "not_eligible": _l("the chosen scheme's verdict is not eligible"),
    "capacity_below_threshold": _l(
        "the repayment capacity is below the lender's threshold"
    ),
    "no_capacity": _l("the plan gives no repayment capacity"),
}
CLAIM_STATUS_LABELS = ClaimStatus.labels()

_CODE_LABELS = {
    "sector": SECTOR_LABELS,
    "return_reason": RETURN_REASON_LABELS,
    "education": EDUCATION_LABELS,
    "marital": MARITAL_LABELS,
    "training_kind": TRAINING_KIND_LABELS,
    "training_stage": TRAINING_STAGE_LABELS,
    "registry_status": REGISTRY_STATUS_LABELS,
    "business_line": BUSINESS_LINE_LABELS,
    "kbli": KBLI_LABELS,
    "legal_form": LEGAL_FORM_LABELS,
    "plan_status": PLAN_STATUS_LABELS,
    "capital_kind": CAPITAL_KIND_LABELS,
    "funding_kind": FUNDING_KIND_LABELS,
    "plan_section": PLAN_SECTION_LABELS,
    "plan_field": PLAN_FIELD_LABELS,
    "capacity": CAPACITY_LABELS,
    "business_status": BUSINESS_STATUS_LABELS,
    "close_reason": CLOSE_REASON_LABELS,
    "loan_status": LOAN_STATUS_LABELS,
    "scheme": SCHEME_LABELS,
    "loan_kind": LOAN_KIND_LABELS,
    "purpose": PURPOSE_LABELS,
    "other_credit": CREDIT_KIND_LABELS,
    "rule_value": RULE_VALUE_LABELS,
    "lender": LENDER_LABELS,
    "document": DOCUMENT_TYPE_LABELS,
    "collectibility": COLLECTIBILITY_LABELS,
    "payment_kind": PAYMENT_KIND_LABELS,
    "schedule_revision": SCHEDULE_REVISION_LABELS,
    "schedule_option": SCHEDULE_OPTION_LABELS,
    "check": CHECK_LABELS,
    "collateral": COLLATERAL_LABELS,
    "visit_mode": VISIT_MODE_LABELS,
    "visit_topic": VISIT_TOPIC_LABELS,
    "observed_status": OBSERVED_STATUS_LABELS,
    "action_owner": ACTION_OWNER_LABELS,
    "due_reason": DUE_REASON_LABELS,
    "funnel": FUNNEL_LABELS,
    "check_kind": CHECK_KIND_LABELS,
    "check_result": CHECK_RESULT_LABELS,
    "loan_event": LOAN_EVENT_LABELS,
    "guarantor": GUARANTOR_LABELS,
    "claim_status": CLAIM_STATUS_LABELS,
    "approval_exception": APPROVAL_EXCEPTION_LABELS,
}


def code_label(kind: str, code: str | None) -> str:
    """The reader's word for a stored code, e.g. ``code_label("sector", "caregiver")``."""
    if code is None:
        return "–"
    return str(_CODE_LABELS[kind].get(code, code))


#: The sections of "my data" (the PDF of everything held about a person).
PERSONAL_DATA_SECTIONS = {
    "profile": _l("Profile"),
    "account": _l("Account"),
    "mentor": _l("Mentor"),
    "placements": _l("Work abroad"),
    "trainings": _l("Trainings"),
    "business_plans": _l("Business plans"),
    "businesses": _l("Businesses"),
    "kur_applications": _l("KUR applications"),
    "mentoring_visits": _l("Mentoring visits"),
    "wellbeing_checks": _l("Wellbeing checks"),
    "erasure_requests": _l("Erasure requests"),
    "access_resets": _l("Access reset at an office"),
    "consents": _l("Consent per purpose, with its history"),
    "record_history": _l("Who looked at or changed your record"),
}


def left_out_for_small_group(min_group: int) -> str:
    """What a figure reads as when its group is too small to show it: plain text
    (escaped where it is shown), never a value such as "< 10"."""
    return str(_l("hidden (group < %(n)s)", n=min_group))
