"""Writes that must hold under concurrent use: training bookings and attendance, mentoring."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from common.errors import WorkflowError
from people.models import (
    Booking,
    Completion,
    MentoringPair,
    MentoringSessionNote,
    MentorRequest,
    Person,
    TrainingSession,
)


@transaction.atomic
def session_book(*, session_id: int, person: Person) -> Booking:
    """Book a place. The session row is locked while places are counted: never overbooked."""
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    if session.starts_at <= timezone.now():
        raise WorkflowError("This session has already started")
    if session.trainer_id == person.pk:
        raise WorkflowError("You are the trainer for this session")
    if session.bookings.filter(person=person).exists():
        raise WorkflowError("You are already booked on this session")
    if session.bookings.count() >= session.capacity:
        raise WorkflowError("This session is full")
    return Booking.objects.create(session=session, person=person)


@transaction.atomic
def session_cancel(*, session_id: int, person: Person) -> None:
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    if session.starts_at <= timezone.now():
        raise WorkflowError("A session that has started cannot be cancelled")
    deleted, _ = session.bookings.filter(person=person).delete()
    if not deleted:
        raise WorkflowError("You are not booked on this session")


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


# Mentoring


@transaction.atomic
def mentor_request_create(*, mentee: Person, clinical_area, message: str) -> MentorRequest:
    Person.objects.select_for_update().filter(pk=mentee.pk).first()
    if MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.OPEN).exists():
        raise WorkflowError("You have already asked for a mentor; a champion will reply")
    return MentorRequest.objects.create(mentee=mentee, clinical_area=clinical_area, message=message)


@transaction.atomic
def mentor_request_accept(*, request_id: int, mentor: Person) -> MentoringPair:
    """Accept a request: the row lock means two champions accepting at once make one pair."""
    request_ = MentorRequest.objects.select_for_update().get(pk=request_id)
    if request_.status != MentorRequest.Status.OPEN:
        raise WorkflowError("This request has already been answered")
    if MentoringPair.objects.filter(
        mentor=mentor, mentee_id=request_.mentee_id, ended_on__isnull=True
    ).exists():
        raise WorkflowError("You already mentor this person")
    pair = MentoringPair.objects.create(
        mentor=mentor, mentee=request_.mentee, goals=request_.message
    )
    request_.status, request_.pair = MentorRequest.Status.ACCEPTED, pair
    request_.save(update_fields=["status", "pair"])
    return pair


def mentor_request_withdraw(*, mentor_request: MentorRequest) -> None:
    mentor_request.status = MentorRequest.Status.WITHDRAWN
    mentor_request.save(update_fields=["status"])


def mentoring_note_add(*, pair: MentoringPair, author: Person, note: MentoringSessionNote) -> None:
    note.pair, note.author = pair, author
    note.save()


def mentoring_pair_end(*, pair: MentoringPair) -> bool:
    """End the pairing today; False if it had already ended."""
    if pair.ended_on is not None:
        return False
    pair.ended_on = timezone.localdate()
    pair.save(update_fields=["ended_on"])
    return True
