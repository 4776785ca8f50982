"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server."""

import json
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("QIREGISTER_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# The live server runs in a thread of this process while Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; `.ci/run` installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(django_db_setup, browser, live_server):
    # django_db_setup first, so the test database outlives the live server's connections.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.external_requests = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url)
            else page.external_requests.append(request.url)
        ),
    )
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Run axe-core on the current page: no WCAG 2.x A/AA violations allowed."""
    # Evaluated through the DevTools protocol: an injected <script> tag would be inline script,
    # which the Content-Security-Policy blocks (as it should).
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=2)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
