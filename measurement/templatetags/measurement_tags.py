"""The project page's measurement section: `{% project_measurement project user %}`."""

from __future__ import annotations

from django import template

from measurement.access import can_record_measurement, can_validate_savings
from measurement.models import ProjectImpact, Saving
from projects.models import Project

register = template.Library()


@register.inclusion_tag("measurement/impact/_project_measurement.html")
def project_measurement(project: Project, user) -> dict:
    """Impact, savings, measures and PDSA cycles, in a fixed number of queries.

    Four queries (impact, savings with who claimed and validated them, measures with their
    point counts and latest values, cycles), plus at most two for the user's standing (current
    membership, then whether a champion outside the team validates). `project.co_leads` and
    `project.clinical_areas` are expected to be prefetched, as `get_project_for` does.
    """
    team = can_record_measurement(user, project)
    measures = project.measures.with_latest_value()
    savings = list(project.savings.with_people())
    impact = ProjectImpact.objects.filter(project=project).select_related("updated_by").first()
    return {
        "project": project,
        "impact": impact,
        "benefits": [ProjectImpact.Benefit(benefit).label for benefit in impact.patient_benefits]
        if impact
        else [],
        "savings": savings,
        "totals": _saving_totals(savings),
        "measures": measures,
        "cycles": list(project.pdsa_cycles.all()),
        "can_record": team,
        # A team member never validates (unless an admin): no need to ask.
        "can_validate": (user.is_staff or not team) and can_validate_savings(user, project),
    }


def _saving_totals(savings: list[Saving]) -> list[dict]:
    """Claimed and validated totals for each kind (one-off, recurring per year) with claims."""
    totals = []
    for kind, label in Saving.Kind.choices:
        rows = [saving for saving in savings if saving.kind == kind]
        if rows:
            totals.append(
                {
                    "label": label,
                    "claimed": sum(saving.amount for saving in rows),
                    "validated": sum(
                        saving.validated_amount for saving in rows if saving.is_validated
                    ),
                }
            )
    return totals
