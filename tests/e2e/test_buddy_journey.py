from decimal import Decimal

import pytest

from projects.models import Task
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, PersonFactory, ProjectFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
