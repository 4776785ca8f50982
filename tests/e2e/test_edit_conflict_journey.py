"""Two people edit the same project in two browsers: the second is told, and loses nothing."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_editor_sees_the_conflict_keeps_their_text_and_saves_after_review(
    page, browser, live_server, staff, champion, project
):
    edit = f"/projects/{project.pk}/edit/"
    sign_in(page, "staff", PASSWORD)
    page.goto(edit)
    other_context = browser.new_context(base_url=live_server.url)
    try:
        other = other_context.new_page()
        sign_in(other, "champion", PASSWORD)
        other.goto(edit)

        # Both have the form open. The champion saves first.
        other.get_by_label("Title").fill("Omitted critical medicines on wards 4 and 7")
        other.get_by_role("button", name="Save changes").click()
        expect(other.locator("body")).to_contain_text("Project updated.")
    finally:
        other_context.close()

    page.get_by_label("Aim statement").fill("Halve omitted critical doses by June.")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Someone else changed this project since you opened it" in summary
    assert page.get_by_label("Aim statement").input_value() == (
        "Halve omitted critical doses by June."
    )
    panel = page.locator(".nhsuk-warning-callout").inner_text()
    assert "Omitted critical medicines on wards 4 and 7" in panel
    assert_accessible(page)

    # Reviewed: take the champion's title, keep the new aim, save.
    page.get_by_label("Title").fill("Omitted critical medicines on wards 4 and 7")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("body")).to_contain_text("Project updated.")
    project.refresh_from_db()
    assert (project.title, project.aim, project.version) == (
        "Omitted critical medicines on wards 4 and 7",
        "Halve omitted critical doses by June.",
        3,
    )
