"""The QI board: poster uploads checked by content, posters served only to who may see them,
the department's board, its display mode, secret display links and the A4 project summary."""

import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image, ImageOps, PngImagePlugin
from pypdf import PdfReader
from weasyprint import HTML

from projects.models import Membership, Project
from recognition import poster_reader
from recognition.forms.board import PosterForm
from recognition.models import DisplayLink, Poster
from recognition.services import board as services
from tests.factories import (
    ChampionAssignmentFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    UserFactory,
)
from tests.helpers import project_edit_data, race

MEGABYTE = 1024 * 1024
# A minimal but well-formed PDF: one empty page.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def image_bytes(kind: str = "PNG", size=(1200, 900), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal" if mode == "RGB" else 0).save(buffer, kind)
    return buffer.getvalue()


def poster_upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add_poster(project, kind: str = "png") -> Poster:
    """A poster stored through the same service as an upload."""
    content, content_type = {
        "png": (image_bytes("PNG"), "image/png"),
        "jpeg": (image_bytes("JPEG"), "image/jpeg"),
        "pdf": (PDF_BYTES, "application/pdf"),
    }[kind]
    return services.poster_save(
        project=project,
        upload=poster_upload(f"poster.{kind}", content),
        content_type=content_type,
        uploaded_by=project.lead,
    )


def stored_files() -> set[str]:
    names = set()
    if not default_storage.exists("posters"):
        return names
    for folder in default_storage.listdir("posters")[0]:
        names |= {
            f"posters/{folder}/{name}" for name in default_storage.listdir(f"posters/{folder}")[1]
        }
    return names


