"""Registry import and export: CSV and XLSX files of returnees and placements.

An import is planned first (a dry run: every row checked with the registry's own
rules, nothing written) and applied only when no row is rejected, in one transaction.
Returnees are matched by NIK and placements by (returnee, country, departure date),
so running the same file again creates nothing new.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

import pandas as pd
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, selectinload

from juragan import disclosure, scope, summaries, vault
from juragan.audit import current_actor, record_views
from juragan.errors import DomainError, FieldErrors
from juragan.identifiers import compact_nik
from juragan.labels import SEX_LABELS, code_label
from juragan.models import AuditEntry, Placement, Regency, Returnee, User, utcnow
from juragan.policy import Action, can, in_region
from juragan.reference import country_name
from juragan.services.registry import (
    CONSENT_VERSION,
    PlacementData,
    ProfileData,
    check_placement,
    check_profile,
)
from juragan.spreadsheets import frame_bytes, workbook_bytes

PROFILE_COLUMNS = (
    "nik", "full_name", "sex", "birth_date", "phone", "email", "province_code",
    "regency_code", "district", "village", "education", "marital_status", "dependants",
)  # fmt: skip
PLACEMENT_COLUMNS = (
    "country_code", "sector", "occupation", "agency_name", "is_independent",
    "departure_date", "contract_months", "return_date", "return_reason",
    "salary_foreign", "salary_currency", "salary_idr", "remittances_idr",
    "savings_idr", "skills",
)  # fmt: skip
TEMPLATE_COLUMNS = PROFILE_COLUMNS + PLACEMENT_COLUMNS
REQUIRED_COLUMNS = ("nik", "full_name", "sex", "birth_date", "province_code",
                    "regency_code", "education", "marital_status")  # fmt: skip
EXAMPLE_ROW = {
    "nik": "3507015403880007", "full_name": "Sri Wahyuni", "sex": "F",
    "birth_date": "1988-03-14", "phone": "0812 3456 7890", "email": "",
    "province_code": "35", "regency_code": "35.07", "district": "Kepanjen",
    "village": "Talangagung", "education": "smp", "marital_status": "married",
    "dependants": "2", "country_code": "HK", "sector": "domestic_worker",
    "occupation": "Penata laksana rumah tangga", "agency_name": "PT Sumber Rezeki",
    "is_independent": "no", "departure_date": "2012-04-02", "contract_months": "24",
    "return_date": "2014-04-20", "return_reason": "contract_completed",
    "salary_foreign": "4110", "salary_currency": "HKD", "salary_idr": "8600000",
    "remittances_idr": "130000000", "savings_idr": "25000000",
    "skills": "Memasak, bahasa Kanton",
}  # fmt: skip
PAPER_CONSENT = _l(
    "Consent given on paper to the BP3MI office and recorded with the import."
)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
_TRUE = {"1", "y", "yes", "ya", "true", "t", "x"}


class BadFile(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("file", message)


#: What one upload may hold, so that checking it stays well inside a request
#: (about 7 s for 5,000 rows on PostgreSQL; see bench/import_speed.py). Larger
#: registries are split into files of this size.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_ROWS = 5_000
#: An XLSX is a zip: what it may unpack to (a small file can unpack to gigabytes).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024


def _check_bounds(content: bytes) -> None:
    """Size, unpacked size and row count, judged before any parsing.

    :raises BadFile: with what to do instead.
    """
    too_many = _l("At most %(rows)s rows a file: split it and import the parts.",
                  rows=f"{MAX_ROWS:,}".replace(",", "."))  # fmt: skip
    if len(content) > MAX_FILE_BYTES:
        raise BadFile(
            _l("The file is larger than 4 MB: split it and import the parts.")
        )
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if (
                    sum(item.file_size for item in archive.infolist())
                    > MAX_UNPACKED_BYTES
                ):
                    raise BadFile(too_many)
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True)
            rows = book.active.max_row or 0
            book.close()
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError,
                ValueError) as error:  # fmt: skip
            raise BadFile(
                _l("This is not a CSV or XLSX file made from the template.")
            ) from error
    else:
        rows = content.count(b"\n")
    if rows > MAX_ROWS + 1:  # the header is a line too
        raise BadFile(too_many)


def read_table(
    filename: str, content: bytes, required: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Read a CSV or XLSX upload into text cells, judged by content, not by name.

    :raises BadFile: for anything else, a file too large or with too many rows, or
        when required columns are missing.
    """
    _check_bounds(content)
    try:
        if content[:4] == b"PK\x03\x04":  # XLSX is a zip file
            frame = pd.read_excel(io.BytesIO(content), dtype=str, engine="openpyxl")
        else:
            text = content.decode("utf-8-sig")
            if "\x00" in text:
                raise ValueError("binary")
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                sep=None, engine="python")  # fmt: skip
    except (
        ValueError,  # also UnicodeDecodeError
        InvalidFileException,
        pd.errors.ParserError,
        csv.Error,  # no delimiter can be sniffed from the text
        zipfile.BadZipFile,  # starts like XLSX, is not
        KeyError,
    ) as error:
        raise BadFile(
            _l("This is not a CSV or XLSX file made from the template.")
        ) from error
    frame = frame.fillna("")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    needed = REQUIRED_COLUMNS if required is None else required
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise BadFile(
            _l(
                "Columns missing from the file: %(columns)s.",
                columns=", ".join(missing),
            )
        )
    if frame.empty:
        raise BadFile(_l("The file has no rows."))
    return frame


