"""Who may do what in recognition: one place for the rules the feature modules share."""

from __future__ import annotations

from people.access import parse_id
from people.models import Person

__all__ = ["is_champion_or_admin", "parse_id", "person_of"]


def person_of(user) -> Person | None:
    return getattr(user, "person", None)


def is_champion_or_admin(user, department_id: int | None = None) -> bool:
    """Admins anywhere; QI champions (of any area) in their own department, or in
    `department_id` when it is given."""
    if user.is_staff:
        return True
    person = person_of(user)
    if person is None or not person.is_champion:
        return False
    return department_id is None or person.department_id == department_id
