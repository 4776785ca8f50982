"""Showcase slots at clinical updates: reads for the pages and the calendar, and the writes.

A booking locks its session's row while the slots are counted, so leads booking at the same
moment are taken one after the other and never get the same position; the unique constraints
on ShowcaseSlot back that up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Max,
    Prefetch,
    Q,
)
from django.utils import timezone

from common.email import notify
from common.errors import WorkflowError
from common.optimistic_locking import refuse_if_saved_since_opened, save_changed_fields
from people.models import Department, Person
from projects import notifications
from projects.models import Project
from recognition.models import CalendarFeed, ShowcaseSession, ShowcaseSlot, new_token, token_digest

FULL = "This session is full"
STARTED = "This session has already started; its slots can no longer be booked"
PROJECT_TWICE = "This project already has a slot in this session"
CANCELLED = "This booking has already been cancelled"
OWN_SLOT = (
    "You cannot confirm a slot for a project you lead, are on the team of or present; "
    "ask another champion"
)
SESSION_GONE = "This session has already been cancelled"
SESSION_STARTED = (
    "This session has already started, so it stays on record. Ask an admin if it needs correcting"
)


def position_taken(position: int) -> str:
    return f"Slot {position} has just been taken; choose another"


def shrink_refused(position: int) -> str:
    return (
        f"Slot {position} is booked, so the session needs at least {position} slots. "
        "Cancel that booking first to have fewer"
    )


# Reads.


@dataclass(frozen=True)
class AgendaRow:
    position: int
    starts_at: dt.datetime
    slot: ShowcaseSlot | None


def session_agenda(session: ShowcaseSession) -> list[AgendaRow]:
    """Every position of a session (from ShowcaseSession.objects.with_slots()), booked or free,
    in order."""
    by_position = {slot.position: slot for slot in session.booked_slots}
    return [
        AgendaRow(n, session.slot_starts_at(n), by_position.get(n))
        for n in range(1, session.slot_count + 1)
    ]


def project_ties(person: Person | None, project_ids: Collection[int]) -> dict[int, bool]:
    """Which of these projects `person` works on (`Project.objects.worked_on_by`: lead,
    co-lead or current member), each mapped to whether they lead or co-lead it. One query."""
    if person is None or not project_ids:
        return {}
    co_led = Project.co_leads.through.objects.filter(person=person).values("project_id")
    leads = Q(lead=person) | Q(pk__in=co_led)
    return dict(
        Project.objects.filter(pk__in=project_ids)
        .worked_on_by(person)
        .annotate(leads=ExpressionWrapper(leads, output_field=BooleanField()))
        .values_list("pk", "leads")
    )


def is_own_slot(slot: ShowcaseSlot, person: Person | None, ties: dict[int, bool]) -> bool:
    """Whether `person` is on the slot's project team (`ties` from project_ties) or presents
    it, so may not confirm it. Reads `slot.presenters`: one query unless prefetched."""
    if person is None:
        return False
    return slot.project_id in ties or any(p.pk == person.pk for p in slot.presenters.all())


# Writes.


def session_create(*, form, person: Person) -> ShowcaseSession:
    """A new session in the person's department, from a valid ShowcaseSessionForm."""
    session = form.save(commit=False)
    session.department = person.department
    session.created_by = person
    session.save()
    return session


@transaction.atomic
def session_update(*, form) -> ShowcaseSession:
    """Save a valid ShowcaseSessionForm's changes to an existing session.

    The session is locked first, so a booking made while the form was open is counted
    before the session may shrink.
    """
    session = form.instance
    stored = ShowcaseSession.objects.select_for_update().filter(pk=session.pk).first()
    if stored is not None:
        refuse_if_saved_since_opened(form, stored)  # first: a stale form is no shrink
    last_booked = session.slots.aggregate(last=Max("position"))["last"]
    if last_booked and session.slot_count < last_booked:
        raise WorkflowError(shrink_refused(last_booked), field="slot_count")
    # The form combines the date and start time into starts_at.
    moved = {"date", "start_time"} & set(form.changed_data)
    return save_changed_fields(form, also=["starts_at"] if moved else [])


