"""No page gives a 500 on bad filter parameters: every route of the URL configuration is
fetched, as an admin, with the query parameters of every FilterSet and report form of the apps,
all at once, carrying each of the input sweep's bad values (test_input_sweep.py)."""

from __future__ import annotations

import importlib
import pkgutil

import django_filters

from tests.security.test_access_matrix import (
    EXPECTATIONS,
    ROUTES,
    media_root,
    request_as,
    shared_world,
    trust,
    url_for,
    world,
)
from tests.security.test_input_sweep import BAD_VALUES, SKIPPED_ROUTES, outcome_of

__all__ = ["media_root", "shared_world", "trust", "world"]  # fixtures of the access matrix


def filter_parameters() -> set[str]:
    """The query parameters of every FilterSet and report form of the apps."""
    for app in ("people", "projects", "measurement", "recognition"):
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    names, stack = set(), [django_filters.FilterSet]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            names |= set(sub.base_filters)
    names |= {"from", "to", "page", "sort", "format", "department", "person", "project"}
    # A date is typed in three boxes (common.widgets.NHSDateInput): each box is a parameter too.
    return names | {f"{name}_{part}" for name in names for part in ("day", "month", "year")}


# Routes that answer a GET with 405 before any view code reads the query string.
POST_ONLY = {name for name, (get, _post) in EXPECTATIONS.items() if set(get.split()[1:]) == {"405"}}


def test_no_page_gives_a_500_on_bad_filter_parameters(client, world):
    parameters = filter_parameters()
    assert {"days_in_stage", "max_hours", "due_before", "q", "from"} <= parameters
    failures = []
    for name in sorted(ROUTES):
        if name.split(":")[-1] in SKIPPED_ROUTES or name in POST_ONLY:
            continue
        path = url_for(name, world)
        for label, bad in BAD_VALUES.items():
            data = dict.fromkeys(parameters, bad)
            problem = outcome_of(
                lambda: request_as(client, world.admin.user, "get", path, data)  # noqa: B023
            )
            if problem:
                failures.append(f"GET {path} {label}: {problem}")
    assert failures == [], "\n".join(failures)
