import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import Task
from tests.e2e.conftest import assert_accessible, fill_date, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_due_date_is_typed_as_day_month_and_year_on_a_phone(page, staff, project):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "staff", PASSWORD)
    page.goto(reverse("projects:task_create", args=[project.pk]))
    due = page.get_by_role("group", name="Due date", exact=True)
    expect(due.locator("input")).to_have_count(3)
    expect(page.locator('input[type="date"]')).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Title").fill("Audit fridge temperatures")
    page.get_by_label("Estimated hours").fill("1.5")
    due.get_by_label("Day").fill("15")
    due.get_by_label("Month").fill("1")
    page.get_by_role("button", name="Save task").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Due date must include a year" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link", name="Due date must include a year").click()
    assert page.evaluate("document.activeElement.id") == "id_due_date"
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    fill_date(page, "Due date", dt.date(2027, 1, 15))
    page.get_by_role("button", name="Save task").click()
    page.wait_for_url(f"**{reverse('projects:detail', args=[project.pk])}**")
    assert Task.objects.get(title="Audit fridge temperatures").due_date == dt.date(2027, 1, 15)
