"""The fixed code lists: each one enum, whose members are the stored strings and
carry the reader's word for them.

A list is declared once, here, and everything else reads it: the model's CHECK
(``in_list(column, Sector)``), the form's choices (``Sector.choices()``), the
label shown (``Sector("caregiver").label``) and the label dicts of
``juragan.i18n.labels`` (``Sector.labels()``). A member is written as
``NAME = "stored_value", _l("Label")``; the label is a lazy string, translated
when a page renders it, and its text is the message id of the catalogues, so it
must not change without the translations.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self, TypeAlias

from flask_babel import lazy_gettext as _l

#: A lazily translated string (``flask_babel``'s ``LazyString``, which is untyped).
Label: TypeAlias = Any


class Code(StrEnum):
    """A code list. Its members compare and hash as their stored strings."""

    _label: Label

    def __new__(cls, value: str, label: Label) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> Label:
        """The reader's word for this code, translated when rendered."""
        return self._label

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored strings, in the order declared (the order of the CHECK)."""
        return tuple(member.value for member in cls)

    @classmethod
    def choices(cls) -> list[tuple[str, Label]]:
        """(value, label) pairs, in order: the options of a select field."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def labels(cls) -> dict[str, Label]:
        """Stored string -> label, for code that looks labels up by string."""
        return dict(cls.choices())


class Language(Code):
    """The languages of the interface (``users.locale``). Each is named in its own
    language, so the names are not translated."""

    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


# --- The registry: a returnee, their placements abroad and trainings ----------


class Sex(Code):
    FEMALE = "F", _l("Female")
    MALE = "M", _l("Male")


