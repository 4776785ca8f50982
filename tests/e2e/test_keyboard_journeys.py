"""Keyboard-only journeys: propose a project and claim a task without ever clicking.

Only `page.keyboard` moves and acts (Tab, Shift+Tab, Enter, Space and typing); `page.goto` opens
the first page, as typing an address would. At every control a journey stops on, the focus must
be visible. The accessibility statement (templates/accessibility.html) names these journeys.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlparse

import pytest

from projects.models import Project, Task
from tests.factories import PASSWORD, PersonFactory, ProjectFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a keyboard user meets on the focused element: its name as a screen reader would start to
# read it (a label, an aria-label or its text), and whether the NHS.UK focus style shows on it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const choice = el.matches('.nhsuk-radios__input, .nhsuk-checkboxes__input');
  const styled = choice ? el.labels[0] : el;
  const style = getComputedStyle(styled, choice ? '::before' : null);
  const labels = el.labels ? [...el.labels].map(label => label.innerText.trim()) : [];
  return {
    id: el.id,
    name: (el.getAttribute('aria-label') || labels[0] || el.innerText || '').trim(),
    visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== 'none' || style.backgroundColor === 'rgb(255, 235, 59)',
  };
}"""


def path(page) -> str:
    return urlparse(page.url).path


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, name: str, *, backwards: bool = False, limit: int = 120) -> dict:
    """Press Tab (or Shift+Tab) until the control whose name starts with `name` has focus."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if element and element["name"].startswith(name):
            assert element["visible"], f"focus on {name!r} is not visible"
            return element
        passed.append(element and element["name"])
    raise AssertionError(f"{name!r} not reached with {key}; passed {passed}")


def press_and_load(page, key: str) -> None:
    """Press a key that follows a link or submits a form, and wait for the new page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def skip_to_main_content(page) -> None:
    """The first Tab on a page reaches the skip link; Enter moves focus into <main>."""
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["name"] == "Skip to main content"
    assert skip["visible"]
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "maincontent"


def sign_in_by_keyboard(page, username: str) -> None:
    page.goto("/login/")
    assert focused(page)["name"] == "Username"  # Django's sign-in form focuses it on load
    page.keyboard.type(username)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    press_and_load(page, "Enter")
    assert path(page) == "/"


def test_staff_proposes_a_project_with_the_keyboard_only(page, staff, acute_medicine):
    sign_in_by_keyboard(page, "staff")
    skip_to_main_content(page)
    tab_to(page, "Propose a project")
    press_and_load(page, "Enter")
    assert path(page) == "/projects/new/"

    skip_to_main_content(page)
    tab_to(page, "Title")
    page.keyboard.type("Fridge temperature logs on every ward")
    tab_to(page, "Aim statement")
    page.keyboard.type("Every ward fridge logged twice a day by March.")
    tab_to(page, "Problem and background")
    page.keyboard.type("One fridge in five has gaps in its log.")
    # Back up to the title with Shift+Tab and add to it.
    tab_to(page, "Title", backwards=True)
    page.keyboard.press("End")
    page.keyboard.type(" (pilot)")
    # Submitted without a clinical area: the error summary takes focus and links to the field.
    tab_to(page, "Submit for review")
    press_and_load(page, "Enter")
    summary = page.locator(".nhsuk-error-summary")
    assert "Select at least one clinical area" in summary.inner_text()
    assert page.evaluate("document.activeElement.matches('.nhsuk-error-summary')")
    assert not Project.objects.exists()

    tab_to(page, "Select at least one clinical area")
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "Acute medicine"  # the link took focus to the checkbox
    page.keyboard.press("Space")
    tab_to(page, "Submit for review")
    press_and_load(page, "Enter")
    assert re.fullmatch(r"/projects/\d+/", path(page))

    project = Project.objects.get()
    assert project.title == "Fridge temperature logs on every ward (pilot)"
    assert (project.lead, project.stage) == (staff, Project.Stage.PROPOSED)
    assert list(project.clinical_areas.all()) == [acute_medicine]
    assert project.reference
    assert page.get_by_role("heading", level=1).inner_text() == project.title
    assert "submitted" in page.locator(".nhsuk-inset-text").inner_text()
    assert page.external_requests == []


def test_staff_claims_a_task_with_the_keyboard_only(page, staff, acute_medicine):
    lead = PersonFactory(department=staff.department, display_name="Lee Lead")
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine], title="Fridge safety")
    TaskFactory(project=project, title="Check fridge logs", estimated_hours=Decimal("1.5"))
    TaskFactory(project=project, title="Write the whole report", estimated_hours=Decimal("6"))

    sign_in_by_keyboard(page, "staff")
    # The header's links come before the skip link's target: Tab through them to Tasks.
    tab_to(page, "Tasks")
    press_and_load(page, "Enter")
    assert path(page) == "/tasks/"

    skip_to_main_content(page)
    tab_to(page, "At most (hours)")
    page.keyboard.type("2")
    # Typing refreshes the results in place (htmx); Enter submits the filter form all the same,
    # so the page loads again with the filters in its address.
    with page.expect_event("load"):  # not the address htmx pushes first: the new page
        page.keyboard.press("Enter")
    assert "max_hours=2" in page.url
    results = page.locator("#task-results")
    assert "Check fridge logs" in results.inner_text()
    assert "Write the whole report" not in results.inner_text()

    skip_to_main_content(page)
    tab_to(page, "Check fridge logs")
    press_and_load(page, "Enter")
    assert re.fullmatch(r"/tasks/\d+/", path(page))
    tab_to(page, "Claim this task")
    press_and_load(page, "Enter")
    assert re.fullmatch(r"/tasks/\d+/claim/", path(page))
    tab_to(page, "Yes, I will do it")
    press_and_load(page, "Space")  # buttons act on Space as well as Enter

    assert "Task claimed" in page.locator(".nhsuk-inset-text").inner_text()
    task = Task.objects.get(title="Check fridge logs")
    assert (task.status, task.claimed_by) == (Task.Status.CLAIMED, staff)
    assert Task.objects.get(title="Write the whole report").claimed_by is None
    assert page.external_requests == []
