"""Awards and nominations: the catalogue, nominating someone, and recording how it fared."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from people.access import QIRequest, is_champion_or_admin, parse_id, person_or_403
from projects.models import Project
from recognition.forms.awards import (
    AwardForm,
    NominationFilter,
    NominationForm,
    NominationStatusForm,
    nominable_projects,
)
from recognition.models import Award, Nomination
from recognition.services import awards as services

PAGE_SIZE = 25
# The catalogue shows this many past awards; the rest are on their own paginated page.
CLOSED_AWARDS_SHOWN = 10
Status = Nomination.Status


# The catalogue.


@require_safe
def award_list(request: QIRequest) -> HttpResponse:
    """Awards taking nominations, the latest past ones, and recent wins to celebrate.

    `?project=<id>` (from a project page's "Nominate this project") carries the project through
    to each award's nominate page.
    """
    project = _project_from_query(request)
    # One row more than shown, to know whether to link to the rest without counting them.
    closed_awards = list(Award.objects.closed()[: CLOSED_AWARDS_SHOWN + 1])
    context = {
        "open_awards": Award.objects.taking_nominations(),
        "closed_awards": closed_awards[:CLOSED_AWARDS_SHOWN],
        "more_closed_awards": len(closed_awards) > CLOSED_AWARDS_SHOWN,
        "recent_wins": Nomination.objects.visible_to(request.user)
        .recently_won()
        .with_nominee()[:6],
        "can_manage": is_champion_or_admin(request.user),
        "nominee": project,
        "nominee_query": f"?project={project.pk}" if project else "",
    }
    return render(request, "recognition/awards/award_list.html", context)


@require_safe
def past_awards(request: QIRequest) -> HttpResponse:
    page = Paginator(Award.objects.closed(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_manage": is_champion_or_admin(request.user)}
    return render(request, "recognition/awards/past_awards.html", context)


def _project_from_query(request: QIRequest) -> Project | None:
    project_id = parse_id(request.GET.get("project"))
    person = request.person
    if project_id is None or person is None:
        return None
    return nominable_projects(request.user, person).filter(pk=project_id).first()


def award_create(request: QIRequest) -> HttpResponse:
    return _award_form(request, award_pk=None)


def award_edit(request: QIRequest, pk: int) -> HttpResponse:
    return _award_form(request, award_pk=pk)


def _award_form(request: QIRequest, *, award_pk: int | None) -> HttpResponse:
    if not is_champion_or_admin(request.user):
        raise PermissionDenied("Only QI champions and admins add and edit awards")
    award = get_object_or_404(Award, pk=award_pk) if award_pk else None
    form = AwardForm(request.POST if request.method == "POST" else None, instance=award)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.award_save(form=form)
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"{saved.name} {'saved' if award else 'added'}.")
            return redirect("recognition:awards")
    return render(request, "recognition/awards/award_form.html", {"form": form, "award": award})


# Nominating.


def nominate(request: QIRequest, pk: int) -> HttpResponse:
    person = person_or_403(request)
    award = get_object_or_404(Award, pk=pk)
    if not award.is_open:
        messages.error(request, f"{award.name} is not taking nominations.")
        return redirect("recognition:awards")
    form = NominationForm(
        request.POST if request.method == "POST" else None,
        initial=_initial_nominee(request),
        nominator=person,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            nomination = services.nomination_create(
                form=form, award=award, nominated_by=person, submit=submit
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            _say_saved(request, nomination, submit)
            return redirect("recognition:nomination", pk=nomination.pk)
    return _nomination_form(request, form, award, nomination=None)


def _initial_nominee(request: QIRequest) -> dict:
    project_id = parse_id(request.GET.get("project"))
    return {"nominee_kind": "project", "project": project_id} if project_id else {}


def _say_saved(request: QIRequest, nomination: Nomination, submitted: bool) -> None:
    if submitted:
        messages.success(
            request,
            f"Nomination of {nomination.nominee_name} for {nomination.award.name} submitted. "
            "A QI champion will record how it goes.",
        )
    else:
        messages.success(request, "Draft saved. Only you can see it until you submit it.")


def _nomination_form(request, form, award: Award, *, nomination: Nomination | None):
    context = {"form": form, "award": award, "nomination": nomination}
    return render(request, "recognition/awards/nomination_form.html", context)


@require_safe
def nomination_detail(request: QIRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk)
    return _nomination_page(request, nomination, status_form=None)


def _nomination_page(
    request: QIRequest,
    nomination: Nomination,
    *,
    status_form: NominationStatusForm | None,
) -> HttpResponse:
    """The nomination, and for a champion or admin without a stake in it, the form to record
    how it fared: bound, with its errors, when a change was refused."""
    can_decide = nomination.can_be_decided_by(request.user)
    if can_decide and status_form is None:
        status_form = NominationStatusForm(initial={"status": nomination.status})
    context = {
        "nomination": nomination,
        "team_members": nomination.team_members.all(),
        "can_change": nomination.can_be_changed_by(request.user),
        "can_decide": can_decide,
        # Named `form` so that base.html's error summary lists its errors.
        "form": status_form if can_decide else None,
        "next": _safe_next(request),
        "stake_in_it": not nomination.is_draft
        and not can_decide
        and is_champion_or_admin(request.user, nomination.nominee_department_id),
        "timeline": [] if nomination.is_draft else nomination.status_timeline(),
    }
    return render(request, "recognition/awards/nomination_detail.html", context)


def nomination_edit(request: QIRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk, action="change")
    person = person_or_403(request)
    if nomination.status != Status.DRAFT:
        messages.error(request, "This nomination has been submitted: it can no longer be changed.")
        return redirect("recognition:nomination", pk=nomination.pk)
    form = NominationForm(
        request.POST if request.method == "POST" else None,
        initial=NominationForm.initial_from(nomination),
        nominator=person,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            nomination = services.nomination_update(
                nomination_id=nomination.pk, form=form, person=person, submit=submit
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            _say_saved(request, nomination, submit)
            return redirect("recognition:nomination", pk=nomination.pk)
    return _nomination_form(request, form, nomination.award, nomination=nomination)


@require_POST
def nomination_submit(request: QIRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk, action="change")
    try:
        nomination = services.nomination_submit(
            nomination_id=nomination.pk, person=person_or_403(request)
        )
    except WorkflowError as error:
        messages.error(request, f"{error.message}.")
    else:
        _say_saved(request, nomination, submitted=True)
    return redirect("recognition:nomination", pk=nomination.pk)


@require_POST
def nomination_delete(request: QIRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk, action="change")
    try:
        services.nomination_delete(nomination_id=nomination.pk, person=person_or_403(request))
    except WorkflowError as error:
        messages.error(request, f"{error.message}.")
        return redirect("recognition:nomination", pk=nomination.pk)
    messages.success(request, "Draft nomination deleted.")
    return redirect("recognition:my_nominations")


@require_safe
def my_nominations(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    nominations = Nomination.objects.filter(nominated_by=person).with_nominee()
    page = Paginator(nominations.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "recognition/awards/my_nominations.html",
        {"page": page},
    )


# Champions and admins: the department's nominations and how each fared.


@require_safe
def nomination_list(request: QIRequest) -> HttpResponse:
    if not is_champion_or_admin(request.user):
        raise PermissionDenied("The nominations list is for QI champions and admins")
    person = person_or_403(request)
    nominations = (
        Nomination.objects.submitted()
        .in_department(person.department_id)
        .with_nominee()
        # Rows the viewer has a stake in get no quick action (the view refuses it anyway).
        .with_involvement_of(person)
        .order_by("-submitted_at", "-pk")
    )
    nomination_filter = NominationFilter(request.GET or None, queryset=nominations)
    page = Paginator(nomination_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": nomination_filter,
        "page": page,
        "status_choices": NominationStatusForm.base_fields["status"].choices,
    }
    return render(request, "recognition/awards/nomination_list.html", context)


@require_POST
def nomination_status(request: QIRequest, pk: int) -> HttpResponse:
    """Record how a nomination fared, from its page or the list's quick action. A refusal
    comes back on the nomination's page, by the field and in the error summary."""
    nomination = services.get_nomination_for(request.user, pk, action="decide")
    person = person_or_403(request)
    form = NominationStatusForm(request.POST)
    if form.is_valid():
        try:
            nomination = services.nomination_set_status(
                nomination_id=nomination.pk, status=form.cleaned_data["status"], changed_by=person
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                f"{nomination.nominee_name} for {nomination.award.name}: "
                f"{nomination.get_status_display().lower()}.",
            )
            return redirect(_safe_next(request) or reverse("recognition:nomination", args=[pk]))
    return _nomination_page(request, nomination, status_form=form)


def _safe_next(request: QIRequest) -> str | None:
    """The page the form came from (the filtered list), if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
