"""The registry import file: its columns, their fixed Indonesian headers, the codes
each column takes, and the template workbook with its "Petunjuk" sheet.

The headers are a file format, not interface text: they are the same whatever
language the official reads, so that a file made in one office is read in any
other (``docs/registry-import.md``). Reading accepts the header, the internal code
(``nik``, ``full_name``, ...) or either written in another case or spacing; cells
accept the values the Petunjuk sheet lists, Indonesian words included.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from juragan.domain.codes import (
    Code,
    EducationLevel,
    MaritalStatus,
    ReturnReason,
    Sector,
    Sex,
)
from juragan.domain.regions import countries
from juragan.spreadsheets import escape_cell

#: The first column of a file of rejected rows: why each was refused. Ignored
#: when the file is uploaded again.
REASONS_HEADER = "Alasan"
#: The template's second sheet, which explains the first.
HELP_SHEET = "Petunjuk"
DATA_SHEET = "Data"


@dataclass(frozen=True)
class CodeList:
    """The values a coded column takes: what to write (shown in the drop-down),
    its meaning, and other spellings read as the same value."""

    name: Any  # the list's name, in the reader's language
    #: value to write -> (stored code, meaning)
    values: dict[str, tuple[str, Any]]
    #: other accepted spellings -> stored code (compared ignoring case)
    also: dict[str, str]


def _coded(codes: type[Code]) -> dict[str, tuple[str, Any]]:
    return {code: (code, label) for code, label in codes.choices()}


CODE_LISTS: dict[str, CodeList] = {
    "sex": CodeList(
        _l("Sex"),
        {
            "L": (Sex.MALE.value, Sex.MALE.label),
            "P": (Sex.FEMALE.value, Sex.FEMALE.label),
        },
        {"m": "M", "f": "F", "laki-laki": "M", "perempuan": "F"},
    ),
    "education": CodeList(
        _l("Highest schooling completed"),
        _coded(EducationLevel),
        {
            "tidak sekolah": "none",
            "smk": "sma",
            "d1": "diploma",
            "d2": "diploma",
            "d3": "diploma",
            "s1": "bachelor",
            "sarjana": "bachelor",
        },
    ),
    # The words of the KTP's "Status perkawinan".
    "marital_status": CodeList(
        _l("Marital status"),
        {
            "belum kawin": (MaritalStatus.SINGLE.value, MaritalStatus.SINGLE.label),
            "kawin": (MaritalStatus.MARRIED.value, MaritalStatus.MARRIED.label),
            "cerai hidup": (MaritalStatus.DIVORCED.value, MaritalStatus.DIVORCED.label),
            "cerai mati": (MaritalStatus.WIDOWED.value, MaritalStatus.WIDOWED.label),
        },
        {code: code for code in MaritalStatus.values()},
    ),
    "sector": CodeList(_l("Sector"), _coded(Sector), {}),
    "return_reason": CodeList(_l("Why they came home"), _coded(ReturnReason), {}),
    "is_independent": CodeList(
        _l("Went independently, without an agency"),
        {"ya": ("yes", _l("yes")), "tidak": ("no", _l("no"))},
        {
            "y": "yes",
            "yes": "yes",
            "true": "yes",
            "1": "yes",
            "x": "yes",
            "n": "no",
            "no": "no",
            "false": "no",
            "0": "no",
        },
    ),
}


@dataclass(frozen=True)
class ImportColumn:
    code: str  # the internal name (also accepted as a header)
    header: str  # the fixed Indonesian header of the file format
    required: Any  # whether a row needs it, in the reader's language
    format: Any  # how to write it, in the reader's language
    example: str
    #: The name of its code list (:data:`CODE_LISTS`, or ``country``).
    codes: str | None = None


_YES, _NO = _l("yes"), _l("no")
_WITH_PLACEMENT = _l("yes, for a row with a placement")
_DATE = _l("A date: YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY.")
_RUPIAH = _l("Whole rupiah, without Rp or dots (8600000).")

COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn(
        "nik", "NIK", _YES, _l("16 digits, as on the KTP."), "3507015403880007"
    ),
    ImportColumn(
        "full_name", "Nama lengkap", _YES, _l("As on the KTP."), "Sri Wahyuni"
    ),
    ImportColumn("sex", "Jenis kelamin (L/P)", _YES, _l("L or P."), "P", "sex"),
    ImportColumn("birth_date", "Tanggal lahir", _YES, _DATE, "1988-03-14"),
    ImportColumn(
        "phone", "Nomor HP", _NO, _l("An Indonesian mobile number."), "0812 3456 7890"
    ),
    ImportColumn("email", "Email", _NO, _l("An e-mail address."), ""),
    ImportColumn(
        "province_code",
        "Kode provinsi",
        _YES,
        _l("The province's code (Kemendagri), two digits."),
        "35",
    ),
    ImportColumn(
        "regency_code",
        "Kode kabupaten/kota",
        _YES,
        _l("The regency's or city's code (Kemendagri), e.g. 35.07."),
        "35.07",
    ),
    ImportColumn("district", "Kecamatan", _NO, _l("Text."), "Kepanjen"),
    ImportColumn("village", "Desa/kelurahan", _NO, _l("Text."), "Talangagung"),
    ImportColumn(
        "education",
        "Pendidikan terakhir",
        _YES,
        _l("A code of the list."),
        "smp",
        "education",
    ),
    ImportColumn(
        "marital_status",
        "Status perkawinan",
        _YES,
        _l("As on the KTP."),
        "kawin",
        "marital_status",
    ),
    ImportColumn(
        "dependants", "Jumlah tanggungan", _NO, _l("A whole number from 0 to 30."), "2"
    ),
    ImportColumn(
        "consent_form",
        "Nomor formulir persetujuan",
        _l("yes, for a person not yet registered"),
        _l(
            "The archive reference of the consent form the person signed "
            "(docs/consent.md)."
        ),
        "BP3MI-JTM/2026/0012",
    ),
    ImportColumn(
        "country_code",
        "Negara tujuan",
        _l("no: empty for a person without a placement"),
        _l("The country's two-letter code (ISO 3166), or its name."),
        "HK",
        "country",
    ),
    ImportColumn(
        "sector",
        "Sektor pekerjaan",
        _WITH_PLACEMENT,
        _l("A code of the list."),
        "domestic_worker",
        "sector",
    ),
    ImportColumn(
        "occupation",
        "Jabatan/pekerjaan",
        _NO,
        _l("Text."),
        "Penata laksana rumah tangga",
    ),
    ImportColumn(
        "agency_name",
        "Perusahaan penempatan (P3MI)",
        _l("yes, unless the person went independently"),
        _l("Text."),
        "PT Sumber Rezeki",
    ),
    ImportColumn(
        "is_independent",
        "Berangkat mandiri (ya/tidak)",
        _NO,
        _l("ya or tidak; empty is tidak."),
        "tidak",
        "is_independent",
    ),
    ImportColumn(
        "departure_date", "Tanggal berangkat", _WITH_PLACEMENT, _DATE, "2012-04-02"
    ),
    ImportColumn(
        "contract_months",
        "Lama kontrak (bulan)",
        _WITH_PLACEMENT,
        _l("A whole number from 1 to 120."),
        "24",
    ),
    ImportColumn(
        "return_date",
        "Tanggal pulang",
        _l("no: empty while still abroad"),
        _DATE,
        "2014-04-20",
    ),
    ImportColumn(
        "return_reason",
        "Alasan pulang",
        _l("yes, when there is a return date"),
        _l("A code of the list."),
        "contract_completed",
        "return_reason",
    ),
    ImportColumn(
        "salary_foreign",
        "Gaji per bulan (mata uang negara tujuan)",
        _NO,
        _l("A number; a decimal comma or point."),
        "4110",
    ),
    ImportColumn(
        "salary_currency",
        "Mata uang gaji",
        _l("yes, when there is a salary"),
        _l("The currency's three-letter code (ISO 4217), e.g. HKD, TWD, MYR."),
        "HKD",
    ),
    ImportColumn("salary_idr", "Gaji per bulan (Rp)", _NO, _RUPIAH, "8600000"),
    ImportColumn(
        "remittances_idr", "Total kiriman ke rumah (Rp)", _NO, _RUPIAH, "130000000"
    ),
    ImportColumn("savings_idr", "Tabungan saat pulang (Rp)", _NO, _RUPIAH, "25000000"),
    ImportColumn(
        "skills",
        "Keterampilan dan sertifikat",
        _NO,
        _l("Text."),
        "Memasak, bahasa Kanton",
    ),
)

BY_CODE = {column.code: column for column in COLUMNS}
HEADERS = {column.code: column.header for column in COLUMNS}


def header(code: str | None) -> str:
    """The file's header of a column (what a report names it by)."""
    return HEADERS.get(code or "", code or "")


