"""Every page type, as the persona who sees it, checked with axe-core for WCAG 2.2 A and AA.

The tests only read: `seed_demo`'s department is seeded once for the module (several seconds),
committed, and served by the module's own live server; it is removed when the module is done.
Each test walks a table of pages in one browser context, signing in as each persona in turn. A
page that fails does not stop the others: every violation is collected and reported together. The
accessibility statement (templates/accessibility.html) describes what these tests check; change
both together.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from measurement.models import Measure
from people.models import MentoringPair
from projects.models import ClosureReport, Project, Task
from recognition.models import AppraisalNote, Award, Nomination, PreparedFile, ShowcaseSession
from tests.conftest import FAST_PASSWORD_HASHERS, IMMEDIATE_TASKS
from tests.e2e import validator
from tests.e2e.conftest import axe_violations, seed_demo_department, sign_in
from tests.e2e.demo import demo_objects
from tests.factories import PASSWORD

# Not transactional: nothing is written in the tests' own transactions (see `visits`).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ANONYMOUS = ""
# The narrowest width WCAG 1.4.10 (Reflow) asks for: 320 CSS pixels, no scrolling sideways.
NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Visit:
    name: str
    persona: str
    path: str
    status: int = 200
    # Run after loading, e.g. submit the form empty to check the page with its errors.
    then: Callable | None = None


def _submit(button: str) -> Callable:
    def submit(page):
        page.get_by_role("button", name=button).first.click()
        page.locator(".nhsuk-error-summary").wait_for()

    return submit


def _paste_bad_rows(page):
    page.get_by_label("Paste rows of date,value").fill("next week,20\n01/02/2026,abc")
    page.get_by_role("button", name="Check the values").click()
    page.locator(".nhsuk-error-summary").wait_for()


def _visits(department) -> list[Visit]:
    demo = demo_objects(department, LOGINS)
    people, led, spc, other, task = demo.people, demo.led, demo.spc, demo.other, demo.task
    staff, champion = people["staff"], people["champion"]
    run = led.measures.get(chart_type=Measure.ChartType.RUN)
    pdsa = led.pdsa_cycles.first()
    pair = MentoringPair.objects.filter(mentor=champion).first()
    proposed = (
        Project.objects.filter(department=department, stage=Project.Stage.PROPOSED)
        .exclude(lead=people["admin"])
        .order_by("pk")
        .first()
    )
    future = ShowcaseSession.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    session = future.first()
    award = Award.objects.order_by("pk").first()
    nomination = Nomination.objects.exclude(status=Nomination.Status.DRAFT).order_by("pk").first()
    closing = _closure_waiting_for(champion)
    point = spc.points.order_by("date").first()
    claimed = Task.objects.filter(project=led, status=Task.Status.CLAIMED).first() or task
    if claimed.status != Task.Status.CLAIMED:
        claimed.status, claimed.claimed_by, claimed.claimed_at = (
            Task.Status.CLAIMED,
            staff,
            timezone.now(),
        )
        claimed.save(update_fields=["status", "claimed_by", "claimed_at"])
    audit = (
        Project.objects.filter(department=department, kind=Project.Kind.CLINICAL_AUDIT)
        .exclude(submitted_at=None)
        .order_by("pk")
        .first()
    )
    note = AppraisalNote.objects.filter(manager=people["manager"]).order_by("pk").first()
    preparing, ready = (
        PreparedFile.objects.create(
            requested_by=people["manager"].user,
            kind=PreparedFile.Kind.APPRAISAL_SUMMARY,
            title="Appraisal summary 1 Apr 2025 to 31 Mar 2026 for 12 people",
            filename="appraisal-summary-team-2025-04-01-2026-03-31.pdf",
            status=status,
            size=123456 if status == PreparedFile.Status.READY else None,
            expires_at=timezone.now() + dt.timedelta(days=7),
        )
        for status in (PreparedFile.Status.PREPARING, PreparedFile.Status.READY)
    )
    return [
        Visit("login", ANONYMOUS, "/login/"),
        Visit("login with errors", ANONYMOUS, "/login/", then=_submit("Sign in")),
        Visit("admin login", ANONYMOUS, "/admin/login/"),
        Visit("accessibility statement", ANONYMOUS, "/accessibility/"),
        Visit("page not found", ANONYMOUS, "/no-such-page/", status=404),
        Visit("home", "staff", "/"),
        Visit("my QI", "staff", "/me/"),
        Visit("capacity form", "staff", "/me/capacity/"),
        Visit("register", "staff", "/projects/"),
        Visit(
            "register with filters",
            "staff",
            "/projects/?stage=testing&stage=implementing&open_tasks=true&sort=title",
        ),
        Visit("search results", "staff", "/projects/?q=discharge+medicines"),
        Visit("search with no results", "staff", "/projects/?q=zzzzqqq"),
        Visit("project page", "staff", f"/projects/{led.pk}/"),
        Visit("project history", "staff", f"/projects/{led.pk}/history/"),
        Visit("closure report form", "staff", f"/projects/{led.pk}/closure/"),
        Visit("project summary", "staff", f"/projects/{led.pk}/summary/"),
        Visit("propose form", "staff", "/projects/new/"),
        Visit(
            "propose form with errors", "staff", "/projects/new/", then=_submit("Submit for review")
        ),
        Visit("edit project", "staff", f"/projects/{led.pk}/edit/"),
        Visit("add a task form", "staff", f"/projects/{led.pk}/tasks/new/"),
        Visit("join form", "staff", f"/projects/{other.pk}/join/"),
        Visit("task list", "staff", "/tasks/"),
        Visit("task page", "staff", f"/tasks/{task.pk}/"),
        Visit("task claim", "staff", f"/tasks/{task.pk}/claim/"),
        Visit("task release confirmation", "staff", f"/tasks/{claimed.pk}/release/"),
        Visit("task reassign form", "staff", f"/tasks/{claimed.pk}/reassign/"),
        Visit("SPC chart", "staff", f"/projects/{led.pk}/measures/{spc.pk}/"),
        Visit("run chart", "staff", f"/projects/{led.pk}/measures/{run.pk}/"),
        Visit(
            "measure form with errors",
            "staff",
            f"/projects/{led.pk}/measures/new/",
            then=_submit("Add the measure"),
        ),
        Visit(
            "data paste with errors",
            "staff",
            f"/projects/{led.pk}/measures/{spc.pk}/paste/",
            then=_paste_bad_rows,
        ),
        Visit(
            "value delete confirmation",
            "staff",
            f"/projects/{led.pk}/measures/{spc.pk}/points/{point.pk}/delete/",
        ),
        Visit("PDSA form", "staff", f"/projects/{led.pk}/pdsa/new/"),
        Visit("PDSA cycle", "staff", f"/projects/{led.pk}/pdsa/{pdsa.pk}/"),
        Visit("impact page", "staff", f"/projects/{led.pk}/impact/"),
        Visit("saving form", "staff", f"/projects/{led.pk}/savings/new/"),
        Visit("poster form", "staff", f"/projects/{led.pk}/poster/"),
        Visit("people", "staff", "/people/"),
        Visit("profile", "staff", f"/people/{champion.pk}/"),
        Visit("profile list", "staff", f"/people/{champion.pk}/mentoring/"),
        Visit("champions", "staff", "/champions/"),
        Visit("departments", "staff", "/departments/"),
        Visit("department page", "staff", f"/departments/{department.slug}/"),
        Visit("training", "staff", "/training/"),
        Visit("mentoring", "staff", "/mentoring/"),
        Visit("mentor request form", "staff", "/mentoring/request/"),
        Visit("QI board", "staff", "/board/"),
        Visit("board display", "staff", "/board/display/"),
        Visit("showcases", "staff", "/showcase/"),
        Visit("showcase session", "staff", f"/showcase/{session.pk}/"),
        Visit("showcase booking", "staff", f"/showcase/{session.pk}/book/"),
        Visit("awards", "staff", "/awards/"),
        Visit("past awards", "staff", "/awards/past/"),
        Visit("nominate form", "staff", f"/awards/{award.pk}/nominate/"),
        Visit("my nominations", "staff", "/nominations/mine/"),
        Visit("portfolio", "staff", "/me/portfolio/"),
        Visit("password change", "staff", "/password/change/"),
        Visit("permission denied", "staff", "/review/", status=403),
        Visit("page not found, signed in", "staff", f"/projects/{led.pk + 100000}/", status=404),
        Visit("review queue", "champion", "/review/"),
        Visit("nominations", "champion", "/nominations/"),
        Visit("nomination", "champion", f"/nominations/{nomination.pk}/"),
        Visit("display links", "champion", "/board/links/"),
        Visit("new showcase form", "champion", "/showcase/new/"),
        Visit("mentoring pair", "champion", f"/mentoring/{pair.pk}/"),
        Visit("my QI with projects I mentor", "champion", "/me/"),
        Visit("closure report to sign off", "champion", f"/projects/{closing.pk}/closure/"),
        Visit("closure sign-off", "champion", f"/projects/{closing.pk}/closure/sign-off/"),
        Visit(
            "closure send-back with errors",
            "champion",
            f"/projects/{closing.pk}/closure/send-back/",
            then=_submit("Send it back"),
        ),
        Visit("team", "manager", "/team/"),
        Visit("appraisal notes", "manager", f"/people/{staff.pk}/appraisal/"),
        Visit(
            "appraisal note delete confirmation", "manager", f"/appraisal-notes/{note.pk}/delete/"
        ),
        Visit("person capacity", "manager", f"/people/{staff.pk}/capacity/"),
        Visit("file being prepared", "manager", f"/me/files/{preparing.pk}/"),
        Visit("file ready", "manager", f"/me/files/{ready.pk}/"),
        Visit("review page", "admin", f"/review/{proposed.pk}/"),
        Visit("governance report", "admin", "/governance/"),
        Visit("audit to QI confirmation", "admin", f"/projects/{audit.pk}/to-qi/"),
        Visit("impact report", "admin", "/impact/"),
        Visit("trust-wide view", "admin", "/trust/"),
        Visit("board with the department picker", "admin", f"/board/?department={department.slug}"),
        Visit("engagement", "admin", "/engagement/"),
        Visit("new award form", "admin", "/awards/new/"),
    ]


LOGINS = ["staff", "champion", "manager", "admin"]


def _closure_waiting_for(champion) -> Project:
    """A project the champion mentors whose closure report waits for sign-off (the demo's
    reports are all signed off, so one is written here if none waits)."""
    project = (
        Project.objects.filter(
            mentor=champion, stage__in=(Project.Stage.IMPLEMENTING, Project.Stage.SUSTAINING)
        )
        .exclude(pk__in=Project.objects.worked_on_by(champion).values("pk"))
        .order_by("pk")
        .first()
    )
    ClosureReport.objects.get_or_create(
        project=project,
        defaults={
            "written_by": project.lead,
            "outcomes": "Omitted doses fell from 12% to 4%.",
            "impact": "Fewer missed Parkinson's doses.",
            "lessons": "Start with one ward.",
            "sustainability": "Added to the monthly ward audit.",
        },
    )
    return project


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def media_root(settings, media):
    """The demo's uploads (posters) stay where the module's seeding put them."""
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture(scope="module")
def visits(django_db_setup, django_db_blocker, media):
    """The walk's pages in the demo department, seeded and committed once for the module (a
    live server sees only committed rows), then emptied as after a transactional test."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, TASKS=IMMEDIATE_TASKS, MEDIA_ROOT=media
        ),
    ):
        walk = _visits(seed_demo_department())
    yield walk
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def server(django_db_setup, visits):
    # Its own live server: pytest-django's `live_server` makes every test that uses it
    # transactional, emptying the database after each.
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url)
    yield context.new_page()
    context.close()


