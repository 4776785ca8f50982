from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from common.fields import MultiLineFormField, SingleLineFormField
from common.forms import DATE_WIDGET
from people.models import Person
from people.pickers import PersonPicker, PersonSearchForm
from projects.models import Project
from recognition.models import Award, Nomination

Kind = Nomination.NomineeKind


class AwardForm(forms.ModelForm):
    url = forms.URLField(
        label="Link to the award's page",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="For example, https://www.rpharms.com/awards",
    )

    class Meta:
        model = Award
        fields = ["name", "awarding_body", "level", "deadline", "description", "url", "is_open"]
        widgets = {
            "level": forms.RadioSelect,
            "deadline": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"name": "Award name", "awarding_body": "Who gives the award"}
        help_texts = {
            "deadline": "Nominations can be submitted up to and including this day. A date in "
            "the past is fine when you are keeping a record of an earlier award.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = Award.Level.choices  # no empty "---------" radio
        messages = {
            "name": {"required": "Enter the award's name"},
            "awarding_body": {"required": "Enter who gives the award"},
            "level": {"required": "Choose the award's level"},
            "deadline": {"invalid": "Enter the deadline as a date, like 31 3 2027"},
            "url": {"invalid": "Enter the link as a full web address, starting https://"},
        }
        for name, field_messages in messages.items():
            self.fields[name].error_messages.update(field_messages)
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = (
                    f"{field.label} must be {field.max_length} characters or fewer"
                )

    def clean(self):
        cleaned = super().clean()
        name, body = cleaned.get("name"), cleaned.get("awarding_body")
        if name and body:
            same = Award.objects.filter(name__iexact=name, awarding_body__iexact=body)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "name", "An award with this name from this awarding body is already listed"
                )
        return cleaned

    def validate_unique(self):
        # clean() checks the name case-insensitively, next to the field; the database
        # constraint catches two champions adding the same award at once (see award_save).
        pass


def nominable_projects(user, nominator: Person) -> QuerySet[Project]:
    """Submitted projects of the nominator's department: those the nominate form offers."""
    return Project.objects.visible_to(user).filter(
        submitted_at__isnull=False, department_id=nominator.department_id
    )


class NominationForm(PersonSearchForm, forms.Form):
    """Who is nominated and why. All the nominee fields are on the page (NHS.UK conditional
    radios reveal them with JavaScript); only those of the chosen kind are read.

    The person, and a team's members, are chosen with the person picker (people/pickers.py)
    from the nominator's department, which may have thousands of staff."""

    nominee_kind = forms.ChoiceField(
        choices=Kind.choices,
        widget=forms.RadioSelect,
        label="Who are you nominating?",
        error_messages={
            "required": "Choose who you are nominating: a person, a team or a project",
            "invalid_choice": "Choose who you are nominating: a person, a team or a project",
        },
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=PersonPicker(allow_multiple_selected=False),
        label="The person",
    )
    team_name = SingleLineFormField(
        max_length=150,
        required=False,
        label="The team's name",
        help_text="For example, Aseptics unit, or the discharge medicines team.",
        error_messages={"max_length": "The team's name must be 150 characters or fewer"},
    )
    team_members = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=PersonPicker,
        label="Members of the team",
        help_text="Add each member in turn. The nomination shows on each member's profile.",
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        required=False,
        label="The project",
        empty_label="Choose a project",
        error_messages={"invalid_choice": "Choose a project from the list"},
    )
    citation = MultiLineFormField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Citation",
        help_text="Why they deserve the award: what they did, and what changed for patients "
        "or colleagues.",
        error_messages={
            "required": "Write the citation: why they deserve the award",
            "max_length": "The citation must be 4000 characters or fewer",
        },
    )

    # The fields each kind of nominee needs, and the message when one is missing.
    REQUIRED_BY_KIND = {
        Kind.PERSON: {"person": "Choose the person you are nominating"},
        Kind.TEAM: {
            "team_name": "Enter the team's name",
            "team_members": "Choose at least one member of the team",
        },
        Kind.PROJECT: {"project": "Choose the project you are nominating"},
    }
    EMPTY = {"person": None, "team_name": "", "team_members": [], "project": None}

    def __init__(self, *args, nominator: Person, user, **kwargs):
        super().__init__(*args, **kwargs)
        department = nominator.department
        colleagues = Person.objects.filter(department_id=department.pk)
        for name in ("person", "team_members"):
            self.fields[name].queryset = colleagues  # the suggestions follow the same rule
            self.fields[name].widget.search_params = {"department": department.pk}
        self.fields["person"].error_messages["invalid_choice"] = (
            f"Choose one person from {department.name}"
        )
        for message in ("invalid_choice", "invalid_pk_value"):
            self.fields["team_members"].error_messages[message] = (
                f"Choose the team's members from {department.name}"
            )
        self.fields["project"].queryset = nominable_projects(user, nominator).order_by(
            "title", "pk"
        )

    @classmethod
    def initial_from(cls, nomination: Nomination) -> dict:
        return {
            "nominee_kind": nomination.nominee_kind,
            "person": nomination.person_id,
            "team_name": nomination.team_name,
            "team_members": [p.pk for p in nomination.team_members.all()],
            "project": nomination.project_id,
            "citation": nomination.citation,
        }

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("nominee_kind")
        needed = self.REQUIRED_BY_KIND.get(kind, {})
        for name, empty in self.EMPTY.items():
            if name in needed:
                if not self.has_error(name) and not cleaned.get(name):
                    self.add_error(name, needed[name])
            else:
                # Not this kind's field: whatever it holds (even a bad value) is ignored.
                self.errors.pop(name, None)
                cleaned[name] = empty
        return cleaned


class NominationStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in Nomination.DECIDED_STATUSES],
        label="Status",
        error_messages={
            "required": "Choose the new status",
            "invalid_choice": "Choose submitted, shortlisted, won or not won",
        },
    )


class NominationFilter(django_filters.FilterSet):
    """The champions' list of submitted nominations; every value lives in the URL."""

    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in Nomination.DECIDED_STATUSES],
        empty_label="Any status",
    )
    award = django_filters.ModelChoiceFilter(queryset=Award.objects.all(), empty_label="Any award")

    class Meta:
        model = Nomination
        fields: list[str] = []
