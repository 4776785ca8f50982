import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reviews_the_team_and_records_a_qi_conversation(page, manager, staff):
    sign_in(page, "manager", PASSWORD)
    page.goto("/me/")
    page.get_by_role("link", name="My team's QI engagement").click()
    assert_accessible(page)
    assert "Sam Taylor" in page.locator("table").inner_text()

    page.get_by_role("link", name="Capacity and conversations of Sam Taylor").click()
    page.get_by_role("button", name="Save conversation").click()
    assert (
        "Write a short note of the conversation"
        in page.locator(".nhsuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("What you talked about").fill("Agreed two hours a week for the audit.")
    page.get_by_label("QI time agreed in the job plan (hours a month)").fill("8")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.locator("body")).to_contain_text("Agreed two hours a week for the audit.")

    page.goto("/team/")
    assert "8 h agreed" in page.locator("table").inner_text()
    assert_accessible(page)
