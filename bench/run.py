"""`make bench`: every page's latency at 100,000 projects, beside the small demo, in one run.

Two databases, each served by its own gunicorn (deploy/gunicorn.conf.py, production settings, 2
workers):
- the large register: 5,000 people and 100,000 projects, seeded once (into QIREGISTER_DATA_DIR,
  default .data-bench, or DATABASE_URL when set; later runs only check);
- the small demo: plain `seed_demo` (40 people, 60 projects), in BENCH_SMALL_DATABASE_URL when
  set, otherwise an embedded server in .data-bench-small.

Each page in PAGES is asked for by the role that uses it (the demo logins: staff, champion,
manager, admin, trustqi), on both servers in turn, round after round, so both see the same
machine load. Ids (a project, a champion's profile...) are looked up in each database. For each
page it prints the median, the ratio to /healthz's median on the large register, and the growth
(median at 100,000 projects / median on the small demo). Then 10 users with their own sessions
ask for /healthz, the register and a project page for BENCH_SECONDS each, and it prints
requests a second and the 95th percentile.

It fails (exit status 1, naming the pages) when a page is over RATIO_GOAL times /healthz or
grows by more than GROWTH_GOAL, or when the register serves fewer than a quarter of /healthz's
requests a second or its 95th percentile is 500 ms or more. Ratios, not milliseconds, are what
to compare between machines.

Environment: BENCH_ROUNDS (10; BENCH_SLOW_ROUNDS, 3, for a page over a second, such as a PDF),
BENCH_SECONDS (30), BENCH_USERS (10), BENCH_ONLY (a
comma-separated list of words: only the pages whose name or path holds one; /healthz always
runs), BENCH_SEED (`both`, `small` to leave the large database as it is, or `none`),
BENCH_PORT (8765; the small demo's is the next one), BENCH_PEOPLE and BENCH_PROJECTS.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "5000"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
# A page whose median over the first SLOW_ROUNDS rounds is over SLOW_SECONDS (a PDF) is timed
# in those rounds only.
SLOW_SECONDS = 1.0
SLOW_ROUNDS = int(os.environ.get("BENCH_SLOW_ROUNDS", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
USERS = int(os.environ.get("BENCH_USERS", "10"))
ONLY = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]
SEED = os.environ.get("BENCH_SEED", "both")
# A request that takes longer fails its page (and is not asked for again).
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))
PASSWORD = "bench-password-2026"
OUT = ROOT / ".data" / "bench"

# The goals: a page costs at most RATIO_GOAL times /healthz at 100,000 projects, and at most
# GROWTH_GOAL times what it costs on the small demo. Under load, the register serves at least a
# quarter of /healthz's requests a second, 95% of them within P95_GOAL_MS.
RATIO_GOAL = 20.0
GROWTH_GOAL = 1.5
THROUGHPUT_SHARE_GOAL = 0.25
P95_GOAL_MS = 500.0


PREPARED_FILE = r"/me/files/\d+/"


@dataclass(frozen=True)
class Page:
    """One request the bench times: `route` is the URL's name (checked against the URL conf
    by tests/bench/test_pages.py), `role` the demo login that asks, `path` may hold ids looked
    up in each database ({project}, {champion}, {lead}, {member}, {claimant}, {department},
    {staff}, {staff_name})."""

    name: str
    route: str
    role: str
    path: str
    # A redirect that is the page's right answer: a large PDF is handed to the background
    # worker and the user is sent to the page that says it is being prepared.
    redirect: str = ""


PAGES = [
    Page("/healthz", "healthz", "anonymous", "/healthz"),
    Page("home", "home", "staff", "/"),
    Page("sign-in page", "login", "anonymous", "/login/"),
    Page("accessibility", "accessibility", "staff", "/accessibility/"),
    Page("session status", "session_status", "staff", "/session/status/"),
    Page("password change", "password_change", "staff", "/password/change/"),
    Page("password changed", "password_change_done", "staff", "/password/change/done/"),
    # The register: its default view, each filter and sort, a search, the deepest page.
    Page("register", "projects:register", "staff", "/projects/"),
    Page("register, all departments", "projects:register", "staff", "/projects/?department="),
    Page(
        "register, filtered",
        "projects:register",
        "staff",
        "/projects/?stage=testing&open_tasks=on&max_hours=2&sort=title",
    ),
    Page(
        "register, closed and kind",
        "projects:register",
        "staff",
        "/projects/?include_closed=on&kind=audit&needs_people=on",
    ),
    Page("register, lead's name", "projects:register", "staff", "/projects/?lead=smith"),
    Page("register, oldest", "projects:register", "staff", "/projects/?sort=oldest"),
    Page("register, title", "projects:register", "staff", "/projects/?sort=title"),
    Page("register, end date", "projects:register", "staff", "/projects/?sort=end"),
    Page(
        "register, search", "projects:register", "staff", "/projects/?q=omitted+critical+medicines"
    ),
    Page(
        "register, search by title",
        "projects:register",
        "staff",
        "/projects/?q=omitted+critical+medicines&sort=title",
    ),
    Page("register, page 200", "projects:register", "staff", "/projects/?page=200"),
    # Exports write every row that matches: a whole department's takes minutes at 100,000
    # projects, a search's seconds, in proportion to the rows. Timed on the projects the staff
    # login leads (20 here, 2 on the small demo), so that growth says what an export costs
    # beyond its rows.
    Page(
        "register CSV",
        "projects:export_csv",
        "staff",
        "/projects/export.csv?lead={staff_name}",
    ),
    Page(
        "register Excel",
        "projects:export_xlsx",
        "staff",
        "/projects/export.xlsx?lead={staff_name}",
    ),
    Page("new project", "projects:create", "staff", "/projects/new/"),
    Page(
        "similar projects",
        "projects:similar",
        "staff",
        "/projects/similar/?title=Reducing+omitted+critical+medicines",
    ),
    Page("project", "projects:detail", "staff", "/projects/{project}/"),
    Page("project history", "projects:history", "champion", "/projects/{project}/history/"),
    Page("project summary", "recognition:project_summary", "staff", "/projects/{project}/summary/"),
    # Tasks, people, departments.
    Page("task board", "tasks:board", "staff", "/tasks/"),
    Page("task board, filtered", "tasks:board", "staff", "/tasks/?max_hours=2&overdue=on"),
    Page("My QI (staff)", "people:me", "staff", "/me/"),
    Page("My QI (champion)", "people:me", "champion", "/me/"),
    Page("capacity", "people:capacity_edit", "staff", "/me/capacity/"),
    Page("people", "people:directory", "staff", "/people/"),
    Page("people, search", "people:directory", "staff", "/people/?q=smith"),
    Page("person picker", "people:search", "staff", "/people/search/?q=smi"),
    Page("profile (staff)", "people:profile", "staff", "/people/{staff}/"),
    Page("profile (champion)", "people:profile", "staff", "/people/{champion}/"),
    Page("profile, led", "people:profile_led", "staff", "/people/{lead}/projects/"),
    Page("profile, roles", "people:profile_roles", "staff", "/people/{member}/roles/"),
    Page("profile, tasks", "people:profile_tasks", "staff", "/people/{claimant}/tasks/"),
    Page(
        "profile, mentoring", "people:profile_mentoring", "staff", "/people/{champion}/mentoring/"
    ),
    Page("departments", "people:departments", "staff", "/departments/"),
    Page("department", "people:department", "staff", "/departments/{department}/"),
    Page("trust", "people:trust", "trustqi", "/trust/"),
    Page("My team", "people:team", "manager", "/team/"),
    Page("engagement", "people:engagement", "admin", "/engagement/"),
    Page("training", "people:training", "staff", "/training/"),
    Page("mentoring", "people:mentoring", "champion", "/mentoring/"),
    Page("ask for a mentor", "people:mentor_request", "staff", "/mentoring/request/"),
    # Governance.
    Page("champions", "governance:champions", "staff", "/champions/"),
    Page("review queue", "governance:review_queue", "champion", "/review/"),
    Page("governance report", "governance:report", "champion", "/governance/"),
    Page(
        "governance CSV",
        "governance:export_csv",
        "champion",
        "/governance/export.csv?lead={staff_name}",
    ),
    Page(
        "governance Excel",
        "governance:export_xlsx",
        "champion",
        "/governance/export.xlsx?lead={staff_name}",
    ),
    # Recognition.
    Page("showcase", "recognition:showcase", "staff", "/showcase/"),
    Page("new showcase", "recognition:showcase_session_create", "champion", "/showcase/new/"),
    Page("showcase calendar", "recognition:showcase_calendar", "staff", "/showcase/calendar.ics"),
    Page("board", "recognition:board", "staff", "/board/"),
    Page("board display", "recognition:board_display", "staff", "/board/display/"),
    Page("display links", "recognition:display_links", "champion", "/board/links/"),
    Page("awards", "recognition:awards", "staff", "/awards/"),
    Page("past awards", "recognition:past_awards", "staff", "/awards/past/"),
    Page("new award", "recognition:award_create", "champion", "/awards/new/"),
    Page("nominations", "recognition:nominations", "champion", "/nominations/"),
    Page("my nominations", "recognition:my_nominations", "staff", "/nominations/mine/"),
    Page(
        "appraisal CSV",
        "recognition:appraisal_summary_csv",
        "manager",
        "/team/appraisal-summary.csv",
    ),
    Page(
        "appraisal PDF",
        "recognition:appraisal_summary_pdf",
        "manager",
        "/team/appraisal-summary.pdf",
        redirect=PREPARED_FILE,
    ),
    Page("portfolio (staff)", "recognition:portfolio", "staff", "/me/portfolio/"),
    Page("portfolio (champion)", "recognition:portfolio", "champion", "/me/portfolio/"),
    Page("portfolio CSV", "recognition:portfolio_csv", "champion", "/me/portfolio.csv"),
    Page(
        "portfolio PDF",
        "recognition:portfolio_pdf",
        "champion",
        "/me/portfolio.pdf",
        redirect=PREPARED_FILE,
    ),
    # Measurement.
    Page("impact", "measurement:impact_report", "staff", "/impact/"),
    Page("impact CSV", "measurement:impact_export", "staff", "/impact/export.csv"),
    # The admin's changelists that admins work in.
    Page("admin: projects", "admin", "admin", "/admin/projects/project/"),
    Page("admin: projects, search", "admin", "admin", "/admin/projects/project/?q=medicines"),
    Page("admin: people", "admin", "admin", "/admin/people/person/"),
    Page("admin: tasks", "admin", "admin", "/admin/projects/task/"),
]

# Named routes a GET can open, with no id in the URL, that the bench leaves out on purpose.
SKIPPED: dict[str, str] = {}

# What the bench looks up in each database, so that both run the same pages on their own rows.
IDS_SCRIPT = """
import json, os
from urllib.parse import quote_plus
from django.db.models import Count
from people.models import Person
from projects.models import Project