def template_file(kind: str) -> bytes:
    frame = pd.DataFrame([EXAMPLE_ROW], columns=list(TEMPLATE_COLUMNS))
    return frame_bytes(frame, kind)


# Planning (the dry run) --------------------------------------------------------


@dataclass
class RowResult:
    line: int  # as a spreadsheet numbers it: the header is line 1
    nik: str
    name: str
    outcome: str = "create"  # create, update, unchanged, reject
    placement: str = ""  # create, update, unchanged or "" when the row has none
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowResult]
    #: NIK -> (existing returnee id or None, profile values)
    people: dict[str, tuple[int | None, dict[str, Any]]]
    #: (NIK, country, departure) -> (existing placement id or None, values)
    placements: dict[tuple[str, str, date], tuple[int | None, dict[str, Any]]]

    @property
    def rejected(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == "reject"]

    @property
    def can_apply(self) -> bool:
        return not self.rejected

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    def count_placements(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.placement == outcome)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any, name: str) -> date | None:
    text = _text(value)
    if text is None:
        return None
    text = text.split(" ")[0].split("T")[0]  # Excel cells come as "2012-04-02 00:00:00"
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(str(_l("%(column)s: not a date (write YYYY-MM-DD).", column=name)))


def _int(value: Any, name: str) -> int | None:
    text = _text(value)
    if text is None:
        return None
    cleaned = text.replace(".", "").replace(" ", "").removeprefix("Rp")
    try:
        return int(cleaned)
    except ValueError:
        raise ValueError(
            str(_l("%(column)s: not a whole number.", column=name))
        ) from None


def _decimal(value: Any, name: str) -> Decimal | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(str(_l("%(column)s: not a number.", column=name))) from None


def _reasons(error: FieldErrors) -> list[str]:
    return [
        f"{name}: {message}" if name else str(message) for name, message in error.errors
    ]


def _profile_from(cells: dict[str, Any]) -> ProfileData:
    problems: list[str] = []

    def attempt(function, name):
        try:
            return function(cells.get(name), name)
        except ValueError as error:
            problems.append(str(error))
            return None

    birth_date = attempt(_date, "birth_date")
    dependants = attempt(_int, "dependants")
    if problems:
        raise ValueError("; ".join(problems))
    if birth_date is None:
        raise ValueError(str(_l("birth_date: empty.")))
    return ProfileData(
        nik=_text(cells.get("nik")) or "",
        full_name=_text(cells.get("full_name")) or "",
        sex=(_text(cells.get("sex")) or "").upper(),
        birth_date=birth_date,
        province_code=_text(cells.get("province_code")) or "",
        regency_code=_text(cells.get("regency_code")) or "",
        education=(_text(cells.get("education")) or "").lower(),
        marital_status=(_text(cells.get("marital_status")) or "").lower(),
        dependants=dependants or 0,
        phone=_text(cells.get("phone")),
        email=_text(cells.get("email")),
        district=_text(cells.get("district")),
        village=_text(cells.get("village")),
    )


