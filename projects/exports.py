"""Spreadsheet exports of projects: the filtered register and the governance report as CSV or
Excel, written with common.spreadsheets so that no cell can run as a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from common.spreadsheets import csv_writer, xlsx_cell
from people.models import ExportLog, Person
from projects.models import Project, ReviewDecision

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


def project_row(project: Project) -> list:
    return [
        project.reference or "Draft",
        project.title,
        project.get_kind_display(),
        project.get_stage_display(),
        project.department.name,
        "; ".join(partner.name for partner in project.partner_departments.all()),
        "; ".join(area.name for area in project.clinical_areas.all()),
        project.lead.display_name,
        project.start_date.isoformat() if project.start_date else "",
        project.target_end_date.isoformat() if project.target_end_date else "",
        project.commitment_display,
        float(project.weekly_hours) if project.weekly_hours is not None else "",
        project.open_tasks_count,
        project.latest_update_date.isoformat() if project.latest_update_date else "",
        project.aim,
    ]


GOVERNANCE_HEADERS = [
    *HEADERS,
    "Mentor",
    "Last decision",
    "Days in stage",
    "Days since last update",
]


def governance_row(project: Project) -> list:
    today = timezone.localdate()
    in_stage = (today - timezone.localtime(project.stage_changed_at).date()).days
    since_update = (today - project.last_update).days if project.last_update else ""
    decision = ReviewDecision.OUTCOMES.get(project.last_decision, "")
    mentor = project.mentor.display_name if project.mentor else ""
    return [*project_row(project), mentor, decision, in_stage, since_update]


def _rows(projects: Iterable[Project], governance: bool):
    make_row = governance_row if governance else project_row
    yield GOVERNANCE_HEADERS if governance else HEADERS
    for project in projects:
        yield make_row(project)


def csv_lines(projects: Iterable[Project], *, governance: bool = False) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for row in _rows(projects, governance):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def xlsx_bytes(projects: Iterable[Project], *, governance: bool = False) -> bytes:
    # Imported here: openpyxl takes about 0.4 s of CPU to import, which every process that loads
    # the URLconf (gunicorn workers, manage.py commands) would pay, though few write a workbook.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Projects")
    for row in _rows(projects, governance):
        sheet.append([xlsx_cell(sheet, value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
