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
}

SEX_LABELS = {"F": _l("Female"), "M": _l("Male")}

AUDIT_ACTION_LABELS = {
    "insert": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "view": _l("Viewed in full"),
}

LANGUAGE_LABELS = {"id": "Bahasa Indonesia", "en": "English"}

#: Audited tables, as a reader of the audit trail knows them.
RECORD_TYPE_LABELS = {
    "users": _l("Account"),
    "returnees": _l("Returnee"),
    "placements": _l("Placement abroad"),
    "trainings": _l("Training"),
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


IMPORT_OUTCOME_LABELS = {
    "create": _l("new"),
    "update": _l("changed"),
    "unchanged": _l("unchanged"),
    "reject": _l("rejected"),
}

_CODE_LABELS = {
    "sector": SECTOR_LABELS,
    "return_reason": RETURN_REASON_LABELS,
    "education": EDUCATION_LABELS,
    "marital": MARITAL_LABELS,
    "training_kind": TRAINING_KIND_LABELS,
    "training_stage": TRAINING_STAGE_LABELS,
    "registry_status": REGISTRY_STATUS_LABELS,
}


def code_label(kind: str, code: str | None) -> str:
    """The reader's word for a stored code, e.g. ``code_label("sector", "caregiver")``."""
    if code is None:
        return "–"
    return str(_CODE_LABELS[kind].get(code, code))
