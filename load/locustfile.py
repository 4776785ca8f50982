"""Load test for QI Register: the four roles, signed in through the login form, in a realistic mix.

`make load` (load/run.py) runs it against gunicorn and the 100,000-project bench database. It can
also be pointed at any running register, e.g. `make run` with the demo logins:

    .venv/bin/locust -f load/locustfile.py --host http://127.0.0.1:8000 --password qi-demo-2026

Who signs in: `--accounts` (or LOAD_ACCOUNTS) names a JSON file {"staff": [...], "champion":
[...], "manager": [...], "admin": [...]} of usernames of each role, which load/run.py writes from
the seeded database, so 50 users are 50 different people as in a department. Without it, every
user of a role shares that role's demo login. Everyone has the one password (`--password`).

The mix follows a working day: staff (most users) browse and search the register, open projects,
My QI and the task board, and now and then ask to join a project or claim a task (each undone
straight away, so the database does not drift); champions work the review queue and governance
pages; managers look at their team and download summaries and exports; an admin visits the
reports and the Django admin. Think time is 2 to 8 seconds between clicks.

Managers are people with a real line manager's span of reports (see load/run.py); the demo
`manager` of the 5,000-person seed manages over 600 people directly, which no manager does.

Each user signs in once, successfully, with its own CSRF token: a failed sign-in stops that user
at once, so the run never retries passwords and cannot trip the login throttle.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

DEMO_LOGINS = {role: [role] for role in ("staff", "champion", "manager", "admin")}
# Users of a role take its accounts in turn.
NEXT_ACCOUNT = {role: itertools.count() for role in DEMO_LOGINS}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')
# Words people type into the register's search box, taken from the kinds of project it holds.
SEARCHES = [
    "omitted critical medicines",
    "discharge",
    "antibiotic switch",
    "insulin",
    "medicines reconciliation",
    "aseptic",
    "inhaler",
    "anticoagulant",
    "controlled drug",
    "deprescribing",
    "biosimilar",
    "waste",
]
STAGES = ["planning", "testing", "implementing", "sustaining", "completed", "proposed"]


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    parser.add_argument(
        "--accounts",
        default=os.environ.get("LOAD_ACCOUNTS", ""),
        help="JSON file of usernames by role (default: the four demo logins)",
    )
    parser.add_argument(
        "--password",
        default=os.environ.get("LOAD_PASSWORD", "qi-demo-2026"),
        help="password of every account",
    )


@events.test_stop.add_listener
def _pages_summary(environment, **kwargs) -> None:
    """Percentiles over pages only, leaving out the static files (7 per user, all fast), so
    they cannot flatter the figure; load/run.py judges the run by these."""
    path = os.environ.get("LOAD_PAGES_SUMMARY")
    if not path:
        return
    times: Counter[int] = Counter()
    for (name, _method), entry in environment.stats.entries.items():
        if not name.startswith("/static/"):
            times.update(entry.response_times)
    total = sum(times.values())

    def percentile(fraction: float) -> int | None:
        seen = 0
        for milliseconds in sorted(times):
            seen += times[milliseconds]
            if seen >= fraction * total:
                return milliseconds
        return None

    summary = {"requests": total, **{f"p{p}": percentile(p / 100) for p in (50, 95, 99)}}
    Path(path).write_text(json.dumps(summary))


def _accounts(path: str) -> dict[str, list[str]]:
    if not path:
        return DEMO_LOGINS
    loaded = json.loads(Path(path).read_text())
    return {role: loaded.get(role) or DEMO_LOGINS[role] for role in DEMO_LOGINS}


def _ids(pattern: str, html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(pattern, html)))


def _token(html: str) -> str | None:
    found = CSRF.search(html)
    return found.group(1) if found else None


class RegisterUser(HttpUser):
    """Signs in as the next account of its role; the shared browsing every role does."""

    abstract = True
    role = ""
    wait_time = between(2, 8)

    def on_start(self) -> None:
        accounts = _accounts(self.environment.parsed_options.accounts)[self.role]
        self.username = accounts[next(NEXT_ACCOUNT[self.role]) % len(accounts)]
        page = self.client.get("/login/", name="/login/")
        # A first visit also fetches the stylesheet and scripts; whitenoise sets far-future
        # cache headers, so later pages fetch none.
        for path in dict.fromkeys(STATIC.findall(page.text)):
            self.client.get(path, name="/static/[asset]")
        with self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": self.environment.parsed_options.password,
                "csrfmiddlewaretoken": _token(page.text) or "",
            },
            name="/login/ (sign in)",
            catch_response=True,
        ) as response:
            signed_in = "Hello," in response.text
            if not signed_in:
                response.failure(f"{self.username} could not sign in")
        if not signed_in:
            raise StopUser()
        self.project_ids: list[str] = _ids(r'href="/projects/(\d+)/"', response.text)

    # Helpers the roles share.

    def page(self, path: str, name: str | None = None, **kwargs):
        """GET a page: a failure unless it ends in a 200 that is not the sign-in page."""
        with self.client.get(path, name=name or path, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")
            elif urlsplit(response.url).path == "/login/":
                response.failure(f"{path} sent {self.username} back to sign in")
        return response

    def register_page(self, query: str, name: str) -> str:
        html = self.page(f"/projects/?{query}", name=name).text
        found = _ids(r'href="/projects/(\d+)/"', html)
        if found:
            self.project_ids = found
        return html

    def open_project(self) -> str | None:
        if not self.project_ids:
            return None
        project_id = random.choice(self.project_ids)
        self.page(f"/projects/{project_id}/", name="/projects/[id]/")
        return project_id

    def browse_register(self) -> None:
        page = random.choice([1, 1, 1, 2, 2, 3, 5, 10])
        self.register_page(f"page={page}" if page > 1 else "", "/projects/ (browse)")
        self.open_project()

    def filter_register(self) -> None:
        query = f"stage={random.choice(STAGES)}&open_tasks=on"
        if random.random() < 0.5:
            query += f"&max_hours={random.choice([1, 2, 4])}"
        self.register_page(query, "/projects/ (filtered)")
        self.open_project()


class StaffUser(RegisterUser):
    role = "staff"
    weight = 40

    @task(10)
    def browse(self) -> None:
        self.browse_register()

    @task(8)
    def search(self) -> None:
        """Search as you type: htmx asks for the results fragment, then a project is opened."""
        words = random.choice(SEARCHES)
        headers = {"HX-Request": "true", "HX-Target": "register-results"}
        typed = words.split()[0]
        self.page(f"/projects/?q={typed}", name="/projects/ (search, htmx)", headers=headers)
        self.register_page(f"q={words.replace(' ', '+')}", "/projects/ (search)")
        self.open_project()

    @task(4)
    def filtered(self) -> None:
        self.filter_register()

    @task(5)
    def my_qi(self) -> None:
        self.page("/me/")

    @task(3)
    def home(self) -> None:
        self.page("/")

    @task(4)
    def task_board(self) -> None:
        html = self.page("/tasks/").text
        task_ids = _ids(r'href="/tasks/(\d+)/"', html)
        if task_ids:
            self.page(f"/tasks/{random.choice(task_ids)}/", name="/tasks/[id]/")

    @task(1)
    def people_directory(self) -> None:
        self.page("/people/")

    @task(1)
    def recognition(self) -> None:
        self.page(random.choice(["/showcase/", "/board/", "/awards/", "/me/portfolio/"]))

    @task(1)
    def training(self) -> None:
        self.page(random.choice(["/training/", "/mentoring/", "/champions/"]))

    @task(1)
    def ask_to_join_then_withdraw(self) -> None:
        """A real request to join (the lead is emailed), withdrawn straight away."""
        self.filter_register()
        for project_id in random.sample(self.project_ids, min(5, len(self.project_ids))):
            detail = self.page(f"/projects/{project_id}/", name="/projects/[id]/").text
            if f'href="/projects/{project_id}/join/"' in detail:
                break
        else:
            return
        form = self.page(f"/projects/{project_id}/join/", name="/projects/[id]/join/")
        with self.client.post(
            f"/projects/{project_id}/join/",
            data={
                "csrfmiddlewaretoken": _token(form.text) or "",
                "role_opening": "",
                "message": "",
            },
            name="/projects/[id]/join/ (ask)",
            catch_response=True,
        ) as asked:
            withdraw = re.search(r'action="(/projects/\d+/interests/\d+/withdraw/)"', asked.text)
            if withdraw is None:
                asked.failure("asked to join, but no request to withdraw")
                return
        with self.client.post(
            withdraw.group(1),
            data={"csrfmiddlewaretoken": _token(asked.text) or ""},
            name="/projects/[id]/interests/[id]/withdraw/",
            catch_response=True,
        ) as withdrawn:
            if "Request withdrawn." not in withdrawn.text:
                withdrawn.failure("request not withdrawn")

    @task(1)
    def claim_then_release(self) -> None:
        """A real claim of an open task (the lead is emailed), released straight away."""
        board = self.page("/tasks/").text
        task_ids = _ids(r'href="/tasks/(\d+)/"', board)
        if not task_ids:
            return
        task_id = random.choice(task_ids)
        confirm = self.page(f"/tasks/{task_id}/claim/", name="/tasks/[id]/claim/")
        if "Yes, I will do it" not in confirm.text:
            return  # someone claimed it since the board was drawn
        claimed = self.client.post(
            f"/tasks/{task_id}/claim/",
            data={"csrfmiddlewaretoken": _token(confirm.text) or ""},
            name="/tasks/[id]/claim/ (claim)",
        )
        if "Task claimed." not in claimed.text:
            return  # lost a race for it to another user: the page says so, which is right
        with self.client.post(
            f"/tasks/{task_id}/release/",
            data={"csrfmiddlewaretoken": _token(claimed.text) or ""},
            name="/tasks/[id]/release/",
            catch_response=True,
        ) as released:
            if "Task released." not in released.text:
                released.failure("claimed task not released")


class ChampionUser(RegisterUser):
    role = "champion"
    weight = 5
    waiting: list[str] = []

    @task(2)
    def review_queue(self) -> None:
        html = self.page("/review/").text
        self.waiting = _ids(r'href="/review/(\d+)/"', html)

    @task(4)
    def review_a_proposal(self) -> None:
        """Works through the proposals the queue listed (read only: a decision is final)."""
        if self.waiting:
            self.page(f"/review/{random.choice(self.waiting)}/", name="/review/[id]/")

    @task(4)
    def projects_in_my_areas(self) -> None:
        self.filter_register()
        if not self.project_ids:
            return
        project_id = random.choice(self.project_ids)
        detail = self.page(f"/projects/{project_id}/", name="/projects/[id]/").text
        # The history link shows only to those who may read it (team, champions of the area).
        history = f'href="/projects/{project_id}/history/"'
        if history in detail and random.random() < 0.5:
            self.page(f"/projects/{project_id}/history/", name="/projects/[id]/history/")

    @task(3)
    def browse(self) -> None:
        self.browse_register()

    @task(2)
    def governance(self) -> None:
        self.page(random.choice(["/governance/", "/champions/", "/mentoring/", "/nominations/"]))

    @task(2)
    def my_qi(self) -> None:
        self.page("/me/")


class ManagerUser(RegisterUser):
    role = "manager"
    weight = 4

    @task(6)
    def team(self) -> None:
        html = self.page("/team/").text
        reports = _ids(r'href="/people/(\d+)/capacity/"', html)
        if reports:
            report = random.choice(reports)
            self.page(f"/people/{report}/capacity/", name="/people/[id]/capacity/")
            self.page(f"/people/{report}/", name="/people/[id]/")

    @task(2)
    def appraisal_summary(self) -> None:
        self.page("/team/appraisal-summary.csv")

    @task(2)
    def export_what_i_see(self) -> None:
        """Search and filter the register, then download that view as CSV."""
        words = random.choice(SEARCHES).replace(" ", "+")
        query = f"q={words}&stage={random.choice(STAGES)}"
        self.register_page(query, "/projects/ (search)")
        self.page(f"/projects/export.csv?{query}", name="/projects/export.csv (search)")

    @task(3)
    def browse(self) -> None:
        self.browse_register()

    @task(2)
    def my_qi(self) -> None:
        self.page("/me/")


class AdminUser(RegisterUser):
    role = "admin"
    weight = 1

    @task(3)
    def reports(self) -> None:
        # /impact/ is left out: at 100,000 projects it takes tens of seconds (its per-area and
        # per-priority figures each read every project); see the load note in the README.
        self.page(random.choice(["/engagement/", "/governance/", "/team/"]))

    @task(2)
    def django_admin(self) -> None:
        self.page("/admin/")
        self.page("/admin/projects/project/?q=insulin", name="/admin/projects/project/ (search)")

    @task(2)
    def browse(self) -> None:
        self.browse_register()
