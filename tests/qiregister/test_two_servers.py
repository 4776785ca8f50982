"""Two app servers, one database, one media store: whichever server a request reaches, the
user is signed in and sees the same uploads, so a load balancer needs no sticky sessions.

Two gunicorn processes on two ports share the test database (a transactional test, so they see
its rows), the secret key and MEDIA_ROOT (a shared volume here; an S3 bucket works the same way
through the storage API: tests/qiregister/test_media_storage.py). They run with debug on, which
only changes how static files are found, not where sessions and uploads live.
"""

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from PIL import Image

from recognition.models import Poster
from tests.helpers import ROOT, environment_without
from tests.qiregister.test_security_headers import STRONG_KEY, database_url
from tests.resilience.test_database_restart import free_port

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

PASSWORD = "two-servers-2026"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def start_gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "qiregister.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(process: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(base + "/healthz", timeout=5).raise_for_status()
            return
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gunicorn did not start: {process.communicate()[0]}")
            time.sleep(0.2)


@pytest.fixture
def servers(transactional_db, media_root: Path) -> tuple[str, str]:
    """Two gunicorn processes configured alike, started together; their base URLs. They stop
    before the test database is emptied for the next test."""
    env = {
        **environment_without("DJANGO_", "QIREGISTER_", "AWS_", "DATABASE_", "MEDIA_ROOT"),
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url(),
        # No connection outlives its request, so nothing holds the test database open.
        "DATABASE_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media_root),
    }
    started = [start_gunicorn(env) for _ in range(2)]
    try:
        for process, base in started:
            wait_until_up(process, base)
        yield tuple(base for _, base in started)
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=30)


@pytest.fixture
def lead(settings, staff):
    """`staff`, the lead of `project`, with a password the servers can check (the servers use
    the real hashers, not the tests' MD5)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    staff.user.set_password(PASSWORD)
    staff.user.save(update_fields=["password"])
    return staff


def csrf_token(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, url
    return CSRF_TOKEN.search(page.text).group(1)


def sign_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    token = csrf_token(browser, base + "/login/")
    response = browser.post(
        base + "/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return browser


def with_session_of(browser: requests.Session) -> requests.Session:
    """Another browser holding only the session cookie `browser` got (cookies name no port,
    so a browser would send it to both servers anyway; here it is done on purpose)."""
    other = requests.Session()
    other.cookies.set("sessionid", browser.cookies["sessionid"], domain="127.0.0.1")
    return other


def is_signed_in(browser: requests.Session, base: str) -> bool:
    response = browser.get(base + "/", allow_redirects=False, timeout=30)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login/")
        return False
    assert response.status_code == 200
    return True


def poster_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_session_started_on_one_server_is_signed_in_on_the_other(servers, lead):
    server_a, server_b = servers
    on_a = sign_in(server_a, "staff")
    on_b = with_session_of(on_a)

    assert not is_signed_in(requests.Session(), server_b)  # without the cookie: the sign-in page
    assert is_signed_in(on_b, server_b)
    assert "Sam Taylor" in on_b.get(server_b + "/", timeout=30).text
    # Kept in the database, where every server finds it.
    assert Session.objects.filter(session_key=on_a.cookies["sessionid"]).exists()

    # Signing out on B ends the session on A too.
    token = csrf_token(on_b, server_b + "/")
    signed_out = on_b.post(
        server_b + "/logout/", data={"csrfmiddlewaretoken": token}, allow_redirects=False
    )
    assert signed_out.status_code == 302
    assert not is_signed_in(on_a, server_a)


def test_a_poster_uploaded_on_one_server_is_served_by_the_other(servers, lead, project):
    server_a, server_b = servers
    on_a = sign_in(server_a, "staff")
    upload_page = f"/projects/{project.pk}/poster/"
    response = on_a.post(
        server_a + upload_page,
        data={"csrfmiddlewaretoken": csrf_token(on_a, server_a + upload_page)},
        files={"file": ("Ward poster.png", poster_png(), "image/png")},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:500]
    poster = Poster.objects.get(project=project)

    on_b = with_session_of(on_a)
    for kind, field in (("file", poster.file), ("thumbnail", poster.thumbnail)):
        with default_storage.open(field.name, "rb") as stored:
            kept = stored.read()
        from_b = on_b.get(f"{server_b}/projects/{project.pk}/poster/{kind}/", timeout=30)
        assert from_b.status_code == 200, kind
        assert from_b.content == kept
        assert on_a.get(f"{server_a}/projects/{project.pk}/poster/{kind}/").content == kept
