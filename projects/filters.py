from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from people.departments import lands_on_trust_view
from people.filters import BoundedDateFilter, BoundedNumberFilter, ClinicalAreaFilter
from people.models import ClinicalArea, Department, Person, Skill
from projects.models import (
    Project,
    ReviewDecision,
    StrategicPriority,
    Task,
    involving_department_q,
)
from projects.search import search

SORT_CHOICES = [
    ("relevance", "Best match (when searching)"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("title", "Title A to Z"),
    ("end", "Target end date"),
]
SORT_ORDERS = {
    "newest": ["-created_at", "-pk"],
    "oldest": ["created_at", "pk"],
    "title": ["title", "pk"],
    "end": ["target_end_date", "pk"],
}


# Small checkboxes, as the NHS.UK design system has them for filters beside a list.
SMALL = {"small": True}


def data_opening_on_own_department(request) -> QueryDict | None:
    """A filter's data that opens on the viewer's own department; an empty `department` (what
    "All departments" sends) shows every department's. The trust QI team's opens on every
    department's: their own department runs no projects."""
    person = request.person
    if person is None or "department" in request.GET or lands_on_trust_view(request.user):
        return request.GET or None
    data = request.GET.copy()
    data["department"] = str(person.department_id)
    return data


class ProjectFilter(django_filters.FilterSet):
    """The register's filters; every value lives in the URL so a view can be shared."""

    q = django_filters.CharFilter(
        label="Search projects",
        method="filter_search",
        help_text="Words from the title, aim, problem or tasks.",
    )
    stage = django_filters.MultipleChoiceFilter(
        # A plain column: no DISTINCT needed (it would make PostgreSQL sort the whole table).
        choices=Project.Stage.choices,
        widget=forms.CheckboxSelectMultiple(attrs=SMALL),
        distinct=False,
    )
    include_closed = django_filters.BooleanFilter(
        method="filter_include_closed",
        widget=forms.CheckboxInput(attrs=SMALL),
        label="Show completed and closed projects",
        help_text="Left out unless you tick this or choose their stage.",
    )
    kind = django_filters.ChoiceFilter(choices=Project.Kind.choices, empty_label="Any kind")
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        method="filter_department",
        empty_label="All departments",
        help_text="The register opens on your own department's projects (the trust QI team's "
        "on every department's).",
    )
    area = ClinicalAreaFilter(field_name="clinical_areas")
    priority = django_filters.ModelChoiceFilter(
        field_name="strategic_priorities",
        queryset=StrategicPriority.objects.all(),
        label="Strategic priority",
        empty_label="Any priority",
    )
    lead = django_filters.CharFilter(
        field_name="lead__display_name", lookup_expr="icontains", label="Lead's name"
    )
    open_tasks = django_filters.BooleanFilter(
        method="filter_open_tasks", widget=forms.CheckboxInput(attrs=SMALL), label="Has open tasks"
    )
    needs_people = django_filters.BooleanFilter(
        method="filter_needs_people", widget=forms.CheckboxInput(attrs=SMALL), label="Needs people"
    )
    max_hours = BoundedNumberFilter(
        method="filter_max_hours",
        label="Time to join: at most (hours per week)",
        max_value=168,
        decimal_places=1,
        help_text="Projects with an open role or an open task that asks no more. A task's "
        "hours count as one week's.",
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", empty_label=None, label="Sort by"
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_department(self, queryset, name, value):
        """The projects the department leads or takes part in."""
        return queryset.filter(involving_department_q(value))

    def filter_search(self, queryset, name, value):
        return search(queryset, value) if value.strip() else queryset

    def filter_open_tasks(self, queryset, name, value):
        return queryset.with_open_tasks() if value else queryset

    def filter_needs_people(self, queryset, name, value):
        return queryset.needing_people() if value else queryset

    def filter_max_hours(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.joinable_within(value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in `qs` after every other filter

    def filter_include_closed(self, queryset, name, value):
        return queryset  # applied in `qs`, which also reads the stages chosen

    @property
    def hides_closed(self) -> bool:
        """Completed and closed projects are left out, as nothing more is done on them,
        unless "Show completed and closed projects" is ticked or one of their stages is
        chosen."""
        if "include_closed" not in self.filters:
            return False
        include_closed = self._valid_data().get("include_closed")
        return not include_closed and not self.chosen_stages & set(Project.CLOSED_STAGES)

    @property
    def chosen_stages(self) -> set[str]:
        """The stages chosen in the filter (none when the form is unbound or the choice is not
        valid)."""
        return set(self._valid_data().get("stage") or ())

    def _valid_data(self) -> dict:
        self.form.is_valid()  # cleaned_data holds the fields that are valid; unbound, none
        return getattr(self.form, "cleaned_data", {})

    @property
    def matching_qs(self):
        """Every project the filters match, the completed and closed ones too, in no order:
        for counting those that `qs` leaves out."""
        return super().qs

    @property
    def qs(self):
        queryset = super().qs
        if self.hides_closed:
            queryset = queryset.exclude(stage__in=Project.CLOSED_STAGES)
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        searching = bool(self.form.is_valid() and self.form.cleaned_data.get("q", "").strip())
        if searching and sort in (None, "", "relevance"):
            return queryset.order_by("-exact_title", "-rank", "-pk")
        return queryset.order_by(*SORT_ORDERS.get(sort or "newest", SORT_ORDERS["newest"]))


class TaskFilter(django_filters.FilterSet):
    """The task board's filters; like the register, every value lives in the URL."""

    max_hours = BoundedNumberFilter(
        field_name="estimated_hours",
        lookup_expr="lte",
        label="At most (hours)",
        max_value=500,
        decimal_places=1,
        help_text="For example, 2 for tasks of 2 hours or less.",
    )
    skill = django_filters.ModelChoiceFilter(
        field_name="skills_needed",
        queryset=Skill.objects.all(),
        label="Skill",
        empty_label="Any skill",
    )
    area = django_filters.ModelChoiceFilter(
        field_name="project__clinical_areas",
        queryset=ClinicalArea.objects.all(),
        label="Clinical area",
        empty_label="Any area",
    )
    due_before = BoundedDateFilter(
        field_name="due_date",
        lookup_expr="lte",
        label="Due by",
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        widget=forms.CheckboxInput,
        label="Overdue only",
        help_text="Tasks past their due date, listed last otherwise.",
    )
    stage = django_filters.MultipleChoiceFilter(
        field_name="project__stage",
        choices=[(s, Project.Stage(s).label) for s in Project.ACTIVE_STAGES],
        widget=forms.CheckboxSelectMultiple,
        label="Project stage",
        distinct=False,
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person = getattr(self.request, "person", None)  # no request, no person
        if person is not None:
            # The board shows the tasks of the projects the person's department leads or takes
            # part in; its area choices are those projects' areas.
            self.filters["area"].queryset = ClinicalArea.objects.filter(
                Q(department_id=person.department_id)
                | Q(
                    pk__in=Project.clinical_areas.through.objects.filter(
                        project__partner_departments=person.department_id
                    ).values("clinicalarea_id")
                )
            )


DAYS_LIMIT = 3653  # ten years: no project has waited longer


class GovernanceFilter(ProjectFilter):
    """The register's filters plus what the governance meeting asks about."""

    # The meeting follows projects to their end: completed and closed ones stay in its report.
    include_closed = None

    mentor = django_filters.ModelChoiceFilter(
        queryset=Person.objects.filter(champion_assignments__isnull=False)
        .distinct()
        .order_by("display_name"),
        label="Mentor",
        empty_label="Any mentor",
    )
    last_decision = django_filters.ChoiceFilter(
        choices=list(ReviewDecision.OUTCOMES.items()),
        label="Last decision",
        empty_label="Any decision",
    )
    days_in_stage = BoundedNumberFilter(
        method="filter_days_in_stage",
        label="In the same stage for at least (days)",
        max_value=DAYS_LIMIT,
    )
    days_since_update = BoundedNumberFilter(
        method="filter_days_since_update",
        label="No progress update for at least (days)",
        max_value=DAYS_LIMIT,
    )

    def filter_days_in_stage(self, queryset, name, value):
        since = timezone.now() - dt.timedelta(days=int(value))
        return queryset.filter(stage_changed_at__lte=since)

    def filter_days_since_update(self, queryset, name, value):
        before = timezone.localdate() - dt.timedelta(days=int(value))
        return queryset.filter(Q(last_update__lte=before) | Q(last_update__isnull=True))
