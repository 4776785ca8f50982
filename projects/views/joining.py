"""Joining a project: asking to join, and the lead accepting or declining, or withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.errors import WorkflowError
from people.access import QIRequest
from projects import services
from projects.access import can_lead, get_project_for, person_in_department_or_403
from projects.forms import InterestForm


def project_join(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    person = person_in_department_or_403(request.user, project)
    form = InterestForm(request.POST if request.method == "POST" else None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.interest_express(
                project=project,
                person=person,
                role_opening=form.cleaned_data["role_opening"],
                message=form.cleaned_data["message"],
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Thank you. The lead will reply by email.")
            return redirect(project)
    context = {
        "form": form,
        "project": project,
        "why_not_taking_people": project.why_not_taking_people,
    }
    return render(request, "projects/join.html", context)


@require_POST
def interest_accept(request: QIRequest, pk: int, interest_pk: int) -> HttpResponse:
    return _interest_decide(request, pk, interest_pk, accept=True)


@require_POST
def interest_decline(request: QIRequest, pk: int, interest_pk: int) -> HttpResponse:
    return _interest_decide(request, pk, interest_pk, accept=False)


def _interest_decide(request: QIRequest, pk: int, interest_pk: int, *, accept: bool):
    project = get_project_for(request.user, pk)
    if not can_lead(request.user, project):
        raise PermissionDenied("Only the project's lead and co-leads decide who joins")
    interest = get_object_or_404(project.interests, pk=interest_pk)
    try:
        services.interest_decide(
            interest_id=interest.pk,
            decided_by=request.person,
            accept=accept,
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        verb = "accepted onto the team" if accept else "declined"
        messages.success(request, f"{interest.person} {verb}.")
    return redirect(reverse("projects:detail", args=[project.pk]) + "#interests")


@require_POST
def interest_withdraw(request: QIRequest, pk: int, interest_pk: int):
    project = get_project_for(request.user, pk)
    person = request.person
    interest = get_object_or_404(project.interests, pk=interest_pk, person=person)
    try:
        services.interest_withdraw(interest_id=interest.pk, person=person)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Request withdrawn.")
    return redirect(project)
