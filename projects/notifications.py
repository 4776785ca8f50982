"""Who is told about a project: the recipients of its emails (sent with common.email)."""

from __future__ import annotations

from people.models import Person


def project_team_leads(project) -> list[Person]:
    return [project.lead, *project.co_leads.all()]
