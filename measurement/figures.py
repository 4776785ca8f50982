"""The summaries the department and trust-wide pages read (`DepartmentFigures`,
`PriorityFigures` for each strategic priority and `PersonTakingPart` for each person): their
recount from scratch, to repair them or to check them, and their rebuild.

Database triggers keep the summaries right as projects, teams, tasks, savings and priority
tags change (migrations measurement 0002 to 0004 say how); these functions are for repair
(`manage.py rebuild_department_figures`) and for the tests that compare the kept figures with
a recount.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction

from measurement.models import DepartmentFigures, PersonTakingPart, PriorityFigures, Saving
from projects.models import Project, Task

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
# How many ways each person takes part now: leading or co-leading a project in progress, a
# current place on its team, a claimed task.
TAKING_PART_RECOUNT_SQL = """
SELECT person_id, COUNT(*) FROM (
    SELECT lead_id AS person_id FROM projects_project WHERE stage = ANY(%(in_progress)s)
    UNION ALL
    SELECT co_lead.person_id FROM projects_project_co_leads co_lead
    JOIN projects_project project ON project.id = co_lead.project_id
    WHERE project.stage = ANY(%(in_progress)s)
    UNION ALL
    SELECT membership.person_id FROM projects_membership membership
    JOIN projects_project project ON project.id = membership.project_id
    WHERE membership.left_on IS NULL AND project.stage = ANY(%(in_progress)s)
    UNION ALL
    SELECT claimed_by_id FROM projects_task
    WHERE status = %(claimed)s AND claimed_by_id IS NOT NULL
) AS involvements
GROUP BY person_id
"""
_TAKING_PART_PARAMETERS = {
    "in_progress": [str(stage) for stage in Project.ACTIVE_STAGES],
    "claimed": Task.Status.CLAIMED,
}
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


def recount_taking_part() -> dict[int, int]:
    """How many ways each person takes part now, counted from every project, team and task."""
    with connection.cursor() as cursor:
        cursor.execute(TAKING_PART_RECOUNT_SQL, _TAKING_PART_PARAMETERS)
        return dict(cursor.fetchall())


def kept_taking_part() -> dict[int, int]:
    """The same as the triggers kept it (zeros left out)."""
    rows = PersonTakingPart.objects.exclude(involvements=0)
    return dict(rows.values_list("person_id", "involvements"))


@transaction.atomic
def rebuild_department_figures() -> int:
    """Recount both summaries from scratch; returns the number of rows written.

    The tables are locked first, so a change committed while the recount runs either is in
    the recount or waits and then adds its difference to the recounted rows."""
    with connection.cursor() as cursor:
        for model in (DepartmentFigures, PriorityFigures, PersonTakingPart):
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
    PersonTakingPart.objects.all().delete()
    people = PersonTakingPart.objects.bulk_create(
        PersonTakingPart(person_id=person, involvements=involvements)
        for person, involvements in recount_taking_part().items()
    )
    return len(rows) + len(priorities) + len(people)