def busiest(queryset, relation):
    row = queryset.annotate(n=Count(relation)).order_by("-n", "pk").values("pk", "n").first()
    return row["pk"]


staff = Person.objects.select_related("department").get(user__username="staff")
ids = {
    # A submitted project (every signed-in person sees it) with the most tasks.
    "project": busiest(Project.objects.filter(submitted_at__isnull=False), "tasks"),
    "staff": staff.pk,
    "staff_name": quote_plus(staff.display_name),
    # The people with the longest lists on their profiles.
    "champion": busiest(Person.objects.all(), "mentored_projects"),
    "lead": busiest(Person.objects.all(), "led_projects"),
    "member": busiest(Person.objects.all(), "memberships"),
    "claimant": busiest(Person.objects.all(), "claimed_tasks"),
    "department": staff.department.slug,
}
with open(os.environ["BENCH_IDS"], "w") as out:
    json.dump(ids, out)
"""


def environment() -> dict[str, str]:
    """The large register's environment: production settings, its own database."""
    env = dict(os.environ)
    env.setdefault("QIREGISTER_DATA_DIR", str(ROOT / ".data-bench"))
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_LOG_LEVEL="WARNING",
        # Emails the pages might queue go nowhere.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    return env


def small_environment() -> dict[str, str]:
    """The small demo's: the same settings, its own database and data directory."""
    env = environment()
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_SMALL_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_SMALL_DATABASE_URL"]
    env["QIREGISTER_DATA_DIR"] = str(ROOT / ".data-bench-small")
    return env


