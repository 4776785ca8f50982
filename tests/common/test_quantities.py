from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.templatetags.quantities import hours
from projects.models import Task
from tests.factories import TaskFactory


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1, "1 hour"),
        (Decimal("1.0"), "1 hour"),
        (Decimal("0.5"), "0.5 hours"),
        (Decimal("2.50"), "2.5 hours"),
        (0, "0 hours"),
        (4620, "4,620 hours"),
        (Decimal("1250.25"), "1,250.3 hours"),
        (None, ""),
        ("", ""),
        ("not a number", ""),
    ],
)
def test_hours_in_running_text(value, shown):
    assert hours(value) == shown


def test_a_one_hour_task_is_offered_as_one_hour(client_for, staff, project):
    task = TaskFactory(project=project, estimated_hours=Decimal("1"), title="Count the fridges")
    page = client_for(staff).get(reverse("tasks:claim", args=[task.pk])).content.decode()
    assert "Yes, I will do it (1 hour" in page
    assert "1 hours" not in page


def test_a_year_of_tasks_is_counted_with_thousands_grouped(client_for, staff, project):
    TaskFactory(
        project=project,
        status=Task.Status.DONE,
        claimed_by=staff,
        completed_at=timezone.now(),
        actual_hours=Decimal("1250"),
    )
    page = client_for(staff).get(reverse("people:me")).content.decode()
    assert "<strong>1,250 hours</strong>" in page
