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
from flask_babel import force_locale, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session, selectinload

from juragan import consent_rules, registry_format
from juragan.dashboards import summaries
from juragan.db import inventory, scope, vault
from juragan.db.audit import current_actor, record_views
from juragan.domain import disclosure
from juragan.domain.identifiers import compact_nik
from juragan.domain.regions import country_name
from juragan.errors import DomainError, FieldErrors
from juragan.i18n.labels import SEX_LABELS, code_label
from juragan.models import (
    AuditEntry,
    ConsentMethod,
    ConsentRecord,
    Placement,
    Regency,
    Returnee,
    User,
    utcnow,
)
from juragan.policy import Action, can, in_region
from juragan.registry_format import (
    COLUMNS,
    REASONS_HEADER,
    cell_code,
    column_codes,
    header,
    is_ignored,
)
from juragan.services.registry import (
    SIMILAR_NAME_RATIO,
    PlacementData,
    ProfileData,
    check_placement,
    check_profile,
    name_similarity,
)
from juragan.spreadsheets import frame_bytes, workbook_bytes

#: The file's columns by internal code, in the template's order (their headers,
#: formats and codes: :mod:`juragan.registry_format`).
TEMPLATE_COLUMNS = tuple(column.code for column in COLUMNS)
REQUIRED_COLUMNS = (
    "nik",
    "full_name",
    "sex",
    "birth_date",
    "province_code",
    "regency_code",
    "education",
    "marital_status",
)
#: A row as the template shows it, by internal code.
EXAMPLE_ROW = {column.code: column.example for column in COLUMNS}
NO_CONSENT_FORM = _l(
    "%(column)s: give the archive reference of the consent form this person "
    "signed; nobody is registered without it.",
    column=registry_format.header("consent_form"),
)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


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
    too_many = _l(
        "At most %(rows)s rows a file: split it and import the parts.",
        rows=f"{MAX_ROWS:,}".replace(",", "."),
    )
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
            rows = book.worksheets[0].max_row or 0  # the sheet read (not Petunjuk)
            book.close()
        except (
            zipfile.BadZipFile,
            InvalidFileException,
            KeyError,
            OSError,
            ValueError,
        ) as error:
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

    Without ``required``, the file is the registry's: its columns are renamed to
    their internal codes (:func:`juragan.registry_format.column_codes`), and a
    column of reasons (a file of rejected rows sent again) is dropped.

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
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
            )
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
    if required is None:
        # The registry's format: headers as the template writes them or as
        # internal codes, in any case or spacing.
        codes, twice = column_codes(list(frame.columns))
        if twice:
            raise BadFile(
                _l(
                    "These columns appear twice in the file: %(columns)s.",
                    columns=", ".join(twice),
                )
            )
        frame.columns = codes
        frame = frame[[c for c in codes if not is_ignored(c)]]
    else:  # another file's own columns (payments)
        frame.columns = [str(c).strip().lower() for c in frame.columns]
    needed = REQUIRED_COLUMNS if required is None else required
    missing = [header(c) for c in needed if c not in frame.columns]
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
    """The template: the file format's headers and an example row; as XLSX with the
    Petunjuk sheet and drop-downs (:func:`juragan.registry_format.workbook`)."""
    headers = [column.header for column in COLUMNS]
    example = [EXAMPLE_ROW[code] for code in TEMPLATE_COLUMNS]
    if kind == "xlsx":
        return registry_format.workbook([example], headers)
    return frame_bytes(pd.DataFrame([example], columns=headers), kind)


# Planning (the dry run) --------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One value a row would overwrite, as the importer may see it."""

    column: str  # the file's header
    old: str
    new: str


@dataclass
class RowResult:
    line: int  # as a spreadsheet numbers it: the header is line 1
    nik: str
    name: str
    outcome: str = "create"  # create, update, unchanged, reject
    placement: str = ""  # create, update, unchanged or "" when the row has none
    reasons: list[str] = field(default_factory=list)
    #: Possibly the same person as someone registered or another row: imported
    #: only once the importer says they checked.
    warnings: list[str] = field(default_factory=list)
    #: What the row would overwrite in the person's profile and in the placement.
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.warnings or self.changes)


