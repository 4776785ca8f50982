from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from common.fields import MultiLineFormField
from common.forms import DATE_WIDGET
from common.optimistic_locking import carry_version
from people.models import Department, Person, Skill
from people.pickers import PersonPicker, PersonSearchForm
from projects import stages
from projects.models import (
    ClosureReport,
    MentoringNote,
    ProgressUpdate,
    Project,
    ReviewDecision,
    RoleOpening,
    StrategicPriority,
    Task,
    TaskNote,
)
from projects.search import similar_projects

TOO_LONG = "%(field)s must be %(max)d characters or fewer"


def clear_length_messages(form: forms.ModelForm) -> None:
    """Say "Title must be 200 characters or fewer" rather than Django's generic wording."""
    for name, field in form.fields.items():
        max_length = getattr(field, "max_length", None)
        if max_length:
            field.error_messages["max_length"] = TOO_LONG % {
                "field": field.label or name.capitalize(),
                "max": max_length,
            }


class ProjectForm(PersonSearchForm, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "kind",
            "aim",
            "problem",
            "clinical_areas",
            "strategic_priorities",
            "partner_departments",
            "co_leads",
            "start_date",
            "target_end_date",
            "commitment_hours",
            "commitment_period",
            "commitment_weeks",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "clinical_areas": forms.CheckboxSelectMultiple,
            "strategic_priorities": forms.CheckboxSelectMultiple,
            "partner_departments": forms.CheckboxSelectMultiple,
            "co_leads": PersonPicker,
            "commitment_period": forms.RadioSelect,
            "start_date": DATE_WIDGET,
            "target_end_date": DATE_WIDGET,
            "aim": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "commitment_hours": "Time the project asks of its team: hours",
            "commitment_period": "Hours are",
            "commitment_weeks": "For how many weeks",
            "clinical_areas": "Clinical areas",
            "co_leads": "Co-leads",
        }
        help_texts = {
            "co_leads": "People who share leading the project. They can edit it too.",
            "partner_departments": "Only for a project that crosses departments: their staff "
            "can then join it and take its tasks. Your department leads it.",
            "commitment_hours": "A number, e.g. 2. Leave blank if you do not know yet.",
        }

    def __init__(self, *args, department, lead: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinical_areas"].queryset = department.clinical_areas.all()
        self.fields["clinical_areas"].error_messages["required"] = (
            "Select at least one clinical area"
        )
        self.fields["strategic_priorities"].queryset = StrategicPriority.objects.filter(
            department=department, is_active=True
        )
        partners = Department.objects.exclude(pk=department.pk)
        if partners.exists():
            self.fields["partner_departments"].queryset = partners
        else:  # an installation with one department
            del self.fields["partner_departments"]
        # Chosen by searching (a department may have thousands of staff): its own people,
        # not the lead; the suggestions as the user types follow the same rule.
        self.fields["co_leads"].queryset = Person.objects.filter(department=department).exclude(
            pk=lead.pk
        )
        self.fields["co_leads"].widget.search_params = {
            "department": department.pk,
            "exclude": lead.pk,
        }
        self.fields["co_leads"].error_messages["invalid_choice"] = (
            f"Choose co-leads from {department.name}, other than the lead"
        )
        self.fields["co_leads"].required = False
        self.fields["title"].error_messages["required"] = "Enter a title"
        self.fields["aim"].error_messages["required"] = "Enter an aim statement"
        self.fields["problem"].error_messages["required"] = "Describe the problem"
        self.fields["commitment_hours"].error_messages["min_value"] = "Hours must be at least 0.5"
        clear_length_messages(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("target_end_date")
        if start and end and end < start:
            self.add_error("target_end_date", "Target end date must be on or after the start date")
        return cleaned


class ProjectProposeForm(ProjectForm):
    """Proposing a project: checks for similar projects before anything is saved."""

    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="I have looked at the similar projects and mine is different",
    )
    # As on the page: the title and aim first, for the duplicate check beside them.
    field_order = ["title", "aim", "confirm_not_duplicate"]

    def __init__(self, *args, visible_projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_projects = visible_projects
        self.similar: list[Project] = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title"):
            self.similar = similar_projects(
                self.visible_projects, title=cleaned["title"], aim=cleaned.get("aim", "")
            )
        if self.similar and not cleaned.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                "Similar projects already exist. Consider joining one or taking a task; "
                "if yours is different, confirm it",
            )
        return cleaned


class ProjectEditForm(ProjectForm):
    """Editing: the stage may move to wherever the lifecycle lets this user take it.

    It carries the project's version when it was opened (`carry_version`); the edit service
    refuses the save if the project has been saved since (optimistic locking).
    """

    class Meta(ProjectForm.Meta):
        fields = [*ProjectForm.Meta.fields, "headline_impact", "stage"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        carry_version(self)
        targets = stages.manual_targets(user, self.instance)
        if targets:
            allowed = {self.instance.stage, *targets}
            self.fields["stage"].choices = [
                (value, label) for value, label in Project.Stage.choices if value in allowed
            ]
            self.fields["stage"].help_text = (
                "Submitting, approval and completion have their own steps: review by a "
                "champion, and a closure report signed off by the mentor."
            )
        else:
            del self.fields["stage"]


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        # Status changes through claiming, completing and reopening, never by editing.
        fields = ["title", "description", "estimated_hours", "skills_needed", "due_date"]
        widgets = {
            "skills_needed": forms.CheckboxSelectMultiple,
            "due_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills_needed"].queryset = Skill.objects.all()
        self.fields["title"].error_messages["required"] = "Enter a title for the task"
        self.fields["estimated_hours"].error_messages["required"] = "Enter the estimated hours"
        self.fields["estimated_hours"].error_messages["min_value"] = (
            "Estimated hours must be at least 0.5"
        )
        clear_length_messages(self)
        carry_version(self)


class RoleOpeningForm(forms.ModelForm):
    class Meta:
        model = RoleOpening
        fields = [
            "title",
            "description",
            "places",
            "commitment_hours",
            "commitment_period",
            "commitment_weeks",
            "is_open",
        ]
        widgets = {
            "commitment_period": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"title": "Role", "commitment_hours": "Time the role asks: hours"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = "Enter the role, e.g. data collector"
        self.fields["places"].error_messages["min_value"] = "Places must be at least 1"
        self.fields["commitment_hours"].error_messages["min_value"] = "Hours must be at least 0.5"
        clear_length_messages(self)
        carry_version(self)

    def clean_places(self):
        places = self.cleaned_data["places"]
        if self.instance.pk:
            members = self.instance.memberships.filter(left_on__isnull=True).count()
            if places < members:
                raise ValidationError(
                    f"{members} people already hold this role: places cannot be fewer"
                )
        return places


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "done", "next_steps", "blockers"]
        widgets = {
            "date": DATE_WIDGET,
            "done": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "blockers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].error_messages["required"] = "Say what was done"
        clear_length_messages(self)
        carry_version(self)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise ValidationError("The date of an update cannot be in the future")
        return date


class InterestForm(forms.Form):
    role_opening = forms.ModelChoiceField(
        queryset=RoleOpening.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label="No particular role: I would like to help",
        label="Which role are you interested in?",
    )
    message = MultiLineFormField(
        label="Message to the lead (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, what you could do and when you are free.",
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        members = models.Count("memberships", filter=models.Q(memberships__left_on__isnull=True))
        self.fields["role_opening"].queryset = (
            project.role_openings.filter(is_open=True)
            .annotate(members=members)
            .filter(places__gt=models.F("members"))
        )
        clear_length_messages(self)


class TaskNoteForm(forms.ModelForm):
    class Meta:
        model = TaskNote
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        labels = {"note": "What have you done so far?"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "Say what you have done"
        clear_length_messages(self)


class TaskDoneForm(forms.Form):
    actual_hours = forms.DecimalField(
        label="How many hours did it take?",
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("500"),
        help_text="For example, 1.5. This counts towards your QI hours this year.",
        error_messages={
            "required": "Enter the hours it took",
            "min_value": "Hours must be more than 0",
            "invalid": "Enter the hours as a number, like 1.5",
        },
    )
    output_url = forms.URLField(
        label="Link to what you made (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, the audit spreadsheet or report on SharePoint or Teams.",
        error_messages={
            "invalid": "Enter a web address that starts with https://",
            "max_length": "The link must be 500 characters or fewer",
        },
    )


class TaskReassignForm(PersonSearchForm, forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        widget=PersonPicker(allow_multiple_selected=False),
        label="Who should do this task?",
        error_messages={
            "required": "Choose who should do the task",
            "invalid_choice": "Choose someone from the departments working on the project",
        },
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone who may claim it: staff of every department the project involves, found by
        # searching (a department may have thousands); the suggestions follow the same rule.
        departments = sorted(project.department_ids())
        self.fields["person"].queryset = Person.objects.filter(department_id__in=departments)
        self.fields["person"].widget.search_params = {"department": departments}


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=ReviewDecision.Decision.choices,
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose approve, request changes or decline"},
    )
    # Shown under "Approve" (NHS.UK conditional radios).
    mentor = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Who will mentor the lead?",
        help_text="You, unless another champion for the area will.",
        empty_label="Me",
    )
    # Shown under "Decline".
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *ReviewDecision.Reason.choices],
        required=False,
        label="Reason for declining",
    )
    comment = MultiLineFormField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
        label="Comment for the lead",
        help_text="Needed when you request changes or decline.",
    )

    def __init__(self, *args, project: Project, reviewer: Person, **kwargs):
        super().__init__(*args, **kwargs)
        # The area's other champions, less anyone working on the project (lead, co-leads,
        # members); the reviewer is the list's first entry, "Me".
        self.fields["mentor"].queryset = (
            Person.objects.filter(
                champion_assignments__clinical_area__in=project.clinical_areas.all()
            )
            .exclude(pk__in=project.people_working_on().values("pk"))
            .exclude(pk=reviewer.pk)
            .distinct()
            .order_by("display_name")
        )
        clear_length_messages(self)

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        Decision = ReviewDecision.Decision
        if (
            decision in (Decision.CHANGES_REQUESTED, Decision.DECLINED)
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", "Say what needs to change, or why you are declining")
        if decision == Decision.DECLINED and not cleaned.get("reason"):
            self.add_error("reason", "Choose a reason for declining")
        return cleaned


class ClosureReportForm(forms.ModelForm):
    class Meta:
        model = ClosureReport
        fields = ["outcomes", "impact", "lessons", "sustainability"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _name, field in self.fields.items():
            field.error_messages["required"] = f"Write the {field.label.lower()}"
        clear_length_messages(self)


class ClosureSendBackForm(forms.Form):
    """The mentor's comments when sending a closure report back to the lead (required)."""

    comment = MultiLineFormField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        label="What should the lead change?",
        help_text="The lead reads this on the project page and by email, then edits the "
        "report and resubmits it.",
        error_messages={"required": "Say what the lead should change"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clear_length_messages(self)


class MentoringNoteForm(forms.ModelForm):
    class Meta:
        model = MentoringNote
        fields = ["date", "note"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "Write the mentoring note"
        clear_length_messages(self)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError("The date of a note cannot be in the future")
        return date
