"""Fixed code lists of the registry, stored as short strings with CHECKs."""

from __future__ import annotations

SECTORS = (
    "domestic_worker",
    "caregiver",
    "manufacturing",
    "construction",
    "plantation",
    "fishing_crew",
    "hospitality",
    "other",
)
RETURN_REASONS = (
    "contract_completed",
    "early_termination",
    "case",
    "deported",
    "other",
)
EDUCATION_LEVELS = ("none", "sd", "smp", "sma", "diploma", "bachelor")
MARITAL_STATUSES = ("single", "married", "divorced", "widowed")
TRAINING_KINDS = (
    "entrepreneurship",
    "migran_center",
    "desmigratif",
    "vocational",
    "pre_departure",
    "other",
)
TRAINING_STAGES = ("before_departure", "abroad", "after_return")


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values``."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"
