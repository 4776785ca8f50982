"""The Content-Security-Policy in a real browser: a walk through representative pages, as the
people who use them, records every CSP violation (the `securitypolicyviolation` event, and
Chromium's console errors) and expects none. The demo data gives every page real content:
posters, SPC charts, impact, history."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from measurement.models import Measure
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "csp-demo-2026"

# Runs in every document before its own scripts: keeps what the browser reports.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
"""


class ViolationLog:
    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        self.visited: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                self.found.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def collect(self) -> None:
        """Keep the current document's violations (before it is navigated away from)."""
        path = self.page.evaluate("document.location.pathname")
        self.visited.append(path)
        for violation in self.page.evaluate("window.cspViolations || []"):
            self.found.append(f"{path}: {violation}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        assert "Content-Security-Policy" in {name.title() for name in response.headers}, url
        self.page.wait_for_load_state("networkidle")
        self.collect()


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--password", DEMO_PASSWORD, "--people", "16", "--projects", "10")
    measure = Measure.objects.filter(points__isnull=False).select_related("project").first()
    return {"measure": measure, "project": measure.project}


def test_no_page_breaks_the_content_security_policy(page, demo):
    log = ViolationLog(page)
    project = demo["project"]
    measure = demo["measure"]

    # Signed out: the sign-in page, a wrong password, the lockout page, the admin's sign-in.
    log.visit(reverse("login"))
    sign_in(page, "nobody", "wrong")
    log.collect()
    log.visit(reverse("accessibility"))
    log.visit("/admin/login/")

    # Staff: home, the register (with an htmx search), a project, a measure's SPC chart, the
    # board and the department's impact, and a form sent back with errors.
    sign_in(page, "staff", DEMO_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    log.collect()
    log.visit(reverse("projects:register"))
    with page.expect_response(lambda response: "/projects/" in response.url):
        page.get_by_label("Search projects").fill("medicines")
    page.wait_for_load_state("networkidle")
    log.collect()
    log.visit(reverse("projects:detail", args=[project.pk]))
    log.visit(reverse("measurement:measure_detail", args=[project.pk, measure.pk]))
    assert page.locator("svg").count() > 0
    log.visit(reverse("recognition:board"))
    assert page.locator("img").count() > 0  # poster thumbnails
    log.visit(reverse("measurement:impact_report"))
    log.visit(reverse("projects:create"))
    page.get_by_label("Title").fill("Insulin")  # the live duplicate check (htmx)
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Submit for review").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    log.collect()
    log.visit(reverse("people:me"))
    log.visit(reverse("tasks:board"))
    log.visit(reverse("recognition:project_summary", args=[project.pk]))
    log.visit(reverse("recognition:showcase"))
    log.visit(reverse("recognition:awards"))
    log.visit(reverse("recognition:portfolio"))
    log.visit(reverse("people:directory"))

    # Champion: the board's display mode (its script swaps projects in place) and links.
    page.context.clear_cookies()
    sign_in(page, "champion", DEMO_PASSWORD)
    log.visit(reverse("recognition:board_display"))
    log.visit(reverse("recognition:display_links"))
    log.visit(reverse("governance:review_queue"))

    # Admin: the admin's home, a change list, a change form and a project's history.
    page.context.clear_cookies()
    sign_in(page, "admin", DEMO_PASSWORD)
    log.visit("/admin/")
    log.visit("/admin/projects/project/")
    log.visit(f"/admin/projects/project/{project.pk}/change/")
    log.visit(f"/admin/projects/project/{project.pk}/history/")
    log.visit("/admin/auth/user/")
    log.visit(reverse("projects:history", args=[project.pk]))
    log.visit(reverse("people:engagement"))

    assert len(log.visited) >= 20
    assert log.found == []
    assert page.external_requests == []


def test_the_lockout_page_keeps_the_policy(page, db):
    log = ViolationLog(page)
    for _ in range(5):
        sign_in(page, "nobody", "wrong")
    expect(page.locator("body")).to_contain_text("Signing in is paused")
    log.collect()
    assert log.found == []
