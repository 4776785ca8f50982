"""A project's impact, savings and PDSA cycles: recorded by the team, savings validated by
champions outside it. The project page shows them through `{% project_measurement %}`
(projects/templatetags/measurement_tags.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from common.optimistic_locking import EditConflict, form_after_edit_conflict, save_changed_fields
from people.access import person_or_403
from people.models import Person
from projects import measurement
from projects.access import can_record_measurement, can_validate_savings, get_project_for
from projects.forms import ImpactForm, PDSACycleForm, SavingForm, SavingValidationForm
from projects.models import PDSACycle, Project, ProjectImpact, Saving

FORM_TEMPLATE = "projects/impact/form.html"


def _section(project: Project, anchor: str = "measurement") -> str:
    return reverse("projects:detail", args=[project.pk]) + f"#{anchor}"


def _project_for_team(request: HttpRequest, pk: int) -> Project:
    """The project if the user records its measurement: 404 as for viewing, then 403."""
    project = get_project_for(request.user, pk)
    if not can_record_measurement(request.user, project):
        raise PermissionDenied(
            "Only the project's team records its impact, savings and PDSA cycles"
        )
    return project


# Workflows for the rows these views write on their own (the multi-row ones live in
# projects/measurement.py).


def impact_record(
    *, form: ImpactForm, project: Project, updated_by: Person | None
) -> ProjectImpact:
    """Create the project's impact record on its first save, or change it.

    The form carries version 0 while the project has no impact record. Two first saves at once
    would both insert: the second waits on the project's row lock, then finds the record and,
    as for any edit of a record saved since the form was opened, is refused (EditConflict).
    """
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        impact = form.instance
        impact.updated_by = updated_by
        stored_pk = (
            ProjectImpact.objects.filter(project=project).values_list("pk", flat=True).first()
        )
        if stored_pk is not None:
            impact.pk = stored_pk  # a form opened before the first save had none
            return save_changed_fields(form, also=["updated_by"])
        impact = form.save(commit=False)
        impact.project = project
        impact.save()
    return impact


def saving_withdraw(*, saving_id: int) -> None:
    """Withdraw a claim; a validated saving is part of the record and stays."""
    with transaction.atomic():
        saving = Saving.objects.select_for_update().get(pk=saving_id)
        if saving.is_validated:
            raise WorkflowError(
                "This saving has been validated, so it is part of the project's record and "
                "cannot be deleted. Edit it instead: changing the amount or kind means it must "
                "be validated again."
            )
        saving.delete()


def pdsa_move(*, cycle_id: int, up: bool) -> PDSACycle | None:
    """Swap a cycle's number with the one before (or after) it; None if it is already at the end.

    The project row is locked, as `measurement.pdsa_save` does, so numbering and moves happen one
    at a time per project. The unique (project, number) constraint is not deferrable, so the
    cycle parks on number 0 (never given out: numbering starts at 1) while its neighbour moves.
    """
    with transaction.atomic():
        cycle = PDSACycle.objects.get(pk=cycle_id)
        Project.objects.select_for_update().filter(pk=cycle.project_id).first()
        cycle.refresh_from_db(fields=["number"])
        others = PDSACycle.objects.filter(project_id=cycle.project_id)
        neighbour = (
            others.filter(number__lt=cycle.number).order_by("-number").first()
            if up
            else others.filter(number__gt=cycle.number).order_by("number").first()
        )
        if neighbour is None:
            return None
        old, new = cycle.number, neighbour.number
        cycle.number = 0
        cycle.skip_history_when_saving = True  # the parking step is not a change anyone made
        cycle.save(update_fields=["number"])
        del cycle.skip_history_when_saving
        neighbour.number = old
        neighbour.save(update_fields=["number"])
        cycle.number = new
        cycle.save(update_fields=["number"])
    return cycle


# Impact.


def impact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    instance = ProjectImpact.objects.filter(project=project).first()
    form = ImpactForm(
        request.POST if request.method == "POST" else None,
        instance=instance or ProjectImpact(project=project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            impact_record(
                form=form, project=project, updated_by=getattr(request.user, "person", None)
            )
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, ImpactForm)
        else:
            messages.success(request, "Impact recorded.")
            return redirect(_section(project))
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "project": project,
            "heading": "Record the project's impact",
            "intro": "Time saved, patients affected and what changed for them. Claim cost "
            "savings separately, so that a champion can validate each one.",
            "submit": "Save impact",
        },
    )


# Savings.


def _saving_of(project: Project, saving_pk: int, *, for_update: bool = False) -> Saving:
    savings = project.savings.select_related("claimed_by", "validated_by")
    if for_update:
        savings = savings.select_for_update(of=("self",))
    return get_object_or_404(savings, pk=saving_pk)


def saving_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    form = SavingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        measurement.saving_save(form=form, project=project, claimed_by=person_or_403(request.user))
        messages.success(request, "Saving claimed. A champion for the project's area validates it.")
        return redirect(_section(project, "savings"))
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "project": project,
            "heading": "Claim a saving",
            "intro": "Claim each saving on its own, in pounds. A champion for the project's area "
            "checks it and validates it, possibly for less.",
            "submit": "Claim saving",
        },
    )


def saving_edit(request: HttpRequest, pk: int, saving_pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    if request.method != "POST":
        saving = _saving_of(project, saving_pk)
        return _saving_edit_page(request, project, saving, SavingForm(instance=saving))
    # Locked while the form is checked and saved, so a validation made meanwhile is seen (and
    # cleared if the amount changes) rather than overwritten with the stale row.
    with transaction.atomic():
        saving = _saving_of(project, saving_pk, for_update=True)
        was_validated = saving.is_validated
        form = SavingForm(request.POST, instance=saving)
        if form.is_valid():
            try:
                saving = measurement.saving_save(
                    form=form, project=project, claimed_by=saving.claimed_by
                )
            except EditConflict as conflict:
                form = form_after_edit_conflict(conflict, form, SavingForm)
    if form.errors:
        return _saving_edit_page(request, project, saving, form)
    if was_validated and not saving.is_validated:
        messages.success(
            request,
            "Saving updated. Its validation was cleared because the amount or kind changed: "
            "a champion needs to validate it again.",
        )
    else:
        messages.success(request, "Saving updated.")
    return redirect(_section(project, "savings"))


def _saving_edit_page(request, project, saving, form) -> HttpResponse:
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "project": project,
            "heading": "Edit a saving",
            "saving": saving,
            "submit": "Save changes",
        },
    )


def saving_delete(request: HttpRequest, pk: int, saving_pk: int) -> HttpResponse:
    """GET: confirm. POST: delete, unless the saving has been validated."""
    project = _project_for_team(request, pk)
    saving = _saving_of(project, saving_pk)
    if request.method == "POST":
        try:
            saving_withdraw(saving_id=saving.pk)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Saving “{saving.description}” deleted.")
        return redirect(_section(project, "savings"))
    return render(
        request, "projects/impact/saving_delete.html", {"project": project, "saving": saving}
    )


def saving_validate(request: HttpRequest, pk: int, saving_pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    if not can_validate_savings(request.user, project):
        raise PermissionDenied(
            "Savings are validated by admins and by champions of the project's areas who are "
            "not on its team"
        )
    saving = _saving_of(project, saving_pk)
    form = SavingValidationForm(request.POST if request.method == "POST" else None, saving=saving)
    if request.method == "POST" and form.is_valid():
        try:
            measurement.saving_validate(
                saving_id=saving.pk,
                champion=person_or_403(request.user),
                amount=form.cleaned_data["validated_amount"],
                note=form.cleaned_data["validation_note"],
                claimed_amount_seen=form.cleaned_data["claimed_amount"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saving “{saving.description}” validated.")
            return redirect(_section(project, "savings"))
    return render(
        request,
        "projects/impact/saving_validate.html",
        {"form": form, "project": project, "saving": saving},
    )


# PDSA cycles.


def pdsa_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    return _pdsa_form(request, project, None)


def pdsa_edit(request: HttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    cycle = get_object_or_404(project.pdsa_cycles, pk=cycle_pk)
    return _pdsa_form(request, project, cycle)


def _pdsa_form(request: HttpRequest, project: Project, cycle: PDSACycle | None) -> HttpResponse:
    def cycle_form(data, instance: PDSACycle | None) -> PDSACycleForm:
        return PDSACycleForm(data, instance=instance, project=project)

    form = cycle_form(request.POST if request.method == "POST" else None, cycle)
    if request.method == "POST" and form.is_valid():
        try:
            saved = measurement.pdsa_save(
                form=form, project=project, author=person_or_403(request.user)
            )
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, cycle_form)
        else:
            messages.success(request, f"PDSA cycle {saved.number} saved.")
            return redirect("projects:pdsa_detail", project.pk, saved.pk)
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "project": project,
            "heading": f"Edit PDSA cycle {cycle.number}" if cycle else "Add a PDSA cycle",
            "intro": "Plan a small test of one change: say what you predict, then record what "
            "happened, what you learned and what you decided. Fill in each part as the cycle "
            "goes on.",
            "submit": "Save PDSA cycle",
        },
    )


@require_safe
def pdsa_detail(request: HttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    cycle = get_object_or_404(
        project.pdsa_cycles.select_related("created_by").prefetch_related("measures"),
        pk=cycle_pk,
    )
    return render(
        request,
        "projects/impact/pdsa_detail.html",
        {
            "project": project,
            "cycle": cycle,
            "can_edit": can_record_measurement(request.user, project),
        },
    )


@require_POST
def pdsa_reorder(request: HttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    cycle = get_object_or_404(project.pdsa_cycles, pk=cycle_pk)
    up = request.POST.get("direction") != "down"
    moved = pdsa_move(cycle_id=cycle.pk, up=up)
    if moved is None:
        messages.error(
            request, f"PDSA cycle {cycle.number} is already {'first' if up else 'last'}."
        )
    else:
        messages.success(request, f"“{cycle.change_idea}” is now PDSA cycle {moved.number}.")
    return redirect(_section(project, "pdsa"))


urlpatterns = [
    path("<int:pk>/impact/", impact_edit, name="impact_edit"),
    path("<int:pk>/savings/new/", saving_create, name="saving_create"),
    path("<int:pk>/savings/<int:saving_pk>/edit/", saving_edit, name="saving_edit"),
    path("<int:pk>/savings/<int:saving_pk>/delete/", saving_delete, name="saving_delete"),
    path("<int:pk>/savings/<int:saving_pk>/validate/", saving_validate, name="saving_validate"),
    path("<int:pk>/pdsa/new/", pdsa_create, name="pdsa_create"),
    path("<int:pk>/pdsa/<int:cycle_pk>/", pdsa_detail, name="pdsa_detail"),
    path("<int:pk>/pdsa/<int:cycle_pk>/edit/", pdsa_edit, name="pdsa_edit"),
    path("<int:pk>/pdsa/<int:cycle_pk>/move/", pdsa_reorder, name="pdsa_move"),
]
