import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects.models import Task
from tests.factories import PersonFactory, ProjectFactory, TaskFactory


@pytest.fixture
def buddy(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Bea Buddy")


@pytest.fixture
def task(project):
    return TaskFactory(
        project=project,
        title="Count omitted doses",
        estimated_hours=Decimal("1.5"),
        due_date=dt.date(2027, 1, 20),
    )


def url(name, task):
    return reverse(f"tasks:{name}", args=[task.pk])


def test_claim_page_confirms_hours_and_due_date(client_for, buddy, task):
    html = client_for(buddy).get(url("claim", task)).content.decode()
    assert "1.5 hours" in html
    assert "20 January 2027" in html
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN  # a GET claims nothing


def test_buddy_claims_with_one_click_and_the_lead_is_emailed(
    client_for, buddy, task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(buddy).post(url("claim", task))
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.CLAIMED, buddy)
    assert mail.outbox[0].to == [task.project.lead.email]
    assert "Bea Buddy claimed the task" in mail.outbox[0].body
    assert f"/tasks/{task.pk}/" in mail.outbox[0].alternatives[0][0]


def test_claiming_a_claimed_task_gives_a_clear_message(client_for, buddy, task, pharmacy):
    other = PersonFactory(department=pharmacy)
    client_for(other).post(url("claim", task))
    response = client_for(buddy).post(url("claim", task), follow=True)
    assert "Someone else has just claimed this task" in response.content.decode()
    task.refresh_from_db()
    assert task.claimed_by == other


def test_claiming_a_done_task_is_refused(client_for, buddy, task):
    task.status, task.claimed_by = Task.Status.DONE, buddy
    task.save()
    other = PersonFactory(department=buddy.department)
    response = client_for(other).post(url("claim", task), follow=True)
    assert "This task is already done" in response.content.decode()
    task.refresh_from_db()
    assert task.claimed_by == buddy


def test_outsider_cannot_claim_another_departments_task(client_for, outsider, task):
    assert client_for(outsider).post(url("claim", task)).status_code == 403
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_tasks_of_drafts_are_hidden(client_for, buddy, draft):
    hidden = TaskFactory(project=draft)
    assert client_for(buddy).get(url("detail", hidden)).status_code == 404
    assert client_for(buddy).post(url("claim", hidden)).status_code == 404


def test_buddy_records_progress_and_marks_done_with_hours(client_for, buddy, task):
    client = client_for(buddy)
    client.post(url("claim", task))
    assert client.post(url("progress", task), {"note": "Ward 3 done"}).status_code == 302
    assert client.post(url("done", task), {"actual_hours": "2"}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.actual_hours) == (Task.Status.DONE, Decimal("2"))
    assert task.notes.get().note == "Ward 3 done"
    assert task.completed_at is not None


@pytest.mark.parametrize(
    ("hours", "message"),
    [("-1", "Hours must be more than 0"), ("", "Enter the hours it took"), ("abc", "as a number")],
)
def test_bad_actual_hours_are_refused(client_for, buddy, task, hours, message):
    client = client_for(buddy)
    client.post(url("claim", task))
    response = client.post(url("done", task), {"actual_hours": hours})
    html = response.content.decode()
    assert 'href="#id_actual_hours"' in html
    assert message in html
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED


def test_empty_progress_note_is_refused(client_for, buddy, task):
    client = client_for(buddy)
    client.post(url("claim", task))
    response = client.post(url("progress", task), {"note": ""})
    assert "Say what you have done" in response.content.decode()
    assert task.notes.count() == 0


def test_release_is_confirmed_on_a_page_that_changes_nothing(
    client_for, buddy, task, django_assert_max_num_queries
):
    client = client_for(buddy)
    client.post(url("claim", task))
    detail = client.get(url("detail", task)).content.decode()
    # The task page links to the confirmation; it posts no release itself.
    assert f'href="{url("release", task)}">Release task</a>' in detail
    assert f'action="{url("release", task)}"' not in detail
    # Session, user, person; the task, its buddy, its project's department; the viewer's
    # champion areas.
    with django_assert_max_num_queries(7):
        response = client.get(url("release", task))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Release this task?" in html
    assert "you are no longer the buddy on this task" in html
    assert "This cannot be undone" in html
    assert 'type="submit">Yes, release the task</button>' in html
    assert f'href="{url("detail", task)}">No, keep it</a>' in html
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.CLAIMED, buddy)
    response = client.post(url("release", task), follow=True)
    assert "Task released" in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.OPEN, None)