@transaction.atomic
def slot_book(
    *,
    session_id: int,
    project: Project,
    presenters: list[Person],
    booked_by: Person,
    position: int | None = None,
) -> ShowcaseSlot:
    """Book a slot in a session for a project: the given position, or the first free one."""
    session = ShowcaseSession.objects.select_for_update().get(pk=session_id)
    if session.starts_at <= timezone.now():
        raise WorkflowError(STARTED)
    project = Project.objects.prefetch_related("co_leads").get(pk=project.pk)  # as it is now
    if project.department_id != session.department_id:
        raise WorkflowError("This session is for another department's projects")
    if project.is_draft or project.stage == Project.Stage.CLOSED:
        raise WorkflowError("Only a submitted project that is not closed can book a slot")
    if not project.is_team_member(booked_by):
        raise WorkflowError("Only the project's lead or a co-lead can book a slot for it")
    team = set(project.people_working_on().values_list("pk", flat=True))
    if not presenters:
        raise WorkflowError("Choose at least one presenter", field="presenters")
    if any(presenter.pk not in team for presenter in presenters):
        raise WorkflowError("Presenters must be on the project's team", field="presenters")
    if session.slots.filter(project=project).exists():
        raise WorkflowError(PROJECT_TWICE)
    free = session.free_positions()
    if not free:
        raise WorkflowError(FULL)
    if position is None:
        position = free[0]
    elif not 1 <= position <= session.slot_count:
        raise WorkflowError(f"This session has no slot {position}", field="position")
    elif position not in free:
        raise WorkflowError(position_taken(position), field="position")
    try:
        with transaction.atomic():
            slot = ShowcaseSlot.objects.create(
                session=session, position=position, project=project, booked_by=booked_by
            )
    except IntegrityError as error:
        # Only reachable if something wrote slots without taking the session lock (the admin).
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
        if constraint == "showcase_project_once_per_session":
            raise WorkflowError(PROJECT_TWICE) from error
        raise WorkflowError(position_taken(position), field="position") from error
    slot.presenters.set(presenters)
    return slot


@transaction.atomic
def slot_confirm(*, slot_id: int, champion: Person | None) -> ShowcaseSlot:
    """Confirm a booked slot; nobody confirms a slot of their own project or that they present."""
    slot = ShowcaseSlot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise WorkflowError(CANCELLED)
    if is_own_slot(slot, champion, project_ties(champion, {slot.project_id})):
        raise WorkflowError(OWN_SLOT)
    if slot.status == ShowcaseSlot.Status.CONFIRMED:
        raise WorkflowError("This slot is already confirmed")
    slot.status = ShowcaseSlot.Status.CONFIRMED
    slot.confirmed_by = champion
    slot.confirmed_at = timezone.now()
    slot.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return slot


@transaction.atomic
def slot_cancel(*, slot_id: int) -> None:
    """Free a slot before its session starts; the slot's history keeps the booking."""
    session_id = ShowcaseSlot.objects.filter(pk=slot_id).values_list("session_id", flat=True)
    # The session first, as bookings lock it, then the slot, which may have gone meanwhile.
    session = ShowcaseSession.objects.select_for_update().filter(pk__in=session_id).first()
    slot = ShowcaseSlot.objects.select_for_update().filter(pk=slot_id).first()
    if session is None or slot is None:
        raise WorkflowError(CANCELLED)
    if session.starts_at <= timezone.now():
        raise WorkflowError(
            "This session has already started, so the booking stays on record. "
            "Ask an admin if it needs correcting"
        )
    slot.delete()


