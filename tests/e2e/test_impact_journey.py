from decimal import Decimal

import pytest
from playwright.sync_api import expect

from measurement.models import Measure, PDSACycle, Saving
from tests.e2e.conftest import assert_accessible, fill_date, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_claims_a_saving_and_the_champion_validates_it(
    browser, live_server, project, champion
):
    def as_user(username):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        sign_in(page, username, PASSWORD)
        return context, page

    staff_context, staff_page = as_user("staff")
    staff_page.goto(f"/projects/{project.pk}/")
    staff_page.get_by_role("link", name="Claim a saving").click()
    staff_page.get_by_label("Amount claimed (£)").fill("0")
    staff_page.get_by_role("button", name="Claim saving").click()
    summary = staff_page.locator(".nhsuk-error-summary").inner_text()
    assert "Say what the saving comes from" in summary
    assert "The amount must be more than £0" in summary
    assert_accessible(staff_page)
    staff_page.get_by_label("Description").fill("Switch to biosimilar adalimumab")
    staff_page.get_by_label("Amount claimed (£)").fill("12000")
    staff_page.get_by_label("Recurring, per year").check()
    staff_page.get_by_role("button", name="Claim saving").click()
    savings = staff_page.locator("#savings + .nhsuk-scroll table")
    assert "Awaiting validation" in savings.inner_text()
    expect(staff_page.get_by_role("link", name="Validate saving")).to_have_count(0)

    champion_context, champion_page = as_user("champion")
    champion_page.goto(f"/projects/{project.pk}/")
    champion_page.get_by_role(
        "link", name="Validate saving Switch to biosimilar adalimumab"
    ).click()
    assert_accessible(champion_page)
    champion_page.get_by_label("Amount validated (£)").fill("15000")
    champion_page.get_by_role("button", name="Validate saving").click()
    assert "cannot be more than the £12,000.00 claimed" in (
        champion_page.locator(".nhsuk-error-summary").inner_text()
    )
    champion_page.get_by_label("Amount validated (£)").fill("9000")
    champion_page.get_by_label("Note").fill("Nine months of the year at the new price.")
    champion_page.get_by_role("button", name="Validate saving").click()
    assert (
        "£9,000.00 by Chris Okoro"
        in champion_page.locator("#savings + .nhsuk-scroll table").inner_text()
    )
    assert_accessible(champion_page)

    saving = Saving.objects.get(project=project)
    assert (saving.validated_amount, saving.validated_by) == (Decimal("9000"), champion)
    staff_page.reload()
    assert (
        "£9,000.00 by Chris Okoro"
        in staff_page.locator("#savings + .nhsuk-scroll table").inner_text()
    )

    # The validated saving now counts in the department's impact.
    champion_page.goto("/impact/")
    validated = champion_page.locator(".nhsuk-summary-list__row", has_text="Savings validated")
    assert "£9,000.00 a year recurring (1 saving)" in validated.inner_text()
    assert_accessible(champion_page)
    staff_context.close()
    champion_context.close()


def test_team_records_impact_and_a_pdsa_cycle(page, project):
    Measure.objects.create(project=project, name="Omitted doses", kind=Measure.Kind.OUTCOME)
    sign_in(page, "staff", PASSWORD)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Record impact").click()
    page.get_by_label("Staff time saved (hours a month)").fill("-3")
    page.get_by_role("button", name="Save impact").click()
    assert "Time saved cannot be negative" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Staff time saved (hours a month)").fill("6")
    page.get_by_label("Number of patients affected").fill("120")
    page.get_by_label("Safety").check()
    page.get_by_role("button", name="Save impact").click()
    assert "6 hours a month" in page.locator("#impact + dl").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Add a PDSA cycle").click()
    page.get_by_label("Change idea").fill("Red aprons on drug rounds")
    fill_date(page, "Start date", "2026-03-02")
    fill_date(page, "End date", "2026-03-01")
    page.get_by_label("Omitted doses").check()
    page.get_by_role("button", name="Save PDSA cycle").click()
    assert "must end on or after" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    fill_date(page, "End date", "2026-03-16")
    page.get_by_label("Adapt").check()
    page.get_by_role("button", name="Save PDSA cycle").click()
    assert page.locator("h1").inner_text() == "Red aprons on drug rounds"
    assert "Omitted doses" in page.locator(".nhsuk-summary-list").inner_text()
    assert_accessible(page)
    cycle = PDSACycle.objects.get(project=project)
    assert (cycle.number, cycle.act, cycle.created_by) == (1, "adapt", project.lead)
