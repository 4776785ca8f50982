import pytest

from projects.models import Project
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, ProjectFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_proposes_a_project_and_is_prompted_about_a_duplicate(page, staff, acute_medicine):
    existing = ProjectFactory(
        title="Reducing omitted critical medicines on the wards",
        aim="Halve omitted doses of time-critical medicines.",
        clinical_areas=[acute_medicine],
    )
    sign_in(page, "staff", PASSWORD)
    page.get_by_role("link", name="Propose a project").first.click()
    assert_accessible(page)

    page.get_by_label("Title").fill("Reduce omitted doses of critical medicines")
    # htmx shows similar projects while the title is typed.
    warning = page.locator("#similar-projects .nhsuk-warning-callout")
    warning.wait_for(timeout=5000)
    assert existing.title in warning.inner_text()

    page.get_by_label("Aim statement").fill("Cut omitted critical doses by half by June.")
    page.get_by_label("Problem and background").fill("One dose in eight is omitted.")
    page.get_by_label("Acute medicine").check()
    page.get_by_role("button", name="Submit for review").click()

    # The server refuses until the person confirms theirs is different.
    summary = page.locator(".nhsuk-error-summary")
    assert "Similar projects already exist" in summary.inner_text()
    assert Project.objects.count() == 1
    assert_accessible(page)

    page.get_by_label("I have looked at the similar projects and mine is different").check()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Reduce omitted doses of critical medicines"
    )
    assert "submitted" in page.locator(".nhsuk-inset-text").inner_text()
    assert_accessible(page)
    assert Project.objects.get(title__startswith="Reduce omitted").reference


def test_register_filters_update_results_with_and_without_javascript(
    browser, live_server, staff, acute_medicine
):
    # Led by staff: in their department, where the register opens.
    for title in ("Insulin safety", "Discharge letters"):
        TaskFactory(
            project=ProjectFactory(title=title, lead=staff, clinical_areas=[acute_medicine])
        )
    for javascript in (True, False):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
        page = context.new_page()
        sign_in(page, "staff", PASSWORD)
        page.goto("/projects/")
        page.get_by_label("Search projects").fill("insulin")
        if not javascript:
            page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**/projects/?*q=insulin*", timeout=5000)
        results = page.locator("#register-results")
        results.locator("#results-heading", has_text="1 project").wait_for(timeout=5000)
        assert "Discharge letters" not in results.inner_text()
        if javascript:
            assert_accessible(page)
        context.close()


def test_lead_adds_a_task_and_a_progress_update_from_the_project_page(page, staff, project):
    sign_in(page, "staff", PASSWORD)
    page.goto(f"/projects/{project.pk}/")
    assert_accessible(page)

    page.get_by_role("link", name="Add a task").click()
    page.get_by_role("button", name="Save task").click()
    assert "Enter a title for the task" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Title").fill("Collect a week of baseline data")
    page.get_by_label("Estimated hours").fill("2")
    page.get_by_role("button", name="Save task").click()
    assert (
        "Collect a week of baseline data"
        in page.locator("#tasks ~ .nhsuk-scroll table").first.inner_text()
    )

    page.get_by_role("link", name="Add a progress update").click()
    page.get_by_label("What was done").fill("Agreed the data sheet with the ward sister")
    page.get_by_role("button", name="Save progress update").click()
    assert "Agreed the data sheet" in page.content()

    page.get_by_role("link", name="Edit project").click()
    assert_accessible(page)
    page.get_by_label("Stage").select_option("testing")
    page.get_by_role("button", name="Save changes").click()
    assert "Testing changes (PDSA)" in page.locator("h1 + p").inner_text()

    page.get_by_role("link", name="See every change to this project").click()
    assert_accessible(page)
    assert "Sam Taylor" in page.locator("table").inner_text()
