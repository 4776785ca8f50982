from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Max, QuerySet
from django.utils import timezone

from common.fields import SCHEDULED, BoundedDateFormField
from common.forms import DATE_WIDGET
from common.optimistic_locking import carry_version
from people.models import Person
from projects.models import Project
from recognition.models import ShowcaseSession
from recognition.services.showcase import shrink_refused

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ShowcaseSessionForm(forms.ModelForm):
    """A clinical update session. The date and time are asked separately, in local time."""

    date = BoundedDateFormField(
        window=SCHEDULED,
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    start_time = forms.TimeField(
        label="Start time",
        widget=TIME_WIDGET,
        help_text="For example, 13:30.",
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the start time like 13:30",
        },
    )

    class Meta:
        model = ShowcaseSession
        fields = ["title", "place", "slot_count", "slot_minutes", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "slot_count": "How many projects can present: 1 to 20.",
            "slot_minutes": "Including questions: 5 to 120.",
            "notes": "Optional. Anything presenters should know, e.g. how to share slides.",
        }

    field_order = ["title", "date", "start_time", "place", "slot_count", "slot_minutes", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_booked_position = None
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial.setdefault("date", local.date())
            self.initial.setdefault("start_time", local.time().replace(second=0, microsecond=0))
            self.last_booked_position = self.instance.slots.aggregate(last=Max("position"))["last"]
        messages = {
            "title": {
                "required": "Enter a title",
                "max_length": "Title must be 150 characters or fewer",
            },
            "place": {
                "required": "Enter where the session is",
                "max_length": "Place must be 200 characters or fewer",
            },
            "slot_count": {
                "required": "Enter the number of slots",
                "invalid": "Enter the number of slots as a whole number, like 4",
                "min_value": "The number of slots must be between 1 and 20",
                "max_value": "The number of slots must be between 1 and 20",
            },
            "slot_minutes": {
                "required": "Enter the minutes per slot",
                "invalid": "Enter the minutes per slot as a whole number, like 10",
                "min_value": "Minutes per slot must be between 5 and 120",
                "max_value": "Minutes per slot must be between 5 and 120",
            },
            "notes": {"max_length": "Notes must be 2000 characters or fewer"},
        }
        for name, field_messages in messages.items():
            self.fields[name].error_messages.update(field_messages)
        carry_version(self)

    def clean(self):
        cleaned = super().clean()
        date, start_time = cleaned.get("date"), cleaned.get("start_time")
        moved = self.instance.pk is None or {"date", "start_time"} & set(self.changed_data)
        if date and start_time and moved:
            starts_at = timezone.make_aware(dt.datetime.combine(date, start_time))
            if starts_at <= timezone.now():
                self.add_error("date", "The session must start in the future")
            self.instance.starts_at = starts_at
        slot_count = cleaned.get("slot_count")
        last = self.last_booked_position
        if slot_count and last and slot_count < last:
            self.add_error("slot_count", shrink_refused(last))
        return cleaned


class ShowcaseProjectChoiceForm(forms.Form):
    """Booking, step one (a GET form): which of the lead's projects is presenting."""

    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which project will present?",
        error_messages={
            "required": "Choose the project that will present",
            "invalid_choice": "Choose one of your projects",
        },
    )

    def __init__(self, *args, projects: QuerySet[Project], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class SlotBookingForm(forms.Form):
    """Booking, step two: who presents, and a preferred slot if any."""

    presenters = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Who will present?",
        help_text="The project's lead, co-leads and team members.",
        error_messages={
            "required": "Choose at least one presenter",
            "invalid_choice": "Presenters must be on the project's team",
        },
    )
    position = forms.TypedChoiceField(
        label="Preferred slot",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "That slot is no longer free; choose another"},
    )

    def __init__(
        self,
        *args,
        session: ShowcaseSession,
        team: QuerySet[Person],
        free_positions: list[int],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["presenters"].queryset = team

        def at(position: int) -> str:
            return timezone.localtime(session.slot_starts_at(position)).strftime("%H:%M")

        first = f"The first free slot ({at(free_positions[0])})" if free_positions else ""
        self.fields["position"].choices = [
            ("", first),
            *((n, f"Slot {n} at {at(n)}") for n in free_positions),
        ]
