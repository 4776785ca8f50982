"""Reading an uploaded poster: the only code that decodes an uploaded file, run in a child
process with bounded memory, CPU time and wall time (see recognition.posters.poster_files).

Run as `python -I poster_reader.py <content type> <address space bytes> <CPU seconds>` with the
file on stdin: it limits itself before it reads a byte, then writes to stdout one JSON line
(`{"file": <bytes>, "thumbnail": <bytes or null>, "warning": ...}` or `{"refused": <code>}`)
followed by the file to keep and the thumbnail. It imports nothing of Django and gets no
environment, so a file that subverts a decoder finds no settings or secrets in this process.

Memory is the cost to watch: a small PNG can decode to hundreds of megabytes. So an image is
decoded once, at full size only because the check needs it (and a JPEG's re-encoding), and
everything after that works on a small copy or a band of rows at a time. PDFium (pypdfium2) has
no limit of its own: a 5 KB PDF of nested drawings grows it to gigabytes; here it aborts when
the address space runs out, and the parent refuses the file.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import traceback
import warnings
from dataclasses import dataclass

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
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
# What a PDF loses wherever it appears: the XMP metadata of the document or of any part of it;
# actions run on opening, closing, printing or on any event; JavaScript, named or in an
# action; embedded files and the files inside file attachments; XFA forms (which carry
# scripts). The document information dictionary (author, producer, title...) goes too.
PDF_KEYS_REMOVED = frozenset(
    {"/Metadata", "/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA"}
    # An application's private data (Illustrator keeps a whole copy of its own file there).
    | {"/PieceInfo"}
)
# The segments of a JPEG that hold metadata: APP1 (EXIF, with the camera and GPS position, and
# XMP), APP13 (Photoshop's IPTC: author, captions) and comments. The colour profile (APP2) and
# Adobe's colour marker (APP14), which the picture needs, stay.
JPEG_METADATA_SEGMENTS = frozenset({0xE1, 0xED, 0xFE})


class Refused(Exception):
    """The file is refused; `code` names why (the parent words the message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Read:
    """The file to keep (without its metadata) and its JPEG thumbnail (None when a PDF's first
    page could not be drawn; `warning` then says why, for the log)."""

    file: bytes
    thumbnail: bytes | None
    warning: str = ""


def read_poster(data: bytes, content_type: str) -> Read:
    """Check a PDF, PNG or JPEG, take its metadata out and draw its thumbnail; Refused if it
    cannot be read. MemoryError (the address space is used up) is left to the caller."""
    if content_type == "application/pdf":
        return _read_pdf(data)
    return _read_image(data, content_type)


# Images


def _read_image(data: bytes, content_type: str) -> Read:
    from PIL import Image

    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; refuse outright instead.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
                if max(width, height) > MAX_POSTER_SIDE or width * height > MAX_POSTER_PIXELS:
                    raise Refused("dimensions")
                # The one full decode: a damaged or truncated file fails here.
                image.load()
                if content_type == "image/jpeg":
                    kept = _jpeg_without_metadata(image)
                else:
                    kept = _png_without_metadata(data)
                thumbnail = _thumbnail(image)
        except (Refused, MemoryError):
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise Refused("dimensions") from None
        except Exception:  # noqa: BLE001 - Pillow signals a bad file with many exception types
            raise Refused("damaged") from None
    return Read(file=kept, thumbnail=thumbnail)


def _orientation(image) -> int:
    """The EXIF orientation, 1 to 8 (1 is upright; 5 to 8 turn the picture a quarter)."""
    from PIL import ExifTags

    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    return orientation if orientation in range(1, 9) else 1


def _jpeg_without_metadata(image) -> bytes:
    """The JPEG encoded again with only what draws it: no GPS position, camera, date, comment,
    XMP or second picture. The colour profile stays, and so does the orientation (alone in the
    EXIF), so the picture still stands the right way up."""
    from PIL import ExifTags, Image

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
    return buffer.getvalue()


def _png_without_metadata(data: bytes) -> bytes:
    """The PNG with only the chunks of the picture and its colours: its pixels are not encoded
    again (lossless, and instant where re-compressing a large PNG takes seconds)."""
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
            return b"".join(kept)
        position = end
    raise Refused("damaged")


def _thumbnail(image) -> bytes:
    """A JPEG about 600 px wide, made small before it is turned the right way up."""
    from PIL import ImageOps

    orientation = _orientation(image)
    # Fit a picture that will be turned a quarter to the box turned the same way.
    box = THUMBNAIL_BOX if orientation < 5 else THUMBNAIL_BOX[::-1]
    small = _shrunk(image, box)
    small.thumbnail(box)
    if orientation != 1:
        small.info["exif"] = image.getexif().tobytes()
        ImageOps.exif_transpose(small, in_place=True)
    return _jpeg(small)


def _shrunk(image, box: tuple[int, int]):
    """The image in RGB (RGBA if it has transparency) reduced by a whole factor to about twice
    the box, a band of rows at a time. Pillow's own reduce() and thumbnail() would first copy a
    transparent or palette image whole (a second 100 MB for a large RGBA poster)."""
    from PIL import Image

    width, height = image.size
    factor = max(1, int(max(width / box[0], height / box[1]) / 2))
    mode = "RGBA" if image.has_transparency_data else "RGB"
    shrunk = Image.new(mode, (-(-width // factor), -(-height // factor)))
    rows = factor * max(1, BAND_PIXELS // (width * factor))  # whole blocks of factor rows
    for top in range(0, height, rows):
        band = image.crop((0, top, width, min(top + rows, height))).convert(mode)
        shrunk.paste(band.reduce(factor), (0, top // factor))
    return shrunk


def _jpeg(image) -> bytes:
    from PIL import Image

    if image.mode != "RGB":
        # Transparent areas become white, as they look on the page.
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()


# PDFs


def _read_pdf(data: bytes) -> Read:
    """The PDF written again without its metadata and active content, and the first page of
    what is kept drawn as the thumbnail. A file that starts like a PDF but that neither pypdf
    nor PDFium can open, or that has no first page, is refused."""
    try:
        kept = _pdf_without_metadata(data)
    except Refused as refusal:
        if refusal.code != "pdf_damaged":
            raise
        # pypdf needs the file's table of objects; PDFium rebuilds one that is missing or
        # broken (as PDF readers do), and its copy is stripped instead.
        document = _pdfium_document(data)
        try:
            buffer = io.BytesIO()
            document.save(buffer)
        finally:
            document.close()
        kept = _pdf_without_metadata(buffer.getvalue())
    document = _pdfium_document(kept)
    try:
        import pypdfium2 as pdfium

        try:
            page = document[0]
        except (pdfium.PdfiumError, IndexError):
            raise Refused("pdf_damaged") from None
        try:
            thumbnail, warning = _pdf_thumbnail(page)
        finally:
            page.close()
    finally:
        document.close()
    return Read(file=kept, thumbnail=thumbnail, warning=warning)


def _pdfium_document(data: bytes):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
            raise Refused("pdf_password") from None
        raise Refused("pdf_damaged") from None


def _pdf_without_metadata(data: bytes) -> bytes:
    """The PDF written again by pypdf from what its catalog reaches, without the document
    information dictionary (author, producer, title...) and without PDF_KEYS_REMOVED or any
    action (a link's too) anywhere. Earlier revisions and unreferenced objects are not copied."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused("pdf_password")
        if len(reader.pages) == 0:
            raise Refused("pdf_damaged")
        writer = PdfWriter(clone_from=reader)
    except (Refused, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - pypdf fails on bad files in many ways
        raise Refused("pdf_damaged") from None
    writer.metadata = None
    for obj in writer._objects:  # every object the catalog reaches, once each
        if obj is not None:
            _strip(obj.get_object())
    # What is no longer referenced (the XMP streams, the scripts) is left out of the file.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _strip(obj) -> None:
    """Take PDF_KEYS_REMOVED and actions out of a dictionary and of the dictionaries and arrays
    written inside it (not those it refers to: each is an object of its own, stripped in turn)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(obj, DictionaryObject):
        for key in PDF_KEYS_REMOVED & obj.keys():
            del obj[key]
        # An action (its type in /S): of a link or other annotation, an outline item, a field.
        if "/A" in obj and isinstance(obj["/A"], DictionaryObject) and "/S" in obj["/A"]:
            del obj["/A"]
        if isinstance(obj, StreamObject) and obj.get("/Filter") in ("/DCTDecode", ["/DCTDecode"]):
            obj._data = _jpeg_segments_without_metadata(obj._data)  # pypdf sets /Length anew
        children = obj.values()
    elif isinstance(obj, ArrayObject):
        children = obj
    else:
        return
    for child in children:
        if not isinstance(child, IndirectObject):
            _strip(child)


def _jpeg_segments_without_metadata(data: bytes) -> bytes:
    """A JPEG picture placed in a PDF (a photo on the poster) without the segments before its
    image data that hold metadata (JPEG_METADATA_SEGMENTS): its bytes are copied, not decoded.
    A picture whose segments cannot be followed is kept as it is."""
    if not data.startswith(b"\xff\xd8"):
        return data
    kept = [data[:2]]
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the image data follows, to the end
            kept.append(data[position:])
            return b"".join(kept)
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker not in JPEG_METADATA_SEGMENTS:
            kept.append(data[position:end])
        position = end
    return data


def _pdf_thumbnail(page) -> tuple[bytes | None, str]:
    """Page 1 drawn to fit the thumbnail box, or None and why if it cannot be drawn: the poster
    is kept and the board shows a link to the PDF instead."""
    width, height = page.get_size()
    low, high = PDF_PAGE_SIDES
    if not (low <= width <= high and low <= height <= high):
        return None, f"No thumbnail for a PDF poster with a {width:.0f} by {height:.0f} page"
    # The drawing is no bigger than the box, whatever size the page claims to be.
    scale = min(THUMBNAIL_BOX[0] / width, THUMBNAIL_BOX[1] / height)
    try:
        bitmap = page.render(scale=scale)
        try:
            return _jpeg(bitmap.to_pil().convert("RGB")), ""
        finally:
            bitmap.close()
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - PDFium's drawing fails in many ways; poster stays
        return None, f"No thumbnail for a PDF poster: its first page could not be drawn ({error})"


# The child process


def _limit(address_space: int, cpu_seconds: int) -> None:
    """Bound this process before it reads the file: past the address space an allocation fails
    (MemoryError, or PDFium aborts); past the CPU time the kernel sends SIGXCPU, and SIGKILL a
    second later. It writes no files and leaves no core dump."""
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _peak_memory() -> int:
    """This process's peak resident memory in bytes since it started this program (VmHWM:
    getrusage's ru_maxrss would count the server's own size, from before the exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main(argv: list[str]) -> int:
    content_type, address_space, cpu_seconds = argv[1], int(argv[2]), int(argv[3])
    _limit(address_space, cpu_seconds)
    data = sys.stdin.buffer.read()
    try:
        read = read_poster(data, content_type)
    except Refused as refusal:
        header, blobs = {"refused": refusal.code}, []
    except MemoryError:
        header, blobs = {"refused": "limits"}, []
    except Exception:  # noqa: BLE001 - whatever else a hostile file sets off refuses it
        traceback.print_exc()
        header, blobs = {"refused": "damaged"}, []
    else:
        header = {
            "file": len(read.file),
            "thumbnail": None if read.thumbnail is None else len(read.thumbnail),
            "warning": read.warning,
        }
        blobs = [read.file, read.thumbnail or b""]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    header["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    header["peak_memory"] = _peak_memory()
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode() + b"\n")
    for blob in blobs:
        out.write(blob)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