def _placement_from(cells: dict[str, Any]) -> PlacementData | None:
    if not _text(cells.get("country_code")):
        return None
    problems: list[str] = []

    def attempt(function, name):
        try:
            return function(cells.get(name), name)
        except ValueError as error:
            problems.append(str(error))
            return None

    values = {
        "departure_date": attempt(_date, "departure_date"),
        "return_date": attempt(_date, "return_date"),
        "contract_months": attempt(_int, "contract_months"),
        "salary_foreign": attempt(_decimal, "salary_foreign"),
        "salary_idr": attempt(_int, "salary_idr"),
        "remittances_idr": attempt(_int, "remittances_idr"),
        "savings_idr": attempt(_int, "savings_idr"),
    }
    if problems:
        raise ValueError("; ".join(problems))
    if values["departure_date"] is None:
        raise ValueError(str(_l("departure_date: empty.")))
    return PlacementData(
        country_code=_text(cells.get("country_code")) or "",
        sector=(_text(cells.get("sector")) or "").lower(),
        occupation=_text(cells.get("occupation")),
        agency_name=_text(cells.get("agency_name")),
        is_independent=(_text(cells.get("is_independent")) or "").lower() in _TRUE,
        return_reason=(_text(cells.get("return_reason")) or "").lower() or None,
        salary_currency=_text(cells.get("salary_currency")),
        skills=_text(cells.get("skills")),
        contract_months=values.pop("contract_months") or 0,
        **values,
    )


def registered_anywhere(session: Session, niks: list[str]) -> set[str]:
    """Which of ``niks`` someone holds, across every scope: only to refuse a second
    registration, never to show who."""
    taken: set[str] = set()
    with scope.system("uniqueness"):
        for chunk in _chunks(niks):
            hashes = [h for nik in chunk for h in vault.current().lookup_hashes(nik)]
            found = set(session.scalars(
                select(Returnee.nik_hash).where(Returnee.nik_hash.in_(hashes))))  # fmt: skip
            taken.update(nik for nik in chunk
                         if found & set(vault.current().lookup_hashes(nik)))  # fmt: skip
    return taken


