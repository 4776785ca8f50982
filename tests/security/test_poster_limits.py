"""Hostile poster files cannot take down the server: every uploaded file is decoded (a PDF's
first page drawn, an image's pixels read) in a child process with bounded memory (its address
space), CPU time and wall time. A file that needs more is refused with a clear message and
nothing is saved, while the server's own process stays up and small.

The hostile files are built here: a PDF of nested form XObjects (each painting the next four
times: 4^24 drawings of one page), a PDF with one Flate stream of 600 MiB of zeros (2.7 MB as
uploaded), and images that declare or need more pixels than the bounds allow."""

import resource
import runpy
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from weasyprint import HTML

from recognition import posters
from recognition.models import Poster
from tests.recognition.test_board import _refused, image_bytes, poster_upload

PERSONAS_BUILT_ONCE = ("staff", "project")

MEBIBYTE = 1024 * 1024
PDF_REFUSED = "This PDF could not be turned into a preview within the limits"
IMAGE_REFUSED = "This image could not be turned into a preview within the limits"
# How much the server's own process may grow while it refuses a hostile file: the upload and
# what the child sends back (a few MB each), never the file decoded.
SERVER_GROWTH_BOUND = 64 * MEBIBYTE


def pdf_of(*objects: bytes) -> bytes:
    """A PDF whose objects are numbered 1, 2, ... in order; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_stream(entries: bytes, data: bytes) -> bytes:
    return b"<<%b/Length %d>>\nstream\n%b\nendstream" % (entries, len(data), data)


CATALOG = b"<</Type/Catalog/Pages 2 0 R>>"
PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"


def nested_xobjects_pdf(depth: int = 25, fanout: int = 4) -> bytes:
    """About 7 KB: page 1 paints form 1, which paints form 2 four times, and so on 25 deep."""
    first = 5
    forms = []
    for level in range(depth):
        if level + 1 < depth:
            content = b" ".join(
                b"q 0.5 0 0 0.5 %d %d cm /X Do Q" % (i * 10, i * 10) for i in range(fanout)
            )
            resources = b"/Resources<</XObject<</X %d 0 R>>>>" % (first + level + 1)
        else:
            content, resources = b"0 0 m 595 842 l 10 w S 0 0 100 100 re f", b""
        forms.append(
            pdf_stream(b"/Type/XObject/Subtype/Form/BBox[0 0 595 842]" + resources, content)
        )
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    page += b"/Resources<</XObject<</X0 %d 0 R>>>>>>" % first
    return pdf_of(CATALOG, PAGES, page, pdf_stream(b"", b"q /X0 Do Q"), *forms)


def flate_bomb_pdf(mebibytes: int = 600) -> bytes:
    """Page 1's content: one Flate stream of `mebibytes` MiB of zeros, 4.5 KB a MiB as stored
    (zlib level 1, compressed 16 MiB at a time: about a second)."""
    compressor = zlib.compressobj(1)
    zeros = bytes(16 * MEBIBYTE)
    parts = [compressor.compress(zeros) for _ in range(mebibytes // 16)]
    parts.append(compressor.flush())
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>"
    return pdf_of(CATALOG, PAGES, page, pdf_stream(b"/Filter/FlateDecode", b"".join(parts)))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header claims `width` by `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    rows = zlib.compress(bytes(1 + 4 * 1000) * 10)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _peak_rss(who) -> int:
    """The peak resident memory in bytes (Linux reports kilobytes) of this process, or of the
    largest child process it has waited for."""
    return resource.getrusage(who).ru_maxrss * 1024


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child_peak_memory(caplog) -> int | None:
    """The peak memory of the child that read the last upload, as it reported it before it
    ended (VmHWM); None if it was killed first."""
    reads = [record for record in caplog.records if hasattr(record, "peak_memory")]
    return reads[-1].peak_memory if reads else None


def _refused_within_bounds(client, draft, name: str, content: bytes, settings, caplog) -> str:
    """Upload `content` as the draft's lead and check the bounds held: nothing saved, a child
    process did the reading, and neither this process nor the child grew past its bound."""
    bound = settings.QIREGISTER_POSTER_MEMORY_MB * MEBIBYTE
    server_before = _peak_rss(resource.RUSAGE_SELF)
    children_before = _peak_rss(resource.RUSAGE_CHILDREN)
    children_cpu_before = _children_cpu_seconds()
    with caplog.at_level("INFO", logger="recognition.posters"):
        html = _refused(client, draft, poster_upload(name, content))
    server_after = _peak_rss(resource.RUSAGE_SELF)
    assert server_after - server_before < SERVER_GROWTH_BOUND
    assert _children_cpu_seconds() > children_cpu_before  # the file was read in a child
    # The largest child this process has waited for. Linux counts a child's peak from its
    # fork, when it is as large as this process: the bound holds when this process is smaller.
    assert _peak_rss(resource.RUSAGE_CHILDREN) <= max(children_before, server_after, bound)
    if (reported := _child_peak_memory(caplog)) is not None:
        assert 0 < reported < bound
    return html


@pytest.mark.parametrize(
    "build", [nested_xobjects_pdf, flate_bomb_pdf], ids=["nested-xobjects", "flate-bomb"]
)
def test_pdf_that_needs_more_memory_than_the_bound_is_refused_and_the_server_stays_small(
    client_for, staff, draft, settings, caplog, build
):
    content = build()
    assert len(content) < 3 * MEBIBYTE
    started = time.monotonic()
    html = _refused_within_bounds(client_for(staff), draft, "poster.pdf", content, settings, caplog)
    assert time.monotonic() - started < settings.QIREGISTER_POSTER_WALL_SECONDS + 5
    assert html.count(PDF_REFUSED) == 2  # next to the field and in the error summary
    assert "export the poster again as a simpler PDF, or as a PNG or JPEG" in html


def test_pdf_that_takes_too_much_cpu_time_is_refused(client_for, staff, draft, settings, caplog):
    """With room to grow (2 GiB), the nested PDF draws until its CPU time (1 s) runs out."""
    settings.QIREGISTER_POSTER_MEMORY_MB = 2048
    settings.QIREGISTER_POSTER_CPU_SECONDS = 1
    html = _refused_within_bounds(
        client_for(staff), draft, "poster.pdf", nested_xobjects_pdf(), settings, caplog
    )
    assert html.count(PDF_REFUSED) == 2


def test_pdf_that_takes_too_long_is_stopped_at_the_wall_time(
    client_for, staff, draft, settings, caplog
):
    """A child that is still at it after the wall time (1 s here) is killed, whatever its CPU
    time: the request never waits longer than that for it."""
    settings.QIREGISTER_POSTER_MEMORY_MB = 2048
    settings.QIREGISTER_POSTER_CPU_SECONDS = 60
    settings.QIREGISTER_POSTER_WALL_SECONDS = 1
    started = time.monotonic()
    html = _refused_within_bounds(
        client_for(staff), draft, "poster.pdf", nested_xobjects_pdf(), settings, caplog
    )
    assert time.monotonic() - started < 5
    assert html.count(PDF_REFUSED) == 2


def test_png_declaring_enormous_dimensions_is_refused_unread(
    client_for, staff, draft, settings, caplog
):
    """A 1,000,000 by 1,000,000 PNG (4 TB decoded) of a few hundred bytes: refused by its
    header, in the child, before any pixel is read."""
    bomb = png_declaring(1_000_000, 1_000_000)
    assert len(bomb) < 1_000
    html = _refused_within_bounds(client_for(staff), draft, "poster.png", bomb, settings, caplog)
    assert html.count("The image must be at most 25 million pixels in all") == 2


def test_image_that_needs_more_memory_than_the_bound_is_refused(
    client_for, staff, draft, settings, caplog
):
    """Within the pixel limits but not within a (lowered, 128 MiB) memory bound: a 5,000 by
    5,000 transparent PNG decodes to 100 MB."""
    settings.QIREGISTER_POSTER_MEMORY_MB = 128
    png = image_bytes("PNG", size=(5_000, 5_000), mode="RGBA")
    html = _refused_within_bounds(client_for(staff), draft, "poster.png", png, settings, caplog)
    assert html.count(IMAGE_REFUSED) == 2
    assert "save it again as a smaller PNG or JPEG" in html


@pytest.mark.parametrize("kind", ["pdf", "png"])
def test_ordinary_pdf_and_png_posters_are_accepted_with_their_preview(
    client_for, staff, draft, settings, caplog, kind
):
    content = {
        "pdf": HTML(string="<h1 style='font-size: 120px'>Poster</h1>").write_pdf(),
        # A1 at 150 dots per inch, transparent: the largest kind of poster there is.
        "png": image_bytes("PNG", size=(3_500, 5_000), mode="RGBA"),
    }[kind]
    with caplog.at_level("INFO", logger="recognition.posters"):
        response = client_for(staff).post(
            reverse("recognition:poster_upload", args=[draft.pk]),
            {"file": poster_upload(f"poster.{kind}", content)},
        )
    assert response.status_code == 302
    poster = Poster.objects.get(project=draft)
    with default_storage.open(poster.thumbnail.name, "rb") as stored, Image.open(stored) as thumb:
        assert (thumb.format, thumb.width) == ("JPEG", 600)
    assert 0 < _child_peak_memory(caplog) < settings.QIREGISTER_POSTER_MEMORY_MB * MEBIBYTE


def test_the_bounds_default_to_512_mib_10_cpu_seconds_and_15_seconds(settings):
    assert settings.QIREGISTER_POSTER_MEMORY_MB == 512
    assert settings.QIREGISTER_POSTER_CPU_SECONDS == 10
    assert settings.QIREGISTER_POSTER_WALL_SECONDS == 15


def _settings_with(monkeypatch, **variables: str) -> dict:
    monkeypatch.setenv("DATABASE_URL", "postgres://qi@127.0.0.1:5432/qi")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "qiregister" / "settings.py"))


def test_the_bounds_are_set_by_environment_variables(monkeypatch):
    loaded = _settings_with(
        monkeypatch,
        QIREGISTER_POSTER_MEMORY_MB="1024",
        QIREGISTER_POSTER_CPU_SECONDS="5",
        QIREGISTER_POSTER_WALL_SECONDS="30",
    )
    assert loaded["QIREGISTER_POSTER_MEMORY_MB"] == 1024
    assert loaded["QIREGISTER_POSTER_CPU_SECONDS"] == 5
    assert loaded["QIREGISTER_POSTER_WALL_SECONDS"] == 30


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QIREGISTER_POSTER_MEMORY_MB", "64"),
        ("QIREGISTER_POSTER_CPU_SECONDS", "0"),
        ("QIREGISTER_POSTER_WALL_SECONDS", "-1"),
    ],
)
def test_a_bound_too_small_to_read_any_poster_refuses_to_start(monkeypatch, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        _settings_with(monkeypatch, **{name: value})


def test_one_poster_is_read_at_a_time_in_each_server_process(client_for, staff, draft, settings):
    """While another upload's child runs (its turn held here), the next waits for twice the
    wall time, then is told to try again: concurrent uploads never add a second memory bound."""
    settings.QIREGISTER_POSTER_WALL_SECONDS = 1
    assert posters._one_at_a_time.acquire(timeout=5)
    try:
        html = _refused(client_for(staff), draft, poster_upload("poster.png", image_bytes()))
    finally:
        posters._one_at_a_time.release()
    assert html.count("The server is busy reading other posters: try again in a minute") == 2


def test_a_thumbnail_that_is_not_a_small_jpeg_is_never_stored(tmp_path, monkeypatch):
    """Should a hostile file take over the child, what it hands back as the thumbnail is still
    checked (header only) before the server keeps it: here a PNG declaring 100,000 px a side."""
    bomb = png_declaring(100_000, 100_000)
    fake_reader = tmp_path / "taken_over_reader.py"
    fake_reader.write_text(
        "import json, sys\n"
        "sys.stdin.buffer.read()\n"
        f"thumbnail = {bomb!r}\n"
        "header = {'file': 3, 'thumbnail': len(thumbnail), 'warning': None,\n"
        "          'cpu_seconds': 0.0, 'peak_memory': 0}\n"
        "sys.stdout.buffer.write(json.dumps(header).encode() + b'\\n' + b'PNG' + thumbnail)\n"
    )
    monkeypatch.setattr(posters, "READER", fake_reader)
    upload = poster_upload("poster.png", image_bytes())
    with pytest.raises(RuntimeError, match="thumbnail is not a JPEG within the thumbnail box"):
        posters.poster_files(upload, "image/png")
