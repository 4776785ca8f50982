import pytest

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_team_pdf_says_it_is_being_prepared_and_then_downloads(page, manager, staff):
    sign_in(page, "manager", PASSWORD)
    page.goto("/team/")
    status = page.locator("[data-qi-pdf-status]")
    assert status.inner_text() == ""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
        # Said while the server makes the file, in a status region screen readers announce.
        assert status.inner_text() == (
            "Preparing your PDF. A short one downloads when it is ready; "
            "a long one is prepared in the background."
        )
    assert download.value.suggested_filename.endswith(".pdf")
    assert page.url.endswith("/team/")  # the page stays where it was
