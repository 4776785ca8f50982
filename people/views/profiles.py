"""My QI, capacity, the people directory and a person's profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BooleanField, Count, F, Func, QuerySet, Subquery, Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from common.optimistic_locking import save_changed_fields
from people.access import QIRequest, parse_id, person_or_403
from people.filters import PersonFilter
from people.forms import CapacityForm, QIConversationForm
from people.models import Course, Person
from people.pickers import MATCHES_SHOWN, MIN_QUERY
from projects.capacity import tasks_that_fit, with_commitment
from projects.models import Interest, Membership, Project, ProjectQuerySet, Task, approved_q

MENTORED_ON_MY_QI = 25


@require_safe
def me(request: QIRequest) -> HttpResponse:
    """My QI: projects and roles, claimed tasks, pending requests, hours, suggestions."""
    signed_in = person_or_403(request)
    person = with_commitment(Person.objects.filter(pk=signed_in.pk)).get()
    person.roles = signed_in.roles  # read once, for the page and the header alike
    year_start = timezone.localdate().replace(month=1, day=1)
    led = Project.objects.led_by([person])
    today = timezone.localdate()
    # "Projects I mentor": the first few, and one more to know there are others.
    # Ranked on the few columns the order needs, then only those read in full: ranking the
    # full rows of every project a champion mentors (tens of thousands on the bench's
    # register) sorted megabytes on disk.
    first = Project.objects.mentored_by(person).values("pk")[: MENTORED_ON_MY_QI + 1]
    mentored = list(Project.objects.mentored_by(person).filter(pk__in=Subquery(first)))
    for project in mentored:
        project.days_since_update = (
            (today - project.latest_update_date).days if project.latest_update_date else None
        )
    context = {
        "person": person,
        # With the latest decision (a request for changes is the lead's turn) and the closure
        # report (sent back: the lead's turn again), in the same query.
        "led_projects": led.with_latest_decision()
        .select_related("closure_report")
        .order_by("-created_at"),
        "mentored_projects": mentored[:MENTORED_ON_MY_QI],
        "more_mentored": len(mentored) > MENTORED_ON_MY_QI,
        "memberships": Membership.objects.filter(person=person, left_on__isnull=True)
        .select_related("project")
        .order_by("-joined_on"),
        "claimed_tasks": Task.objects.filter(claimed_by=person, status=Task.Status.CLAIMED)
        .select_related("project")
        .order_by("due_date"),
        "pending_interests": Interest.objects.filter(
            person=person, status=Interest.Status.PENDING
        ).select_related("project", "role_opening"),
        "hours_this_year": Task.objects.filter(
            approved_q("project__"),  # evidence counts approved work only
            claimed_by=person,
            status=Task.Status.DONE,
            completed_at__date__gte=year_start,
        ).aggregate(hours=Sum("actual_hours"))["hours"]
        or 0,
        "suggestions": tasks_that_fit(person),
        "reports": person.reports.order_by("display_name"),
        "outstanding_training": Course.objects.outstanding_for(person),
    }
    return render(request, "people/me.html", context)


def capacity_edit(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    form = CapacityForm(request.POST if request.method == "POST" else None, instance=person)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            save_changed_fields(form)
        messages.success(request, "Your capacity and interests are saved.")
        return redirect("people:me")
    return render(request, "people/capacity_form.html", {"form": form})


def person_capacity(request: QIRequest, pk: int) -> HttpResponse:
    """A person's QI capacity and the private notes of QI conversations with their manager."""
    person = get_object_or_404(
        with_commitment(Person.objects.all())
        .select_related("line_manager", "department")
        .prefetch_related("skills", "preferred_areas"),
        pk=pk,
    )
    viewer = request.person
    is_manager = viewer is not None and viewer.is_manager_of(person)
    if not (request.user.is_staff or is_manager or viewer == person):
        raise PermissionDenied("Only this person, their manager and admins can see this page")
    form = QIConversationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_manager:
            raise PermissionDenied("Only the person's line manager records QI conversations")
        if form.is_valid():
            conversation = form.save(commit=False)
            conversation.person, conversation.manager = person, viewer
            conversation.save()
            messages.success(request, "Conversation recorded.")
            return redirect("people:capacity", pk=person.pk)
    context = {
        "person": person,
        "is_manager": is_manager,
        # Private: a manager sees the notes they wrote, not a predecessor's.
        "conversations": person.qi_conversations.visible_to(request.user).select_related("manager"),
        "form": form,
    }
    return render(request, "people/capacity.html", context)


PEOPLE_PAGE_SIZE = 25


@require_safe
def directory(request: QIRequest) -> HttpResponse:
    people = Person.objects.for_directory().prefetch_related(
        "champion_assignments__clinical_area", "skills"
    )
    person_filter = PersonFilter(request.GET or None, queryset=people, request=request)
    page = Paginator(person_filter.qs.order_by("display_name", "pk"), PEOPLE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/directory.html",
        {"filter": person_filter, "page": page},
    )


@require_safe
def person_search(request: QIRequest) -> JsonResponse:
    """The person picker's suggestions as the user types (static/js/app.js): at most
    MATCHES_SHOWN people whose name matches `q`, optionally only of `department` (repeated for
    several) and without `exclude` (the form's own rule, e.g. a project's department without
    its lead). Everyone signed in may see them, as in the directory; a form still checks
    whoever is chosen."""
    query = request.GET.get("q", "").strip()[:100]
    if len(query) < MIN_QUERY:
        return JsonResponse({"results": []})
    people = Person.objects.all()
    departments = [parse_id(value) for value in request.GET.getlist("department")[:20]]
    if departments := [pk for pk in departments if pk]:
        people = people.filter(department_id__in=departments)
    if exclude := parse_id(request.GET.get("exclude")):
        people = people.exclude(pk=exclude)
    results = [
        {
            "id": person.pk,
            "name": person.display_name,
            "job_role": person.get_job_role_display(),
            "department": person.department.name,
        }
        for person in people.search(query)[:MATCHES_SHOWN]
    ]
    return JsonResponse({"results": results})


