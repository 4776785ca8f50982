"""Poster files for the QI board: what an upload really is, the file that is kept (with the
camera's metadata taken out) and its thumbnail, all from one reading of the upload.

Memory is the cost to watch: a small PNG can decode to hundreds of megabytes. So an image is
decoded once, at full size only because the check needs it (and a JPEG's re-encoding), and
everything after that works on a small copy or a band of rows at a time.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageOps

logger = logging.getLogger(__name__)

# What the first bytes of each accepted kind of file are, its label, and the names it may end in.
POSTER_KINDS = {
    "application/pdf": (b"%PDF-", "PDF", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", "PNG image", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", "JPEG image", (".jpg", ".jpeg")),
}
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
NOT_A_POSTER = "The file must be a PDF, PNG or JPEG"

# An A1 poster at 150 dots per inch is about 3,500 by 5,000 pixels (17.5 million); a long banner
# may be up to 12,000 wide. A 25-million-pixel RGBA image decodes to 100 MB: more would only
# cost the server memory, and a small file can claim to be enormous.
MAX_POSTER_SIDE = 12_000
MAX_POSTER_PIXELS = 25_000_000
THUMBNAIL_BOX = (600, 1200)  # about 600 px wide; a very tall poster stops at 1200 px high
THUMBNAIL_QUALITY = 85
# How many pixels of a full-size image are converted at a time while it is shrunk.
BAND_PIXELS = 1_000_000
# A PDF page is 3 to 14,400 units (1/24 inch to 200 inches) a side; outside that, no thumbnail.
PDF_PAGE_SIDES = (3, 14_400)
# A PNG's chunks that make up the picture and its colours. Everything else is left out: text
# (author, software, comments), EXIF, XMP, times, animation and private chunks.
PNG_PICTURE_CHUNKS = frozenset(
    {b"IHDR", b"PLTE", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"cICP", b"sBIT", b"pHYs"}
    | {b"IDAT", b"IEND"}
)

# PDFium is not thread-safe: one document at a time in each process.
_pdfium_lock = threading.Lock()


@dataclass(frozen=True)
class PosterFiles:
    """What is stored for an upload: the poster file itself and a JPEG thumbnail (None when a
    PDF's first page could not be drawn: the board then links to the PDF instead)."""

    file: File
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
    """Read a PDF, PNG or JPEG upload once: refuse it if it cannot be read (ValidationError,
    with a message for the uploader), else return the file to keep and its thumbnail."""
    if content_type == "application/pdf":
        return _pdf_files(upload)
    return _image_files(upload, content_type)


# Images


def _too_big() -> ValidationError:
    return ValidationError(
        f"The image must be at most {MAX_POSTER_PIXELS // 1_000_000} million pixels in all (an "
        f"A1 poster at 150 dots per inch is about 3,500 by 5,000) and at most "
        f"{MAX_POSTER_SIDE:,} pixels wide and high: save it smaller and try again",
        code="dimensions",
    )


def _damaged() -> ValidationError:
    return ValidationError(
        "The image could not be read and may be damaged: save it again as a PNG or JPEG",
        code="damaged",
    )


def _image_files(upload, content_type: str) -> PosterFiles:
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; refuse outright instead.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            with Image.open(upload, formats=[PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
                if max(width, height) > MAX_POSTER_SIDE or width * height > MAX_POSTER_PIXELS:
                    raise _too_big()
                # The one full decode: a damaged or truncated file fails here.
                image.load()
                if content_type == "image/jpeg":
                    kept = _jpeg_without_metadata(image)
                else:
                    kept = _png_without_metadata(upload)
                thumbnail = _thumbnail(image)
        except ValidationError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_big() from None
        except Exception:  # noqa: BLE001 - Pillow signals a bad file with many exception types
            raise _damaged() from None
        finally:
            upload.seek(0)
    return PosterFiles(file=kept, thumbnail=thumbnail)


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation, 1 to 8 (1 is upright; 5 to 8 turn the picture a quarter)."""
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    return orientation if orientation in range(1, 9) else 1


def _jpeg_without_metadata(image: Image.Image) -> ContentFile:
    """The JPEG encoded again with only what draws it: no GPS position, camera, date, comment,
    XMP or second picture. The colour profile stays, and so does the orientation (alone in the
    EXIF), so the picture still stands the right way up."""
    exif = b""
    if (orientation := _orientation(image)) != 1:
        kept = Image.Exif()
        kept[ExifTags.Base.Orientation] = orientation
        exif = kept.tobytes()
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        # "keep" reuses the upload's own quantisation tables and subsampling: no visible loss and
        # about the same size. A multi-picture JPEG (MPO, from some phones) has none to keep.
        quality="keep" if image.format == "JPEG" else 90,
        exif=exif,
        icc_profile=image.info.get("icc_profile"),
        comment=b"",
    )
    return ContentFile(buffer.getvalue())


def _png_without_metadata(upload) -> ContentFile:
    """The PNG with only the chunks of the picture and its colours: its pixels are not encoded
    again (lossless, and instant where re-compressing a large PNG takes seconds)."""
    upload.seek(0)
    data = upload.read()
    kept = [data[:8]]
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        end = position + 12 + length  # length, type, data, CRC
        chunk_type = data[position + 4 : position + 8]
        if end > len(data):
            break
        if chunk_type in PNG_PICTURE_CHUNKS:
            kept.append(data[position:end])
        if chunk_type == b"IEND":
            # Anything after the end of the image is left out too.
            return ContentFile(b"".join(kept))
        position = end
    raise _damaged()


def _thumbnail(image: Image.Image) -> ContentFile:
    """A JPEG about 600 px wide, made small before it is turned the right way up."""
    orientation = _orientation(image)
    # Fit a picture that will be turned a quarter to the box turned the same way.
    box = THUMBNAIL_BOX if orientation < 5 else THUMBNAIL_BOX[::-1]
    small = _shrunk(image, box)
    small.thumbnail(box)
    if orientation != 1:
        small.info["exif"] = image.getexif().tobytes()
        ImageOps.exif_transpose(small, in_place=True)
    return _jpeg(small)


def _shrunk(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The image in RGB (RGBA if it has transparency) reduced by a whole factor to about twice
    the box, a band of rows at a time. Pillow's own reduce() and thumbnail() would first copy a
    transparent or palette image whole (a second 100 MB for a large RGBA poster)."""
    width, height = image.size
    factor = max(1, int(max(width / box[0], height / box[1]) / 2))
    mode = "RGBA" if image.has_transparency_data else "RGB"
    shrunk = Image.new(mode, (-(-width // factor), -(-height // factor)))
    rows = factor * max(1, BAND_PIXELS // (width * factor))  # whole blocks of factor rows
    for top in range(0, height, rows):
        band = image.crop((0, top, width, min(top + rows, height))).convert(mode)
        shrunk.paste(band.reduce(factor), (0, top // factor))
    return shrunk


def _jpeg(image: Image.Image) -> ContentFile:
    if image.mode != "RGB":
        # Transparent areas become white, as they look on the page.
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return ContentFile(buffer.getvalue())


# PDFs


def _pdf_files(upload) -> PosterFiles:
    """The PDF as uploaded, and its first page drawn as the thumbnail. A file that starts like a
    PDF but that PDFium cannot open, or that has no first page, is refused."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if error.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
                raise ValidationError(
                    "The PDF is protected by a password: save it without one and try again",
                    code="pdf_password",
                ) from None
            raise _unreadable_pdf() from None
        try:
            try:
                page = document[0]
            except (pdfium.PdfiumError, IndexError):
                raise _unreadable_pdf() from None
            try:
                thumbnail = _pdf_thumbnail(page)
            finally:
                page.close()
        finally:
            document.close()
    return PosterFiles(file=upload, thumbnail=thumbnail)


def _unreadable_pdf() -> ValidationError:
    return ValidationError(
        f"The PDF could not be read and may be damaged: {NOT_A_POSTER}; save it again and "
        "try again",
        code="damaged",
    )


def _pdf_thumbnail(page) -> ContentFile | None:
    """Page 1 drawn to fit the thumbnail box, or None (logged) if it cannot be drawn: the poster
    is kept and the board shows a link to the PDF instead."""
    width, height = page.get_size()
    low, high = PDF_PAGE_SIDES
    if not (low <= width <= high and low <= height <= high):
        logger.warning("No thumbnail for a PDF poster with a %.0f by %.0f page", width, height)
        return None
    # The drawing is no bigger than the box, whatever size the page claims to be.
    scale = min(THUMBNAIL_BOX[0] / width, THUMBNAIL_BOX[1] / height)
    try:
        bitmap = page.render(scale=scale)
        try:
            image = bitmap.to_pil()
            return _jpeg(image.convert("RGB"))
        finally:
            bitmap.close()
    except Exception:  # noqa: BLE001 - PDFium's drawing fails in many ways; the poster stays
        logger.warning(
            "No thumbnail for a PDF poster: its first page could not be drawn", exc_info=True
        )
        return None
