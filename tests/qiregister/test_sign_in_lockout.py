"""The sign-in lockout: slow guessing that nobody can turn into a lock-out
for ever, through the web.

The attacker and the victim share one address (127.0.0.1 here, a trust's NAT address in
life). Time passes by moving the failure records back, as the clock would.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connections
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiregister.lockout import DEVICE_COOKIE
from tests.factories import PASSWORD

WRONG = "not-the-password"


def sign_in(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def rewind(**delta) -> None:
    """Time passes: every failure recorded happened that much earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(**delta))


def pause_staff(client) -> None:
    for _ in range(4):
        assert sign_in(client, "staff", WRONG).status_code == 200
    assert sign_in(client, "staff", WRONG).status_code == 429


@pytest.fixture
def victim(staff):
    """Sam's own browser: Sam has signed in with it before, so it holds a device cookie."""
    browser = Client()
    assert sign_in(browser, "staff", PASSWORD).status_code == 302
    browser.post(reverse("logout"))
    assert DEVICE_COOKIE in browser.cookies
    return browser


def test_tries_during_the_pause_neither_count_nor_make_it_longer(client, staff):
    pause_staff(client)
    before = AccessAttempt.objects.values_list("failures_since_start", "attempt_time").get()
    for password in [WRONG] * 15 + [PASSWORD] * 5:
        assert sign_in(client, "staff", password).status_code == 429
    assert AccessAttempt.objects.values_list("failures_since_start", "attempt_time").get() == (
        before
    )
    rewind(minutes=15, seconds=1)
    assert sign_in(client, "staff", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("failure", "pause", "said"),
    [
        (5, 15, "15 minutes"),
        (6, 30, "30 minutes"),
        (7, 60, "1 hour"),
        (8, 120, "2 hours"),
        (9, 240, "4 hours"),
        (10, 240, "4 hours"),  # the longest pause
    ],
)
def test_each_failure_after_the_limit_waits_at_least_the_stated_pause(
    client, staff, failure, pause, said
):
    pause_staff(client)
    for _ in range(failure - 5):  # each earlier pause waited out, then one more wrong password
        rewind(minutes=240, seconds=1)
        assert sign_in(client, "staff", WRONG).status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == failure
    rewind(minutes=pause - 1)
    # A minute before the end, even the right password is refused; the page says how long.
    response = sign_in(client, "staff", PASSWORD)
    assert response.status_code == 429
    assert f"paused for {said}" in response.content.decode()
    rewind(minutes=1, seconds=1)
    assert sign_in(client, "staff", PASSWORD).status_code == 302


def test_the_lockout_page_says_when_to_try_again(client, staff):
    pause_staff(client)
    response = sign_in(client, "staff", WRONG)
    assert response.status_code == 429
    ends = timezone.localtime(AccessAttempt.objects.get().attempt_time) + dt.timedelta(minutes=15)
    html = response.content.decode()
    assert f"until {ends:%H:%M} on {ends.day} {ends:%B}" in html
    assert "Trying again before then does not make the wait longer" in html
    assert 895 <= int(response["Retry-After"]) <= 900


def test_the_victims_own_browser_signs_in_while_the_attacker_is_paused(client, victim):
    pause_staff(client)  # the attacker, at the same address
    for _ in range(10):
        assert sign_in(client, "staff", WRONG).status_code == 429
    assert sign_in(victim, "staff", PASSWORD).status_code == 302
    # A browser Sam never signed in with is paused like the attacker's.
    assert sign_in(Client(), "staff", PASSWORD).status_code == 429


def test_a_trusted_browser_has_its_own_count_and_pauses_too(client, victim):
    for _ in range(4):
        assert sign_in(victim, "staff", WRONG).status_code == 200
    assert sign_in(victim, "staff", WRONG).status_code == 429  # guessing stays slow there too
    # Failures in Sam's browser do not pause anyone else's (nor the other way round).
    assert sign_in(client, "staff", PASSWORD).status_code == 302


def test_a_device_cookie_for_another_username_or_a_forged_one_does_not_help(
    client, staff, champion
):
    assert sign_in(client, "champion", PASSWORD).status_code == 302  # the attacker's own
    client.post(reverse("logout"))
    pause_staff(client)
    assert sign_in(client, "staff", PASSWORD).status_code == 429
    client.cookies[DEVICE_COOKIE] = "W1siYWJjIiwiZGV2aWNlIiwxXV0:forged:signature"
    assert sign_in(client, "staff", PASSWORD).status_code == 429


def test_the_device_cookie_is_signed_http_only_and_does_not_name_the_person(client, staff):
    sign_in(client, "staff", PASSWORD)
    cookie = client.cookies[DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 90 * 24 * 3600
    payload = cookie.value.split(":")[0]
    assert b"staff" not in base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))


def test_the_count_is_forgotten_a_day_after_the_last_failure(client, staff):
    pause_staff(client)
    rewind(hours=24, seconds=1)
    for _ in range(4):
        assert sign_in(client, "staff", WRONG).status_code == 200


def test_an_admin_can_still_end_a_pause_early(client, staff):
    pause_staff(client)
    call_command("axes_reset_username", "staff")
    assert sign_in(client, "staff", PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_simultaneous_guesses_gets_one_guess_through(staff):
    # Each try is counted before its password is checked, so guesses sent at the same moment
    # (as a pause ends) cannot all slip past the check.
    for _ in range(4):
        assert sign_in(Client(), "staff", WRONG).status_code == 200
    start = threading.Barrier(8)

    def guess(_) -> int:
        browser = Client()
        start.wait()
        return sign_in(browser, "staff", WRONG).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(guess, range(8)))
    connections.close_all()
    assert statuses == [429] * 8
    assert AccessAttempt.objects.get().failures_since_start == 5
