"""A newcomer's first minutes with `make run`: links that point at the server it started, and
word of what is happening while the demo data is made."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def make_run_commands(*variables: str) -> list[str]:
    """What `make run` would run, without running it."""
    done = subprocess.run(
        ["make", "--always-make", "-n", "run", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("variables", "base_url"), [((), "8000"), (("PORT=8810",), "8810")])
def test_links_in_emails_and_the_calendar_feed_follow_the_port(variables, base_url):
    commands = make_run_commands(*variables)
    manage = [line for line in commands if "manage.py" in line and "pip" not in line]
    assert [line.split("manage.py ")[1].split()[0] for line in manage] == [
        "migrate",
        "seed_demo",
        "runserver",
    ]
    for line in manage:
        assert f'QIREGISTER_BASE_URL="http://127.0.0.1:{base_url}"' in line, line
    assert manage[-1].endswith(f"runserver 127.0.0.1:{base_url}")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_says_where_the_demo_emails_appear():
    assert any("Emails are printed here, in this terminal" in line for line in make_run_commands())


def test_seeding_says_what_it_is_making_as_it_goes(db):
    out = io.StringIO()
    call_command(
        "seed_demo", "--password", "demo-pass-1", "--people", "8", "--projects", "3", stdout=out
    )
    lines = out.getvalue().splitlines()
    steps = [line for line in lines if line.startswith("Seeding ")]
    assert steps == [
        "Seeding Pharmacy: 8 people, clinical areas, champions and training...",
        "Seeding Pharmacy: 3 projects with their teams, tasks and updates...",
        "Seeding Pharmacy: measures, savings and impact...",
        "Seeding Pharmacy: showcases, the QI board, awards and appraisal notes...",
        "Seeding Nursing, Therapies and the trust QI team...",
    ]
    # Progress comes first; the summary of what was made comes last.
    assert lines.index(steps[-1]) < next(
        i for i, line in enumerate(lines) if "projects added" in line
    )
