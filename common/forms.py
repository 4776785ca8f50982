"""Forms every app shares."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from common.fields import PLANNED, BoundedDateFormField
from common.widgets import NHSDateInput

# Every typed date: the NHS.UK date input (day, month and year boxes), never the browser's
# date picker, whose order follows the browser's locale.
DATE_WIDGET = NHSDateInput()


class PeriodForm(forms.Form):
    """A reporting period from the query string (`from`, `to`); blank means the last 12 months.

    Each end is typed as day, month and year (`from_day`, `from_month`, `from_year`) or given
    whole in a link (`from=2026-01-01`). Invalid input is reported at the field and the default
    period is used meanwhile. `labels` names the two ends where "From" and "To" are not enough.
    """

    DEFAULT_DAYS = 365
    MAX_DAYS = 3653  # ten years: reports stay quick to build and to read

    def __init__(self, data=None, *, labels: tuple[str, str] = ("From", "To"), **kwargs):
        super().__init__(data, **kwargs)
        for name, label in zip(("from", "to"), labels, strict=True):
            self.fields[name] = BoundedDateFormField(
                window=PLANNED,
                label=label,
                required=False,
                widget=DATE_WIDGET,
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", "The end of the period must be on or after its start")
        elif start and end and (end - start).days > self.MAX_DAYS:
            self.add_error("to", "The period can be at most 10 years")
        return cleaned

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        start, end = today - dt.timedelta(days=self.DEFAULT_DAYS), today
        if self.is_bound and self.is_valid():
            start = self.cleaned_data["from"] or start
            end = self.cleaned_data["to"] or end
            if end < start:  # only one end given, before the default other end
                start = end - dt.timedelta(days=self.DEFAULT_DAYS)
        return start, end

    def _shown(self, name: str, day: dt.date) -> str:
        """What an input shows: what was typed if it was wrong, else the period in use."""
        if self.is_bound and self[name].errors:
            return self[name].value() or ""
        return day.isoformat()

    @property
    def from_value(self) -> str:
        return self._shown("from", self.period[0])

    @property
    def to_value(self) -> str:
        return self._shown("to", self.period[1])
