"""Departments in one installation: the list, each department's home page, and the trust-wide
view for the trust QI team."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from measurement.models import Saving
from people.access import QIRequest
from people.departments import sees_all_departments
from people.models import ChampionAssignment, ClinicalArea, Department, Person
from projects.models import (
    Membership,
    Project,
    StrategicPriority,
    Task,
    involving_department_q,
)

CROSS_DEPARTMENT_SHOWN = 20


def _count(queryset, field: str = "pk"):
    """A correlated COUNT subquery over `queryset` (already filtered on OuterRef)."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _departments_with_figures(*, with_people: bool = False):
    """Every department with its QI figures now, in one query whatever the number of
    departments or projects: each figure is a correlated subquery over the department's rows.
    A project counts in its leading department only, so the trust's totals add up.

    `with_people` adds the staff and those taking part now: the dearest figures (a third of a
    second on 100,000 projects), shown on the trust-wide view only."""
    submitted = Project.objects.filter(department=OuterRef("pk"), submitted_at__isnull=False)
    active = submitted.filter(stage__in=Project.ACTIVE_STAGES)
    taking_part = Person.objects.filter(department=OuterRef("pk")).filter(
        Q(led_projects__stage__in=Project.ACTIVE_STAGES)
        | Q(co_led_projects__stage__in=Project.ACTIVE_STAGES)
        | Q(
            pk__in=Membership.objects.filter(
                left_on__isnull=True, project__stage__in=Project.ACTIVE_STAGES
            ).values("person_id")
        )
        | Q(pk__in=Task.objects.filter(status=Task.Status.CLAIMED).values("claimed_by_id"))
    )
    open_tasks = Task.objects.filter(
        status=Task.Status.OPEN,
        project__department=OuterRef("pk"),
        project__submitted_at__isnull=False,
        project__stage__in=Project.ACTIVE_STAGES,
    )

    def validated(kind: str):
        rows = (
            Saving.objects.filter(
                project__department=OuterRef("pk"), kind=kind, validated_by__isnull=False
            )
            .order_by()
            .values("project__department")
            .annotate(total=Sum("validated_amount"))
            .values("total")
        )
        return Coalesce(Subquery(rows), 0, output_field=DecimalField())

    departments = Department.objects.select_related("qi_lead")
    if with_people:
        departments = departments.annotate(
            staff=_count(Person.objects.filter(department=OuterRef("pk")), "department"),
            staff_taking_part=Coalesce(
                Subquery(
                    taking_part.order_by()
                    .values("department")
                    .annotate(n=Count("pk", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
    return departments.annotate(
        projects_active=_count(active, "department"),
        projects_proposed=_count(submitted.filter(stage=Project.Stage.PROPOSED), "department"),
        projects_completed=_count(submitted.filter(stage=Project.Stage.COMPLETED), "department"),
        open_tasks=_count(open_tasks, "project__department"),
        validated_one_off=validated(Saving.Kind.ONE_OFF),
        validated_recurring=validated(Saving.Kind.RECURRING),
    )


@require_safe
def department_list(request: QIRequest) -> HttpResponse:
    """Every department, its QI lead and how much QI is going on: open to all staff."""
    departments = list(_departments_with_figures())
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
    department = get_object_or_404(
        _departments_with_figures().filter(slug=slug).select_related("qi_lead__user")
    )
    person = request.person
    is_own = person is not None and person.department_id == department.pk
    areas = ClinicalArea.objects.filter(department=department).prefetch_related(
        Prefetch(
            "champion_assignments",
            queryset=ChampionAssignment.objects.select_related("person__user"),
        )
    )
    priorities = StrategicPriority.objects.filter(department=department).annotate(
        projects_count=Count("projects", filter=Q(projects__submitted_at__isnull=False))
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
    departments = list(_departments_with_figures(with_people=True))
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
