"""Who the signed-in user is, as a Person."""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef

from people.departments import all_departments_permission
from people.models import ChampionAssignment, Person


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


def remember_roles(user) -> Person | None:
    """The user's Person with their roles read in one query and remembered for the request:
    the areas they champion (`is_champion`), whether they manage anyone (`is_manager`) and
    whether they are on the trust QI team (`sees_all_departments`). The header needs all three
    on every page; asked one by one they cost three queries."""
    person = getattr(user, "person", None)
    if person is None:
        return None
    known = person.__dict__.keys() >= {"champion_area_ids", "is_manager"}
    if known and (user.is_staff or user.is_superuser or hasattr(user, "_sees_all_departments")):
        return person
    areas, manages, trust = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            areas=ArraySubquery(
                ChampionAssignment.objects.filter(person=OuterRef("pk")).values("clinical_area_id")
            ),
            manages=Exists(Person.objects.filter(line_manager=OuterRef("pk"))),
            trust=Exists(all_departments_permission(user)),
        )
        .values_list("areas", "manages", "trust")
        .get()
    )
    person.__dict__.setdefault("champion_area_ids", frozenset(areas))
    person.__dict__.setdefault("is_manager", manages)
    if not hasattr(user, "_sees_all_departments") and not (user.is_staff or user.is_superuser):
        user._sees_all_departments = trust and user.is_active
    return person
