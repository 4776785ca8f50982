"""Governance pages: champions, the review queue, closure, mentoring, history and the report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from common.errors import WorkflowError
from people.access import QIRequest, is_champion_or_admin, person_or_403
from people.departments import department_for, sees_all_departments
from people.models import ClinicalArea, Department, Person
from projects import exports, services, stages
from projects.access import can_lead, get_project_for
from projects.filters import GovernanceFilter, data_opening_on_own_department
from projects.forms import (
    ClosureReportForm,
    ClosureSendBackForm,
    MentoringNoteForm,
    ReviewDecisionForm,
)
from projects.history import project_changes
from projects.models import ClosureReport, Project, ReviewDecision
from projects.search import similar_projects, similar_projects_for_each

REVIEW_PAGE_SIZE = 10
MENTORED_SHOWN = 10  # projects listed per champion in the champions directory


def is_governor(user, project: Project) -> bool:
    """Team, the area's champions, the mentor and admins: who sees decisions and history."""
    return bool(stages.roles_of(user, project))


@require_safe
def champions_directory(request: QIRequest) -> HttpResponse:
    # The newest few per champion, and one more to know there are others: listing every
    # project a champion of a large register mentors made a page of tens of thousands of links.
    choice = department_for(request, open_to_all=True)
    active_mentoring = (
        Project.objects.exclude(stage__in=Project.CLOSED_STAGES)
        .filter(pk__in=_newest_mentored_by_champions_of(choice.department))
        .only("pk", "title", "reference", "mentor_id")
        .order_by("-created_at", "-pk")[: MENTORED_SHOWN + 1]
    )
    areas = (
        ClinicalArea.objects.filter(department=choice.department)
        .select_related("department__qi_lead")
        .prefetch_related(
            Prefetch(
                "champion_assignments__person__mentored_projects",
                queryset=active_mentoring,
                to_attr="active_mentored",
            ),
            "champion_assignments__person__user",
        )
    )
    person = request.person
    uncovered, my_area_ids = [], set()
    if person is not None and person.department_id == choice.department.pk:
        my_area_ids = set(person.clinical_areas.values_list("pk", flat=True))
        uncovered = [
            area for area in areas if area.pk in my_area_ids and not area.champion_assignments.all()
        ]
    return render(
        request,
        "governance/champions.html",
        {
            "areas": areas,
            "uncovered": uncovered,
            "no_areas": person is not None
            and person.department_id == choice.department.pk
            and not my_area_ids,
            "qi_lead": choice.department.qi_lead,
            "department": choice.department,
            "department_choice": choice,
        },
    )


def _newest_mentored_by_champions_of(department: Department) -> QuerySet:
    """The ids of the newest active projects each of the department's champions mentors, a few
    per champion, each read from the index `project_mentor_active` and stopped there: the
    prefetch then ranks only these, not every project a champion of a large register mentors
    (tens of thousands on the bench's)."""
    newest = ArraySubquery(
        Project.objects.filter(mentor=OuterRef("pk"))
        .exclude(stage__in=Project.CLOSED_STAGES)
        .order_by("-created_at", "-pk")
        .values("pk")[: MENTORED_SHOWN + 1]
    )
    return (
        Person.objects.filter(champion_assignments__clinical_area__department=department)
        .annotate(project_id=Func(newest, function="unnest", output_field=BigIntegerField()))
        .values("project_id")
    )


# Champions come back to the queue often, and ranking the register against every proposal is
# the page's one heavy query; look-alikes change slowly, so each user's answer is kept a while.
# An edited proposal (a new version) is looked up afresh.
SIMILAR_CACHE_SECONDS = 300


def _similar_for_queue(user, proposals: list[Project]) -> dict[int, list[Project]]:
    """The duplicate check for every proposal shown (two queries, or none when cached)."""
    key = "review-similar:{}:{}".format(user.pk, ",".join(f"{p.pk}.{p.version}" for p in proposals))
    similar = cache.get(key)
    if similar is None:
        similar = similar_projects_for_each(Project.objects.visible_to(user), proposals, limit=4)
        cache.set(key, similar, SIMILAR_CACHE_SECONDS)
    return similar


