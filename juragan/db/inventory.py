"""Every place juragan keeps a value: what kind of value it is, and what erasure
does to it. One declared inventory, read by erasure (:mod:`juragan.services.privacy`),
by the audit viewer and by the masking of :mod:`juragan.domain.disclosure`.

Each column of each mapped class is listed with its *kind* (how it may be shown)
and its *erasure rule*. Each kind of file kept under ``UPLOAD_FOLDER`` is listed in
:data:`FILE_KINDS` with the folder it lives in. ``tests/web/test_erasure_inventory.py``
fails when a model gains a column, or the upload folder a file kind, that is not
here; it also puts a value in every personal place, erases the person, and finds
none of them anywhere in the database or on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from juragan.models import (
    AccessReset,
    ActionItem,
    AuditEntry,
    Business,
    BusinessPlan,
    BusinessReport,
    BusinessStatusChange,
    CapitalItem,
    CaseAssignment,
    ConsentRecord,
    ErasureRequest,
    FundingSource,
    Instalment,
    Invitation,
    KbliCode,
    Lender,
    LenderBranch,
    LoanApplication,
    LoanApproval,
    LoanDocument,
    LoanTransition,
    OneTimeCode,
    Payment,
    Placement,
    PlanComment,
    PlanVersion,
    ProjectionMonth,
    Province,
    Regency,
    RegistrationCheck,
    Returnee,
    ScheduleRevision,
    Training,
    User,
    UserSession,
    VerifiedContact,
    Visit,
    VisitCadence,
    VisitPhoto,
    WellbeingCheck,
)
from juragan.models.dashboard import (
    SUMMARY_MODELS,
)
from juragan.models.loan_events import GuaranteeClaim, LenderTerms, LoanCheck, LoanEvent

# Kinds of value (how a value may be shown; see juragan.domain.disclosure.SHOW).
KEY = "key"  # ids, links, codes, states, dates, counts: plain
MONEY = "money"  # a family's or business's amounts (specific data: finance)
SCORE = "score"  # wellbeing scores
NIK = "nik"
NPWP = "npwp"
PHONE = "phone"
EMAIL = "email"
NAME = "name"  # a person's or business's name, an account's username
ADDRESS = "address"  # below the regency: district, village
TEXT = "text"  # anything someone wrote
BIRTH_DATE = "birth_date"
LOCATION = "location"  # coordinates
SECRET = "secret"  # noqa: S105 (hashes, ciphertexts, tokens, stored file names)

# Erasure rules.
KEEP = "keep"  # the figures need it, and it identifies no one
CLEAR = "clear"  # becomes empty (NULL)
PLACEHOLDER = "placeholder"  # a value is replaced by a fixed one (NOT NULL columns)
YEAR_ONLY = "year_only"  # a date becomes 1 January of its year
REPLACE_NIK = "replace_nik"  # a random value no one holds (it stays unique)
SCRUB = "scrub"  # JSON: every value replaced by the redaction mark
RANDOM_SECRET = "random_secret"  # noqa: S105 (a password nobody knows)
FALSE = "false"  # a consent flag: withdrawn
DELETED = "deleted"  # the whole row goes (see Table.rows)


@dataclass(frozen=True)
class Column:
    kind: str = KEY
    erase: str = KEEP
    #: What PLACEHOLDER writes; ``{id}`` is the row's id.
    placeholder: str | None = None


@dataclass(frozen=True)
class Table:
    columns: dict[str, Column]
    #: ``keep``: rows stay with their columns erased as listed; ``delete``: a
    #: person's rows go altogether (and their files).
    rows: str = "keep"


def _keys(*names: str) -> dict[str, Column]:
    return {name: Column() for name in names}


def _(kind: str, erase: str = CLEAR, placeholder: str | None = None) -> Column:
    return Column(kind, erase, placeholder)


_STAMPS = _keys("version", "created_at", "updated_at")
_GONE = Column(KEY, DELETED)

INVENTORY: dict[type, Table] = {
    Returnee: Table(
        {
            **_keys(
                "id",
                "user_id",
                "nik_verified_by_id",
                "sex",
                "province_code",
                "regency_code",
                "education",
                "marital_status",
                "dependants",
                "mentor_id",
                "erased_at",
                "registered_by_id",
                *_STAMPS,
            ),
            "nik_ciphertext": _(NIK, REPLACE_NIK),
            "nik_hash": _(SECRET, REPLACE_NIK),
            "nik_verified_at": _(KEY, CLEAR),
            "full_name": _(NAME, PLACEHOLDER, "Dihapus"),
            "birth_date": _(BIRTH_DATE, YEAR_ONLY),
            "phone": _(PHONE),
            "email": _(EMAIL),
            "district": _(ADDRESS),
            "village": _(ADDRESS),
            "disclosure_key": Column(SECRET),
        }
    ),
    Placement: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "country_code",
                "sector",
                "is_independent",
                "departure_date",
                "contract_months",
                "return_date",
                "return_reason",
                *_STAMPS,
            ),
            "occupation": _(TEXT),
            "agency_name": _(TEXT, PLACEHOLDER, "—"),
            "salary_foreign": _(MONEY),
            "salary_currency": _(MONEY),
            "salary_idr": _(MONEY),
            "remittances_idr": _(MONEY),
            "savings_idr": _(MONEY),
            "skills": _(TEXT),
        }
    ),
    Training: Table(
        {
            **_keys(
                "id", "returnee_id", "kind", "stage", "start_date", "end_date", *_STAMPS
            ),
            "title": _(TEXT, PLACEHOLDER, "—"),
            "organiser": _(TEXT, PLACEHOLDER, "—"),
            "certificate": _(TEXT),
        }
    ),
    ErasureRequest: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "requested_at",
                "status",
                "decided_at",
                "decided_by_id",
            ),
            # A refusal keeps that it had a reason (the database asks for one).
            "reason": _(TEXT),
            "decision_note": _(TEXT, PLACEHOLDER, "—"),
        }
    ),
    Invitation: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "created_by_id",
                "created_at",
                "expires_at",
                "used_at",
            ),
            "token_hash": _(SECRET, DELETED),
        },
        rows="delete",
    ),
    # Consent per purpose: the proof goes with the person (the scan shows their
    # name and signature); the erasure itself stays on record.
    ConsentRecord: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "purpose",
                "wording_version",
                "method",
                "given_at",
                "recorded_by_id",
                "content_type",
                "size_bytes",
                "withdrawn_at",
                "effective_on",
                "effective_at",
                "withdrawal_method",
                "withdrawn_by_id",
            ),
            # The words agreed to are the programme's, not the person's.
            "wording": Column(KEY, DELETED),
            "stored_name": _(SECRET, DELETED),
            "sha256": _(SECRET, DELETED),
            "original_name": _(TEXT, DELETED),
            "form_reference": _(TEXT, DELETED),
            "withdrawal_reason": _(TEXT, DELETED),
        },
        rows="delete",
    ),
    # A self-registration waiting for its check: the account's own; it goes with
    # the account.
    RegistrationCheck: Table(
        {
            **_keys(
                "id",
                "user_id",
                "created_at",
                "reason",
                "matched_returnee_id",
                "province_code",
                "regency_code",
                "status",
                "decided_by_id",
                "decided_at",
            ),
            "profile_ciphertext": _(SECRET, DELETED),
            "note": _(TEXT, DELETED),
        },
        rows="delete",
    ),
    CaseAssignment: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "mentor_id",
                "assigned_by_id",
                "assigned_at",
                "ended_at",
            ),
            "reason": _(TEXT),
        }
    ),
    BusinessPlan: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "is_active",
                "status",
                "is_revised",
                "legal_form",
                "sector",
                "kbli_section",
                "kbli_code",
                "province_code",
                "regency_code",
                "planned_start",
                "workers_planned",
                "projection_months",
                "kur_tenor_months",
                "kur_rate_percent",
                "kur_lean_months",
                "created_by_id",
                "ready_by_id",
                "ready_at",
                *_STAMPS,
            ),
            # Goes with the reviewer's reason it answers (a CHECK keeps them together).
            "ready_threshold": _(KEY),
            "business_name": _(NAME, PLACEHOLDER, "Usaha {id}"),
            "district": _(ADDRESS),
            **{
                name: _(TEXT)
                for name in (
                    "description",
                    "target_market",
                    "competitors",
                    "marketing",
                    "operations",
                    "suppliers",
                    "equipment",
                    "risks",
                    "ready_reason",
                )
            },
        }
    ),
    CapitalItem: Table(
        {
            **_keys("id", "plan_id", "position", "kind"),
            "description": _(TEXT, PLACEHOLDER, "—"),
            "amount_idr": Column(MONEY),
        }
    ),
    FundingSource: Table(
        {
            **_keys("id", "plan_id", "position", "kind"),
            "description": _(TEXT),
            "amount_idr": Column(MONEY),
        }
    ),
    ProjectionMonth: Table(
        {
            **_keys("plan_id", "month"),
            **{
                name: Column(MONEY)
                for name in (
                    "sales_idr",
                    "cogs_idr",
                    "operating_costs_idr",
                    "owner_draw_idr",
                )
            },
        }
    ),
    # A submitted version is the whole plan again, texts included.
    PlanVersion: Table(
        {
            **_keys("id", "plan_id", "number", "submitted_at", "submitted_by_id"),
            "content": _(TEXT, DELETED),
        },
        rows="delete",
    ),
    PlanComment: Table(
        {
            **_keys(
                "id",
                "plan_id",
                "version_number",
                "section",
                "author_id",
                "created_at",
                "resolved_at",
            ),
            "body": _(TEXT, DELETED),
        },
        rows="delete",
    ),
    Business: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "plan_id",
                "legal_form",
                "sector",
                "kbli_section",
                "kbli_code",
                "province_code",
                "regency_code",
                "opened_on",
                "workers_family",
                "workers_paid",
                "status",
                "status_since",
                *_STAMPS,
            ),
            "name": _(NAME, PLACEHOLDER, "Usaha {id}"),
            "district": _(ADDRESS),
            "nib": _(SECRET),
            "disclosure_key": Column(SECRET),
        }
    ),
    BusinessStatusChange: Table(
        {
            **_keys(
                "id",
                "business_id",
                "from_status",
                "to_status",
                "changed_on",
                "close_reason",
                "changed_by_id",
                "recorded_at",
            ),
            "note": _(TEXT),
        }
    ),
    BusinessReport: Table(
        {
            **_keys(
                "id",
                "business_id",
                "month",
                "source",
                "status",
                "workers_family",
                "workers_paid",
                "visit_id",
                "reported_by_id",
                "reported_at",
            ),
            "revenue_idr": Column(MONEY),
        }
    ),
    LoanApplication: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "kind",
                "business_id",
                "plan_id",
                "placement_id",
                "lender",
                "scheme",
                "rule_set",
                "purpose",
                "tenor_months",
                "access_number",
                "rate_percent",
                "has_npwp",
                "other_credit_mask",
                "rate_province_code",
                "business_slot",
                "interest_only_months",
                "grace_months",
                "lean_months",
                "status",
                "applied_on",
                "submitted_at",
                "decided_by_id",
                "decided_at",
                "akad_on",
                "disbursed_on",
                "first_due_on",
                "is_sikp_registered",
                "created_by_id",
                "status_changed_at",
                *_STAMPS,
            ),
            # What the person declared about their credit and family: scrubbed.
            "declared_facts": _(MONEY, SCRUB),
            "amount_requested_idr": Column(MONEY),
            "amount_disbursed_idr": Column(MONEY),
            "npwp_ciphertext": _(NPWP),
            "npwp_hash": _(SECRET),
            "disclosure_key": Column(SECRET),
            # A rejection keeps that it had a reason (the database asks for one).
            "decision_reason": _(TEXT, PLACEHOLDER, "—"),
        }
    ),
    LoanTransition: Table(
        {
            **_keys("id", "loan_id", "from_status", "to_status", "actor_id", "at"),
            "reason": _(TEXT),
        }
    ),
    LoanApproval: Table(
        {
            **_keys(
                "id", "loan_id", "officer_id", "lender_code", "step", "exceptions", "at"
            ),
            "reason": _(TEXT),
        }
    ),
    LoanDocument: Table(
        {
            **_keys(
                "id",
                "loan_id",
                "doc_type",
                "content_type",
                "size_bytes",
                "uploaded_by_id",
                "uploaded_at",
            ),
            "original_name": _(TEXT, DELETED),
            "stored_name": _(SECRET, DELETED),
            "sha256": _(SECRET, DELETED),
        },
        rows="delete",
    ),
    Instalment: Table(
        {
            **_keys("loan_id", "number", "due_on", "settled_on"),
            **{
                name: Column(MONEY)
                for name in (
                    "principal_idr",
                    "interest_idr",
                    "paid_principal_idr",
                    "paid_interest_idr",
                )
            },
        }
    ),
    Payment: Table(
        {
            **_keys(
                "id", "loan_id", "paid_on", "kind", "recorded_by_id", "recorded_at"
            ),
            "amount_idr": Column(MONEY),
            # The lender's own reference: its books keep it, and it names no one.
            "reference": Column(KEY),
        }
    ),
    ScheduleRevision: Table(
        {
            **_keys(
                "id",
                "loan_id",
                "number",
                "kind",
                "effective_on",
                "option",
                "grade_before",
                "actor_id",
                "at",
            ),
            **{
                name: Column(MONEY)
                for name in (
                    "principal_idr",
                    "arrears_principal_idr",
                    "arrears_interest_idr",
                    "accrued_interest_idr",
                    "lines",
                )
            },
            "reason": _(TEXT),
        }
    ),
    LoanCheck: Table(
        {
            **_keys(
                "id",
                "loan_id",
                "kind",
                "result",
                "worst_collectibility",
                "checked_on",
                "checked_by_id",
                "recorded_at",
            ),
            # The person's number in SIKP or BPJS, or the iDeb request: it points at
            # them in another system.
            "reference": _(TEXT),
            # A refusal keeps that it had a reason (the database asks for one).
            "reason": _(TEXT, PLACEHOLDER, "—"),
            "note": _(TEXT),
        }
    ),
    LoanEvent: Table(
        {
            **_keys(
                "id", "loan_id", "kind", "occurred_on", "recorded_by_id", "recorded_at"
            ),
            "amount_idr": Column(MONEY),
            "guarantor_share_idr": Column(MONEY),
            # How a penalty was worked out: the officer may have typed it.
            "basis": _(TEXT, PLACEHOLDER, "—"),
            # The lender's own reference, as for payments.
            "reference": Column(KEY),
            "note": _(TEXT),
        }
    ),
    GuaranteeClaim: Table(
        {
            **_keys(
                "id",
                "loan_id",
                "guarantor",
                "submitted_on",
                "status",
                "settled_on",
                "recorded_by_id",
                "recorded_at",
            ),
            "claimed_idr": Column(MONEY),
            "paid_idr": Column(MONEY),
            "rejection_reason": _(TEXT, PLACEHOLDER, "—"),
        }
    ),
    Visit: Table(
        {
            **_keys(
                "id",
                "returnee_id",
                "business_id",
                "mentor_id",
                "visited_on",
                "mode",
                "duration_minutes",
                "topics",
                "business_status",
                "workers_family",
                "workers_paid",
                "next_visit_on",
                "idempotency_key",
                "created_at",
            ),
            "location_consent": _(KEY, FALSE),
            "latitude": _(LOCATION),
            "longitude": _(LOCATION),
            "observations": _(TEXT),
            "problems": _(TEXT),
            "revenue_last_month_idr": Column(MONEY),
        }
    ),
    ActionItem: Table(
        {
            **_keys(
                "id",
                "visit_id",
                "returnee_id",
                "owner",
                "due_on",
                "closed_at",
                "closed_by_id",
                "version",
            ),
            "description": _(TEXT, PLACEHOLDER, "—"),
        }
    ),
    VisitPhoto: Table(
        {
            **_keys("id", "visit_id", "content_type", "width", "height", "size_bytes"),
            "stored_name": _(SECRET, DELETED),
        },
        rows="delete",
    ),
    WellbeingCheck: Table(
        {
            **_keys("id", "returnee_id", "visit_id", "taken_on"),
            "answers": _(TEXT, SCRUB),
            **{
                name: Column(SCORE)
                for name in ("economic", "social", "psychosocial", "overall")
            },
        }
    ),
    User: Table(
        {
            **_keys(
                "id",
                "role",
                "locale",
                "is_active_account",
                "scope_province_code",
                "scope_regency_code",
                "last_login_at",
                "lender_code",
                "lender_branch_id",
                *_STAMPS,
            ),
            "username": _(NAME, PLACEHOLDER, "dihapus-{id}"),
            "full_name": _(NAME, PLACEHOLDER, "Dihapus"),
            "email": _(EMAIL),
            "password_hash": _(SECRET, RANDOM_SECRET),
        }
    ),
    UserSession: Table(
        {
            **_keys(
                "id",
                "user_id",
                "created_at",
                "last_seen_at",
                "authenticated_at",
                "ended_at",
                "end_reason",
            ),
            "token_hash": _(SECRET, DELETED),
            "user_agent": _(TEXT, DELETED),
        },
        rows="delete",
    ),
    # Codes and verified contacts go with the account's sessions.
    OneTimeCode: Table(
        {
            **_keys(
                "id",
                "user_id",
                "purpose",
                "contact_kind",
                "created_at",
                "expires_at",
                "attempts",
                "confirmed_at",
                "ended_at",
                "end_reason",
            ),
            "code_hash": _(SECRET, DELETED),
            "destination_hash": _(SECRET, DELETED),
        },
        rows="delete",
    ),
    VerifiedContact: Table(
        {
            **_keys("id", "user_id", "kind", "verified_at"),
            "value_hash": _(SECRET, DELETED),
        },
        rows="delete",
    ),
    AccessReset: Table(
        {
            **_keys("id", "returnee_id", "official_id", "at", "ktp_checked"),
            "note": _(TEXT, PLACEHOLDER, "—"),
        }
    ),
    AuditEntry: Table(
        {
            **_keys(
                "id",
                "at",
                "actor_id",
                "action",
                "returnee_id",
                "table_name",
                "object_id",
            ),
            # Who acted: the person's own username, where they did.
            "actor_label": _(NAME, PLACEHOLDER, "dihapus-{actor_id}"),
            "changes": _(TEXT, SCRUB),
        }
    ),
    # Derived figures: dimensions, dates and counts, no one's words or identifiers.
    **{
        model: Table(_keys(*model.__table__.columns.keys())) for model in SUMMARY_MODELS
    },
    # Reference data and settings: not about anyone.
    **{
        model: Table(_keys(*model.__table__.columns.keys()))
        for model in (
            Province,
            Regency,
            KbliCode,
            Lender,
            LenderBranch,
            LenderTerms,
            VisitCadence,
        )
    },
}


@dataclass(frozen=True)
class FileKind:
    """Files of one kind under ``UPLOAD_FOLDER``: the folder, and the model whose
    rows name them (``None``: files no row names, such as an import waiting for its
    confirmation)."""

    folder: str
    model: type | None = None
    column: str = "stored_name"
    #: Files no row points at are kept at most this long (seconds).
    max_age_seconds: int | None = None


FILE_KINDS: dict[str, FileKind] = {
    "loan_document": FileKind("loans", LoanDocument),
    "visit_photo": FileKind("visits", VisitPhoto),
    "consent_scan": FileKind("consents", ConsentRecord),
    # A registry file between its dry run and its confirmation: whole rows of
    # people, removed after a day, and all at once by any erasure.
    "import_upload": FileKind("imports", max_age_seconds=24 * 3600),
}


def folder_of(kind: str, upload_folder: str | Path) -> Path:
    """Where files of ``kind`` live."""
    return Path(upload_folder) / FILE_KINDS[kind].folder


def path_of(kind: str, stored_name: str, upload_folder: str | Path) -> Path:
    """The one place a stored file's path is made: writers, readers and erasure."""
    name = Path(stored_name).name  # a stored name is never a path
    return folder_of(kind, upload_folder) / name


def kind_of(table_name: str, column: str) -> str:
    """The kind of value a table's column holds (``key`` for unknown ones)."""
    model = MODELS_BY_TABLE.get(table_name)
    if model is None:
        return KEY
    found = INVENTORY[model].columns.get(column)
    return found.kind if found is not None else KEY


MODELS_BY_TABLE: dict[str, type] = {model.__tablename__: model for model in INVENTORY}


def personal_columns(model: type) -> dict[str, Column]:
    """The columns of ``model`` that erasure changes."""
    return {name: c for name, c in INVENTORY[model].columns.items() if c.erase != KEEP}


def placeholder(column: Column, row: Any) -> str:
    return (column.placeholder or "").format(
        id=getattr(row, "id", ""), actor_id=getattr(row, "actor_id", "")
    )
