"""The formula-safe spreadsheet writers: no cell of any export can run as a formula."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from common.spreadsheets import (
    SHEET_PART,
    STREAM_PIECE,
    csv_stream,
    csv_writer,
    neutralise,
    xlsx_stream,
)

# Rows as an export has them: text (formula-like, blank, padded, with markup, line breaks and a
# character XML cannot hold), whole and decimal numbers, and an empty cell.
ROWS = [
    ["Reference", "Title", "Hours", "Open tasks", "Aim"],
    ["QI-2026-001", '=HYPERLINK("http://x")', 2.5, 3, "Fewer falls;\n=1+1 & <b>more</b>"],
    ["Draft", " padded ", Decimal("1.0"), 0, "bell\x07 dropped"],
    ["", "@cmd", None, 12, "+44 tab\there"],
    ["Longer than a cell holds", "y" * 40_000, 1e20, -7, "é ü ✓ 🙂"],
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("ok", "ok"),
        (3, 3),
        ("x;=1+1", "x;'=1+1"),
        ("a, -b", "a, '-b"),
        ("=a;@b", "'=a;'@b"),
        ("3-5 wards, 20% fewer", "3-5 wards, 20% fewer"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_the_csv_writer_neutralises_every_cell_of_every_row():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["=SUM(A1)", "fine"], [2, "@cmd"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'=SUM(A1)", "fine"],
        ["2", "'@cmd"],
    ]


def test_the_csv_writer_neutralises_whatever_the_text_around_a_formula():
    # Every text of up to three pieces from these, alone in a row and beside clean cells:
    # each row as written equals the row with every cell neutralised one by one.
    pieces = ["=", "+", "-", "@", "\t", "\r", "\n", ",", ";", " ", "a", "1", "\x00"]
    texts = [a + b + c for a in pieces for b in pieces for c in ["", *pieces]]
    buffer, expected = io.StringIO(), io.StringIO()
    writer, plain = csv_writer(buffer), csv.writer(expected)
    for text in texts:
        for row in ([text], ["clean", text, 3], [text, "x;=1"], [2.5, text]):
            writer.writerow(row)
            plain.writerow([neutralise(value) for value in row])
    assert buffer.getvalue() == expected.getvalue()


def test_the_csv_stream_writes_what_the_csv_writer_writes():
    buffer = io.StringIO()
    csv_writer(buffer).writerows(ROWS)
    assert "".join(csv_stream(ROWS)) == buffer.getvalue()


def test_the_csv_stream_sends_the_header_alone_then_pieces_of_bounded_size():
    row = ["x" * 1000, "=1+1"]
    pieces = list(csv_stream([ROWS[0], *[row] * 1000]))
    assert next(csv.reader(io.StringIO(pieces[0]))) == ROWS[0]
    assert len(pieces) > 10
    assert max(len(piece) for piece in pieces) < STREAM_PIECE + 1100


def openpyxl_sheet(rows) -> bytes:
    """The sheet openpyxl writes in write-only mode, text as string cells without the
    characters XML cannot hold (which openpyxl refuses)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Projects")
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return zipfile.ZipFile(output).read(SHEET_PART)


def test_the_streamed_workbook_holds_the_sheet_openpyxl_writes():
    streamed = zipfile.ZipFile(io.BytesIO(b"".join(xlsx_stream("Projects", ROWS))))
    assert streamed.read(SHEET_PART) == openpyxl_sheet(ROWS)


def test_a_streamed_workbook_holds_formula_like_text_as_text():
    data = b"".join(xlsx_stream("Projects", [["=1+1\x00", 2]]))
    sheet = load_workbook(io.BytesIO(data))["Projects"]
    cells = [(cell.value, cell.data_type) for cell in next(sheet.iter_rows())]
    assert cells == [("=1+1", "s"), (2, "n")]


def test_a_streamed_workbook_starts_before_its_rows_are_read():
    def rows():
        yield ["Header"]
        raise AssertionError("read the rows before sending anything")

    pieces = xlsx_stream("Projects", rows())
    assert next(pieces).startswith(b"PK")


def test_a_streamed_workbook_cut_by_a_failure_is_no_workbook():
    def rows():
        yield ["Header"]
        for number in range(5000):
            yield [f"Row {number}", number]
        raise RuntimeError("the database went away")

    pieces = []

    def download():
        for piece in xlsx_stream("Projects", rows()):
            pieces.append(piece)

    with pytest.raises(RuntimeError, match="went away"):
        download()
    assert pieces  # the download had started
    with pytest.raises(zipfile.BadZipFile):
        load_workbook(io.BytesIO(b"".join(pieces)))


def test_a_streamed_workbook_refuses_a_value_it_has_no_cell_for():
    with pytest.raises(TypeError):
        b"".join(xlsx_stream("Projects", [[object()]]))
