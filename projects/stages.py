"""The project lifecycle: which stage may follow which, and who may make each move.

The one place the rules live. Forms offer `manual_targets`; every service that changes a
stage calls `check_move`. Working stages may be revisited in any order: PDSA cycles go back
and forth between planning, testing and implementing.
"""

from __future__ import annotations

from people.access import is_champion_or_admin, person_of
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
    person = person_of(user)
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
    """Nobody who works on the project (lead, co-lead or member: `Project.is_working_on`)
    reviews it. Otherwise: admins, the champions of its areas and its mentor; and, when no
    champion of its areas is free (all work on it, or it has none), any other champion of its
    department and the department's QI lead."""
    person = person_of(user)
    return may_review_given(
        user,
        project,
        works_on=person is not None and project.is_working_on(person),
        champions_it=CHAMPION in roles_of(user, project),
        free_area_champion=project.has_free_area_champion,
    )


def may_review_given(
    user, project: Project, *, works_on: bool, champions_it: bool, free_area_champion
) -> bool:
    """`may_review` on facts already read: whether the user works on the project, champions
    one of its areas (or mentors it), and a callable saying whether a champion of its areas
    is free (asked only when it matters). The review queue reads them for a page in SQL."""
    if works_on:
        return False
    if user.is_staff or champions_it:
        return True
    person = person_of(user)
    if person is None:
        return False
    stands_in = (
        is_champion_or_admin(user, project.department_id)
        or project.department.qi_lead_id == person.pk
    )
    return stands_in and not free_area_champion()


def may_sign_off(user, project: Project) -> bool:
    """The mentor (or an admin), never someone who works on the project. A mentor who has
    joined the project since cannot; then whoever may review it signs it off."""
    person = person_of(user)
    if person is None or project.is_working_on(person):
        return False
    if user.is_staff or project.mentor_id == person.pk:
        return True
    if project.mentor is None or project.is_working_on(project.mentor):
        return may_review(user, project)
    return False


def check_move(project: Project, to: str) -> None:
    """Raise ValueError unless the lifecycle has a move from the project's stage to `to`."""
    if (project.stage, to) not in RULES:
        raise ValueError(f"No move from {project.stage} to {to}")
