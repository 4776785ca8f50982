"""Static analysis and the load test's own wiring, checked with every test run.

bandit runs exactly as `make bandit` does (settings in pyproject.toml), and must report no
medium or high finding. The locustfile is imported in a child process: importing locust
monkey-patches the standard library with gevent, which must not happen inside pytest.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bandit(*args: str) -> dict:
    finished = subprocess.run(
        [sys.executable, "-m", "bandit", "-f", "json", "-q", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.stdout, finished.stderr
    return json.loads(finished.stdout)


def test_bandit_finds_no_medium_or_high_issue_in_the_code_that_runs():
    report = bandit("-c", "pyproject.toml", "-r", ".", "-ll")
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == []
    scanned = {Path(name).as_posix().removeprefix("./") for name in report["metrics"]}
    # The apps, settings and tools were read; tests and the virtualenv were not.
    for path in ("people/views/profiles.py", "projects/services.py", "recognition/views/board.py"):
        assert path in scanned
    assert {"qiregister/settings.py", "load/locustfile.py", "bench/run.py"} <= scanned
    assert not any(name.startswith(("tests/", ".venv/")) for name in scanned)


def test_bandit_as_configured_reports_a_medium_issue(tmp_path):
    """The check above can fail: the same command flags a shell built from input."""
    (tmp_path / "unsafe.py").write_text(
        "import subprocess\n\n\ndef run(name):\n"
        "    return subprocess.call('ls ' + name, shell=True)\n"
    )
    report = bandit("-r", str(tmp_path), "-ll")
    assert [r["test_id"] for r in report["results"]] == ["B602"]


DESCRIBE_USERS = """
import json, sys
sys.path.insert(0, "load")
import locustfile
from locust import HttpUser

users = [
    value for value in vars(locustfile).values()
    if isinstance(value, type) and issubclass(value, HttpUser) and not value.abstract
]
print(json.dumps({
    user.role: {"weight": user.weight, "tasks": sorted({t.__name__ for t in user.tasks})}
    for user in users
}))
"""


def test_locustfile_has_users_with_tasks_for_the_four_roles():
    finished = subprocess.run(
        [sys.executable, "-c", DESCRIBE_USERS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    users = json.loads(finished.stdout.strip().splitlines()[-1])
    assert set(users) == {"staff", "champion", "manager", "admin"}
    assert all(user["tasks"] for user in users.values())
    # Mostly staff, then champions, managers and an admin.
    weights = [users[role]["weight"] for role in ("staff", "champion", "manager", "admin")]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] > sum(weights[1:])
    # Staff write as well as read, and undo what they write.
    assert {"ask_to_join_then_withdraw", "claim_then_release"} <= set(users["staff"]["tasks"])
