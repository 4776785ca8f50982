"""The filtered register as CSV or Excel, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from projects.models import Project

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


def csv_lines(projects: Iterable[Project]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    yield buffer.getvalue()
    for project in projects:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(project_row(project))
        yield buffer.getvalue()


def xlsx_bytes(projects: Iterable[Project]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Projects")
    sheet.append(HEADERS)
    for project in projects:
        sheet.append(project_row(project))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
