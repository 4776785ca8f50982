"""The QI board in a real browser: a lead uploads a poster, the board and the A4 summary show
it, and a screen shows the board through a display link until a champion revokes it."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from recognition.views import board as board_views
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1200), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def image_loaded(locator, timeout: float = 5000) -> bool:
    """Whether the image loads (the browser fetches it after the page itself has loaded)."""
    image = locator.element_handle()
    try:
        locator.page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=image, timeout=timeout
        )
    except PlaywrightTimeoutError:
        return False
    return True


def test_lead_uploads_a_poster_that_shows_on_the_board_and_the_summary(page, staff, project):
    sign_in(page, "staff", PASSWORD)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Upload a poster").click()
    assert_accessible(page)

    page.get_by_label("Poster file").set_input_files(
        {"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image at all"}
    )
    page.get_by_role("button", name="Upload the poster").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "The file must be a PDF, PNG or JPEG" in summary.inner_text()
    assert "The file must be a PDF, PNG or JPEG" in page.locator("#id_file-error").inner_text()
    assert_accessible(page)

    page.get_by_label("Poster file").set_input_files(
        {"name": "poster.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Upload the poster").click()
    assert "Poster uploaded" in page.locator(".nhsuk-inset-text").first.inner_text()
    assert image_loaded(page.get_by_alt_text(f"Poster for {project.title}"))
    assert_accessible(page)

    page.goto("/board/")
    assert_accessible(page)
    assert image_loaded(page.get_by_alt_text(f"Poster for {project.title}"))

    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="A4 summary of the project, to print").click()
    assert project.title in page.locator("h1").inner_text()
    assert image_loaded(page.get_by_alt_text(f"Poster for {project.title}"))
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator(".nhsuk-header").is_visible()
    assert not page.get_by_role("link", name="Back to the project").is_visible()
    assert page.external_requests == []


def test_screen_shows_the_board_through_a_link_until_it_is_revoked(
    page, browser, live_server, champion, staff, acute_medicine, monkeypatch
):
    monkeypatch.setattr(board_views, "DISPLAY_SECONDS", 5)
    ProjectFactory(
        lead=staff,
        title="Faster discharge medicines",
        headline_impact="Waits down from 3 hours to 90 minutes",
        clinical_areas=[acute_medicine],
    )
    ProjectFactory(
        lead=staff,
        title="Fewer omitted doses",
        headline_impact="Omitted doses halved",
        clinical_areas=[acute_medicine],
    )

    sign_in(page, "champion", PASSWORD)
    page.goto("/board/")
    page.get_by_role("link", name="Display links for screens").click()
    page.get_by_label("Where the screen is").fill("Dispensary staff room")
    page.get_by_role("button", name="Make the link").click()
    link_url = page.locator(".qi-new-link__url code").inner_text()
    assert re.fullmatch(rf"{live_server.url}/board/display/[\w-]+/", link_url)
    assert_accessible(page)

    screen = browser.new_context().new_page()
    # The display's timer runs on the page's clock, which the test moves on instead of waiting.
    screen.clock.install()
    screen.goto(link_url)
    assert "Project 1 of 2" in screen.locator("[data-qi-board-position]").inner_text()
    assert_accessible(screen)
    screen.evaluate("window.stillTheSamePage = true")

    # It moves on by itself, in place (so full screen would be kept).
    screen.clock.run_for(5000)
    screen.wait_for_function(
        "() => document.querySelector('[data-qi-board-position]').textContent.includes('2 of 2')",
        timeout=9000,
    )
    assert screen.evaluate("window.stillTheSamePage === true")
    assert screen.url.endswith("?item=2")
    assert screen.get_by_role("button", name="Full screen").is_visible()

    # Pause stops it; Next still works by hand.
    screen.get_by_role("button", name="Pause").click()
    assert screen.get_by_role("button", name="Play").is_visible()
    # A timer left running would ask for the next project (fetch) within these 6.5 seconds.
    screen.evaluate(
        "() => { window.fetches = 0; const fetch = window.fetch;"
        " window.fetch = (...args) => { window.fetches += 1; return fetch(...args); }; }"
    )
    screen.clock.run_for(6500)
    assert screen.evaluate("window.fetches") == 0, "the display moved on while paused"
    assert "2 of 2" in screen.locator("[data-qi-board-position]").inner_text()
    screen.get_by_role("link", name="Next project").click()
    screen.wait_for_function(
        "() => document.querySelector('[data-qi-board-position]').textContent.includes('1 of 2')"
    )
    assert screen.evaluate("window.stillTheSamePage === true")
    assert_accessible(screen)
    assert screen.context.cookies() == []

    page.goto("/board/links/")
    page.get_by_role("button", name="Revoke the link for Dispensary staff room").click()
    assert "is revoked" in page.locator(".nhsuk-inset-text").first.inner_text()

    # The screen's next step finds the link gone and shows the server's "not found".
    screen.get_by_role("link", name="Next project").click()
    screen.wait_for_function("() => window.stillTheSamePage !== true")
    assert "Not Found" in screen.content() or "not found" in screen.content().lower()
    screen.context.close()


def test_screen_opened_on_a_one_project_board_gets_next_when_a_second_arrives(
    page, champion, staff, acute_medicine, monkeypatch
):
    """The display's script swaps pages in place: Previous and Next, hidden while the board has
    one project, must show once the board has two, without reloading the page."""
    monkeypatch.setattr(board_views, "DISPLAY_SECONDS", 5)
    ProjectFactory(
        lead=staff,
        title="Faster discharge medicines",
        headline_impact="Waits down from 3 hours to 90 minutes",
        clinical_areas=[acute_medicine],
    )
    sign_in(page, "champion", PASSWORD)
    page.clock.install()
    page.goto("/board/display/")
    assert "Project 1 of 1" in page.locator("[data-qi-board-position]").inner_text()
    next_link = page.get_by_role("link", name="Next project")
    assert not next_link.is_visible()
    page.evaluate("window.stillTheSamePage = true")

    ProjectFactory(
        lead=staff,
        title="Fewer omitted doses",
        headline_impact="Omitted doses halved",
        clinical_areas=[acute_medicine],
    )
    page.clock.run_for(5000)
    page.wait_for_function(
        "() => document.querySelector('[data-qi-board-position]').textContent.includes('of 2')",
        timeout=9000,
    )
    assert next_link.is_visible()
    assert page.get_by_role("link", name="Previous project").is_visible()
    next_link.click()
    page.wait_for_function(
        "() => document.querySelector('[data-qi-board-position]').textContent.includes('2 of 2')"
    )
    assert page.evaluate("window.stillTheSamePage === true")
    assert_accessible(page)
