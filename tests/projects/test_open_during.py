"""A period's dates are local dates (Europe/London): a project is open during [start, end] if it
was submitted by local midnight at the end of `end` and not completed or closed before local
midnight at the start of `start`, in summer time (BST) and in winter (GMT) alike."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from recognition.models import ContributionKind
from tests.factories import ProjectFactory

# A winter month (local midnight is midnight UTC) and a summer one (23:00 UTC the day before).
PERIODS = {
    "GMT": (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
    "BST": (dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
}
DAY = dt.timedelta(days=1)


def local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make(lead, *, submitted: dt.datetime, stage=Project.Stage.PLANNING, changed=None) -> Project:
    project = ProjectFactory(lead=lead, stage=stage)
    changes = {"submitted_at": submitted} | ({"stage_changed_at": changed} if changed else {})
    Project.objects.filter(pk=project.pk).update(**changes)
    return project


@pytest.fixture(params=PERIODS, ids=list(PERIODS))
def period(request):
    return PERIODS[request.param]


@pytest.mark.parametrize(
    ("stage", "changed", "is_open"),
    [
        (Project.Stage.CLOSED, lambda s, e: local(e + DAY, 0, 30), True),
        (Project.Stage.CLOSED, lambda s, e: local(e, 23, 30), True),
        (Project.Stage.COMPLETED, lambda s, e: local(s, 0, 30), True),
        (Project.Stage.COMPLETED, lambda s, e: local(s - DAY, 23, 30), False),
        (Project.Stage.CLOSED, lambda s, e: local(s - DAY, 23, 30), False),
        (Project.Stage.ON_HOLD, lambda s, e: local(s - DAY, 23, 30), True),
    ],
)
def test_open_during_ends_and_begins_at_local_midnight(staff, period, stage, changed, is_open):
    start, end = period
    project = make(
        staff, submitted=local(start - 30 * DAY, 9, 0), stage=stage, changed=changed(start, end)
    )
    assert Project.objects.open_during(start, end).contains(project) is is_open


def test_a_project_submitted_late_on_the_last_day_was_open(staff, period):
    start, end = period
    late = make(staff, submitted=local(end, 23, 30))
    too_late = make(staff, submitted=local(end + DAY, 0, 30))
    assert list(Project.objects.open_during(start, end)) == [late]
    assert not Project.objects.open_during(start, end).contains(too_late)


def test_done_during_counts_by_local_day(staff, period):
    start, end = period
    submitted = local(start - 30 * DAY, 9, 0)
    completed = Project.Stage.COMPLETED
    inside = [
        make(staff, submitted=submitted, stage=completed, changed=local(start, 0, 30)),
        make(staff, submitted=submitted, stage=completed, changed=local(end, 23, 30)),
    ]
    for outside in (local(start - DAY, 23, 30), local(end + DAY, 0, 30)):
        make(staff, submitted=submitted, stage=completed, changed=outside)
    make(staff, submitted=submitted, stage=Project.Stage.CLOSED, changed=local(end, 12, 0))
    assert set(Project.objects.done_during(start, end)) == set(inside)


def _closed_around_the_start(lead, start: dt.date) -> None:
    """One project completed late on the day before the period, one early on its first day."""
    done = Project.Stage.COMPLETED
    submitted = local(start - 30 * DAY, 9, 0)
    make(lead, submitted=submitted, stage=done, changed=local(start - DAY, 23, 30))
    make(lead, submitted=submitted, stage=done, changed=local(start, 0, 30))


def test_team_page_counts_a_project_closed_early_on_the_first_day(
    client_for, manager, staff, period
):
    start, end = period
    _closed_around_the_start(staff, start)
    dates = {"from": start.isoformat(), "to": end.isoformat()}
    row = client_for(manager).get(reverse("people:team"), dates).context["page"].object_list[0]
    assert row.projects_led == 1


def test_portfolio_lists_a_project_closed_early_on_the_first_day(client_for, staff, period):
    start, end = period
    _closed_around_the_start(staff, start)
    dates = {"from": start.isoformat(), "to": end.isoformat()}
    response = client_for(staff).get(reverse("recognition:portfolio"), dates)
    assert len(response.context["found"].of_kinds(ContributionKind.LED)) == 1
