"""Spreadsheet exports of projects: the filtered register and the governance report as CSV or
Excel, written with common.spreadsheets so that no cell can run as a formula, and streamed:
the download starts at once and the worker's memory stays flat, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from common.spreadsheets import csv_stream, xlsx_stream
from people.models import ClinicalArea, Department, ExportLog, Person
from projects.models import Project, ProjectQuerySet, ReviewDecision, TimeCommitment

HEADERS = [
    "Reference",
    "Title",
    "Kind",
    "Stage",
    "Department",
    "Other departments involved",
    "Clinical areas",
    "Lead",
    "Start date",
    "Target end date",
    "Time commitment",
    "Hours per week",
    "Open tasks",
    "Latest update",
    "Aim",
]


def record_project_export(
    request: HttpRequest, kind: str, projects: QuerySet[Project], *, named=("lead",)
) -> ExportLog:
    """Log a download of projects in the export log. Its rows name people (each project's lead,
    and its mentor in the governance export): they are the log's subjects, found with one
    query however many projects were exported."""
    named_people = Q()
    for field in named:
        named_people |= Q(pk__in=projects.order_by().values(field))
    subjects = Person.objects.filter(named_people).order_by().values_list("pk", flat=True)
    filters = request.GET.urlencode() or "none"
    return ExportLog.record(request.user, kind, f"Projects exported; filters: {filters}", subjects)


# Rows read from the database at a time, by one server-side cursor.
CHUNK_SIZE = 2000

KIND_LABELS = dict(Project.Kind.choices)
STAGE_LABELS = dict(Project.Stage.choices)

# The columns each row is made from, read with values_list(): plain values, with the ids of
# the departments and areas involved as arrays from subqueries, so no model object is built
# (the search vector, problem and the rest are never read) and the query count is the same for
# any number of rows.
REGISTER_COLUMNS = (
    "reference",
    "title",
    "kind",
    "stage",
    "department__name",
    "partner_ids",
    "area_ids",
    "lead__display_name",
    "start_date",
    "target_end_date",
    "commitment_hours",
    "commitment_period",
    "commitment_weeks",
    "open_tasks_count",
    "latest_update_date",
    "aim",
)
GOVERNANCE_COLUMNS = (
    *REGISTER_COLUMNS,
    "mentor__display_name",
    "last_decision",
    "stage_changed_on",
)


class Names:
    """The names of every department and clinical area, read once for an export (a trust has
    a few dozen), to list a project's in the order its page and `prefetch_related` list them:
    their models' ordering. One added while the export runs is read when first met; one
    deleted meanwhile is left out."""

    def __init__(self) -> None:
        self._load()

    def _load(self) -> None:
        # Each kind's names by id, in the kind's order.
        departments = Department.objects.order_by("name", "pk")
        areas = ClinicalArea.objects.order_by("department__name", "name", "pk")
        self._names = {
            "departments": dict(departments.values_list("pk", "name")),
            "areas": dict(areas.values_list("pk", "name")),
        }
        self._position = {
            kind: {pk: position for position, pk in enumerate(names)}
            for kind, names in self._names.items()
        }
        # What each list of ids met so far reads as: projects share a few.
        self._listed: dict[tuple, str] = {}

    def _list(self, kind: str, ids: list[int]) -> str:
        key = (kind, *ids)
        if key not in self._listed:
            if any(pk not in self._names[kind] for pk in ids):
                self._load()
            names, position = self._names[kind], self._position[kind]
            known = sorted((pk for pk in ids if pk in names), key=position.__getitem__)
            self._listed[key] = "; ".join(names[pk] for pk in known)
        return self._listed[key]

    def partners(self, ids: list[int]) -> str:
        return self._list("departments", ids)

    def clinical_areas(self, ids: list[int]) -> str:
        return self._list("areas", ids)


@functools.lru_cache(maxsize=4096)
def _commitment(hours: Decimal | None, period: str, weeks: int | None) -> tuple[str, float | str]:
    """The time commitment as text and in hours a week; projects state a few dozen alike."""
    weekly_hours = TimeCommitment.weekly_hours_of(hours, period)
    return (
        TimeCommitment.describe_commitment(hours, period, weeks),
        float(weekly_hours) if weekly_hours is not None else "",
    )


def project_row(values: tuple, names: Names) -> list:
    """A register row from the values of REGISTER_COLUMNS (at the start of `values`)."""
    (
        reference,
        title,
        kind,
        stage,
        department,
        partner_ids,
        area_ids,
        lead,
        start_date,
        target_end_date,
        hours,
        period,
        weeks,
        open_tasks,
        latest_update,
        aim,
    ) = values[: len(REGISTER_COLUMNS)]
    commitment, weekly_hours = _commitment(hours, period, weeks)
    return [
        reference or "Draft",
        title,
        KIND_LABELS.get(kind, kind),
        STAGE_LABELS.get(stage, stage),
        department,
        names.partners(partner_ids),
        names.clinical_areas(area_ids),
        lead,
        start_date.isoformat() if start_date else "",
        target_end_date.isoformat() if target_end_date else "",
        commitment,
        weekly_hours,
        open_tasks,
        latest_update.isoformat() if latest_update else "",
        aim,
    ]


GOVERNANCE_HEADERS = [
    *HEADERS,
    "Mentor",
    "Last decision",
    "Days in stage",
    "Days since last update",
]


def governance_row(values: tuple, names: Names, today: dt.date) -> list:
    """A governance row from the values of GOVERNANCE_COLUMNS."""
    mentor, last_decision, stage_changed_on = values[len(REGISTER_COLUMNS) :]
    latest_update = values[REGISTER_COLUMNS.index("latest_update_date")]
    in_stage = (today - stage_changed_on).days
    since_update = (today - latest_update).days if latest_update else ""
    decision = ReviewDecision.OUTCOMES.get(last_decision, "")
    return [*project_row(values, names), mentor or "", decision, in_stage, since_update]


def export_rows(projects: ProjectQuerySet, *, governance: bool = False) -> Iterator[list]:
    """The header, then a row for each of `projects` (the register's or the governance
    report's filtered queryset, in its order), for a streamed download.

    The header comes before any query runs. The rows are then read by one query, through a
    server-side cursor in a transaction: PostgreSQL sends CHUNK_SIZE rows at a time as it
    finds them (outside a transaction the cursor would be declared WITH HOLD, and PostgreSQL
    would finish the whole result before the first row), the worker holds one chunk at a time,
    and a pooler in transaction mode keeps the cursor's connection for as long as it lives.
    Any failure goes on up, so the download is cut short where it failed, never ended as if
    complete.
    """
    columns = GOVERNANCE_COLUMNS if governance else REGISTER_COLUMNS
    records = projects.prefetch_related(None).with_partner_and_area_ids()
    if governance:
        # The local date the stage changed, as timezone.localtime() would give it: a date
        # costs a tenth of a timestamp with time zone to read and convert.
        records = records.annotate(stage_changed_on=TruncDate("stage_changed_at"))
    records = records.values_list(*columns)
    yield GOVERNANCE_HEADERS if governance else HEADERS
    names = Names()
    today = timezone.localdate()
    with transaction.atomic():
        for values in records.iterator(chunk_size=CHUNK_SIZE):
            if governance:
                yield governance_row(values, names, today)
            else:
                yield project_row(values, names)


def csv_lines(projects: ProjectQuerySet, *, governance: bool = False) -> Iterator[str]:
    return csv_stream(export_rows(projects, governance=governance))


def xlsx_pieces(projects: ProjectQuerySet, *, governance: bool = False) -> Iterator[bytes]:
    return xlsx_stream("Projects", export_rows(projects, governance=governance))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(pieces: Iterator, content_type: str, filename: str) -> StreamingHttpResponse:
    """A download sent as it is written. It has no Content-Length, so gunicorn sends it in
    chunks (HTTP/1.1, which nginx speaks to it): if it stops before the end (a failure, a
    killed worker), the closing chunk never comes and nginx, browsers and curl report the
    download as failed, instead of saving a shorter file that looks complete."""
    response = StreamingHttpResponse(pieces, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
