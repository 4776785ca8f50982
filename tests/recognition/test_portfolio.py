"""My QI portfolio and certificates of contribution."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from people.models import ExportLog
from tests.factories import ProjectFactory, TaskFactory, UserFactory


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
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
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
    assert list(csv.DictReader(io.StringIO(response.content.decode()))) == []


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
