"""The spreadsheet writers every export uses, so that no cell can run as a formula in Excel,
LibreOffice or Google Sheets: a CSV writer that neutralises every cell, and an Excel cell that
holds text as typed."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP's list for CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A formula character after a list separator (or a line break), spaces allowed between: Excel
# in a locale whose list separator is ";" (most of Europe) splits the line "x;=1+1" into the
# cells "x" and "=1+1", whatever our quoting, and a program importing with tabs or commas does
# the same. An apostrophe goes before that character too: "x;'=1+1".
FORMULA_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n] *)([=+\-@])")


def neutralise(value):
    """Make text inert in a CSV cell, whichever list separator the spreadsheet splits lines at:
    an apostrophe before text that starts like a formula, and before a formula character that
    follows a separator ("x;=1+1" becomes "x;'=1+1"). Numbers and dates are left alone."""
    if not isinstance(value, str):
        return value
    value = FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding text exactly as typed: stored as a string (data type "s"), which Excel
    shows as text and never evaluates, so it needs no apostrophe (openpyxl would otherwise store
    text starting with "=" as a formula). Characters XML cannot hold are dropped."""
    # openpyxl is imported when a workbook is written (see projects.exports.xlsx_bytes).
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


class SafeCSVWriter:
    """A `csv.writer` that neutralises every cell it writes: callers cannot forget one."""

    def __init__(self, file) -> None:
        self._writer = csv.writer(file)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file) -> SafeCSVWriter:
    """The CSV writer for every export (pass the HttpResponse or any text file)."""
    return SafeCSVWriter(file)
