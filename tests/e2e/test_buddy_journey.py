from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import Task
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, PersonFactory, ProjectFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_buttons_on_one_line(page) -> None:
    """The task's buttons share one line at 1280 px (POST buttons inside their forms too) and
    stack full width at 375 px."""
    buttons = page.locator(".nhsuk-button-group .nhsuk-button")
    assert buttons.count() >= 3
    tops = {round(buttons.nth(i).bounding_box()["y"]) for i in range(buttons.count())}
    assert len(tops) == 1, tops
    page.set_viewport_size({"width": 375, "height": 800})
    widths = {round(buttons.nth(i).bounding_box()["width"]) for i in range(buttons.count())}
    assert len(widths) == 1, widths
    page.set_viewport_size({"width": 1280, "height": 800})


def test_staff_takes_a_small_task_as_a_buddy_and_finishes_it(page, staff, acute_medicine):
    lead = PersonFactory(department=staff.department, display_name="Lee Lead")
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine], title="Fridge safety")
    TaskFactory(project=project, title="Check fridge logs", estimated_hours=Decimal("1.5"))
    TaskFactory(project=project, title="Write the whole report", estimated_hours=Decimal("6"))

    sign_in(page, "staff", PASSWORD)
    page.get_by_role("link", name="Tasks", exact=True).click()
    assert_accessible(page)
    page.get_by_label("At most (hours)").fill("2")
    page.get_by_role("button", name="Apply filters").click()
    results = page.locator("#task-results")
    assert "Check fridge logs" in results.inner_text()
    assert "Write the whole report" not in results.inner_text()

    results.get_by_role("link", name="Check fridge logs").click()
    assert_accessible(page)
    page.get_by_role("link", name="Claim this task").click()
    assert "1.5" in page.locator(".nhsuk-summary-list").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, I will do it").click()
    assert "Task claimed" in page.locator(".nhsuk-inset-text").inner_text()
    assert_buttons_on_one_line(page)

    # Releasing asks first; "No, keep it" leaves the claim as it was.
    page.get_by_role("link", name="Release task").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Release this task?"
    assert "you are no longer the buddy" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="No, keep it").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check fridge logs"
    assert Task.objects.get(title="Check fridge logs").claimed_by == staff

    page.get_by_role("link", name="My QI").click()
    assert "Check fridge logs" in page.locator("table").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Check fridge logs").click()
    page.get_by_role("link", name="Mark as done").click()
    page.get_by_role("button", name="Mark as done").click()
    assert "Enter the hours it took" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("How many hours did it take?").fill("2")
    page.get_by_role("button", name="Mark as done").click()
    assert "Task marked done" in page.locator(".nhsuk-inset-text").inner_text()

    task = Task.objects.get(title="Check fridge logs")
    assert (task.status, task.claimed_by, task.actual_hours) == ("done", staff, Decimal("2"))
    page.get_by_role("link", name="My QI").click()
    assert "2 hours" in page.locator(".nhsuk-lede-text").inner_text()


def test_the_lead_releases_a_quiet_buddy_s_task_after_confirming(page, staff, acute_medicine):
    buddy = PersonFactory(department=staff.department, display_name="Bea Buddy")
    project = ProjectFactory(lead=staff, clinical_areas=[acute_medicine], title="Fridge safety")
    task = TaskFactory(project=project, title="Check fridge logs", estimated_hours=Decimal("1"))
    task.status, task.claimed_by = Task.Status.CLAIMED, buddy
    task.save()

    sign_in(page, "staff", PASSWORD)
    page.goto(f"/tasks/{task.pk}/")
    # The lead's five buttons, "Reopen task" a POST form among links, on one line.
    expect(page.locator(".nhsuk-button-group .nhsuk-button")).to_have_count(5)
    assert_buttons_on_one_line(page)
    page.get_by_role("link", name="Release task").click()
    assert "Bea Buddy is no longer the buddy on this task" in page.locator("main").inner_text()
    assert_accessible(page)
    # As a phone opens it: the header lays out its navigation for the width when the page loads,
    # so axe must not read it half way through moving links into "More" after a resize.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    task.refresh_from_db()
    assert task.claimed_by == buddy  # the page changed nothing
    page.get_by_role("button", name="Yes, release the task").click()
    assert "Task released" in page.locator(".nhsuk-inset-text").inner_text()
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.OPEN, None)
