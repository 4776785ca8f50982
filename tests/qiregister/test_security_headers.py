"""Security headers, session timeouts and sign-in lockout, through the web.

Headers: every response carries the Content-Security-Policy and Permissions-Policy (normal
pages, the admin, errors); production settings add HSTS and Secure cookies. Sessions end when
idle or too old (time is moved by editing the stamps the session carries). Repeated wrong
passwords for one username from one address pause signing in with it from there (the policy's
own tests are in test_sign_in_lockout.py), and every sign-in, failure and lockout is logged
without the password.
"""

import datetime as dt
import json
import logging
import time
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiregister.security import ACTIVE_AT, SIGNED_IN_AT
from tests.factories import PASSWORD
from tests.helpers import environment_without, run_manage

EXPECTED_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
STRONG_KEY = "k" * 20 + "3fJ9@x!Qz7#Lp2$Wm8^Rt5&Yv1*Nb6(Hc4)"
WRONG = "not-the-password"


def csp_directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def assert_security_headers(response) -> None:
    assert csp_directives(response) == EXPECTED_CSP
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert "fullscreen=(self)" in policy  # the QI board's display mode
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- Headers ------------------------------------------------------------------------------------


def test_a_signed_in_page_carries_every_security_header(client_for, staff):
    response = client_for(staff).get(reverse("home"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_admin_sign_in_page_carries_every_security_header(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_an_admin_change_list_carries_every_security_header(client_for, admin):
    response = client_for(admin).get("/admin/auth/user/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_404_carries_every_security_header(client_for, staff):
    response = client_for(staff).get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_pages_have_no_inline_script_or_style(client_for, staff, project):
    # The policy would block them; the browser test (tests/e2e/test_csp.py) checks the rest.
    client = client_for(staff)
    for url in (reverse("home"), reverse("projects:register"), project.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<style" not in html
        assert " style=" not in html
        for tag in html.split("<script")[1:]:
            assert tag.split(">", 1)[0].count("src=") == 1, tag[:80]


def test_htmx_is_told_not_to_inject_its_indicator_style(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html


# --- Production settings ------------------------------------------------------------------------

# Runs in a child process with production variables: signs in through the form over HTTPS
# and reports the headers and cookie flags it got.
PRODUCTION_PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="qi.example.nhs.uk")
plain = client.get("/login/")
page = client.get("/login/", secure=True)
signed_in = client.post("/login/", {"username": "staff", "password": PASSWORD}, secure=True)
def flags(morsel):
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"], "persistent": bool(morsel["expires"])}
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "signed_in_status": signed_in.status_code,
    "headers": {name: page.get(name) for name in (
        "Strict-Transport-Security", "Content-Security-Policy", "Permissions-Policy",
        "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")},
    "csrf_cookie": flags(page.cookies["csrftoken"]),
    "session_cookie": flags(signed_in.cookies["sessionid"]),
}))
"""


def database_url() -> str:
    """The test database as a URL, for a child process to share it."""
    db = django_settings.DATABASES["default"]
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_production_settings_send_hsts_and_secure_httponly_samesite_cookies(
    settings, staff, collected_static
):
    # The child process uses the default (slow, real) password hashers, not the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    staff.user.set_password(PASSWORD)
    staff.user.save(update_fields=["password"])
    env = {
        **environment_without("DJANGO_", "QIREGISTER_"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "qi.example.nhs.uk",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
    }
    script = f"PASSWORD = {PASSWORD!r}\n" + PRODUCTION_PROBE
    result = run_manage("shell", "--no-imports", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])

    assert probe["plain_status"] == 301
    assert probe["plain_location"] == "https://qi.example.nhs.uk/login/"
    assert probe["signed_in_status"] == 302
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert {p.strip() for p in headers["Content-Security-Policy"].split(";")} == EXPECTED_CSP
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    secure_lax = {"secure": True, "httponly": True, "samesite": "Lax"}
    # The session cookie goes when the browser closes (the server ends it sooner when idle).
    assert probe["session_cookie"] == secure_lax | {"persistent": False}
    assert probe["csrf_cookie"] == secure_lax | {"persistent": True}


# `manage.py check --deploy --fail-level WARNING` with production variables: tests/qiregister/
# test_settings.py::test_deploy_check_passes_with_production_settings.


def test_a_session_timeout_below_one_minute_refuses_to_start():
    result = run_manage(
        "check",
        env={**environment_without("QIREGISTER_"), "QIREGISTER_SESSION_IDLE_MINUTES": "0"},
    )
    assert result.returncode != 0
    assert "QIREGISTER_SESSION_IDLE_MINUTES" in result.stderr


# --- Session timeouts ---------------------------------------------------------------------------


def move_session_stamps(client, **seconds_ago: int) -> None:
    """Pretend the sign-in or the last activity happened that many seconds ago."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "active": ACTIVE_AT}[key]] = now - ago
    session.save()


def test_a_session_used_within_the_idle_limit_stays_signed_in(client_for, staff):
    client = client_for(staff)
    move_session_stamps(client, active=59 * 60)
    response = client.get(reverse("projects:register"))
    assert response.status_code == 200
    # ...and the activity stamp moved on, so the next hour starts now.
    assert time.time() - client.session[ACTIVE_AT] < 5


def test_an_idle_session_is_signed_out_with_a_message(client_for, staff, caplog):
    client = client_for(staff)
    move_session_stamps(client, active=61 * 60)
    with caplog.at_level(logging.INFO, logger="qiregister.security"):
        response = client.get(reverse("projects:register"), follow=True)
    assert response.redirect_chain[0] == (f"{reverse('login')}?next=/projects/", 302)
    assert "not used for 60 minutes" in response.content.decode()
    assert "Session ended (idle): username='staff'" in caplog.text
    assert client.get(reverse("home")).status_code == 302  # the session is gone


def test_a_session_is_signed_out_after_the_absolute_limit_even_when_active(client_for, staff):
    client = client_for(staff)
    move_session_stamps(client, signed_in=10 * 3600 + 60, active=10)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "signed in more than 10 hours ago" in response.content.decode()


def test_the_idle_limit_comes_from_settings(client_for, staff, settings):
    settings.QIREGISTER_SESSION_IDLE_MINUTES = 5
    client = client_for(staff)
    move_session_stamps(client, active=6 * 60)
    assert client.get(reverse("home")).status_code == 302


def session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in query["sql"] for query in queries.captured_queries)


def test_an_active_session_is_written_at_most_once_a_minute(client_for, staff):
    # Not on every request, as SESSION_SAVE_EVERY_REQUEST would: only when the activity stamp
    # is a minute old does a request move it (and save the session).
    client = client_for(staff)
    move_session_stamps(client, active=30)
    assert session_writes(client, reverse("home")) == 0
    move_session_stamps(client, active=90)
    assert session_writes(client, reverse("home")) == 1
    assert session_writes(client, reverse("home")) == 0


def test_a_session_without_stamps_is_signed_out(client_for, staff):
    # Sessions from before the timeouts existed carry no stamps: they are treated as too old.
    client = client_for(staff)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_pages_open_without_a_login_still_work_after_a_timeout(client_for, staff):
    client = client_for(staff)
    move_session_stamps(client, active=2 * 3600)
    assert client.get(reverse("accessibility")).status_code == 200


# --- Sign-in throttling and lockout -------------------------------------------------------------


def sign_in(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_username_out_from_that_address(client, staff):
    for _ in range(4):
        response = sign_in(client, "staff", WRONG)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = sign_in(client, "staff", WRONG)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Signing in is paused" in html
    assert "paused for 15 minutes" in html
    assert_security_headers(response)


def test_a_locked_out_username_cannot_sign_in_even_with_the_right_password(client, staff):
    for _ in range(5):
        sign_in(client, "staff", WRONG)
    response = sign_in(client, "staff", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(client, staff, champion):
    for _ in range(5):
        sign_in(client, "staff", WRONG)
    # The same person from another address, and another person from this one, sign in.
    assert sign_in(client, "staff", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302
    client.logout()
    assert sign_in(client, "champion", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, staff):
    for _ in range(5):
        sign_in(client, "staff", WRONG)
    AccessAttempt.objects.filter(username="staff").update(
        attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    )
    assert sign_in(client, "staff", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_failure_count(client, staff):
    for _ in range(4):
        sign_in(client, "staff", WRONG)
    assert sign_in(client, "staff", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "staff", WRONG).status_code == 200


def test_the_failure_limit_comes_from_settings(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert sign_in(client, "staff", WRONG).status_code == 200
    assert sign_in(client, "staff", WRONG).status_code == 429


def test_the_admin_sign_in_page_locks_out_too(client, admin):
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "admin", "password": WRONG}
        )
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(client, staff, settings):
    # A client can forge the left of X-Forwarded-For but not the entry the proxy appends.
    settings.QIREGISTER_BEHIND_PROXY = True
    for forged in range(4):
        sign_in(client, "staff", WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.9")
    response = sign_in(client, "staff", WRONG, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    # Someone else behind another address is not locked out.
    elsewhere = sign_in(client, "staff", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert elsewhere.status_code == 302


def test_sign_ins_failures_and_lockouts_are_logged_without_the_password(client, staff, caplog):
    with caplog.at_level(logging.INFO, logger="qiregister.security"):
        sign_in(client, "staff", PASSWORD)
        client.post(reverse("logout"))
        for _ in range(5):
            sign_in(client, "staff", WRONG)
    lines = [r.getMessage() for r in caplog.records if r.name == "qiregister.security"]
    assert lines[0] == "Signed in: username='staff' ip=127.0.0.1"
    assert lines[1] == "Signed out: username='staff' ip=127.0.0.1"
    assert lines.count("Sign-in failed: username='staff' ip=127.0.0.1") == 5
    locked = [line for line in lines if line.startswith("Sign-in locked out")]
    # This browser signed in as staff first, so it holds staff's device cookie.
    assert locked[0].startswith(
        "Sign-in locked out: username='staff' ip=127.0.0.1 browser=trusted "
        "(failure 5, paused for 15 minutes until "
    )
    failures = [r for r in caplog.records if r.getMessage().startswith("Sign-in failed")]
    assert {r.levelname for r in failures} == {"WARNING"}
    assert WRONG not in caplog.text
    assert PASSWORD not in caplog.text


def test_a_username_cannot_forge_a_log_line(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="qiregister.security"):
        sign_in(client, "x\nSigned in: username='admin'", WRONG)
    messages = [r.getMessage() for r in caplog.records if r.name == "qiregister.security"]
    assert all("\n" not in message for message in messages)