@dataclass
class ImportPlan:
    rows: list[RowResult]
    #: NIK -> (existing returnee id or None, profile values)
    people: dict[str, tuple[int | None, dict[str, Any]]]
    #: (NIK, country, departure) -> (existing placement id or None, values)
    placements: dict[tuple[str, str, date], tuple[int | None, dict[str, Any]]]
    #: Keys of stored placements the file repeats as they are (nothing to write).
    unchanged: set[tuple[str, str, date]] = field(default_factory=set)
    #: NIK -> the archive reference of the signed consent form, for new people.
    consent_forms: dict[str, str] = field(default_factory=dict)

    @property
    def rejected(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == "reject"]

    @property
    def can_apply(self) -> bool:
        return not self.rejected

    @property
    def similar(self) -> int:
        """Rows flagged as possibly someone registered or another row."""
        return sum(1 for row in self.rows if row.warnings)

    @property
    def overwrites(self) -> int:
        """Stored profiles and placements the import would change."""
        return self.count("update") + self.count_placements("update")

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    def count_placements(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.placement == outcome)

    def shown(self, limit: int) -> list[RowResult]:
        """The rows a page lists: every rejected one, then up to ``limit`` others,
        those with warnings or changes first (file order within each)."""
        flagged = [r for r in self.rows if r.outcome != "reject" and r.flagged]
        others = [r for r in self.rows if r.outcome != "reject" and not r.flagged]
        return self.rejected + (flagged + others)[:limit]


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
    raise ValueError(
        str(_l("%(column)s: not a date (write YYYY-MM-DD).", column=header(name)))
    )


def _int(value: Any, name: str) -> int | None:
    text = _text(value)
    if text is None:
        return None
    cleaned = text.replace(".", "").replace(" ", "").removeprefix("Rp")
    try:
        return int(cleaned)
    except ValueError:
        raise ValueError(
            str(_l("%(column)s: not a whole number.", column=header(name)))
        ) from None


def _decimal(value: Any, name: str) -> Decimal | None:
    text = _text(value)
    if text is None:
        return None
    try:
        number = Decimal(text.replace(",", "."))
        if not number.is_finite():  # "NaN" and "Infinity" are Decimals too
            raise InvalidOperation
        return number
    except InvalidOperation:
        raise ValueError(
            str(_l("%(column)s: not a number.", column=header(name)))
        ) from None


def _yes_no(value: Any, name: str) -> bool:
    code = cell_code(name, _text(value))
    if code is None:
        return False
    if code not in ("yes", "no"):
        raise ValueError(str(_l("%(column)s: write ya or tidak.", column=header(name))))
    return code == "yes"


def _code(cells: dict[str, Any], name: str) -> str:
    """A coded cell as its stored code (``L`` is ``M``, ``kawin`` is ``married``)."""
    return cell_code(name, _text(cells.get(name))) or ""


