"""`make bench`: the register's latency on a large register, relative to /healthz.

Seeds 5,000 people and 100,000 projects once (into QIREGISTER_DATA_DIR, default .data-bench,
or DATABASE_URL when set), serves the app with gunicorn and production settings, signs in, and
prints the median latency of each page next to the median of /healthz measured in the same run.
Ratios, not milliseconds, are what to compare between machines.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "5000"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
PASSWORD = "bench-password-2026"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QIREGISTER_DATA_DIR", str(ROOT / ".data-bench"))
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            # BASE is a constant http://127.0.0.1 URL: no file: or custom scheme can reach it.
            urllib.request.urlopen(f"{BASE}/healthz", timeout=2)  # nosec B310
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz")


def signed_in_opener() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": "staff", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{BASE}/login/", data=data, headers={"Referer": BASE})
    opener.open(request)
    home = opener.open(f"{BASE}/").read().decode()
    if "Hello," not in home:
        raise SystemExit("could not sign in as staff")
    return opener


def timed(opener, path: str) -> float:
    start = time.perf_counter()
    with opener.open(f"{BASE}{path}") as response:
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    return time.perf_counter() - start


def seed(env) -> None:
    """Migrate and seed the large register once (later runs only check), ready to serve.

    `make load` (load/run.py) reuses this, so both measure the same database.
    """
    print(f"Database: {env.get('DATABASE_URL') or env['QIREGISTER_DATA_DIR']}")
    manage(env, "migrate", "--no-input", "-v", "0")
    started = time.monotonic()
    manage(
        env,
        "seed_demo",
        "--password",
        PASSWORD,
        "--people",
        str(PEOPLE),
        "--projects",
        str(PROJECTS),
    )
    print(f"Seeding (or checking) took {time.monotonic() - started:.0f} s")
    # Fresh bulk inserts leave no statistics or visibility map until autovacuum comes round.
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
    )
    manage(env, "collectstatic", "--no-input", "-v", "0")


def main() -> None:
    env = environment()
    seed(env)
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "qiregister.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up()
        opener = signed_in_opener()
        project_id = re.search(
            r'href="/projects/(\d+)/"', opener.open(f"{BASE}/projects/").read().decode()
        ).group(1)
        pages = {
            "/healthz": "/healthz",
            "register": "/projects/",
            "search": "/projects/?q=omitted+critical+medicines",
            "filtered": "/projects/?stage=testing&open_tasks=on&max_hours=2&sort=title",
            "project": f"/projects/{project_id}/",
        }
        timings = {name: [] for name in pages}
        for _ in range(3):  # warm up
            for path in pages.values():
                timed(opener, path)
        for _ in range(ROUNDS):  # interleaved, so every page sees the same machine load
            for name, path in pages.items():
                timings[name].append(timed(opener, path))
    finally:
        server.terminate()
        server.wait(timeout=30)

    base = statistics.median(timings["/healthz"])
    print(f"\n{PROJECTS:,} projects, {PEOPLE:,} people, {ROUNDS} rounds, medians:")
    print(f"{'page':<10} {'median ms':>10} {'x /healthz':>11}  path")
    for name, path in pages.items():
        median = statistics.median(timings[name])
        print(f"{name:<10} {median * 1000:>10.1f} {median / base:>11.1f}  {path}")


if __name__ == "__main__":
    main()