class EducationLevel(Code):
    NONE = "none", _l("No schooling")
    SD = "sd", _l("Primary school (SD)")
    SMP = "smp", _l("Junior secondary (SMP)")
    SMA = "sma", _l("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _l("Diploma (D1-D3)")
    BACHELOR = "bachelor", _l("Bachelor or higher")


class MaritalStatus(Code):
    SINGLE = "single", _l("Single")
    MARRIED = "married", _l("Married")
    DIVORCED = "divorced", _l("Divorced")
    WIDOWED = "widowed", _l("Widowed")


class Sector(Code):
    """The sector of a placement abroad."""

    DOMESTIC_WORKER = "domestic_worker", _l("Domestic worker")
    CAREGIVER = "caregiver", _l("Caregiver")
    MANUFACTURING = "manufacturing", _l("Manufacturing")
    CONSTRUCTION = "construction", _l("Construction")
    PLANTATION = "plantation", _l("Plantation or agriculture")
    FISHING_CREW = "fishing_crew", _l("Fishing vessel crew")
    HOSPITALITY = "hospitality", _l("Hospitality")
    OTHER = "other", _l("Other")


class ReturnReason(Code):
    CONTRACT_COMPLETED = "contract_completed", _l("Contract completed")
    EARLY_TERMINATION = "early_termination", _l("Early termination")
    CASE = "case", _l("A case or problem")
    DEPORTED = "deported", _l("Deported")
    OTHER = "other", _l("Other")


class TrainingKind(Code):
    ENTREPRENEURSHIP = "entrepreneurship", _l("Entrepreneurship training")
    MIGRAN_CENTER = "migran_center", _l("Migran Center")
    DESMIGRATIF = "desmigratif", _l("Desmigratif")
    VOCATIONAL = "vocational", _l("Vocational certificate")
    PRE_DEPARTURE = "pre_departure", _l("Pre-departure orientation")
    OTHER = "other", _l("Other")


class TrainingStage(Code):
    BEFORE_DEPARTURE = "before_departure", _l("Before departure")
    ABROAD = "abroad", _l("While abroad")
    AFTER_RETURN = "after_return", _l("After return")


# --- Business plans and businesses -------------------------------------------


class BusinessLine(Code):
    """The common lines of returnee businesses (the KBLI category each starts in:
    ``juragan.models.business_codes.BUSINESS_LINES``)."""

    CULINARY = "culinary", _l("Food stall or catering")
    WARUNG = "warung", _l("Retail shop (warung)")
    FARMING = "farming", _l("Farming")
    LIVESTOCK = "livestock", _l("Livestock")
    FISHERIES = "fisheries", _l("Fisheries")
    HANDICRAFT = "handicraft", _l("Handicraft")
    TAILORING = "tailoring", _l("Tailoring")
    TRANSPORT = "transport", _l("Transport")
    SERVICES = "services", _l("Services")
    OTHER = "other", _l("Other")


class KbliSection(Code):
    """KBLI 2025 categories, the letter level (Perba BPS 7/2025). The English is
    ISIC Rev. 5's name of the section; the Indonesian catalogue gives KBLI 2025's
    own title (docs/kbli.md)."""

    SECTION_A = "A", _l("A - Agriculture, forestry and fishing")
    SECTION_B = "B", _l("B - Mining and quarrying")
    SECTION_C = "C", _l("C - Manufacturing")
    SECTION_D = "D", _l("D - Electricity, gas, steam and air conditioning supply")
    SECTION_E = "E", _l("E - Water supply; sewerage, waste management and remediation")
    SECTION_F = "F", _l("F - Construction")
    SECTION_G = "G", _l("G - Wholesale and retail trade")
    SECTION_H = "H", _l("H - Transportation and storage")
    SECTION_I = "I", _l("I - Accommodation and food service activities")
    SECTION_J = (
        "J",
        _l("J - Publishing, broadcasting, and content production and distribution"),
    )
    SECTION_K = (
        "K",
        _l(
            "K - Telecommunications, computer programming, consultancy, computing"
            " infrastructure and other information services"
        ),
    )
    SECTION_L = "L", _l("L - Financial and insurance activities")
    SECTION_M = "M", _l("M - Real estate activities")
    SECTION_N = "N", _l("N - Professional, scientific and technical activities")
    SECTION_O = "O", _l("O - Administrative and support service activities")
    SECTION_P = (
        "P",
        _l("P - Public administration and defence; compulsory social security"),
    )
    SECTION_Q = "Q", _l("Q - Education")
    SECTION_R = "R", _l("R - Human health and social work activities")
    SECTION_S = "S", _l("S - Arts, sports and recreation")
    SECTION_T = "T", _l("T - Other service activities")
    SECTION_U = (
        "U",
        _l(
            "U - Activities of households as employers and own-use production of households"
        ),
    )
    SECTION_V = "V", _l("V - Activities of extraterritorial organisations")


class LegalForm(Code):
    INDIVIDUAL = "individual", _l("Individual")
    GROUP = "group", _l("Business group")
    COOPERATIVE = "cooperative", _l("Cooperative")


class PlanStatus(Code):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    IN_REVIEW = "in_review", _l("In review")
    READY = "ready", _l("Ready for the bank")


class CapitalKind(Code):
    INVESTMENT = "investment", _l("Investment")
    WORKING_CAPITAL = "working_capital", _l("Working capital")


class FundingKind(Code):
    OWN_SAVINGS = "own_savings", _l("Own savings from abroad")
    FAMILY = "family", _l("Family")
    GRANT = "grant", _l("Grant or aid")
    KUR = "kur", _l("KUR loan requested")
    OTHER = "other", _l("Other")


class PlanSection(Code):
    """The parts of a plan, in the order the builder and the proposal show them;
    mentors comment per part."""

    BUSINESS = "business", _l("The business")
    MARKET = "market", _l("Market")
    OPERATIONS = "operations", _l("Operations")
    RISKS = "risks", _l("Risks")
    CAPITAL = "capital", _l("Capital needs")
    FUNDING = "funding", _l("Funding")
    PROJECTIONS = "projections", _l("Monthly projection")


class BusinessStatus(Code):
    OPERATING = "operating", _l("Operating")
    PAUSED = "paused", _l("Paused")
    CLOSED = "closed", _l("Closed")


class CloseReason(Code):
    NOT_PROFITABLE = "not_profitable", _l("Not profitable")
    CAPITAL_RAN_OUT = "capital_ran_out", _l("Ran out of capital")
    HEALTH_OR_FAMILY = "health_or_family", _l("Health or family reasons")
    MIGRATED_AGAIN = "migrated_again", _l("Went abroad again")
    MOVED_AWAY = "moved_away", _l("Moved away")
    OTHER = "other", _l("Other")


# --- KUR applications and loans -----------------------------------------------


class LoanKind(Code):
    BUSINESS = "business", _l("Business KUR")
    PLACEMENT = "placement", _l("KUR for a placement abroad")


class Scheme(Code):
    """The KUR schemes, in the order of the bits of the dashboards' scheme masks."""

    SUPER_MIKRO = "super_mikro", _l("KUR Super Mikro")
    MIKRO = "mikro", _l("KUR Mikro")
    KECIL = "kecil", _l("KUR Kecil")
    KHUSUS = "khusus", _l("KUR Khusus")
    PMI = "pmi", _l("KUR Penempatan PMI")


class LoanPurpose(Code):
    WORKING_CAPITAL = "working_capital", _l("Working capital")
    INVESTMENT = "investment", _l("Investment")


class DocumentType(Code):
    KTP = "ktp", _l("KTP-el")
    KK = "kk", _l("Family card (KK)")
    BUSINESS_PROOF = (
        "business_proof",
        _l("Business proof (NIB or a village business letter)"),
    )
    PLAN_PDF = "plan_pdf", _l("Business plan (PDF)")
    NPWP = "npwp", _l("NPWP")
    PLACEMENT_AGREEMENT = "placement_agreement", _l("Placement agreement")
    WORK_CONTRACT = "work_contract", _l("Work contract")
    OTHER = "other", _l("Other")


class PaymentKind(Code):
    """``instalment``: money towards the schedule; ``prepayment`` and ``payoff``:
    paid ahead, the schedule laid out again or closed; ``arrears``: the borrower
    settles the arrears at a restructuring; ``capitalisation``: no money, the
    arrears become principal of the restructured schedule."""

    INSTALMENT = "instalment", _l("instalment")
    PREPAYMENT = "prepayment", _l("prepayment")
    PAYOFF = "payoff", _l("payoff")
    ARREARS = "arrears", _l("arrears settled at restructuring")
    CAPITALISATION = "capitalisation", _l("arrears capitalised (no money)")


class ScheduleRevision(Code):
    DISBURSEMENT = "disbursement", _l("Schedule at disbursement")
    PREPAYMENT = "prepayment", _l("After a prepayment")
    PAYOFF = "payoff", _l("Paid off")
    RESTRUCTURING = "restructuring", _l("Restructured")


class RevisionOption(Code):
    LOWER_INSTALMENT = "lower_instalment", _l("lower instalment")
    SHORTER_TENOR = "shorter_tenor", _l("shorter tenor")
    CAPITALISE = "capitalise", _l("arrears capitalised")
    SETTLE = "settle", _l("arrears settled")


# --- Mentoring ----------------------------------------------------------------


class VisitMode(Code):
    HOME = "home", _l("Home visit")
    BUSINESS = "business", _l("Visit at the business")
    PHONE = "phone", _l("Phone call")
    VIDEO = "video", _l("Video call")
    GROUP = "group", _l("Group session")


class VisitTopic(Code):
    """What a visit covered: a list of them in ``visits.topics`` (JSON, so no CHECK)."""

    BOOKKEEPING = "bookkeeping", _l("Bookkeeping")
    MARKETING = "marketing", _l("Marketing")
    PRODUCT_QUALITY = "product_quality", _l("Product quality")
    PERMITS = "permits", _l("Permits (NIB, PIRT, halal)")
    FINANCIAL_LITERACY = "financial_literacy", _l("Financial literacy")
    LOAN_REPAYMENT = "loan_repayment", _l("Loan repayment")
    WELLBEING = "wellbeing", _l("Family and psychosocial wellbeing")
    OTHER = "other", _l("Other")


class ObservedStatus(Code):
    """The state of a business as a visit or a monthly report finds it."""

    OPERATING = "operating", _l("Operating")
    PAUSED = "paused", _l("Paused")
    CLOSED = "closed", _l("Closed")
    NOT_STARTED = "not_started", _l("Not started yet")


class ActionOwner(Code):
    RETURNEE = "returnee", _l("The returnee")
    MENTOR = "mentor", _l("The mentor")
    OTHER = "other", _l("Someone else")


# --- The lender's checks, loan events and guarantees ---------------------------


class CheckKind(Code):
    """SIKP, SLIK and BPJS Ketenagakerjaan: names, not translated."""

    SIKP = "sikp", "SIKP"
    SLIK = "slik", "SLIK"
    BPJS_TK = "bpjs_tk", "BPJS Ketenagakerjaan"


class CheckResult(Code):
    """What the systems of :class:`CheckKind` answer (which answers each system
    gives: ``juragan.models.loan_events.CHECK_RESULTS``)."""

    REGISTERED = "registered", _l("registered")
    NOT_REGISTERED = "not_registered", _l("not registered")
    REJECTED = "rejected", _l("rejected")
    CLEAN = "clean", _l("clean")
    ARREARS = "arrears", _l("has arrears")
    NOT_FOUND = "not_found", _l("no record")
    MEMBER = "member", _l("member")
    NOT_MEMBER = "not_member", _l("not a member")


class LoanEventKind(Code):
    PENALTY_CHARGE = "penalty_charge", _l("penalty charged")
    PENALTY_WAIVER = "penalty_waiver", _l("penalty waived")
    PENALTY_PAYMENT = "penalty_payment", _l("penalty paid")
    RECOVERY = "recovery", _l("recovery")


class Guarantor(Code):
    ASKRINDO = "askrindo", "Askrindo"
    JAMKRINDO = "jamkrindo", "Jamkrindo"
    OTHER = "other", _l("another guarantor")


class ClaimStatus(Code):
    SUBMITTED = "submitted", _l("submitted")
    PAID = "paid", _l("paid")
    REJECTED = "rejected", _l("rejected")


# --- The audit trail ----------------------------------------------------------


class AuditAction(Code):
    """``view``: someone displayed a protected value (a full NIK); ``search``:
    someone looked a person up by an identifier (never stored); ``erase``: an
    erasure; ``system``: a named system context read across every scope (CLI,
    jobs)."""

    INSERT = "insert", _l("Created")
    UPDATE = "update", _l("Changed")
    DELETE = "delete", _l("Deleted")
    VIEW = "view", _l("Viewed in full")
    SEARCH = "search", _l("Looked up")
    ERASE = "erase", _l("Erased at the person's request")
    SYSTEM = "system", _l("Done by the system")