def test_the_lead_is_told_whose_claim_a_release_ends(client_for, buddy, staff, task):
    client_for(buddy).post(url("claim", task))
    html = client_for(staff).get(url("release", task)).content.decode()
    assert "Bea Buddy is no longer the buddy on this task" in html


def test_an_open_task_has_nothing_to_release(client_for, staff, task):
    response = client_for(staff).get(url("release", task), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", task)
    assert "Only a claimed task can be released" in response.content.decode()


def test_claimant_or_lead_may_release_nobody_else(client_for, buddy, staff, champion, task):
    client_for(buddy).post(url("claim", task))
    assert client_for(champion).get(url("release", task)).status_code == 403
    assert client_for(champion).post(url("release", task)).status_code == 403
    assert client_for(staff).post(url("release", task)).status_code == 302  # the lead
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.OPEN, None)


def test_only_the_claimant_or_lead_marks_done(client_for, buddy, champion, task):
    client_for(buddy).post(url("claim", task))
    assert client_for(champion).post(url("done", task), {"actual_hours": "1"}).status_code == 403


def test_lead_reassigns_and_reopens(client_for, staff, buddy, task, pharmacy):
    other = PersonFactory(department=pharmacy)
    client_for(buddy).post(url("claim", task))
    client = client_for(staff)
    assert client.post(url("reassign", task), {"person": other.pk}).status_code == 302
    task.refresh_from_db()
    assert task.claimed_by == other
    assert client.post(url("reopen", task)).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.OPEN, None)


@pytest.mark.parametrize("persona", ["buddy", "champion", "manager", "outsider"])
def test_only_the_lead_reassigns_or_reopens(db, request, client_for, task, persona, pharmacy):
    claimant = PersonFactory(department=pharmacy)
    client_for(claimant).post(url("claim", task))
    client = client_for(request.getfixturevalue(persona))
    assert client.post(url("reassign", task), {"person": claimant.pk}).status_code in (403, 404)
    assert client.post(url("reopen", task)).status_code in (403, 404)
    task.refresh_from_db()
    assert task.claimed_by == claimant


def test_quiet_claims_are_flagged_to_the_buddy_and_lead(client_for, buddy, staff, task, settings):
    settings.QIREGISTER_QUIET_CLAIM_DAYS = 7
    client_for(buddy).post(url("claim", task))
    Task.objects.filter(pk=task.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=8))
    assert list(Task.objects.quiet_claims()) == [task]
    for person in (buddy, staff):
        html = client_for(person).get(url("detail", task)).content.decode()
        assert "No update for a while" in html
    assert "No update for a while" in client_for(buddy).get(reverse("people:me")).content.decode()
    client_for(buddy).post(url("progress", task), {"note": "Still going"})
    assert list(Task.objects.quiet_claims()) == []


def test_closed_projects_take_no_buddies(client_for, buddy, acute_medicine):
    closed = ProjectFactory(
        stage="completed",
        lead=PersonFactory(department=buddy.department),
        clinical_areas=[acute_medicine],
    )
    task = TaskFactory(project=closed)
    response = client_for(buddy).post(url("claim", task), follow=True)
    assert "This task cannot be claimed: its project is completed." in response.content.decode()


def test_an_admin_without_a_staff_profile_gets_403_not_an_error(client, buddy, task, db):
    from django.contrib.auth import get_user_model

    task.status, task.claimed_by = Task.Status.CLAIMED, buddy
    task.save()
    admin_user = get_user_model().objects.create_user("bare-admin", is_staff=True)
    client.force_login(admin_user)
    assert client.post(url("progress", task), {"note": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("status", "buttons", "not_buttons"),
    [
        (Task.Status.OPEN, ["Reassign"], ["Reopen task", "Mark as done"]),
        (Task.Status.CLAIMED, ["Reassign", "Reopen task", "Mark as done"], []),
        (Task.Status.DONE, ["Reopen task"], ["Reassign", "Mark as done"]),
    ],
)
def test_task_page_offers_what_the_status_allows(
    client_for, staff, project, status, buttons, not_buttons
):
    # `staff` leads the project and, for a claimed task, is its claimant.
    task = TaskFactory(
        project=project, status=status, claimed_by=None if status == Task.Status.OPEN else staff
    )
    html = client_for(staff).get(reverse("tasks:detail", args=[task.pk])).content.decode()
    for button in buttons:
        assert button in html
    for button in not_buttons:
        assert button not in html
