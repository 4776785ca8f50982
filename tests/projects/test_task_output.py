"""Marking a task done can carry a link to what it made (the evidence a buddy points to)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services
from projects.models import Task
from tests.factories import PersonFactory, TaskFactory

SHAREPOINT = "https://nhs.sharepoint.com/sites/pharmacy/QI/omitted-doses-audit.xlsx"


@pytest.fixture
def claimed(project, pharmacy):
    buddy = PersonFactory(department=pharmacy, display_name="Bea Buddy")
    task = TaskFactory(project=project, title="Audit 30 drug charts", estimated_hours=Decimal(2))
    return services.task_claim(task_id=task.pk, person=buddy)


def done_url(task):
    return reverse("tasks:done", args=[task.pk])


def test_the_buddy_gives_the_link_with_the_hours_and_the_task_shows_it(client_for, claimed):
    client = client_for(claimed.claimed_by)
    form = client.get(done_url(claimed)).content.decode()
    assert "Link to what you made (optional)" in form
    response = client.post(done_url(claimed), {"actual_hours": "2.5", "output_url": SHAREPOINT})
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert (claimed.status, claimed.output_url) == (Task.Status.DONE, SHAREPOINT)
    page = client.get(reverse("tasks:detail", args=[claimed.pk])).content.decode()
    assert f'<a href="{SHAREPOINT}" rel="noopener noreferrer">' in page


def test_the_link_is_optional(client_for, claimed):
    response = client_for(claimed.claimed_by).post(done_url(claimed), {"actual_hours": "1"})
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert (claimed.status, claimed.output_url) == (Task.Status.DONE, "")


@pytest.mark.parametrize("link", ["javascript:alert(1)", "file:///etc/passwd", "not a link"])
def test_a_link_that_is_not_a_web_address_is_refused_and_nothing_is_saved(
    client_for, claimed, link
):
    response = client_for(claimed.claimed_by).post(
        done_url(claimed), {"actual_hours": "2", "output_url": link}
    )
    assert response.status_code == 200
    assert "Enter a web address that starts with https://" in response.content.decode()
    claimed.refresh_from_db()
    assert (claimed.status, claimed.output_url, claimed.actual_hours) == (
        Task.Status.CLAIMED,
        "",
        None,
    )


def test_reopening_the_task_clears_the_link(claimed):
    services.task_complete(task_id=claimed.pk, actual_hours=Decimal(1), output_url=SHAREPOINT)
    services.task_reopen(task_id=claimed.pk)
    claimed.refresh_from_db()
    assert claimed.output_url == ""
    assert claimed.history.filter(output_url=SHAREPOINT).exists()  # the audit trail keeps it