def _may_open_review_queue(request: QIRequest) -> bool:
    """Champions, admins, the trust QI team (for the figures) and a department's QI lead (who
    reviews where no champion of the area is free)."""
    person = request.person
    if is_champion_or_admin(request.user) or sees_all_departments(request.user):
        return True
    return person is not None and Department.objects.filter(qi_lead=person).exists()


# Closure reports listed at most in the queue; more waiting for one person is unheard of.
CLOSURE_REPORTS_SHOWN = 50


def _closure_reports_waiting_for(request: QIRequest, department: Department) -> list[Project]:
    """Projects of the department shown whose closure report waits for sign-off: for admins all
    of them, for others those they may sign off (one query). The trust QI team signs off
    nothing (unless they are champions), so is shown nothing to sign off."""
    person = request.person
    projects = Project.objects.filter(department=department)
    if request.user.is_staff:
        projects = projects.awaiting_closure_sign_off()
    elif person is not None:
        projects = projects.awaiting_closure_sign_off_by(person)
    else:
        return []
    return list(
        projects.select_related("lead", "mentor", "closure_report").order_by(
            "closure_report__submitted_at", "pk"
        )[:CLOSURE_REPORTS_SHOWN]
    )


# The review times add up every decision ever made on the department's projects (tens of
# thousands on the bench's register): kept a while, and looked up afresh after any new decision.
REVIEW_TIMES_CACHE_SECONDS = 300


def _review_times(department: Department) -> tuple[list[dict], dict]:
    """Decisions and the average time to one, per champion and overall, on the department's
    projects (the newest decision's id, then, unless cached since it, one query: the overall
    figures are added up from the champions')."""
    newest = ReviewDecision.objects.aggregate(newest=Max("pk"))["newest"]
    key = f"review-times:{department.pk}:{newest}"
    cached = cache.get(key)
    if cached is None:
        cached = _review_times_now(department)
        cache.set(key, cached, REVIEW_TIMES_CACHE_SECONDS)
    return cached


def _review_times_now(department: Department) -> tuple[list[dict], dict]:
    # Grouped by the champion's id alone and named afterwards (a subquery per champion): grouping
    # by the name too sorted every decision by it.
    name = Person.objects.filter(pk=OuterRef("champion_id")).values("display_name")
    by_champion = list(
        ReviewDecision.objects.filter(project__department=department)
        .values("champion_id")
        .annotate(decisions=Count("pk"), average=Avg(F("decided_at") - F("submitted_at")))
        .annotate(champion__display_name=Subquery(name))
        .order_by("champion__display_name", "champion_id")
    )
    decisions = sum(row["decisions"] for row in by_champion)
    total = sum((row["average"] * row["decisions"] for row in by_champion), dt.timedelta())
    overall = {"decisions": decisions, "average": total / decisions if decisions else None}
    return by_champion, overall


@require_safe
def review_queue(request: QIRequest) -> HttpResponse:
    if not _may_open_review_queue(request):
        raise PermissionDenied("The review queue is for QI champions and admins")
    choice = department_for(request)
    waiting = Project.objects.waiting_for_review_by(request.user, choice.department)
    page = Paginator(waiting.order_by("review_requested_at", "pk"), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    similar = _similar_for_queue(request.user, list(page.object_list))
    rows = [
        {
            "project": project,
            "similar": [p for p in similar[project.pk] if p.pk != project.pk][:3],
            "may_review": stages.may_review_given(
                request.user,
                project,
                works_on=project.viewer_works_on,
                champions_it=project.viewer_champions,
                free_area_champion=lambda project=project: project.has_free_area_champion,
            ),
        }
        for project in page.object_list
    ]
    by_champion, overall = _review_times(choice.department)
    return render(
        request,
        "governance/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "closure_reports": _closure_reports_waiting_for(request, choice.department),
            "by_champion": by_champion,
            "overall": overall,
            "department": choice.department,
            "department_choice": choice,
        },
    )


