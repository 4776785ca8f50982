"""Writes that touch more than one row: proposing, submitting and updating projects."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from people.models import Person
from projects.models import ProgressUpdate, Project, RoleOpening, Task
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