def _reasons(error: FieldErrors) -> list[str]:
    """A rule's messages, each after the header of the column it is about."""
    return [
        f"{header(name)}: {message}" if name else str(message)
        for name, message in error.errors
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
        raise ValueError(str(_l("%(column)s: empty.", column=header("birth_date"))))
    return ProfileData(
        nik=_text(cells.get("nik")) or "",
        full_name=_text(cells.get("full_name")) or "",
        sex=_code(cells, "sex").upper(),
        birth_date=birth_date,
        province_code=_text(cells.get("province_code")) or "",
        regency_code=_text(cells.get("regency_code")) or "",
        education=_code(cells, "education").lower(),
        marital_status=_code(cells, "marital_status").lower(),
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
    independent = attempt(_yes_no, "is_independent")
    if problems:
        raise ValueError("; ".join(problems))
    if values["departure_date"] is None:
        raise ValueError(str(_l("%(column)s: empty.", column=header("departure_date"))))
    return PlacementData(
        country_code=_code(cells, "country_code"),
        sector=_code(cells, "sector").lower(),
        occupation=_text(cells.get("occupation")),
        agency_name=_text(cells.get("agency_name")),
        is_independent=bool(independent),
        return_reason=_code(cells, "return_reason").lower() or None,
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
            found = set(
                session.scalars(
                    select(Returnee.nik_hash).where(Returnee.nik_hash.in_(hashes))
                )
            )
            taken.update(
                nik for nik in chunk if found & set(vault.current().lookup_hashes(nik))
            )
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
        row = RowResult(
            line,
            disclosure.nik(compact_nik(str(cells.get("nik", "")))),
            str(cells.get("full_name", "")),
        )
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
                    session,
                    data,
                    today,
                    regency_provinces,
                    first_departure=min(
                        (p.departure_date for p in stored), default=None
                    ),
                )
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
                (
                    p
                    for p in journey
                    if (p.country_code, p.departure_date) == key_values
                ),
                None,
            )
            try:
                check_placement(
                    SimpleNamespace(placements=journey),
                    placement,
                    today,
                    placement_id=same.id if same is not None else None,
                    birth_date=data.birth_date,
                )
            except FieldErrors as error:
                problems += _reasons(error)
        reference = _text(cells.get("consent_form"))
        if (
            data is not None
            and person is None
            and data.nik not in plan.people
            and (not reference or len(reference) > consent_rules.REFERENCE_LIMIT)
        ):
            problems.append(str(NO_CONSENT_FORM))
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
                    str(
                        _l(
                            "Different details for the same NIK as line %(line)d.",
                            line=first_line[data.nik],
                        )
                    )
                ]
                continue
            row.outcome = "unchanged"  # repeated person row for another placement
        else:
            first_line[data.nik] = line
            plan.people[data.nik] = (person.id if person else None, values)
            if person is None:
                row.outcome = "create"
                plan.consent_forms[data.nik] = reference or ""
            else:
                row.changes = _changes(actor, person, Returnee, values)
                row.outcome = "update" if row.changes else "unchanged"
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
            changed = _changes(actor, person, Placement, placement_values, same)
            row.changes += changed
            row.placement = "update" if changed else "unchanged"
            plan.placements[key] = (same.id, placement_values)
            if not changed:
                plan.unchanged.add(key)
        else:
            row.placement = "create"
            plan.placements[key] = (None, placement_values)
            journey.append(
                SimpleNamespace(id=-len(plan.placements), **placement_values)
            )
    _flag_similar(session, plan, first_line)
    return plan


def _changes(
    actor: User,
    person: Returnee,
    model: type,
    values: dict[str, Any],
    stored: Any = None,
) -> list[FieldChange]:
    """Each value of ``values`` that differs from the stored record (``stored``, or
    the person), old and new shown as the person's page shows them to ``actor``:
    in full to those who look after the person, never the NIK."""
    record = person if stored is None else stored
    changed = [
        (name, getattr(record, name), after)
        for name, after in values.items()
        if getattr(record, name) != after
    ]
    if not changed:  # most rows of a file imported again
        return []
    full = can(actor, Action.VIEW_CONTACT, person)
    columns = inventory.INVENTORY[model].columns
    changes = []
    for name, before, after in changed:
        # The NIK is stored as ciphertext and hash: its kind is the NIK's.
        kind = inventory.NIK if name == "nik" else columns[name].kind
        changes.append(
            FieldChange(
                header(name),
                _shown(name, kind, before, full),
                _shown(name, kind, after, full),
            )
        )
    return changes


_CODED = {
    "education": "education",
    "marital_status": "marital",
    "sector": "sector",
    "return_reason": "return_reason",
}


def _shown(name: str, kind: str, value: Any, full: bool) -> str:
    if value is None or value == "":
        return str(_l("(empty)"))
    if kind == inventory.NIK:
        return disclosure.nik(value)
    if name == "sex":
        value = str(SEX_LABELS.get(value, value))
    elif name in _CODED:
        value = code_label(_CODED[name], value)
    elif name == "country_code":
        value = country_name(value, str(get_locale() or "id"))
    elif isinstance(value, bool):
        value = str(_l("yes") if value else _l("no"))
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, int | Decimal):
        value = format_decimal(value)
    return str(disclosure.value(kind, value, full))