def manage(env, *args) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def vacuum_analyze(env) -> None:
    # Fresh bulk inserts leave no statistics or visibility map until autovacuum comes round.
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
    )


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
    vacuum_analyze(env)
    manage(env, "collectstatic", "--no-input", "-v", "0")


def seed_small(env) -> None:
    """The small demo: plain `seed_demo`, as `make run` users see it."""
    print(f"Small demo database: {env.get('DATABASE_URL') or env['QIREGISTER_DATA_DIR']}")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo", "--password", PASSWORD)
    vacuum_analyze(env)


def look_up_ids(env) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ids.json"
        manage({**env, "BENCH_IDS": str(path)}, "shell", "--no-imports", "-c", IDS_SCRIPT)
        return json.loads(path.read_text())


class Session:
    """One browser: its own cookies, a new connection per request (as nginx opens to gunicorn),
    no redirects followed (a redirect to the sign-in page must not pass for the page)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return response, data

    def sign_in(self, username: str) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.decode()}
        )
        response, _ = self.request("POST", "/login/", body)
        # Signed in, a redirect onwards (the trust QI team's lands on /trust/); refused, the
        # form again.
        if response.status != 302 or "login" in (response.getheader("Location") or "login"):
            raise SystemExit(f"{username} cannot sign in with the bench password")

    def timed(self, path: str, redirect: str = "") -> float:
        start = time.perf_counter()
        try:
            response, _ = self.request("GET", path)
        except TimeoutError:
            raise PageFailed(f"took over {TIMEOUT:.0f} s") from None
        elapsed = time.perf_counter() - start
        where = response.getheader("Location") or ""
        if redirect and response.status == 302 and re.fullmatch(redirect, where):
            return elapsed
        if response.status != 200:
            raise PageFailed(f"answered {response.status} {where}".strip())
        return elapsed


class PageFailed(Exception):
    """A page answered something other than 200, or too slowly."""


class Server:
    """One gunicorn serving one database, with one signed-in session per role."""

    def __init__(self, label: str, env: dict[str, str], port: int) -> None:
        self.label, self.env, self.port = label, env, port
        self.sessions: dict[str, Session] = {}
        self.ids: dict[str, object] = {}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{self.label}-access.log").unlink(missing_ok=True)
        env = {
            **self.env,
            "GUNICORN_BIND": f"{HOST}:{self.port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                # The access log goes to a file instead of the terminal.
                "--access-logfile",
                str(OUT / f"{self.label}-access.log"),
                "qiregister.wsgi",
            ],
            cwd=ROOT,
            env=env,
        )

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Session(self.port).request("GET", "/healthz")[0].status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn for the {self.label} database did not answer /healthz")

    def session(self, role: str) -> Session:
        if role not in self.sessions:
            session = Session(self.port)
            if role != "anonymous":
                session.sign_in(role)
            self.sessions[role] = session
        return self.sessions[role]

    def path(self, page: Page) -> str:
        return page.path.format(**self.ids)

    def worker_peak_memory_mb(self) -> list[float]:
        """Each worker's peak resident memory (VmHWM), read before the server stops."""
        peaks = []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids = children.read_text().split()
        except OSError:
            return peaks
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)


