"""`make load`: 50 users of the four roles for 5 minutes against gunicorn and 100,000 projects.

Reuses `make bench`'s database and seeding (bench/run.py: QIREGISTER_DATA_DIR, default
.data-bench, or DATABASE_URL when set), serves the app with gunicorn (gthread workers) and
production settings on 127.0.0.1, runs load/locustfile.py headless, and writes locust's CSV and
HTML report, gunicorn's logs and a summary under .data/load/. Exits non-zero unless no request
failed, gunicorn's access log holds no 5xx and the 95th percentile of all requests is under
LOAD_P95_MS.

Environment: LOAD_USERS (50), LOAD_SPAWN_RATE (5 a second), LOAD_TIME (5m), LOAD_P95_MS (500),
LOAD_PORT (8766), LOAD_WORKERS (2, one per core) and LOAD_THREADS (4 per worker).
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402  (the seeding and settings `make bench` uses)

PYTHON = sys.executable
OUT = ROOT / ".data" / "load"
HOST = "127.0.0.1"
PORT = int(os.environ.get("LOAD_PORT", "8766"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "5"))
RUN_TIME = os.environ.get("LOAD_TIME", "5m")
P95_LIMIT_MS = float(os.environ.get("LOAD_P95_MS", "500"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "2"))
THREADS = int(os.environ.get("LOAD_THREADS", "4"))

# Usernames of each role in the seeded department, the demo login first. Staff are people who
# are neither champions, managers nor admins. Managers are those with a line manager's span of
# reports (at most 50): the seed's demo `manager` has over 600 direct reports at 5,000 people.
ACCOUNTS_SCRIPT = """
import json, os
from django.db.models import Count
from people.models import ChampionAssignment, Person

people = Person.objects.filter(user__is_active=True).order_by("pk")
champions = people.filter(pk__in=ChampionAssignment.objects.values("person"))
managers = people.annotate(span=Count("reports")).filter(
    span__gte=1, span__lte=50, user__is_staff=False
)
admins = people.filter(user__is_staff=True)
staff = (
    people.filter(user__is_staff=False, reports__isnull=True)
    .exclude(pk__in=champions.values("pk"))
)


def usernames(queryset, demo):
    names = list(queryset.values_list("user__username", flat=True)[:1000])
    return sorted(names, key=lambda name: name != demo)


accounts = {
    "staff": usernames(staff, "staff"),
    "champion": usernames(champions, "champion"),
    "manager": usernames(managers, "manager"),
    "admin": usernames(admins, "admin"),
}
with open(os.environ["LOAD_ACCOUNTS"], "w") as out:
    json.dump(accounts, out, indent=1)
print({role: len(names) for role, names in accounts.items()})
"""


def environment() -> dict[str, str]:
    env = bench.environment()
    # Joining and claiming email the lead: render the mail, send it nowhere.
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env["LOAD_ACCOUNTS"] = str(OUT / "accounts.json")
    env["LOAD_PAGES_SUMMARY"] = str(OUT / "pages.json")
    return env


def get(path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def wait_until_up(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz")


def check_sign_in(username: str) -> None:
    """One sign-in before the run: a wrong password fails here once, not 50 times under load
    (which would also feed the login throttle)."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=10)
    try:
        connection.request("GET", "/login/")
        response = connection.getresponse()
        page = response.read().decode()
        cookies = "; ".join(
            header.split(";", 1)[0]
            for name, header in response.getheaders()
            if name.lower() == "set-cookie"
        )
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": username, "password": bench.PASSWORD, "csrfmiddlewaretoken": token}
        )
        connection.request(
            "POST",
            "/login/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies},
        )
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 302 or response.getheader("Location") != "/":
        raise SystemExit(f"{username} cannot sign in with the bench password: not running load")


def start_gunicorn(env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "qiregister.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--worker-class",
            "gthread",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            # Browsers keep a connection open between clicks; with gunicorn's 2 s default the
            # server closes it just as a user who paused for longer sends the next request.
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--error-logfile",
            str(OUT / "gunicorn-errors.log"),
            # Status, method, path and time taken (microseconds): server-side evidence of 5xx.
            "--access-logfile",
            str(OUT / "gunicorn-access.log"),
            "--access-logformat",
            "%(s)s %(m)s %(U)s %(D)s",
        ],
        cwd=ROOT,
        env=env,
    )


def run_locust(env, accounts: Path) -> int:
    command = [
        PYTHON,
        "-m",
        "locust",
        "-f",
        str(ROOT / "load" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        RUN_TIME,
        # Let users finish what they are doing (a claim is released, a request withdrawn).
        "--stop-timeout",
        "20",
        "--host",
        f"http://{HOST}:{PORT}",
        "--csv",
        str(OUT / "load"),
        "--html",
        str(OUT / "report.html"),
        "--accounts",
        str(accounts),
        "--password",
        bench.PASSWORD,
    ]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def server_errors() -> int:
    log = OUT / "gunicorn-access.log"
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if line.startswith("5"))


def summarise(load_before: str, load_after: str) -> bool:
    with open(OUT / "load_stats.csv", newline="") as stats_file:
        rows = list(csv.DictReader(stats_file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    slowest = sorted(
        (row for row in rows if row["Name"] != "Aggregated"),
        key=lambda row: float(row["95%"] if row["95%"] != "N/A" else 0),
        reverse=True,
    )
    requests = int(total["Request Count"])
    failures = int(total["Failure Count"])
    p95 = float(total["95%"])
    pages = json.loads((OUT / "pages.json").read_text())
    errors_5xx = server_errors()
    passed = (
        requests > 0
        and failures == 0
        and errors_5xx == 0
        and max(p95, pages["p95"] or 0) < P95_LIMIT_MS
    )
    lines = [
        f"{USERS} users for {RUN_TIME} against {WORKERS} gthread workers x {THREADS} threads",
        f"load average before: {load_before}",
        f"load average after:  {load_after}",
        f"requests: {requests} ({float(total['Requests/s']):.1f}/s), failures: {failures}, "
        f"5xx in gunicorn's log: {errors_5xx}",
        f"all requests: median {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms, max {float(total['Max Response Time']):.0f} ms",
        f"pages only ({pages['requests']}, no static files): median {pages['p50']} ms, "
        f"p95 {pages['p95']} ms, p99 {pages['p99']} ms",
        "slowest by p95 (ms):  p50   p95   p99  count  name",
        *(
            f"{'':20}{row['50%']:>5} {row['95%']:>5} {row['99%']:>5} {row['Request Count']:>6}"
            f"  {row['Type']} {row['Name']}"
            for row in slowest[:12]
        ),
        f"{'PASS' if passed else 'FAIL'}: zero failures, zero 5xx, p95 (all requests and pages "
        f"only) under {P95_LIMIT_MS:.0f} ms",
        f"report: {OUT / 'report.html'}",
    ]
    text = "\n".join(lines)
    print("\n" + text)
    (OUT / "summary.txt").write_text(text + "\n")
    return passed


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    env = environment()
    bench.seed(env)
    bench.manage(env, "shell", "-c", ACCOUNTS_SCRIPT)
    accounts = Path(env["LOAD_ACCOUNTS"])
    server = start_gunicorn(env)
    try:
        wait_until_up()
        check_sign_in(json.loads(accounts.read_text())["staff"][0])
        load_before = load_average()
        print(f"Running {USERS} users for {RUN_TIME} (load average {load_before})")
        run_locust(env, accounts)
        load_after = load_average()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not summarise(load_before, load_after):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