#: At most this many rows named in one row's warning about similar people.
_SIMILAR_NAMED = 5


def _flag_similar(
    session: Session, plan: ImportPlan, first_line: dict[str, int]
) -> None:
    """Warn on each new person who resembles someone registered, or another new
    person of the file: a name alike (as registration compares them), the same
    birth date and the same regency. The registry is searched across every scope,
    in one query per few hundred people; someone the importer may not see is
    signalled without a word of who (as registration does)."""
    first_row = {
        nik: plan.rows[line - 2]
        for nik, line in first_line.items()
        if plan.rows[line - 2].outcome == "create"
    }
    new = [
        (nik, values)
        for nik, (pid, values) in plan.people.items()
        if pid is None and nik in first_row
    ]
    if not new:
        return
    pairs = sorted({(v["birth_date"], v["regency_code"]) for _, v in new})
    registered: dict[tuple[date, str], list[tuple[int, str]]] = {}
    with scope.system("uniqueness"):
        for chunk in _chunks(pairs, 400):  # two bound values a pair
            for person_id, name, born, regency in session.execute(
                select(
                    Returnee.id,
                    Returnee.full_name,
                    Returnee.birth_date,
                    Returnee.regency_code,
                ).where(tuple_(Returnee.birth_date, Returnee.regency_code).in_(chunk))
            ):
                registered.setdefault((born, regency), []).append((person_id, name))
    alike: dict[str, list[int]] = {}
    for nik, values in new:
        candidates = registered.get((values["birth_date"], values["regency_code"]), [])
        matches = [
            person_id
            for person_id, name in candidates
            if name_similarity(name, values["full_name"]) >= SIMILAR_NAME_RATIO
        ]
        if matches:
            alike[nik] = matches
    # Those the importer may see, in one query (the caller's scope applies).
    visible = {
        person.id: person
        for chunk in _chunks(sorted({i for ids in alike.values() for i in ids}))
        for person in session.scalars(select(Returnee).where(Returnee.id.in_(chunk)))
    }
    for nik, ids in alike.items():
        row = first_row[nik]
        for person_id in ids[:_SIMILAR_NAMED]:
            person = visible.get(person_id)
            if person is not None:
                row.warnings.append(
                    str(
                        _l(
                            "Possibly the same person as %(name)s (NIK %(nik)s), registered "
                            "already.",
                            name=person.full_name,
                            nik=disclosure.nik(person.nik),
                        )
                    )
                )
        if any(person_id not in visible for person_id in ids):
            row.warnings.append(
                str(
                    _l(
                        "Someone with a similar name, the same birth date and the same regency "
                        "is registered outside what you may see."
                    )
                )
            )
    # Within the file: new people of the same birth date and regency.
    groups: dict[tuple[date, str], list[tuple[str, dict[str, Any]]]] = {}
    for nik, values in new:
        groups.setdefault((values["birth_date"], values["regency_code"]), []).append(
            (nik, values)
        )
    for group in groups.values():
        for index, (nik, values) in enumerate(group):
            for other_nik, other in group[:index] + group[index + 1 :]:
                if (
                    name_similarity(other["full_name"], values["full_name"])
                    >= SIMILAR_NAME_RATIO
                ):
                    other_row = first_row[other_nik]
                    first_row[nik].warnings.append(
                        str(
                            _l(
                                "Possibly the same person as line %(line)d (NIK %(nik)s) of "
                                "this file.",
                                line=other_row.line,
                                nik=other_row.nik,
                            )
                        )
                    )


# Applying -----------------------------------------------------------------------


#: Rows per bulk INSERT ... RETURNING. The inserts render NULLs too: otherwise the
#: ORM splits rows by which values are empty, one statement per run of rows, and
#: joins the returned rows of every statement (quadratic in a large file).
INSERT_CHUNK = 5_000


def _stored(values: dict[str, Any], keys: vault.Vault) -> dict[str, Any]:
    """Row values for a bulk statement: the NIK as its stored columns, never clear."""
    row = {k: v for k, v in values.items() if k != "nik"}
    return row | keys.stored(values["nik"]) if "nik" in values else row


