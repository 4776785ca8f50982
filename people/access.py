"""Who the signed-in user is, as a Person."""

from django.core.exceptions import PermissionDenied

from people.models import Person


def person_or_403(user) -> Person:
    """The user's Person; an account without one (e.g. a bare admin) may not act as staff."""
    person = getattr(user, "person", None)
    if person is None:
        raise PermissionDenied("Your account has no staff profile; ask an admin to add one")
    return person


def parse_id(value: str | None) -> int | None:
    """A positive database id from a query string or form, or None: never a 500 on '²', '١٢',
    '-1' or 10**30 (ids fit in a bigint)."""
    if value and value.isascii() and value.isdecimal() and len(value) <= 18:
        return int(value)
    return None
