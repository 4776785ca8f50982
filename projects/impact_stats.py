"""The department's collective impact over a period, aggregated in the database.

Which projects count: the department's submitted (non-draft) projects that were open at some
time in the period, i.e. submitted by its end and not completed or closed before its start
(the same idea as `people.team.with_engagement`). An area or priority filter keeps the projects
tagged with it. Everything is read in a fixed number of queries, whatever the number of
projects, areas or priorities: the totals, the figures by clinical area and the figures by
strategic priority are each one query built from the same correlated subqueries (`_figures`),
and the stages and the three monthly series are one grouped query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from people.models import ClinicalArea, Department, Person
from projects.models import (
    Membership,
    ProgressUpdate,
    Project,
    ProjectImpact,
    Saving,
    StrategicPriority,
    Task,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)
HOURS = DecimalField(max_digits=12, decimal_places=1)
WHOLE = IntegerField()


@dataclass(frozen=True)
class Figures:
    """The impact figures of one set of projects (the department, an area or a priority)."""

    projects: int
    completed: int
    people: int
    tasks_done: int
    hours_by_team: Decimal
    hours_by_buddies: Decimal
    savings_claimed: int
    savings_validated: int
    claimed_one_off: Decimal
    claimed_recurring: Decimal
    validated_one_off: Decimal
    validated_recurring: Decimal
    staff_hours_saved_per_month: Decimal
    patients_affected: int

    @property
    def hours(self) -> Decimal:
        return self.hours_by_team + self.hours_by_buddies


FIGURE_NAMES = [figure.name for figure in fields(Figures)]


@dataclass(frozen=True)
class Group:
    """An area or priority with its figures (a project counts in each of its areas/priorities)."""

    pk: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class Month:
    month: dt.date  # the first day of the month
    projects_submitted: int = 0
    tasks_done: int = 0
    hours: Decimal = Decimal(0)
    progress_updates: int = 0


@dataclass(frozen=True)
class DepartmentImpact:
    department: Department
    start: dt.date
    end: dt.date
    totals: Figures
    staff: int  # people in the department
    staff_took_part: int  # of them, people who took part in the projects counted
    stages: list[tuple[str, int]]  # (stage label, projects), every stage in workflow order
    benefits: list[tuple[str, int]]  # (benefit label, projects claiming it)
    by_area: list[Group]
    by_priority: list[Group]
    months: list[Month]

    @property
    def staff_share(self) -> Decimal | None:
        """Per cent of the department's staff who took part (None for an empty department)."""
        if not self.staff:
            return None
        return (Decimal(100) * self.staff_took_part / self.staff).quantize(Decimal("0.1"))


def projects_counted(
    department: Department | int,
    start: dt.date,
    end: dt.date,
    *,
    area: int | None = None,
    priority: int | None = None,
) -> QuerySet[Project]:
    """The department's submitted projects open at some time in [start, end]."""
    finished_before = Q(
        stage__in=(Project.Stage.COMPLETED, Project.Stage.CLOSED),
        stage_changed_at__date__lt=start,
    )
    projects = (
        Project.objects.filter(
            department=department, submitted_at__isnull=False, submitted_at__date__lte=end
        )
        .exclude(finished_before)
        .order_by()
    )
    # Uncorrelated IN (...) subqueries, so the queryset nests at any depth in `_figures`.
    if area is not None:
        tagged = Project.clinical_areas.through.objects.filter(clinicalarea_id=area)
        projects = projects.filter(pk__in=tagged.values("project_id"))
    if priority is not None:
        tagged = Project.strategic_priorities.through.objects.filter(strategicpriority_id=priority)
        projects = projects.filter(pk__in=tagged.values("project_id"))
    return projects


def _scalar(queryset: QuerySet, aggregate, output_field) -> Coalesce:
    """One aggregate over `queryset` as a scalar subquery, zero when it has no rows.

    Grouping by a constant leaves no GROUP BY, so the subquery always returns exactly one row.
    """
    rows = queryset.order_by().annotate(_all=Value(1)).values("_all")
    return Coalesce(
        Subquery(rows.annotate(value=aggregate).values("value")),
        Value(Decimal(0) if isinstance(output_field, DecimalField) else 0),
        output_field=output_field,
    )


