"""The summaries the department and trust-wide pages read (`DepartmentFigures`, and
`PriorityFigures` for each strategic priority): their recount from scratch, to repair them or
to check them, and their rebuild.

Database triggers keep the summaries right as projects, tasks, savings and priority tags
change (migrations measurement 0002 and 0003 say how); these functions are for repair (`manage.py
rebuild_department_figures`) and for the tests that compare the kept figures with a recount.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction

from measurement.models import DepartmentFigures, PriorityFigures, Saving
from projects.models import Task

# Every project, grouped by the row it counts in, with its open tasks and validated savings.
RECOUNT_SQL = """
SELECT project.department_id, project.stage, project.submitted_at IS NOT NULL,
    COUNT(*), COALESCE(SUM(tasks.open_tasks), 0),
    COALESCE(SUM(savings.one_off), 0), COALESCE(SUM(savings.recurring), 0)
FROM projects_project project
LEFT JOIN (
    SELECT project_id, COUNT(*) AS open_tasks FROM projects_task
    WHERE status = %(open)s GROUP BY project_id
) tasks ON tasks.project_id = project.id
LEFT JOIN (
    SELECT project_id,
        SUM(validated_amount) FILTER (WHERE kind = %(one_off)s) AS one_off,
        SUM(validated_amount) FILTER (WHERE kind = %(recurring)s) AS recurring
    FROM measurement_saving WHERE validated_by_id IS NOT NULL GROUP BY project_id
) savings ON savings.project_id = project.id
GROUP BY project.department_id, project.stage, project.submitted_at IS NOT NULL
"""
_PARAMETERS = {
    "open": Task.Status.OPEN,
    "one_off": Saving.Kind.ONE_OFF,
    "recurring": Saving.Kind.RECURRING,
}
# Each strategic priority's submitted projects.
PRIORITY_RECOUNT_SQL = """
SELECT tag.strategicpriority_id, COUNT(*)
FROM projects_project_strategic_priorities tag
JOIN projects_project project ON project.id = tag.project_id
WHERE project.submitted_at IS NOT NULL
GROUP BY tag.strategicpriority_id
"""
Key = tuple[int, str, bool]
Values = tuple[int, int, Decimal, Decimal]


def recount() -> dict[Key, Values]:
    """The summary's rows as a count of every project would make them (rows of zeros left
    out): reads every project, task and saving."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT_SQL, _PARAMETERS)
        return {tuple(row[:3]): tuple(row[3:]) for row in cursor.fetchall()}


def kept() -> dict[Key, Values]:
    """The summary's rows as the triggers kept them (rows of zeros left out)."""
    rows = DepartmentFigures.objects.values_list(
        "department_id",
        "stage",
        "submitted",
        "projects",
        "open_tasks",
        "validated_one_off",
        "validated_recurring",
    )
    return {tuple(row[:3]): tuple(row[3:]) for row in rows if any(row[3:])}


def recount_priorities() -> dict[int, int]:
    """Each strategic priority's submitted projects, counted from every tag (none left out)."""
    with connection.cursor() as cursor:
        cursor.execute(PRIORITY_RECOUNT_SQL)
        return dict(cursor.fetchall())


def kept_priorities() -> dict[int, int]:
    """Each priority's submitted projects as the triggers kept them (zeros left out)."""
    return dict(PriorityFigures.objects.exclude(projects=0).values_list("priority_id", "projects"))


@transaction.atomic
def rebuild_department_figures() -> int:
    """Recount both summaries from scratch; returns the number of rows written.

    The tables are locked first, so a change committed while the recount runs either is in
    the recount or waits and then adds its difference to the recounted rows."""
    with connection.cursor() as cursor:
        for model in (DepartmentFigures, PriorityFigures):
            cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
        DepartmentFigures.objects.all().delete()
        cursor.execute(RECOUNT_SQL, _PARAMETERS)
        rows = [
            DepartmentFigures(
                department_id=department_id,
                stage=stage,
                submitted=submitted,
                projects=projects,
                open_tasks=open_tasks,
                validated_one_off=one_off,
                validated_recurring=recurring,
            )
            for department_id, stage, submitted, projects, open_tasks, one_off, recurring in (
                cursor.fetchall()
            )
        ]
    DepartmentFigures.objects.bulk_create(rows)
    PriorityFigures.objects.all().delete()
    priorities = PriorityFigures.objects.bulk_create(
        PriorityFigures(priority_id=priority, projects=projects)
        for priority, projects in recount_priorities().items()
    )
    return len(rows) + len(priorities)
