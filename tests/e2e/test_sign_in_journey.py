import pytest

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_sees_the_home_page(page, staff):
    page.goto("/")
    assert page.url.endswith("/login/?next=/")
    assert_accessible(page)

    sign_in(page, "staff", PASSWORD)

    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Sam Taylor"
    assert page.title() == "Home – QI Register"
    assert_accessible(page)
    assert page.external_requests == []


def test_wrong_password_shows_an_accessible_error_summary(page, staff):
    sign_in(page, "staff", "not-the-password")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert "Please enter a correct username and password" in summary.inner_text()
    assert_accessible(page)


def test_staff_signs_out_with_the_header_button(page, staff):
    sign_in(page, "staff", PASSWORD)
    page.get_by_role("button", name="Log out").click()
    assert "/login/" in page.url
    page.goto("/")
    assert "/login/" in page.url


def test_accessibility_statement_is_accessible(page, db):
    page.goto("/accessibility/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Accessibility statement")
    assert_accessible(page)


def test_people_directory_and_profile_are_accessible(page, staff, champion):
    sign_in(page, "staff", PASSWORD)
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Champions only").check()
    page.get_by_role("button", name="Apply filters").click()
    assert_accessible(page)
    page.get_by_role("link", name="Chris Okoro").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Chris Okoro"
    assert_accessible(page)
