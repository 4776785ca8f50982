"""Poster files for the QI board: what an upload really is, the file that is kept (with its
metadata taken out) and its thumbnail, all from one reading of the upload.

An uploaded file is never decoded in the server's own process: recognition.poster_reader reads
it in a child process bounded in memory (its address space), CPU time and wall time
(QIREGISTER_POSTER_MEMORY_MB, _CPU_SECONDS and _WALL_SECONDS). A file that needs more, such as
a 5 KB PDF of nested drawings or a PNG that decodes to gigabytes, is refused; the worker, and
the requests it serves, never notice.
"""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from recognition.poster_reader import MAX_POSTER_PIXELS, MAX_POSTER_SIDE, THUMBNAIL_BOX

logger = logging.getLogger(__name__)

# What the first bytes of each accepted kind of file are, its label, and the names it may end in.
POSTER_KINDS = {
    "application/pdf": (b"%PDF-", "PDF", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", "PNG image", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", "JPEG image", (".jpg", ".jpeg")),
}
NOT_A_POSTER = "The file must be a PDF, PNG or JPEG"
READER = Path(__file__).with_name("poster_reader.py")
MEGABYTE = 1024 * 1024
# One child at a time in each server process (gunicorn's threads wait their turn), so reading
# posters adds at most one memory bound per process however many are uploaded at once.
_one_at_a_time = threading.Lock()


@dataclass(frozen=True)
class PosterFiles:
    """What is stored for an upload: the poster file itself, without its metadata, and a JPEG
    thumbnail (None when a PDF's first page could not be drawn: the board then links to the PDF
    instead)."""

    file: ContentFile
    thumbnail: ContentFile | None


def sniff(upload) -> str | None:
    """The content type the file's first bytes show, whatever its name or the browser says."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (signature, _label, _suffixes) in POSTER_KINDS.items():
        if head.startswith(signature):
            return content_type
    return None


def poster_files(upload, content_type: str) -> PosterFiles:
    """Read a PDF, PNG or JPEG upload once, in a bounded child process: refuse it if it cannot
    be read within the bounds (ValidationError, with a message for the uploader), else return
    the file to keep and its thumbnail."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    wall_seconds = settings.QIREGISTER_POSTER_WALL_SECONDS
    command = [
        sys.executable,
        "-I",  # isolated: no PYTHON* variables, no current folder or user site-packages
        str(READER),
        content_type,
        str(settings.QIREGISTER_POSTER_MEMORY_MB * MEGABYTE),
        str(settings.QIREGISTER_POSTER_CPU_SECONDS),
    ]
    if not _one_at_a_time.acquire(timeout=2 * wall_seconds):
        raise ValidationError(
            "The server is busy reading other posters: try again in a minute", code="busy"
        )
    try:
        # No environment: the child needs no settings, and gets no secrets. At the wall time
        # run() kills the child (SIGKILL) and reaps it.
        child = subprocess.run(  # noqa: S603 - our own script, no shell, fixed arguments
            command, input=data, capture_output=True, env={}, timeout=wall_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        logger.warning("Poster refused: still being read after %s s (wall time)", wall_seconds)
        raise _over_the_limits(content_type) from None
    finally:
        _one_at_a_time.release()
    if child.returncode < 0:
        # SIGXCPU or SIGKILL at the CPU time; SIGABRT when PDFium ran out of address space.
        logger.warning("Poster refused: reading it ended with %s", _signal_name(child.returncode))
        raise _over_the_limits(content_type)
    if child.returncode != 0:
        raise RuntimeError(f"The poster reader failed: {child.stderr[-2000:]!r}")
    header_line, _newline, rest = child.stdout.partition(b"\n")
    header = json.loads(header_line)
    logger.info(
        "Poster read in a child process: %.2f s of CPU, peak memory %d MiB",
        header["cpu_seconds"],
        header["peak_memory"] // MEGABYTE,
        extra={"peak_memory": header["peak_memory"], "cpu_seconds": header["cpu_seconds"]},
    )
    if "refused" in header:
        if child.stderr:
            logger.warning("Poster refused (%s): %s", header["refused"], child.stderr[-2000:])
        raise _refusal(header["refused"], content_type)
    if header["warning"]:
        logger.warning(header["warning"])
    file_size, thumbnail_size = header["file"], header["thumbnail"]
    if len(rest) != file_size + (thumbnail_size or 0):
        raise RuntimeError("The poster reader's answer is not the length it says")
    thumbnail = None if thumbnail_size is None else _checked_thumbnail(rest[file_size:])
    return PosterFiles(file=ContentFile(rest[:file_size]), thumbnail=thumbnail)


def _checked_thumbnail(data: bytes) -> ContentFile:
    """The child's thumbnail, if it is what the reader makes: a JPEG within the thumbnail box.

    The server decodes thumbnails later (WeasyPrint's A4 summary), so a child taken over by a
    hostile file must not be able to hand back an image bomb. Image.open reads the header only.
    """
    longest, shortest = max(THUMBNAIL_BOX), min(THUMBNAIL_BOX)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            is_jpeg = image.format == "JPEG"
    except (OSError, Image.DecompressionBombError, ValueError):
        is_jpeg, width, height = False, 0, 0
    if not is_jpeg or max(width, height) > longest or min(width, height) > shortest:
        raise RuntimeError("The poster reader's thumbnail is not a JPEG within the thumbnail box")
    return ContentFile(data)


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


# Why a file is refused, in the uploader's words.


def _refusal(code: str, content_type: str) -> ValidationError:
    if code == "limits":
        return _over_the_limits(content_type)
    if code == "dimensions":
        return ValidationError(
            f"The image must be at most {MAX_POSTER_PIXELS // 1_000_000} million pixels in all "
            f"(an A1 poster at 150 dots per inch is about 3,500 by 5,000) and at most "
            f"{MAX_POSTER_SIDE:,} pixels wide and high: save it smaller and try again",
            code="dimensions",
        )
    if code == "pdf_password":
        return ValidationError(
            "The PDF is protected by a password: save it without one and try again",
            code="pdf_password",
        )
    if content_type == "application/pdf":
        return ValidationError(
            f"The PDF could not be read and may be damaged: {NOT_A_POSTER}; save it again and "
            "try again",
            code="damaged",
        )
    return ValidationError(
        "The image could not be read and may be damaged: save it again as a PNG or JPEG",
        code="damaged",
    )


def _over_the_limits(content_type: str) -> ValidationError:
    if content_type == "application/pdf":
        return ValidationError(
            "This PDF could not be turned into a preview within the limits of the server's "
            "memory and time: export the poster again as a simpler PDF, or as a PNG or JPEG, "
            "and try again",
            code="limits",
        )
    return ValidationError(
        "This image could not be turned into a preview within the limits of the server's "
        "memory and time: save it again as a smaller PNG or JPEG and try again",
        code="limits",
    )
