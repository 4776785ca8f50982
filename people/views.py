from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from people.access import person_or_403
from people.forms import CapacityForm, QIConversationForm
from people.models import Person
from projects.models import Interest, Membership, Project, Task
from projects.services import save_changed_fields


def me(request: HttpRequest) -> HttpResponse:
    """My QI: projects and roles, claimed tasks, pending requests, hours, suggestions."""
    person = person_or_403(request.user)
    year_start = timezone.localdate().replace(month=1, day=1)
    led = Project.objects.filter(Q(lead=person) | Q(co_leads=person)).distinct()
    context = {
        "person": person,
        "led_projects": led.order_by("-created_at"),
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
            claimed_by=person, status=Task.Status.DONE, completed_at__date__gte=year_start
        ).aggregate(hours=Sum("actual_hours"))["hours"]
        or 0,
        "suggestions": Task.objects.suggested_for(person),
        "reports": person.reports.order_by("display_name"),
    }
    return render(request, "people/me.html", context)


def capacity_edit(request: HttpRequest) -> HttpResponse:
    person = person_or_403(request.user)
    form = CapacityForm(request.POST if request.method == "POST" else None, instance=person)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            save_changed_fields(form)
        messages.success(request, "Your capacity and interests are saved.")
        return redirect("people:me")
    return render(request, "people/capacity_form.html", {"form": form})


def person_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's QI capacity and the private notes of QI conversations with their manager."""
    person = get_object_or_404(
        Person.objects.select_related("line_manager", "department").prefetch_related(
            "skills", "preferred_areas"
        ),
        pk=pk,
    )
    viewer = getattr(request.user, "person", None)
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
        "conversations": (
            person.qi_conversations.select_related("manager")
            if request.user.is_staff or viewer == person
            else person.qi_conversations.filter(manager=viewer).select_related("manager")
        ),
        "form": form,
    }
    return render(request, "people/capacity.html", context)