SIMILAR_UNCHECKED = _l(
    "Tick that you have checked the rows marked as possibly the same person; "
    "nothing was imported."
)
CHANGES_UNCONFIRMED = _l(
    "Tick that the recorded details may be changed as listed; nothing was imported."
)
CHECK_CHANGED = _l(
    "The registry has changed since your check, and so has this list: look at it "
    "again and tick once more; nothing was imported."
)


@dataclass(frozen=True)
class Confirmation:
    """What the importer ticked on the page of a dry run, each as the number of rows
    the page showed them (0: not ticked)."""

    #: Rows marked as possibly the same person, checked.
    similar: int = 0
    #: Stored profiles and placements the file changes, agreed to.
    overwrites: int = 0


def apply_import(
    session: Session,
    actor: User,
    plan: ImportPlan,
    now: datetime,
    filename: str,
    confirmed: Confirmation | None = None,
) -> dict[str, int]:
    """Write a plan without rejected rows: all of it, or (on any error) nothing.

    A plan that flags possible duplicates, or changes stored profiles or
    placements, is written only when ``confirmed`` names as many as the plan has
    (the dry run the importer looked at may be older than ``plan``). Without it
    nothing is written, not even the rows that overwrite nothing: a file is
    imported whole or not at all.

    Bulk statements keep 100,000 rows well under a minute; every created or changed
    record still gets its own audit row, written in bulk too.

    :raises DomainError: when the plan has rejected rows; :raises FieldErrors:
        naming each confirmation missing (``similar_checked``,
        ``changes_confirmed``).
    """
    confirmed = confirmed or Confirmation()
    if not plan.can_apply:
        raise DomainError(
            None, _l("Fix the rejected rows first; nothing was imported.")
        )
    missing = []
    for name, needed, given, unticked in (
        ("similar_checked", plan.similar, confirmed.similar, SIMILAR_UNCHECKED),
        (
            "changes_confirmed",
            plan.overwrites,
            confirmed.overwrites,
            CHANGES_UNCONFIRMED,
        ),
    ):
        if needed and given != needed:
            missing.append((name, CHECK_CHANGED if given else unticked))
    if missing:
        raise FieldErrors(missing)
    with scope.as_user(actor):
        return _apply_import(session, actor, plan, now, filename)


