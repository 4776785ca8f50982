"""The user guide's screenshots, taken from the demo department by walking the guide's journeys.

Every run writes the pictures to a temporary folder, so a change that breaks a journey the guide
describes fails here. Only with QIREGISTER_UPDATE_SCREENSHOTS=1 (`make screenshots`) are they
copied into docs/images/, so `make test` never changes the checkout. The test also checks that
the guide (docs/user-guide.md) shows exactly the pictures taken here and that each is in
docs/images/.

The pictures are 1280x800 viewport shots reduced to a 64-colour palette PNG (Pillow), which
keeps each one tens of kilobytes: the pages are flat NHS.UK colours, so nothing visible is lost.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from projects.models import Project
from recognition.models import ShowcaseSession
from tests.e2e.conftest import sign_in
from tests.e2e.demo import demo_objects
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "user-guide.md"
IMAGES = DOCS / "images"
VIEWPORT = {"width": 1280, "height": 800}
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\((images/[^)\s]+)\)")


def guide_images() -> set[str]:
    """The file names of every picture docs/user-guide.md shows."""
    return {Path(link).name for link in IMAGE_LINK.findall(GUIDE.read_text())}


@dataclass(frozen=True)
class Shot:
    image: str
    persona: str
    path: str
    # Run after loading: the step of the journey the picture shows (fill a form, say).
    then: Callable | None = None


def _type_a_title(page) -> None:
    # The live duplicate check (htmx) answers after a pause in typing.
    page.get_by_label("Title").fill("Discharge medicines reconciliation")
    page.locator("#similar-projects .nhsuk-warning-callout").wait_for()


def _search_for_a_co_lead(name: str) -> Callable:
    """Type the first letters of a colleague's name under Co-leads, as the guide's step says."""

    def search(page) -> None:
        box = page.get_by_label("Co-leads")
        box.evaluate("element => element.closest('.nhsuk-form-group').scrollIntoView()")
        box.press_sequentially(name[:3])
        page.locator("[role=listbox] [role=option]").first.wait_for()

    return search


def _scroll_to(selector: str) -> Callable:
    """Scroll the part of the page the guide's step is about to the top of the window."""

    def scroll(page) -> None:
        page.locator(selector).first.evaluate("element => element.scrollIntoView()")

    return scroll


def _shots(department) -> list[Shot]:
    demo = demo_objects(department, ["staff", "champion", "manager"])
    people, led, spc, other, task = demo.people, demo.led, demo.spc, demo.other, demo.task
    staff, champion = people["staff"], people["champion"]
    # A proposal in one of the champion's areas that the champion has no part in.
    proposal = (
        Project.objects.filter(
            department=department,
            stage=Project.Stage.PROPOSED,
            clinical_areas__champion_assignments__person=champion,
        )
        .exclude(lead=champion)
        .exclude(memberships__person=champion)
        .order_by("pk")
        .first()
    )
    session = ShowcaseSession.objects.order_by("-starts_at").first()
    # The demo's closure report waiting for the champion's sign-off.
    waiting = Project.objects.awaiting_closure_sign_off_by(champion).order_by("pk").first()
    return [
        Shot("staff-home.png", "staff", "/"),
        Shot("staff-register.png", "staff", "/projects/?stage=testing&open_tasks=true"),
        Shot("staff-propose.png", "staff", "/projects/new/", then=_type_a_title),
        Shot(
            "staff-co-lead-picker.png",
            "staff",
            "/projects/new/",
            then=_search_for_a_co_lead(champion.display_name),
        ),
        Shot("staff-project.png", "staff", f"/projects/{other.pk}/"),
        Shot("staff-join.png", "staff", f"/projects/{other.pk}/join/"),
        Shot("staff-tasks.png", "staff", "/tasks/"),
        Shot("staff-task-claim.png", "staff", f"/tasks/{task.pk}/claim/"),
        Shot("staff-my-qi.png", "staff", "/me/"),
        Shot(
            "staff-spc-chart.png",
            "staff",
            f"/projects/{led.pk}/measures/{spc.pk}/",
            then=_scroll_to("h2#chart"),  # the icons, the words and the chart
        ),
        Shot("staff-pdsa-form.png", "staff", f"/projects/{led.pk}/pdsa/new/"),
        Shot("staff-closure.png", "staff", f"/projects/{led.pk}/closure/"),
        Shot("staff-mentoring.png", "staff", "/mentoring/"),
        Shot("staff-showcase.png", "staff", f"/showcase/{session.pk}/"),
        Shot("staff-awards.png", "staff", "/awards/"),
        Shot("staff-portfolio.png", "staff", "/me/portfolio/"),
        Shot("champion-home.png", "champion", "/"),
        Shot(
            "champion-my-qi.png",
            "champion",
            "/me/",
            then=_scroll_to("h2:text-is('Projects I mentor')"),
        ),
        Shot("champion-review-queue.png", "champion", "/review/"),
        Shot(
            "champion-review.png",
            "champion",
            f"/review/{proposal.pk}/",
            then=_scroll_to("h2:text-is('Your decision')"),
        ),
        Shot(
            "champion-closure-sign-off.png", "champion", f"/projects/{waiting.pk}/closure/sign-off/"
        ),
        Shot("champion-board.png", "champion", "/board/"),
        Shot("champion-board-display.png", "champion", "/board/display/"),
        Shot("champion-display-links.png", "champion", "/board/links/"),
        Shot("champion-nominations.png", "champion", "/nominations/"),
        Shot("champion-governance.png", "champion", "/governance/"),
        Shot("manager-team.png", "manager", "/team/"),
        Shot(
            "manager-appraisal-summary.png",
            "manager",
            "/team/",
            then=_scroll_to("#appraisal-summaries"),
        ),
        Shot("manager-appraisal.png", "manager", f"/people/{staff.pk}/appraisal/"),
        Shot("manager-capacity.png", "manager", f"/people/{staff.pk}/capacity/"),
        Shot("admin-site.png", "admin", "/admin/"),
        Shot("admin-people.png", "admin", "/admin/people/person/"),
        Shot("admin-history.png", "admin", f"/projects/{led.pk}/history/"),
        Shot("admin-engagement.png", "admin", "/engagement/"),
        Shot("admin-impact.png", "admin", "/impact/"),
    ]


def _save_small(page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=False)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64)
    small.save(path, optimize=True)


def test_the_guide_shows_exactly_the_screenshots_its_journeys_produce(
    page, demo_department, tmp_path
):
    page.set_viewport_size(VIEWPORT)
    taken = []
    persona = None
    for shot in _shots(demo_department):
        if shot.persona != persona:
            persona = shot.persona
            page.context.clear_cookies()
            sign_in(page, persona, PASSWORD)
            page.wait_for_url(lambda url: urlsplit(url).path == "/")
        response = page.goto(shot.path)
        assert response.status == 200, f"{shot.image}: {shot.path} -> {response.status}"
        assert urlsplit(page.url).path == urlsplit(shot.path).path, f"{shot.image}: {page.url}"
        if shot.then:
            shot.then(page)
        _save_small(page, tmp_path / shot.image)
        taken.append(shot.image)

    if os.environ.get("QIREGISTER_UPDATE_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        for image in taken:
            shutil.copyfile(tmp_path / image, IMAGES / image)

    assert len(taken) == len(set(taken))
    assert guide_images() == set(taken), "docs/user-guide.md and the shots taken here differ"
    missing = sorted(image for image in taken if not (IMAGES / image).exists())
    assert missing == [], f"not in docs/images/ (run `make screenshots`): {missing}"
