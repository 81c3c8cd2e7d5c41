"""Every CSV and XLSX juragan hands out is written here, and escaped the same way.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula: a name typed as ``=HYPERLINK(...)`` in a
form would become a link to anywhere, or worse, on the official's computer. Such
text cells get a leading apostrophe, which spreadsheets show as plain text. Numbers
are numbers and are left alone.
"""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def escape_cell(value: Any) -> Any:
    """A cell as a spreadsheet should store it: text never runs as a formula;
    Decimals become plain numbers and missing values empty cells."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def workbook_bytes(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    """An XLSX workbook of named sheets, every cell escaped as :func:`escape_cell`
    says; dates stay dates and numbers numbers."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets:
            safe = frame.map(escape_cell).rename(columns=lambda c: escape_cell(str(c)))
            safe.to_excel(writer, index=False, sheet_name=name[:31])
    return buffer.getvalue()


def frame_bytes(frame: pd.DataFrame, kind: str, sheet: str = "Data") -> bytes:
    """``frame`` as a CSV (UTF-8 with a BOM, which Excel needs) or XLSX file."""
    safe = frame.map(escape_cell).rename(columns=lambda c: escape_cell(str(c)))
    if kind == "xlsx":
        buffer = io.BytesIO()
        safe.to_excel(buffer, index=False, sheet_name=sheet, engine="openpyxl")
        return buffer.getvalue()
    if kind == "csv":
        # Every text cell quoted: a spreadsheet splitting on ";" (Excel in an
        # Indonesian locale) or on "," keeps "V;=1+1" one cell, starting with V.
        # CRLF between rows, as spreadsheets expect.
        return safe.to_csv(
            index=False, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC
        ).encode("utf-8-sig")
    raise ValueError(f"unknown spreadsheet kind {kind!r}")
