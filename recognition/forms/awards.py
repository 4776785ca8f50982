from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from common.fields import MultiLineFormField, SingleLineFormField
from common.forms import DATE_WIDGET
from people.access import parse_id
from people.models import Person
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


# Above this many people, the department is not listed as checkboxes (the bench seeds 5,000):
# the nominator's clinical-area colleagues are, if they are this few, and anyone else is added
# one at a time from a list (see NominationForm).
TEAM_CHECKBOXES_MAX = 40


class NominationForm(forms.Form):
    """Who is nominated and why. All the nominee fields are on the page (NHS.UK conditional
    radios reveal them with JavaScript); only those of the chosen kind are read.

    A team's members are checkboxes: everyone in the department when it is small; in a large
    one, the colleagues who share a clinical area with the nominator (when they are few enough)
    and whoever has been chosen, with "Add someone else to the team" (a plain select and an
    "Add to the team" button, no search and no JavaScript needed) for anyone not listed.
    """

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
        label="The person",
        empty_label="Choose a person",
        error_messages={"invalid_choice": "Choose a person from the list"},
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
        widget=forms.CheckboxSelectMultiple,
        label="Members of the team",
        help_text="Select all that apply. The nomination shows on each member's profile.",
        error_messages={
            "invalid_choice": "Choose the team's members from the list",
            "invalid_pk_value": "Choose the team's members from the list",
        },
    )
    other_member = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Add someone else to the team",
        empty_label="Choose a person",
        help_text="Choose a colleague who is not listed above, then select Add to the team.",
        error_messages={"invalid_choice": "Choose a person from the list"},
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
    EMPTY = {
        "person": None,
        "team_name": "",
        "team_members": [],
        "other_member": None,
        "project": None,
    }

    def __init__(self, *args, nominator: Person, user, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = Person.objects.filter(department_id=nominator.department_id).order_by(
            "display_name", "pk"
        )
        self.fields["person"].queryset = colleagues
        self.fields["team_members"].queryset = colleagues  # any colleague is valid
        self.fields["project"].queryset = nominable_projects(user, nominator).order_by(
            "title", "pk"
        )
        self.listed_members = self._members_to_list(colleagues, nominator)
        if self.is_bound:
            self._move_added_member_into_team({member.pk for member in self.listed_members})
        # The checkboxes show the listed people only; the field still accepts any colleague.
        self.fields["team_members"].widget.choices = [
            (member.pk, member.display_name) for member in self.listed_members
        ]
        if self.lists_everyone:
            del self.fields["other_member"]
        elif not self.listed_members:
            self.fields["other_member"].label = "Add a member of the team"
            self.fields["other_member"].help_text = (
                "Choose a colleague, then select Add to the team; add each member in turn. "
                "The nomination shows on each member's profile."
            )
        else:
            self.fields["other_member"].queryset = colleagues.exclude(
                pk__in=[member.pk for member in self.listed_members]
            )

    def _members_to_list(self, colleagues: QuerySet[Person], nominator: Person) -> list[Person]:
        """The people the team's checkboxes show: one query in a small department, three at
        most in a large one."""
        everyone = list(colleagues[: TEAM_CHECKBOXES_MAX + 1])
        self.lists_everyone = len(everyone) <= TEAM_CHECKBOXES_MAX
        if self.lists_everyone:
            return everyone
        near = list(
            colleagues.filter(clinical_areas__in=nominator.clinical_areas.all()).distinct()[
                : TEAM_CHECKBOXES_MAX + 1
            ]
        )
        if len(near) > TEAM_CHECKBOXES_MAX:
            near = []
        chosen_ids = set(self._chosen_member_ids()) - {member.pk for member in near}
        chosen = list(colleagues.filter(pk__in=chosen_ids)) if chosen_ids else []
        return sorted(near + chosen, key=lambda member: (member.display_name, member.pk))

    def _chosen_member_ids(self) -> list[int]:
        if self.is_bound:
            values = [
                *self.data.getlist(self.add_prefix("team_members")),
                self.data.get(self.add_prefix("other_member")),
            ]
        else:
            values = self.initial.get("team_members") or []
        return [pk for pk in (parse_id(str(value)) for value in values) if pk]

    def _move_added_member_into_team(self, listed_ids: set[int]) -> None:
        """Someone chosen in "Add someone else to the team" but not added with its button is a
        member all the same, and stays ticked if the page comes back with an error. An unknown
        id stays where it was, for that field's own error."""
        team, other = self.add_prefix("team_members"), self.add_prefix("other_member")
        added = parse_id(self.data.get(other))
        if added is None or added not in listed_ids:
            return
        data = self.data.copy()
        members = data.getlist(team)
        if str(added) not in members:
            data.setlist(team, [*members, str(added)])
        data[other] = ""
        self.data = data

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

    @classmethod
    def initial_from_data(cls, data) -> dict:
        """The page as it was posted, with "Add someone else to the team" moved into the
        team: the form starts again from it, unvalidated, to add the next member."""
        members = [*data.getlist("team_members"), data.get("other_member")]
        return {
            "nominee_kind": data.get("nominee_kind", ""),
            "person": parse_id(data.get("person")),
            "team_name": data.get("team_name", ""),
            "team_members": [pk for pk in map(parse_id, members) if pk],
            "project": parse_id(data.get("project")),
            "citation": data.get("citation", ""),
        }

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("nominee_kind")
        needed = self.REQUIRED_BY_KIND.get(kind, {})
        for name, empty in self.EMPTY.items():
            if name in needed:
                missing_field = self._field_for_missing(name)
                if not self.has_error(missing_field) and not cleaned.get(name):
                    self.add_error(missing_field, needed[name])
            elif name == "other_member" and kind == Kind.TEAM:
                continue  # moved into team_members in __init__; a bad value keeps its error
            else:
                # Not this kind's field: whatever it holds (even a bad value) is ignored.
                self.errors.pop(name, None)
                cleaned[name] = empty
        return cleaned

    def _field_for_missing(self, name: str) -> str:
        """Where "choose a member" goes: by the list to add from when there are no checkboxes
        on the page, or when the person chosen there was refused (one error, not two)."""
        adds_from_list = name == "team_members" and "other_member" in self.fields
        if adds_from_list and (not self.listed_members or self.has_error("other_member")):
            return "other_member"
        return name


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