@transaction.atomic
def session_cancel(*, session_id: int, cancelled_by: Person | None) -> list[ShowcaseSlot]:
    """Cancel a session before it starts, with its bookings, and email the leads and co-leads
    of each booked project (after commit). The history of the session and of its slots keeps
    the record. Returns the cancelled bookings."""
    # Bookings lock the session too, so none can slip in between the list and the delete.
    session = ShowcaseSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise WorkflowError(SESSION_GONE)
    if session.starts_at <= timezone.now():
        raise WorkflowError(SESSION_STARTED)
    slots = list(
        session.slots.select_related("project__lead__user")
        .prefetch_related(Prefetch("project__co_leads", Person.objects.select_related("user")))
        .order_by("position")
    )
    session.delete()  # the slots go with it, each leaving a deletion in its history
    when = timezone.localtime(session.starts_at)
    for slot in slots:
        notify(
            to=notifications.project_team_leads(slot.project),
            subject=f"{session.title} on {when.day} {when:%B %Y} is cancelled",
            template="showcase_session_cancelled",
            context={
                "session": session,
                "slot": slot,
                "project": slot.project,
                "cancelled_by": cancelled_by,
            },
        )
    return slots


# The calendar feed and its secret links.


def calendar_link_renew(*, person: Person) -> str:
    """A new secret calendar link for `person`; any older link stops working."""
    token, digest = new_token()
    CalendarFeed.objects.update_or_create(
        person=person, defaults={"token_digest": digest, "created_at": timezone.now()}
    )
    return token


def calendar_link_stop(*, person: Person) -> bool:
    deleted, _ = CalendarFeed.objects.filter(person=person).delete()
    return bool(deleted)


def person_for_calendar_key(key: str) -> Person | None:
    """The owner of a calendar link, if the link is current and its owner may still sign in."""
    feed = (
        CalendarFeed.objects.select_related("person__user", "person__department")
        .filter(token_digest=token_digest(key), person__user__is_active=True)
        .first()
    )
    return feed.person if feed else None


def calendar_bytes(department: Department, sessions) -> bytes:
    """An RFC 5545 calendar of `sessions` (from ShowcaseSession.objects.for_calendar), all times
    in UTC."""
    # Imported here, as recognition.pdf imports WeasyPrint: icalendar takes about 0.2 s of CPU
    # to import, which every process that loads the URLconf would pay.
    from icalendar import Calendar, Event

    base_url = settings.QIREGISTER_BASE_URL
    host = urlsplit(base_url).hostname or "qiregister"
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//QI Register//Showcase slots//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"QI showcases – {department.name}")
    # How often Outlook and others should fetch the feed again.
    calendar.add("refresh-interval", dt.timedelta(hours=4), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")
    for session in sessions:
        changed = [t for t in (session.session_changed_at, session.slots_changed_at) if t]
        last_modified = max(changed) if changed else now
        event = Event()
        event.add("uid", f"showcase-{session.pk}@{host}")
        event.add("dtstamp", last_modified.astimezone(dt.UTC))
        event.add("last-modified", last_modified.astimezone(dt.UTC))
        event.add("sequence", max(session.session_changes + session.slot_changes - 1, 0))
        event.add("dtstart", session.starts_at.astimezone(dt.UTC))
        event.add("dtend", session.ends_at.astimezone(dt.UTC))
        event.add("summary", f"{session.title}: QI showcase")
        event.add("location", session.place)
        event.add("description", session_description(session, base_url))
        event.add("url", base_url + session.get_absolute_url())
        calendar.add_component(event)
    return calendar.to_ical()


def session_description(session: ShowcaseSession, base_url: str) -> str:
    """The plain-text agenda of a session: one line per slot, free ones too."""
    lines = [f"{session.slot_minutes}-minute QI presentations."]
    for row in session_agenda(session):
        starts = timezone.localtime(row.starts_at).strftime("%H:%M")
        if row.slot is None:
            lines.append(f"{starts} Free slot")
        elif row.slot.project.is_draft:
            lines.append(f"{starts} Reserved")
        else:
            presenters = ", ".join(p.display_name for p in row.slot.presenters.all())
            unconfirmed = row.slot.status != ShowcaseSlot.Status.CONFIRMED
            lines.append(
                f"{starts} {row.slot.project}{' (to be confirmed)' if unconfirmed else ''}. "
                f"Presenting: {presenters}"
            )
    if session.notes:
        lines += ["", session.notes]
    lines += ["", base_url + session.get_absolute_url()]
    return "\n".join(lines)