def _apply_import(
    session: Session, actor: User, plan: ImportPlan, now: datetime, filename: str
) -> dict[str, int]:
    if not plan.can_apply:
        raise DomainError(
            None, _l("Fix the rejected rows first; nothing was imported.")
        )
    creates = [(nik, v) for nik, (pid, v) in plan.people.items() if pid is None]
    updates = [(pid, v) for nik, (pid, v) in plan.people.items() if pid is not None]
    audit_rows: list[dict[str, Any]] = []
    new_ids: dict[str, int] = {}
    if creates:
        keys = vault.current()
        rows = [
            {
                **_stored(values, keys),
                "registered_by_id": actor.id,
                "created_at": now,
                "updated_at": now,
            }
            for _, values in creates
        ]
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
            _audit(
                "insert",
                "returnees",
                new_ids[nik],
                {
                    "nik": ["***", "***"],
                    "full_name": [None, values["full_name"]],
                    "source": [None, filename],
                },
                new_ids[nik],
            )
            for nik, values in creates
        ]
        audit_rows += _record_archived_consents(session, actor, plan, new_ids, now)
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
            diff = {
                k: [_as_text(getattr(before, k)), _as_text(v)]
                for k, v in values.items()
                if getattr(before, k) != v
            }
            if diff:
                if "nik" in diff:
                    diff["nik"] = ["***", "***"]
                changed.append(
                    {
                        "id": pid,
                        "version": before.version,
                        **_stored(values, vault.current()),
                        "updated_at": now,
                    }
                )
                audit_rows.append(_audit("update", "returnees", pid, diff, pid))
        if changed:
            session.execute(update(Returnee), changed)
    people_ids = {nik: pid for nik, (pid, _) in plan.people.items() if pid is not None}
    people_ids.update(new_ids)
    placement_inserts, placement_updates = [], []
    known = [pid for pid, _ in plan.placements.values() if pid is not None]
    versions: dict[int, int] = {}
    for start in range(0, len(known), 900):
        versions.update(
            session.execute(
                select(Placement.id, Placement.version).where(
                    Placement.id.in_(known[start : start + 900])
                )
            ).all()
        )
    for key, (pid, values) in plan.placements.items():
        nik = key[0]
        if key in plan.unchanged:
            continue
        if pid is None:
            placement_inserts.append(
                {
                    **values,
                    "returnee_id": people_ids[nik],
                    "created_at": now,
                    "updated_at": now,
                }
            )
        else:
            placement_updates.append(
                {"id": pid, "version": versions[pid], **values, "updated_at": now}
            )
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
                _audit(
                    "insert",
                    "placements",
                    placement_id,
                    {
                        "country_code": [None, values["country_code"]],
                        "departure_date": [None, values["departure_date"].isoformat()],
                    },
                    values["returnee_id"],
                )
            )
    if placement_updates:
        session.execute(update(Placement), placement_updates)
        owners = {
            pid: people_ids[nik]
            for (nik, _, _), (pid, _v) in plan.placements.items()
            if pid
        }
        audit_rows += [
            _audit(
                "update",
                "placements",
                p["id"],
                {"source": [None, filename]},
                owners[p["id"]],
            )
            for p in placement_updates
        ]
    if audit_rows:
        session.execute(insert(AuditEntry), audit_rows)
    session.flush()
    # Bulk statements pass the session listener by: name the people for the
    # dashboards' summaries, rebuilt when the import commits.
    summaries.mark_stale(session, people_ids.values())
    return {
        "created": len(creates),
        "updated": sum(
            1
            for r in audit_rows
            if r["action"] == "update" and r["table_name"] == "returnees"
        ),
        "placements": len(placement_inserts) + len(placement_updates),
    }


# The rejected rows, as a file to correct ---------------------------------------


_DATE_COLUMNS = ("birth_date", "departure_date", "return_date")


def _as_sent(code: str, value: Any) -> str:
    """A cell as the official wrote it (an XLSX date cell reads as a timestamp)."""
    text = "" if value is None else str(value)
    if code in _DATE_COLUMNS and text.endswith(" 00:00:00"):
        return text.removesuffix(" 00:00:00")
    return text


def rejected_rows_file(frame: pd.DataFrame, plan: ImportPlan, kind: str) -> bytes:
    """The rejected rows of ``plan`` exactly as ``frame`` (the file read) holds them,
    in the template's columns and headers, after a first column giving every
    problem of the row: the file to correct and upload again (the reasons column is
    ignored then). Whole NIKs: the importer's own values, needed to upload again.
    """
    headers = [REASONS_HEADER, *(column.header for column in COLUMNS)]
    records = frame.to_dict("records")
    rows = [
        ["\n".join(row.reasons)]  # a line each
        + [
            _as_sent(code, records[row.line - 2].get(code, ""))
            for code in TEMPLATE_COLUMNS
        ]
        for row in plan.rejected
    ]
    if kind == "xlsx":
        return registry_format.workbook(rows, headers)
    return frame_bytes(pd.DataFrame(rows, columns=headers), kind)


#: What a file of rejected rows shows of a registered person, as their processing
#: log names it (the values are the importer's own, but their NIK among them).
REJECTED_FILE_FIELDS = ["import_rejected_rows", "nik", "full_name", "birth_date"]


def record_rejected_download(
    session: Session, actor: User, frame: pd.DataFrame, plan: ImportPlan
) -> None:
    """Audit a download of rejected rows as an export: one entry for the file, and
    one in the processing log of each registered person it names whom ``actor`` may
    see (a NIK outside the scope leaves no trace of who holds it)."""
    records = frame.to_dict("records")
    niks = sorted(
        {
            compact_nik(str(records[row.line - 2].get("nik", "")))
            for row in plan.rejected
        }
        - {""}
    )
    with scope.as_user(actor):
        people = [
            person
            for chunk in _chunks(niks)
            for person in session.scalars(
                select(Returnee).where(Returnee.nik.in_(chunk))
            )
        ]
    record_views(session, [(person, REJECTED_FILE_FIELDS) for person in people])
    actor_now = current_actor()
    session.execute(
        insert(AuditEntry),
        [
            {
                "at": utcnow(),
                "actor_id": actor_now.id,
                "actor_label": actor_now.label,
                "action": "view",
                "table_name": "returnees",
                "object_id": "",
                "returnee_id": None,
                "changes": {"import_rejected_rows": [None, len(plan.rejected)]},
            }
        ],
    )


