from __future__ import annotations

from django import forms
from django.utils import timezone

from common.forms import DATE_WIDGET
from people.models import MentoringSessionNote, MentorRequest, Person, QIConversation, Skill


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
            "date": DATE_WIDGET,
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
