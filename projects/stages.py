"""The project lifecycle: which stage may follow which, and who may make each move.

The one place the rules live. Forms offer `manual_targets`; every service that changes a
stage calls `check_move`. Working stages may be revisited in any order: PDSA cycles go back
and forth between planning, testing and implementing.
"""

from __future__ import annotations

from projects.models import Project

Stage = Project.Stage
TEAM, CHAMPION, ADMIN = "team", "champion", "admin"
ACTIVE = set(Project.ACTIVE_STAGES)


def _build_rules() -> dict[tuple[str, str], frozenset[str]]:
    rules: dict[tuple[str, str], frozenset[str]] = {
        (Stage.IDEA, Stage.PROPOSED): frozenset({TEAM, ADMIN}),  # submit for review
        (Stage.PROPOSED, Stage.PLANNING): frozenset({CHAMPION, ADMIN}),  # approve
        (Stage.PROPOSED, Stage.CLOSED): frozenset({CHAMPION, ADMIN}),  # decline
        # Completing needs a closure report signed off by the mentor (see closure_sign_off).
        (Stage.IMPLEMENTING, Stage.COMPLETED): frozenset({CHAMPION, ADMIN}),
        (Stage.SUSTAINING, Stage.COMPLETED): frozenset({CHAMPION, ADMIN}),
    }
    everyone = frozenset({TEAM, CHAMPION, ADMIN})
    for here in ACTIVE:
        for there in ACTIVE - {here}:
            rules[(here, there)] = everyone
        rules[(here, Stage.ON_HOLD)] = everyone
        rules[(Stage.ON_HOLD, here)] = everyone
        rules[(here, Stage.CLOSED)] = frozenset({CHAMPION, ADMIN})
    rules[(Stage.ON_HOLD, Stage.CLOSED)] = frozenset({CHAMPION, ADMIN})
    return rules


RULES = _build_rules()
# Moves made by their own workflow (submission, review, closure), never from the edit form.
WORKFLOW_ONLY = {
    (Stage.IDEA, Stage.PROPOSED),
    (Stage.PROPOSED, Stage.PLANNING),
    (Stage.PROPOSED, Stage.CLOSED),
    (Stage.IMPLEMENTING, Stage.COMPLETED),
    (Stage.SUSTAINING, Stage.COMPLETED),
}


def roles_of(user, project: Project) -> set[str]:
    roles = set()
    if user.is_staff:
        roles.add(ADMIN)
    person = getattr(user, "person", None)
    if person is None:
        return roles
    if project.is_team_member(person):
        roles.add(TEAM)
    area_ids = [area.pk for area in project.clinical_areas.all()]
    if project.mentor_id == person.pk or person.is_champion_for(*area_ids):
        roles.add(CHAMPION)
    return roles


def may_move(user, project: Project, to: str) -> bool:
    return bool(RULES.get((project.stage, to), frozenset()) & roles_of(user, project))


def manual_targets(user, project: Project) -> list[str]:
    """Stages the user may pick on the edit form from where the project is now."""
    return [
        to
        for (here, to), _roles in RULES.items()
        if here == project.stage and (here, to) not in WORKFLOW_ONLY and may_move(user, project, to)
    ]


def may_review(user, project: Project) -> bool:
    """A champion for the area (or an admin) who is not on the project's own team."""
    person = getattr(user, "person", None)
    if person is not None and project.is_team_member(person):
        return False
    return user.is_staff or CHAMPION in roles_of(user, project)


def may_sign_off(user, project: Project) -> bool:
    """The mentor (or an admin), never a member of the project's own team."""
    person = getattr(user, "person", None)
    if person is None or project.is_team_member(person):
        return False
    return user.is_staff or project.mentor_id == person.pk


def check_move(project: Project, to: str) -> None:
    """Raise ValueError unless the lifecycle has a move from the project's stage to `to`."""
    if (project.stage, to) not in RULES:
        raise ValueError(f"No move from {project.stage} to {to}")
