"""The register: the list, its exports, proposing, a project's page, editing, submitting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from common.optimistic_locking import EditConflict, form_after_edit_conflict
from common.paging import CappedPaginator, bounded_split_counts
from people.access import QIRequest, person_or_403
from projects import exports, services, stages
from projects.access import can_lead, get_project_for
from projects.filters import ProjectFilter, data_opening_on_own_department
from projects.forms import ProjectEditForm, ProjectProposeForm
from projects.models import ClosureReport, Interest, Project, ReviewDecision
from projects.search import similar_projects

PAGE_SIZE = 25
# The deepest page of the register: the first 5,000 matching projects. Deeper pages cost a
# deep OFFSET (page 2,000 at 100,000 projects took 1.4 s); past it the register asks for
# narrower filters or a search, which is how people find a project anyway.
MAX_PAGES = 200


def _register_filter(request: QIRequest) -> ProjectFilter:
    """The register's filter; it opens on the viewer's own department (choosing "All
    departments" sends an empty value, which shows every department's)."""
    projects = Project.objects.visible_to(request.user).for_register()
    return ProjectFilter(
        data_opening_on_own_department(request), queryset=projects, request=request
    )


@require_safe
def register(request: QIRequest) -> HttpResponse:
    project_filter = _register_filter(request)
    projects = project_filter.qs
    # The page's ids first, then its rows: PostgreSQL works out every selected column of the
    # rows an OFFSET skips, so reading whole rows (with their subqueries) for page 200 worked
    # out 5,000 rows to show 25.
    paginator = CappedPaginator(
        projects.values_list("pk", flat=True), PAGE_SIZE, max_pages=MAX_PAGES
    )
    hidden_count = 0
    # Stages chosen, none of them closed: no completed or closed project matches to count.
    if project_filter.hides_closed and not project_filter.chosen_stages:
        # The projects shown and the completed or closed ones left out, counted in the one
        # query the paginator would otherwise make to count the first, each no further than
        # the paginator counts (past it the page says "more than").
        paginator.count, hidden_count = bounded_split_counts(
            project_filter.matching_qs,
            Q(stage__in=Project.CLOSED_STAGES),
            limit=paginator.rows_reached + 1,
        )
    number = request.GET.get("page")
    beyond_cap = paginator.is_beyond_cap(number)
    page = paginator.get_page(number)
    if not beyond_cap:
        ids = list(page.object_list)
        # The ids were found with the filters and the viewer's access: their rows need neither.
        rows = Project.objects.for_register().with_open_role_titles().in_bulk(ids)
        page.object_list = [rows[pk] for pk in ids]
    context = {
        "filter": project_filter,
        # Past the deepest page: the count and the message, no rows read.
        "beyond_cap": beyond_cap,
        "page": page,
        "hidden_count": hidden_count,
        # Counts stop one past this: a larger count reads "more than" it.
        "count_cap": paginator.rows_reached,
    }
    return full_or_fragment(
        request, "register-results", "projects/register.html", "projects/_results.html", context
    )


def full_or_fragment(request, target: str, page: str, fragment: str, context) -> HttpResponse:
    """The whole page, or just the results when htmx asks for them; caches keep both apart."""
    partial = bool(request.htmx) and request.htmx.target == target
    response = render(request, fragment if partial else page, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_safe
def export_csv(request: QIRequest) -> StreamingHttpResponse:
    projects = _register_filter(request).qs
    exports.record_project_export(request, "register_csv", projects)
    stamp = timezone.localdate().isoformat()
    return exports.download(
        exports.csv_lines(projects), "text/csv; charset=utf-8", f"qi-register-{stamp}.csv"
    )


@require_safe
def export_xlsx(request: QIRequest) -> StreamingHttpResponse:
    projects = _register_filter(request).qs
    exports.record_project_export(request, "register_xlsx", projects)
    stamp = timezone.localdate().isoformat()
    filename = f"qi-register-{stamp}.xlsx"
    return exports.download(exports.xlsx_pieces(projects), exports.XLSX, filename)


def project_create(request: QIRequest) -> HttpResponse:
    person = person_or_403(request)
    visible = Project.objects.visible_to(request.user)
    form = ProjectProposeForm(
        request.POST if request.method == "POST" else None,
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


@require_safe
def project_similar(request: QIRequest) -> HttpResponse:
    """The live duplicate check on the propose page (an htmx fragment)."""
    similar = similar_projects(
        Project.objects.visible_to(request.user),
        title=request.GET.get("title", "")[:200],
        aim=request.GET.get("aim", "")[:2000],
    )
    return render(request, "projects/_similar.html", {"similar": similar})


# Stages in which a project can have a closure report (written while implementing or
# sustaining, signed off on completion).
CLOSURE_REPORT_STAGES = (
    Project.Stage.IMPLEMENTING,
    Project.Stage.SUSTAINING,
    Project.Stage.COMPLETED,
    Project.Stage.ON_HOLD,
)


@require_safe
def project_detail(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    person = request.person
    leads = can_lead(request.user, project)
    memberships = project.memberships.filter(left_on__isnull=True).select_related("person")
    my_request = (
        project.interests.filter(person=person, status=Interest.Status.PENDING).first()
        if person
        else None
    )
    roles = stages.roles_of(request.user, project)
    is_governor = bool(roles)
    # The membership rows are read here once; the template lists them.
    works_on_it = person is not None and (
        project.is_team_member(person) or any(m.person_id == person.pk for m in memberships)
    )
    context = {
        "project": project,
        "can_lead": leads,
        "is_governor": is_governor,
        "is_reviewer": stages.may_review_given(
            request.user,
            project,
            works_on=works_on_it,
            champions_it=stages.CHAMPION in roles,
            free_area_champion=project.has_free_area_champion,
        ),
        # A champion (or admin) who would review it but works on it: told why they may not.
        "works_on_it_as_reviewer": works_on_it
        and (request.user.is_staff or stages.CHAMPION in roles),
        "can_write_mentoring": person is not None
        and (project.mentor_id == person.pk or request.user.is_staff),
        "latest_decision": (
            project.decisions.select_related("champion").first() if is_governor else None
        ),
        "closure_report": (
            ClosureReport.objects.select_related("sent_back_by").filter(project=project).first()
            if is_governor and project.stage in CLOSURE_REPORT_STAGES
            else None
        ),
        "mentoring_notes": (
            project.mentoring_notes.select_related("author") if is_governor else []
        ),
        "follow_ons": project.follow_on_projects.visible_to(request.user),
        "derived_from": (
            project.derived_from
            if project.derived_from and project.derived_from.can_be_seen_by(request.user)
            else None
        ),
        "memberships": memberships,
        "pending_interests": (
            project.interests.filter(status=Interest.Status.PENDING).select_related(
                "person", "role_opening"
            )
            if leads
            else []
        ),
        "my_request": my_request,
        "can_join": project.can_be_joined_by(
            person, works_on_it=works_on_it, pending=my_request is not None
        ),
        "can_edit": project.can_be_edited_by(request.user),
        "openings": project.role_openings.all(),
        "tasks": project.tasks.select_related("claimed_by").prefetch_related("skills_needed"),
        "updates": project.progress_updates.select_related("author"),
        "priorities": project.strategic_priorities.all(),
    }
    # The latest decision while it still says what happens next: an approval gives way once
    # the project moves on from planning (the summary list keeps the approval as a fact), a
    # request for changes once the lead resubmits; a decline stays.
    decision = context["latest_decision"]
    Decision = ReviewDecision.Decision
    context["decision_banner"] = decision is not None and (
        decision.decision == Decision.DECLINED
        or (decision.decision == Decision.APPROVED and project.stage == Project.Stage.PLANNING)
        or (decision.decision == Decision.CHANGES_REQUESTED and project.is_awaiting_changes)
    )
    return render(request, "projects/detail.html", context)


def project_edit(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")

    def edit_form(data, project: Project) -> ProjectEditForm:
        return ProjectEditForm(
            data,
            instance=project,
            department=project.department,
            lead=project.lead,
            user=request.user,
        )

    form = edit_form(request.POST if request.method == "POST" else None, project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(form=form, user=request.user)
        except EditConflict as conflict:
            project = get_project_for(request.user, pk, action="edit")
            form = form_after_edit_conflict(
                conflict, form, lambda data, instance: edit_form(data, project)
            )
        except WorkflowError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Project updated.")
            return redirect(project)
    return render(request, "projects/edit.html", {"form": form, "project": project})


@require_POST
def project_submit(request: QIRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    if not can_lead(request.user, project):
        raise PermissionDenied("Only the project's lead and co-leads submit it for review")
    try:
        project = services.project_submit(project=project)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{project.reference} submitted for review.")
    return redirect(project)
