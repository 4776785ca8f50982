"""The formula-safe spreadsheet writers: no cell of any export can run as a formula."""

import csv
import io

import pytest
from openpyxl import Workbook

from common.spreadsheets import csv_writer, neutralise, xlsx_cell


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


def test_an_excel_cell_holds_formula_like_text_as_text():
    sheet = Workbook(write_only=True).create_sheet()
    cell = xlsx_cell(sheet, "=1+1\x00")
    assert (cell.value, cell.data_type) == ("=1+1", "s")
