"""Departments in one installation: the list, each department's home page, and the trust-wide
view for the trust QI team."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from measurement.models import DepartmentFigures
from people.access import QIRequest
from people.departments import sees_all_departments
from people.models import ChampionAssignment, ClinicalArea, Department, Person
from projects.models import (
    Project,
    StrategicPriority,
    involving_department_q,
)

CROSS_DEPARTMENT_SHOWN = 20


def _count(queryset, field: str = "pk"):
    """A correlated COUNT subquery over `queryset` (already filtered on OuterRef)."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# The figures of a department with no project yet.
NO_FIGURES = {
    "projects_proposed": 0,
    "projects_active": 0,
    "projects_completed": 0,
    "open_tasks": 0,
    "validated_one_off": Decimal(0),
    "validated_recurring": Decimal(0),
}


def _with_figures(departments: list[Department]) -> list[Department]:
    """`departments`, each with its QI figures now, in one query whatever the number of
    projects: they come from the summary the database keeps as projects, tasks and savings
    change (`DepartmentFigures`), at most a row per stage per department. A project counts in
    its leading department only, so the trust's totals add up."""
    figures = DepartmentFigures.objects.filter(department__in=departments)
    by_department = figures.totals_by_department()
    for department in departments:
        for name, value in by_department.get(department.pk, NO_FIGURES).items():
            setattr(department, name, value)
    return departments


def _with_people(departments):
    """Departments with their staff and those taking part now (leading, co-leading or on the
    team of a project in progress, or with a task claimed): counted over the department's
    people from the summary the database keeps of how each takes part (`PersonTakingPart`),
    not over every project."""
    people = Person.objects.filter(department=OuterRef("pk"))
    return departments.annotate(
        staff=_count(people, "department"),
        staff_taking_part=_count(people.filter(taking_part__involvements__gt=0), "department"),
    )


@require_safe
def department_list(request: QIRequest) -> HttpResponse:
    """Every department, its QI lead and how much QI is going on: open to all staff."""
    departments = _with_figures(list(Department.objects.select_related("qi_lead")))
    person = request.person
    return render(
        request,
        "people/departments.html",
        {
            "departments": departments,
            "own_department_id": person.department_id if person else None,
            "sees_all": sees_all_departments(request.user),
        },
    )


@require_safe
def department_detail(request: QIRequest, slug: str) -> HttpResponse:
    """A department's QI home: QI lead, champions, strategic priorities, cross-department
    projects and links to its register and (for its staff and the trust QI team) its board,
    showcases and impact page. Names and projects shown here are public inside the trust."""
    department = get_object_or_404(Department.objects.select_related("qi_lead__user"), slug=slug)
    _with_figures([department])
    person = request.person
    is_own = person is not None and person.department_id == department.pk
    areas = ClinicalArea.objects.filter(department=department).prefetch_related(
        Prefetch(
            "champion_assignments",
            queryset=ChampionAssignment.objects.select_related("person__user"),
        )
    )
    # Each priority's submitted projects, kept by the database (`PriorityFigures`).
    priorities = StrategicPriority.objects.filter(department=department).annotate(
        projects_count=Coalesce("figures__projects", 0)
    )
    return render(
        request,
        "people/department.html",
        {
            "department": department,
            "sees_pages": is_own or sees_all_departments(request.user),
            "areas": areas,
            "priorities": priorities,
            "cross_department": _cross_department(
                Project.objects.filter(involving_department_q(department))
            ),
        },
    )


def _cross_department(projects):
    """The newest submitted projects among `projects` that involve more than one department,
    with their departments."""
    return (
        projects.filter(submitted_at__isnull=False, partner_departments__isnull=False)
        .distinct()
        .select_related("department", "lead")
        .prefetch_related("partner_departments")
        .order_by("-created_at")[:CROSS_DEPARTMENT_SHOWN]
    )


@require_safe
def trust_overview(request: QIRequest) -> HttpResponse:
    """The trust-wide view: every department's figures side by side, with the trust's totals,
    and the projects that cross departments. For the trust QI team and admins."""
    if not sees_all_departments(request.user):
        raise PermissionDenied("The trust-wide view is for the trust QI team and admins")
    departments = _with_figures(list(_with_people(Department.objects.select_related("qi_lead"))))
    figures = (
        "staff",
        "staff_taking_part",
        "projects_proposed",
        "projects_active",
        "projects_completed",
        "open_tasks",
        "validated_one_off",
        "validated_recurring",
    )
    totals = {name: sum(getattr(d, name) for d in departments) for name in figures}
    return render(
        request,
        "people/trust.html",
        {
            "departments": departments,
            "totals": totals,
            "cross_department": _cross_department(Project.objects.all()),
        },
    )
