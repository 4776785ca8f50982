from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from projects import exports, services
from projects.access import get_project_for
from projects.filters import ProjectFilter
from projects.forms import (
    ProgressUpdateForm,
    ProjectEditForm,
    ProjectProposeForm,
    RoleOpeningForm,
    TaskForm,
)
from projects.models import Project
from projects.search import similar_projects

PAGE_SIZE = 25


def _register_filter(request: HttpRequest) -> ProjectFilter:
    projects = Project.objects.visible_to(request.user).for_register()
    return ProjectFilter(request.GET or None, queryset=projects, request=request)


def register(request: HttpRequest) -> HttpResponse:
    project_filter = _register_filter(request)
    page = Paginator(project_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": project_filter,
        "page": page,
        "query_string": query.urlencode(),
    }
    if request.htmx and request.htmx.target == "register-results":
        return render(request, "projects/_results.html", context)
    return render(request, "projects/register.html", context)


def _export_rows(request: HttpRequest):
    return _register_filter(request).qs.iterator(chunk_size=2000)


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.csv_lines(_export_rows(request)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="qi-register-{stamp}.csv"'
    return response


def export_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports.xlsx_bytes(_export_rows(request)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="qi-register-{stamp}.xlsx"'
    return response


def _person_or_403(request: HttpRequest):
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied("Your account has no staff profile; ask an admin to add one")
    return person


def project_create(request: HttpRequest) -> HttpResponse:
    person = _person_or_403(request)
    visible = Project.objects.visible_to(request.user)
    form = ProjectProposeForm(
        request.POST or None,
        department=person.department,
        lead=person,
        visible_projects=visible,
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        project = services.project_create(form=form, lead=person, submit=submit)
        if submit:
            messages.success(
                request, f"{project.reference} submitted. A champion for its area will review it."
            )
        else:
            messages.success(request, "Draft saved. Only you, co-leads and champions can see it.")
        return redirect(project)
    return render(request, "projects/propose.html", {"form": form, "similar": form.similar})


def project_similar(request: HttpRequest) -> HttpResponse:
    """The live duplicate check on the propose page (an htmx fragment)."""
    similar = similar_projects(
        Project.objects.visible_to(request.user),
        title=request.GET.get("title", "")[:200],
        aim=request.GET.get("aim", "")[:2000],
    )
    return render(request, "projects/_similar.html", {"similar": similar})


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    context = {
        "project": project,
        "can_edit": project.can_be_edited_by(request.user),
        "openings": project.role_openings.all(),
        "tasks": project.tasks.prefetch_related("skills_needed"),
        "updates": project.progress_updates.select_related("author"),
        "priorities": project.strategic_priorities.all(),
    }
    return render(request, "projects/detail.html", context)


def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    records = list(
        project.history.select_related("history_user__person").order_by("-history_date", "-pk")
    )
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            changed = ["created"]
        else:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            changed = [
                Project._meta.get_field(change.field).verbose_name for change in delta.changes
            ]
        changes.append({"record": newer, "changed": changed})
    return render(request, "projects/history.html", {"project": project, "changes": changes})


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    form = ProjectEditForm(
        request.POST or None,
        instance=project,
        department=project.department,
        lead=project.lead,
    )
    if request.method == "POST" and form.is_valid():
        services.project_update(form=form)
        messages.success(request, "Project updated.")
        return redirect(project)
    return render(request, "projects/edit.html", {"form": form, "project": project})


@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    project = services.project_submit(project=project)
    messages.success(request, f"{project.reference} submitted for review.")
    return redirect(project)


# Progress updates, role openings and tasks: added and edited by the team from the project page.

CHILD_KINDS = {
    "updates": {
        "form": ProgressUpdateForm,
        "related": "progress_updates",
        "noun": "progress update",
        "anchor": "progress",
    },
    "openings": {
        "form": RoleOpeningForm,
        "related": "role_openings",
        "noun": "role opening",
        "anchor": "openings",
    },
    "tasks": {"form": TaskForm, "related": "tasks", "noun": "task", "anchor": "tasks"},
}


def _save_child(kind: str, form, project: Project, request: HttpRequest):
    if kind == "tasks":
        return services.task_save(form=form, project=project)
    if kind == "openings":
        return services.role_opening_save(form=form, project=project)
    return services.progress_update_save(form=form, project=project, author=_person_or_403(request))


def child_edit(request: HttpRequest, pk: int, kind: str, child_pk: int | None = None):
    project = get_project_for(request.user, pk, action="edit")
    spec = CHILD_KINDS[kind]
    instance = (
        get_object_or_404(getattr(project, spec["related"]), pk=child_pk) if child_pk else None
    )
    form = spec["form"](request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        _save_child(kind, form, project, request)
        verb = "updated" if instance else "added"
        messages.success(request, f"{spec['noun'].capitalize()} {verb}.")
        return redirect(reverse("projects:detail", args=[project.pk]) + f"#{spec['anchor']}")
    return render(
        request,
        "projects/child_form.html",
        {"form": form, "project": project, "noun": spec["noun"], "instance": instance},
    )
