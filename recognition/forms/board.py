"""Forms for the QI board: a project's poster upload and a display link for a screen."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from recognition.models import DisplayLink
from recognition.posters import NOT_A_POSTER, POSTER_KINDS, poster_files, sniff

MEGABYTE = 1024 * 1024


def poster_max_mb() -> int:
    return settings.QIREGISTER_POSTER_MAX_MB


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
            f"A PDF, PNG or JPEG, {poster_max_mb()} MB or smaller. It shows on the QI board and "
            "its display screens (a PDF as a picture of its first page). Camera details in an "
            "image, such as where a photo was taken, are removed, and so are a PDF's details "
            "(such as its author), scripts and attached files."
        )

    def clean_file(self):
        """The checks that need none of the file decoded: its size, first bytes and name."""
        upload = self.cleaned_data["file"]
        max_mb = poster_max_mb()
        # The size the upload handler counted: nothing of the file is read if it is too big.
        if upload.size > max_mb * MEGABYTE:
            raise ValidationError(f"The file must be {max_mb} MB or smaller", code="too_big")
        content_type = sniff(upload)
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
        return upload

    def clean(self):
        """Read the file once: an image or PDF that cannot be read is refused here, and what
        reading it made (the file to keep, without metadata, and its thumbnail) is kept as
        `content_type` and `poster_files` for the service to save."""
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if upload is not None:
            content_type = sniff(upload)
            try:
                files = poster_files(upload, content_type)
            except ValidationError as error:
                self.add_error("file", error)
            else:
                cleaned_data["content_type"] = content_type
                cleaned_data["poster_files"] = files
        return cleaned_data


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