def _normal(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


#: Every accepted spelling of a header -> its column's code.
_READ_AS = {_normal(c.header): c.code for c in COLUMNS} | {
    _normal(c.code): c.code for c in COLUMNS
}
_IGNORED = {_normal(REASONS_HEADER)}


def column_codes(headers: list[Any]) -> tuple[list[str], list[str]]:
    """The internal code of each header of a file (an unknown header is kept,
    normalised, and later ignored; the reasons column is dropped by the caller),
    and the headers that name a column already named."""
    codes: list[str] = []
    twice: list[str] = []
    for text in headers:
        normal = _normal(text)
        code = _READ_AS.get(normal, normal)
        if code in codes and code in BY_CODE:
            twice.append(str(text).strip())
        codes.append(code)
    return codes, twice


def is_ignored(code: str) -> bool:
    return code in _IGNORED


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for locale in ("en", "id"):
        names.update({_normal(c.name): c.code for c in countries(locale)})
    return names


@cache
def _spellings(code: str) -> dict[str, str]:
    """Every accepted spelling of a coded column's values -> the stored code."""
    codes = CODE_LISTS[code]
    spellings = {_normal(k): v for k, v in codes.also.items()}
    for written, (stored, _meaning) in codes.values.items():
        spellings[_normal(stored)] = stored
        spellings[_normal(written)] = stored
    return spellings


def cell_code(code: str, value: str | None) -> str | None:
    """A coded cell as its stored code: a listed value, another accepted spelling,
    or (unchanged, for the rules to refuse) anything else."""
    if value is None:
        return None
    if code == "country_code":
        return _country_names().get(_normal(value), value)
    if code not in CODE_LISTS:
        return value
    return _spellings(code).get(_normal(value), value)


# The template workbook ----------------------------------------------------------


def _code_rows(locale: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each code list as (its column's header, [(write, meaning, also accepted)])."""
    lists = []
    for column in COLUMNS:
        if column.codes is None:
            continue
        if column.codes == "country":
            rows = [(c.code, c.name, "") for c in countries(locale) if c.code != "ID"]
        else:
            codes = CODE_LISTS[column.codes]
            rows = []
            for written, (stored, meaning) in codes.values.items():
                spellings = [stored, *(k for k, v in codes.also.items() if v == stored)]
                also = {_normal(s): s for s in reversed(spellings)}
                also.pop(_normal(written), None)
                rows.append((written, str(meaning), ", ".join(reversed(also.values()))))
        lists.append((column.code, rows))
    return lists


def workbook(rows: list[list[Any]], headers: list[str]) -> bytes:
    """An XLSX of ``rows`` under ``headers`` (the template's, with any column before
    them), followed by the Petunjuk sheet; coded columns get drop-downs of the
    Petunjuk's lists, the NIK and phone columns are text (Excel would round a
    16-digit number). Every cell escaped as :func:`juragan.spreadsheets.escape_cell`.
    """
    locale = str(get_locale() or "id")
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    data.append([escape_cell(h) for h in headers])
    for row in rows:
        data.append([escape_cell(v) for v in row])
    for cell in data[1]:
        cell.font = Font(bold=True)
    if headers[:1] == [REASONS_HEADER]:  # a reason a line, shown as lines
        for (cell,) in data.iter_rows(min_row=2, max_col=1):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        data.column_dimensions["A"].width = 60
    data.freeze_panes = "A2"
    help_sheet = book.create_sheet(HELP_SHEET)
    help_sheet.append([str(_l("How to fill in the import file"))])
    help_sheet["A1"].font = Font(bold=True, size=13)
    help_sheet.append(
        [
            str(
                _l(
                    "One row per placement abroad; repeat the person's columns for each of their "
                    "placements. Keep the headers of the first sheet as they are (their order "
                    "does not matter). A coded column takes a value of its list below, or one of "
                    "the other spellings accepted."
                )
            )
        ]
    )
    help_sheet.append([])
    help_sheet.append(
        [
            str(_l("Column")),
            str(_l("Required")),
            str(_l("How to write it")),
            str(_l("Example")),
            str(_l("Internal code")),
        ]
    )
    for cell in help_sheet[help_sheet.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_sheet.append(
            [
                column.header,
                str(column.required),
                str(column.format),
                escape_cell(column.example),
                column.code,
            ]
        )
    ranges: dict[str, str] = {}
    for code, values in _code_rows(locale):
        help_sheet.append([])
        help_sheet.append(
            [
                header(code),
                str(_l("Write")),
                str(_l("Meaning")),
                str(_l("Also accepted")),
            ]
        )
        for cell in help_sheet[help_sheet.max_row]:
            cell.font = Font(bold=True)
        first = help_sheet.max_row + 1
        for written, meaning, also in values:
            help_sheet.append(["", written, meaning, also])
        ranges[code] = f"{HELP_SHEET}!$B${first}:$B${help_sheet.max_row}"
    for letter, width in zip("ABCDE", (38, 30, 60, 26, 18), strict=True):
        help_sheet.column_dimensions[letter].width = width
    help_sheet.merge_cells("A2:E2")  # the explanation across the sheet, wrapped
    help_sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    help_sheet.row_dimensions[2].height = 48
    last = max(len(rows) + 1, 5001)
    for index, text in enumerate(headers, start=1):
        letter = get_column_letter(index)
        code = _READ_AS.get(_normal(text))
        if text != REASONS_HEADER:
            data.column_dimensions[letter].width = max(12, min(len(text) + 2, 40))
        if code in ("nik", "phone"):
            data.column_dimensions[letter].number_format = "@"
        if code in ranges:
            check = DataValidation(
                type="list",
                formula1=f"={ranges[code]}",
                allow_blank=True,
                # A warning, not a refusal: other spellings are accepted too.
                errorStyle="warning",
                showErrorMessage=True,
                error=str(_l("Not in the list of the Petunjuk sheet.")),
            )
            check.add(f"{letter}2:{letter}{last}")
            data.add_data_validation(check)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
