import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, ProjectFactory, RoleOpeningFactory, TaskFactory

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
    expect(page.locator("body")).to_contain_text("Agreed the data sheet")

    page.get_by_role("link", name="Edit project").click()
    assert_accessible(page)
    page.get_by_label("Stage").select_option("testing")
    page.get_by_role("button", name="Save changes").click()
    assert "Testing changes (PDSA)" in page.locator("h1 + p").inner_text()

    page.get_by_role("link", name="See every change to this project").click()
    assert_accessible(page)
    assert "Sam Taylor" in page.locator("table").inner_text()


# Titles and aims of the length people write them (the demo data's are alike).
REGISTER_PROJECTS = [
    (
        "Reducing omitted critical medicines on the wards",
        "Halve omitted doses of "
        "time-critical medicines on the acute wards by March, measured by the weekly audit.",
    ),
    ("Insulin prescribing safety", "Halve insulin prescribing errors within a year."),
    (
        "Discharge prescriptions ready within an hour",
        "Cut the median time from discharge "
        "prescription to medicines ready to 60 minutes on the acute medical unit.",
    ),
    (
        "Anticoagulant counselling before discharge",
        "Counsel every patient newly started on an anticoagulant before they go home.",
    ),
    (
        "Medicines reconciliation within 24 hours of admission",
        "Reconcile the medicines of 90% of admissions within 24 hours.",
    ),
    (
        "Paediatric oral syringe labelling",
        "Eliminate unlabelled oral syringes on the children's wards.",
    ),
    (
        "Inhaler technique and switching to low-carbon inhalers",
        "Check inhaler technique "
        "for every respiratory admission and offer a low-carbon inhaler where suitable.",
    ),
    ("Aseptic unit right-first-time batches", "Raise right-first-time aseptic batches to 98%."),
    (
        "Biosimilar adalimumab switch",
        "Switch 90% of eligible patients to biosimilar adalimumab and save £200,000 a year.",
    ),
    (
        "Dispensary turnaround for outpatient prescriptions",
        "Dispense 90% of outpatient prescriptions within 30 minutes.",
    ),
    (
        "Medicines information enquiry response times",
        "Answer 95% of enquiries within the agreed time.",
    ),
]


def _register_projects(staff, acute_medicine, surgery):
    stages = [Project.Stage.PLANNING, Project.Stage.TESTING, Project.Stage.IMPLEMENTING]
    for n, (title, aim) in enumerate(REGISTER_PROJECTS):
        project = ProjectFactory(
            title=title,
            aim=aim,
            lead=staff,
            stage=stages[n % 3],
            clinical_areas=[acute_medicine, surgery] if n % 4 == 0 else [acute_medicine],
        )
        if n % 2:
            TaskFactory(project=project)
        if n % 3 == 0:
            RoleOpeningFactory(project=project, title="Data collector")
    ProjectFactory(title="Finished audit", lead=staff, stage=Project.Stage.COMPLETED)


def _tops_of_results(page) -> list[float]:
    return page.locator("#register-results li.qi-project-row").evaluate_all(
        "rows => rows.map(row => row.getBoundingClientRect().top)"
    )


def test_a_desktop_screen_shows_eight_projects_with_the_filters_beside_them(
    browser, live_server, staff, acute_medicine, surgery
):
    _register_projects(staff, acute_medicine, surgery)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, "staff", PASSWORD)
    page.goto("/projects/")
    tops = _tops_of_results(page)
    assert len(tops) == len(REGISTER_PROJECTS)  # the completed one is left out
    assert sum(1 for top in tops if 0 <= top < 900) >= 8
    first = page.locator("#register-results li.qi-project-row").first
    assert "Roles wanted: Data collector" in page.locator("#register-results").inner_text()
    assert first.locator(".qi-project-row__aim").is_visible()
    # The filters are a side column, open, beside the results.
    search = page.get_by_label("Search projects")
    assert search.is_visible()
    assert search.bounding_box()["x"] < first.bounding_box()["x"]
    assert not page.locator(".qi-filter-panel > summary").is_visible()
    assert_accessible(page)

    page.get_by_label("Show completed and closed projects").check()
    page.locator("#register-results", has_text="Finished audit").wait_for(timeout=5000)
    assert "12 projects" in page.locator("#results-heading").inner_text()
    context.close()


def test_on_a_phone_the_results_come_first_and_the_filters_sit_in_a_closed_expander(
    browser, live_server, staff, acute_medicine, surgery
):
    _register_projects(staff, acute_medicine, surgery)
    for javascript in (True, False):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 375, "height": 812},
            java_script_enabled=javascript,
        )
        page = context.new_page()
        sign_in(page, "staff", PASSWORD)
        page.goto("/projects/")
        expander = page.locator("details.qi-filter-panel")
        search = page.get_by_label("Search projects")
        assert expander.get_attribute("open") is None
        assert not search.is_visible()
        summary = expander.locator("summary")
        assert summary.inner_text() == "Filter projects"
        # Boxes, not page.evaluate: with JavaScript off, Playwright cannot evaluate in the page.
        first_top = page.locator("#register-results li.qi-project-row").first.bounding_box()["y"]
        # The first result is on the first screen, with only the closed expander above it.
        assert summary.bounding_box()["y"] < first_top < 812
        if javascript:
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            assert_accessible(page)

        summary.click()
        assert search.is_visible()
        assert expander.bounding_box()["y"] < first_top  # opening it pushes the results down
        search.fill("insulin")
        if not javascript:
            page.get_by_role("button", name="Apply filters").click()
        page.locator("#results-heading", has_text="1 project").wait_for(timeout=5000)
        if javascript:
            assert_accessible(page)
        context.close()
