"""The dependency rule (README, "The dependency rule"), read from the code's import statements:
each app imports only the apps below it (common, people, projects, measurement, recognition, in
that order), the toolbox imports no app, and people's models and services import nothing above
them. Imports inside functions count too: a late import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("qiregister", "people", "projects", "measurement", "recognition")
ABOVE_PEOPLE = ("qiregister", "projects", "measurement", "recognition")
# Bottom to top; qiregister, the project level, stands above them all.
LAYERS = ("common", "people", "projects", "measurement", "recognition")
# People's pages that summarise the work of the apps above (My team's engagement, a profile,
# the department and trust overviews) and the Person admin's anonymise action: they read
# upwards by design. Its models, services, forms and access rules do not.
PEOPLE_MODULES_READING_ABOVE = {
    "people/admin.py",
    "people/team.py",
    "people/views/departments.py",
    "people/views/profiles.py",
    "people/views/team.py",
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def imports_from(path: Path, packages: tuple[str, ...]) -> list[str]:
    return sorted(module for module in imported_modules(path) if module.split(".")[0] in packages)


def test_the_scan_sees_top_level_and_late_imports(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "import projects.models\nfrom people import services\n"
        "def f():\n    from recognition.models import Award\n"
    )
    assert imports_from(module, APPS) == ["people", "projects.models", "recognition.models"]


@pytest.mark.parametrize(
    "path", sorted((ROOT / "common").rglob("*.py")), ids=lambda path: str(path.relative_to(ROOT))
)
def test_common_imports_no_app(path):
    assert imports_from(path, APPS) == []


@pytest.mark.parametrize("name", ["models.py", "services.py"])
def test_people_models_and_services_import_nothing_above_people(name):
    assert imports_from(ROOT / "people" / name, ABOVE_PEOPLE) == []


def app_modules(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def above(app: str) -> tuple[str, ...]:
    return ("qiregister", *LAYERS[LAYERS.index(app) + 1 :])


@pytest.mark.parametrize(
    "path",
    [
        path
        for app in LAYERS
        for path in app_modules(app)
        if str(path.relative_to(ROOT)) not in PEOPLE_MODULES_READING_ABOVE
    ],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_each_app_imports_only_the_apps_below_it(path):
    assert imports_from(path, above(path.relative_to(ROOT).parts[0])) == []


def test_the_people_modules_reading_above_do_so():
    """The list of exceptions stays exact: a module that stops reading upwards leaves it."""
    assert {
        name for name in PEOPLE_MODULES_READING_ABOVE if imports_from(ROOT / name, above("people"))
    } == PEOPLE_MODULES_READING_ABOVE