def done_in(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """Tasks (at `prefix`) marked done on a day in [start, end]."""
    return Q(
        **{
            f"{prefix}status": Task.Status.DONE,
            f"{prefix}completed_at__date__gte": start,
            f"{prefix}completed_at__date__lte": end,
        }
    )


def _took_part(projects: QuerySet[Project], start: dt.date, end: dt.date) -> QuerySet[Person]:
    """People who led or co-led one of `projects`, held a role on one that overlapped the
    period, or did one of its tasks in the period."""
    # IN (...) lists rather than EXISTS per person: each list is computed once per outer row
    # and hashed, where EXISTS would probe the projects once per person. (The lists may hold
    # NULLs, e.g. a project without co-leads; a positive IN simply never matches them.)
    roles = projects.filter(
        Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=start),
        memberships__joined_on__lte=end,
    )
    tasks = projects.filter(done_in(start, end, "tasks__"))
    return Person.objects.filter(
        Q(pk__in=projects.values("lead"))
        | Q(pk__in=projects.values("co_leads"))
        | Q(pk__in=roles.values("memberships__person"))
        | Q(pk__in=tasks.values("tasks__claimed_by"))
    )


def _figures(
    projects: QuerySet[Project], start: dt.date, end: dt.date, group_by: str | None = None
) -> dict:
    """Annotations for each field of `Figures`.

    `group_by` ("clinical_areas" or "strategic_priorities") correlates every subquery with
    the outer row (an area or priority); None counts all of `projects`.
    """

    def scoped(queryset: QuerySet, path: str = "", depth: int = 1) -> QuerySet:
        if group_by is None:
            return queryset
        ref = OuterRef("pk")
        for _ in range(depth - 1):
            ref = OuterRef(ref)
        return queryset.filter(**{f"{path}{group_by}": ref})

    counted = scoped(projects)
    # The projects sit inside the Exists of a Person subquery: the outer row is two levels up.
    took_part = _took_part(scoped(projects, depth=2), start, end)
    tasks = scoped(Task.objects.filter(done_in(start, end), project__in=projects), "project__")
    # Team hours: tasks done by the project's lead, a co-lead or a member (past or present);
    # buddy hours: by anyone else.
    on_team = (
        Q(claimed_by=F("project__lead"))
        | Exists(
            Project.co_leads.through.objects.filter(
                project_id=OuterRef("project_id"), person_id=OuterRef("claimed_by_id")
            )
        )
        | Exists(
            Membership.objects.filter(
                project_id=OuterRef("project_id"), person_id=OuterRef("claimed_by_id")
            )
        )
    )
    savings = scoped(
        Saving.objects.filter(
            project__in=projects, claimed_at__date__gte=start, claimed_at__date__lte=end
        ),
        "project__",
    )
    one_off, recurring = Q(kind=Saving.Kind.ONE_OFF), Q(kind=Saving.Kind.RECURRING)
    validated = Q(validated_by__isnull=False)
    impacts = scoped(ProjectImpact.objects.filter(project__in=projects), "project__")
    completed = Q(
        stage=Project.Stage.COMPLETED,
        stage_changed_at__date__gte=start,
        stage_changed_at__date__lte=end,
    )
    figures = {
        "projects": _scalar(counted, Count("pk"), WHOLE),
        "completed": _scalar(counted.filter(completed), Count("pk"), WHOLE),
        "people": _scalar(took_part, Count("pk"), WHOLE),
        "tasks_done": _scalar(tasks, Count("pk"), WHOLE),
        "hours_by_team": _scalar(tasks.filter(on_team), Sum("actual_hours"), HOURS),
        "hours_by_buddies": _scalar(tasks.exclude(on_team), Sum("actual_hours"), HOURS),
        "savings_claimed": _scalar(savings, Count("pk"), WHOLE),
        "savings_validated": _scalar(savings.filter(validated), Count("pk"), WHOLE),
        "claimed_one_off": _scalar(savings.filter(one_off), Sum("amount"), MONEY),
        "claimed_recurring": _scalar(savings.filter(recurring), Sum("amount"), MONEY),
        "validated_one_off": _scalar(
            savings.filter(one_off & validated), Sum("validated_amount"), MONEY
        ),
        "validated_recurring": _scalar(
            savings.filter(recurring & validated), Sum("validated_amount"), MONEY
        ),
        "staff_hours_saved_per_month": _scalar(impacts, Sum("staff_hours_saved_per_month"), HOURS),
        "patients_affected": _scalar(impacts, Sum("patients_affected"), WHOLE),
    }
    # Prefixed: the outer models have relations named like some figures (e.g. `projects`).
    return {f"figure_{name}": expression for name, expression in figures.items()}


