"""Access control for projects, in one place: every project view fetches through here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from people.access import person_of
from projects.models import NOT_IN_DEPARTMENT, Project


def get_project_for(user, pk: int, *, action: str = "view", queryset=None) -> Project:
    """The project `pk` if `user` may `action` ("view" or "edit") it.

    A draft the user may not see is a 404, so its existence does not leak; a visible project
    the user may not edit is a 403.
    """
    queryset = queryset if queryset is not None else Project.objects.all()
    project = get_object_or_404(
        queryset.select_related(
            "lead", "department", "mentor", "derived_from", "approved_by"
        ).prefetch_related("clinical_areas", "co_leads", "partner_departments"),
        pk=pk,
    )
    if not project.can_be_seen_by(user):
        raise Http404("No such project")
    if action == "edit" and not project.can_be_edited_by(user):
        raise PermissionDenied(
            "Only the project's team, its area's champions and admins can do this"
        )
    return project


def can_lead(user, project: Project) -> bool:
    """Leads and co-leads (and admins) decide who joins and who does the tasks."""
    return user.is_staff or project.is_team_member(person_of(user))


def person_in_department_or_403(user, project: Project):
    """The acting person, who must belong to a department the project involves (its leading
    department or a partner) to join it or take its tasks."""
    person = person_of(user)
    if person is None or not project.involves_department(person.department_id):
        raise PermissionDenied(NOT_IN_DEPARTMENT)
    return person


def get_task_for(user, pk: int):
    """The task `pk` if its project is visible to `user` (404 otherwise, like its project)."""
    from projects.models import Task

    task = get_object_or_404(
        Task.objects.select_related("project__lead", "project__department", "claimed_by"), pk=pk
    )
    if not task.project.can_be_seen_by(user):
        raise Http404("No such task")
    return task
