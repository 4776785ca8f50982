import pytest
from django.core import mail
from playwright.sync_api import expect

from projects.models import Project
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, ProjectFactory

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
    callout = staff_page.locator(".nhsuk-warning-callout").first.inner_text()
    assert "Changes requested: your action" in callout
    assert "Add how you will measure it." in callout
    assert "Changes requested" in staff_page.locator("h1 + p").inner_text()
    staff_page.get_by_role("button", name="Resubmit for review").click()
    expect(staff_page.locator("body")).to_contain_text("submitted for review")

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


def test_closure_report_is_sent_back_resubmitted_and_signed_off(
    browser, live_server, staff, champion, acute_medicine
):
    """The lead sends the report, the mentor finds it in the queue, sends it
    back with comments, the lead reworks it, and the mentor confirms the sign-off."""
    project = ProjectFactory(
        lead=staff,
        mentor=champion,
        stage="sustaining",
        title="Fewer omitted Parkinson's doses",
        clinical_areas=[acute_medicine],
    )

    def as_user(username):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        sign_in(page, username, PASSWORD)
        return context, page

    staff_context, staff_page = as_user("staff")
    staff_page.goto(f"/projects/{project.pk}/")
    staff_page.get_by_role("link", name="Write the closure report").click()
    staff_page.get_by_label("Outcomes against the aim").fill("Omitted doses fell from 12% to 4%.")
    staff_page.get_by_label("Impact").fill("Fewer missed Parkinson's doses.")
    staff_page.get_by_label("Lessons learned").fill("Start with one ward.")
    staff_page.get_by_label("How the change is sustained").fill("In the monthly ward audit.")
    staff_page.get_by_role("button", name="Send for sign-off").click()
    expect(staff_page.locator("body")).to_contain_text("sent for sign-off")

    champion_context, champion_page = as_user("champion")
    champion_page.goto("/me/")
    expect(champion_page.locator("body")).to_contain_text("Written, waiting for your sign-off")
    champion_page.get_by_role("link", name="Review", exact=True).click()
    champion_page.locator("#closure-reports ~ ul").get_by_role("link", name=str(project)).click()
    assert_accessible(champion_page)
    champion_page.get_by_role("link", name="Send it back to the lead").click()
    champion_page.get_by_role("button", name="Send it back").click()
    summary = champion_page.locator(".nhsuk-error-summary").inner_text()
    assert "Say what the lead should change" in summary
    assert_accessible(champion_page)
    champion_page.get_by_label("What should the lead change?").fill("Add the balancing measure.")
    champion_page.get_by_role("button", name="Send it back").click()

    staff_page.goto("/me/")
    expect(staff_page.locator("body")).to_contain_text("Closure report sent back: your action")
    staff_page.get_by_role("link", name="Edit and resubmit the closure report").click()
    expect(staff_page.locator("body")).to_contain_text("Add the balancing measure.")
    staff_page.get_by_label("Outcomes against the aim").fill(
        "Omitted doses fell from 12% to 4%; the huddle takes 3 minutes."
    )
    staff_page.get_by_role("button", name="Resubmit for sign-off").click()

    champion_page.goto(f"/projects/{project.pk}/closure/")
    champion_page.get_by_role("link", name="Sign off and complete the project").click()
    assert champion_page.locator("h1").inner_text().startswith("Sign off the closure report")
    assert_accessible(champion_page)
    project.refresh_from_db()
    assert project.stage == Project.Stage.SUSTAINING  # nothing happens before confirming
    champion_page.get_by_role("button", name="Sign off and complete the project").click()
    assert champion_page.locator("h1 + p").inner_text().startswith("Completed")
    project.refresh_from_db()
    assert project.stage == Project.Stage.COMPLETED
    subjects = [message.subject for message in mail.outbox]
    assert f"QI Register: Closure report to sign off: {project.reference}" in subjects
    assert f"QI Register: Closure report sent back: {project.reference}" in subjects
    staff_context.close()
    champion_context.close()