@pytest.fixture
def co_lead(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Cora Lead")


@pytest.fixture
def member(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Mina Member")


@pytest.fixture
def colleague(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Colin League")


@pytest.fixture
def team_project(project, co_lead, member):
    """`project` (led by `staff`) with a co-lead, a team member and a headline impact."""
    project.co_leads.add(co_lead)
    Membership.objects.create(project=project, person=member, role_title="Data collector")
    project.headline_impact = "Omitted critical doses down from 12% to 4%"
    project.save()
    return project


@pytest.fixture
def team_draft(draft, co_lead, member):
    draft.co_leads.add(co_lead)
    return draft


def _as(request, client, client_for, persona):
    if persona == "anonymous":
        return client
    return client_for(request.getfixturevalue(persona))


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


# Uploading a poster: who may


# (persona, may upload to a submitted project, may see a draft)
UPLOAD_MATRIX = [
    ("staff", 200, 200),  # the lead
    ("co_lead", 200, 200),
    ("champion", 200, 200),  # champion of the project's area
    ("admin", 200, 200),
    ("member", 403, 404),  # on the team in a role, but not leading it
    ("manager", 403, 404),
    ("colleague", 403, 404),
    ("outsider", 403, 404),
]


@pytest.mark.parametrize(("persona", "submitted", "draft_status"), UPLOAD_MATRIX)
def test_only_leads_champions_and_admins_upload_posters(
    db, request, client, client_for, team_project, team_draft, persona, submitted, draft_status
):
    as_persona = _as(request, client, client_for, persona)
    url = reverse("recognition:poster_upload", args=[team_project.pk])
    assert as_persona.get(url).status_code == submitted
    png = poster_upload("poster.png", image_bytes())
    assert as_persona.post(url, {"file": png}).status_code == (302 if submitted == 200 else 403)
    assert Poster.objects.filter(project=team_project).exists() == (submitted == 200)
    draft_url = reverse("recognition:poster_upload", args=[team_draft.pk])
    assert as_persona.get(draft_url).status_code == draft_status


def test_anonymous_is_sent_to_login_for_every_poster_page(client, project):
    add_poster(project)
    for name in ("poster_upload", "poster_remove", "poster_file", "poster_thumbnail"):
        assert_login_redirect(client.get(reverse(f"recognition:{name}", args=[project.pk])))
    png = poster_upload("poster.png", image_bytes())
    url = reverse("recognition:poster_upload", args=[project.pk])
    assert_login_redirect(client.post(url, {"file": png}))


# Uploading a poster: what is accepted


@pytest.mark.parametrize(
    ("name", "content", "content_type", "thumbnail_size"),
    [
        ("Ward poster.png", image_bytes("PNG"), "image/png", (600, 450)),
        ("ward-poster.JPG", image_bytes("JPEG"), "image/jpeg", (600, 450)),
        ("ward-poster.jpeg", image_bytes("JPEG"), "image/jpeg", (600, 450)),
        # A4 (595 by 842 points): its first page, 600 px wide.
        ("ward-poster.pdf", PDF_BYTES, "application/pdf", (600, 850)),
    ],
)
def test_lead_uploads_a_pdf_png_or_jpeg_poster(
    client_for, staff, project, name, content, content_type, thumbnail_size
):
    response = client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        # The browser's claimed type is ignored: the content decides.
        {"file": poster_upload(name, content, "text/plain")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk]) + "#poster"
    poster = Poster.objects.get(project=project)
    assert (poster.content_type, poster.original_name) == (content_type, name)
    assert poster.uploaded_by == staff
    # Stored under a random name, through the storage API; the size is what is stored (an
    # image is stored without its metadata: see the tests below).
    assert name not in poster.file.name
    with default_storage.open(poster.file.name, "rb") as stored:
        kept = stored.read()
    assert poster.size == len(kept)
    if content_type == "application/pdf":
        # Written again without its metadata (tests/security/test_uploads.py): the same page.
        assert [page.mediabox for page in PdfReader(io.BytesIO(kept)).pages] == [[0, 0, 595, 842]]
    else:
        with Image.open(io.BytesIO(kept)) as image, Image.open(io.BytesIO(content)) as original:
            assert (image.format, image.size) == (original.format, original.size)
    with (
        default_storage.open(poster.thumbnail.name, "rb") as stored,
        Image.open(stored) as thumb,
    ):
        assert thumb.format == "JPEG"
        assert thumb.size == thumbnail_size


def test_transparent_png_gets_a_thumbnail(client_for, staff, project):
    png = image_bytes("PNG", size=(300, 200), mode="RGBA")
    client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": poster_upload("poster.png", png)},
    )
    assert Poster.objects.get(project=project).thumbnail


def _refused(client, project, upload):
    response = client.post(
        reverse("recognition:poster_upload", args=[project.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert not Poster.objects.filter(project=project).exists()
    assert stored_files() == set()
    html = response.content.decode()
    # The message is next to the field and in the error summary, which links to the field.
    field_error = re.search(
        r'<span class="nhsuk-error-message" id="id_file-error">(.*?)</span>\s*<', html, re.S
    )
    assert field_error is not None
    assert 'class="nhsuk-error-summary"' in html
    assert 'href="#id_file"' in html
    return html


def test_text_file_renamed_png_is_refused_with_a_clear_message(client_for, staff, project):
    html = _refused(
        client_for(staff),
        project,
        poster_upload("poster.png", b"Just some notes, not an image at all\n" * 20, "image/png"),
    )
    assert html.count("The file must be a PDF, PNG or JPEG") == 2  # summary and field


def test_file_over_the_size_limit_is_refused(client_for, staff, project, settings):
    settings.QIREGISTER_POSTER_MAX_MB = 1
    oversize = image_bytes("PNG", size=(10, 10)) + b"\0" * MEGABYTE
    oversize = oversize[: MEGABYTE + 1]
    assert len(oversize) == MEGABYTE + 1
    html = _refused(client_for(staff), project, poster_upload("poster.png", oversize))
    assert html.count("The file must be 1 MB or smaller") == 2


def test_file_of_exactly_the_size_limit_is_accepted(client_for, staff, project, settings):
    """The limit is inclusive, as the form and its message say ("1 MB or smaller")."""
    settings.QIREGISTER_POSTER_MAX_MB = 1
    at_limit = PDF_BYTES + b"%" * (MEGABYTE - len(PDF_BYTES))
    response = client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": poster_upload("poster.pdf", at_limit)},
    )
    assert response.status_code == 302
    assert Poster.objects.filter(project=project).exists()


def test_the_size_limit_defaults_to_10_mb_and_shows_on_the_form(client_for, staff, project):
    response = client_for(staff).get(reverse("recognition:poster_upload", args=[project.pk]))
    assert "A PDF, PNG or JPEG, 10 MB or smaller." in response.content.decode()
    assert "smaller than" not in response.content.decode()


def test_png_renamed_pdf_is_refused(client_for, staff, project):
    html = _refused(
        client_for(staff), project, poster_upload("poster.pdf", image_bytes(), "application/pdf")
    )
    assert "The file is a PNG image but its name ends in .pdf" in html


def test_pdf_renamed_jpg_is_refused(client_for, staff, project):
    html = _refused(client_for(staff), project, poster_upload("poster.jpg", PDF_BYTES))
    assert "The file is a PDF but its name ends in .jpg" in html


def test_damaged_image_is_refused(client_for, staff, project):
    damaged = image_bytes("PNG")[:200]
    html = _refused(client_for(staff), project, poster_upload("poster.png", damaged))
    assert "The image could not be read and may be damaged" in html


def test_image_with_huge_dimensions_is_refused_before_decoding(
    client_for, staff, project, monkeypatch
):
    # A few hundred bytes that would decode to 13,000 by 1,000 pixels.
    bomb = image_bytes("PNG", size=(13_000, 1_000), mode="1")
    assert len(bomb) < 100_000
    html = _refused(client_for(staff), project, poster_upload("poster.png", bomb))
    assert "at most 12,000 pixels wide and high" in html
    # The upload is read in a child process: here the same reading, in this one, to count.
    decoded = _count_decodes(monkeypatch)
    with pytest.raises(poster_reader.Refused, match="dimensions"):
        poster_reader.read_poster(bomb, "image/png")
    assert decoded == []


def test_image_over_25_million_pixels_is_refused_with_a_clear_message(client_for, staff, project):
    """30 million pixels (6,000 by 5,000), each side well within the limit: a small file that
    would decode to 120 MB as RGBA."""
    big = image_bytes("PNG", size=(6_000, 5_000), mode="1")
    assert len(big) < 100_000
    html = _refused(client_for(staff), project, poster_upload("poster.png", big))
    assert html.count("The image must be at most 25 million pixels in all") == 2


def _count_decodes(monkeypatch) -> list[tuple[str, tuple[int, int]]]:
    """Record each image decoder Pillow starts (one per full read of an image's pixels)."""
    decoded = []
    real_getdecoder = Image._getdecoder

    def counting_getdecoder(mode, decoder_name, args, extra=()):
        decoded.append((decoder_name, mode))
        return real_getdecoder(mode, decoder_name, args, extra)

    monkeypatch.setattr(Image, "_getdecoder", counting_getdecoder)
    return decoded


def test_image_poster_is_decoded_once_and_turned_only_when_small(
    client_for, staff, project, monkeypatch
):
    """A large transparent PNG's pixels are read once (checking it and making its thumbnail),
    and nothing full-size is turned or copied whole: memory stays near one decoded image."""
    png = image_bytes("PNG", size=(4_000, 3_000), mode="RGBA")
    response = client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": poster_upload("poster.png", png)},
    )
    assert response.status_code == 302
    # The upload is read in a child process: here the same reading, in this one, to count.
    decoded = _count_decodes(monkeypatch)
    converted = _record_sizes(monkeypatch, "convert")
    poster_reader.read_poster(png, "image/png")
    assert decoded == [("zip", "RGBA")]
    # Pillow converts a transparent image before shrinking it: here only bands of rows, and the
    # image already shrunk by a whole factor, are converted.
    assert converted
    assert all(width * height <= 4_000 * 3_000 / 4 for width, height in converted)


def _record_sizes(monkeypatch, method: str) -> list[tuple[int, int]]:
    """Record the size of each image that Image.<method> is called on."""
    sizes = []
    real_method = getattr(Image.Image, method)

    def recording(image, *args, **kwargs):
        sizes.append(image.size)
        return real_method(image, *args, **kwargs)

    monkeypatch.setattr(Image.Image, method, recording)
    return sizes


def jpeg_with_exif(orientation: int = 1, size=(1200, 900)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (51.0, 30.0, 0.0)}
    )
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(
        buffer, "JPEG", exif=exif, comment=b"Taken at home", quality=90
    )
    content = buffer.getvalue()
    assert b"Canon" in content
    assert b"Taken at home" in content
    return content


def _served_poster(client_for, staff, project, name, content) -> bytes:
    client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": poster_upload(name, content)},
    )
    response = client_for(staff).get(reverse("recognition:poster_file", args=[project.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_jpeg_poster_is_kept_without_its_location_camera_or_comment(client_for, staff, project):
    served = _served_poster(client_for, staff, project, "photo.jpg", jpeg_with_exif())
    for secret in (b"Canon", b"EOS 5D", b"Taken at home"):
        assert secret not in served
    with Image.open(io.BytesIO(served)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "comment" not in image.info


def test_turned_jpeg_keeps_only_its_orientation_and_gets_an_upright_thumbnail(
    client_for, staff, project, monkeypatch
):
    """A phone photo taken sideways (orientation 6: turn a quarter clockwise to show). Only the
    thumbnail is turned, once it is small."""
    turned = []
    real_exif_transpose = ImageOps.exif_transpose

    def recording_exif_transpose(image, **kwargs):
        turned.append((image.size, kwargs))
        return real_exif_transpose(image, **kwargs)

    monkeypatch.setattr(ImageOps, "exif_transpose", recording_exif_transpose)
    photo = jpeg_with_exif(orientation=6, size=(1600, 900))
    served = _served_poster(client_for, staff, project, "photo.jpg", photo)
    with Image.open(io.BytesIO(served)) as image:
        assert dict(image.getexif()) == {ExifTags.Base.Orientation: 6}
    thumbnail = Poster.objects.get(project=project).thumbnail
    with default_storage.open(thumbnail.name, "rb") as stored, Image.open(stored) as thumb:
        assert thumb.size == (600, 1067)  # upright, and 600 px wide once turned
        assert dict(thumb.getexif()) == {}
    # The upload is read in a child process: here the same reading, in this one, to watch.
    poster_reader.read_poster(photo, "image/jpeg")
    assert turned == [((1067, 600), {"in_place": True})]


def test_png_poster_is_kept_without_its_text_or_exif(client_for, staff, project):
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Sam Taylor, 12 Home Street")
    text.add_itxt("Comment", "Taken at home", zip=True)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "teal").save(buffer, "PNG", pnginfo=text, exif=exif)
    served = _served_poster(client_for, staff, project, "poster.png", buffer.getvalue())
    for secret in (b"tEXt", b"iTXt", b"eXIf", b"Home Street", b"Canon"):
        assert secret not in served
    with Image.open(io.BytesIO(served)) as image:
        assert image.size == (1200, 900)
        assert image.getpixel((10, 10)) == (0, 128, 128)


def test_poster_form_file_check_sets_only_the_file():
    """A field's clean_<field> returns its value; what reading the file makes (its type, the
    file to keep and the thumbnail) is set in clean(), once every field is clean."""
    upload = poster_upload("poster.png", image_bytes())
    form = PosterForm(files={"file": upload})
    form.cleaned_data = {"file": upload}
    assert form.clean_file() is upload
    assert form.cleaned_data == {"file": upload}
    form = PosterForm(files={"file": poster_upload("poster.png", image_bytes())})
    assert form.is_valid()
    assert form.cleaned_data["content_type"] == "image/png"
    assert form.cleaned_data["poster_files"].thumbnail is not None


def test_board_template_tags_do_not_import_the_views(settings):
    """The project page's poster section (board_tags) must not load the board's views."""
    code = (
        "import django, sys; django.setup(); import recognition.templatetags.board_tags; "
        "print('recognition.views.board' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "qiregister.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False"


def test_missing_file_is_refused(client_for, staff, project):
    response = client_for(staff).post(reverse("recognition:poster_upload", args=[project.pk]))
    assert "Select a poster file to upload" in response.content.decode()


# Replacing and removing


def test_replacing_a_poster_keeps_the_old_files_for_the_sweep(
    client_for, staff, project, django_capture_on_commit_callbacks
):
    url = reverse("recognition:poster_upload", args=[project.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(url, {"file": poster_upload("first.png", image_bytes())})
    first = Poster.objects.get(project=project)
    old_files = {first.file.name, first.thumbnail.name}
    assert stored_files() == old_files
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(url, {"file": poster_upload("second.pdf", PDF_BYTES)})
    assert response.status_code == 302
    second = Poster.objects.get(project=project)
    assert second.pk == first.pk
    assert (second.content_type, second.original_name) == ("application/pdf", "second.pdf")
    # The old files stay until `manage.py sweep_media` (tests/resilience/test_media_sweep.py):
    # a backup running now may still need them.
    assert stored_files() == {second.file.name, second.thumbnail.name} | old_files
    # The change is in the poster's history.
    assert second.history.count() == 2


def test_lead_removes_the_poster(client_for, staff, project, django_capture_on_commit_callbacks):
    add_poster(project)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(reverse("recognition:poster_remove", args=[project.pk]))
    assert response.status_code == 302
    assert not Poster.objects.filter(project=project).exists()


@pytest.mark.parametrize(("persona", "submitted", "draft_status"), UPLOAD_MATRIX)
def test_only_leads_champions_and_admins_remove_posters(
    db, request, client, client_for, team_project, team_draft, persona, submitted, draft_status
):
    add_poster(team_project)
    add_poster(team_draft)
    as_persona = _as(request, client, client_for, persona)
    response = as_persona.post(reverse("recognition:poster_remove", args=[team_project.pk]))
    assert response.status_code == (302 if submitted == 200 else 403)
    assert Poster.objects.filter(project=team_project).exists() == (submitted != 200)
    response = as_persona.post(reverse("recognition:poster_remove", args=[team_draft.pk]))
    assert response.status_code == (302 if draft_status == 200 else 404)


def test_removing_a_poster_is_post_only(client_for, staff, project):
    add_poster(project)
    url = reverse("recognition:poster_remove", args=[project.pk])
    assert client_for(staff).get(url).status_code == 405
    assert Poster.objects.filter(project=project).exists()


def test_removing_a_missing_poster_says_so(client_for, staff, project):
    response = client_for(staff).post(
        reverse("recognition:poster_remove", args=[project.pk]), follow=True
    )
    assert "This project has no poster to remove" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_leave_one_poster_and_only_its_files(pharmacy, acute_medicine):
    lead = PersonFactory(department=pharmacy)
    for _ in range(5):
        project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
        results, errors = race(
            lambda p=project: add_poster(p, "png"),
            lambda p=project: add_poster(p, "jpeg"),
        )
        assert (len(results), errors) == (2, [])
        poster = Poster.objects.get(project=project)
        # The replaced poster's files stay for the sweep; then only the winner's are left.
        call_command("sweep_media", "--grace-hours", "0", stdout=io.StringIO())
        prefix = f"posters/{project.pk}/"
        assert {name for name in stored_files() if name.startswith(prefix)} == {
            poster.file.name,
            poster.thumbnail.name,
        }


# Serving posters


def test_image_poster_is_served_inline_with_its_type_and_nosniff(client_for, outsider, project):
    poster = add_poster(project, "png")
    response = client_for(outsider).get(reverse("recognition:poster_file", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    with default_storage.open(poster.file.name, "rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_pdf_poster_is_always_downloaded(client_for, staff, project):
    add_poster(project, "pdf")
    response = client_for(staff).get(reverse("recognition:poster_file", args=[project.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{project.reference}-poster.pdf"'
    )
    served = b"".join(response.streaming_content)
    assert len(PdfReader(io.BytesIO(served)).pages) == 1


def test_thumbnail_is_a_jpeg(client_for, staff, project):
    add_poster(project, "jpeg")
    response = client_for(staff).get(reverse("recognition:poster_thumbnail", args=[project.pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pdf_poster_gets_a_thumbnail_of_its_first_page_on_the_board(client_for, staff, project):
    project.headline_impact = "Waits halved"
    project.save()
    content = HTML(string="<h1 style='font-size: 120px'>Poster</h1>").write_pdf()
    client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": poster_upload("poster.pdf", content)},
    )
    poster = Poster.objects.get(project=project)
    assert poster.content_type == "application/pdf"
    with default_storage.open(poster.thumbnail.name, "rb") as stored, Image.open(stored) as thumb:
        assert (thumb.format, thumb.width) == ("JPEG", 600)
        # The heading is drawn: dark pixels near the top of a white page.
        assert thumb.convert("L").crop((0, 0, 600, 200)).getextrema()[0] < 64
    html = client_for(staff).get(reverse("recognition:board")).content.decode()
    thumbnail = reverse("recognition:poster_thumbnail", args=[project.pk])
    assert re.search(rf'<img [^>]*src="{thumbnail}\?v=\d+" alt="Poster for {project.title}"', html)
    assert "Download the poster" in html
    html = client_for(staff).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert thumbnail in html
    assert "Download the poster" in html


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4 garbage",
        PDF_BYTES.replace(b"/Count 1", b"/Count 0").replace(b"Kids[3 0 R]", b"Kids[]"),
    ],
    ids=["garbage", "no-pages"],
)
def test_file_that_starts_like_a_pdf_but_cannot_be_read_is_refused(
    client_for, staff, project, content
):
    html = _refused(client_for(staff), project, poster_upload("poster.pdf", content))
    assert html.count("The PDF could not be read") == 2


def test_pdf_whose_page_cannot_be_drawn_is_kept_with_a_link_instead(
    client_for, staff, project, caplog
):
    """A page 1 point square is outside what a PDF page can be: no thumbnail, a warning in the
    log, and the poster still offered as a labelled PDF download."""
    tiny = PDF_BYTES.replace(b"MediaBox[0 0 595 842]", b"MediaBox[0 0 1 1]")
    project.headline_impact = "Waits halved"
    project.save()
    with caplog.at_level("WARNING", logger="recognition.posters"):
        response = client_for(staff).post(
            reverse("recognition:poster_upload", args=[project.pk]),
            {"file": poster_upload("poster.pdf", tiny)},
        )
    assert response.status_code == 302
    poster = Poster.objects.get(project=project)
    assert not poster.thumbnail
    assert "No thumbnail for a PDF poster" in caplog.text
    url = reverse("recognition:poster_thumbnail", args=[project.pk])
    assert client_for(staff).get(url).status_code == 404
    html = client_for(staff).get(reverse("recognition:board")).content.decode()
    assert "qi-board__thumbnail" not in html
    assert "Download the poster" in html
    assert "(PDF, " in html


def test_project_without_poster_has_no_poster_file(client_for, staff, project):
    url = reverse("recognition:poster_file", args=[project.pk])
    assert client_for(staff).get(url).status_code == 404


@pytest.mark.parametrize(("persona", "submitted", "draft_status"), UPLOAD_MATRIX)
def test_posters_are_served_to_whoever_can_see_the_project(
    db, request, client, client_for, team_project, team_draft, persona, submitted, draft_status
):
    add_poster(team_project)
    add_poster(team_draft)
    as_persona = _as(request, client, client_for, persona)
    for name in ("poster_file", "poster_thumbnail"):
        assert (
            as_persona.get(reverse(f"recognition:{name}", args=[team_project.pk])).status_code
            == 200
        )
        draft_url = reverse(f"recognition:{name}", args=[team_draft.pk])
        assert as_persona.get(draft_url).status_code == draft_status


# The board


@pytest.fixture
def board_mix(staff, champion, pharmacy, acute_medicine, outsider):
    """Projects on and off the Pharmacy board, by the rule the board page explains."""
    on_poster = ProjectFactory(
        lead=staff,
        title="On the board with a poster",
        stage="testing",
        clinical_areas=[acute_medicine],
    )
    add_poster(on_poster)
    on_headline = ProjectFactory(
        lead=champion,
        title="On the board with a headline",
        stage="completed",
        headline_impact="Discharge waits down from 3 hours to 90 minutes",
        clinical_areas=[acute_medicine],
    )
    off = {
        "draft": ProjectFactory(
            lead=staff, draft=True, title="Draft with a headline", headline_impact="Big win"
        ),
        "idea": ProjectFactory(
            lead=staff, stage="idea", title="Submitted idea", headline_impact="Big win"
        ),
        "proposed": ProjectFactory(
            lead=staff, stage="proposed", title="Awaiting review", headline_impact="Big win"
        ),
        "on_hold": ProjectFactory(
            lead=staff, stage="on_hold", title="Paused project", headline_impact="Big win"
        ),
        "closed": ProjectFactory(
            lead=staff, stage="closed", title="Closed project", headline_impact="Big win"
        ),
        "nothing_to_show": ProjectFactory(lead=staff, title="Planning with nothing to show"),
        "elsewhere": ProjectFactory(
            lead=outsider, title="Nursing board project", headline_impact="Falls halved"
        ),
    }
    add_poster(off["draft"])
    add_poster(off["idea"])
    add_poster(off["elsewhere"])
    return {"on": [on_poster, on_headline], "off": off}


def test_board_shows_only_approved_projects_with_a_poster_or_headline(client_for, staff, board_mix):
    html = client_for(staff).get(reverse("recognition:board")).content.decode()
    for project in board_mix["on"]:
        assert project.title in html
    for project in board_mix["off"].values():
        assert project.title not in html
    assert "How a project gets on the board" in html
    assert "2 projects on the board" in html


def test_board_card_shows_title_reference_stage_team_impact_and_thumbnail(
    client_for, champion, team_project
):
    add_poster(team_project)
    html = client_for(champion).get(reverse("recognition:board")).content.decode()
    assert f'href="/projects/{team_project.pk}/">{team_project.title}</a>' in html
    assert team_project.reference in html
    assert "Planning" in html
    for name in ("Sam Taylor (lead)", "Cora Lead (co-lead)", "Mina Member"):
        assert name in html
    assert "Omitted critical doses down from 12% to 4%" in html
    thumbnail = reverse("recognition:poster_thumbnail", args=[team_project.pk])
    assert re.search(
        rf'<img [^>]*src="{thumbnail}\?v=\d+" alt="Poster for {team_project.title}"', html
    )


def test_outsider_sees_their_own_departments_board(client_for, outsider, board_mix):
    html = client_for(outsider).get(reverse("recognition:board")).content.decode()
    assert board_mix["off"]["elsewhere"].title in html
    for project in board_mix["on"]:
        assert project.title not in html


def test_board_lists_newest_activity_first(client_for, staff, acute_medicine):
    now = timezone.now()
    old = ProjectFactory(lead=staff, title="Quiet for a while", headline_impact="Old news")
    recent = ProjectFactory(lead=staff, title="Fresh progress", headline_impact="New news")
    Project.objects.filter(pk__in=[old.pk, recent.pk]).update(
        updated_at=now - dt.timedelta(days=60), stage_changed_at=now - dt.timedelta(days=60)
    )
    ProgressUpdateFactory(project=recent, date=timezone.localdate() - dt.timedelta(days=2))
    html = client_for(staff).get(reverse("recognition:board")).content.decode()
    assert html.index("Fresh progress") < html.index("Quiet for a while")
    add_poster(old)  # a new poster is activity too
    html = client_for(staff).get(reverse("recognition:board")).content.decode()
    assert html.index("Quiet for a while") < html.index("Fresh progress")


@pytest.mark.parametrize("persona", ["staff", "champion", "manager", "admin", "outsider"])
def test_every_signed_in_person_sees_a_board_and_its_display(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("recognition:board")).status_code == 200
    assert client.get(reverse("recognition:board_display")).status_code == 200


def test_board_and_display_need_a_login_and_a_staff_profile(client, champion):
    for name in ("board", "board_display", "display_links"):
        assert_login_redirect(client.get(reverse(f"recognition:{name}")))
    link, _token = services.display_link_create(
        department=champion.department, name="Dispensary", created_by=champion.user
    )
    assert_login_redirect(client.post(reverse("recognition:display_link_revoke", args=[link.pk])))
    link.refresh_from_db()
    assert link.is_active
    bare_admin = UserFactory(username="bare-admin", is_staff=True)
    client.force_login(bare_admin)
    # An admin sees every department's board (the first, or the one chosen)...
    for name in ("board", "board_display"):
        response = client.get(reverse(f"recognition:{name}"), {"department": "pharmacy"})
        assert response.status_code == 200
        assert response.context["department"] == champion.department
    # ...but display links are made by a department's own champions and admins.
    assert client.get(reverse("recognition:display_links")).status_code == 403
    client.force_login(UserFactory(username="bare-account"))
    for name in ("board", "board_display", "display_links"):
        assert client.get(reverse(f"recognition:{name}")).status_code == 403


def _board_projects(count, staff, pharmacy, acute_medicine):
    co_lead = PersonFactory(department=pharmacy)
    for number in range(count):
        project = ProjectFactory(
            lead=staff,
            headline_impact=f"Impact {number}",
            co_leads=[co_lead],
            clinical_areas=[acute_medicine],
        )
        Membership.objects.create(
            project=project, person=PersonFactory(department=pharmacy), role_title="Buddy"
        )
        if number % 3 == 0:
            add_poster(project, "pdf" if number % 2 else "png")


@pytest.mark.parametrize("count", [1, 30])
def test_board_query_count_is_bounded(
    client_for, staff, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    _board_projects(count, staff, pharmacy, acute_medicine)
    client = client_for(staff)
    # session, user, person, their department, their champion areas (navigation); count, one
    # page of projects with lead and poster, their co-leads, their current members with people.
    # +1: may the viewer see every department (the trust QI team's permission).
    # +1: the projects the department takes part in, read first (involving_department_q).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("recognition:board"))
    assert response.content.decode().count('class="nhsuk-card qi-board__card"') == min(count, 24)


def test_board_pages_24_at_a_time(client_for, staff, pharmacy, acute_medicine):
    _board_projects(25, staff, pharmacy, acute_medicine)
    html = client_for(staff).get(reverse("recognition:board") + "?page=2").content.decode()
    assert html.count('class="nhsuk-card qi-board__card"') == 1
    assert "showing 25 to 25" in html


# Display mode, signed in


def test_display_shows_one_project_at_a_time_and_loops(client_for, staff, board_mix):
    url = reverse("recognition:board_display")
    client = client_for(staff)
    first, second = board_mix["on"][1], board_mix["on"][0]  # newest first
    html = client.get(url).content.decode()
    assert first.title in html
    assert second.title not in html
    assert "Project 1 of 2" in html
    assert f'href="{url}?item=2" data-qi-board-next' in html
    assert f'href="{url}?item=2" data-qi-board-previous' in html
    html = client.get(url + "?item=2").content.decode()
    assert second.title in html
    assert f'href="{url}?item=1" data-qi-board-next' in html
    for project in board_mix["off"].values():
        assert project.title not in client.get(url + "?item=1").content.decode()


def test_display_page_is_its_own_accessible_page_without_the_site_header(
    client_for, staff, board_mix
):
    html = client_for(staff).get(reverse("recognition:board_display")).content.decode()
    assert '<html lang="en-GB">' in html
    assert "<title>" in html
    assert 'role="banner"' in html
    assert '<main class="qi-display__main" id="maincontent"' in html
    assert '<nav class="qi-display__controls" aria-label="Board display">' in html
    assert "nhsuk-header__navigation" not in html
    assert 'data-seconds="20"' in html
    assert "data-qi-board-toggle" in html
    assert "data-qi-board-fullscreen" in html
    assert 'http-equiv="refresh"' not in html
    assert "<script>" not in html  # no inline script: the display's JS is in static/js/app.js
    assert 'style="' not in html
    assert "Leave display mode" in html
    # The image poster is shown large, from the signed-in poster URL.
    poster_url = reverse("recognition:poster_file", args=[board_mix["on"][0].pk])
    assert (
        poster_url
        in client_for(staff).get(reverse("recognition:board_display") + "?item=2").content.decode()
    )


def test_display_with_an_empty_board_says_so(client_for, staff):
    response = client_for(staff).get(reverse("recognition:board_display"))
    assert response.status_code == 200
    assert "Nothing on the QI board yet" in response.content.decode()


def test_display_with_one_project_has_hidden_previous_and_next_for_the_script(
    client_for, staff, team_project
):
    """static/js/app.js swaps the next page in and copies these links from it: they must be
    there, hidden, so that they show once a second project joins the board."""
    url = reverse("recognition:board_display")
    html = client_for(staff).get(url).content.decode()
    assert "Project 1 of 1" in html
    assert f'href="{url}?item=1" data-qi-board-previous hidden>Previous' in html
    assert f'href="{url}?item=1" data-qi-board-next hidden>Next' in html
    ProjectFactory(
        lead=staff, headline_impact="Second", clinical_areas=team_project.clinical_areas.all()
    )
    html = client_for(staff).get(url).content.decode()
    assert "data-qi-board-previous>Previous" in html
    assert "data-qi-board-next>Next" in html


@pytest.mark.parametrize("count", [1, 30])
def test_display_query_count_is_bounded(
    client_for, staff, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    _board_projects(count, staff, pharmacy, acute_medicine)
    client = client_for(staff)
    # session, user, person, their department, their champion areas (navigation); count, the
    # one project with lead and poster, its co-leads, its current members with people.
    # +1: may the viewer see every department (the trust QI team's permission).
    # +1: the projects the department takes part in, read first (involving_department_q).
    with django_assert_max_num_queries(11):
        client.get(reverse("recognition:board_display") + "?item=1")


# Display links: made and revoked by champions and admins


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("champion", 200),
        ("admin", 200),
        ("staff", 403),
        ("manager", 403),
        ("colleague", 403),
        ("outsider", 403),
    ],
)
def test_only_champions_and_admins_manage_display_links(
    db, request, client_for, persona, status, champion
):
    link, _token = services.display_link_create(
        department=champion.department, name="Dispensary", created_by=champion.user
    )
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("recognition:display_links")).status_code == status
    response = client.post(reverse("recognition:display_links"), {"name": "Staff room"})
    assert response.status_code == status
    revoke = reverse("recognition:display_link_revoke", args=[link.pk])
    # The outsider is no champion; a champion of another department would get a 404.
    assert client.post(revoke).status_code == (302 if status == 200 else 403)
    link.refresh_from_db()
    assert (link.revoked_at is not None) == (status == 200)


def test_champion_of_another_department_cannot_revoke_our_links(client_for, champion, outsider):
    link, _token = services.display_link_create(
        department=champion.department, name="Outpatients screen", created_by=champion.user
    )
    ChampionAssignmentFactory(person=outsider, clinical_area=outsider.clinical_areas.get())
    client = client_for(outsider)
    html = client.get(reverse("recognition:display_links")).content.decode()
    assert "Outpatients screen" not in html
    revoke = reverse("recognition:display_link_revoke", args=[link.pk])
    assert client.post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.is_active


def test_new_link_is_shown_once_and_only_its_digest_is_kept(client_for, champion):
    client = client_for(champion)
    response = client.post(reverse("recognition:display_links"), {"name": "Dispensary staff room"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    match = re.search(r"<code>http://testserver/board/display/([A-Za-z0-9_-]{40,})/</code>", html)
    assert match is not None
    token = match.group(1)
    link = DisplayLink.objects.get()
    assert (link.name, link.department, link.created_by) == (
        "Dispensary staff room",
        champion.department,
        champion.user,
    )
    assert link.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in client.get(reverse("recognition:display_links")).content.decode()


def test_link_needs_the_screens_name(client_for, champion):
    response = client_for(champion).post(reverse("recognition:display_links"), {"name": ""})
    assert "Enter where the screen is" in response.content.decode()
    assert not DisplayLink.objects.exists()


def test_revoking_twice_says_it_is_already_revoked(client_for, champion):
    link, _token = services.display_link_create(
        department=champion.department, name="Dispensary", created_by=champion.user
    )
    url = reverse("recognition:display_link_revoke", args=[link.pk])
    assert client_for(champion).get(url).status_code == 405
    client_for(champion).post(url)
    response = client_for(champion).post(url, follow=True)
    assert "The link for Dispensary was already revoked" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_display_links_query_count_is_bounded(
    client_for, champion, admin, count, django_assert_max_num_queries
):
    for number in range(count):
        services.display_link_create(
            department=champion.department,
            name=f"Screen {number}",
            created_by=(admin if number % 2 else champion).user,
        )
    client = client_for(champion)
    # session, user, person, their champion areas, their department; count, one page of links
    # with the people who made them.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("recognition:display_links"))
    assert response.content.decode().count("Revoke<span") == min(count, 25)


def test_display_links_page_25_at_a_time_with_the_links_in_use_first(client_for, champion):
    links = [
        services.display_link_create(
            department=champion.department, name=f"Screen {number}", created_by=champion.user
        )[0]
        for number in range(30)
    ]
    now = timezone.now()
    # The five newest links are revoked: they go after the 25 still in use.
    DisplayLink.objects.filter(pk__in=[link.pk for link in links[-5:]]).update(revoked_at=now)
    DisplayLink.objects.filter(pk=links[0].pk).update(created_at=now - dt.timedelta(days=1))
    client = client_for(champion)
    html = client.get(reverse("recognition:display_links")).content.decode()
    assert "30 links, the ones in use first: showing 1 to 25" in html
    assert html.count("Revoke<span") == 25
    assert "Revoked " not in html
    assert html.index("Screen 24") < html.index("Screen 1<") < html.index("Screen 0<")
    html = client.get(reverse("recognition:display_links") + "?page=2").content.decode()
    assert html.count("Revoke<span") == 0
    assert html.count("Revoked ") == 5
    assert 'href="?page=1"' in html


# Display links: what a screen sees without signing in


@pytest.fixture
def display_link(champion):
    link, token = services.display_link_create(
        department=champion.department, name="Dispensary", created_by=champion.user
    )
    return link, token


def _display_titles(client, url) -> str:
    """Every project the display cycles through, by following Next round the loop."""
    html = client.get(url).content.decode()
    pages = [html]
    count = int(re.search(r"Project 1 of (\d+)", html).group(1))
    for number in range(2, count + 1):
        pages.append(client.get(f"{url}?item={number}").content.decode())
    return "\n".join(pages)


def test_display_link_shows_the_board_only_and_never_starts_a_session(
    client, display_link, board_mix
):
    link, token = display_link
    url = reverse("recognition:board_display_by_link", args=[token])
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies
    html = _display_titles(client, url)
    for project in board_mix["on"]:
        assert project.title in html
    for project in board_mix["off"].values():
        assert project.title not in html
    # No way out of the display: no links to the register or the projects.
    assert 'href="/projects/' not in html
    assert "Leave display mode" not in html
    assert "sessionid" not in client.cookies


def test_display_link_serves_poster_images_of_board_projects_only(
    client, display_link, board_mix, acute_medicine
):
    _link, token = display_link
    on_poster = board_mix["on"][0]
    html = client.get(
        reverse("recognition:board_display_by_link", args=[token]) + "?item=2"
    ).content.decode()
    image = reverse("recognition:board_display_poster_by_link", args=[token, on_poster.pk])
    assert f'src="{image}?v=' in html
    response = client.get(image)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sessionid" not in response.cookies
    # Posters of projects that are not on this board stay out of reach: a draft and an idea
    # of the same department, another department's, and a PDF poster with no picture of its
    # first page.
    pdf_project = ProjectFactory(
        lead=on_poster.lead, headline_impact="PDF only", clinical_areas=[acute_medicine]
    )
    services.poster_save(
        project=pdf_project,
        upload=poster_upload("poster.pdf", PDF_BYTES.replace(b"0 0 595 842", b"0 0 1 1")),
        content_type="application/pdf",
        uploaded_by=pdf_project.lead,
    )
    for project in [
        *(board_mix["off"][key] for key in ("draft", "idea", "elsewhere")),
        pdf_project,
    ]:
        url = reverse("recognition:board_display_poster_by_link", args=[token, project.pk])
        assert client.get(url).status_code == 404


def test_display_link_poster_is_never_cached_and_has_a_neutral_name(
    client, display_link, board_mix
):
    """A revoked screen must not keep showing cached posters, and nothing of the uploader's
    file name goes to a client that is not signed in."""
    _link, token = display_link
    project = board_mix["on"][0]
    Poster.objects.filter(project=project).update(original_name="Sam's ward 7 photos.png")
    response = client.get(
        reverse("recognition:board_display_poster_by_link", args=[token, project.pk])
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'inline; filename="poster.png"'
    assert "ward" not in response["Content-Disposition"]
    assert project.reference not in response["Content-Disposition"]


def test_display_shows_a_pdf_poster_by_its_first_page(client, display_link, board_mix):
    _link, token = display_link
    project = board_mix["on"][1]  # the project with a headline and no poster
    add_poster(project, "pdf")
    url = reverse("recognition:board_display_by_link", args=[token])
    html = client.get(url + "?item=1").content.decode()
    assert project.title in html
    image = reverse("recognition:board_display_poster_by_link", args=[token, project.pk])
    assert f'<img class="qi-display__poster" src="{image}?v=' in html
    assert "The poster is a PDF" not in html
    response = client.get(image)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert response["Content-Disposition"] == 'inline; filename="poster.jpg"'


def test_display_link_opens_nothing_else(client, display_link, board_mix):
    _link, token = display_link
    client.get(reverse("recognition:board_display_by_link", args=[token]))
    project = board_mix["on"][0]
    for url in (
        reverse("recognition:board"),
        reverse("recognition:board_display"),
        reverse("projects:detail", args=[project.pk]),
        reverse("recognition:poster_file", args=[project.pk]),
        reverse("recognition:project_summary", args=[project.pk]),
    ):
        assert_login_redirect(client.get(url))


def test_revoked_link_stops_working(client, client_for, champion, display_link, board_mix):
    link, token = display_link
    url = reverse("recognition:board_display_by_link", args=[token])
    image = reverse("recognition:board_display_poster_by_link", args=[token, board_mix["on"][0].pk])
    assert client.get(url).status_code == 200
    assert client.get(image).status_code == 200
    client_for(champion).post(reverse("recognition:display_link_revoke", args=[link.pk]))
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(image).status_code == 404


def test_unknown_link_is_404(client, db):
    assert (
        client.get(
            reverse("recognition:board_display_by_link", args=["not-a-real-token"])
        ).status_code
        == 404
    )


def test_link_records_when_it_was_last_used_at_most_once_a_minute(client, display_link):
    link, token = display_link
    url = reverse("recognition:board_display_by_link", args=[token])
    client.get(url)
    link.refresh_from_db()
    first_use = link.last_used_at
    assert first_use is not None
    client.get(url)
    link.refresh_from_db()
    assert link.last_used_at == first_use
    DisplayLink.objects.filter(pk=link.pk).update(last_used_at=first_use - dt.timedelta(minutes=2))
    client.get(url)
    link.refresh_from_db()
    assert link.last_used_at > first_use
    # Screens asking every few seconds write no history.
    assert link.history.count() == 1


@pytest.mark.parametrize("count", [1, 30])
def test_display_by_link_query_count_is_bounded(
    client, display_link, staff, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    _board_projects(count, staff, pharmacy, acute_medicine)
    _link, token = display_link
    # the link; count, the one project with lead and poster, its co-leads and members.
    # +1: the projects the department takes part in, read first (involving_department_q).
    with django_assert_max_num_queries(7):
        client.get(reverse("recognition:board_display_by_link", args=[token]) + "?item=1")


# The A4 summary


@pytest.mark.parametrize(("persona", "submitted", "draft_status"), UPLOAD_MATRIX)
def test_summary_is_for_whoever_can_see_the_project(
    db, request, client, client_for, team_project, team_draft, persona, submitted, draft_status
):
    as_persona = _as(request, client, client_for, persona)
    for name in ("project_summary", "project_summary_pdf"):
        assert (
            as_persona.get(reverse(f"recognition:{name}", args=[team_project.pk])).status_code
            == 200
        )
        draft_url = reverse(f"recognition:{name}", args=[team_draft.pk])
        assert as_persona.get(draft_url).status_code == draft_status


def test_summaries_need_a_login(client, project):
    for name in ("project_summary", "project_summary_pdf"):
        assert_login_redirect(client.get(reverse(f"recognition:{name}", args=[project.pk])))


def test_summary_page_has_the_project_on_one_printable_page(client_for, staff, team_project):
    add_poster(team_project)
    html = (
        client_for(staff)
        .get(reverse("recognition:project_summary", args=[team_project.pk]))
        .content.decode()
    )
    assert '<article class="qi-print-summary">' in html
    for text in (
        team_project.title,
        team_project.reference,
        "Planning",
        "Omitted critical doses down from 12% to 4%",
        "Sam Taylor (lead)",
        "Cora Lead (co-lead)",
        "Mina Member (Data collector)",
        reverse("recognition:poster_thumbnail", args=[team_project.pk]),
        reverse("recognition:project_summary_pdf", args=[team_project.pk]),
    ):
        assert text in html
    assert "QR" not in html


def _pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_summary_pdf_has_title_reference_lead_and_impact_on_one_a4_page(
    client_for, staff, team_project
):
    add_poster(team_project, "jpeg")
    response = client_for(staff).get(
        reverse("recognition:project_summary_pdf", args=[team_project.pk])
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="{team_project.reference}-summary.pdf"'
    )
    reader = _pdf(response)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = " ".join(page.extract_text().split())
    for expected in (
        team_project.title,
        team_project.reference,
        "Sam Taylor",
        "Omitted critical doses down from 12% to 4%",
    ):
        assert expected in text
    assert len(page.images) == 1  # the poster thumbnail, embedded
    # A tagged PDF, in English, for screen readers (the accessibility statement says so).
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"


def test_summary_pdf_of_a_long_project_still_fits_one_page(
    client_for, staff, pharmacy, acute_medicine
):
    project = ProjectFactory(
        lead=staff,
        title="A very long title " * 8,
        aim="Reduce the time patients wait for discharge medicines. " * 40,
        problem="Patients wait for hours for their medicines on discharge. " * 90,
        headline_impact="Waits down " * 27,
        co_leads=[PersonFactory(department=pharmacy) for _ in range(4)],
        clinical_areas=[acute_medicine],
    )
    for _ in range(12):
        Membership.objects.create(
            project=project, person=PersonFactory(department=pharmacy), role_title="Buddy"
        )
    add_poster(project, "png")
    response = client_for(staff).get(reverse("recognition:project_summary_pdf", args=[project.pk]))
    assert len(_pdf(response).pages) == 1


# On the project page


def test_project_page_shows_the_board_section_and_upload_link_to_editors(
    client_for, staff, colleague, team_project
):
    add_poster(team_project)
    url = reverse("projects:detail", args=[team_project.pk])
    html = client_for(staff).get(url).content.decode()
    assert html.index('<h2 id="poster">Poster and QI board</h2>') < html.index('<h2 id="team">')
    assert "Omitted critical doses down from 12% to 4%" in html
    assert "Yes: it shows on the" in html
    upload = reverse("recognition:poster_upload", args=[team_project.pk])
    assert f'href="{upload}">Replace or remove the poster</a>' in html
    assert reverse("recognition:project_summary", args=[team_project.pk]) in html
    assert reverse("recognition:project_summary_pdf", args=[team_project.pk]) in html
    assert reverse("recognition:poster_thumbnail", args=[team_project.pk]) in html
    html = client_for(colleague).get(url).content.decode()
    assert "Poster and QI board" in html
    assert f'href="{upload}"' not in html


def test_project_page_says_why_a_project_is_not_on_the_board(client_for, staff, project, draft):
    html = client_for(staff).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "No: it shows once it has a poster or a headline impact" in html
    html = client_for(staff).get(reverse("projects:detail", args=[draft.pk])).content.decode()
    assert "No: a project shows once it is submitted and approved" in html


def test_lead_writes_the_headline_impact_on_the_edit_page(client_for, staff, project):
    response = client_for(staff).post(
        reverse("projects:edit", args=[project.pk]),
        project_edit_data(project, headline_impact="Omitted doses halved on two wards"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.headline_impact == "Omitted doses halved on two wards"
    html = client_for(staff).get(reverse("recognition:board")).content.decode()
    assert "Omitted doses halved on two wards" in html


def test_headline_impact_is_one_short_sentence(client_for, staff, project):
    response = client_for(staff).post(
        reverse("projects:edit", args=[project.pk]),
        project_edit_data(project, headline_impact="x" * 301),
    )
    assert "Headline impact must be 300 characters or fewer" in response.content.decode()


def test_board_section_costs_the_project_page_one_query_with_or_without_a_poster(
    client_for, staff, project, acute_medicine
):
    """The section reads the poster (one query); the edit check reuses what the page loaded.
    The page's own bound, poster included, is in tests/projects/test_project_pages.py."""
    with_poster = ProjectFactory(lead=staff, clinical_areas=[acute_medicine])
    add_poster(with_poster)
    client = client_for(staff)
    counts = []
    for shown in (project, with_poster):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("projects:detail", args=[shown.pk]))
        counts.append(len(queries))
        assert sum("recognition_poster" in query["sql"] for query in queries) == 1
    assert counts[0] == counts[1]


@pytest.mark.parametrize(("kind", "label"), [("png", "(PNG, "), ("jpeg", "(JPEG, ")])
def test_project_page_names_an_image_posters_format(client_for, staff, project, kind, label):
    add_poster(project, kind)
    html = client_for(staff).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert label in html


def test_board_pages_stay_on_the_department_chosen(client_for, admin, pharmacy, acute_medicine):
    _board_projects(25, admin, pharmacy, acute_medicine)
    url = reverse("recognition:board") + f"?department={pharmacy.slug}"
    html = client_for(admin).get(url).content.decode()
    assert f'href="?department={pharmacy.slug}&amp;page=2" rel="next"' in html
    html = client_for(admin).get(url + "&page=2").content.decode()
    assert f'href="?department={pharmacy.slug}&amp;page=1" rel="prev"' in html
    assert "showing 25 to 25" in html