def _chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    """Slices of ``items``: 900 fits any SQLite's limit on bound values."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: One answer for every row the importer's office may not write, whatever the
#: reason: an address outside its region, or a person registered by another office
#: (who moves only by a transfer). Saying which would tell whether a NIK is
#: registered anywhere.
NOT_YOURS = _l(
    "Not imported: your office may not register or change this person. The address "
    "must lie in your region; someone registered by another office moves to yours "
    "only by a transfer request."
)
#: Optional profile cells: left empty in a file, they keep what is stored.
_KEPT_WHEN_EMPTY = ("phone", "email", "district", "village")


def plan_import(
    session: Session, actor: User, frame: pd.DataFrame, today: date
) -> ImportPlan:
    """Check every row and decide what would happen; writes nothing.

    People are looked up by NIK only among those ``actor`` may see (the data
    layer's scope); a NIK registered outside it refuses its row with the same
    words as an address outside the region.
    """
    with scope.as_user(actor):
        return _plan_import(session, actor, frame, today)


def _plan_import(
    session: Session, actor: User, frame: pd.DataFrame, today: date
) -> ImportPlan:
    records = frame.to_dict("records")
    niks = sorted({compact_nik(str(r.get("nik", ""))) for r in records} - {""})
    existing: dict[str, Returnee] = {}
    for chunk in _chunks(niks):
        for returnee in session.scalars(
            select(Returnee).where(Returnee.nik.in_(chunk))
        ):
            existing[returnee.nik] = returnee
    elsewhere = registered_anywhere(session, [n for n in niks if n not in existing])
    existing_placements: dict[int, list[Placement]] = {}
    ids = [r.id for r in existing.values()]
    for chunk in _chunks(ids):
        for placement in session.scalars(
            select(Placement).where(Placement.returnee_id.in_(chunk))
        ):
            existing_placements.setdefault(placement.returnee_id, []).append(placement)

    regency_provinces = {
        code: province
        for code, province in session.execute(
            select(Regency.code, Regency.province_code)
        )
    }
    plan = ImportPlan(rows=[], people={}, placements={})
    #: The placements known so far per NIK (database and earlier rows), for overlaps.
    journeys: dict[str, list[Any]] = {}
    first_line: dict[str, int] = {}
    for index, cells in enumerate(records):
        line = index + 2
        row = RowResult(line, disclosure.nik(compact_nik(str(cells.get("nik", "")))),
                        str(cells.get("full_name", "")))  # fmt: skip
        plan.rows.append(row)
        # Every problem of the row at once, so that one pass over the file fixes it.
        problems: list[str] = []
        data: ProfileData | None = None
        try:
            data = _profile_from(cells)
        except ValueError as error:
            problems += str(error).split("; ")
        person = existing.get(compact_nik(data.nik)) if data is not None else None
        if data is not None:
            try:
                # A stored person's placements must still fit a changed birth date.
                stored = existing_placements.get(person.id, []) if person else []
                check_profile(
                    session, data, today, regency_provinces,
                    first_departure=min((p.departure_date for p in stored), default=None),
                )  # fmt: skip
            except FieldErrors as error:
                problems += _reasons(error)
            else:
                row.nik = disclosure.nik(data.nik)
                if data.nik in elsewhere or not in_region(
                    actor, data.province_code, data.regency_code
                ):
                    problems.append(str(NOT_YOURS))
        placement: PlacementData | None = None
        try:
            placement = _placement_from(cells)
        except ValueError as error:
            problems += str(error).split("; ")
        journey = journeys.get(data.nik) if data is not None else None
        if journey is None:
            journey = list(existing_placements.get(person.id, [])) if person else []
        same = None
        if placement is not None and data is not None:
            key_values = (placement.country_code.upper(), placement.departure_date)
            same = next(
                (p for p in journey
                 if (p.country_code, p.departure_date) == key_values),
                None,
            )  # fmt: skip
            try:
                check_placement(
                    SimpleNamespace(placements=journey), placement, today,
                    placement_id=same.id if same is not None else None,
                    birth_date=data.birth_date,
                )  # fmt: skip
            except FieldErrors as error:
                problems += _reasons(error)
        if problems or data is None:
            row.outcome, row.reasons = "reject", problems
            continue
        if person is not None:
            for name in _KEPT_WHEN_EMPTY:
                if getattr(data, name) is None:
                    setattr(data, name, getattr(person, name))
        values = vars(data)
        if data.nik in plan.people:
            if plan.people[data.nik][1] != values:
                row.outcome = "reject"
                row.reasons = [
                    str(_l("Different details for the same NIK as line %(line)d.",
                           line=first_line[data.nik]))
                ]  # fmt: skip
                continue
            row.outcome = "unchanged"  # repeated person row for another placement
        else:
            first_line[data.nik] = line
            plan.people[data.nik] = (person.id if person else None, values)
            if person is None:
                row.outcome = "create"
            elif all(getattr(person, k) == v for k, v in values.items()):
                row.outcome = "unchanged"
            else:
                row.outcome = "update"
        journeys[data.nik] = journey
        if placement is None:
            continue
        key = (data.nik, placement.country_code.upper(), placement.departure_date)
        if key in plan.placements:
            row.outcome = "reject"
            row.reasons = [str(_l("The same placement appears twice in the file."))]
            continue
        placement_values = vars(placement)
        if same is not None and getattr(same, "id", None) is not None:
            changed = any(getattr(same, k) != v for k, v in placement_values.items())
            row.placement = "update" if changed else "unchanged"
            plan.placements[key] = (same.id, placement_values)
        else:
            row.placement = "create"
            plan.placements[key] = (None, placement_values)
            journey.append(
                SimpleNamespace(id=-len(plan.placements), **placement_values)
            )
    return plan


# Applying -----------------------------------------------------------------------


#: Rows per bulk INSERT ... RETURNING. The inserts render NULLs too: otherwise the
#: ORM splits rows by which values are empty, one statement per run of rows, and
#: joins the returned rows of every statement (quadratic in a large file).
INSERT_CHUNK = 5_000


def _stored(values: dict[str, Any], keys: vault.Vault) -> dict[str, Any]:
    """Row values for a bulk statement: the NIK as its stored columns, never clear."""
    row = {k: v for k, v in values.items() if k != "nik"}
    return row | keys.stored(values["nik"]) if "nik" in values else row


def apply_import(
    session: Session, actor: User, plan: ImportPlan, now: datetime, filename: str
) -> dict[str, int]:
    """Write a plan without rejected rows: all of it, or (on any error) nothing.

    Bulk statements keep 100,000 rows well under a minute; every created or changed
    record still gets its own audit row, written in bulk too.

    :raises DomainError: when the plan has rejected rows.
    """
    with scope.as_user(actor):
        return _apply_import(session, actor, plan, now, filename)


def _apply_import(
    session: Session, actor: User, plan: ImportPlan, now: datetime, filename: str
) -> dict[str, int]:
    if not plan.can_apply:
        raise DomainError(
            None, _l("Fix the rejected rows first; nothing was imported.")
        )
    consent = str(PAPER_CONSENT)
    creates = [(nik, v) for nik, (pid, v) in plan.people.items() if pid is None]
    updates = [(pid, v) for nik, (pid, v) in plan.people.items() if pid is not None]
    audit_rows: list[dict[str, Any]] = []
    new_ids: dict[str, int] = {}
    if creates:
        keys = vault.current()
        rows = [
            {**_stored(values, keys), "consent_at": now,
             "consent_version": CONSENT_VERSION, "consent_purpose": consent,
             "registered_by_id": actor.id, "created_at": now, "updated_at": now}
            for _, values in creates
        ]  # fmt: skip
        by_hash = {keys.lookup_hash(nik): nik for nik, _ in creates}
        statement = (
            insert(Returnee)
            .returning(Returnee.id, Returnee.nik_hash, sort_by_parameter_order=True)
            .execution_options(render_nulls=True)
        )
        for chunk in _chunks(rows, INSERT_CHUNK):
            for returnee_id, nik_hash in session.execute(statement, chunk):
                new_ids[by_hash[nik_hash]] = returnee_id
        audit_rows += [
            _audit("insert", "returnees", new_ids[nik], {"nik": ["***", "***"],
                   "full_name": [None, values["full_name"]], "source": [None, filename]},
                   new_ids[nik])
            for nik, values in creates
        ]  # fmt: skip
    if updates:
        current: dict[int, Returnee] = {}
        update_ids = [pid for pid, _ in updates]
        for start in range(0, len(update_ids), 900):
            chunk = update_ids[start : start + 900]
            for returnee in session.scalars(
                select(Returnee).where(Returnee.id.in_(chunk))
            ):
                current[returnee.id] = returnee
        changed = []
        for pid, values in updates:
            before = current[pid]
            diff = {k: [_as_text(getattr(before, k)), _as_text(v)]
                    for k, v in values.items() if getattr(before, k) != v}  # fmt: skip
            if diff:
                if "nik" in diff:
                    diff["nik"] = ["***", "***"]
                changed.append({"id": pid, "version": before.version,
                                **_stored(values, vault.current()),
                                "updated_at": now})  # fmt: skip
                audit_rows.append(_audit("update", "returnees", pid, diff, pid))
        if changed:
            session.execute(update(Returnee), changed)
    people_ids = {nik: pid for nik, (pid, _) in plan.people.items() if pid is not None}
    people_ids.update(new_ids)
    placement_inserts, placement_updates = [], []
    known = [pid for pid, _ in plan.placements.values() if pid is not None]
    versions: dict[int, int] = {}
    for start in range(0, len(known), 900):
        versions.update(session.execute(select(Placement.id, Placement.version)
                                        .where(Placement.id.in_(known[start : start + 900]))).all())  # fmt: skip
    for (nik, _, _), (pid, values) in plan.placements.items():
        if pid is None:
            placement_inserts.append(
                {**values, "returnee_id": people_ids[nik], "created_at": now,
                 "updated_at": now}
            )  # fmt: skip
        else:
            placement_updates.append({"id": pid, "version": versions[pid], **values,
                                      "updated_at": now})  # fmt: skip
    if placement_inserts:
        statement = (
            insert(Placement)
            .returning(Placement.id, sort_by_parameter_order=True)
            .execution_options(render_nulls=True)
        )
        placement_ids = [
            placement_id
            for chunk in _chunks(placement_inserts, INSERT_CHUNK)
            for (placement_id,) in session.execute(statement, chunk)
        ]
        for placement_id, values in zip(placement_ids, placement_inserts, strict=True):
            audit_rows.append(
                _audit("insert", "placements", placement_id,
                       {"country_code": [None, values["country_code"]],
                        "departure_date": [None, values["departure_date"].isoformat()]},
                       values["returnee_id"])
            )  # fmt: skip
    if placement_updates:
        session.execute(update(Placement), placement_updates)
        owners = {pid: people_ids[nik]
                  for (nik, _, _), (pid, _v) in plan.placements.items() if pid}  # fmt: skip
        audit_rows += [_audit("update", "placements", p["id"], {"source": [None, filename]},
                              owners[p["id"]])
                       for p in placement_updates]  # fmt: skip
    if audit_rows:
        session.execute(insert(AuditEntry), audit_rows)
    session.flush()
    # Bulk statements pass the session listener by: name the people for the
    # dashboards' summaries, rebuilt when the import commits.
    summaries.mark_stale(session, people_ids.values())
    return {
        "created": len(creates),
        "updated": sum(1 for r in audit_rows if r["action"] == "update"
                       and r["table_name"] == "returnees"),
        "placements": len(placement_inserts) + len(placement_updates),
    }  # fmt: skip


def _as_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _audit(
    action: str,
    table: str,
    object_id: int,
    changes: dict[str, Any],
    returnee_id: int,
) -> dict[str, Any]:
    """An audit row of a bulk write, naming the person it is about (their
    processing log, and what erasure scrubs)."""
    actor = current_actor()
    return {
        "at": utcnow(), "actor_id": actor.id, "actor_label": actor.label,
        "action": action, "table_name": table, "object_id": str(object_id),
        "returnee_id": returnee_id, "changes": changes,
    }  # fmt: skip


# Export -------------------------------------------------------------------------


#: What an export shows of each person, as their processing log names it.
EXPORTED_FIELDS = ["registry_export", "full_name", "birth_date", "district", "village"]

#: The export's columns, each with its header in the reader's language.
PEOPLE_COLUMNS = {
    "nik": _l("NIK"), "full_name": _l("Full name"), "sex": _l("Sex"),
    "birth_date": _l("Birth date"), "phone": _l("Phone"),
    "province_code": _l("Province code"), "regency_code": _l("Regency code"),
    "regency": _l("Regency or city"), "district": _l("District"),
    "village": _l("Village"), "education": _l("Education"),
    "marital_status": _l("Marital status"), "dependants": _l("Dependants"),
    "nik_verified": _l("NIK checked against the KTP"),
}  # fmt: skip
PLACEMENT_COLUMNS = {
    "nik": _l("NIK"), "full_name": _l("Full name"),
    "country": _l("Destination country"), "sector": _l("Work"),
    "agency_name": _l("Placement agency (P3MI)"), "departure_date": _l("Departure"),
    "contract_months": _l("Contract (months)"), "return_date": _l("Return"),
    "return_reason": _l("Reason for return"), "salary_idr": _l("Salary a month (Rp)"),
    "remittances_idr": _l("Sent home (Rp)"), "savings_idr": _l("Savings on return (Rp)"),
}  # fmt: skip
TRAINING_COLUMNS = {
    "nik": _l("NIK"), "full_name": _l("Full name"), "title": _l("Training"),
    "kind": _l("Kind"), "stage": _l("When"), "organiser": _l("Organiser"),
    "start_date": _l("Start"), "end_date": _l("End"), "certificate": _l("Certificate"),
}  # fmt: skip


@dataclass(frozen=True)
class RegistryExport:
    """An export's three tables, with internal column names (headers are the
    reader's when written, :func:`export_file`)."""

    people: pd.DataFrame
    placements: pd.DataFrame
    trainings: pd.DataFrame


def export_frame(session: Session, user: User, stmt: Any, with_nik: bool = False,
                 sheets: bool = False) -> RegistryExport:  # fmt: skip
    """The returnees of a scoped search, their placements and trainings. NIKs are
    masked, and phones unless the user may see contact details; ``with_nik`` gives
    the whole NIK of each person the user may reveal it for (``REVEAL_NIK``).

    Every person exported gets an entry in their processing log (what the export
    showed of them, the NIK included, never the values), in the caller's
    transaction.
    """
    with scope.as_user(user):
        return _export_frame(session, user, stmt, with_nik, sheets)


def _export_frame(session: Session, user: User, stmt: Any, with_nik: bool,
                  sheets: bool) -> RegistryExport:  # fmt: skip
    locale = str(get_locale() or "id")
    people, placements, trainings, views = [], [], [], []
    # One query per relation for the whole export, not one per person.
    loaded = stmt.order_by(Returnee.id).options(
        selectinload(Returnee.regency), selectinload(Returnee.placements),
        selectinload(Returnee.trainings),
    )  # fmt: skip
    for returnee in session.scalars(loaded):
        contact = can(user, Action.VIEW_CONTACT, returnee)
        whole_nik = with_nik and can(user, Action.REVEAL_NIK, returnee)
        views.append((returnee, EXPORTED_FIELDS + (["phone"] if contact else [])
                      + (["nik"] if whole_nik else [])
                      + (["placements"] if sheets and returnee.placements else [])
                      + (["trainings"] if sheets and returnee.trainings else [])))  # fmt: skip
        # Masked, the NIK shows nothing: its last four digits with the birth date
        # and the district beside them would give the whole number back unrecorded.
        nik = returnee.nik if whole_nik else disclosure.HIDDEN
        people.append({
            "nik": nik,
            "full_name": returnee.full_name,
            "sex": str(SEX_LABELS.get(returnee.sex, returnee.sex)),
            "birth_date": returnee.birth_date,
            "phone": returnee.phone if contact else disclosure.phone(returnee.phone),
            "province_code": returnee.province_code,
            "regency_code": returnee.regency_code,
            "regency": returnee.regency.name,
            "district": returnee.district or "",
            "village": returnee.village or "",
            "education": code_label("education", returnee.education),
            "marital_status": code_label("marital", returnee.marital_status),
            "dependants": returnee.dependants,
            "nik_verified": str(_l("yes") if returnee.is_nik_verified else _l("no")),
        })  # fmt: skip
        for placement in returnee.placements:
            placements.append({
                "nik": nik, "full_name": returnee.full_name,
                "country": country_name(placement.country_code, locale),
                "sector": code_label("sector", placement.sector),
                "agency_name": placement.agency_name or "",
                "departure_date": placement.departure_date,
                "contract_months": placement.contract_months,
                "return_date": placement.return_date,
                "return_reason": code_label("return_reason", placement.return_reason)
                if placement.return_reason else "",
                "salary_idr": placement.salary_idr,
                "remittances_idr": placement.remittances_idr,
                "savings_idr": placement.savings_idr,
            })  # fmt: skip
        for training in returnee.trainings:
            trainings.append({
                "nik": nik, "full_name": returnee.full_name, "title": training.title,
                "kind": code_label("training_kind", training.kind),
                "stage": code_label("training_stage", training.stage),
                "organiser": training.organiser, "start_date": training.start_date,
                "end_date": training.end_date, "certificate": training.certificate or "",
            })  # fmt: skip
    record_views(session, views)
    return RegistryExport(
        pd.DataFrame(people, columns=list(PEOPLE_COLUMNS)),
        pd.DataFrame(placements, columns=list(PLACEMENT_COLUMNS)),
        pd.DataFrame(trainings, columns=list(TRAINING_COLUMNS)),
    )


def _headed(frame: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    return frame.rename(columns={key: str(label) for key, label in columns.items()})


def export_file(export: RegistryExport, kind: str) -> bytes:
    """The export as a file, headers in the reader's language: an XLSX workbook
    with a sheet each for people, placements and trainings (dates as dates,
    amounts as numbers), or a CSV of the people."""
    people = _headed(export.people, PEOPLE_COLUMNS)
    if kind != "xlsx":
        return frame_bytes(people, kind)
    return workbook_bytes([
        (str(_l("Returnees")), people),
        (str(_l("Placements")), _headed(export.placements, PLACEMENT_COLUMNS)),
        (str(_l("Trainings")), _headed(export.trainings, TRAINING_COLUMNS)),
    ])  # fmt: skip
