"""The two lock files: production installs requirements.lock alone, so it holds what the app
runs and nothing of the test, lint or load-testing tools, which requirements-dev.lock adds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "requirements.lock"
DEVELOPMENT = ROOT / "requirements-dev.lock"
# A pinned requirement, then its continuation lines: `name[extras]==version \` and
# `--hash=sha256:...`. Extras stay in the pins: in hash-checking mode the pip that Python 3.11's
# venv brings (23.2) takes weasyprint's `fonttools[woff]` for a requirement of its own, unpinned
# unless the lock names it so.
PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)",
    re.M,
)
# What only developers run: tests, browsers for tests, lint, security scans, load tests and the
# fake services and data the tests use.
DEVELOPMENT_ONLY = re.compile(
    r"^(pytest.*|playwright|ruff|locust.*|moto|flask.*|bandit|factory-boy|faker|responses|"
    r"execnet|gevent.*)$"
)


def name(requirement: str) -> str:
    """A requirement's project name, normalised as package indexes compare them."""
    bare = re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def pins(lock: Path) -> dict[str, tuple[str, int]]:
    """{name: (version, number of hashes)} of a lock file."""
    return {
        name(match[1]): (match[2], match[3].count("--hash="))
        for match in PIN.finditer(lock.read_text())
    }


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {name(requirement) for requirement in listed}


def test_the_runtime_lock_pins_every_runtime_dependency():
    assert declared() <= set(pins(RUNTIME))


def test_the_runtime_lock_holds_no_development_tool():
    assert sorted(package for package in pins(RUNTIME) if DEVELOPMENT_ONLY.match(package)) == []


def test_the_development_lock_pins_the_dev_extras_and_nothing_of_the_runtime_lock():
    development = set(pins(DEVELOPMENT))
    assert declared("dev") <= development
    # The runtime pins are the development lock's constraints: each package is pinned once.
    assert development & set(pins(RUNTIME)) == set()


def test_every_pin_carries_hashes():
    # pip's hash-checking mode (--require-hashes) needs every package, transitive ones too.
    for lock in (RUNTIME, DEVELOPMENT):
        locked = pins(lock)
        assert len(locked) > 10, lock
        assert [package for package, (_, hashes) in locked.items() if hashes == 0] == []
        requirement_lines = [line for line in lock.read_text().splitlines() if "==" in line]
        assert len(requirement_lines) == len(locked), lock  # no pin the pattern missed


def test_a_development_tool_would_be_reported():
    assert DEVELOPMENT_ONLY.match(name("pytest-django"))
    assert DEVELOPMENT_ONLY.match(name("Flask_Login"))
    assert not DEVELOPMENT_ONLY.match(name("Django"))
