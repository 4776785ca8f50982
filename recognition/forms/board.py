"""Forms for the QI board: a project's poster upload and a display link for a screen."""

from __future__ import annotations

import warnings
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

from recognition.models import DisplayLink
from recognition.services.board import THUMBNAIL_BOX

MEGABYTE = 1024 * 1024
# A poster is at most A0 at 150 dots per inch (about 5,000 by 7,000 pixels); decoding more
# would only cost the server memory, and a small file can claim to be enormous.
MAX_POSTER_SIDE = 12_000
MAX_POSTER_PIXELS = 40_000_000

# What the first bytes of each accepted kind of file are, its label, and the names it may end in.
POSTER_KINDS = {
    "application/pdf": (b"%PDF-", "PDF", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", "PNG image", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", "JPEG image", (".jpg", ".jpeg")),
}
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
NOT_A_POSTER = "The file must be a PDF, PNG or JPEG"


def poster_max_mb() -> int:
    return settings.QIREGISTER_POSTER_MAX_MB


def _sniff(upload) -> str | None:
    """The content type the file's first bytes show, whatever its name or the browser says."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (signature, _label, _suffixes) in POSTER_KINDS.items():
        if head.startswith(signature):
            return content_type
    return None


def _check_image(upload, content_type: str) -> None:
    """Open the image with Pillow and decode it, refusing damaged files and huge dimensions."""
    too_big = ValidationError(
        f"The image must be at most {MAX_POSTER_SIDE:,} pixels wide and high, and "
        f"{MAX_POSTER_PIXELS // 1_000_000} million pixels in all: save it smaller and try again",
        code="dimensions",
    )
    damaged = ValidationError(
        "The image could not be read and may be damaged: save it again as a PNG or JPEG",
        code="damaged",
    )
    formats = [PILLOW_FORMATS[content_type]]
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; refuse outright instead.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            with Image.open(upload, formats=formats) as image:
                width, height = image.size
                if max(width, height) > MAX_POSTER_SIDE or width * height > MAX_POSTER_PIXELS:
                    raise too_big
                image.verify()
            # verify() leaves the image unusable and checks little of a JPEG: decode it too,
            # as the thumbnail will (at the thumbnail's reduced scale where the format allows).
            upload.seek(0)
            with Image.open(upload, formats=formats) as image:
                image.draft("RGB", THUMBNAIL_BOX)
                image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise too_big from None
        except Exception:  # noqa: BLE001 - Pillow signals a bad file with many exception types
            raise damaged from None
        finally:
            upload.seek(0)


class PosterForm(forms.Form):
    file = forms.FileField(
        label="Poster file",
        widget=forms.FileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"}
        ),
        error_messages={
            "required": "Select a poster file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select a poster file to upload",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A PDF, PNG or JPEG, smaller than {poster_max_mb()} MB. A PNG or JPEG shows on the "
            "QI board and its display screens; a PDF can be downloaded from the board."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_mb = poster_max_mb()
        # The size the upload handler counted: nothing of the file is read if it is too big.
        if upload.size > max_mb * MEGABYTE:
            raise ValidationError(f"The file must be smaller than {max_mb} MB", code="too_big")
        content_type = _sniff(upload)
        if content_type is None:
            raise ValidationError(NOT_A_POSTER, code="type")
        _signature, label, suffixes = POSTER_KINDS[content_type]
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in suffixes:
            name_ends = f"ends in {suffix}" if suffix else "has no extension"
            raise ValidationError(
                f"The file is a {label} but its name {name_ends}: {NOT_A_POSTER} with a name "
                f"ending in {' or '.join(suffixes)} to match",
                code="extension",
            )
        if content_type in PILLOW_FORMATS:
            _check_image(upload, content_type)
        self.cleaned_data["content_type"] = content_type
        return upload


class DisplayLinkForm(forms.ModelForm):
    class Meta:
        model = DisplayLink
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = (
            "Enter where the screen is, for example Dispensary staff room"
        )
        self.fields["name"].error_messages["max_length"] = (
            "Where the screen is must be 100 characters or fewer"
        )
