"""Uploaded files cannot become pages of the site: what is not really a PDF, PNG or JPEG is
refused whatever its name and claimed type, what is kept holds only the picture, and every way
a poster is served is either a safe image type or a download, never sniffed.

The ordinary checks (a text file renamed .png, size cap, names that do not match the bytes) are
in tests/recognition/test_board.py; these are the attacks."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from recognition.models import Poster
from recognition.services import board as services
from tests.factories import ProjectFactory
from tests.recognition.test_board import _refused, add_poster, image_bytes, poster_upload

SCRIPT = b"<script>alert(document.cookie)</script>"
HTML_PAGE = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    + SCRIPT
    + b"</svg>"
)
# Inline only for a picture a browser will not run; anything else is an attachment.
SAFE_INLINE_TYPES = {"image/png", "image/jpeg"}


@pytest.mark.parametrize(
    ("name", "content"),
    [("poster.png", HTML_PAGE), ("poster.png", SVG), ("poster.jpg", SVG), ("poster.pdf", SVG)],
    ids=["html-as-png", "svg-as-png", "svg-as-jpg", "svg-as-pdf"],
)
def test_markup_disguised_as_a_poster_is_refused(client_for, staff, project, name, content):
    claimed = {"png": "image/png", "jpg": "image/jpeg", "pdf": "application/pdf"}
    upload = poster_upload(name, content, claimed[name.rsplit(".", 1)[1]])
    html = _refused(client_for(staff), project, upload)
    assert "The file must be a PDF, PNG or JPEG" in html


def test_png_signature_in_front_of_a_page_is_refused(client_for, staff, project):
    polyglot = b"\x89PNG\r\n\x1a\n" + HTML_PAGE
    html = _refused(client_for(staff), project, poster_upload("poster.png", polyglot, "image/png"))
    assert "The image could not be read and may be damaged" in html


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_page_hidden_after_the_picture_is_not_kept(client_for, staff, project, kind):
    content = image_bytes(kind) + HTML_PAGE
    name = f"poster.{kind.lower()}"
    response = client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": poster_upload(name, content, f"image/{kind.lower()}")},
    )
    assert response.status_code == 302
    poster = Poster.objects.get(project=project)
    with default_storage.open(poster.file.name, "rb") as stored:
        assert b"<script" not in stored.read()
    served = client_for(staff).get(reverse("recognition:poster_file", args=[project.pk]))
    assert b"<script" not in b"".join(served.streaming_content)


@pytest.fixture
def every_kind_of_poster(staff, champion, pharmacy, acute_medicine):
    """A project on the board with each kind of poster, and a display link to see them by."""
    projects = {}
    for kind in ("png", "jpeg", "pdf"):
        projects[kind] = ProjectFactory(
            lead=staff, stage="testing", clinical_areas=[acute_medicine]
        )
        add_poster(projects[kind], kind)
    _link, token = services.display_link_create(
        department=pharmacy, name="Dispensary", created_by=champion.user
    )
    return projects, token


def test_every_poster_response_is_a_safe_image_or_a_download_and_never_sniffed(
    client, client_for, staff, every_kind_of_poster
):
    projects, token = every_kind_of_poster
    responses = []
    signed_in = client_for(staff)
    for project in projects.values():
        for name in ("recognition:poster_file", "recognition:poster_thumbnail"):
            responses.append(signed_in.get(reverse(name, args=[project.pk])))
    signed_in.logout()
    for project in projects.values():
        url = reverse("recognition:board_display_poster_by_link", args=[token, project.pk])
        responses.append(client.get(url))
    assert len(responses) == 9
    for response in responses:
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        if response["Content-Type"] in SAFE_INLINE_TYPES:
            assert disposition.startswith(("inline", "attachment"))
        else:
            assert disposition.startswith("attachment"), response["Content-Type"]
    types = {response["Content-Type"] for response in responses}
    assert types <= SAFE_INLINE_TYPES | {"application/pdf"}
