import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import assert_accessible, fill_date, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def downloaded_pdf_text(download) -> str:
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_manager_exports_the_appraisal_summary_pdf_for_staff(page, manager, staff, qi_year):
    sign_in(page, "manager", PASSWORD)
    page.goto("/team/")
    assert_accessible(page)
    page.get_by_label("Whose summary").select_option(label="Sam Taylor")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("appraisal-summary-sam-taylor-")
    text = downloaded_pdf_text(download)
    assert "Sam Taylor" in text
    assert "Audit 30 drug charts on ward 4" in text
    assert "Sam led the omitted doses work" in text

    page.get_by_role("link", name="Appraisal notes on Sam Taylor").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save note").click()
    assert "Write the note" in page.locator(".nhsuk-error-summary").inner_text()
    fill_date(page, "Appraisal period from", "2026-01-01")
    fill_date(page, "Appraisal period to", "2026-11-30")
    page.get_by_label("Note").fill("Agreed to co-lead the next PDSA cycle.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("body")).to_contain_text("Agreed to co-lead the next PDSA cycle.")
    assert_accessible(page)


def test_staff_downloads_their_portfolio_and_a_certificate(page, staff, qi_year):
    sign_in(page, "staff", PASSWORD)
    page.goto("/me/")
    assert_accessible(page)
    page.get_by_role("link", name="My QI portfolio and certificates").click()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my portfolio (PDF)").click()
    text = downloaded_pdf_text(download_info.value)
    assert "Sam Taylor" in text
    assert "Trust Quality Award" in text
    # Training maps to Education in the department's domains: listed under it as evidence.
    by_domain = text[text.index("Evidence by domain") :]
    education = by_domain.index("Education")
    assert by_domain.index("QI foundations", education) > education

    reference = qi_year["other"].reference
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Certificate for {reference}").click()
    text = downloaded_pdf_text(download_info.value)
    assert "Certificate of contribution" in text
    assert reference in text