def selected_pages() -> list[Page]:
    if not ONLY:
        return PAGES
    return [
        page
        for page in PAGES
        if page.route == "healthz" or any(word in page.name or word in page.path for word in ONLY)
    ]


def time_pages(large: Server, small: Server, pages: list[Page]):
    """Each page's timings on each server, and the pages that failed on their warm-up."""
    timings = {page.name: {"large": [], "small": []} for page in pages}
    servers = [large, small]
    failed = {}
    for page in pages:  # warm up; a page that fails here is reported and not asked for again
        for server in servers:
            try:
                server.session(page.role).timed(server.path(page), page.redirect)
            except PageFailed as error:
                failed[page.name] = f"{page.name} ({server.label}: {server.path(page)} {error})"
                print(f"  {failed[page.name]}", flush=True)
                break
    pages = [page for page in pages if page.name not in failed]
    for number in range(ROUNDS):
        # Interleaved, so both databases and every page see the same machine load; which
        # server goes first alternates from round to round.
        order = servers if number % 2 == 0 else servers[::-1]
        for page in pages:
            if page.name in failed or (number >= SLOW_ROUNDS and is_slow(page, timings)):
                continue
            for server in order:
                try:
                    seconds = server.session(page.role).timed(server.path(page), page.redirect)
                except PageFailed as error:
                    failed[page.name] = f"{page.name} ({server.label}: {server.path(page)} {error})"
                    break
                timings[page.name]["large" if server is large else "small"].append(seconds)
        print(f"  round {number + 1}/{ROUNDS} done", flush=True)
    return timings, failed


