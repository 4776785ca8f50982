"""Access control for projects, in one place: every project view fetches through here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from projects.models import Project


def get_project_for(user, pk: int, *, action: str = "view", queryset=None) -> Project:
    """The project `pk` if `user` may `action` ("view" or "edit") it.

    A draft the user may not see is a 404, so its existence does not leak; a visible project
    the user may not edit is a 403.
    """
    queryset = queryset if queryset is not None else Project.objects.all()
    project = get_object_or_404(
        queryset.select_related("lead", "department").prefetch_related(
            "clinical_areas", "co_leads"
        ),
        pk=pk,
    )
    if not project.can_be_seen_by(user):
        raise Http404("No such project")
    if action == "edit" and not project.can_be_edited_by(user):
        raise PermissionDenied(
            "Only the project's team, its area's champions and admins can do this"
        )
    return project
