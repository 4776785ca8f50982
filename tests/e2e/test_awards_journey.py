import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recognition.models import Nomination
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, AwardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def award(db):
    return AwardFactory(
        name="Trust Quality Award", deadline=timezone.localdate() + dt.timedelta(days=10)
    )


def test_staff_nominate_a_team_and_a_champion_records_the_win(
    browser, live_server, staff, champion, manager, project, award
):
    external_requests = []

    def as_user(username):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith(live_server.url)
                else external_requests.append(request.url)
            ),
        )
        sign_in(page, username, PASSWORD)
        return context, page

    staff_context, staff_page = as_user("staff")
    staff_page.goto("/awards/")
    expect(staff_page.locator("body")).to_contain_text("Closes in 10 days")
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name="Nominate for Trust Quality Award").click()
    team_name = staff_page.get_by_label("The team's name")
    assert not team_name.is_visible()  # revealed by the radio, with JavaScript
    staff_page.get_by_role("button", name="Submit nomination").click()
    summary = staff_page.locator(".nhsuk-error-summary").inner_text()
    assert "Choose who you are nominating" in summary
    assert "Write the citation" in summary
    assert_accessible(staff_page)

    staff_page.get_by_label("A team").check()
    assert team_name.is_visible()
    team_name.fill("Omitted doses team")
    members = staff_page.get_by_role("combobox", name="Members of the team")
    for typed, name in (("sam", "Sam Taylor"), ("mor", "Morgan Ellis")):  # searched, not listed
        members.press_sequentially(typed, delay=50)
        staff_page.get_by_role("option", name=name).click(timeout=5000)
    staff_page.get_by_label("Citation").fill("Halved omitted doses of critical medicines.")
    staff_page.get_by_role("button", name="Submit nomination").click()
    assert staff_page.locator("h1").inner_text() == "Omitted doses team"
    assert_accessible(staff_page)
    nomination = Nomination.objects.get()
    assert nomination.status == Nomination.Status.SUBMITTED

    champion_context, champion_page = as_user("champion")
    champion_page.goto("/nominations/")
    assert_accessible(champion_page)
    champion_page.get_by_label(
        "New status for Omitted doses team, Trust Quality Award"
    ).select_option("won")
    champion_page.get_by_role(
        "button", name="Update status for Omitted doses team, Trust Quality Award"
    ).click()
    assert "won" in champion_page.locator(".nhsuk-inset-text").first.inner_text()
    # Recording the status it already has: the error is by the field, with the summary.
    champion_page.goto(f"/nominations/{nomination.pk}/")
    champion_page.get_by_label("Status").select_option("won")
    champion_page.get_by_role("button", name="Update status").click()
    summary = champion_page.locator(".nhsuk-error-summary")
    assert "This nomination is already won" in summary.inner_text()
    assert "already won" in champion_page.locator("#id_status-error").inner_text()
    assert_accessible(champion_page)

    staff_page.goto(f"/people/{staff.pk}/")
    recognition = staff_page.locator("#recognition + ul").inner_text()
    assert "Won" in recognition
    assert "Trust Quality Award" in recognition
    assert_accessible(staff_page)
    # staff leads the project, but the team's win is the team's: not on the project's page.
    staff_page.goto(f"/projects/{project.pk}/")
    assert "No award nominations yet." in staff_page.locator("#recognition + p").inner_text()
    assert_accessible(staff_page)
    assert external_requests == []
    staff_context.close()
    champion_context.close()


def test_nominating_works_without_javascript(browser, live_server, staff, manager, award):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "manager", PASSWORD)
    page.goto(f"/awards/{award.pk}/nominate/")
    # Every nominee field shows, whatever the kind: only the chosen kind's are read.
    for label in ("The person", "The team's name", "The project"):
        assert page.get_by_label(label).is_visible()
    assert page.get_by_label("Members of the team").is_visible()
    page.get_by_label("A person").check()
    page.get_by_label("The person").fill("sam")
    page.locator("button[name=person_find]").click()  # the picker's search, posted back
    page.get_by_label("Sam Taylor").check()
    page.get_by_label("The team's name").fill("Ignored, as a person is nominated")
    page.get_by_label("Citation").fill("Runs the omitted doses audit every month.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("body")).to_contain_text("Draft saved")
    nomination = Nomination.objects.get()
    assert (nomination.person, nomination.team_name) == (staff, "")
    assert nomination.status == Nomination.Status.DRAFT
    context.close()
