"""The user guide and the SOP stay honest: every address they name exists, every picture is there.

The screenshots themselves are taken by tests/e2e/test_user_guide_screenshots.py (Chromium);
these checks are cheap and run without a browser.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from tests.e2e.test_user_guide_screenshots import IMAGES, guide_images

DOCS = Path(__file__).resolve().parents[2] / "docs"
# An address written as code, e.g. `/projects/<id>/closure/` or `/team/appraisal-summary.pdf`.
ADDRESS = re.compile(r"`(/[^`\s]*)`")
# What stands in for an id in the documents, and a value that the URL patterns accept.
PLACEHOLDER = re.compile(r"<[a-z_]+>")
ISSUE_NUMBER = re.compile(r"(?i)\bissues? #?\d+")
MAX_IMAGES_BYTES = 2 * 1024 * 1024


def addresses(document: str) -> list[str]:
    return sorted(set(ADDRESS.findall((DOCS / document).read_text())))


def unresolvable(document: str) -> list[str]:
    missing = []
    for address in addresses(document):
        path = PLACEHOLDER.sub("1", address.split("?")[0].split("#")[0])
        try:
            resolve(path)
        except Resolver404:
            missing.append(address)
    return missing


def test_the_sop_names_many_screens():
    # Guards the pattern itself: a change of notation must not make the check vacuous.
    assert len(addresses("sop.md")) > 40


@pytest.mark.parametrize("document", ["sop.md", "user-guide.md", "features.md"])
def test_every_address_in_the_document_exists(document):
    assert unresolvable(document) == []


def test_the_sop_would_report_an_address_that_does_not_exist(tmp_path, monkeypatch):
    (tmp_path / "sop.md").write_text("See `/projects/<id>/` and `/no-such-screen/`.")
    monkeypatch.setattr("tests.docs.test_guides.DOCS", tmp_path)
    assert unresolvable("sop.md") == ["/no-such-screen/"]


def test_every_picture_the_user_guide_shows_is_in_docs_images():
    images = guide_images()
    assert len(images) > 20
    assert sorted(image for image in images if not (IMAGES / image).exists()) == []


def test_the_pictures_are_small():
    sizes = {path.name: path.stat().st_size for path in IMAGES.glob("*.png")}
    assert sum(sizes.values()) < MAX_IMAGES_BYTES, sizes


def test_docs_images_holds_no_picture_that_no_document_shows():
    shown = {
        Path(link).name
        for document in DOCS.glob("*.md")
        for link in re.findall(r"\]\((images/[^)\s]+)\)", document.read_text())
    }
    assert {path.name for path in IMAGES.iterdir()} - shown == set()


def test_every_document_the_readme_links_to_exists():
    readme = DOCS.parent / "README.md"
    linked = re.findall(r"\]\((docs/[^)#\s]+)", readme.read_text())
    assert len(linked) >= 7
    assert sorted(link for link in linked if not (DOCS.parent / link).exists()) == []


ROOT = DOCS.parent
# Not ours (vendored front-end code), or not source (virtualenvs, built files, local data).
NOT_SOURCE = {".git", ".venv", ".lockvenv", "node_modules", "vendor", "staticfiles", ".data"}
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".md", ".sh", ".js", ".css", ".toml", ".cfg"}


def source_files():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_SOURCE]
        for name in files:
            path = Path(folder, name)
            if path.suffix in SOURCE_SUFFIXES or name in {"Makefile", "run"}:
                yield path


def test_nothing_names_an_issue_number():
    """Code, tests and documents say what a thing does and why, not which issue asked for it:
    the issue tracker is not where a reader of the code will look."""
    mentions = {}
    for path in source_files():
        found = ISSUE_NUMBER.findall(path.read_text(errors="replace"))
        if found:
            mentions[str(path.relative_to(ROOT))] = found
    assert mentions == {}
    # The walk reached the apps, the tests and the documents.
    walked = {path.relative_to(ROOT).parts[0] for path in source_files()}
    assert {"projects", "measurement", "tests", "docs", "README.md", "Makefile"} <= walked