def review_project(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    reviewer = person_or_403(request)
    if project.is_working_on(reviewer):
        raise PermissionDenied("You work on this project, so another champion must review it")
    if not stages.may_review(request.user, project):
        raise PermissionDenied(
            "Only a champion for the project's area or an admin, who does not work on it, can "
            "review it"
        )
    form = ReviewDecisionForm(
        request.POST if request.method == "POST" else None, project=project, reviewer=reviewer
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(
                project=project,
                champion=reviewer,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                reason=form.cleaned_data["reason"],
                mentor=form.cleaned_data["mentor"],
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Decision recorded. The lead has been emailed.")
            return redirect("governance:review_queue")
    similar = [
        p
        for p in similar_projects(
            Project.objects.visible_to(request.user), title=project.title, aim=project.aim
        )
        if p.pk != project.pk
    ]
    return render(
        request,
        "governance/review_project.html",
        {"project": project, "form": form, "similar": similar},
    )


def closure_report(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    if not is_governor(request.user, project):
        raise PermissionDenied("The closure report is for the team, champions and admins")
    report = ClosureReport.objects.select_related("sent_back_by").filter(project=project).first()
    editable = can_lead(request.user, project) and not (report and report.signed_off_at)
    form = ClosureReportForm(request.POST if request.method == "POST" else None, instance=report)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(
                "Only the lead writes the closure report, until it is signed off"
            )
        was_waiting = report is not None and report.is_waiting
        if form.is_valid():
            try:
                services.closure_report_save(
                    form=form, project=project, author=person_or_403(request)
                )
            except WorkflowError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    "Closure report saved; it is still waiting for sign-off."
                    if was_waiting
                    else "Closure report sent for sign-off. The mentor has been emailed.",
                )
                return redirect(project)
    waiting = report is not None and report.is_waiting
    may_sign = waiting and stages.may_sign_off(request.user, project)
    person = request.person
    # The mentor or a champion who would sign it off but works on the project is told why not.
    mentor_works_on_it = (
        waiting and project.mentor is not None and project.is_working_on(project.mentor)
    )
    works_on_it = (
        waiting
        and not may_sign
        and person is not None
        and (stages.CHAMPION in stages.roles_of(request.user, project) or request.user.is_staff)
        and project.is_working_on(person)
    )
    return render(
        request,
        "governance/closure_report.html",
        {
            "project": project,
            "report": report,
            "form": form,
            "editable": editable,
            "may_sign": may_sign,
            "works_on_it": works_on_it,
            "mentor_works_on_it": mentor_works_on_it,
            "is_mentor": person is not None and project.mentor_id == person.pk,
            "may_write_report_now": project.stage in CLOSURE_STAGES,
        },
    )


# A closure report is written while the project implements or sustains its change.
CLOSURE_STAGES = (Project.Stage.IMPLEMENTING, Project.Stage.SUSTAINING)


def _closure_for_signer(request: QIRequest, pk: int) -> tuple[Project, Person]:
    """The project and the person who may sign off (or send back) its closure report."""
    project = get_project_for(request.user, pk)
    person = person_or_403(request)
    if project.is_working_on(person):
        raise PermissionDenied(
            "You work on this project, so another champion must sign off its closure"
        )
    if not stages.may_sign_off(request.user, project):
        raise PermissionDenied("Only the project's mentor (or an admin) signs off the report")
    return project, person


def _waiting_report_or_none(request: QIRequest, project: Project) -> ClosureReport | None:
    """The closure report if it waits for sign-off; otherwise None, with a message saying why."""
    report = ClosureReport.objects.filter(project=project).first()
    if reason := services.why_not_waiting_for_sign_off(report):
        messages.error(request, reason)
        return None
    return report


def closure_sign_off(request: QIRequest, pk: int) -> HttpResponse:
    """GET: what signing off does, to confirm. POST: sign off, completing the project."""
    project, person = _closure_for_signer(request, pk)
    if request.method == "POST":
        try:
            services.closure_sign_off(project=project, champion=person)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Closure report signed off. The project is completed.")
        return redirect(project)
    report = _waiting_report_or_none(request, project)
    if report is None:
        return redirect("projects:closure", pk=project.pk)
    return render(
        request, "governance/closure_sign_off.html", {"project": project, "report": report}
    )


def closure_send_back(request: QIRequest, pk: int) -> HttpResponse:
    """The mentor sends the closure report back to the lead with what to change."""
    project, person = _closure_for_signer(request, pk)
    report = _waiting_report_or_none(request, project)
    if report is None:
        return redirect("projects:closure", pk=project.pk)
    form = ClosureSendBackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_report_send_back(
                project=project, champion=person, comment=form.cleaned_data["comment"]
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Closure report sent back. The lead has been emailed.")
            return redirect(project)
    return render(
        request,
        "governance/closure_send_back.html",
        {"project": project, "report": report, "form": form},
    )


def mentoring_note_create(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    person = person_or_403(request)
    if not (project.mentor_id == person.pk or request.user.is_staff):
        raise PermissionDenied("Only the project's mentor writes mentoring notes")
    form = MentoringNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        note = form.save(commit=False)
        note.project, note.author = project, person
        note.save()
        messages.success(request, "Mentoring note added.")
        return redirect(project)
    return render(
        request,
        "projects/child_form.html",
        {"form": form, "project": project, "noun": "mentoring note", "instance": None},
    )


def audit_to_qi(request: QIRequest, pk: int) -> HttpResponse:
    """GET: what starting a QI project from the audit makes, to confirm. POST: start it."""
    audit = get_project_for(request.user, pk)
    person = person_or_403(request)
    if not is_governor(request.user, audit):
        raise PermissionDenied("The audit's team, its champions and admins can start a QI project")
    if request.method != "POST":
        if reason := audit.why_no_follow_on_project:
            messages.error(request, reason)
            return redirect(audit)
        return render(
            request,
            "projects/audit_to_qi.html",
            {"audit": audit, "draft": audit.follow_on_draft_of(person)},
        )
    try:
        project = services.audit_to_qi(audit=audit, lead=person)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(audit)
    messages.success(request, "QI project started from the audit. Check it, then submit it.")
    return redirect("projects:edit", pk=project.pk)


@require_safe
def project_history(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    if not is_governor(request.user, project):
        raise PermissionDenied("History is for the team, champions and admins")
    return render(
        request,
        "projects/history.html",
        {"project": project, "changes": project_changes(project)},
    )


# The governance report.


def _governance_rows(request: QIRequest):
    latest_decision = ReviewDecision.objects.filter(project=OuterRef("pk")).order_by(
        "-decided_at", "-pk"
    )
    projects = (
        Project.objects.visible_to(request.user)
        .for_register()
        .select_related("mentor")
        .annotate(
            last_decision=Subquery(latest_decision.values("decision")[:1]),
            # The register's own latest-update subquery, not Max() over a join: an aggregate
            # made PostgreSQL group all projects before it could page (or count) them.
            last_update=F("latest_update_date"),
        )
    )
    return GovernanceFilter(
        data_opening_on_own_department(request), queryset=projects, request=request
    )


def _require_governor(request: QIRequest) -> None:
    if not is_champion_or_admin(request.user):
        raise PermissionDenied("The governance report is for QI champions and admins")


@require_safe
def governance_report(request: QIRequest) -> HttpResponse:
    _require_governor(request)
    project_filter = _governance_rows(request)
    page = Paginator(project_filter.qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for project in page.object_list:
        project.days_in_stage = (today - timezone.localtime(project.stage_changed_at).date()).days
        project.days_since_update = (
            (today - project.last_update).days if project.last_update else None
        )
    return render(
        request,
        "governance/report.html",
        {
            "filter": project_filter,
            "page": page,
            "decision_labels": ReviewDecision.OUTCOMES,
        },
    )


@require_safe
def governance_export(request: QIRequest, fmt: str) -> StreamingHttpResponse:
    _require_governor(request)
    projects = _governance_rows(request).qs
    exports.record_project_export(request, f"governance_{fmt}", projects, named=("lead", "mentor"))
    filename = f"qi-governance-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        pieces = exports.csv_lines(projects, governance=True)
        return exports.download(pieces, "text/csv; charset=utf-8", filename)
    return exports.download(exports.xlsx_pieces(projects, governance=True), exports.XLSX, filename)