def _record_archived_consents(
    session: Session,
    actor: User,
    plan: ImportPlan,
    new_ids: dict[str, int],
    now: datetime,
) -> list[dict]:
    """The registry consent of everyone the import registers: the paper form they
    signed at the office, kept in its archive under the reference the file gives,
    attested by the importing official. Returns their audit rows."""
    with force_locale("id"):  # the paper form's words
        wording = str(consent_rules.WORDING[consent_rules.CORE])
    rows = [
        {
            "returnee_id": new_ids[nik],
            "purpose": consent_rules.CORE.value,
            "wording_version": consent_rules.WORDING_VERSION,
            "wording": wording,
            "method": ConsentMethod.PAPER_ARCHIVE.value,
            "given_at": now,
            "recorded_by_id": actor.id,
            "form_reference": plan.consent_forms[nik],
        }
        for nik in new_ids
    ]
    statement = (
        insert(ConsentRecord)
        .returning(
            ConsentRecord.id, ConsentRecord.returnee_id, sort_by_parameter_order=True
        )
        .execution_options(render_nulls=True)
    )
    audit_rows = []
    for chunk in _chunks(rows, INSERT_CHUNK):
        for record_id, person_id in session.execute(statement, chunk):
            audit_rows.append(
                _audit(
                    "insert",
                    "consent_records",
                    record_id,
                    {
                        "purpose": [None, consent_rules.CORE.value],
                        "method": [None, ConsentMethod.PAPER_ARCHIVE.value],
                    },
                    person_id,
                )
            )
    return audit_rows


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
        "at": utcnow(),
        "actor_id": actor.id,
        "actor_label": actor.label,
        "action": action,
        "table_name": table,
        "object_id": str(object_id),
        "returnee_id": returnee_id,
        "changes": changes,
    }


# Export -------------------------------------------------------------------------


#: What an export shows of each person, as their processing log names it.
EXPORTED_FIELDS = ["registry_export", "full_name", "birth_date", "district", "village"]

#: The export's columns, each with its header in the reader's language.
PEOPLE_COLUMNS = {
    "nik": _l("NIK"),
    "full_name": _l("Full name"),
    "sex": _l("Sex"),
    "birth_date": _l("Birth date"),
    "phone": _l("Phone"),
    "province_code": _l("Province code"),
    "regency_code": _l("Regency code"),
    "regency": _l("Regency or city"),
    "district": _l("District"),
    "village": _l("Village"),
    "education": _l("Education"),
    "marital_status": _l("Marital status"),
    "dependants": _l("Dependants"),
    "nik_verified": _l("NIK checked against the KTP"),
}
PLACEMENT_COLUMNS = {
    "nik": _l("NIK"),
    "full_name": _l("Full name"),
    "country": _l("Destination country"),
    "sector": _l("Work"),
    "agency_name": _l("Placement agency (P3MI)"),
    "departure_date": _l("Departure"),
    "contract_months": _l("Contract (months)"),
    "return_date": _l("Return"),
    "return_reason": _l("Reason for return"),
    "salary_idr": _l("Salary a month (Rp)"),
    "remittances_idr": _l("Sent home (Rp)"),
    "savings_idr": _l("Savings on return (Rp)"),
}
TRAINING_COLUMNS = {
    "nik": _l("NIK"),
    "full_name": _l("Full name"),
    "title": _l("Training"),
    "kind": _l("Kind"),
    "stage": _l("When"),
    "organiser": _l("Organiser"),
    "start_date": _l("Start"),
    "end_date": _l("End"),
    "certificate": _l("Certificate"),
}


