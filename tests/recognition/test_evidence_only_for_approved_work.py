"""Evidence only for real contributions: the portfolio, certificates,
appraisal summaries and engagement figures count a part in a project only once a champion has
approved the project. A proposal is listed as "awaiting approval" and earns no certificate."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from projects.models import Membership, Project, Task
from tests.factories import PersonFactory, ProjectFactory, TaskFactory


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def unapproved_work(staff, champion, acute_medicine):
    """Sam's part in work no champion has approved: a proposal submitted two minutes ago, a
    role on someone else's proposal and a buddy task done on a proposal never approved."""
    now = timezone.now()
    proposal = ProjectFactory(
        lead=staff,
        title="Faster discharge prescriptions on the surgical wards",
        stage=Project.Stage.PROPOSED,
        submitted_at=now - dt.timedelta(minutes=2),
        review_requested_at=now - dt.timedelta(minutes=2),
        clinical_areas=[acute_medicine],
    )
    never_approved = ProjectFactory(
        lead=PersonFactory(department=staff.department, display_name="Pat Lee"),
        title="Insulin prescribing safety huddles",
        stage=Project.Stage.PROPOSED,
        submitted_at=now - dt.timedelta(days=300),
        clinical_areas=[acute_medicine],
    )
    Membership.objects.create(
        project=never_approved,
        person=staff,
        role_title="Data collector on the huddles",
        commitment_hours=Decimal("1"),
    )
    TaskFactory(
        project=never_approved,
        title="Count insulin charts on ward 9",
        status=Task.Status.DONE,
        claimed_by=staff,
        claimed_at=now - dt.timedelta(days=20),
        completed_at=now - dt.timedelta(days=10),
        actual_hours=Decimal("4"),
    )
    assert not proposal.is_approved
    assert not never_approved.is_approved
    return {"proposal": proposal, "never_approved": never_approved}


@pytest.fixture
def approved_work(staff, acute_medicine):
    """An approved project Sam leads, with a buddy task Sam did on it."""
    approved = ProjectFactory(
        lead=staff,
        title="Reducing omitted critical medicines on the wards",
        clinical_areas=[acute_medicine],
    )
    TaskFactory(
        project=approved,
        title="Audit 30 drug charts on ward 4",
        status=Task.Status.DONE,
        claimed_by=staff,
        claimed_at=timezone.now() - dt.timedelta(days=6),
        completed_at=timezone.now() - dt.timedelta(days=5),
        actual_hours=Decimal("3.5"),
    )
    assert approved.is_approved
    return approved


def test_portfolio_lists_a_proposal_as_awaiting_approval_not_as_led(
    client_for, staff, unapproved_work, approved_work
):
    html = client_for(staff).get(reverse("recognition:portfolio")).text
    proposal = unapproved_work["proposal"]
    contributions = html.split("<h2>Contributions</h2>")[1].split("<h2")[0]
    assert "Reducing omitted critical medicines" in contributions
    assert "Audit 30 drug charts on ward 4" in contributions
    assert "Faster discharge prescriptions" not in contributions
    assert "Insulin prescribing safety huddles" not in contributions
    assert "Count insulin charts on ward 9" not in contributions
    awaiting = html.split('id="proposals"')[1].split("<h2")[0]
    assert "Proposed, awaiting approval" in awaiting
    assert str(proposal) in awaiting


def test_portfolio_does_not_list_a_draft(client_for, staff, draft):
    html = client_for(staff).get(reverse("recognition:portfolio")).text
    assert "Draft idea about insulin" not in html
    assert 'id="proposals"' not in html


def test_certificates_are_offered_only_for_approved_projects(
    client_for, staff, unapproved_work, approved_work
):
    html = client_for(staff).get(reverse("recognition:portfolio")).text
    certificates = html.split('id="certificates"')[1]
    assert reverse("recognition:certificate", args=[approved_work.pk]) in certificates
    for project in unapproved_work.values():
        assert reverse("recognition:certificate", args=[project.pk]) not in certificates


@pytest.mark.parametrize("which", ["proposal", "never_approved"])
def test_certificate_for_unapproved_work_is_refused(client_for, staff, unapproved_work, which):
    project = unapproved_work[which]
    response = client_for(staff).get(reverse("recognition:certificate", args=[project.pk]))
    assert response.status_code == 404


def test_certificate_for_the_approved_project_is_issued(client_for, staff, approved_work):
    response = client_for(staff).get(reverse("recognition:certificate", args=[approved_work.pk]))
    assert response.status_code == 200
    assert approved_work.reference in pdf_text(response)


def test_the_certificate_comes_once_the_proposal_is_approved(client_for, staff, unapproved_work):
    proposal = unapproved_work["proposal"]
    url = reverse("recognition:certificate", args=[proposal.pk])
    client = client_for(staff)
    assert client.get(url).status_code == 404
    proposal.stage, proposal.approved_at = Project.Stage.PLANNING, timezone.now()
    proposal.save(update_fields=["stage", "approved_at"])
    assert client.get(url).status_code == 200


def test_portfolio_csv_leaves_out_unapproved_work(
    client_for, staff, unapproved_work, approved_work
):
    response = client_for(staff).get(reverse("recognition:portfolio_csv"))
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    references = {row["Project"] for row in rows}
    assert approved_work.reference in references
    assert not references & {p.reference for p in unapproved_work.values()}


def test_appraisal_csv_counts_only_approved_work(
    client_for, manager, staff, unapproved_work, approved_work
):
    response = client_for(manager).get(
        reverse("recognition:appraisal_summary_csv"), {"person": staff.pk}
    )
    assert response.status_code == 200
    (row,) = csv.DictReader(io.StringIO(response.getvalue().decode()))
    assert "Reducing omitted critical medicines" in row["Projects and roles"]
    assert "Faster discharge prescriptions" not in row["Projects and roles"]
    assert "Insulin prescribing safety huddles" not in row["Projects and roles"]
    assert "Audit 30 drug charts on ward 4" in row["Tasks done"]
    assert "Count insulin charts" not in row["Tasks done"]
    assert row["Task hours"] == "3.5"


def test_appraisal_pdf_counts_only_approved_work(
    client_for, manager, staff, unapproved_work, approved_work
):
    response = client_for(manager).get(
        reverse("recognition:appraisal_summary_pdf"), {"person": staff.pk}
    )
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", pdf_text(response))
    assert "Reducing omitted critical medicines" in text
    assert "Audit 30 drug charts on ward 4" in text
    assert "Faster discharge prescriptions" not in text
    assert "Insulin prescribing safety huddles" not in text
    assert "Count insulin charts" not in text


def _my_team_row(html: str, name: str) -> str:
    return next(row for row in html.split("<tr") if name in row)


def test_engagement_report_does_not_count_unapproved_work(
    client_for, admin, staff, unapproved_work
):
    html = client_for(admin).get(reverse("people:engagement")).text
    assert re.search(r"\b0 of \d+ staff took part in QI", html)


def test_engagement_report_counts_approved_work(
    client_for, admin, staff, unapproved_work, approved_work
):
    html = client_for(admin).get(reverse("people:engagement")).text
    assert re.search(r"\b1 of \d+ staff took part in QI", html)


def test_my_team_counts_only_approved_projects_roles_and_tasks(
    client_for, manager, staff, unapproved_work, approved_work
):
    row = _my_team_row(client_for(manager).get(reverse("people:team")).text, "Sam Taylor")
    assert "1 led, 0 other roles" in row
    assert "1 (3.5 h)" in row
