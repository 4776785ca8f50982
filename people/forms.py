from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from people.fields import PLANNED, BoundedDateFormField
from people.models import MentoringSessionNote, MentorRequest, Person, QIConversation, Skill

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CapacityForm(forms.ModelForm):
    """What a person can give to QI; edited by the person only."""

    class Meta:
        model = Person
        fields = [
            "qi_hours_per_month",
            "interests",
            "skills",
            "preferred_areas",
            "open_to_buddy_tasks",
        ]
        widgets = {
            "skills": forms.CheckboxSelectMultiple,
            "preferred_areas": forms.CheckboxSelectMultiple,
            "interests": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.all()
        self.fields["preferred_areas"].queryset = self.instance.department.clinical_areas.all()
        hours = self.fields["qi_hours_per_month"]
        hours.error_messages["min_value"] = "Hours cannot be negative"
        hours.error_messages["max_value"] = "Hours a month must be 160 or fewer"
        self.fields["interests"].error_messages["max_length"] = (
            "QI interests must be 1000 characters or fewer"
        )


class QIConversationForm(forms.ModelForm):
    class Meta:
        model = QIConversation
        fields = ["date", "note", "agreed_hours_per_month"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"note": "What you talked about"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "Write a short note of the conversation"
        self.fields["agreed_hours_per_month"].error_messages["min_value"] = (
            "Hours cannot be negative"
        )


class PeriodForm(forms.Form):
    """A reporting period from the query string (`from`, `to`); blank means the last 12 months.

    Invalid input is reported at the field and the default period is shown meanwhile.
    """

    DEFAULT_DAYS = 365
    MAX_DAYS = 3653  # ten years: reports stay quick to build and to read

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = BoundedDateFormField(
                window=PLANNED,
                label=label,
                required=False,
                widget=DATE_WIDGET,
                error_messages={"invalid": f"{label} must be a real date, for example 31/1/2026"},
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
        """What an input shows: the typed text if it was wrong, else the period in use."""
        if self.is_bound and self[name].errors:
            return self.data.get(name, "")
        return day.isoformat()

    @property
    def from_value(self) -> str:
        return self._shown("from", self.period[0])

    @property
    def to_value(self) -> str:
        return self._shown("to", self.period[1])


class MentorRequestForm(forms.ModelForm):
    class Meta:
        model = MentorRequest
        fields = ["clinical_area", "message"]
        labels = {"clinical_area": "Which area's champions should you ask?"}
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinical_area"].queryset = person.department.clinical_areas.all()
        self.fields["clinical_area"].empty_label = "Any champion"
        self.fields["message"].error_messages["max_length"] = (
            "Message must be 1000 characters or fewer"
        )


class SessionNoteForm(forms.ModelForm):
    class Meta:
        model = MentoringSessionNote
        fields = ["date", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "Write a note of the session"

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("The date of a session cannot be in the future")
        return date
