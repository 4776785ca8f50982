"""The register's and the governance report's downloads, CSV and Excel, streamed as they are
read: each row holds what the project's own model says (the same columns and values as the
register showed before the exports were streamed), every cell formula-safe; the number of
queries is the same for 5 projects as for 50; and a download that fails half way never ends
like a complete file.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from common.spreadsheets import neutralise
from projects import exports
from projects.models import Project, ReviewDecision, Task
from tests.factories import (
    ClinicalAreaFactory,
    DepartmentFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    TaskFactory,
)

# Every department's projects, closed ones too.
ALL = {"department": "", "include_closed": "on"}
DOWNLOADS = [
    ("projects:export_csv", "csv"),
    ("projects:export_xlsx", "xlsx"),
    ("governance:export_csv", "csv"),
    ("governance:export_xlsx", "xlsx"),
]


def decide(project, champion, decision, days_ago):
    decided_at = timezone.now() - dt.timedelta(days=days_ago)
    ReviewDecision.objects.create(
        project=project,
        champion=champion,
        decision=decision,
        reason="other" if decision == "declined" else "",
        comment="" if decision == "approved" else "See the notes.",
        submitted_at=decided_at - dt.timedelta(days=1),
        decided_at=decided_at,
    )


@pytest.fixture
def varied(staff, champion, acute_medicine, outsider):
    """Projects as the register holds them: several departments and areas, commitments stated
    by the week, by the month or not at all, tasks open and done, updates, decisions, a draft,
    finished projects, and text that starts like a formula."""
    nursing = outsider.department
    surgery = DepartmentFactory(name="Surgery", slug="surgery")
    theatres = ClinicalAreaFactory(department=surgery, name="Theatres")
    recovery = ClinicalAreaFactory(department=surgery, name="Recovery")
    ward = nursing.clinical_areas.get()
    formula_lead = PersonFactory(department=staff.department, display_name="@Lead Person")
    crossing = ProjectFactory(
        lead=staff,
        mentor=champion,
        stage="testing",
        title="Safer insulin; -1 errors",
        aim='=HYPERLINK("http://evil.example")\nthen fewer errors, -20%',
        clinical_areas=[theatres, acute_medicine, ward, recovery],
        commitment_hours=Decimal("3"),
        commitment_period="month",
        commitment_weeks=12,
        start_date=timezone.localdate() - dt.timedelta(days=30),
        target_end_date=timezone.localdate() + dt.timedelta(days=150),
    )
    crossing.partner_departments.set([surgery, nursing])
    TaskFactory.create_batch(2, project=crossing)
    TaskFactory(project=crossing, status=Task.Status.DONE)
    ProgressUpdateFactory(project=crossing, date=timezone.localdate() - dt.timedelta(days=9))
    ProgressUpdateFactory(project=crossing, date=timezone.localdate() - dt.timedelta(days=3))
    decide(crossing, champion, "changes", days_ago=40)
    decide(crossing, champion, "approved", days_ago=35)
    Project.objects.filter(pk=crossing.pk).update(
        stage_changed_at=timezone.now() - dt.timedelta(days=12)
    )
    draft = ProjectFactory(
        lead=formula_lead, draft=True, title="+44 phone line", commitment_hours=None
    )
    finished = ProjectFactory(
        lead=formula_lead,
        stage="completed",
        kind=Project.Kind.CLINICAL_AUDIT,
        clinical_areas=[acute_medicine],
        commitment_hours=Decimal("1.5"),
        commitment_weeks=1,
    )
    TaskFactory(project=finished)  # a finished project's open task is not counted
    declined = ProjectFactory(lead=staff, stage="closed", approved_at=None)
    decide(declined, champion, "declined", days_ago=2)
    held = ProjectFactory(lead=staff, stage="on_hold", mentor=champion, commitment_hours=4)
    return [crossing, draft, finished, declined, held]


def expected_rows(governance: bool) -> list[list]:
    """Each project's row from its model, as the export wrote it before it was streamed:
    model objects, their related objects and display methods."""
    today = timezone.localdate()
    rows = [exports.GOVERNANCE_HEADERS if governance else exports.HEADERS]
    for project in Project.objects.for_register().order_by("-created_at", "-pk"):
        row = [
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
        if governance:
            decision = project.decisions.first()
            row += [
                project.mentor.display_name if project.mentor else "",
                decision.outcome if decision else "",
                (today - timezone.localtime(project.stage_changed_at).date()).days,
                (today - project.latest_update_date).days if project.latest_update_date else "",
            ]
        rows.append(row)
    return rows


def download(client, url: str) -> bytes:
    response = client.get(reverse(url), ALL)
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [list(row) for row in sheet.iter_rows()]
    # No formula anywhere, every text a string cell: what Excel never evaluates.
    assert all(cell.data_type != "f" for row in cells for cell in row)
    assert all(
        cell.data_type == "s" for row in cells for cell in row if isinstance(cell.value, str)
    )
    return [[cell.value for cell in row] for row in cells]


@pytest.mark.parametrize(
    ("url", "governance"), [("projects:export_csv", False), ("governance:export_csv", True)]
)
def test_csv_holds_each_projects_data_neutralised(client_for, admin, varied, url, governance):
    expected = [[str(neutralise(value)) for value in row] for row in expected_rows(governance)]
    assert csv_rows(download(client_for(admin), url)) == expected
    # What the rows hold for the project that crosses departments, and for the formulas.
    crossing = next(row for row in expected if row[1] == "Safer insulin; '-1 errors")
    # Partners by name; areas by department (Nursing, Pharmacy, Surgery), then by name.
    assert crossing[5:7] == ["Nursing; Surgery", "Ward 7; Acute medicine; Recovery; Theatres"]
    assert crossing[10:13] == ["3 h per month for 12 weeks", "0.7", "2"]
    assert crossing[14].startswith("'=HYPERLINK")


@pytest.mark.parametrize(
    ("url", "governance"), [("projects:export_xlsx", False), ("governance:export_xlsx", True)]
)
def test_excel_holds_each_projects_data_as_typed(client_for, admin, varied, url, governance):
    # Text as typed (no apostrophe), numbers as numbers; an empty text is an empty cell.
    expected = [
        [None if value == "" else value for value in row] for row in expected_rows(governance)
    ]
    assert xlsx_rows(download(client_for(admin), url)) == expected


def test_governance_rows_hold_mentor_last_decision_and_days(client_for, champion, varied):
    rows = {
        row[1]: row for row in csv_rows(download(client_for(champion), "governance:export_csv"))
    }
    crossing, declined = varied[0], varied[3]
    assert rows[neutralise(crossing.title)][-4:] == ["Chris Okoro", "Approved", "12", "3"]
    assert rows[declined.title][-4:] == ["", "Declined", "0", ""]


@pytest.mark.parametrize(("url", "kind"), DOWNLOADS)
def test_query_count_is_the_same_for_5_projects_as_for_50(
    client_for, admin, acute_medicine, url, kind, django_assert_max_num_queries
):
    def add_projects(count):
        for _ in range(count):
            project = ProjectFactory(stage="testing", clinical_areas=[acute_medicine])
            TaskFactory(project=project)
            ProgressUpdateFactory(project=project)

    client = client_for(admin)
    counts = []
    for count in (5, 45):
        add_projects(count)
        # session, user, person (middleware); the export log, in a savepoint: its row, the
        # people named, those it names already, the insert of its subjects (5 with the
        # savepoint and its release); the names of every department and clinical area (2);
        # the rows, by one query declaring a server-side cursor, in a savepoint (3). The
        # cursor's fetches are no queries: the count is the same however many rows.
        with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as queries:
            content = download(client, url)
        counts.append(len(queries))
        rows = csv_rows(content) if kind == "csv" else xlsx_rows(content)
        assert len(rows) == 1 + Project.objects.count()
    assert counts[0] == counts[1]


class FailingRows:
    """Lets `after` rows through, then fails as a lost database connection would."""

    def __init__(self, row, after: int):
        self.row, self.left = row, after

    def __call__(self, *args):
        if self.left == 0:
            raise DatabaseError("server closed the connection unexpectedly")
        self.left -= 1
        return self.row(*args)


@pytest.mark.parametrize(("url", "kind"), DOWNLOADS)
def test_a_download_that_fails_half_way_does_not_end_like_a_complete_file(
    client_for, admin, acute_medicine, monkeypatch, url, kind
):
    ProjectFactory.create_batch(6, clinical_areas=[acute_medicine])
    monkeypatch.setattr(exports, "project_row", FailingRows(exports.project_row, after=3))
    response = client_for(admin).get(reverse(url), ALL)
    assert response.status_code == 200
    # No length announced: gunicorn sends it in chunks, and a download cut short lacks the
    # closing chunk, which nginx, browsers and curl report as a failed download.
    assert not response.has_header("Content-Length")
    received = []

    def read():
        for piece in response.streaming_content:
            received.append(piece)

    # The failure goes on up to the server, which then drops the connection.
    with pytest.raises(DatabaseError):
        read()
    assert received  # the download had started
    content = b"".join(received)
    if kind == "csv":
        assert len(csv_rows(content)) < 1 + 6
    else:
        with pytest.raises(Exception, match="zip file"):
            load_workbook(io.BytesIO(content))
