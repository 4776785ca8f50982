"""Awards on other apps' pages: `{% load award_tags %}{% person_recognition person %}` on a
profile and `{% project_recognition project %}` on a project page, so their views need not
change. Each tag costs one query."""

from __future__ import annotations

from django import template
from django.utils import timezone

from recognition.models import Award
from recognition.services.awards import recognition_for_person, recognition_for_project

register = template.Library()


@register.inclusion_tag("recognition/awards/_person_recognition.html", takes_context=True)
def person_recognition(context, person) -> dict:
    user = context["request"].user
    return {"person": person, "nominations": list(recognition_for_person(person, user=user))}


@register.inclusion_tag("recognition/awards/_project_recognition.html", takes_context=True)
def project_recognition(context, project) -> dict:
    user = context["request"].user
    viewer = getattr(user, "person", None)
    return {
        "project": project,
        "nominations": list(recognition_for_project(project, user=user)),
        # The nominate form offers the nominator's own department's submitted projects.
        "can_nominate": viewer is not None
        and not project.is_draft
        and viewer.department_id == project.department_id,
    }


@register.filter
def closes_in(award: Award) -> str:
    """'Closes in 12 days', 'Closes today', 'Closed'... for the catalogue."""
    if not award.is_open:
        return "Not taking nominations"
    if award.deadline is None:
        return "No deadline"
    days = (award.deadline - timezone.localdate()).days
    if days < 0:
        return "Closed"
    if days == 0:
        return "Closes today"
    if days == 1:
        return "Closes tomorrow"
    return f"Closes in {days} days"
