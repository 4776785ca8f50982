"""Awards on other apps' pages: `{% load award_tags %}{% person_recognition person %}` on a
profile and `{% project_recognition project %}` on a project page, so their views need not
change. Each tag costs one query."""

from __future__ import annotations

from django import template
from django.utils import timezone

from people.access import person_of
from recognition.models import Award, Nomination

register = template.Library()


@register.inclusion_tag("recognition/awards/_person_recognition.html", takes_context=True)
def person_recognition(context, person) -> dict:
    """Submitted nominations of the person, of their teams, and of the projects they lead,
    co-lead or are a current member of; wins first."""
    nominations = (
        Nomination.objects.visible_to(context["request"].user)
        .submitted()
        .recognising(person)
        .with_nominee()
        .wins_first()
    )
    return {"person": person, "nominations": list(nominations)}


@register.inclusion_tag("recognition/awards/_project_recognition.html", takes_context=True)
def project_recognition(context, project) -> dict:
    """Submitted nominations of the project itself, wins first. A team's nomination shows on
    its members' profiles, not on the pages of projects they happen to lead."""
    user = context["request"].user
    viewer = person_of(user)
    nominations = (
        Nomination.objects.visible_to(user)
        .submitted()
        .of_project(project)
        .with_nominee()
        .wins_first()
    )
    return {
        "project": project,
        "nominations": list(nominations),
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
