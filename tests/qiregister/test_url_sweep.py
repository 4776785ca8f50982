"""Every URL pattern needs a login, except an explicit allow-list.

A new view is covered automatically: it fails here unless it redirects anonymous users to the
login page or is added to PUBLIC with a reason.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# name -> why it is public
PUBLIC = {
    "login": "the sign-in page",
    "healthz": "load balancers and monitoring",
    "accessibility": "the accessibility statement must be readable before sign-in",
    # A screen in the department cannot sign in: its secret display link is the credential
    # (404 when unknown or revoked; see tests/recognition/test_board.py).
    "board_display_by_link": "the QI board's display through a secret, revocable link",
    "board_display_poster_by_link": "poster images of that display, through the same link",
}
SAMPLE_VALUES = {"int": "1", "slug": "sample", "str": "sample", "path": "sample", "uuid": None}


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin has its own login; see test_admin_requires_staff_login
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix, entry


def _sample_path(prefix: str, pattern: URLPattern) -> str:
    route = prefix + str(pattern.pattern)
    for name, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        value = SAMPLE_VALUES.get(kind) or "00000000-0000-0000-0000-000000000001"
        route = route.replace(f"<{kind}:{name}>", value).replace(f"<{name}>", value)
    return "/" + route.lstrip("^").rstrip("$")


ALL_PATTERNS = list(_patterns(get_resolver().url_patterns))


def test_every_pattern_has_a_name():
    unnamed = [str(p.pattern) for _, p in ALL_PATTERNS if not p.name]
    assert unnamed == []


@pytest.mark.parametrize(
    ("path", "name"),
    [(_sample_path(prefix, p), p.name) for prefix, p in ALL_PATTERNS if p.name not in PUBLIC],
)
def test_anonymous_is_sent_to_login(client, db, path, name):
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, f"{name} {path} answered {response.status_code}"
        assert response["Location"].startswith("/login/?next="), name


@pytest.mark.parametrize(("path", "name"), [("/", "home")])
def test_sweep_found_the_home_page(path, name):
    # Guards the sweep itself: if pattern discovery broke, this would not match.
    assert (path, name) in [(_sample_path(pre, p), p.name) for pre, p in ALL_PATTERNS]


def test_admin_requires_staff_login(client, client_for, staff):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client_for(staff).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
