"""Choosing a co-lead by searching for them, with the keyboard, and the one person a task is
reassigned to on a phone's width; Enter in a text field without JavaScript does the form's main
action (the search without JavaScript is tested through the Django client in
tests/people/test_person_picker.py and test_person_picker_forms.py)."""

import pytest

from projects.models import Project, Task
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_proposal(page, title: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Aim statement").fill("Cut omitted critical doses by half by June.")
    page.get_by_label("Problem and background").fill("One dose in eight is omitted.")
    page.get_by_label("Acute medicine").check()


def test_staff_chooses_a_co_lead_with_the_keyboard(page, staff, manager, champion):
    sign_in(page, "staff", PASSWORD)
    page.goto("/projects/new/")
    fill_proposal(page, "Safer insulin on the wards")

    search = page.get_by_role("combobox", name="Co-leads")
    search.press_sequentially("mor", delay=50)
    option = page.get_by_role("option", name="Morgan Ellis")
    option.wait_for(timeout=5000)
    assert search.get_attribute("aria-expanded") == "true"
    assert_accessible(page)  # with the suggestions open
    search.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    search.press("Enter")

    chosen = page.locator(".qi-person-picker__chosen")
    assert "Morgan Ellis" in chosen.inner_text()
    assert search.get_attribute("aria-expanded") == "false"
    assert search.input_value() == ""
    assert Project.objects.count() == 0  # Enter chose; it did not submit the form
    # Escape closes the suggestions without choosing.
    search.press_sequentially("chr", delay=50)
    page.get_by_role("option", name="Chris Okoro").wait_for(timeout=5000)
    search.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    assert_accessible(page)

    page.get_by_role("button", name="Save as draft").click()
    project = Project.objects.get(title="Safer insulin on the wards")
    assert list(project.co_leads.all()) == [manager]
    assert "Morgan Ellis" in page.locator("main").inner_text()


def fits_a_phone(page) -> bool:
    """Nothing wider than the 375 px viewport: no scrolling sideways."""
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_lead_reassigns_a_task_to_one_person_found_by_typing_on_a_phone(
    browser, live_server, staff, manager, champion, project
):
    task = TaskFactory(project=project, title="Count omitted doses")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 800})
    context.set_default_timeout(5000)
    page = context.new_page()
    sign_in(page, "staff", PASSWORD)
    page.goto(f"/tasks/{task.pk}/reassign/")
    search = page.get_by_role("combobox", name="Who should do this task?")
    search.press_sequentially("mor", delay=50)
    page.get_by_role("option", name="Morgan Ellis").click()
    search.press_sequentially("chr", delay=50)
    page.get_by_role("option", name="Chris Okoro").wait_for()
    assert fits_a_phone(page)  # with the suggestions open
    search.press("ArrowDown")
    search.press("Enter")
    chosen = page.locator(".qi-person-picker__chosen")
    assert "Chris Okoro" in chosen.inner_text()  # one person: Chris replaces Morgan
    assert "Morgan Ellis" not in chosen.inner_text()
    assert fits_a_phone(page)
    assert_accessible(page)
    page.get_by_role("button", name="Reassign", exact=True).click()
    page.get_by_text("Task reassigned.").wait_for()
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.CLAIMED, champion)
    context.close()


def test_enter_in_a_text_field_without_javascript_submits_rather_than_searches(
    browser, live_server, staff
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(5000)
    page = context.new_page()
    sign_in(page, "staff", PASSWORD)
    page.goto("/projects/new/")
    page.get_by_label("Title").fill("Safer insulin on the wards")
    page.get_by_label("Title").press("Enter")
    # Submitted for review: the form is incomplete, so the page says what is missing.
    page.locator(".nhsuk-error-summary").wait_for()
    assert "Enter an aim statement" in page.locator(".nhsuk-error-summary").inner_text()
    assert Project.objects.count() == 0
    context.close()
