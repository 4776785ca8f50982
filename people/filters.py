from __future__ import annotations

from itertools import groupby

import django_filters
from django import forms
from django.db.models import Q

from common.fields import PLANNED, BoundedDateFormField
from people.models import ClinicalArea, Person, Skill


class BoundedNumberFilter(django_filters.NumberFilter):
    """A NumberFilter that must have a maximum: an unbounded one let `?days_in_stage=1e50`
    overflow the date arithmetic behind it (a 500). Out of range, the filter is not applied
    and the field says "Enter a number from 0 to 3653"."""

    def __init__(self, *, max_value: int, min_value: int = 0, decimal_places: int = 0, **kwargs):
        message = f"Enter a number from {min_value} to {max_value}"
        super().__init__(
            min_value=min_value,
            max_value=max_value,
            decimal_places=decimal_places,
            error_messages=dict.fromkeys(
                ["invalid", "min_value", "max_value", "max_decimal_places"], message
            ),
            **kwargs,
        )


class BoundedDateFilter(django_filters.DateFilter):
    """A DateFilter within a window (common.fields.DateWindow), ten years ahead by default."""

    field_class = BoundedDateFormField

    def __init__(self, *, window=PLANNED, **kwargs):
        super().__init__(window=window, **kwargs)


class _AreasByDepartment(django_filters.fields.ModelChoiceIterator):
    """Clinical areas in one <optgroup> per department. The queryset must be ordered by
    department first (ClinicalArea's default ordering is) and select the department."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for _, areas in groupby(self.queryset.all(), key=lambda area: area.department_id):
            areas = list(areas)
            yield (areas[0].department.name, [self.choice(area) for area in areas])


class _ClinicalAreaField(django_filters.fields.ModelChoiceField):
    iterator = _AreasByDepartment


class ClinicalAreaFilter(django_filters.ModelChoiceFilter):
    """A clinical area chosen from a list grouped by department, as the NHS.UK select groups
    long lists: departments name their areas alike ("Outpatients"), so the group tells them
    apart. One query, the areas with their departments."""

    field_class = _ClinicalAreaField

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ClinicalArea.objects.select_related("department"))
        kwargs.setdefault("label", "Clinical area")
        kwargs.setdefault("empty_label", "Any area")
        super().__init__(**kwargs)


class PersonFilter(django_filters.FilterSet):
    """The people directory's search and filters; every value lives in the URL."""

    q = django_filters.CharFilter(
        label="Search people",
        method="filter_search",
        help_text="A name, job role, clinical area, skill or interest.",
    )
    job_role = django_filters.ChoiceFilter(
        choices=Person.JobRole.choices, empty_label="Any job role", label="Job role"
    )
    area = django_filters.ModelChoiceFilter(
        field_name="clinical_areas",
        queryset=ClinicalArea.objects.all(),
        label="Clinical area",
        empty_label="Any area",
    )
    skill = django_filters.ModelChoiceFilter(
        field_name="skills", queryset=Skill.objects.all(), label="Skill", empty_label="Any skill"
    )
    champions = django_filters.BooleanFilter(
        method="filter_champions", widget=forms.CheckboxInput, label="Champions only"
    )
    mentors = django_filters.BooleanFilter(
        method="filter_mentors", widget=forms.CheckboxInput, label="Mentors only"
    )
    buddies = django_filters.BooleanFilter(
        field_name="open_to_buddy_tasks",
        method="filter_buddies",
        widget=forms.CheckboxInput,
        label="Open to buddy tasks",
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        roles = [v for v, label in Person.JobRole.choices if value.lower() in label.lower()]
        # The skills and areas matched as small hashed IN (...) lists, not joined: joining
        # every person to each of their skills and areas, then DISTINCT over the wide rows,
        # sorted tens of thousands of rows on a large register.
        skilled = Person.skills.through.objects.filter(skill__name__icontains=value)
        in_area = Person.clinical_areas.through.objects.filter(clinicalarea__name__icontains=value)
        return queryset.filter(
            Q(display_name__icontains=value)
            | Q(interests__icontains=value)
            | Q(pk__in=skilled.values("person_id"))
            | Q(pk__in=in_area.values("person_id"))
            | Q(job_role__in=roles)
        )

    def filter_champions(self, queryset, name, value):
        return queryset.filter(champion_assignments__isnull=False).distinct() if value else queryset

    def filter_mentors(self, queryset, name, value):
        """People mentoring a project's lead or, outside projects, a colleague."""
        if not value:
            return queryset
        return queryset.filter(
            Q(mentored_projects__isnull=False)
            | Q(mentees__isnull=False, mentees__ended_on__isnull=True)
        ).distinct()

    def filter_buddies(self, queryset, name, value):
        return queryset.filter(open_to_buddy_tasks=True) if value else queryset
