"""Awards and nominations: the catalogue, nominating someone, and recording how it fared."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from people.access import person_or_403
from projects.models import Project
from projects.services import WorkflowError
from recognition.forms.awards import (
    AwardForm,
    NominationFilter,
    NominationForm,
    NominationStatusForm,
)
from recognition.models import Award, Nomination
from recognition.services import awards as services

PAGE_SIZE = 25
Status = Nomination.Status


# The catalogue.


def award_list(request: HttpRequest) -> HttpResponse:
    """Awards taking nominations, past ones, and recent wins to celebrate.

    `?project=<id>` (from a project page's "Nominate this project") carries the project through
    to each award's nominate page.
    """
    project = _project_from_query(request)
    context = {
        "open_awards": services.open_awards(),
        "closed_awards": services.closed_awards(),
        "recent_wins": services.recent_wins(user=request.user),
        "can_manage": services.may_manage_awards(request.user),
        "nominee": project,
        "nominee_query": f"?project={project.pk}" if project else "",
    }
    return render(request, "recognition/awards/award_list.html", context)


def _project_from_query(request: HttpRequest) -> Project | None:
    value = request.GET.get("project", "")
    person = getattr(request.user, "person", None)
    if not value.isdigit() or person is None:
        return None
    return services.nominable_projects(request.user, person).filter(pk=value).first()


def award_create(request: HttpRequest) -> HttpResponse:
    return _award_form(request, award_pk=None)


def award_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _award_form(request, award_pk=pk)


def _award_form(request: HttpRequest, *, award_pk: int | None) -> HttpResponse:
    if not services.may_manage_awards(request.user):
        raise PermissionDenied("Only QI champions and admins add and edit awards")
    award = get_object_or_404(Award, pk=award_pk) if award_pk else None
    form = AwardForm(request.POST if request.method == "POST" else None, instance=award)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.award_save(form=form)
        except WorkflowError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"{saved.name} {'saved' if award else 'added'}.")
            return redirect("recognition:awards")
    return render(request, "recognition/awards/award_form.html", {"form": form, "award": award})


# Nominating.


def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_403(request.user)
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
            form.add_error(None, str(error))
        else:
            _say_saved(request, nomination, submit)
            return redirect("recognition:nomination", pk=nomination.pk)
    return _nomination_form(request, form, award, nomination=None)


def _initial_nominee(request: HttpRequest) -> dict:
    value = request.GET.get("project", "")
    return {"nominee_kind": "project", "project": int(value)} if value.isdigit() else {}


def _say_saved(request: HttpRequest, nomination: Nomination, submitted: bool) -> None:
    if submitted:
        messages.success(
            request,
            f"Nomination of {nomination.nominee_name} for {nomination.award.name} submitted. "
            "A QI champion will record how it goes.",
        )
    else:
        messages.success(request, "Draft saved. Only you can see it until you submit it.")


def _nomination_form(request, form, award: Award, *, nomination: Nomination | None):
    context = {
        "form": form,
        "award": award,
        "nomination": nomination,
        "deadline_passed": services.award_deadline_passed(award),
    }
    return render(request, "recognition/awards/nomination_form.html", context)


def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk)
    person = getattr(request.user, "person", None)
    is_draft = nomination.status == Status.DRAFT
    can_decide = not is_draft and services.may_decide(request.user, nomination)
    context = {
        "nomination": nomination,
        "team_members": nomination.team_members.all(),
        "can_change": is_draft and person is not None and nomination.nominated_by_id == person.pk,
        "can_decide": can_decide,
        "status_choices": NominationStatusForm.base_fields["status"].choices,
        "deadline_passed": services.award_deadline_passed(nomination.award),
        "timeline": [] if is_draft else services.status_timeline(nomination),
    }
    return render(request, "recognition/awards/nomination_detail.html", context)


def nomination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk, action="change")
    person = person_or_403(request.user)
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
            form.add_error(None, str(error))
        else:
            _say_saved(request, nomination, submit)
            return redirect("recognition:nomination", pk=nomination.pk)
    return _nomination_form(request, form, nomination.award, nomination=nomination)


@require_POST
def nomination_submit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk, action="change")
    try:
        nomination = services.nomination_submit(
            nomination_id=nomination.pk, person=person_or_403(request.user)
        )
    except WorkflowError as error:
        messages.error(request, f"{error}.")
    else:
        _say_saved(request, nomination, submitted=True)
    return redirect("recognition:nomination", pk=nomination.pk)


@require_POST
def nomination_delete(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk, action="change")
    try:
        services.nomination_delete(nomination_id=nomination.pk, person=person_or_403(request.user))
    except WorkflowError as error:
        messages.error(request, f"{error}.")
        return redirect("recognition:nomination", pk=nomination.pk)
    messages.success(request, "Draft nomination deleted.")
    return redirect("recognition:my_nominations")


def my_nominations(request: HttpRequest) -> HttpResponse:
    person = person_or_403(request.user)
    nominations = services.with_nominee(Nomination.objects.filter(nominated_by=person))
    page = Paginator(nominations.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "recognition/awards/my_nominations.html",
        {"page": page, "query_string": ""},
    )


# Champions and admins: the department's nominations and how each fared.


def nomination_list(request: HttpRequest) -> HttpResponse:
    if not services.may_manage_awards(request.user):
        raise PermissionDenied("The nominations list is for QI champions and admins")
    person = person_or_403(request.user)
    nominations = services.with_nominee(
        Nomination.objects.exclude(status=Status.DRAFT).filter(
            services.in_department(person.department_id)
        )
    ).order_by("-submitted_at", "-pk")
    nomination_filter = NominationFilter(request.GET or None, queryset=nominations)
    page = Paginator(nomination_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": nomination_filter,
        "page": page,
        "query_string": query.urlencode(),
        "status_choices": NominationStatusForm.base_fields["status"].choices,
    }
    return render(request, "recognition/awards/nomination_list.html", context)


@require_POST
def nomination_status(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = services.get_nomination_for(request.user, pk, action="decide")
    person = person_or_403(request.user)
    form = NominationStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{form.errors['status'][0]}.")
    else:
        try:
            nomination = services.nomination_set_status(
                nomination_id=nomination.pk, status=form.cleaned_data["status"], changed_by=person
            )
        except WorkflowError as error:
            messages.error(request, f"{error}.")
        else:
            messages.success(
                request,
                f"{nomination.nominee_name} for {nomination.award.name}: "
                f"{nomination.get_status_display().lower()}.",
            )
    return redirect(_safe_next(request) or reverse("recognition:nomination", args=[pk]))


def _safe_next(request: HttpRequest) -> str | None:
    """The page the form came from (the filtered list), if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


urlpatterns = [
    path("awards/", award_list, name="awards"),
    path("awards/new/", award_create, name="award_create"),
    path("awards/<int:pk>/edit/", award_edit, name="award_edit"),
    path("awards/<int:pk>/nominate/", nominate, name="nominate"),
    path("nominations/", nomination_list, name="nominations"),
    path("nominations/mine/", my_nominations, name="my_nominations"),
    path("nominations/<int:pk>/", nomination_detail, name="nomination"),
    path("nominations/<int:pk>/edit/", nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/submit/", nomination_submit, name="nomination_submit"),
    path("nominations/<int:pk>/delete/", nomination_delete, name="nomination_delete"),
    path("nominations/<int:pk>/status/", nomination_status, name="nomination_status"),
]
