"""Training bookings and attendance: writes that must hold under concurrent use."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from people.models import Booking, Completion, Person, TrainingSession


class BookingError(Exception):
    """A booking that cannot be made or changed; the message is for the user."""


@transaction.atomic
def session_book(*, session_id: int, person: Person) -> Booking:
    """Book a place. The session row is locked while places are counted: never overbooked."""
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    if session.starts_at <= timezone.now():
        raise BookingError("This session has already started")
    if session.trainer_id == person.pk:
        raise BookingError("You are the trainer for this session")
    if session.bookings.filter(person=person).exists():
        raise BookingError("You are already booked on this session")
    if session.bookings.count() >= session.capacity:
        raise BookingError("This session is full")
    return Booking.objects.create(session=session, person=person)


@transaction.atomic
def session_cancel(*, session_id: int, person: Person) -> None:
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    if session.starts_at <= timezone.now():
        raise BookingError("A session that has started cannot be cancelled")
    deleted, _ = session.bookings.filter(person=person).delete()
    if not deleted:
        raise BookingError("You are not booked on this session")


@transaction.atomic
def attendance_mark(*, session: TrainingSession, attended_person_ids: set[int]) -> int:
    """Record who attended; attending completes the course. Returns completions added."""
    added = 0
    for booking in session.bookings.select_for_update().select_related("person"):
        attended = booking.person_id in attended_person_ids
        if booking.attended != attended:
            booking.attended = attended
            booking.save(update_fields=["attended"])
        evidence = f"Attended the session at {session.place}."
        if attended:
            _, created = Completion.objects.get_or_create(
                person=booking.person,
                course=session.course,
                defaults={
                    "completed_on": timezone.localtime(session.starts_at).date(),
                    "evidence": evidence,
                },
            )
            added += created
        else:
            # Unticked by mistake: withdraw the completion this session recorded, if any.
            Completion.objects.filter(
                person=booking.person,
                course=session.course,
                completed_on=timezone.localtime(session.starts_at).date(),
                evidence=evidence,
            ).delete()
    return added
