"""Showcase slots at clinical updates: sessions, booking, confirming, and the calendar feed.

Champions and admins set up (and cancel) sessions; a project's lead or co-lead books a slot
for the team; a champion with no part in the project confirms it. Everyone in the department
sees the sessions, on these pages and in an iCalendar feed that Outlook can subscribe to
through a personal secret link.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from common.optimistic_locking import EditConflict, form_after_edit_conflict
from people.access import QIRequest, is_champion_or_admin, parse_id, person_or_403
from people.departments import department_for, sees_all_departments
from projects.models import Project
from recognition.forms.showcase import (
    ShowcaseProjectChoiceForm,
    ShowcaseSessionForm,
    SlotBookingForm,
)
from recognition.models import CalendarFeed, ShowcaseSession, ShowcaseSlot
from recognition.services import showcase as services

PAST_PAGE_SIZE = 10
UPCOMING_LIMIT = 50
NOT_A_LEAD = "Only the lead or a co-lead of a submitted project in this department can book a slot"


# Access control: every view fetches its session through here.


def get_session_for(request: QIRequest, pk: int, *, queryset=None) -> ShowcaseSession:
    """The session `pk` if the signed-in user may see it: their own department's, or any for
    admins and the trust QI team.

    Another department's session is a 404 for its other staff, so its existence does not leak.
    """
    queryset = queryset if queryset is not None else ShowcaseSession.objects.all()
    session = get_object_or_404(queryset.select_related("department"), pk=pk)
    if sees_all_departments(request.user):
        return session
    if person_or_403(request).department_id != session.department_id:
        raise Http404("No such session")
    return session


# Pages.


@require_safe
def showcase_list(request: QIRequest) -> HttpResponse:
    """The department's sessions: upcoming (soonest first), then past (latest first, paged)."""
    choice = department_for(request)
    department_id = choice.department.pk
    person = request.person
    sessions = ShowcaseSession.objects.filter(department=department_id).with_slots()
    now = timezone.now()
    upcoming = sessions.filter(starts_at__gte=now).order_by("starts_at", "pk")[:UPCOMING_LIMIT]
    past = Paginator(
        sessions.filter(starts_at__lt=now).order_by("-starts_at", "-pk"), PAST_PAGE_SIZE
    ).get_page(parse_id(request.GET.get("page")))
    context = {
        "upcoming": upcoming,
        "page": past,
        "department": choice.department,
        "department_choice": choice,
        # New sessions are added in one's own department.
        "can_manage": person is not None
        and person.department_id == department_id
        and is_champion_or_admin(request.user, department_id),
        "can_book": person is not None
        and Project.objects.presentable_by(person, department_id).exists(),
        "calendar_link": CalendarFeed.objects.filter(person=person).first() if person else None,
    }
    return render(request, "recognition/showcase/list.html", context)


@require_safe
def showcase_session(request: QIRequest, pk: int) -> HttpResponse:
    """A session with every slot, free or taken; leads book here, champions confirm."""
    session = get_session_for(request, pk, queryset=ShowcaseSession.objects.with_slots())
    person = request.person
    can_manage = is_champion_or_admin(request.user, session.department_id)
    upcoming = not session.is_past
    ties = services.project_ties(person, {slot.project_id for slot in session.booked_slots})
    led = {project_id for project_id, leads in ties.items() if leads}
    context = {
        "session": session,
        "agenda": services.session_agenda(session),
        "can_manage": can_manage,
        "can_book": upcoming
        and session.free_count > 0
        and person is not None
        and Project.objects.presentable_by(person, session.department_id).exists(),
        # Champions confirm other teams' slots, never one they are on the team of or present.
        "confirmable": {
            slot.pk
            for slot in session.booked_slots
            if can_manage
            and slot.status == ShowcaseSlot.Status.BOOKED
            and not services.is_own_slot(slot, person, ties)
        },
        "cancellable": {
            slot.pk
            for slot in session.booked_slots
            if upcoming and (can_manage or slot.project_id in led)
        },
    }
    return render(request, "recognition/showcase/session.html", context)