def is_slow(page: Page, timings) -> bool:
    """A page whose median so far is over SLOW_SECONDS on either server (never /healthz, the
    yardstick)."""
    return page.route != "healthz" and any(
        statistics.median(values) > SLOW_SECONDS for values in timings[page.name].values()
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def throughput(server: Server, path: str) -> dict[str, float]:
    """USERS users, each with its own session (signed in as staff), asking for `path` one
    request after another for SECONDS: requests a second and the 95th percentile."""
    sessions = []
    for _ in range(USERS):
        session = Session(server.port)
        if path != "/healthz":
            session.sign_in("staff")
        sessions.append(session)
    latencies: list[list[float]] = [[] for _ in sessions]
    failures: list[str] = []
    deadline = time.perf_counter() + SECONDS

    def user(index: int) -> None:
        while time.perf_counter() < deadline:
            try:
                latencies[index].append(sessions[index].timed(path))
            except (PageFailed, OSError) as error:
                failures.append(str(error))
                return

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(index,)) for index in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [value for values in latencies for value in values]
    if failures:
        raise SystemExit(f"{path} failed under load: {failures[0]}")
    return {
        "requests": len(every),
        "rps": len(every) / elapsed,
        "median_ms": statistics.median(every) * 1000,
        "p95_ms": percentile(every, 0.95) * 1000,
    }


def report(pages: list[Page], timings, large: Server, small: Server) -> list[str]:
    """Print the table; return the names of the pages over a goal."""
    base = statistics.median(timings["/healthz"]["large"])
    print(
        f"\n{PROJECTS:,} projects and {PEOPLE:,} people beside the small demo, {ROUNDS} "
        f"rounds; /healthz median {base * 1000:.1f} ms. Goals: under {RATIO_GOAL:.0f}x "
        f"/healthz, growth under {GROWTH_GOAL}x."
    )
    header = (
        f"{'page':<28} {'role':<9} {'n':>3} {'100k ms':>8} {'small ms':>9} {'x /healthz':>10} "
        f"{'growth':>7}  path"
    )
    print(header)
    print("-" * len(header))
    over = []
    for page in pages:
        big = statistics.median(timings[page.name]["large"])
        little = statistics.median(timings[page.name]["small"])
        ratio, growth = big / base, big / little
        flags = []
        if ratio > RATIO_GOAL:
            flags.append("RATIO")
        if growth > GROWTH_GOAL:
            flags.append("GROWTH")
        if flags and page.route != "healthz":
            over.append(f"{page.name} ({', '.join(flags).lower()})")
        print(
            f"{page.name:<28} {page.role:<9} {len(timings[page.name]['large']):>3} "
            f"{big * 1000:>8.1f} {little * 1000:>9.1f} "
            f"{ratio:>10.1f} {growth:>7.2f}  {large.path(page)}"
            + (f"  << {' '.join(flags)}" if flags and page.route != "healthz" else "")
        )
    return over


