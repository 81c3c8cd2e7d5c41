"""All models, imported here so Alembic and the app see one metadata."""

from juragan.models.account import REGIONAL_ROLES, Role, User, UserSession
from juragan.models.audit import AuditEntry
from juragan.models.base import Audited, Base, utcnow
from juragan.models.business import Business, BusinessStatusChange
from juragan.models.consent import ConsentMethod, ConsentPurpose, ConsentRecord
from juragan.models.dashboard import (
    BusinessFact,
    DestinationCount,
    LoanFact,
    LoanMonth,
    RegencyCount,
    ReturneeCell,
    ReturneeFact,
)
from juragan.models.kbli import KbliCode
from juragan.models.lender import Lender, LenderBranch
from juragan.models.loan import (
    Instalment,
    LoanApplication,
    LoanApproval,
    LoanDocument,
    LoanTransition,
    Payment,
    ScheduleRevision,
)
from juragan.models.loan_events import (
    GuaranteeClaim,
    LenderTerms,
    LoanCheck,
    LoanEvent,
)
from juragan.models.mentoring import (
    ActionItem,
    BusinessReport,
    CaseAssignment,
    Visit,
    VisitCadence,
    VisitPhoto,
    WellbeingCheck,
)
from juragan.models.plan import (
    BusinessPlan,
    CapitalItem,
    FundingSource,
    PlanComment,
    PlanVersion,
    ProjectionMonth,
)
from juragan.models.recovery import AccessReset, OneTimeCode, VerifiedContact
from juragan.models.region import Province, Regency
from juragan.models.returnee import (
    ErasureRequest,
    Invitation,
    Placement,
    RegistrationCheck,
    Returnee,
    Training,
)

__all__ = [
    "AccessReset",
    "OneTimeCode",
    "VerifiedContact",
    "ActionItem",
    "BusinessReport",
    "CaseAssignment",
    "Visit",
    "VisitCadence",
    "VisitPhoto",
    "WellbeingCheck",
    "REGIONAL_ROLES",
    "AuditEntry",
    "Audited",
    "Base",
    "Business",
    "BusinessFact",
    "ConsentMethod",
    "ConsentPurpose",
    "ConsentRecord",
    "LoanFact",
    "LoanMonth",
    "DestinationCount",
    "RegencyCount",
    "ReturneeCell",
    "ReturneeFact",
    "BusinessPlan",
    "BusinessStatusChange",
    "CapitalItem",
    "FundingSource",
    "PlanComment",
    "PlanVersion",
    "ProjectionMonth",
    "KbliCode",
    "Province",
    "Regency",
    "Instalment",
    "ErasureRequest",
    "Invitation",
    "Lender",
    "LenderBranch",
    "LoanApplication",
    "LoanDocument",
    "LoanTransition",
    "LoanApproval",
    "Payment",
    "ScheduleRevision",
    "GuaranteeClaim",
    "LenderTerms",
    "LoanCheck",
    "LoanEvent",
    "Placement",
    "RegistrationCheck",
    "Returnee",
    "Training",
    "Role",
    "User",
    "UserSession",
    "utcnow",
]
