"""The returnee's own data as a person reads it: the sections of
:func:`juragan.services.privacy.personal_data`, each field under the name the
interface gives it and each value in words (codes as their labels, dates and
rupiah in the reader's language). The JSON download keeps the stored names and
values for other programs; this is the PDF's reading of the same dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.domain.regions import country_name
from juragan.i18n.field_labels import (
    action_label,
    field_label,
    readable_value,
    record_label,
)
from juragan.i18n.labels import PERSONAL_DATA_SECTIONS
from juragan.models import Province, Regency

#: The table each section's records come from.
SECTION_TABLES = {
    "profile": "returnees",
    "account": "users",
    "placements": "placements",
    "trainings": "trainings",
    "business_plans": "business_plans",
    "businesses": "businesses",
    "kur_applications": "loan_applications",
    "mentoring_visits": "visits",
    "wellbeing_checks": "wellbeing_checks",
    "erasure_requests": "erasure_requests",
    "access_resets": "access_resets",
    "consents": "consent_records",
}
#: Lists inside a record: (parent table, key) -> the table of their records.
CHILD_TABLES = {
    ("users", "sessions"): "user_sessions",
    ("business_plans", "capital_items"): "plan_capital_items",
    ("business_plans", "funding_sources"): "plan_funding_sources",
    ("business_plans", "projection"): "plan_projection_months",
    ("business_plans", "comments"): "plan_comments",
    ("businesses", "history"): "business_status_changes",
    ("loan_applications", "documents"): "loan_documents",
    ("loan_applications", "steps"): "loan_transitions",
    ("loan_applications", "instalments"): "loan_instalments",
    ("loan_applications", "payments"): "loan_payments",
    ("visits", "actions"): "action_items",
    ("visits", "photos"): "visit_photos",
}
CHILD_HEADINGS = {
    "sessions": _l("Sign-ins"),
    "capital_items": _l("Capital needed"),
    "funding_sources": _l("Where the money comes from"),
    "projection": _l("Cash flow projection"),
    "comments": _l("Mentor's comments"),
    "history": _l("Changes of state"),
    "documents": _l("Documents"),
    "steps": _l("Steps of the application"),
    "instalments": _l("Instalments"),
    "payments": _l("Payments"),
    "actions": _l("Agreed next steps"),
    "photos": _l("Photos"),
}
#: Record keeping that tells a reader nothing; it stays in the JSON file.
_TECHNICAL = frozenset(
    {
        "id",
        "version",
        "disclosure_key",
        "idempotency_key",
        "position",
        "sha256",
        "content_type",
    }
)
#: A list whose records have at most this many fields reads best as a table.
_TABLE_WIDTH = 7


@dataclass
class Group:
    heading: str
    #: As a table: column names and rows of values; else one record each.
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)


@dataclass
class Record:
    fields: list[tuple[str, str]]
    groups: list[Group] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    records: list[Record] = field(default_factory=list)
    group: Group | None = None  # the record history: a table
    text: str | None = None  # the mentor's name


def _shown(table: str, key: str, value: Any) -> bool:
    technical = key in _TECHNICAL or key.endswith("_id")
    listed = (table, key) in CHILD_TABLES or (
        isinstance(value, list) and value and isinstance(value[0], dict)
    )
    return not technical and not listed


class _Names:
    """Region and country names for the codes in the data, read once."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._regions: dict[str, str] | None = None
        self._locale = str(get_locale() or "id")

    def __call__(self, kind: str, code: str) -> str | None:
        if kind == "country":
            return country_name(code, self._locale)
        if self._regions is None:
            self._regions = dict(
                self._session.execute(select(Province.code, Province.name)).all()
            )
            self._regions.update(
                self._session.execute(select(Regency.code, Regency.name)).all()
            )
        return self._regions.get(code)


def _record(table: str, row: dict[str, Any], names: _Names) -> Record:
    record = Record(
        [
            (field_label(table, key), readable_value(table, key, value, names))
            for key, value in row.items()
            if _shown(table, key, value)
        ]
    )
    for key, value in row.items():
        child = CHILD_TABLES.get((table, key))
        if child is not None and value:
            record.groups.append(_group(str(CHILD_HEADINGS[key]), child, value, names))
    return record


def _group(
    heading: str, table: str, rows: list[dict[str, Any]], names: _Names
) -> Group:
    keys = [key for key, value in rows[0].items() if _shown(table, key, value)]
    if len(keys) > _TABLE_WIDTH:
        return Group(heading, records=[_record(table, row, names) for row in rows])
    return Group(
        heading,
        columns=[field_label(table, key) for key in keys],
        rows=[
            [readable_value(table, key, row.get(key), names) for key in keys]
            for row in rows
        ],
    )


def _history(entries: list[dict[str, Any]]) -> Group:
    return Group(
        str(PERSONAL_DATA_SECTIONS["record_history"]),
        columns=[str(_l("When")), str(_l("Who")), str(_l("What")), str(_l("Fields"))],
        rows=[
            [
                readable_value("audit_log", "at", entry["at"]),
                entry["by"] or "–",
                f"{action_label(entry['action'])}: {record_label(entry['record'])}",
                ", ".join(
                    field_label(entry["record"], name) for name in entry["fields"]
                )
                or "–",
            ]
            for entry in entries
        ],
    )


def readable(session: Session, data: dict[str, Any]) -> list[Section]:
    """``data`` (from ``personal_data``) in the order and words of the interface."""
    names = _Names(session)
    sections = []
    for key, heading in PERSONAL_DATA_SECTIONS.items():
        section = Section(str(heading))
        value = data.get(key)
        if key == "record_history":
            section.group = _history(value or [])
        elif key == "mentor":
            section.text = value
        elif isinstance(value, dict):
            section.records = [_record(SECTION_TABLES[key], value, names)]
        elif value:
            section.records = [
                _record(SECTION_TABLES[key], row, names) for row in value
            ]
        sections.append(section)
    return sections
