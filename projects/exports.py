"""The filtered register as CSV or Excel, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from openpyxl import Workbook

from projects.models import Project, ReviewDecision

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADERS = [
    "Reference",
    "Title",
    "Kind",
    "Stage",
    "Department",
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


def neutralise(value):
    """Make text inert in a spreadsheet: prefix formula-like text with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def project_row(project: Project) -> list:
    return [
        neutralise(value)
        for value in (
            project.reference or "Draft",
            project.title,
            project.get_kind_display(),
            project.get_stage_display(),
            project.department.name,
            "; ".join(area.name for area in project.clinical_areas.all()),
            project.lead.display_name,
            project.start_date.isoformat() if project.start_date else "",
            project.target_end_date.isoformat() if project.target_end_date else "",
            project.commitment_display,
            float(project.weekly_hours) if project.weekly_hours is not None else "",
            project.open_tasks_count,
            project.latest_update_date.isoformat() if project.latest_update_date else "",
            project.aim,
        )
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
    return [*project_row(project), neutralise(mentor), decision, in_stage, since_update]


def _rows(projects: Iterable[Project], governance: bool):
    make_row = governance_row if governance else project_row
    yield GOVERNANCE_HEADERS if governance else HEADERS
    for project in projects:
        yield make_row(project)


def csv_lines(projects: Iterable[Project], *, governance: bool = False) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _rows(projects, governance):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def xlsx_bytes(projects: Iterable[Project], *, governance: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Projects")
    for row in _rows(projects, governance):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
