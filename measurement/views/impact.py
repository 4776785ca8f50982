"""A project's impact, savings and PDSA cycles: recorded by the team, savings validated by
champions outside it. The project page shows them through `{% project_measurement %}`
(measurement/templatetags/measurement_tags.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from common.optimistic_locking import EditConflict, form_after_edit_conflict
from measurement import services
from measurement.access import can_record_measurement, can_validate_savings
from measurement.forms import ImpactForm, PDSACycleForm, SavingForm, SavingValidationForm
from measurement.models import PDSACycle, ProjectImpact, Saving
from people.access import QIRequest, person_or_403
from projects.access import get_project_for
from projects.models import Project

FORM_TEMPLATE = "measurement/impact/form.html"


def _section(project: Project, anchor: str = "measurement") -> str:
    return reverse("projects:detail", args=[project.pk]) + f"#{anchor}"


def _project_for_team(request: QIRequest, pk: int) -> Project:
    """The project if the user records its measurement: 404 as for viewing, then 403."""
    project = get_project_for(request.user, pk)
    if not can_record_measurement(request.user, project):
        raise PermissionDenied(
            "Only the project's team records its impact, savings and PDSA cycles"
        )
    return project


# Impact.


def impact_edit(request: QIRequest, pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    instance = ProjectImpact.objects.filter(project=project).first()
    form = ImpactForm(
        request.POST if request.method == "POST" else None,
        instance=instance or ProjectImpact(project=project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.impact_record(form=form, project=project, updated_by=request.person)
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
    savings = project.savings.with_people()
    if for_update:
        savings = savings.select_for_update(of=("self",))
    return get_object_or_404(savings, pk=saving_pk)


def saving_create(request: QIRequest, pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    form = SavingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.saving_save(form=form, project=project, claimed_by=person_or_403(request))
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


def saving_edit(request: QIRequest, pk: int, saving_pk: int) -> HttpResponse:
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
                saving = services.saving_save(
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


def saving_delete(request: QIRequest, pk: int, saving_pk: int) -> HttpResponse:
    """GET: confirm. POST: delete, unless the saving has been validated."""
    project = _project_for_team(request, pk)
    saving = _saving_of(project, saving_pk)
    if request.method == "POST":
        try:
            services.saving_withdraw(saving_id=saving.pk)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Saving “{saving.description}” deleted.")
        return redirect(_section(project, "savings"))
    return render(
        request, "measurement/impact/saving_delete.html", {"project": project, "saving": saving}
    )


def saving_validate(request: QIRequest, pk: int, saving_pk: int) -> HttpResponse:
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
            services.saving_validate(
                saving_id=saving.pk,
                champion=person_or_403(request),
                amount=form.cleaned_data["validated_amount"],
                note=form.cleaned_data["validation_note"],
                claimed_amount_seen=form.cleaned_data["claimed_amount"],
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Saving “{saving.description}” validated.")
            return redirect(_section(project, "savings"))
    return render(
        request,
        "measurement/impact/saving_validate.html",
        {"form": form, "project": project, "saving": saving},
    )


# PDSA cycles.


def pdsa_create(request: QIRequest, pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    return _pdsa_form(request, project, None)


def pdsa_edit(request: QIRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    cycle = get_object_or_404(project.pdsa_cycles, pk=cycle_pk)
    return _pdsa_form(request, project, cycle)


def _pdsa_form(request: QIRequest, project: Project, cycle: PDSACycle | None) -> HttpResponse:
    def cycle_form(data, instance: PDSACycle | None) -> PDSACycleForm:
        return PDSACycleForm(data, instance=instance, project=project)

    form = cycle_form(request.POST if request.method == "POST" else None, cycle)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.pdsa_save(form=form, project=project, author=person_or_403(request))
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, cycle_form)
        else:
            messages.success(request, f"PDSA cycle {saved.number} saved.")
            return redirect("measurement:pdsa_detail", project.pk, saved.pk)
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
def pdsa_detail(request: QIRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    cycle = get_object_or_404(project.pdsa_cycles.with_measures(), pk=cycle_pk)
    return render(
        request,
        "measurement/impact/pdsa_detail.html",
        {
            "project": project,
            "cycle": cycle,
            "can_edit": can_record_measurement(request.user, project),
        },
    )


@require_POST
def pdsa_reorder(request: QIRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = _project_for_team(request, pk)
    cycle = get_object_or_404(project.pdsa_cycles, pk=cycle_pk)
    up = request.POST.get("direction") != "down"
    moved = services.pdsa_move(cycle_id=cycle.pk, up=up)
    if moved is None:
        messages.error(
            request, f"PDSA cycle {cycle.number} is already {'first' if up else 'last'}."
        )
    else:
        messages.success(request, f"“{cycle.change_idea}” is now PDSA cycle {moved.number}.")
    return redirect(_section(project, "pdsa"))
