"""Who records a project's measurement and impact, and who validates its savings."""

from __future__ import annotations

from people.models import person_of
from projects.models import Project


def can_record_measurement(user, project: Project) -> bool:
    """The team (lead, co-leads, current members) and admins record measures, data, PDSA cycles
    and impact; champions see them and validate savings but do not edit the team's record."""
    if user.is_staff:
        return True
    return project.is_working_on(person_of(user))


def can_validate_savings(user, project: Project) -> bool:
    """Admins and champions of the project's areas, if they are not on its team."""
    person = person_of(user)
    if project.is_working_on(person):
        return False
    if user.is_staff:
        return True
    return person is not None and person.is_champion_for(
        *(area.pk for area in project.clinical_areas.all())
    )
