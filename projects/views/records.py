"""Progress updates, role openings and tasks: added and edited by the team from the project page.

One view per thing the team does; each pair (add, edit) shares the page that shows the form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from common.optimistic_locking import EditConflict, form_after_edit_conflict
from people.access import QIRequest, person_or_403
from projects import services
from projects.access import get_project_for
from projects.forms import ProgressUpdateForm, RoleOpeningForm, TaskForm
from projects.models import Project


def _back_to_project(project: Project, anchor: str) -> HttpResponse:
    return redirect(reverse("projects:detail", args=[project.pk]) + f"#{anchor}")


def _record_form_page(request: QIRequest, project: Project, form, noun: str, instance):
    context = {"form": form, "project": project, "noun": noun, "instance": instance}
    return render(request, "projects/child_form.html", context)


# Progress updates.


def update_create(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    return _progress_update_page(request, project, update=None)


def update_edit(request: QIRequest, pk: int, child_pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    update = get_object_or_404(project.progress_updates, pk=child_pk)
    return _progress_update_page(request, project, update=update)


def _progress_update_page(request: QIRequest, project: Project, *, update) -> HttpResponse:
    form = ProgressUpdateForm(request.POST if request.method == "POST" else None, instance=update)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_save(form=form, project=project, author=person_or_403(request))
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, ProgressUpdateForm)
        else:
            messages.success(request, f"Progress update {'updated' if update else 'added'}.")
            return _back_to_project(project, "progress")
    return _record_form_page(request, project, form, "progress update", update)


# Role openings.


def opening_create(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    return _role_opening_page(request, project, opening=None)


def opening_edit(request: QIRequest, pk: int, child_pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    opening = get_object_or_404(project.role_openings, pk=child_pk)
    return _role_opening_page(request, project, opening=opening)


def _role_opening_page(request: QIRequest, project: Project, *, opening) -> HttpResponse:
    form = RoleOpeningForm(request.POST if request.method == "POST" else None, instance=opening)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_opening_save(form=form, project=project)
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, RoleOpeningForm)
        else:
            messages.success(request, f"Role opening {'updated' if opening else 'added'}.")
            return _back_to_project(project, "openings")
    return _record_form_page(request, project, form, "role opening", opening)


# Tasks.


def task_create(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    return _task_page(request, project, task=None)


def task_edit(request: QIRequest, pk: int, child_pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    task = get_object_or_404(project.tasks, pk=child_pk)
    return _task_page(request, project, task=task)


def _task_page(request: QIRequest, project: Project, *, task) -> HttpResponse:
    form = TaskForm(request.POST if request.method == "POST" else None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_save(form=form, project=project)
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, TaskForm)
        else:
            messages.success(request, f"Task {'updated' if task else 'added'}.")
            return _back_to_project(project, "tasks")
    return _record_form_page(request, project, form, "task", task)
