"""Small helpers shared by tests (personas and factories live in conftest.py and factories.py)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def proposal_data(area) -> dict:
    """A valid POST for the proposal form: a QI project in `area`."""
    return {
        "title": "Safer opioid prescribing at discharge",
        "kind": "qi",
        "aim": "Cut discharge opioid supplies over 7 days by 40% in 6 months.",
        "problem": "Patients go home with weeks of opioids they do not need.",
        "clinical_areas": [area.pk],
        "start_date": "2026-12-01",
        "target_end_date": "2027-06-01",
        "commitment_hours": "2",
        "commitment_period": "week",
        "commitment_weeks": "26",
    }


def project_edit_data(project, **changes) -> dict:
    """A valid POST for a project's edit page: the project as it is, with `changes`."""
    return {
        "title": project.title,
        "kind": project.kind,
        "aim": project.aim,
        "problem": project.problem,
        "clinical_areas": [area.pk for area in project.clinical_areas.all()],
        "commitment_period": "week",
        "headline_impact": project.headline_impact,
        "stage": project.stage,
        "version": project.version,
        **changes,
    }


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run manage.py in a child process with exactly `env`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def database_url(name: str) -> str:
    """A database on the test server (DATABASE_URL's, or the embedded one) as a URL, for a
    child process."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(str(db["HOST"] or ""), safe="")  # a socket folder is percent-encoded
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{name}"


def environment_without(*prefixes: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def race(*calls, expected=(Exception,)):
    """Run the calls at the same instant in threads with their own database connections.

    Returns (results, errors): the calls' return values, and the messages of the `expected`
    exceptions they raised; any other exception fails the test. For many rounds of many
    attempts, use tests.concurrency.Contenders, which keeps its threads between rounds.
    """
    from tests.concurrency import contend

    outcome = contend(*calls, expected=expected)
    return outcome.winners, outcome.refused


def trust_qi_team_group():
    """The group people/migrations/0010 creates, made again if a transactional test's flush
    (browser journeys, races: in another file of the same pytest-xdist worker) emptied it."""
    from django.contrib.auth.models import Group, Permission

    from people.departments import TRUST_QI_TEAM

    group, _ = Group.objects.get_or_create(name=TRUST_QI_TEAM)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="people", codename="view_all_departments")
    )
    return group