def showcase_session_create(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    if not is_champion_or_admin(request.user, person.department_id):
        raise PermissionDenied("Only QI champions and admins add showcase sessions")
    form = ShowcaseSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        session = services.session_create(form=form, person=person)
        messages.success(request, "Session added. Leads can now book its slots.")
        return redirect(session)
    return render(request, "recognition/showcase/form.html", {"form": form, "session": None})


def showcase_session_edit(request: QIRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    if not is_champion_or_admin(request.user, session.department_id):
        raise PermissionDenied("Only QI champions and admins change showcase sessions")
    form = ShowcaseSessionForm(request.POST if request.method == "POST" else None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(form=form)
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, ShowcaseSessionForm)
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Session updated.")
            return redirect(session)
    return render(request, "recognition/showcase/form.html", {"form": form, "session": session})


def showcase_session_cancel(request: QIRequest, pk: int) -> HttpResponse:
    """GET: are you sure, and which bookings go with it? POST: cancel the session.

    Refused once the session has started. The leads of the booked projects are emailed.
    """
    queryset = None if request.method == "POST" else ShowcaseSession.objects.with_slots()
    session = get_session_for(request, pk, queryset=queryset)
    if not is_champion_or_admin(request.user, session.department_id):
        raise PermissionDenied("Only QI champions and admins cancel showcase sessions")
    if request.method == "POST":
        try:
            cancelled = services.session_cancel(session_id=session.pk, cancelled_by=request.person)
        except WorkflowError as error:
            messages.error(request, error.message)
            gone = error.message == services.SESSION_GONE  # another champion was quicker
            return redirect("recognition:showcase" if gone else session)
        told = (
            f" The leads of its {len(cancelled)} booked project"
            f"{'s have' if len(cancelled) > 1 else ' has'} been told by email."
            if cancelled
            else ""
        )
        messages.success(request, f"{session} cancelled.{told}")
        return redirect("recognition:showcase")
    return render(request, "recognition/showcase/session_cancel.html", {"session": session})


def showcase_book(request: QIRequest, pk: int) -> HttpResponse:
    """Book a slot without JavaScript, in two steps.

    1. GET: which project (skipped when the lead has only one); the choice goes in the URL.
    2. GET shows, POST books: the presenters from the project's team, and a preferred slot.
    """
    session = get_session_for(request, pk)
    person = person_or_403(request)
    projects = Project.objects.presentable_by(person, session.department_id)
    if not projects.exists():
        raise PermissionDenied(NOT_A_LEAD)
    context = {"session": session, "unavailable": None}
    free = session.free_positions()
    if session.is_past:
        context["unavailable"] = services.STARTED
    elif not free:
        context["unavailable"] = services.FULL
    if context["unavailable"]:
        return render(request, "recognition/showcase/book.html", context)

    choice = ShowcaseProjectChoiceForm(
        request.GET if "project" in request.GET else None, projects=projects
    )
    project = None
    if choice.is_bound and choice.is_valid():
        project = choice.cleaned_data["project"]
    elif not choice.is_bound:
        only = list(projects[:2])
        project = only[0] if len(only) == 1 else None
    if project is None:
        context |= {"form": choice, "position": parse_id(request.GET.get("position"))}
        return render(request, "recognition/showcase/book.html", context)

    form = SlotBookingForm(
        request.POST if request.method == "POST" else None,
        session=session,
        team=project.people_working_on().order_by("display_name", "pk"),
        free_positions=free,
        initial={
            "presenters": [person.pk],
            "position": parse_id(request.GET.get("position")),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            slot = services.slot_book(
                session_id=session.pk,
                project=project,
                presenters=list(form.cleaned_data["presenters"]),
                booked_by=person,
                position=form.cleaned_data["position"],
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            at = timezone.localtime(slot.session.slot_starts_at(slot.position))
            messages.success(
                request,
                f"Slot {slot.position} at {at:%H:%M} booked for {project.reference}. "
                "A QI champion will confirm it.",
            )
            return redirect(session)
    context |= {
        "form": form,
        "project": project,
        "several_projects": projects.count() > 1,
    }
    return render(request, "recognition/showcase/book.html", context)


def _slot_in(session: ShowcaseSession, slot_pk: int) -> ShowcaseSlot:
    return get_object_or_404(
        session.slots.select_related("project").prefetch_related("presenters"), pk=slot_pk
    )


@require_POST
def showcase_slot_confirm(request: QIRequest, pk: int, slot_pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    slot = _slot_in(session, slot_pk)
    if not is_champion_or_admin(request.user, session.department_id):
        raise PermissionDenied("Only the department's QI champions and admins confirm slots")
    person = request.person
    if services.is_own_slot(slot, person, services.project_ties(person, {slot.project_id})):
        raise PermissionDenied(services.OWN_SLOT)
    try:
        services.slot_confirm(slot_id=slot.pk, champion=person)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Slot {slot.position} confirmed for {slot.project.reference}.")
    return redirect(session)


def showcase_slot_cancel(request: QIRequest, pk: int, slot_pk: int) -> HttpResponse:
    """GET: are you sure? POST: cancel. The project's leads, champions and admins may."""
    session = get_session_for(request, pk)
    slot = _slot_in(session, slot_pk)
    if not (
        is_champion_or_admin(request.user, session.department_id)
        or services.project_ties(request.person, {slot.project_id}).get(slot.project_id)
    ):
        raise PermissionDenied(
            "Only the project's lead and co-leads, QI champions and admins cancel a slot"
        )
    if request.method == "POST":
        try:
            services.slot_cancel(slot_id=slot.pk)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Slot {slot.position} cancelled. It is free for another project."
            )
        return redirect(session)
    return render(request, "recognition/showcase/cancel.html", {"session": session, "slot": slot})


# The calendar feed.


@login_not_required  # Calendar clients cannot sign in: a secret key stands in for the login.
def showcase_calendar(request: QIRequest) -> HttpResponse:
    """The department's sessions as iCalendar, for the signed-in user or a link's owner."""
    key = request.GET.get("key")
    if key is not None:
        person = services.person_for_calendar_key(key) if len(key) <= 100 else None
        if person is None:
            raise Http404("No such calendar link")
    elif not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    else:
        person = person_or_403(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    sessions = ShowcaseSession.objects.for_calendar(person.department_id)
    response = HttpResponse(
        services.calendar_bytes(person.department, sessions),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="qi-showcases.ics"'
    patch_cache_control(response, private=True, max_age=300)
    return response


@require_POST
def showcase_calendar_link(request: QIRequest) -> HttpResponse:
    """Make a personal calendar link (revoking any older one) and show it, once.

    Rendered in answer to the POST rather than redirected: the secret is stored nowhere, so
    this response is the only place it can appear.
    """
    person = person_or_403(request)
    token = services.calendar_link_renew(person=person)
    feed_url = (
        request.build_absolute_uri(reverse("recognition:showcase_calendar"))
        + "?"
        + urlencode({"key": token})
    )
    response = render(request, "recognition/showcase/calendar_link.html", {"feed_url": feed_url})
    add_never_cache_headers(response)
    return response


@require_POST
def showcase_calendar_link_stop(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    if services.calendar_link_stop(person=person):
        messages.success(
            request,
            "Your calendar link no longer works. Remove the calendar from Outlook, "
            "or make a new link.",
        )
    return redirect(reverse("recognition:showcase") + "#calendar")
