"""Data pasted or uploaded as CSV: rows of `date,value[,annotation]`, read and checked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from common.fields import UP_TO_TODAY, one_line

MAX_ROWS = 1000
# DataPoint.value is numeric(14, 4): anything this large or larger cannot be stored.
VALUE_LIMIT = Decimal(10) ** 10
DECIMAL_PLACES = 4
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class Row:
    date: dt.date
    value: Decimal
    annotation: str = ""


def _parse_date(text: str) -> dt.date | None:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_value(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _is_header(cells: list[str]) -> bool:
    """A first row is a header only if neither its date nor its value reads as one."""
    first = [cell.strip() for cell in cells] + ["", ""]
    return _parse_date(first[0]) is None and _parse_value(first[1]) is None


def parse_data(text: str) -> list[Row]:
    """Rows of `date,value[,annotation]` pasted or uploaded as CSV.

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
        day, value = _parse_date(cells[0]), _parse_value(cells[1])
        if day is None:
            errors.append(f"Row {number}: “{cells[0][:30]}” is not a date (use 2026-01-31)")
        else:
            try:
                UP_TO_TODAY.check(day, f"{day:%d/%m/%Y}: the date")
            except ValidationError as error:
                errors.append(f"Row {number}: {error.messages[0]}")
                day = None
        if value is None:
            errors.append(f"Row {number}: “{cells[1][:30]}” is not a number")
        elif value.as_tuple().exponent < -DECIMAL_PLACES:
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
