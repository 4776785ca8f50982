"""Who the signed-in user is, as a Person."""

from django.core.exceptions import PermissionDenied

from people.models import Person


def person_or_403(user) -> Person:
    """The user's Person; an account without one (e.g. a bare admin) may not act as staff."""
    person = getattr(user, "person", None)
    if person is None:
        raise PermissionDenied("Your account has no staff profile; ask an admin to add one")
    return person
