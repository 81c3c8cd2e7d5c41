"""Human names for stored codes, translated at render time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from juragan.models import Role

ROLE_LABELS = {
    Role.RETURNEE: _l("Returnee (Purna PMI)"),
    Role.MENTOR: _l("Mentor"),
    Role.OFFICIAL: _l("Official"),
    Role.BANK_OFFICER: _l("Bank officer"),
    Role.ADMIN: _l("Administrator"),
    Role.OBSERVER: _l("Observer (figures only)"),
}

SEX_LABELS = {"F": _l("Female"), "M": _l("Male")}

AUDIT_ACTION_LABELS = {
    "insert": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "view": _l("Viewed in full"),
    "erase": _l("Erased at the person's request"),
}

LANGUAGE_LABELS = {"id": "Bahasa Indonesia", "en": "English"}

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
    "action_items": _l("Action item"),
    "wellbeing_checks": _l("Wellbeing check"),
    "business_reports": _l("Business figures for a month"),
    "visit_cadences": _l("Visit cadence"),
    "lenders": _l("Lender"),
}

SECTOR_LABELS = {
    "domestic_worker": _l("Domestic worker"),
    "caregiver": _l("Caregiver"),
    "manufacturing": _l("Manufacturing"),
    "construction": _l("Construction"),
    "plantation": _l("Plantation or agriculture"),
    "fishing_crew": _l("Fishing vessel crew"),
    "hospitality": _l("Hospitality"),
    "other": _l("Other"),
}

RETURN_REASON_LABELS = {
    "contract_completed": _l("Contract completed"),
    "early_termination": _l("Early termination"),
    "case": _l("A case or problem"),
    "deported": _l("Deported"),
    "other": _l("Other"),
}

EDUCATION_LABELS = {
    "none": _l("No schooling"),
    "sd": _l("Primary school (SD)"),
    "smp": _l("Junior secondary (SMP)"),
    "sma": _l("Senior secondary (SMA/SMK)"),
    "diploma": _l("Diploma (D1-D3)"),
    "bachelor": _l("Bachelor or higher"),
}

MARITAL_LABELS = {
    "single": _l("Single"),
    "married": _l("Married"),
    "divorced": _l("Divorced"),
    "widowed": _l("Widowed"),
}

TRAINING_KIND_LABELS = {
    "entrepreneurship": _l("Entrepreneurship training"),
    "migran_center": _l("Migran Center"),
    "desmigratif": _l("Desmigratif"),
    "vocational": _l("Vocational certificate"),
    "pre_departure": _l("Pre-departure orientation"),
    "other": _l("Other"),
}

TRAINING_STAGE_LABELS = {
    "before_departure": _l("Before departure"),
    "abroad": _l("While abroad"),
    "after_return": _l("After return"),
}

REGISTRY_STATUS_LABELS = {
    "abroad": _l("Abroad now"),
    "returned": _l("Returned"),
    "no_placement": _l("No placement recorded"),
    "verified": _l("NIK verified"),
    "unverified": _l("NIK not verified"),
}


BUSINESS_LINE_LABELS = {
    "culinary": _l("Food stall or catering"),
    "warung": _l("Retail shop (warung)"),
    "farming": _l("Farming"),
    "livestock": _l("Livestock"),
    "fisheries": _l("Fisheries"),
    "handicraft": _l("Handicraft"),
    "tailoring": _l("Tailoring"),
    "transport": _l("Transport"),
    "services": _l("Services"),
    "other": _l("Other"),
}

#: KBLI 2025 categories (Perba BPS 7/2025). The English is ISIC Rev. 5's name of
#: the section; the Indonesian catalogue gives KBLI 2025's own title (docs/kbli.md).
KBLI_LABELS = {
    "A": _l("A - Agriculture, forestry and fishing"),
    "B": _l("B - Mining and quarrying"),
    "C": _l("C - Manufacturing"),
    "D": _l("D - Electricity, gas, steam and air conditioning supply"),
    "E": _l("E - Water supply; sewerage, waste management and remediation"),
    "F": _l("F - Construction"),
    "G": _l("G - Wholesale and retail trade"),
    "H": _l("H - Transportation and storage"),
    "I": _l("I - Accommodation and food service activities"),
    "J": _l("J - Publishing, broadcasting, and content production and distribution"),
    "K": _l(
        "K - Telecommunications, computer programming, consultancy, computing"
        " infrastructure and other information services"
    ),
    "L": _l("L - Financial and insurance activities"),
    "M": _l("M - Real estate activities"),
    "N": _l("N - Professional, scientific and technical activities"),
    "O": _l("O - Administrative and support service activities"),
    "P": _l("P - Public administration and defence; compulsory social security"),
    "Q": _l("Q - Education"),
    "R": _l("R - Human health and social work activities"),
    "S": _l("S - Arts, sports and recreation"),
    "T": _l("T - Other service activities"),
    "U": _l(
        "U - Activities of households as employers and own-use production of households"
    ),
    "V": _l("V - Activities of extraterritorial organisations"),
}

LEGAL_FORM_LABELS = {
    "individual": _l("Individual"),
    "group": _l("Business group"),
    "cooperative": _l("Cooperative"),
}

PLAN_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "in_review": _l("In review"),
    "ready": _l("Ready for the bank"),
}

CAPITAL_KIND_LABELS = {
    "investment": _l("Investment"),
    "working_capital": _l("Working capital"),
}

FUNDING_KIND_LABELS = {
    "own_savings": _l("Own savings from abroad"),
    "family": _l("Family"),
    "grant": _l("Grant or aid"),
    "kur": _l("KUR loan requested"),
    "other": _l("Other"),
}

PLAN_SECTION_LABELS = {
    "business": _l("The business"),
    "market": _l("Market"),
    "operations": _l("Operations"),
    "risks": _l("Risks"),
    "capital": _l("Capital needs"),
    "funding": _l("Funding"),
    "projections": _l("Monthly projection"),
}

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

BUSINESS_STATUS_LABELS = {
    "operating": _l("Operating"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
}

CLOSE_REASON_LABELS = {
    "not_profitable": _l("Not profitable"),
    "capital_ran_out": _l("Ran out of capital"),
    "health_or_family": _l("Health or family reasons"),
    "migrated_again": _l("Went abroad again"),
    "moved_away": _l("Moved away"),
    "other": _l("Other"),
}

LOAN_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "verified": _l("Documents checked"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "disbursed": _l("Disbursed"),
    "repaying": _l("Repaying"),
    "paid_off": _l("Paid off"),
    "restructured": _l("Restructured"),
    "written_off": _l("Written off"),
    "withdrawn": _l("Withdrawn"),
}

#: The tabs of a lender's work queue (``juragan.reports.loan_queue.TABS``).
QUEUE_TAB_LABELS = {
    "verified": _l("To decide"),
    "approved": _l("To disburse"),
    "submitted": _l("Documents being checked"),
    "open": _l("All open"),
}

SCHEME_LABELS = {
    "super_mikro": _l("KUR Super Mikro"),
    "mikro": _l("KUR Mikro"),
    "kecil": _l("KUR Kecil"),
    "khusus": _l("KUR Khusus"),
    "pmi": _l("KUR Penempatan PMI"),
}

LOAN_KIND_LABELS = {
    "business": _l("Business KUR"),
    "placement": _l("KUR for a placement abroad"),
}

PURPOSE_LABELS = {
    "working_capital": _l("Working capital"),
    "investment": _l("Investment"),
}

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

#: The kinds of credit an applicant may hold (``juragan.kur_rules.CREDIT_KINDS``).
CREDIT_KIND_LABELS = {
    "consumer": _l("Consumer credit for the household"),
    "ultra_micro": _l("Ultra-micro credit up to Rp20 juta (UMi, Mekaar and the like)"),
    "p2p": _l("A fintech or online lending (P2P) loan"),
    "kur_same_lender": _l("KUR at the same bank"),
    "kpr": _l("A home loan (KPR)"),
    "two_wheeler": _l("A motorcycle loan or leasing used for the business"),
    "pension_backed": _l("A loan against a pension"),
    "credit_card": _l("A credit card"),
    "warehouse_receipt": _l("Warehouse-receipt credit (resi gudang)"),
    "kur_other_lender": _l("KUR at another bank"),
    "productive_commercial": _l("Another business loan from a bank or finance company"),
    "government_programme": _l("Credit of another government programme, not repaid"),
    "allowed_unspecified": _l(
        "Only kinds allowed alongside KUR (recorded before the list)"
    ),
}

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

DOCUMENT_TYPE_LABELS = {
    "ktp": _l("KTP-el"),
    "kk": _l("Family card (KK)"),
    "business_proof": _l("Business proof (NIB or a village business letter)"),
    "plan_pdf": _l("Business plan (PDF)"),
    "npwp": _l("NPWP"),
    "placement_agreement": _l("Placement agreement"),
    "work_contract": _l("Work contract"),
    "other": _l("Other"),
}

#: Indicative OJK collectibility classes.
COLLECTIBILITY_LABELS = {
    1: _l("1 Current (Lancar)"),
    2: _l("2 Special mention (Dalam Perhatian Khusus)"),
    3: _l("3 Substandard (Kurang Lancar)"),
    4: _l("4 Doubtful (Diragukan)"),
    5: _l("5 Loss (Macet)"),
}

PAYMENT_KIND_LABELS = {
    "instalment": _l("instalment"),
    "prepayment": _l("prepayment"),
    "payoff": _l("payoff"),
    "arrears": _l("arrears settled at restructuring"),
    "capitalisation": _l("arrears capitalised (no money)"),
}
SCHEDULE_REVISION_LABELS = {
    "disbursement": _l("Schedule at disbursement"),
    "prepayment": _l("After a prepayment"),
    "payoff": _l("Paid off"),
    "restructuring": _l("Restructured"),
}
SCHEDULE_OPTION_LABELS = {
    "lower_instalment": _l("lower instalment"),
    "shorter_tenor": _l("shorter tenor"),
    "capitalise": _l("arrears capitalised"),
    "settle": _l("arrears settled"),
}
MONTH_NAMES = (
    _l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"),
    _l("July"), _l("August"), _l("September"), _l("October"), _l("November"),
    _l("December"),
)  # fmt: skip

VISIT_MODE_LABELS = {
    "home": _l("Home visit"),
    "business": _l("Visit at the business"),
    "phone": _l("Phone call"),
    "video": _l("Video call"),
    "group": _l("Group session"),
}

VISIT_TOPIC_LABELS = {
    "bookkeeping": _l("Bookkeeping"),
    "marketing": _l("Marketing"),
    "product_quality": _l("Product quality"),
    "permits": _l("Permits (NIB, PIRT, halal)"),
    "financial_literacy": _l("Financial literacy"),
    "loan_repayment": _l("Loan repayment"),
    "wellbeing": _l("Family and psychosocial wellbeing"),
    "other": _l("Other"),
}

OBSERVED_STATUS_LABELS = {
    "operating": _l("Operating"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
    "not_started": _l("Not started yet"),
}

ACTION_OWNER_LABELS = {
    "returnee": _l("The returnee"),
    "mentor": _l("The mentor"),
    "other": _l("Someone else"),
}

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
CHECK_KIND_LABELS = {"sikp": "SIKP", "slik": "SLIK", "bpjs_tk": "BPJS Ketenagakerjaan"}
CHECK_RESULT_LABELS = {
    "registered": _l("registered"), "not_registered": _l("not registered"),
    "rejected": _l("rejected"), "clean": _l("clean"), "arrears": _l("has arrears"),
    "not_found": _l("no record"), "member": _l("member"),
    "not_member": _l("not a member"),
}  # fmt: skip
LOAN_EVENT_LABELS = {
    "penalty_charge": _l("penalty charged"), "penalty_waiver": _l("penalty waived"),
    "penalty_payment": _l("penalty paid"), "recovery": _l("recovery"),
}  # fmt: skip
GUARANTOR_LABELS = {"askrindo": "Askrindo", "jamkrindo": "Jamkrindo",
                    "other": _l("another guarantor")}  # fmt: skip
APPROVAL_EXCEPTION_LABELS = {
    "not_eligible": _l("the chosen scheme's verdict is not eligible"),
    "capacity_below_threshold": _l("the repayment capacity is below the lender's threshold"),
    "no_capacity": _l("the plan gives no repayment capacity"),
}  # fmt: skip
CLAIM_STATUS_LABELS = {"submitted": _l("submitted"), "paid": _l("paid"),
                       "rejected": _l("rejected")}  # fmt: skip

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
    "record_history": _l("Who looked at or changed your record"),
}

#: Field names in "my data" that a person reads most; others are shown as stored.
PERSONAL_DATA_FIELDS = {
    "nik": _l("NIK"),
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
    "consent_purpose": _l("Consent to"),
    "country_code": _l("Destination country"),
    "departure_date": _l("Departure"),
    "return_date": _l("Return"),
    "username": _l("Username"),
    "at": _l("When"),
    "by": _l("Who"),
    "action": _l("What"),
    "fields": _l("Fields"),
}


def left_out_for_small_group(min_group: int) -> str:
    """What a figure reads as when its group is too small to show it: plain text
    (escaped where it is shown), never a value such as "< 10"."""
    return str(_l("hidden (group < %(n)s)", n=min_group))
