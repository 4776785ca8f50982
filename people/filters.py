from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from people.models import ClinicalArea, Person, Skill


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
        return queryset.filter(
            Q(display_name__icontains=value)
            | Q(interests__icontains=value)
            | Q(skills__name__icontains=value)
            | Q(clinical_areas__name__icontains=value)
            | Q(job_role__in=roles)
        ).distinct()

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
