"""Mentoring pairs outside projects: asking for a mentor, accepting, private session notes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from people.access import person_or_403
from people.models import MentoringPair, MentoringSessionNote, MentorRequest, Person


class MentoringError(Exception):
    """A mentoring step that cannot happen now; the message is for the user."""


class MentorRequestForm(forms.ModelForm):
    class Meta:
        model = MentorRequest
        fields = ["clinical_area", "message"]
        labels = {"clinical_area": "Which area's champions should you ask?"}
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinical_area"].queryset = person.department.clinical_areas.all()
        self.fields["clinical_area"].empty_label = "Any champion"
        self.fields["message"].error_messages["max_length"] = (
            "Message must be 1000 characters or fewer"
        )


class SessionNoteForm(forms.ModelForm):
    class Meta:
        model = MentoringSessionNote
        fields = ["date", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "Write a note of the session"

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("The date of a session cannot be in the future")
        return date


# Services


@transaction.atomic
def request_mentor(*, mentee: Person, clinical_area, message: str) -> MentorRequest:
    Person.objects.select_for_update().filter(pk=mentee.pk).first()
    if MentorRequest.objects.filter(mentee=mentee, status=MentorRequest.Status.OPEN).exists():
        raise MentoringError("You have already asked for a mentor; a champion will reply")
    return MentorRequest.objects.create(mentee=mentee, clinical_area=clinical_area, message=message)


def may_accept(person: Person, request_: MentorRequest) -> bool:
    if person.pk == request_.mentee_id or person.department_id != request_.mentee.department_id:
        return False
    if request_.clinical_area_id is None:
        return person.is_champion
    return person.is_champion_for(request_.clinical_area_id)


@transaction.atomic
def accept_request(*, request_id: int, mentor: Person) -> MentoringPair:
    """Accept a request: the row lock means two champions accepting at once make one pair."""
    request_ = MentorRequest.objects.select_for_update().get(pk=request_id)
    if request_.status != MentorRequest.Status.OPEN:
        raise MentoringError("This request has already been answered")
    if MentoringPair.objects.filter(
        mentor=mentor, mentee_id=request_.mentee_id, ended_on__isnull=True
    ).exists():
        raise MentoringError("You already mentor this person")
    pair = MentoringPair.objects.create(
        mentor=mentor, mentee=request_.mentee, goals=request_.message
    )
    request_.status, request_.pair = MentorRequest.Status.ACCEPTED, pair
    request_.save(update_fields=["status", "pair"])
    return pair


# Views


@require_safe
def mentoring_home(request: HttpRequest) -> HttpResponse:
    person = person_or_403(request.user)
    open_requests = MentorRequest.objects.none()
    if person.is_champion:
        open_requests = (
            MentorRequest.objects.filter(
                status=MentorRequest.Status.OPEN, mentee__department_id=person.department_id
            )
            .filter(
                Q(clinical_area_id__in=person.champion_area_ids) | Q(clinical_area__isnull=True)
            )
            .exclude(mentee=person)
            .select_related("mentee", "clinical_area")
        )
    context = {
        "as_mentor": person.mentees.select_related("mentee").order_by("ended_on", "-started_on"),
        "as_mentee": person.mentors.select_related("mentor").order_by("ended_on", "-started_on"),
        "my_request": person.mentor_requests.filter(status=MentorRequest.Status.OPEN).first(),
        "open_requests": open_requests,
    }
    return render(request, "people/mentoring.html", context)


def mentor_request_create(request: HttpRequest) -> HttpResponse:
    person = person_or_403(request.user)
    form = MentorRequestForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            request_mentor(
                mentee=person,
                clinical_area=form.cleaned_data["clinical_area"],
                message=form.cleaned_data["message"],
            )
        except MentoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Request sent. Champions for the area will see it.")
            return redirect("people:mentoring")
    return render(request, "people/mentor_request.html", {"form": form})


@require_POST
def mentor_request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_403(request.user)
    request_ = get_object_or_404(MentorRequest.objects.select_related("mentee"), pk=pk)
    if not may_accept(person, request_):
        raise PermissionDenied("Only a champion for the request's area can accept it")
    try:
        pair = accept_request(request_id=request_.pk, mentor=person)
    except MentoringError as error:
        messages.error(request, str(error))
        return redirect("people:mentoring")
    messages.success(request, f"You are now mentoring {pair.mentee}.")
    return redirect("people:mentoring_pair", pk=pair.pk)


@require_POST
def mentor_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_403(request.user)
    request_ = get_object_or_404(MentorRequest, pk=pk, mentee=person, status="open")
    request_.status = MentorRequest.Status.WITHDRAWN
    request_.save(update_fields=["status"])
    messages.success(request, "Request withdrawn.")
    return redirect("people:mentoring")


def mentoring_pair(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(
        MentoringPair.objects.select_related("mentor", "mentee__line_manager"), pk=pk
    )
    if not pair.can_be_seen_by(request.user):
        raise PermissionDenied("Mentoring notes are private to the pair, the manager and admins")
    person = getattr(request.user, "person", None)
    is_member = pair.is_member(person)
    form = SessionNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_member or pair.ended_on:
            raise PermissionDenied("Only the mentor and mentee add notes while paired")
        if form.is_valid():
            note = form.save(commit=False)
            note.pair, note.author = pair, person
            note.save()
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
def mentoring_pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(MentoringPair, pk=pk)
    if not pair.is_member(getattr(request.user, "person", None)):
        raise PermissionDenied("Only the mentor or mentee ends the pairing")
    if pair.ended_on is None:
        pair.ended_on = timezone.localdate()
        pair.save(update_fields=["ended_on"])
        messages.success(request, "Mentoring ended. Thank you.")
    return redirect("people:mentoring_pair", pk=pair.pk)
