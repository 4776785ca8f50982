import pytest
from django.core import mail

from projects.models import Project
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_proposal_is_sent_back_resubmitted_and_approved(browser, live_server, staff, champion):
    def as_user(username):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        sign_in(page, username, PASSWORD)
        return context, page

    staff_context, staff_page = as_user("staff")
    staff_page.goto("/projects/new/")
    staff_page.get_by_label("Title").fill("Safer warfarin counselling at discharge")
    staff_page.get_by_label("Aim statement").fill("Counsel 95% of new warfarin patients by June.")
    staff_page.get_by_label("Problem and background").fill("Half go home uncounselled.")
    staff_page.get_by_label("Acute medicine").check()
    staff_page.get_by_role("button", name="Submit for review").click()
    project = Project.objects.get(title__startswith="Safer warfarin")

    champion_context, champion_page = as_user("champion")
    champion_page.get_by_role("link", name="Review", exact=True).click()
    assert_accessible(champion_page)
    champion_page.get_by_role("link", name=str(project)).click()
    champion_page.get_by_label("Request changes").check()
    champion_page.get_by_role("button", name="Record decision").click()
    assert "Say what needs to change" in champion_page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(champion_page)
    champion_page.get_by_label("Comment for the lead").fill("Add how you will measure it.")
    champion_page.get_by_role("button", name="Record decision").click()

    staff_page.goto(f"/projects/{project.pk}/")
    assert (
        "Add how you will measure it." in staff_page.locator(".nhsuk-inset-text").first.inner_text()
    )
    staff_page.get_by_role("button", name="Resubmit for review").click()
    assert "submitted for review" in staff_page.content()

    champion_page.goto(f"/review/{project.pk}/")
    champion_page.get_by_label("Approve").check()
    champion_page.get_by_role("button", name="Record decision").click()

    staff_page.goto(f"/projects/{project.pk}/")
    assert staff_page.locator("h1 + p").inner_text().startswith("Planning")
    mentor_row = staff_page.locator(".nhsuk-summary-list__row", has_text="Mentor")
    assert "Chris Okoro" in mentor_row.inner_text()
    assert_accessible(staff_page)
    subjects = [message.subject for message in mail.outbox if staff.email in message.to]
    assert any(subject.startswith("QI Register: Approved") for subject in subjects)
    staff_context.close()
    champion_context.close()