def _sign_in_as(page, persona: str) -> None:
    page.context.clear_cookies()
    if persona:
        sign_in(page, persona, PASSWORD)
        page.wait_for_url(lambda url: urlsplit(url).path == "/")  # home: signed in


# How far the page scrolls sideways once the layout has settled at the new width (the header
# script folds the menu into "More" on resize), and the elements that stick out.
TOO_WIDE = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const width = document.documentElement.scrollWidth;
  if (width <= innerWidth) return null;
  const out = [...document.querySelectorAll('body *')].filter(el =>
    el.getBoundingClientRect().right > innerWidth
    && el.parentElement.getBoundingClientRect().right <= innerWidth
    && !el.parentElement.closest('.nhsuk-scroll__content'));
  return {scrollWidth: width, elements: out.slice(0, 3).map(el => el.outerHTML.slice(0, 80))};
}"""


def test_every_page_type_has_no_violations_and_reflows_at_320_pixels(page, visits):
    """axe-core at 1280px, then the same page at 320px must not scroll sideways."""
    violations, too_wide = {}, {}
    persona = None
    for visit in visits:
        if visit.persona != persona:
            persona = visit.persona
            _sign_in_as(page, persona)
        page.set_viewport_size(WIDE)
        response = page.goto(visit.path)
        assert response.status == visit.status, f"{visit.name}: {visit.path} -> {response.status}"
        # Not redirected (to sign in, say): the page checked is the page named.
        assert urlsplit(page.url).path == urlsplit(visit.path).path, f"{visit.name}: {page.url}"
        if visit.then:
            visit.then(page)
        if found := axe_violations(page):
            violations[visit.name] = found
        page.set_viewport_size(NARROW)
        if sideways := page.evaluate(TOO_WIDE):
            too_wide[visit.name] = sideways
    assert violations == {}, json.dumps(violations, indent=2)
    assert too_wide == {}, json.dumps(too_wide, indent=2)


# Pages people use on a phone, or at 400% zoom on a 1280px screen (the same 320 CSS pixels),
# where the header folds its menu into "More", wide tables scroll in their box and charts shrink.
NARROW_PAGES = [
    "home",
    "my QI",
    "register with filters",
    "project page",
    "propose form with errors",
    "task list",
    "task claim",
    "SPC chart",
    "data paste with errors",
    "QI board",
    "showcase session",
    "nominations",
    "team",
    "login",
]


def test_key_pages_at_320_pixels_have_no_violations(page, visits):
    visits = {visit.name: visit for visit in visits}
    page.set_viewport_size(NARROW)
    violations = {}
    persona = None
    for name in NARROW_PAGES:
        visit = visits[name]
        if visit.persona != persona:
            persona = visit.persona
            _sign_in_as(page, persona)
        page.goto(visit.path)
        if visit.then:
            visit.then(page)
        if found := axe_violations(page):
            violations[name] = found
    assert violations == {}, json.dumps(violations, indent=2)


# Reads the focused control's own focus style, or for the NHS.UK radios and checkboxes (whose
# input is invisible) its label's ::before box, and for a details' summary its text, where the
# design system draws their focus ring.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.dataset.qiTabbed) return 'again';
  el.dataset.qiTabbed = 'yes';
  const choice = el.matches('.nhsuk-radios__input, .nhsuk-checkboxes__input');
  const summary = el.matches('.nhsuk-details__summary');
  const target = choice ? el.labels[0]
    : summary ? el.querySelector('.nhsuk-details__summary-text') : el;
  const style = getComputedStyle(target, choice ? '::before' : null);
  const box = target.getBoundingClientRect();
  return {
    element: el.outerHTML.slice(0, 120),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
    background: style.backgroundColor,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
      && box.right > 0 && box.left < innerWidth,
  };
}"""
NHS_FOCUS_YELLOW = "rgb(255, 235, 59)"


