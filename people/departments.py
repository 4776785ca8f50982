"""Which department a department page shows, and who may see every department.

One installation serves several departments. A department's own pages (its board, showcase
sessions, impact page) show the viewer's department; `?department=<slug>` picks another, which
only the trust QI team (the "Trust QI team" group's permission) and admins may do. The register
and the champions directory are trust-wide for everyone: they only narrow to the viewer's
department by default.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from people.access import QIRequest, person_of
from people.models import Department, all_departments_permission

TRUST_QI_TEAM = "Trust QI team"  # the group people/migrations/0010 creates


def sees_all_departments(user) -> bool:
    """The trust QI team and admins see every department's pages and the trust-wide view.

    One query, remembered on the user object for the request (`has_perm` would read all the
    user's and their groups' permissions: two). For someone with a Person, that query is their
    `roles`, which the header reads anyway.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if not hasattr(user, "_sees_all_departments"):
        person = person_of(user)
        user._sees_all_departments = (
            person.roles.may_see_all_departments
            if person is not None
            else all_departments_permission(user).exists()
        )
    return user._sees_all_departments


def lands_on_trust_view(user) -> bool:
    """The trust QI team starts on the trust-wide view: their own department ("Quality and
    safety") runs no projects. Admins see every department too, but start at home."""
    return not user.is_staff and sees_all_departments(user)


def first_page_after_sign_in(user, asked_for: str) -> str:
    """Where signing in (by password or single sign-on) leads: the page asked for, except that
    the home page means the trust-wide view for the trust QI team."""
    home_url = reverse("home")
    if (not asked_for or asked_for == home_url) and lands_on_trust_view(user):
        return reverse("people:trust")
    return asked_for or home_url


# `?department=all`: every department at once, on the pages that offer it (board, impact) and
# for those who may switch departments.
ALL_DEPARTMENTS = "all"


@dataclass(frozen=True)
class DepartmentChoice:
    """The department a page shows and, for those who may switch, every department."""

    department: Department | None  # None: all departments, where the page `offers_all`
    choices: list[Department] | None  # None: the viewer sees their own department only
    viewer_department_id: int | None = None
    offers_all: bool = False

    @property
    def is_all(self) -> bool:
        return self.department is None

    @property
    def is_viewers_own(self) -> bool:
        """The department shown is the viewer's own (their calendar, links without
        `?department=`)."""
        return self.department is not None and self.department.pk == self.viewer_department_id

    @property
    def query_params(self) -> dict[str, str]:
        """What links and forms carry to stay on the department shown: nothing for the
        viewer's own, `department=<slug>` for another, `department=all` for all of them. On a
        page that offers all departments the slug is always carried: without it the trust QI
        team's pages start at all departments."""
        if self.is_all:
            return {"department": ALL_DEPARTMENTS}
        if self.is_viewers_own and not self.offers_all:
            return {}
        return {"department": self.department.slug}


def department_for(
    request: QIRequest, *, open_to_all: bool = False, offer_all: bool = False
) -> DepartmentChoice:
    """The department a department page shows: `?department=<slug>`, or the viewer's own.

    Another department's page is a 403 for staff outside the trust QI team, unless the page is
    `open_to_all` (the champions directory: everyone may look up another department's). An
    account with no staff profile (a bare admin) sees the first department unless it picks one.

    A page that can show every department at once (`offer_all`) offers "All departments" to the
    trust QI team and admins, and starts there for the trust QI team, whose own department runs
    no projects.
    """
    if not (offer_all and sees_all_departments(request.user)):
        return _department_for(request, open_to_all=open_to_all)
    slug = request.GET.get("department", "")
    if slug == ALL_DEPARTMENTS or (not slug and lands_on_trust_view(request.user)):
        person = request.person
        own = person.department_id if person is not None else None
        return DepartmentChoice(None, list(Department.objects.all()), own, offers_all=True)
    return replace(_department_for(request, open_to_all=open_to_all), offers_all=True)


def _department_for(request: QIRequest, *, open_to_all: bool) -> DepartmentChoice:
    user = request.user
    person = person_of(user)
    slug = request.GET.get("department", "")
    may_choose = open_to_all or sees_all_departments(user)
    if person is not None and (not slug or slug == person.department.slug):
        if may_choose:
            return DepartmentChoice(
                person.department, list(Department.objects.all()), person.department_id
            )
        return DepartmentChoice(person.department, None, person.department_id)
    if not may_choose:
        if person is None:
            raise PermissionDenied("Your account has no staff profile; ask an admin to add one")
        raise PermissionDenied("Only the trust QI team sees other departments' pages")
    choices = list(Department.objects.all())
    if not choices:
        raise Http404("There are no departments yet")
    own = person.department_id if person is not None else None
    if not slug:
        return DepartmentChoice(choices[0], choices, own)
    for department in choices:
        if department.slug == slug:
            return DepartmentChoice(department, choices, own)
    raise Http404("No such department")
