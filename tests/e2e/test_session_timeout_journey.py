"""The session timeout warning in a real browser (static/js/session-timeout.js).

The idle limit is set to one minute, so the warning opens 30 seconds before the end; time is
moved by editing the activity stamp in the session row before a page is opened (a stamp under
a minute old is not moved by the request that opens it). Where the page must wait for its own
timers, the server's time and the page's clock (Playwright's) are moved on together, instead of
waiting for them.
"""

import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from qiregister.security import ACTIVE_AT
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def idle_for(page, seconds: int) -> None:
    """Pretend this browser's session was last used `seconds` ago."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)
    session[ACTIVE_AT] = int(time.time()) - seconds
    session.save()


def active_at(page) -> int:
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=key)[ACTIVE_AT]


@pytest.fixture
def one_minute_sessions(settings):
    settings.QIREGISTER_SESSION_IDLE_MINUTES = 1


def test_the_warning_opens_before_the_end_and_stay_signed_in_renews(
    page, staff, project, one_minute_sessions
):
    sign_in(page, "staff", PASSWORD)
    idle_for(page, 45)
    page.goto(reverse("projects:edit", args=[project.pk]))
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    dialog.wait_for(state="visible", timeout=10_000)
    assert "For your security, we will sign you out in" in dialog.inner_text()
    stay = dialog.get_by_role("button", name="Stay signed in")
    assert stay.evaluate("button => document.activeElement === button")
    assert_accessible(page)

    stay.click()
    dialog.wait_for(state="hidden")
    assert time.time() - active_at(page) < 5
    # The notice without JavaScript now gives the new time too.
    assert page.get_by_text("you will be signed out if you do nothing on this page").is_visible()


def test_when_the_session_ends_the_page_and_its_text_stay_to_copy(
    page, staff, project, one_minute_sessions
):
    sign_in(page, "staff", PASSWORD)
    # 35 seconds left: time to type before the warning opens, 30 seconds before the end.
    idle_for(page, 25)
    page.clock.install()
    page.goto(reverse("projects:edit", args=[project.pk]))
    problem = page.get_by_label("Problem and background")
    problem.fill("Half an hour of typing that must not be lost")
    # Six seconds on: 29 seconds left, and the page's timer asks the server how long is left.
    idle_for(page, 31)
    page.clock.run_for(6_000)
    page.get_by_role("dialog", name="You're about to be signed out").wait_for(timeout=15_000)
    # Past the end: the countdown reaches nought, and the page asks the server again.
    idle_for(page, 61)
    page.clock.run_for(32_000)
    signed_out = page.get_by_role("dialog", name="You have been signed out")
    signed_out.wait_for(state="visible", timeout=15_000)
    assert "copy it before you sign in again" in signed_out.inner_text()
    assert_accessible(page)

    signed_out.get_by_role("button", name="Copy my text first").click()
    signed_out.wait_for(state="hidden")
    assert problem.input_value() == "Half an hour of typing that must not be lost"
    # The server did sign the session out.
    page.goto(reverse("home"))
    assert "/login/" in page.url
