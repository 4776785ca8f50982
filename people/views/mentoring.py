"""Mentoring pairs outside projects: asking for a mentor, accepting, private session notes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from people import services
from people.access import QIRequest, person_or_403
from people.forms import MentorRequestForm, SessionNoteForm
from people.models import MentoringPair, MentorRequest


@require_safe
def mentoring_home(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    open_requests = MentorRequest.objects.none()
    if person.is_champion:
        open_requests = MentorRequest.objects.open_for_champion(person)
    context = {
        "as_mentor": person.mentees.select_related("mentee").order_by("ended_on", "-started_on"),
        "as_mentee": person.mentors.select_related("mentor").order_by("ended_on", "-started_on"),
        "my_request": person.mentor_requests.open().first(),
        "open_requests": open_requests,
    }
    return render(request, "people/mentoring.html", context)


def mentor_request_create(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    form = MentorRequestForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_request_create(
                mentee=person,
                clinical_area=form.cleaned_data["clinical_area"],
                message=form.cleaned_data["message"],
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Request sent. Champions for the area will see it.")
            return redirect("people:mentoring")
    return render(request, "people/mentor_request.html", {"form": form})


@require_POST
def mentor_request_accept(request: QIRequest, pk: int) -> HttpResponse:
    person = person_or_403(request)
    request_ = get_object_or_404(MentorRequest.objects.select_related("mentee"), pk=pk)
    if not request_.can_be_accepted_by(person):
        raise PermissionDenied("Only a champion for the request's area can accept it")
    try:
        pair = services.mentor_request_accept(request_id=request_.pk, mentor=person)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("people:mentoring")
    messages.success(request, f"You are now mentoring {pair.mentee}.")
    return redirect("people:mentoring_pair", pk=pair.pk)


@require_POST
def mentor_request_withdraw(request: QIRequest, pk: int) -> HttpResponse:
    person = person_or_403(request)
    request_ = get_object_or_404(MentorRequest, pk=pk, mentee=person, status="open")
    services.mentor_request_withdraw(mentor_request=request_)
    messages.success(request, "Request withdrawn.")
    return redirect("people:mentoring")


def mentoring_pair(request: QIRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(
        MentoringPair.objects.select_related("mentor", "mentee__line_manager"), pk=pk
    )
    if not pair.can_be_seen_by(request.user):
        raise PermissionDenied("Mentoring notes are private to the pair, the manager and admins")
    person = request.person
    is_member = pair.is_member(person)
    form = SessionNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_member or pair.ended_on:
            raise PermissionDenied("Only the mentor and mentee add notes while paired")
        if form.is_valid():
            services.mentoring_note_add(pair=pair, author=person, note=form.save(commit=False))
            messages.success(request, "Session note added.")
            return redirect("people:mentoring_pair", pk=pair.pk)
    context = {
        "pair": pair,
        "notes": pair.notes.select_related("author"),
        "form": form,
        "is_member": is_member,
    }
    return render(request, "people/mentoring_pair.html", context)


@require_POST
def mentoring_pair_end(request: QIRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(MentoringPair, pk=pk)
    if not pair.is_member(request.person):
        raise PermissionDenied("Only the mentor or mentee ends the pairing")
    if services.mentoring_pair_end(pair=pair):
        messages.success(request, "Mentoring ended. Thank you.")
    return redirect("people:mentoring_pair", pk=pair.pk)