@dataclass(frozen=True)
class RegistryExport:
    """An export's three tables, with internal column names (headers are the
    reader's when written, :func:`export_file`)."""

    people: pd.DataFrame
    placements: pd.DataFrame
    trainings: pd.DataFrame


def export_frame(
    session: Session,
    user: User,
    stmt: Any,
    with_nik: bool = False,
    sheets: bool = False,
) -> RegistryExport:
    """The returnees of a scoped search, their placements and trainings. NIKs are
    masked, and phones unless the user may see contact details; ``with_nik`` gives
    the whole NIK of each person the user may reveal it for (``REVEAL_NIK``).

    Every person exported gets an entry in their processing log (what the export
    showed of them, the NIK included, never the values), in the caller's
    transaction.
    """
    with scope.as_user(user):
        return _export_frame(session, user, stmt, with_nik, sheets)


def _export_frame(
    session: Session, user: User, stmt: Any, with_nik: bool, sheets: bool
) -> RegistryExport:
    locale = str(get_locale() or "id")
    people, placements, trainings, views = [], [], [], []
    # One query per relation for the whole export, not one per person.
    loaded = stmt.order_by(Returnee.id).options(
        selectinload(Returnee.regency),
        selectinload(Returnee.placements),
        selectinload(Returnee.trainings),
    )
    for returnee in session.scalars(loaded):
        contact = can(user, Action.VIEW_CONTACT, returnee)
        whole_nik = with_nik and can(user, Action.REVEAL_NIK, returnee)
        views.append(
            (
                returnee,
                EXPORTED_FIELDS
                + (["phone"] if contact else [])
                + (["nik"] if whole_nik else [])
                + (["placements"] if sheets and returnee.placements else [])
                + (["trainings"] if sheets and returnee.trainings else []),
            )
        )
        # Masked, the NIK shows nothing: its last four digits with the birth date
        # and the district beside them would give the whole number back unrecorded.
        nik = returnee.nik if whole_nik else disclosure.HIDDEN
        people.append(
            {
                "nik": nik,
                "full_name": returnee.full_name,
                "sex": str(SEX_LABELS.get(returnee.sex, returnee.sex)),
                "birth_date": returnee.birth_date,
                "phone": returnee.phone
                if contact
                else disclosure.phone(returnee.phone),
                "province_code": returnee.province_code,
                "regency_code": returnee.regency_code,
                "regency": returnee.regency.name,
                "district": returnee.district or "",
                "village": returnee.village or "",
                "education": code_label("education", returnee.education),
                "marital_status": code_label("marital", returnee.marital_status),
                "dependants": returnee.dependants,
                "nik_verified": str(
                    _l("yes") if returnee.is_nik_verified else _l("no")
                ),
            }
        )
        for placement in returnee.placements:
            placements.append(
                {
                    "nik": nik,
                    "full_name": returnee.full_name,
                    "country": country_name(placement.country_code, locale),
                    "sector": code_label("sector", placement.sector),
                    "agency_name": placement.agency_name or "",
                    "departure_date": placement.departure_date,
                    "contract_months": placement.contract_months,
                    "return_date": placement.return_date,
                    "return_reason": code_label(
                        "return_reason", placement.return_reason
                    )
                    if placement.return_reason
                    else "",
                    "salary_idr": placement.salary_idr,
                    "remittances_idr": placement.remittances_idr,
                    "savings_idr": placement.savings_idr,
                }
            )
        for training in returnee.trainings:
            trainings.append(
                {
                    "nik": nik,
                    "full_name": returnee.full_name,
                    "title": training.title,
                    "kind": code_label("training_kind", training.kind),
                    "stage": code_label("training_stage", training.stage),
                    "organiser": training.organiser,
                    "start_date": training.start_date,
                    "end_date": training.end_date,
                    "certificate": training.certificate or "",
                }
            )
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
    return workbook_bytes(
        [
            (str(_l("Returnees")), people),
            (str(_l("Placements")), _headed(export.placements, PLACEMENT_COLUMNS)),
            (str(_l("Trainings")), _headed(export.trainings, TRAINING_COLUMNS)),
        ]
    )
