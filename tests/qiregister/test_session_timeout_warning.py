"""Warning before the idle timeout signs someone out mid-form, through the web.

Time is moved by editing the stamps the session carries, as in test_security_headers.py. A page
with a form says, without JavaScript, until when the session lasts if nothing happens; the
warning's script asks how long is left (which is not activity) and renews the session when
someone chooses "Stay signed in".
"""

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiregister.security import ACTIVE_AT, KEPT_FORM, SIGNED_IN_AT
from tests.factories import PASSWORD


def move_session_stamps(client, **seconds_ago: int) -> int:
    """Pretend the sign-in or the last activity happened that many seconds ago; returns now."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "active": ACTIVE_AT}[key]] = now - ago
    session.save()
    return now


def local_time(epoch: float) -> str:
    return timezone.localtime(dt.datetime.fromtimestamp(epoch, tz=dt.UTC)).strftime("%H:%M")


@pytest.fixture
def edit_path(project):
    return reverse("projects:edit", args=[project.pk])


def test_a_form_page_says_until_when_an_idle_session_lasts(client_for, staff, edit_path):
    client = client_for(staff)
    # 30 seconds ago: too recent for this request to move the stamp.
    now = move_session_stamps(client, active=30)
    html = client.get(edit_path).content.decode()
    until = local_time(now - 30 + 60 * 60)
    assert (
        "For your security, you will be signed out if you do nothing on this page until "
        f"<span data-qi-session-ends-at>{until}</span>."
    ) in html


def test_the_notice_follows_the_idle_limit_setting(client_for, staff, edit_path, settings):
    settings.QIREGISTER_SESSION_IDLE_MINUTES = 15
    client = client_for(staff)
    now = move_session_stamps(client, active=10)
    assert local_time(now - 10 + 15 * 60) in client.get(edit_path).content.decode()


def test_near_the_absolute_limit_the_notice_says_when_and_why(client_for, staff, edit_path):
    client = client_for(staff)
    now = move_session_stamps(client, signed_in=10 * 3600 - 20 * 60, active=10)
    html = client.get(edit_path).content.decode()
    assert (
        f"you will be signed out at {local_time(now + 20 * 60)}, 10 hours after you signed in"
    ) in html


def test_a_page_without_a_form_has_no_notice(client_for, staff):
    html = client_for(staff).get(reverse("home")).content.decode()
    assert "you will be signed out" not in html
    assert "session-timeout.js" not in html


def test_the_sign_in_form_has_no_notice(client):
    assert "you will be signed out" not in client.get(reverse("login")).content.decode()


def test_the_warning_is_a_static_script_with_a_dialog_and_no_inline_script(
    client_for, staff, edit_path
):
    html = client_for(staff).get(edit_path).content.decode()
    assert '<script type="module" src="/static/js/session-timeout.js"></script>' in html
    assert 'aria-labelledby="qi-timeout-heading"' in html
    assert "Stay signed in" in html
    assert 'aria-live="polite"' in html
    assert f'data-status-url="{reverse("session_status")}"' in html


def test_asking_how_long_is_left_does_not_count_as_activity(client_for, staff):
    client = client_for(staff)
    now = move_session_stamps(client, active=20 * 60)
    response = client.get(reverse("session_status"))
    assert response.status_code == 200
    assert 40 * 60 - 5 <= response.json()["seconds_left"] <= 40 * 60
    assert response.json()["reason"] == "idle"
    assert response.json()["warn_seconds"] == 120
    assert response.json()["ends_at"] == local_time(now - 20 * 60 + 3600)
    assert client.session[ACTIVE_AT] == now - 20 * 60  # unchanged
    assert "no-store" in response["Cache-Control"]


def test_stay_signed_in_renews_the_session(client_for, staff):
    client = client_for(staff)
    move_session_stamps(client, active=58 * 60)
    response = client.post(reverse("session_renew"))
    assert response.status_code == 200
    assert response.json()["seconds_left"] >= 60 * 60 - 5
    assert time.time() - client.session[ACTIVE_AT] < 5


def test_stay_signed_in_cannot_renew_past_the_absolute_limit(client_for, staff):
    client = client_for(staff)
    move_session_stamps(client, signed_in=10 * 3600 - 90, active=30)
    response = client.post(reverse("session_renew"))
    assert response.json()["reason"] == "absolute"
    assert response.json()["seconds_left"] <= 90


def test_stay_signed_in_needs_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff.user)
    assert client.post(reverse("session_renew")).status_code == 403


def test_once_the_session_has_ended_the_answer_is_the_sign_in_page(client_for, staff):
    client = client_for(staff)
    move_session_stamps(client, active=61 * 60)
    response = client.get(reverse("session_status"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("session_renew")).status_code == 302


# --- A form sent after the session ended ------------------------------------------------------


def sign_in(client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_form_sent_after_the_session_ended_is_shown_after_signing_in_again(
    client_for, staff, edit_path
):
    client = client_for(staff)
    move_session_stamps(client, active=61 * 60)
    response = client.post(
        edit_path,
        {"title": "Falls audit", "problem": "Two hours of <careful> typing", "version": "3"},
        HTTP_REFERER=f"http://testserver{edit_path}",
        follow=True,
    )
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "After you sign in, it is shown on the page" in response.content.decode()

    sign_in(client, "staff")
    html = client.get(edit_path).content.decode()
    assert "What you sent before you were signed out" in html
    assert "Two hours of &lt;careful&gt; typing" in html
    assert "Falls audit" in html
    assert ">3</textarea>" not in html  # numbers (the version) are not kept
    # Shown once.
    assert "Two hours of" not in client.get(edit_path).content.decode()


def test_someone_else_signing_in_on_the_same_browser_never_sees_it(
    client_for, staff, manager, edit_path
):
    client = client_for(staff)
    move_session_stamps(client, active=61 * 60)
    client.post(edit_path, {"problem": "Private thoughts about the ward"})
    sign_in(client, "manager")
    assert "Private thoughts" not in client.get(reverse("home")).content.decode()
    client.logout()
    sign_in(client, "staff")
    assert "Private thoughts" not in client.get(edit_path).content.decode()


def test_a_password_sent_after_the_session_ended_is_never_kept(client_for, staff):
    client = client_for(staff)
    move_session_stamps(client, active=61 * 60)
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Horse-battery-9", "new_password2": "x"},
    )
    assert KEPT_FORM not in client.session