@pytest.mark.parametrize("width", [NARROW, WIDE], ids=["320px", "1280px"])
def test_keyboard_focus_is_always_visible_and_on_screen(page, visits, width):
    visits = {visit.name: visit for visit in visits}
    page.set_viewport_size(width)
    hidden = []
    _sign_in_as(page, "staff")
    for name in ["home", "register with filters", "propose form with errors", "SPC chart"]:
        visit = visits[name]
        page.goto(visit.path)
        if visit.then:
            visit.then(page)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        stops = 0
        for _ in range(200):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_STYLE)
            if focus in (None, "again"):
                break  # past the last tab stop, or round to the first again
            stops += 1
            visible = focus["outline"] or focus["shadow"] or focus["background"] == NHS_FOCUS_YELLOW
            if not (visible and focus["onScreen"]):
                hidden.append({"page": name, **focus})
        assert stops > 10, f"{name}: only {stops} tab stops"
    assert hidden == [], json.dumps(hidden, indent=2)


def test_every_page_type_is_valid_html(client, visits):
    """The W3C Nu validator finds no error in any page type as the server sends it (its
    warnings, such as those on the design system's own markup, aside)."""
    if reason := validator.unavailable():
        pytest.skip(f"HTML validation not run: {reason}")
    pages = {}
    for visit in visits:
        client.logout()
        if visit.persona:
            client.force_login(User.objects.get(username=visit.persona))
        response = client.get(visit.path)
        assert response.status_code == visit.status, f"{visit.name}: {visit.path}"
        if "html" in response["Content-Type"]:
            pages[visit.name] = response.content.decode()
    assert len(pages) > 40  # the walk's pages, not a handful
    assert validator.validation_errors(pages) == {}


def test_the_validator_reports_what_htmx_s_own_spelling_would_break():
    if reason := validator.unavailable():
        pytest.skip(f"HTML validation not run: {reason}")
    page = '<!doctype html><html lang="en"><title>Register</title><form hx-get="/projects/"></form>'
    assert list(validator.validation_errors({"register": page})) == ["register"]
    valid = page.replace("hx-get", "data-hx-get")
    assert validator.validation_errors({"register": valid}) == {}
