"""What people may type, as model and form fields used by every app and the Django admin.

- Text on one line (titles, names, places) refuses control characters (C0 and C1, so line
  breaks, tabs and NUL), Unicode line separators, bidirectional overrides and isolates and
  zero-width characters: "Title must not contain line breaks or hidden characters". A line
  break in a title would otherwise end up in an email's subject, and hidden characters make two
  titles that look the same differ.
- Text on several lines (textareas) keeps line breaks and tabs; NUL, the other control
  characters and the bidirectional and zero-width ones are dropped as it is read.
- A date is within a window that suits its field (a value measured up to today, a plan up to ten
  years ahead, a showcase session up to two years ahead), each end with its own message:
  "Target end date must be on or before 7 December 2036", "Date cannot be in the future",
  "Date must be on or after 1 January 2000". Dates outside such windows (9999-12-31) broke
  pages that add time to them.

The model fields carry the rule, so a ModelForm and the admin both apply it with the field's
label; forms that are not about a model use the form fields directly.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst

from common.widgets import NHSDateInput, TypedDate

# Invisible or reordering characters that no field may hold: bidirectional embeddings and
# overrides (U+202A-U+202E) and isolates (U+2066-U+2069), zero-width space, non-joiner and
# joiner (U+200B-U+200D), word joiner (U+2060) and the byte-order mark (U+FEFF).
_INVISIBLE = "\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff"
# Control characters a textarea may not keep: C0 except tab and line breaks, DEL and C1.
_MULTI_LINE_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
DROPPED_FROM_TEXT = re.compile(f"[{_MULTI_LINE_CONTROLS}{_INVISIBLE}]")
# On one line: every control character, and the Unicode line and paragraph separators too.
REFUSED_ON_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
HIDDEN_MESSAGE = "%(label)s must not contain line breaks or hidden characters"


def one_line(text: str) -> str:
    """Text squeezed onto one line (runs of whitespace, line breaks included, become one space)
    and without hidden characters: for email subjects and other headers."""
    return " ".join(DROPPED_FROM_TEXT.sub("", text).split())


def _refuse_hidden(value: str, label: str | None) -> None:
    if value and REFUSED_ON_ONE_LINE.search(value):
        raise ValidationError(
            HIDDEN_MESSAGE, code="hidden_characters", params={"label": label or "This"}
        )


class SingleLineFormField(forms.CharField):
    """A CharField for text on one line: refuses control, bidirectional and zero-width
    characters, with a message that names the field."""

    def validate(self, value):
        super().validate(value)
        _refuse_hidden(value, self.label)


class MultiLineFormField(forms.CharField):
    """A CharField for a textarea: keeps line breaks and tabs, drops the other control
    characters (NUL among them) and the bidirectional and zero-width ones."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return DROPPED_FROM_TEXT.sub("", value) if value else value


class SingleLineCharField(models.CharField):
    """A CharField whose text is on one line without hidden characters (see the module)."""

    description = "Text on one line, without control or hidden characters"

    def formfield(self, **kwargs):
        if self.choices is not None:  # a choice from a list: nothing to type
            return super().formfield(**kwargs)
        return super().formfield(**{"form_class": SingleLineFormField, **kwargs})

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        _refuse_hidden(value, capfirst(self.verbose_name))


class MultiLineTextField(models.TextField):
    """A TextField for a textarea: line breaks kept, hidden characters dropped (see the
    module). Saved without a form (the admin included), hidden characters are refused."""

    description = "Text on several lines, without control or hidden characters"

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MultiLineFormField, **kwargs})

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value and DROPPED_FROM_TEXT.search(value):
            raise ValidationError(
                "%(label)s must not contain hidden characters",
                code="hidden_characters",
                params={"label": capfirst(self.verbose_name)},
            )


EARLIEST = dt.date(2000, 1, 1)


@deconstructible
class DateWindow:
    """The dates a field accepts, from `earliest` to `latest`: each a fixed date or a number of
    days from today (0 is today, 731 two years ahead), so the window moves with the calendar."""

    def __init__(self, earliest: dt.date | int, latest: dt.date | int) -> None:
        self.earliest, self.latest = earliest, latest

    def bounds(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        return tuple(
            today + dt.timedelta(days=end) if isinstance(end, int) else end
            for end in (self.earliest, self.latest)
        )

    def check(self, value: dt.date | dt.datetime | None, label: str | None) -> None:
        if value is None:
            return
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        earliest, latest = self.bounds()
        today = timezone.localdate()
        if value > latest:
            message = (
                "%(label)s cannot be in the future"
                if latest == today
                else "%(label)s must be on or before %(latest)s"
            )
        elif value < earliest:
            message = (
                "%(label)s must be today or later"
                if earliest == today
                else "%(label)s must be on or after %(earliest)s"
            )
        else:
            return
        raise ValidationError(
            message,
            code="date_window",
            params={
                "label": label or "The date",
                "earliest": _day(earliest),
                "latest": _day(latest),
            },
        )

    def __call__(self, value) -> None:
        """As a validator (for a DateTimeField in the admin): the message cannot name the field."""
        self.check(value, None)

    def __eq__(self, other) -> bool:
        return isinstance(other, DateWindow) and (self.earliest, self.latest) == (
            other.earliest,
            other.latest,
        )


def _day(day: dt.date) -> str:
    return "today" if day == timezone.localdate() else f"{day.day} {day:%B %Y}"


# The windows, by what the date is. A value that was measured or a thing that happened:
UP_TO_TODAY = DateWindow(EARLIEST, 0)
# A plan: a start, a target, a due date, a period, up to ten years ahead.
PLANNED = DateWindow(EARLIEST, 3653)
# A session in the calendar: up to two years ahead (a new or moved session must also start in
# the future, which its form checks; a past one can still be edited).
SCHEDULED = DateWindow(EARLIEST, 731)


class BoundedDateFormField(forms.DateField):
    """A DateField that accepts only dates within `window`, saying so with the field's label.

    It is typed in the NHS.UK date input (day, month, year) and says what is wrong the NHS way:
    "Start date must include a year", "Start date must be a real date".
    """

    widget = NHSDateInput

    def __init__(self, *, window: DateWindow = PLANNED, **kwargs) -> None:
        self.window = window
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, TypedDate) and value.missing:
            raise ValidationError(
                "%(label)s must include a %(missing)s",
                code="incomplete",
                params={"label": self.label or "The date", "missing": " and ".join(value.missing)},
            )
        if isinstance(value, TypedDate):  # boxes that make no date (31 2 2026, a 2-digit year)
            raise self._not_a_date()
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise self._not_a_date() from error

    def _not_a_date(self) -> ValidationError:
        if self.error_messages["invalid"] != forms.DateField.default_error_messages["invalid"]:
            return ValidationError(self.error_messages["invalid"], code="invalid")  # the form's own
        return ValidationError(
            "%(label)s must be a real date",
            code="invalid",
            params={"label": self.label or "The date"},
        )

    def validate(self, value):
        super().validate(value)
        self.window.check(value, self.label)


class BoundedDateField(models.DateField):
    """A DateField whose dates are within `window` (a DateWindow), in every form and the admin."""

    def __init__(self, *args, window: DateWindow = PLANNED, **kwargs) -> None:
        self.window = window
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["window"] = self.window
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": BoundedDateFormField, "window": self.window, **kwargs}
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        self.window.check(value, capfirst(self.verbose_name))
