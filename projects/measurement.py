"""Workflows for a project's measures, data, PDSA cycles, impact and savings."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.errors import WorkflowError
from common.fields import UP_TO_TODAY, one_line
from common.optimistic_locking import save_changed_fields
from people.models import Person
from projects.models import DataPoint, Measure, PDSACycle, Project, Saving

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


def data_import(*, measure: Measure, rows: list[Row], entered_by: Person) -> tuple[int, int]:
    """Add the rows to the measure; a date it already has gets the new value. All or nothing.

    Returns (added, updated).
    """
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        existing = {
            point.date: point for point in measure.points.filter(date__in=[r.date for r in rows])
        }
        would_hold = measure.points.count() + len({r.date for r in rows} - existing.keys())
        if would_hold > Measure.MAX_POINTS:
            raise ValidationError(
                f"A measure holds at most {Measure.MAX_POINTS:,} values; these rows would make "
                f"it {would_hold:,}. Start a new measure or remove old values first."
            )
        new, changed = [], []
        for row in rows:
            point = existing.get(row.date)
            if point is None:
                new.append(
                    DataPoint(
                        measure=measure,
                        date=row.date,
                        value=row.value,
                        annotation=row.annotation,
                        entered_by=entered_by,
                    )
                )
                continue
            annotation = row.annotation or point.annotation  # a blank one keeps the old note
            if (point.value, point.annotation) != (row.value, annotation):
                point.value, point.annotation, point.entered_by = row.value, annotation, entered_by
                changed.append(point)
        if new:
            bulk_create_with_history(new, DataPoint, default_user=entered_by.user)
        if changed:
            bulk_update_with_history(
                changed,
                DataPoint,
                ["value", "annotation", "entered_by"],
                default_user=entered_by.user,
            )
    return len(new), len(changed)


def data_point_save(*, form, measure: Measure, entered_by: Person) -> DataPoint | None:
    """Save one value from a valid DataPointForm, or put the reason on the form and return None.

    The measure is locked so that two people adding the same date, or a paste at the same time,
    get a message rather than a database error, and the cap on values holds.
    """
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        point = form.save(commit=False)
        others = measure.points.exclude(pk=point.pk) if point.pk else measure.points.all()
        if others.filter(date=point.date).exists():
            form.add_error(
                "date", f"There is already a value for {point.date:%d/%m/%Y}: edit that one"
            )
            return None
        if not point.pk and others.count() >= Measure.MAX_POINTS:
            form.add_error(
                None,
                f"A measure holds at most {Measure.MAX_POINTS:,} values. Start a new measure "
                "or remove old values first.",
            )
            return None
        point.measure = measure
        point.entered_by = entered_by
        point.save()
    return point


def pdsa_next_number(project: Project) -> int:
    return (project.pdsa_cycles.aggregate(n=Max("number"))["n"] or 0) + 1


def pdsa_save(*, form, project: Project, author: Person) -> PDSACycle:
    """Add a cycle (numbered last), or save an edit's changed fields (refused if the cycle was
    saved since the form was opened). The number is not the form's: a move made meanwhile
    stays."""
    if form.instance.pk is not None:
        return save_changed_fields(form)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        cycle = form.save(commit=False)
        cycle.project = project
        cycle.number = pdsa_next_number(project)
        cycle.created_by = author
        cycle.save()
        form.save_m2m()
    return cycle


def saving_save(*, form, project: Project, claimed_by: Person) -> Saving:
    """Claim a saving or change a claim; changing the amount or kind needs validating again.

    A change is saved field by field and refused if the claim was edited since the form was
    opened; validating it is not an edit (the caller holds the row lock, so a validation made
    meanwhile is seen here and cleared if the amount or kind changes).
    """
    saving = form.instance
    if saving.pk is not None:
        cleared = []
        if {"amount", "kind"} & set(form.changed_data) and saving.is_validated:
            saving.validated_amount = saving.validated_by = saving.validated_at = None
            saving.validation_note = ""
            cleared = ["validated_amount", "validated_by", "validated_at", "validation_note"]
        return save_changed_fields(form, also=cleared)
    saving = form.save(commit=False)
    saving.project = project
    saving.claimed_by = claimed_by
    saving.save()
    return saving


def saving_validate(
    *,
    saving_id: int,
    champion: Person,
    amount: Decimal | None,
    note: str,
    claimed_amount_seen: Decimal | None = None,
) -> Saving:
    """A champion or admin validates a claimed saving, for the claimed amount unless given less.

    Nobody validates their own claim or their own team's, admins included; and a claim changed
    since the validator read it is refused rather than validated unseen.
    """
    with transaction.atomic():
        saving = Saving.objects.select_for_update().select_related("project").get(pk=saving_id)
        project = saving.project
        if project.is_working_on(champion) or saving.claimed_by_id == champion.pk:
            raise WorkflowError("Someone outside the project team validates its savings")
        if claimed_amount_seen is not None and claimed_amount_seen != saving.amount:
            raise WorkflowError(
                f"The claim has changed to £{saving.amount:,.2f} since you opened it: "
                "check it and validate again"
            )
        amount = saving.amount if amount is None else amount
        if amount > saving.amount:
            raise WorkflowError("A saving cannot be validated for more than was claimed")
        saving.validated_amount = amount
        saving.validated_by = champion
        saving.validated_at = timezone.now()
        saving.validation_note = note
        saving.save()
    return saving
