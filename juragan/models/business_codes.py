"""Fixed code lists of business plans and businesses, stored with CHECKs."""

from __future__ import annotations

#: The common lines of returnee businesses, each with its usual KBLI 2020 section.
BUSINESS_LINES = {
    "culinary": "I",
    "warung": "G",
    "farming": "A",
    "livestock": "A",
    "fisheries": "A",
    "handicraft": "C",
    "tailoring": "C",
    "transport": "H",
    "services": "S",
    "other": "S",
}
#: KBLI 2020 sections (the letter level of the Indonesian standard classification).
KBLI_SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")
LEGAL_FORMS = ("individual", "group", "cooperative")
PLAN_STATUSES = ("draft", "submitted", "in_review", "ready")
CAPITAL_KINDS = ("investment", "working_capital")
FUNDING_KINDS = ("own_savings", "family", "grant", "kur", "other")
#: The parts of a plan, in the order the builder and the proposal show them;
#: mentors comment per part.
PLAN_SECTIONS = (
    "business",
    "market",
    "operations",
    "risks",
    "capital",
    "funding",
    "projections",
)
BUSINESS_STATUSES = ("operating", "paused", "closed")
CLOSE_REASONS = (
    "not_profitable",
    "capital_ran_out",
    "health_or_family",
    "migrated_again",
    "moved_away",
    "other",
)
MIN_PROJECTION_MONTHS = 12
MAX_PROJECTION_MONTHS = 36
