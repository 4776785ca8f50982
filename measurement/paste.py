"""Data pasted or uploaded as CSV: rows of `date,value[,note]`, read and checked.

It reads what Excel and NHS spreadsheets produce when their cells are copied or saved as CSV:

- Dates day first, as the UK writes them: 31/12/2026, 31/12/26, 31-12-2026, 31.12.2026,
  7-Dec-26, 07-Dec-2026, 7 Dec 2026, 7 December 2026, and ISO 2026-12-07; a midnight time after
  the date (what a date-and-time cell exports) is ignored. A two-digit year is in this century.
  Never month first: 12/31/2026 is refused with a message saying dates are day first, and
  01/02/2026 is 1 February.
- Values with thousands separators (1,234 and 1,234.5), a £ sign, spaces (also non-breaking and
  thin ones) around them or between groups of thousands, and, on a measure whose unit is %, a
  % sign (5.1%). On any other measure "5%" is refused, saying why.

Each date must be within the window of a measured value (common.fields.UP_TO_TODAY) and each
value must fit DataPoint.value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from common.fields import UP_TO_TODAY, one_line

MAX_ROWS = 1000
# DataPoint.value is numeric(14, 4): anything this large or larger cannot be stored.
VALUE_LIMIT = Decimal(10) ** 10
DECIMAL_PLACES = 4

# Spaces a spreadsheet puts in or around a number: no-break, figure, thin, narrow no-break.
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_WRITTEN = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?([ /-])([a-z]+)\.?\2(\d{4}|\d{2})")
_MIDNIGHT = re.compile(r"\s+0?0:00(:00)?$")
# 1234, 1234.5, .5, 1,234, 1,234.5, 1 234 (grouped by spaces, as the Continent and Excel's
# some exports write it); a sign in front.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}([, ]\d{3})+(\.\d*)?")
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")
DAY_FIRST_EXAMPLE = "like 31/01/2026 or 31 Jan 2026"


class Unreadable(ValueError):
    """A cell that is not a date or a number; its message says why, for the user."""


@dataclass(frozen=True)
class Row:
    date: dt.date
    value: Decimal
    annotation: str = ""


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def parse_date(text: str) -> dt.date:
    """A date written day first (see the module), or Unreadable saying why not."""
    cell = _MIDNIGHT.sub("", _SPACES.sub(" ", text).strip()).lower()
    not_a_date = f"“{text.strip()[:30]}” is not a date: write it day first, {DAY_FIRST_EXAMPLE}"
    if match := _ISO.fullmatch(cell):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NUMERIC.fullmatch(cell):
        day, month, year = int(match[1]), int(match[3]), _year(match[4])
        if month > 12 and 1 <= day <= 12:
            raise Unreadable(
                f"“{text.strip()[:30]}” is not a date: dates are day first, so write "
                f"{month:02d}{match[2]}{day:02d}{match[2]}{match[4]}"
            )
    elif (match := _WRITTEN.fullmatch(cell)) and match[3] in MONTHS:
        day, month, year = int(match[1]), MONTHS[match[3]], _year(match[4])
    else:
        raise Unreadable(not_a_date)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Unreadable(not_a_date) from None


def parse_value(text: str, *, percent: bool = False, unit: str = "") -> Decimal:
    """A number as a spreadsheet shows it (see the module), or Unreadable saying why not.

    `percent`: the measure's unit is %, so a % sign after the number is read as that unit.
    """
    shown = text.strip()[:30]
    cell = _SPACES.sub(" ", text).strip().replace("\u2212", "-")  # the minus sign, too
    if cell.endswith("%"):
        if not percent:
            counts_in = f"in {unit}" if unit else "in numbers, not %"
            raise Unreadable(
                f"“{shown}” is a percentage, but this measure counts {counts_in}: "
                "leave out the % sign, or change the measure's unit to %"
            )
        cell = cell[:-1].rstrip()
    sign = ""
    if cell[:1] in "+-":
        sign, cell = cell[:1], cell[1:].lstrip()
    if cell.startswith("£"):
        cell = cell[1:].lstrip()
    cell = sign + cell
    if _NUMBER.fullmatch(cell) or _SCIENTIFIC.fullmatch(cell):
        number = cell
    elif _GROUPED.fullmatch(cell):
        number = cell.replace(",", "").replace(" ", "")
    elif re.fullmatch(r"[+-]?\d+,\d{1,2}", cell):
        raise Unreadable(
            f"“{shown}” is not a number: write a decimal point, not a comma (1234.5); "
            "commas only separate thousands (1,234.5)"
        )
    else:
        raise Unreadable(f"“{shown}” is not a number")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise Unreadable(f"“{shown}” is not a number") from None
    if not value.is_finite():
        raise Unreadable(f"“{shown}” is not a number")
    return value


def _reads(parse, text: str, **kwargs) -> bool:
    try:
        parse(text, **kwargs)
    except Unreadable:
        return False
    return True


def _is_header(cells: list[str]) -> bool:
    """A first row is a header only if neither its date nor its value reads as one."""
    first = [cell.strip() for cell in cells] + ["", ""]
    return not _reads(parse_date, first[0]) and not _reads(parse_value, first[1], percent=True)


def parse_data(text: str, *, percent: bool = False, unit: str = "") -> list[Row]:
    """Rows of `date,value[,note]` pasted or uploaded as CSV, for a measure in `unit`.

    `percent`: the measure is a percentage, so values may carry a % sign.

    A first row with neither a date nor a number is taken as a header. Every bad row is
    reported (as a ValidationError listing them), so the whole paste can be fixed at once.
    """
    text = text.strip()
    # NUL (a spreadsheet's binary file saved as .csv) cannot be read as CSV nor stored.
    nul_rows = [n for n, line in enumerate(text.split("\n"), 1) if "\x00" in line]
    if nul_rows:
        message = "Row {}: contains a NUL character: save the file as CSV (text)"
        raise ValidationError([message.format(number) for number in nul_rows[:20]])
    # Cells copied from a spreadsheet come tab-separated, and may hold commas (1,250).
    delimiter = "\t" if "\t" in text.partition("\n")[0] else ","
    # (line number as the user sees it, cells); blank lines are skipped but still counted.
    lines = [
        (number, line)
        for number, line in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
        if any(cell.strip() for cell in line)
    ]
    if lines and _is_header(lines[0][1]):
        lines = lines[1:]
    if not lines:
        raise ValidationError("Paste or upload at least one row of date,value")
    if len(lines) > MAX_ROWS:
        raise ValidationError(f"At most {MAX_ROWS} rows at a time; this has {len(lines)}")
    rows, errors, seen = [], [], {}
    for number, cells in lines:
        cells = [cell.strip() for cell in cells]
        if len(cells) < 2:
            errors.append(f"Row {number}: needs a date and a value separated by a comma")
            continue
        try:
            day = parse_date(cells[0])
            UP_TO_TODAY.check(day, f"{day:%d/%m/%Y}: the date")
        except Unreadable as error:
            errors.append(f"Row {number}: {error}")
            day = None
        except ValidationError as error:
            errors.append(f"Row {number}: {error.messages[0]}")
            day = None
        try:
            value = parse_value(cells[1], percent=percent, unit=unit.strip())
        except Unreadable as error:
            errors.append(f"Row {number}: {error}")
            value = None
        else:
            if value.as_tuple().exponent < -DECIMAL_PLACES:
                errors.append(f"Row {number}: {cells[1][:30]} has more than 4 decimal places")
                value = None
            elif abs(value) >= VALUE_LIMIT:
                errors.append(f"Row {number}: {cells[1][:30]} is too large to record")
                value = None
        if day is not None and day in seen:
            errors.append(f"Row {number}: {day:%d/%m/%Y} is already in row {seen[day]}")
        if day is None or value is None or day in seen:
            continue
        seen[day] = number
        rows.append(Row(day, value, one_line(",".join(cells[2:]))[:200]))
    if errors:
        raise ValidationError(errors)
    return rows
