"""The spreadsheet writers every export uses, so that no cell can run as a formula in Excel,
LibreOffice or Google Sheets: a CSV writer that neutralises every cell, and an Excel workbook
whose every text is a string cell, held as typed.

Both also come as streams (`csv_stream`, `xlsx_stream`), for downloads of any length: they
write rows as they come, in pieces, with memory that stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

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


# Whether any text of a row may need neutralising, searched once in the row's texts joined by
# NUL: a cell starting like a formula, or a formula character after a separator. It finds
# every cell `neutralise` would change (and, rarely, one it would not): most rows need none,
# and one search of the row costs a tenth of neutralising its cells one by one.
MAY_NEED_NEUTRALISING = re.compile(r"[,;\t\r\n\x00] *[=+\-@\t\r]")


class SafeCSVWriter:
    """A `csv.writer` that neutralises every cell it writes: callers cannot forget one."""

    def __init__(self, file) -> None:
        self._writer = csv.writer(file)

    def writerow(self, row: Iterable) -> None:
        row = list(row)
        texts = "\x00".join([value for value in row if isinstance(value, str)])
        if MAY_NEED_NEUTRALISING.search("\x00" + texts):
            row = [neutralise(value) for value in row]
        self._writer.writerow(row)

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file) -> SafeCSVWriter:
    """The CSV writer for every export (pass the HttpResponse or any text file)."""
    return SafeCSVWriter(file)


# About this much text (or compressed bytes) is sent at a time: a write to the socket for each
# row would cost more than the row, and a piece this size is still sent at once.
STREAM_PIECE = 64 * 1024


def csv_stream(rows: Iterable[Iterable]) -> Iterator[str]:
    """`rows` as CSV text, every cell neutralised, in pieces for a StreamingHttpResponse. The
    first row (the header) goes out on its own, before the next is read: the download starts
    at once, however long the rows take to read."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for number, row in enumerate(rows):
        writer.writerow(row)
        if number == 0 or buffer.tell() >= STREAM_PIECE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


# Characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): dropped from text.
XML_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# The most characters an Excel cell holds; openpyxl cuts longer text there, and so do we.
CELL_CHARACTERS = 32767
# The one sheet of a workbook from openpyxl, and its empty rows, between which ours go.
SHEET_PART = "xl/worksheets/sheet1.xml"
EMPTY_SHEET_DATA = b"<sheetData></sheetData>"


class _Pipe:
    """A file that only collects what is written to it, until taken: ZipFile writes into it
    (as into a socket: it cannot seek, so each member's sizes follow its data) and the
    stream hands on what has been written."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._pieces.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        self.size = 0
        return data


def xlsx_stream(title: str, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """An Excel workbook (.xlsx) of one sheet named `title` holding `rows`, written as the rows
    come and handed on in compressed pieces: the download starts at once and memory stays
    flat, where openpyxl would finish the whole file before the first byte could go.

    openpyxl writes the workbook's parts (styles, workbook, content types) around an empty
    sheet; the rows go into that sheet as openpyxl would write them in write-only mode: text
    as an inline string cell (data type "s"), which Excel shows as text and never evaluates,
    so it needs no apostrophe; numbers as numbers; None as no cell. A value of any other type
    is refused. If reading the rows fails, the exception goes on up before the zip's closing
    directory is sent: what arrived is no workbook any program would open.
    """
    # Imported here: openpyxl takes about 0.4 s of CPU to import, which every process that loads
    # the URLconf (gunicorn workers, manage.py commands) would pay, though few write a workbook.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    empty = io.BytesIO()
    workbook = Workbook(write_only=True)
    workbook.create_sheet(title)
    workbook.save(empty)
    pipe = _Pipe()
    columns: list[str] = []
    with (
        zipfile.ZipFile(empty) as parts,
        zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        for part in parts.infolist():
            data = parts.read(part)
            if part.filename != SHEET_PART:
                archive.writestr(part.filename, data)
                continue
            head, tail = data.split(EMPTY_SHEET_DATA)
            with archive.open(SHEET_PART, "w") as sheet:
                sheet.write(head + b"<sheetData>")
                xml: list[str] = []
                for number, row in enumerate(rows, 1):
                    row = list(row)
                    while len(columns) < len(row):
                        columns.append(get_column_letter(len(columns) + 1))
                    xml.append(_xlsx_row(number, row, columns))
                    # Written to the zip 200 rows at a time (a write a row would cost more
                    # than the row), handed on when a piece is ready, and once after the
                    # header, so the download starts before the rows are read.
                    if number == 1 or len(xml) >= 200:
                        sheet.write("".join(xml).encode())
                        xml.clear()
                        if number == 1 or pipe.size >= STREAM_PIECE:
                            yield pipe.take()
                sheet.write("".join(xml).encode() + b"</sheetData>" + tail)
    yield pipe.take()


def _xlsx_row(number: int, row: list, columns: list[str]) -> str:
    """A row of the sheet's XML, as openpyxl writes it in write-only mode (the test suite
    compares the two): `r` attributes, text inline, numbers as openpyxl formats them."""
    # Checked once for the row's texts together: most rows have nothing to drop or escape.
    texts = "\n".join([value for value in row if isinstance(value, str)])
    illegal = XML_ILLEGAL_CHARACTERS.search(texts) is not None
    markup = "&" in texts or "<" in texts or ">" in texts
    cells = []
    for letter, value in zip(columns, row, strict=False):
        if value is None:
            continue
        if isinstance(value, str):
            if illegal:
                value = XML_ILLEGAL_CHARACTERS.sub("", value)
            if len(value) > CELL_CHARACTERS:
                value = value[:CELL_CHARACTERS]
            if not value:
                cells.append(f'<c r="{letter}{number}" t="inlineStr" />')
                continue
            # openpyxl keeps spaces around text that is not only spaces.
            space = (
                ' xml:space="preserve"'
                if (value[0].isspace() or value[-1].isspace()) and not value.isspace()
                else ""
            )
            if markup:
                value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            cells.append(
                f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>{value}</t></is></c>'
            )
        elif isinstance(value, bool):
            cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal):
            # As openpyxl writes a number (openpyxl.compat.safe_string).
            cells.append(f'<c r="{letter}{number}" t="n"><v>{float(value):.16g}</v></c>')
        else:
            raise TypeError(f"No Excel cell for a {type(value).__name__}: {value!r}")
    return f'<row r="{number}">{"".join(cells)}</row>'
