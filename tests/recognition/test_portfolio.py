"""My QI portfolio and certificates of contribution."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from people.models import ExportLog
from projects.models import Membership, ReviewDecision
from tests.factories import (
    AwardFactory,
    NominationFactory,
    PersonFactory,
    ProjectFactory,
    ShowcaseSessionFactory,
    ShowcaseSlotFactory,
    TaskFactory,
    UserFactory,
)


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_portfolio_page_lists_dated_contributions_with_domains(client_for, staff, qi_year):
    response = client_for(staff).get(reverse("recognition:portfolio"))
    assert response.status_code == 200
    text = response.text
    assert "Audit 30 drug charts on ward 4" in text
    assert "Presented" in text
    assert "Spring clinical update" in text
    assert "Leadership and management: 1 contribution" in text  # leads `project`
    assert "Education: 2 contributions" in text  # showcase and training
    assert reverse("recognition:certificate", args=[qi_year["other"].pk]) in text


@pytest.mark.parametrize("name", ["portfolio", "portfolio_csv", "portfolio_pdf"])
def test_portfolio_needs_a_person(client, name, db):
    assert client.get(reverse(f"recognition:{name}")).status_code == 302
    client.force_login(UserFactory(username="robot"))
    assert client.get(reverse(f"recognition:{name}")).status_code == 403


def test_portfolio_csv_parses_and_maps_domains(client_for, staff, qi_year):
    response = client_for(staff).get(reverse("recognition:portfolio_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    by_kind = {row["Contribution"]: row for row in rows}
    assert by_kind["Buddy task completed"]["Hours"] == "3.5"
    assert by_kind["Buddy task completed"]["Project"] == qi_year["other"].reference
    assert by_kind["Led or co-led a project"]["Credentialing domains"] == (
        "Leadership and management"
    )
    assert by_kind["QI training completed"]["Credentialing domains"] == "Education"
    assert by_kind["Mentoring received"]["Credentialing domains"] == ""
    assert all(row["Date"] for row in rows)
    assert ExportLog.objects.get().kind == "portfolio_csv"


def test_portfolio_pdf_holds_my_contributions(client_for, staff, qi_year):
    response = client_for(staff).get(reverse("recognition:portfolio_pdf"))
    text = pdf_text(response)
    for expected in (
        "Sam Taylor",
        "Audit 30 drug charts on ward 4",
        "Trust Quality Award",
        "Leadership and management",
        "Education",
    ):
        assert expected in text, expected
    assert list(ExportLog.objects.get().subjects.all()) == [staff]


def test_portfolio_period_filters(client_for, staff, qi_year):
    response = client_for(staff).get(
        reverse("recognition:portfolio_csv"), {"from": "2019-01-01", "to": "2019-12-31"}
    )
    assert list(csv.DictReader(io.StringIO(response.getvalue().decode()))) == []


def test_certificate_for_a_project_i_took_part_in(client_for, staff, qi_year):
    other = qi_year["other"]
    response = client_for(staff).get(reverse("recognition:certificate", args=[other.pk]))
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Certificate of contribution" in text
    assert "Sam Taylor" in text
    assert other.reference in text
    assert "Data collector" in text
    assert "Buddy" in text
    assert "3.5 hours" in text


def test_certificate_refused_for_a_project_i_had_no_part_in(client_for, staff, champion, draft):
    stranger = ProjectFactory(lead=champion)
    client = client_for(staff)
    assert client.get(reverse("recognition:certificate", args=[stranger.pk])).status_code == 404
    # A draft has no reference to certify.
    assert client.get(reverse("recognition:certificate", args=[draft.pk])).status_code == 404
    assert not ExportLog.objects.exists()


def test_portfolio_queries_do_not_grow_with_history(
    client_for, staff, qi_year, django_assert_max_num_queries
):
    client = client_for(staff)
    with django_assert_max_num_queries(45):
        assert client.get(reverse("recognition:portfolio")).status_code == 200
    for _n in range(10):
        project = ProjectFactory(lead=staff)
        TaskFactory(project=project, status="done", claimed_by=staff, actual_hours=2)
    with django_assert_max_num_queries(45):
        response = client.get(reverse("recognition:portfolio"))
    assert response.text.count("Certificate for QI-") == 12


def test_a_showcase_still_to_come_is_not_yet_presented(client_for, staff, project, pharmacy):
    session = ShowcaseSessionFactory(
        department=pharmacy,
        title="Winter clinical update",
        starts_at=timezone.now() + dt.timedelta(hours=3),
    )
    ShowcaseSlotFactory(session=session, position=1, project=project, presenters=[staff])
    rows = csv_rows(
        client_for(staff).get(
            reverse("recognition:portfolio_csv"),
            {"to": str(timezone.localdate() + dt.timedelta(days=1))},
        )
    )
    assert not [row for row in rows if "Winter clinical update" in row["Description"]]


def test_a_projects_award_counts_for_its_team(client_for, staff, champion, project):
    member = PersonFactory(department=staff.department, display_name="Mo Member")
    Membership.objects.create(project=project, person=member, role_title="Data collector")
    NominationFactory(
        award=AwardFactory(name="Patient Safety Award"),
        nominee_kind="project",
        person=None,
        project=project,
        nominated_by=champion,
        status="won",
    )
    for person in (staff, member):
        rows = csv_rows(client_for(person).get(reverse("recognition:portfolio_csv")))
        (award,) = [row for row in rows if row["Contribution"] == "Award nomination"]
        assert "Patient Safety Award" in award["Description"]
        assert award["Project"] == project.reference
    assert not [
        row
        for row in csv_rows(client_for(champion).get(reverse("recognition:portfolio_csv")))
        if row["Contribution"] == "Award nomination"
    ]


def test_reviewing_a_proposal_earns_no_certificate(client_for, champion, project):
    ReviewDecision.objects.create(
        project=project,
        champion=champion,
        decision="approved",
        submitted_at=timezone.now() - dt.timedelta(days=2),
    )
    client = client_for(champion)
    rows = csv_rows(client.get(reverse("recognition:portfolio_csv")))
    assert [row["Contribution"] for row in rows] == ["Review as QI champion"]
    assert client.get(reverse("recognition:certificate", args=[project.pk])).status_code == 404


def test_work_under_way_is_dated_inside_the_period(client_for, staff, project):
    project.start_date = timezone.localdate() + dt.timedelta(days=60)
    project.save()
    (row,) = csv_rows(client_for(staff).get(reverse("recognition:portfolio_csv")))
    assert row["Date"] == str(timezone.localdate())


def test_a_bad_period_is_explained_and_nothing_is_downloaded(client_for, staff):
    client = client_for(staff)
    bad = {"from": "2026-06-01", "to": "2026-01-01"}
    page = client.get(reverse("recognition:portfolio"), bad)
    assert "There is a problem" in page.text
    assert "The end of the period must be on or after its start" in page.text
    assert "nhsuk-input--error" in page.text
    for name in ("portfolio_csv", "portfolio_pdf"):
        response = client.get(reverse(f"recognition:{name}"), bad)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("recognition:portfolio"))
    assert not ExportLog.objects.exists()


def test_a_stage_in_running_text_keeps_its_acronym(client_for, staff, project):
    project.stage = project.Stage.TESTING
    project.approved_at = timezone.now()
    project.save()
    page = client_for(staff).get(reverse("recognition:portfolio")).content.decode()
    assert f"Project lead of {project} (testing changes (PDSA))" in page
    assert "(pdsa)" not in page


def test_a_long_portfolio_shows_the_newest_contributions_and_links_to_the_rest(
    client_for, staff, django_assert_max_num_queries
):
    """Past PAGE_ROWS the page lists the newest contributions and certificates, says how many
    more there are, and links to the CSV, which holds every one; the query count stays put."""
    from recognition.views.portfolio import PAGE_ROWS

    client = client_for(staff)
    project = ProjectFactory(lead=staff)
    with django_assert_max_num_queries(45) as few:
        assert client.get(reverse("recognition:portfolio")).status_code == 200
    today = timezone.now()
    for n in range(PAGE_ROWS + 5):
        TaskFactory(
            project=project,
            title=f"Task number {n:03d}",
            status="done",
            claimed_by=staff,
            completed_at=today - dt.timedelta(days=n),
        )
    for _n in range(PAGE_ROWS + 1):  # led all year: dated at the start of the period, the oldest
        ProjectFactory(lead=staff, start_date=today.date() - dt.timedelta(days=1000))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("recognition:portfolio"))
    text = response.text
    total = PAGE_ROWS + 5 + PAGE_ROWS + 2  # the tasks, and leading each project
    assert f"Your newest {PAGE_ROWS} of {total} contributions" in text
    assert f"And {total - PAGE_ROWS} more" in text
    assert reverse("recognition:portfolio_csv") in text
    assert "Task number 000" in text  # the newest
    assert f"Task number {PAGE_ROWS - 2:03d}" in text
    assert f"Task number {PAGE_ROWS - 1:03d}" not in text
    assert text.count("Certificate for QI-") == PAGE_ROWS
    assert f"And certificates for {PAGE_ROWS + 2 - PAGE_ROWS} more projects" in text
    download = client.get(reverse("recognition:portfolio_csv"))
    assert download.streaming  # sent as it is written, every row in it
    assert len(csv_rows(download)) == total


def test_a_short_portfolio_shows_everything_without_a_note(client_for, staff):
    project = ProjectFactory(lead=staff)
    for n in range(3):
        TaskFactory(
            project=project,
            title=f"Task number {n}",
            status="done",
            claimed_by=staff,
            completed_at=timezone.now(),
        )
    text = client_for(staff).get(reverse("recognition:portfolio")).text
    assert all(f"Task number {n}" in text for n in range(3))
    assert "Your newest" not in text
    assert "more in the" not in text