# The profile shows the latest few of each list that grows with a person's work, with how
# many there are and a link to a paged list of them all: a champion mentors hundreds.
PROFILE_ROWS = 10
PROFILE_LIST_PAGE_SIZE = 25


def _latest(queryset, rows: int = PROFILE_ROWS) -> tuple[list, int]:
    """The first `rows` of `queryset` and how many there are in all; the count costs a
    query only when there are more than `rows`."""
    first = list(queryset[: rows + 1])
    count = len(first) if len(first) <= rows else queryset.count()
    return first[:rows], count


def _profile_person(pk: int) -> Person:
    return get_object_or_404(Person.objects.select_related("department"), pk=pk)


class _InArray(Func):
    """`field = ANY(ARRAY(subquery))`: the subquery runs once, first, and the field's index
    is scanned for just its ids."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _visible_among(request: QIRequest, project_ids: QuerySet) -> ProjectQuerySet:
    """The projects of `project_ids` (a person's few, a subquery of ids found by an index)
    that the viewer may see. With `pk IN (project_ids)`, PostgreSQL costed the visibility
    test's hashed subqueries once per project and chose to read every project instead (tens
    of thousands on the bench's register); with the ids as an array it reads just those, in
    the same one query."""
    visible = Project.objects.visible_to(request.user)
    return visible.filter(_InArray(F("pk"), ArraySubquery(project_ids)))


def _led_projects(request: QIRequest, person: Person):
    led = Project.objects.led_by([person]).order_by().values("pk")
    return _visible_among(request, led).order_by("-created_at", "-pk")


def _memberships(request: QIRequest, person: Person):
    memberships = Membership.objects.filter(person=person)
    visible = _visible_among(request, memberships.order_by().values("project_id"))
    return (
        memberships.filter(project__in=visible)
        .select_related("project")
        .order_by("-joined_on", "-pk")
    )


def _tasks_done(request: QIRequest, person: Person):
    visible = Project.objects.visible_to(request.user)
    return (
        Task.objects.filter(claimed_by=person, status=Task.Status.DONE, project__in=visible)
        .select_related("project")
        .order_by("-completed_at", "-pk")
    )


def _mentoring(request: QIRequest, person: Person):
    visible = Project.objects.visible_to(request.user)
    return visible.filter(mentor=person).order_by("-created_at", "-pk")


@require_safe
def profile(request: QIRequest, pk: int) -> HttpResponse:
    """What a person has done and offers for QI. Nothing private: no notes of conversations."""
    person = get_object_or_404(
        Person.objects.for_directory().prefetch_related(
            "champion_assignments__clinical_area", "skills", "preferred_areas"
        ),
        pk=pk,
    )
    led_projects, led_count = _latest(_led_projects(request, person))
    memberships, memberships_count = _latest(_memberships(request, person))
    tasks_done = _tasks_done(request, person)
    mentoring, mentoring_count = _latest(_mentoring(request, person))
    context = {
        "person": person,
        "led_projects": led_projects,
        "led_count": led_count,
        "memberships": memberships,
        "memberships_count": memberships_count,
        "tasks_done": list(tasks_done[:PROFILE_ROWS]),
        **tasks_done.order_by().aggregate(tasks_count=Count("pk"), hours_done=Sum("actual_hours")),
        "mentoring": mentoring,
        "mentoring_count": mentoring_count,
        "mentees": person.mentees.select_related("mentee").order_by("-started_on"),
        "mentors": person.mentors.select_related("mentor").order_by("-started_on"),
        "completions": person.completions.select_related("course"),
        "can_see_capacity_page": request.user.is_staff
        or request.person in (person, person.line_manager),
    }
    return render(request, "people/profile.html", context)


def _profile_list(
    request: QIRequest, person: Person, queryset, *, title: str, rows: str
) -> HttpResponse:
    page = Paginator(queryset, PROFILE_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"person": person, "page": page, "title": title, "rows": rows}
    return render(request, "people/profile_list.html", context)


@require_safe
def profile_led(request: QIRequest, pk: int) -> HttpResponse:
    """Every project the person leads or co-leads, newest first."""
    person = _profile_person(pk)
    projects = _led_projects(request, person)
    return _profile_list(
        request, person, projects, title="Projects led", rows="people/_profile_led_rows.html"
    )


@require_safe
def profile_roles(request: QIRequest, pk: int) -> HttpResponse:
    """Every role the person has had on a project, latest first."""
    person = _profile_person(pk)
    memberships = _memberships(request, person)
    return _profile_list(
        request, person, memberships, title="Project roles", rows="people/_profile_role_rows.html"
    )


@require_safe
def profile_tasks(request: QIRequest, pk: int) -> HttpResponse:
    """Every task the person has done, latest first."""
    person = _profile_person(pk)
    tasks = _tasks_done(request, person)
    return _profile_list(
        request, person, tasks, title="Tasks done", rows="people/_profile_task_rows.html"
    )


@require_safe
def profile_mentoring(request: QIRequest, pk: int) -> HttpResponse:
    """Every project whose leads the person mentors, newest first."""
    person = _profile_person(pk)
    projects = _mentoring(request, person)
    return _profile_list(
        request,
        person,
        projects,
        title="Projects mentored",
        rows="people/_profile_mentoring_rows.html",
    )