def main() -> None:
    large_env, small_env = environment(), small_environment()
    if SEED == "both":
        seed(large_env)
    if SEED in ("both", "small"):
        seed_small(small_env)
        manage(small_env, "collectstatic", "--no-input", "-v", "0")
    large = Server("large", large_env, PORT)
    small = Server("small", small_env, PORT + 1)
    for server in (large, small):
        server.ids = look_up_ids(server.env)
        print(f"{server.label} ids: {server.ids}")
    pages = selected_pages()
    failures: list[str] = []
    try:
        for server in (large, small):
            server.start()
        for server in (large, small):
            server.wait_until_up()
        print(f"Timing {len(pages)} pages on both databases, {ROUNDS} rounds...", flush=True)
        timings, failed = time_pages(large, small, pages)
        loads = {}
        register = next(page for page in PAGES if page.name == "register")
        project = next(page for page in PAGES if page.name == "project")
        if SECONDS > 0:
            for name, path in (
                ("/healthz", "/healthz"),
                ("register", large.path(register)),
                ("project", large.path(project)),
            ):
                print(f"{USERS} users on {name} for {SECONDS:.0f} s...", flush=True)
                loads[name] = throughput(large, path)
        memory = {server.label: server.worker_peak_memory_mb() for server in (large, small)}
    finally:
        for server in (large, small):
            server.stop()

    over = report([page for page in pages if page.name not in failed], timings, large, small)
    if failed:
        failures.append(f"{len(failed)} pages failed: " + "; ".join(failed.values()))
    if over:
        failures.append(
            f"{len(over)} pages over the goals (x{RATIO_GOAL:.0f} /healthz, growth "
            f"x{GROWTH_GOAL}): " + "; ".join(over)
        )
    if loads:
        print(f"\nThroughput at {PROJECTS:,} projects, {USERS} users for {SECONDS:.0f} s each:")
        print(f"{'page':<10} {'requests':>9} {'req/s':>8} {'median ms':>10} {'p95 ms':>8}")
        for name, figures in loads.items():
            print(
                f"{name:<10} {figures['requests']:>9} {figures['rps']:>8.1f} "
                f"{figures['median_ms']:>10.1f} {figures['p95_ms']:>8.1f}"
            )
        share = loads["register"]["rps"] / loads["/healthz"]["rps"]
        print(
            f"register: {share:.2f} of /healthz's requests a second (goal >= "
            f"{THROUGHPUT_SHARE_GOAL}), p95 {loads['register']['p95_ms']:.0f} ms (goal < "
            f"{P95_GOAL_MS:.0f})"
        )
        if share < THROUGHPUT_SHARE_GOAL or loads["register"]["p95_ms"] >= P95_GOAL_MS:
            failures.append(
                f"register under load: {share:.2f} of /healthz's requests a second, p95 "
                f"{loads['register']['p95_ms']:.0f} ms"
            )
    for label, peaks in memory.items():
        if peaks:
            print(
                f"gunicorn workers' peak memory ({label}): "
                + ", ".join(f"{p:.0f} MB" for p in peaks)
            )
    if failures:
        print("\nFAIL: " + "\nFAIL: ".join(failures))
        raise SystemExit(1)
    print("\nPASS: every page within the goals")


if __name__ == "__main__":
    main()
