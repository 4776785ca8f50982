"""Who the signed-in user is, as a Person, and the role checks every app shares."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from people.models import Person, person_of

__all__ = ["QIRequest", "is_champion_or_admin", "parse_id", "person_of", "person_or_403"]


class QIRequest(HttpRequest):
    """A request as our views see it (for annotations): `person` is the signed-in user's
    Person, or None for an anonymous user or an account without one (`PersonMiddleware`)."""

    person: Person | None


def person_or_403(request: QIRequest) -> Person:
    """The signed-in Person; an account without one (e.g. a bare admin) may not act as staff."""
    person = getattr(request, "person", None)
    if person is None:
        raise PermissionDenied("Your account has no staff profile; ask an admin to add one")
    return person


def is_champion_or_admin(user, department_id: int | None = None) -> bool:
    """Admins anywhere; QI champions (of any area) in their own department, or in
    `department_id` when it is given."""
    if user.is_staff:
        return True
    person = person_of(user)
    if person is None or not person.is_champion:
        return False
    return department_id is None or person.department_id == department_id


def parse_id(value: str | None) -> int | None:
    """A positive database id from a query string or form, or None: never a 500 on '²', '١٢',
    '-1' or 10**30 (ids fit in a bigint)."""
    if value and value.isascii() and value.isdecimal() and len(value) <= 18:
        return int(value)
    return None
