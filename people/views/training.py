"""Training sessions: the list, booking, cancelling and marking attendance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from people import services
from people.access import QIRequest, parse_id, person_or_403
from people.models import Course, TrainingSession


@require_safe
def training(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    sessions = (
        TrainingSession.objects.filter(starts_at__gte=timezone.now())
        .select_related("course", "trainer")
        .annotate(booked=Count("bookings"), places_left=F("capacity") - Count("bookings"))
        .order_by("starts_at", "pk")[:50]
    )
    context = {
        "sessions": sessions,
        "my_session_ids": set(person.bookings.values_list("session_id", flat=True)),
        "completions": person.completions.select_related("course"),
        "outstanding": Course.objects.outstanding_for(person),
        "trained_sessions": person.sessions_trained.select_related("course").order_by("-starts_at")[
            :10
        ],
    }
    return render(request, "people/training.html", context)


@require_POST
def session_book(request: QIRequest, pk: int) -> HttpResponse:
    person = person_or_403(request)
    get_object_or_404(TrainingSession, pk=pk)
    try:
        services.session_book(session_id=pk, person=person)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "You are booked on.")
    return redirect("people:training")


@require_POST
def session_cancel(request: QIRequest, pk: int) -> HttpResponse:
    person = person_or_403(request)
    get_object_or_404(TrainingSession, pk=pk)
    try:
        services.session_cancel(session_id=pk, person=person)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Booking cancelled.")
    return redirect("people:training")


def session_attendance(request: QIRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("course", "trainer"), pk=pk)
    person = request.person
    if not (request.user.is_staff or (person is not None and session.trainer_id == person.pk)):
        raise PermissionDenied("Only the session's trainer and admins mark attendance")
    started = session.starts_at <= timezone.now()
    bookings = session.bookings.select_related("person").order_by("person__display_name")
    if request.method == "POST":
        if not started:
            raise PermissionDenied("Attendance is marked once the session has started")
        known = {booking.person_id for booking in bookings}
        chosen = {parse_id(v) for v in request.POST.getlist("attended")} & known
        added = services.attendance_mark(session=session, attended_person_ids=chosen)
        messages.success(request, f"Attendance saved; {added} course completion(s) recorded.")
        return redirect("people:attendance", pk=session.pk)
    return render(
        request,
        "people/attendance.html",
        {"session": session, "bookings": bookings, "started": started},
    )
