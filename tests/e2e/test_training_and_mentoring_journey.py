import datetime as dt

import pytest
from django.utils import timezone

from people.models import Course, MentorRequest, TrainingSession
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_books_induction_and_asks_for_a_mentor(page, staff, champion):
    course = Course.objects.create(name="QI induction", level="induction", is_induction=True)
    TrainingSession.objects.create(
        course=course,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="Seminar room",
        capacity=5,
        trainer=champion,
    )
    sign_in(page, "staff", PASSWORD)
    page.goto("/me/")
    assert "QI induction is outstanding" in page.locator(".nhsuk-warning-callout").inner_text()
    page.get_by_role("link", name="Book a session").click()
    assert_accessible(page)
    page.get_by_role("button", name="Book").click()
    assert "You are booked on" in page.locator(".nhsuk-inset-text").inner_text()
    assert "4 of 5" in page.locator("table").inner_text()

    page.goto("/mentoring/")
    assert_accessible(page)
    page.get_by_role("link", name="Ask for a mentor").click()
    page.get_by_label("Message").fill("Help me plan my first project.")
    page.get_by_role("button", name="Send request").click()
    assert MentorRequest.objects.filter(mentee=staff, status="open").exists()
    assert_accessible(page)
