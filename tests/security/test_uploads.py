"""Uploaded files cannot become pages of the site: what is not really a PDF, PNG or JPEG is
refused whatever its name and claimed type, what is kept holds only the picture, and every way
a poster is served is either a safe image type or a download, never sniffed. A PDF is kept
without its metadata, scripts and attached files.

The ordinary checks (a text file renamed .png, size cap, names that do not match the bytes) are
in tests/recognition/test_board.py; these are the attacks."""

import io

import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from pypdf.xmp import XmpInformation
from weasyprint import HTML

from recognition.models import Poster
from recognition.services import board as services
from tests.factories import ProjectFactory
from tests.recognition.test_board import (
    _refused,
    add_poster,
    image_bytes,
    jpeg_with_exif,
    poster_upload,
)

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


def pdf_with_metadata_and_scripts() -> bytes:
    """A real poster (WeasyPrint) with a photo still carrying its camera's details, that a PDF
    editor has signed with its author and producer, given XMP metadata, a script run on
    opening, on leaving the page and from a link, a named script and an attached file."""
    poster = HTML(string="<h1 style='font-size: 120px'>Poster</h1>").write_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(poster)))
    _place_photo(writer, jpeg_with_exif(size=(300, 200)))
    writer.add_metadata({"/Author": "Sam Taylor", "/Producer": "Home Laptop PDF 9"})
    writer.xmp_metadata = XmpInformation.create()
    writer.xmp_metadata.dc_creator = ["Sam Taylor (XMP)"]
    writer.root_object[NameObject("/Metadata")] = writer._add_object(writer.xmp_metadata.stream)
    writer.root_object[NameObject("/OpenAction")] = _javascript("app.alert('on opening');")
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/C"): _javascript("app.alert('on leaving the page');")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 100)]),
            NameObject("/A"): _javascript("app.alert('from a link');"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    writer.add_attachment("notes.txt", b"Private notes about a patient")
    named = _javascript("app.alert('named script');")
    writer.root_object["/Names"][NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(named)])}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    content = buffer.getvalue()
    for secret in (b"Sam Taylor", b"/JavaScript", b"/OpenAction", b"/AA", b"/EmbeddedFiles"):
        assert secret in content
    assert b"Canon" in content
    assert b"Taken at home" in content
    return content


def _place_photo(writer: PdfWriter, jpeg: bytes) -> None:
    """Draw the JPEG at the foot of page 1 as it came from the camera (a PDF may hold a JPEG's
    own bytes, /DCTDecode, as design programs do with photos)."""
    photo = StreamObject()
    photo._data = jpeg
    photo.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(300),
            NameObject("/Height"): NumberObject(200),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    drawing = StreamObject()
    drawing._data = b"q 300 0 0 200 50 50 cm /Photo Do Q"
    page = writer.pages[0]
    resources = page["/Resources"]
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    resources["/XObject"][NameObject("/Photo")] = writer._add_object(photo)
    page[NameObject("/Contents")] = ArrayObject(
        [page.raw_get("/Contents"), writer._add_object(drawing)]
    )


def _javascript(code: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def test_pdf_poster_is_kept_without_its_metadata_scripts_or_attachments(client_for, staff, project):
    response = client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": poster_upload("poster.pdf", pdf_with_metadata_and_scripts())},
    )
    assert response.status_code == 302
    served = client_for(staff).get(reverse("recognition:poster_file", args=[project.pk]))
    content = b"".join(served.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    assert "/Info" not in reader.trailer
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    catalog = reader.root_object
    for key in ("/Metadata", "/OpenAction", "/AA"):
        assert key not in catalog
    assert not {"/JavaScript", "/EmbeddedFiles"} & catalog.get("/Names", {}).keys()
    page = reader.pages[0]
    assert "/AA" not in page
    assert [annotation.get_object().get("/A") for annotation in page["/Annots"]] == [None]
    assert reader.attachments == {}
    # Nor anywhere in the file, even in an object nothing refers to any more.
    for secret in (b"Sam Taylor", b"Home Laptop", b"app.alert", b"Private notes", b"JavaScript"):
        assert secret not in content
    # The photo on the poster is kept without its camera, position and comment.
    for secret in (b"Canon", b"EOS 5D", b"Taken at home", b"Exif"):
        assert secret not in content
    (photo,) = reader.pages[0].images
    assert photo.image.size == (300, 200)
    # What is kept still draws the poster: its heading, dark near the top of a white page.
    thumbnail = Poster.objects.get(project=project).thumbnail
    with default_storage.open(thumbnail.name, "rb") as stored, Image.open(stored) as thumb:
        assert thumb.convert("L").crop((0, 0, 600, 200)).getextrema()[0] < 64
    document = pdfium.PdfDocument(content)
    assert document[0].get_textpage().get_text_range().strip() == "Poster"
