"""The impact report counts by local days: a period's first and last days run from midnight to
midnight in Europe/London, in summer time too (the queries compare instants, not dates)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from measurement.impact_stats import department_impact
from measurement.models import Saving
from projects.models import Project, Task
from tests.factories import TaskFactory

# A summer month: local midnight is 23:00 UTC the day before.
START, END = dt.date(2026, 7, 1), dt.date(2026, 7, 31)


def local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def submit(project: Project, at: dt.datetime) -> None:
    Project.objects.filter(pk=project.pk).update(submitted_at=at)


def done_at(project: Project, person, at: dt.datetime, hours: str) -> Task:
    return TaskFactory(
        project=project,
        status=Task.Status.DONE,
        claimed_by=person,
        claimed_at=at - dt.timedelta(hours=1),
        completed_at=at,
        actual_hours=Decimal(hours),
    )


def test_a_project_submitted_late_on_the_last_day_counts(pharmacy, project):
    submit(project, local(END, 23, 30))
    assert department_impact(pharmacy, START, END).totals.projects == 1
    submit(project, local(END + dt.timedelta(days=1), 0, 30))
    assert department_impact(pharmacy, START, END).totals.projects == 0


def test_tasks_count_from_the_first_local_midnight_to_the_last(pharmacy, project, staff):
    submit(project, local(START - dt.timedelta(days=30), 9, 0))
    done_at(project, staff, local(START - dt.timedelta(days=1), 23, 30), "8")  # before
    done_at(project, staff, local(START, 0, 30), "1")  # 23:30 UTC the day before, counts
    done_at(project, staff, local(END, 23, 30), "2")
    done_at(project, staff, local(END + dt.timedelta(days=1), 0, 30), "16")  # after
    totals = department_impact(pharmacy, START, END).totals
    assert totals.tasks_done == 2
    assert totals.hours_by_team == Decimal(3)


def test_savings_and_completion_follow_the_same_days(pharmacy, project, staff):
    submit(project, local(START - dt.timedelta(days=30), 9, 0))
    for at in (local(START, 0, 30), local(START - dt.timedelta(days=1), 23, 30)):
        Saving.objects.create(
            project=project,
            description="Stock",
            amount=Decimal(10),
            kind=Saving.Kind.ONE_OFF,
            claimed_by=staff,
            claimed_at=at,
        )
    Project.objects.filter(pk=project.pk).update(
        stage=Project.Stage.COMPLETED, stage_changed_at=local(START, 0, 30)
    )
    totals = department_impact(pharmacy, START, END).totals
    assert (totals.savings_claimed, totals.claimed_one_off) == (1, Decimal(10))
    assert (totals.projects, totals.completed) == (1, 1)


def test_a_project_completed_late_on_the_day_before_the_period_is_not_counted(pharmacy, project):
    submit(project, local(START - dt.timedelta(days=30), 9, 0))
    Project.objects.filter(pk=project.pk).update(
        stage=Project.Stage.COMPLETED, stage_changed_at=local(START - dt.timedelta(days=1), 23, 30)
    )
    assert department_impact(pharmacy, START, END).totals.projects == 0
