"""`make bench` (bench/run.py) times every page a GET opens.

Every named route with no id in its URL that some role may open with a GET (by the access
matrix, tests/security/test_access_matrix.py) is either timed by the bench or listed in its
SKIPPED with the reason; a new page that is neither fails `test_every_page_is_benchmarked`.
Each benchmarked path must reach the route it claims, asked for by a demo login.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from bench import run as bench
from qiregister.demo.people import DEMO_LOGINS, OTHER_DEMO_LOGINS
from tests.security.test_access_matrix import EXPECTATIONS, ROUTES
from tests.security.test_access_matrix import ROLES as EXPECTATIONS_ROLES

# Ids for the paths' placeholders: any will do to resolve a path.
SAMPLE_IDS = {
    "project": 1,
    "staff": 2,
    "staff_name": "Sam+Taylor",
    "champion": 3,
    "lead": 4,
    "member": 5,
    "claimant": 6,
    "department": "pharmacy",
}


def page_routes_without_ids() -> set[str]:
    """Named routes with no id in the URL that at least one role may GET."""
    return {
        name
        for name, pattern in ROUTES.items()
        if not pattern.pattern.converters and "ok" in EXPECTATIONS[name][0].split()
    }


def unaccounted(pages: list[bench.Page], skipped: dict[str, str]) -> list[str]:
    benchmarked = {page.route for page in pages}
    return sorted(page_routes_without_ids() - benchmarked - set(skipped))


def test_many_routes_are_pages_without_ids():
    # Guards the enumeration itself: a change in the matrix must not make the check vacuous.
    assert len(page_routes_without_ids()) >= 40
    assert {"projects:register", "tasks:board", "people:me"} <= page_routes_without_ids()
    assert "logout" not in page_routes_without_ids()  # GET answers 405


def test_every_page_is_benchmarked():
    assert unaccounted(bench.PAGES, bench.SKIPPED) == []


def test_a_page_left_out_would_be_reported():
    pages = [page for page in bench.PAGES if page.route != "tasks:board"]
    assert unaccounted(pages, bench.SKIPPED) == ["tasks:board"]


def test_every_skipped_route_exists_and_says_why():
    assert set(bench.SKIPPED) <= set(ROUTES)
    assert all(reason.strip() for reason in bench.SKIPPED.values())
    assert not set(bench.SKIPPED) & {page.route for page in bench.PAGES}


def test_page_names_are_unique():
    names = [page.name for page in bench.PAGES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("page", bench.PAGES, ids=lambda page: page.name)
def test_each_path_reaches_its_route(page):
    path = urlsplit(page.path.format(**SAMPLE_IDS)).path
    try:
        match = resolve(path)
    except Resolver404:
        pytest.fail(f"{page.path} matches no route")
    if page.route == "admin":
        assert match.namespace == "admin"
    else:
        assert match.view_name == page.route


@pytest.mark.parametrize("page", bench.PAGES, ids=lambda page: page.name)
def test_each_page_is_asked_for_by_a_demo_login_allowed_to_see_it(page):
    logins = {login.username for login in DEMO_LOGINS} | set(OTHER_DEMO_LOGINS)
    assert page.role == "anonymous" or page.role in logins
    if page.route != "admin":
        # The matrix's columns: the demo login trustqi is its "trust" role.
        column = {"anonymous": "anonymous", "trustqi": "trust"}.get(page.role, page.role)
        get_outcomes = dict(
            zip(EXPECTATIONS_ROLES, EXPECTATIONS[page.route][0].split(), strict=True)
        )
        assert get_outcomes[column] == "ok"


def test_only_pages_slow_so_far_are_timed_in_fewer_rounds():
    healthz = next(page for page in bench.PAGES if page.route == "healthz")
    register = next(page for page in bench.PAGES if page.name == "register")
    slow = {"large": [2.0, 3.0, 0.1], "small": [0.1, 0.1, 0.1]}
    quick = {"large": [0.2, 0.3, 1.5], "small": [0.1, 0.1, 0.1]}
    assert bench.is_slow(register, {"register": slow})
    assert not bench.is_slow(register, {"register": quick})
    # /healthz is the yardstick: timed every round however slow the machine.
    assert not bench.is_slow(healthz, {"/healthz": slow})
