"""Workflows for a project's measures, data, PDSA cycles, impact and savings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.errors import WorkflowError
from common.optimistic_locking import save_changed_fields
from measurement.models import DataPoint, Measure, PDSACycle, ProjectImpact, Saving
from measurement.paste import Row
from people.models import Person
from projects.models import Project


@dataclass(frozen=True)
class PlannedRow:
    """A row as it would be saved, with the value it replaces (None if the date is new)."""

    row: Row
    old: DataPoint | None
    annotation: str  # the note that would be saved: a blank one keeps the old note

    @property
    def adds(self) -> bool:
        return self.old is None

    @property
    def replaces_value(self) -> bool:
        return self.old is not None and self.old.value != self.row.value

    @property
    def changes(self) -> bool:
        return self.old is None or (self.old.value, self.old.annotation) != (
            self.row.value,
            self.annotation,
        )


@dataclass(frozen=True)
class ImportPlan:
    """What saving the rows would do to the measure, shown before anything is saved."""

    rows: list[PlannedRow]
    checked: str  # a digest of the values it replaces; confirming with another one is refused

    @property
    def added(self) -> int:
        return sum(planned.adds for planned in self.rows)

    @property
    def replaced(self) -> int:
        return sum(planned.replaces_value for planned in self.rows)

    @property
    def updated(self) -> int:
        return sum(planned.changes and not planned.adds for planned in self.rows)


class ImportOutOfDate(Exception):
    """The measure changed after its rows were previewed: preview them again (`plan`)."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("The measure changed after the rows were checked")
        self.plan = plan


def data_import_plan(*, measure: Measure, rows: list[Row]) -> ImportPlan:
    """What `data_import` would do with the rows, or a ValidationError if the measure cannot
    hold them. Two queries: the points on the rows' dates, the count of the measure's points.
    """
    existing = {
        point.date: point for point in measure.points.filter(date__in=[row.date for row in rows])
    }
    planned = []
    digest = hashlib.sha256(measure.unit.encode())
    for row in rows:
        old = existing.get(row.date)
        planned.append(PlannedRow(row, old, row.annotation or (old.annotation if old else "")))
        state = "new" if old is None else f"{old.pk}:{old.value}:{old.annotation}"
        digest.update(f"\n{row.date}:{state}".encode())
    plan = ImportPlan(planned, digest.hexdigest()[:32])
    would_hold = measure.points.count() + plan.added
    if would_hold > Measure.MAX_POINTS:
        raise ValidationError(
            f"A measure holds at most {Measure.MAX_POINTS:,} values; these rows would make "
            f"it {would_hold:,}. Start a new measure or remove old values first."
        )
    return plan


def data_import(
    *, measure: Measure, rows: list[Row], entered_by: Person, checked: str | None = None
) -> tuple[int, int]:
    """Add the rows to the measure; a date it already has gets the new value. All or nothing.

    `checked` is the digest of the plan the user saw (ImportPlan.checked): if the measure's
    values on those dates changed since, nothing is saved and ImportOutOfDate carries the new
    plan. Returns (added, updated).
    """
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        plan = data_import_plan(measure=measure, rows=rows)
        if checked is not None and plan.checked != checked:
            raise ImportOutOfDate(plan)
        new, changed = [], []
        for planned in plan.rows:
            row, point = planned.row, planned.old
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
            elif planned.changes:
                point.value, point.annotation = row.value, planned.annotation
                point.entered_by = entered_by
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


def impact_record(*, form, project: Project, updated_by: Person | None) -> ProjectImpact:
    """Create the project's impact record on its first save, or change it.

    The form carries version 0 while the project has no impact record. Two first saves at once
    would both insert: the second waits on the project's row lock, then finds the record and,
    as for any edit of a record saved since the form was opened, is refused (EditConflict).
    """
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        impact = form.instance
        impact.updated_by = updated_by
        stored_pk = (
            ProjectImpact.objects.filter(project=project).values_list("pk", flat=True).first()
        )
        if stored_pk is not None:
            impact.pk = stored_pk  # a form opened before the first save had none
            return save_changed_fields(form, also=["updated_by"])
        impact = form.save(commit=False)
        impact.project = project
        impact.save()
    return impact


def saving_withdraw(*, saving_id: int) -> None:
    """Withdraw a claim; a validated saving is part of the record and stays."""
    with transaction.atomic():
        saving = Saving.objects.select_for_update().get(pk=saving_id)
        if saving.is_validated:
            raise WorkflowError(
                "This saving has been validated, so it is part of the project's record and "
                "cannot be deleted. Edit it instead: changing the amount or kind means it must "
                "be validated again."
            )
        saving.delete()


def pdsa_move(*, cycle_id: int, up: bool) -> PDSACycle | None:
    """Swap a cycle's number with the one before (or after) it; None if it is already at the end.

    The project row is locked, as `pdsa_save` does, so numbering and moves happen one
    at a time per project. The unique (project, number) constraint is not deferrable, so the
    cycle parks on number 0 (never given out: numbering starts at 1) while its neighbour moves.
    """
    with transaction.atomic():
        cycle = PDSACycle.objects.get(pk=cycle_id)
        Project.objects.select_for_update().filter(pk=cycle.project_id).first()
        cycle.refresh_from_db(fields=["number"])
        others = PDSACycle.objects.filter(project_id=cycle.project_id)
        neighbour = (
            others.filter(number__lt=cycle.number).order_by("-number").first()
            if up
            else others.filter(number__gt=cycle.number).order_by("number").first()
        )
        if neighbour is None:
            return None
        old, new = cycle.number, neighbour.number
        cycle.number = 0
        cycle.skip_history_when_saving = True  # the parking step is not a change anyone made
        cycle.save(update_fields=["number"])
        del cycle.skip_history_when_saving
        neighbour.number = old
        neighbour.save(update_fields=["number"])
        cycle.number = new
        cycle.save(update_fields=["number"])
    return cycle
