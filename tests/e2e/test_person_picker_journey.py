"""Choosing a co-lead by searching for them, with the keyboard (the search without
JavaScript is tested through the Django client in tests/people/test_person_picker.py)."""

import pytest

from projects.models import Project
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

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
