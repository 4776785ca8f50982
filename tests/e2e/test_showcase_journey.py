import datetime as dt
import urllib.request

import pytest
from django.utils import timezone
from icalendar import Calendar

from recognition.models import ShowcaseSession, ShowcaseSlot
from tests.e2e.conftest import assert_accessible, fill_date, sign_in
from tests.factories import PASSWORD, ShowcaseSessionFactory, ShowcaseSlotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_champion_adds_a_session_a_lead_books_it_and_outlook_gets_the_calendar(
    browser, live_server, staff, champion, project
):
    def as_user(username):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        sign_in(page, username, PASSWORD)
        return context, page

    champion_context, champion_page = as_user("champion")
    champion_page.goto("/showcase/")
    assert_accessible(champion_page)
    champion_page.get_by_role("link", name="Add a session").click()
    champion_page.get_by_role("button", name="Add session").click()
    assert "Enter the date" in champion_page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(champion_page)
    day = timezone.localdate() + dt.timedelta(days=10)
    champion_page.get_by_label("Title").fill("Spring clinical update")
    fill_date(champion_page, "Date", day)
    champion_page.get_by_label("Start time").fill("13:30")
    champion_page.get_by_label("Place").fill("Pharmacy seminar room")
    champion_page.get_by_label("Number of slots").fill("4")
    champion_page.get_by_role("button", name="Add session").click()
    session = ShowcaseSession.objects.get()
    assert champion_page.url.endswith(f"/showcase/{session.pk}/")
    assert_accessible(champion_page)

    staff_context, staff_page = as_user("staff")
    staff_page.goto(f"/projects/{project.pk}/")
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name="Book a slot for the team").click()
    assert "Sam Taylor" in staff_page.locator("main form").inner_text()
    assert_accessible(staff_page)
    staff_page.get_by_label("Preferred slot").select_option(label="Slot 2 at 13:40")
    staff_page.get_by_role("button", name="Book the slot").click()
    assert "Slot 2 at 13:40 booked" in staff_page.locator(".nhsuk-inset-text").inner_text()
    assert_accessible(staff_page)

    champion_page.reload()
    champion_page.get_by_role("button", name="Confirm slot 2").click()
    assert ShowcaseSlot.objects.get().status == "confirmed"
    assert_accessible(champion_page)

    staff_page.goto("/showcase/")
    assert "Confirmed" in staff_page.locator("#maincontent").inner_text()
    assert_accessible(staff_page)
    staff_page.get_by_role("button", name="Make my calendar link").click()
    assert_accessible(staff_page)
    feed_url = staff_page.get_by_label("Calendar link").input_value()
    # What Outlook does: fetch the link with no session at all.
    with urllib.request.urlopen(feed_url) as response:  # noqa: S310 - the live test server
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        (event,) = Calendar.from_ical(response.read()).walk("VEVENT")
    assert project.reference in str(event["DESCRIPTION"])
    staff_context.close()
    champion_context.close()


def test_champion_cancels_a_booked_session_after_seeing_who_is_affected(
    page, staff, champion, project, pharmacy
):
    starts_at = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=10), dt.time(13, 0))
    )
    session = ShowcaseSessionFactory(
        department=pharmacy, title="Spring clinical update", starts_at=starts_at, slot_count=3
    )
    ShowcaseSlotFactory(session=session, position=2, project=project, presenters=[staff])

    sign_in(page, "champion", PASSWORD)
    page.goto(f"/showcase/{session.pk}/")
    page.get_by_role("link", name="Cancel session").click()
    bookings = page.get_by_role("table", name="Bookings that will be cancelled").inner_text()
    assert project.title in bookings
    assert "Sam Taylor" in bookings
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel the session").click()
    assert page.url.endswith("/showcase/")
    assert "told by email" in page.locator(".nhsuk-inset-text").inner_text()
    assert not ShowcaseSession.objects.exists()
    assert_accessible(page)