def _to_figures(row) -> Figures:
    return Figures(**{name: getattr(row, f"figure_{name}") for name in FIGURE_NAMES})


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_of(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):  # TruncMonth of a datetime: midnight, local time
        return timezone.localtime(value).date()
    return value


def monthly_activity(projects: QuerySet[Project], start: dt.date, end: dt.date) -> list[Month]:
    """Per month of the period: projects submitted, tasks done (and their hours), updates."""
    submitted = (
        projects.filter(submitted_at__date__gte=start)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    tasks = (
        Task.objects.filter(done_in(start, end), project__in=projects)
        .annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(n=Count("pk"), hours=Sum("actual_hours"))
        .order_by()
    )
    updates = (
        ProgressUpdate.objects.filter(project__in=projects, date__gte=start, date__lte=end)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month: dict[dt.date, dict] = {month: {} for month in _months(start, end)}
    for row in submitted:
        by_month[_month_of(row["month"])]["projects_submitted"] = row["n"]
    for row in tasks:
        by_month[_month_of(row["month"])].update(
            tasks_done=row["n"], hours=row["hours"] or Decimal(0)
        )
    for row in updates:
        by_month[_month_of(row["month"])]["progress_updates"] = row["n"]
    return [Month(month=month, **values) for month, values in by_month.items()]


def _stage_counts(projects: QuerySet[Project]) -> list[tuple[str, int]]:
    counts = dict(projects.values_list("stage").annotate(n=Count("pk")))
    return [(label, counts.get(value, 0)) for value, label in Project.Stage.choices]


def _groups(queryset: QuerySet, figures: dict) -> list[Group]:
    rows = queryset.annotate(**figures).order_by("name", "pk")
    return [Group(pk=row.pk, name=row.name, figures=_to_figures(row)) for row in rows]


def department_impact(
    department: Department,
    start: dt.date,
    end: dt.date,
    *,
    area: int | None = None,
    priority: int | None = None,
) -> DepartmentImpact:
    """Every figure of the impact page, in seven queries whatever the amount of data."""
    projects = projects_counted(department, start, end, area=area, priority=priority)
    benefits = {
        value: _scalar(
            projects.filter(impact__patient_benefits__contains=[value]), Count("pk"), WHOLE
        )
        for value in ProjectImpact.Benefit.values
    }
    staff = Person.objects.filter(department=department)
    # Query 1: the totals, the patient benefits and the department's staff who took part.
    totals = (
        Department.objects.filter(pk=department.pk)
        .annotate(
            **_figures(projects, start, end),
            **{f"benefit_{value}": count for value, count in benefits.items()},
            staff=_scalar(staff, Count("pk"), WHOLE),
            staff_took_part=_scalar(
                _took_part(projects, start, end).filter(department=department),
                Count("pk"),
                WHOLE,
            ),
        )
        .get()
    )
    return DepartmentImpact(
        department=department,
        start=start,
        end=end,
        totals=_to_figures(totals),
        staff=totals.staff,
        staff_took_part=totals.staff_took_part,
        benefits=[
            (label, getattr(totals, f"benefit_{value}"))
            for value, label in ProjectImpact.Benefit.choices
        ],
        stages=_stage_counts(projects),  # query 2
        # Queries 3 and 4: one row per area or priority, however many there are.
        by_area=_groups(
            ClinicalArea.objects.filter(department=department),
            _figures(projects, start, end, "clinical_areas"),
        ),
        by_priority=_groups(
            StrategicPriority.objects.filter(department=department),
            _figures(projects, start, end, "strategic_priorities"),
        ),
        months=monthly_activity(projects, start, end),  # queries 5 to 7
    )
