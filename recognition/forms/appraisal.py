from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from common.forms import DATE_WIDGET, PeriodForm
from common.optimistic_locking import carry_version
from recognition.models import AppraisalNote


class AppraisalNoteForm(forms.ModelForm):
    class Meta:
        model = AppraisalNote
        fields = ["period_start", "period_end", "note"]
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].error_messages["required"] = (
            "Enter the date the appraisal period starts"
        )
        self.fields["period_end"].error_messages["required"] = (
            "Enter the date the appraisal period ends"
        )
        self.fields["note"].error_messages["required"] = "Write the note"
        self.fields["note"].error_messages["max_length"] = (
            "The note must be 5000 characters or fewer"
        )
        carry_version(self)
        if self.instance.pk is None:
            # A new note is most often for the appraisal year just ending: the last 12 months,
            # as the team page and the portfolio show by default.
            today = timezone.localdate()
            self.initial.setdefault(
                "period_start", today - dt.timedelta(days=PeriodForm.DEFAULT_DAYS)
            )
            self.initial.setdefault("period_end", today)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after the day it starts")
        return cleaned
