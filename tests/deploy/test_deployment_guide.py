"""The deployment guide (docs/deployment.md) and the files in deploy/ stay true.

The slow test runs deploy/check-guide.sh, which follows the guide on this machine (a fresh
venv, gunicorn from the systemd unit, nginx with TLS, the worker, cron jobs, a backup and a
restore drill); deselect it with `-m "not deployment"`. The others are cheap checks that what
the guide names exists.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
SCRIPT = ROOT / "deploy" / "check-guide.sh"
CRON = ROOT / "deploy" / "cron" / "qiregister"
NGINX = ROOT / "deploy" / "nginx" / "qiregister.conf"
# Where the guide installs the checkout: `/srv/qiregister/deploy/manage.sh` is deploy/manage.sh.
CHECKOUT = "/srv/qiregister/"
CODE = re.compile(r"`([^`\n]+)`")
COMMAND = re.compile(r"manage\.(?:py|sh) ([a-z_]+)")
MAKE_TARGET = re.compile(r"`make ([a-z_-]+)")
# An environment variable written as code, alone or as `NAME=value`: capitals with underscores.
VARIABLE = re.compile(r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=.*)?$")
# Files in which the variables the guide names are read (or, for boto3's, documented).
VARIABLE_SOURCES = [
    ROOT / "qiregister" / "settings.py",
    ROOT / "deploy" / "gunicorn.conf.py",
    ROOT / "deploy" / "manage.sh",
    ROOT / "load" / "run.py",
    ROOT / ".env.example",
]


def repository_paths(text: str) -> set[str]:
    """Paths inside the repository named as code: `deploy/manage.sh`, `/srv/qiregister/...`."""
    # What a checkout holds at the top, without what runs make (.data/, .venv/, staticfiles/...).
    ignored = {line.strip("/") for line in (ROOT / ".gitignore").read_text().splitlines()}
    top_level = {path.name for path in ROOT.iterdir()} - ignored
    paths = set()
    for code in CODE.findall(text):
        for word in code.split():
            word = word.removeprefix(CHECKOUT).rstrip(".,;:")
            if word.split("/")[0] in top_level and word not in top_level:
                paths.add(word)
    return paths


def missing_paths(text: str) -> list[str]:
    return sorted(path for path in repository_paths(text) if not (ROOT / path).exists())


def unknown_commands(text: str) -> list[str]:
    return sorted(set(COMMAND.findall(text)) - set(get_commands()))


def test_the_guide_names_many_repository_files():
    # Guards the pattern itself: a change of notation must not make the check vacuous.
    assert len(repository_paths(GUIDE.read_text())) >= 10


def test_every_file_the_guide_names_exists():
    assert missing_paths(GUIDE.read_text()) == []


def test_a_file_that_does_not_exist_would_be_reported():
    text = "Copy `deploy/gunicorn.conf.py` and `/srv/qiregister/deploy/no-such-unit.service`."
    assert missing_paths(text) == ["deploy/no-such-unit.service"]


def test_every_file_in_deploy_is_in_the_guide():
    named = repository_paths(GUIDE.read_text())
    files = {str(path.relative_to(ROOT)) for path in (ROOT / "deploy").rglob("*") if path.is_file()}
    files = {path for path in files if "__pycache__" not in path}
    assert files - named == set()


def test_every_management_command_the_guide_names_exists():
    text = GUIDE.read_text()
    assert len(COMMAND.findall(text)) >= 10
    assert unknown_commands(text) == []


def test_every_management_command_cron_runs_exists():
    text = "\n".join(line for line in CRON.read_text().splitlines() if not line.startswith("#"))
    assert len(COMMAND.findall(text)) == 5
    assert unknown_commands(text) == []


def test_a_management_command_that_does_not_exist_would_be_reported():
    assert unknown_commands("`manage.py migrate`, `deploy/manage.sh send_remindrs`") == [
        "send_remindrs"
    ]


def test_every_make_target_named_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z_-]*):", makefile, flags=re.MULTILINE))
    named = set(MAKE_TARGET.findall(GUIDE.read_text()))
    assert {"bench", "load"} <= named
    assert named - targets == set()


def test_every_environment_variable_named_is_read_somewhere():
    sources = "\n".join(path.read_text() for path in VARIABLE_SOURCES)
    named = {
        match.group(1)
        for code in CODE.findall(GUIDE.read_text())
        if (match := VARIABLE.match(code.strip()))
    }
    assert len(named) > 20
    assert sorted(name for name in named if name not in sources) == []


def test_gunicorn_config_defaults_are_the_measured_ones(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8000"
    assert config["worker_class"] == "gthread"
    assert config["workers"] == (os.cpu_count() or 2)
    assert config["threads"] == 4
    assert config["accesslog"] == "-"
    # nginx must wait longer than gunicorn, so that gunicorn's timeout is the one that acts.
    nginx_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", NGINX.read_text()).group(1))
    assert nginx_timeout > config["timeout"]


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "10.0.0.5:8001")
    monkeypatch.setenv("GUNICORN_WORKERS", "6")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (config["bind"], config["workers"], config["threads"]) == ("10.0.0.5:8001", 6, 8)


class FakeWorker:
    def __init__(self):
        self.alive = True
        self.pid = os.getpid()
        self.warnings = []
        self.log = self

    def warning(self, message, *args):
        self.warnings.append(message % args)


def test_a_worker_over_its_memory_bound_restarts_after_its_requests(monkeypatch):
    # This test process has used more than 1 MB: a worker that had would stop taking requests.
    monkeypatch.setenv("GUNICORN_MAX_WORKER_MB", "1")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    worker = FakeWorker()
    config["post_request"](worker, None, {}, None)
    assert worker.alive is False
    assert "over 1 MB" in worker.warnings[0]


def test_a_worker_under_its_memory_bound_keeps_serving(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_WORKER_MB", raising=False)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["max_worker_mb"] == 512
    assert config["peak_memory_mb"]() < 512  # pytest itself, as a worker at rest would be
    worker = FakeWorker()
    config["post_request"](worker, None, {}, None)
    assert worker.alive is True
    assert worker.warnings == []


def test_the_web_unit_bounds_memory_above_what_the_workers_may_use():
    unit = (ROOT / "deploy" / "systemd" / "qiregister-web.service").read_text()
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    high = re.search(r"^MemoryHigh=(\d+)M$", unit, re.MULTILINE)
    limit = re.search(r"^MemoryMax=(\d+)G$", unit, re.MULTILINE)
    assert high
    assert limit
    assert "\nOOMPolicy=continue\n" in unit
    # Two workers (the default on 2 cores), each with a poster reader at its own bound.
    workers = 2 * (config["max_worker_mb"] + settings.QIREGISTER_POSTER_MEMORY_MB)
    assert workers < int(high.group(1)) < int(limit.group(1)) * 1024


def test_nginx_body_limit_is_just_above_the_poster_limit():
    limit = re.search(r"^\s*client_max_body_size (\d+)m;", NGINX.read_text(), re.MULTILINE)
    assert int(limit.group(1)) == settings.QIREGISTER_POSTER_MAX_MB + 1


def test_nginx_never_serves_uploaded_files_itself():
    directives = "\n".join(
        line for line in NGINX.read_text().splitlines() if not line.strip().startswith("#")
    )
    assert "/media" not in directives
    assert re.search(r"^\s*(alias|root)\s", directives, re.MULTILINE) is None
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in directives


def test_manage_sh_reads_the_environment_file_as_systemd_does(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text(
        "# a comment\n"
        "\n"
        "DEFAULT_FROM_EMAIL=QI Register <qi@example.nhs.uk>\n"
        "  SPACED = value with spaces  \n"
        'QUOTED="quoted value"\n'
        "DOLLAR=a$b\n"
    )
    shown = subprocess.run(
        [
            "bash",
            "-c",
            'source "$1"; qiregister_load_env "$2"; '
            'printf "%s|" "$DEFAULT_FROM_EMAIL" "$SPACED" "$QUOTED" "$DOLLAR"',
            "_",
            str(ROOT / "deploy" / "manage.sh"),
            str(env_file),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown == "QI Register <qi@example.nhs.uk>|value with spaces|quoted value|a$b|"


def test_manage_sh_refuses_a_line_that_is_not_key_value(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("export DJANGO_DEBUG=false\n")
    result = subprocess.run(
        ["bash", str(ROOT / "deploy" / "manage.sh"), "check"],
        env={**os.environ, "QIREGISTER_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "not KEY=value: export DJANGO_DEBUG=false" in result.stderr


def test_every_cron_job_runs_as_qiregister_through_manage_sh_or_find():
    jobs = [
        line.split(None, 6) for line in CRON.read_text().splitlines() if re.match(r"^[0-9*]", line)
    ]
    assert len(jobs) == 6
    assert {job[5] for job in jobs} == {"qiregister"}
    assert {job[6].split()[0] for job in jobs} == {"/srv/qiregister/deploy/manage.sh", "find"}


# What deploy/check-guide.sh runs besides Python (its "tools installed" step).
GUIDE_TOOLS = ("nginx", "openssl", "curl", "psql", "pg_dump", "systemd-analyze")


def missing_guide_tools(path: str) -> list[str]:
    return [tool for tool in GUIDE_TOOLS if shutil.which(tool, path=path) is None]


@pytest.mark.deployment
def test_check_guide_script_passes_every_step():
    steps = re.findall(r'^step "([^"]+)"', SCRIPT.read_text(), flags=re.MULTILINE)
    assert len(steps) >= 20
    # A newcomer's machine may lack nginx and the like: say so and skip, rather than fail
    # `make test`. `.ci/run` installs them and sets QIREGISTER_REQUIRE_DEPLOY_CHECK, so that CI
    # never skips this.
    path = f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"
    if missing := missing_guide_tools(path):
        message = f"deploy/check-guide.sh needs {', '.join(missing)}; `.ci/run` installs them"
        if os.environ.get("QIREGISTER_REQUIRE_DEPLOY_CHECK"):
            pytest.fail(message)
        pytest.skip(message)
    # A clean machine's environment: not the test run's (pytest-playwright, for one, sets
    # DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses). DATABASE_URL only
    # says which PostgreSQL server may hold the throwaway databases.
    environment = {
        name: os.environ[name]
        for name in ("HOME", "LANG", "TMPDIR", "DATABASE_URL")
        if name in os.environ
    }
    environment["PATH"] = path  # with the sbin folders, where Debian puts nginx
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=900,  # about 2 minutes on a quiet machine; more when it is busy
        cwd=ROOT,
        env=environment,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    for name in steps:
        assert f"PASS  {name}\n" in result.stdout, report
    assert "FAIL" not in result.stdout
    assert f"ALL {len(steps)} STEPS PASSED" in result.stdout


def test_a_missing_tool_is_named():
    assert missing_guide_tools(path="/nonexistent") == list(GUIDE_TOOLS)
