"""Writes that touch more than one row: proposing, submitting and updating projects."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from people.models import Person
from projects import notifications
from projects.models import (
    Interest,
    Membership,
    ProgressUpdate,
    Project,
    RoleOpening,
    Task,
    TaskNote,
)
from projects.search import refresh_search_vectors


def next_reference(*, year: int) -> str:
    """The next project reference for `year`, e.g. QI-2026-014; never the same twice.

    One upsert both creates the year's counter and increments it, so two submissions at the
    same moment serialise on the counter row and get different numbers.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO projects_referencecounter (year, last_number) VALUES (%s, 1)
            ON CONFLICT (year) DO UPDATE
                SET last_number = projects_referencecounter.last_number + 1
            RETURNING last_number
            """,
            [year],
        )
        (number,) = cursor.fetchone()
    return f"QI-{year}-{number:03d}"


@transaction.atomic
def project_create(*, form, lead: Person, submit: bool) -> Project:
    """Save a proposed project from a valid ProjectForm; submit it for review if asked."""
    project = form.save(commit=False)
    project.lead = lead
    project.department = lead.department
    project.stage = Project.Stage.IDEA
    project.save()
    form.save_m2m()
    if submit:
        project_submit(project=project)
    refresh_search_vectors(Project.objects.filter(pk=project.pk))
    return project


@transaction.atomic
def project_submit(*, project: Project) -> Project:
    """Send a draft for review: it gets its reference and becomes visible to everyone."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_draft:
        return project
    project.submitted_at = timezone.now()
    project.reference = next_reference(year=timezone.localdate().year)
    project.stage = Project.Stage.PROPOSED
    project.save(update_fields=["submitted_at", "reference", "stage", "updated_at"])
    return project


@transaction.atomic
def project_update(*, form) -> Project:
    project = form.save()
    refresh_search_vectors(Project.objects.filter(pk=project.pk))
    return project


@transaction.atomic
def task_save(*, form, project: Project) -> Task:
    task = form.save(commit=False)
    task.project = project
    task.save()
    form.save_m2m()
    # Task text is searchable from the register.
    refresh_search_vectors(Project.objects.filter(pk=project.pk))
    return task


def role_opening_save(*, form, project: Project) -> RoleOpening:
    opening = form.save(commit=False)
    opening.project = project
    opening.save()
    return opening


def progress_update_save(*, form, project: Project, author: Person) -> ProgressUpdate:
    update = form.save(commit=False)
    update.project = project
    if update.pk is None:
        update.author = author
    update.save()
    return update


# Joining: interest, applications and team membership.


class WorkflowError(Exception):
    """A request that cannot go ahead in the current state; the message is for the user."""


CLOSED_STAGES = (Project.Stage.COMPLETED, Project.Stage.CLOSED)


@transaction.atomic
def interest_express(
    *, project: Project, person: Person, role_opening: RoleOpening | None = None, message: str = ""
) -> Interest:
    if project.is_draft or project.stage in CLOSED_STAGES:
        raise WorkflowError("This project is not taking new people")
    if (
        project.is_team_member(person)
        or project.memberships.filter(person=person, left_on__isnull=True).exists()
    ):
        raise WorkflowError("You are already on this project's team")
    if role_opening is not None and (
        role_opening.project_id != project.pk or not role_opening.is_open
    ):
        raise WorkflowError("That role is not open")
    if project.interests.filter(person=person, status=Interest.Status.PENDING).exists():
        raise WorkflowError("You have already asked to join; the lead will reply")
    interest = Interest.objects.create(
        project=project, person=person, role_opening=role_opening, message=message
    )
    notifications.notify(
        to=notifications.project_team_leads(project),
        subject=f"{person.display_name} would like to join {project.reference}",
        template="interest_received",
        context={"interest": interest, "project": project},
    )
    return interest


@transaction.atomic
def interest_decide(*, interest_id: int, decided_by: Person, accept: bool) -> Interest:
    """Accept (making a membership) or decline a pending request.

    The role opening's row is locked while its places are counted, so two leads accepting at
    the same moment can never fill more places than the opening has.
    """
    interest = (
        Interest.objects.select_for_update().select_related("project", "person").get(pk=interest_id)
    )
    if interest.status != Interest.Status.PENDING:
        raise WorkflowError(f"This request is already {interest.get_status_display().lower()}")
    project = interest.project
    if accept:
        opening = None
        if interest.role_opening_id:
            opening = RoleOpening.objects.select_for_update().get(pk=interest.role_opening_id)
            filled = opening.memberships.filter(left_on__isnull=True).count()
            if not opening.is_open or filled >= opening.places:
                raise WorkflowError(
                    f"No places left for {opening.title}: {filled} of {opening.places} taken"
                )
        if project.memberships.filter(person=interest.person, left_on__isnull=True).exists():
            raise WorkflowError(f"{interest.person} is already on the team")
        source = opening or project
        Membership.objects.create(
            project=project,
            person=interest.person,
            role_opening=opening,
            role_title=opening.title if opening else "Team member",
            commitment_hours=source.commitment_hours,
            commitment_period=source.commitment_period,
            commitment_weeks=source.commitment_weeks,
        )
    interest.status = Interest.Status.ACCEPTED if accept else Interest.Status.DECLINED
    interest.decided_by = decided_by
    interest.decided_at = timezone.now()
    interest.save(update_fields=["status", "decided_by", "decided_at"])
    notifications.notify(
        to=[interest.person],
        subject=f"{'Accepted' if accept else 'Your request'} on {project.reference}",
        template="interest_decided",
        context={"interest": interest, "project": project, "accepted": accept},
    )
    return interest


