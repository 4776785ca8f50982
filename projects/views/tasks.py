"""The task board and the buddy system: claiming, releasing, recording progress, finishing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from people.access import QIRequest, person_or_403
from projects import services
from projects.access import can_lead, get_task_for, person_in_department_or_403
from projects.filters import TaskFilter
from projects.forms import TaskDoneForm, TaskNoteForm, TaskReassignForm
from projects.models import OverdueLast, Task, involving_department_q
from projects.views.register import full_or_fragment

TASK_PAGE_SIZE = 25


@require_safe
def task_board(request: QIRequest) -> HttpResponse:
    person = request.person
    tasks = Task.objects.offered().for_board()
    if person is not None:
        tasks = tasks.filter(involving_department_q(person.department_id, "project"))
    task_filter = TaskFilter(request.GET or None, queryset=tasks, request=request)
    page = Paginator(OverdueLast(task_filter.qs), TASK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": task_filter, "page": page}
    return full_or_fragment(
        request, "task-results", "tasks/board.html", "tasks/_results.html", context
    )


def _task_context(request: QIRequest, task: Task) -> dict:
    person = request.person
    is_claimant = person is not None and task.claimed_by_id == person.pk
    leads = can_lead(request.user, task.project)
    return {
        "task": task,
        "is_claimant": is_claimant,
        "can_lead": leads,
        "can_claim": task.is_claimable_by(person),
        "why_not_claimable": task.why_not_claimable,
        "can_act": is_claimant or leads,
    }


@require_safe
def task_detail(request: QIRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk)
    context = _task_context(request, task)
    context["notes"] = task.notes.select_related("author")
    context["skills"] = task.skills_needed.all()
    return render(request, "tasks/detail.html", context)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def task_claim(request: QIRequest, pk: int) -> HttpResponse:
    """GET: confirm the hours and due date. POST: claim."""
    task = get_task_for(request.user, pk)
    person = person_in_department_or_403(request.user, task.project)
    if request.method == "POST":
        try:
            services.task_claim(task_id=task.pk, person=person)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(task)
        messages.success(request, "Task claimed. Thank you for being a buddy.")
        return redirect(task)
    return render(request, "tasks/claim.html", _task_context(request, task))


def task_release(request: QIRequest, pk: int) -> HttpResponse:
    """GET: what releasing does, to confirm. POST: release the task."""
    task = get_task_for(request.user, pk)
    context = _task_context(request, task)
    _require(context["can_act"], "Only the buddy or the project's lead can release this task")
    if request.method == "POST":
        try:
            services.task_release(task_id=task.pk)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Task released. It is open for someone else.")
        return redirect(task)
    if not task.is_claimed:
        messages.error(request, "Only a claimed task can be released")
        return redirect(task)
    return render(request, "tasks/release.html", context)


@require_POST
def task_reopen(request: QIRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk)
    _require(can_lead(request.user, task.project), "Only the project's lead can reopen tasks")
    try:
        services.task_reopen(task_id=task.pk)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Task reopened.")
    return redirect(task)


def _task_form_page(request: QIRequest, context: dict, form, heading: str) -> HttpResponse:
    return render(request, "tasks/form.html", {**context, "form": form, "heading": heading})


def task_progress(request: QIRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk)
    context = _task_context(request, task)
    _require(context["can_act"], "Only the buddy or the project's lead can record progress")
    form = TaskNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_record_progress(
                task_id=task.pk, author=person_or_403(request), note=form.cleaned_data["note"]
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Progress recorded.")
            return redirect(task)
    return _task_form_page(request, context, form, "Record progress")


def task_done(request: QIRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk)
    context = _task_context(request, task)
    _require(context["can_act"], "Only the buddy or the project's lead can mark this task done")
    form = TaskDoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(
                task_id=task.pk,
                actual_hours=form.cleaned_data["actual_hours"],
                output_url=form.cleaned_data["output_url"],
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Task marked done. Thank you.")
            return redirect(task)
    return _task_form_page(request, context, form, "Mark as done")


def task_reassign(request: QIRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk)
    context = _task_context(request, task)
    _require(context["can_lead"], "Only the project's lead can reassign tasks")
    form = TaskReassignForm(
        request.POST if request.method == "POST" else None, project=task.project
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_reassign(task_id=task.pk, to=form.cleaned_data["person"])
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Task reassigned.")
            return redirect(task)
    return _task_form_page(request, context, form, "Reassign")
