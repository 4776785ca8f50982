"""The Showcase section of a project page: `{% project_showcases project user %}`."""

from __future__ import annotations

from django import template

from people.access import person_of
from people.departments import sees_all_departments
from projects.models import Project
from recognition.models import ShowcaseSession, ShowcaseSlot

register = template.Library()


@register.inclusion_tag("recognition/showcase/_project_showcases.html")
def project_showcases(project: Project, user) -> dict:
    """The project's slots, and a link to book one for its leads.

    Shown to the project's department (and admins and the trust QI team), who can see its
    sessions. Costs one query, and one more for a lead (the next session with room);
    `project.co_leads` is expected to be prefetched, as the project page does.
    """
    person = person_of(user)
    in_department = (
        person is not None and person.department_id == project.department_id
    ) or sees_all_departments(user)
    if project.is_draft or not in_department:
        return {"shown": False}
    can_book = project.stage != Project.Stage.CLOSED and project.is_team_member(person)
    return {
        "shown": True,
        "project": project,
        "slots": list(ShowcaseSlot.objects.of_project(project)),
        "can_book": can_book,
        "next_session": ShowcaseSession.objects.with_room_for(project).first()
        if can_book
        else None,
    }