@transaction.atomic
def interest_withdraw(*, interest_id: int, person: Person) -> Interest:
    interest = Interest.objects.select_for_update().get(pk=interest_id, person=person)
    if interest.status != Interest.Status.PENDING:
        raise WorkflowError("Only a request that is still waiting can be withdrawn")
    interest.status = Interest.Status.WITHDRAWN
    interest.save(update_fields=["status"])
    return interest


# The buddy system: one claimant per task.


def _locked_task(task_id: int) -> Task:
    return Task.objects.select_for_update().select_related("project").get(pk=task_id)


@transaction.atomic
def task_claim(*, task_id: int, person: Person) -> Task:
    """Claim an open task. The row lock means two claims at once: exactly one succeeds."""
    task = _locked_task(task_id)
    if task.status == Task.Status.CLAIMED:
        if task.claimed_by_id == person.pk:
            raise WorkflowError("You have already claimed this task")
        raise WorkflowError("Someone else has just claimed this task")
    if task.status == Task.Status.DONE:
        raise WorkflowError("This task is already done")
    if task.project.is_draft or task.project.stage in CLOSED_STAGES:
        raise WorkflowError("This project is not taking buddies")
    now = timezone.now()
    task.status = Task.Status.CLAIMED
    task.claimed_by = person
    task.claimed_at = task.last_activity_at = now
    task.save(update_fields=["status", "claimed_by", "claimed_at", "last_activity_at"])
    notifications.notify(
        to=notifications.project_team_leads(task.project),
        subject=f"{person.display_name} claimed a task on {task.project.reference}",
        template="task_claimed",
        context={"task": task},
    )
    return task


@transaction.atomic
def task_release(*, task_id: int) -> Task:
    task = _locked_task(task_id)
    if task.status != Task.Status.CLAIMED:
        raise WorkflowError("Only a claimed task can be released")
    task.status = Task.Status.OPEN
    task.claimed_by = None
    task.claimed_at = task.last_activity_at = None
    task.save(update_fields=["status", "claimed_by", "claimed_at", "last_activity_at"])
    return task


@transaction.atomic
def task_record_progress(*, task_id: int, author: Person, note: str) -> TaskNote:
    task = _locked_task(task_id)
    if task.status != Task.Status.CLAIMED:
        raise WorkflowError("Progress can be recorded on a claimed task only")
    entry = TaskNote.objects.create(task=task, author=author, note=note)
    task.last_activity_at = entry.created_at
    task.save(update_fields=["last_activity_at"])
    return entry


@transaction.atomic
def task_complete(*, task_id: int, actual_hours) -> Task:
    task = _locked_task(task_id)
    if task.status == Task.Status.DONE:
        raise WorkflowError("This task is already done")
    if task.status != Task.Status.CLAIMED:
        raise WorkflowError("Claim the task before marking it done")
    now = timezone.now()
    task.status = Task.Status.DONE
    task.actual_hours = actual_hours
    task.completed_at = task.last_activity_at = now
    task.save(update_fields=["status", "actual_hours", "completed_at", "last_activity_at"])
    refresh_search_vectors(Project.objects.filter(pk=task.project_id))
    return task


@transaction.atomic
def task_reassign(*, task_id: int, to: Person) -> Task:
    task = _locked_task(task_id)
    if task.status == Task.Status.DONE:
        raise WorkflowError("A done task cannot be reassigned; reopen it first")
    now = timezone.now()
    task.status = Task.Status.CLAIMED
    task.claimed_by = to
    task.claimed_at = task.last_activity_at = now
    task.save(update_fields=["status", "claimed_by", "claimed_at", "last_activity_at"])
    return task


@transaction.atomic
def task_reopen(*, task_id: int) -> Task:
    task = _locked_task(task_id)
    if task.status == Task.Status.OPEN:
        raise WorkflowError("This task is already open")
    task.status = Task.Status.OPEN
    task.claimed_by = None
    task.claimed_at = task.last_activity_at = task.completed_at = None
    task.actual_hours = None
    task.save(
        update_fields=[
            "status",
            "claimed_by",
            "claimed_at",
            "last_activity_at",
            "completed_at",
            "actual_hours",
        ]
    )
    return task
