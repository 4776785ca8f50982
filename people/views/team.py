"""A line manager's team and the engagement report."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from common.forms import PeriodForm
from common.spreadsheets import csv_writer
from people.access import QIRequest
from people.models import ClinicalArea, Course, ExportLog, Person
from people.team import SORTS, has_done_induction, took_part, with_engagement
from projects.capacity import with_commitment


@require_safe
def team(request: QIRequest) -> HttpResponse:
    viewer = request.person
    if request.user.is_staff:
        people = Person.objects.all()
    elif viewer is not None and viewer.is_manager:
        people = Person.objects.filter(line_manager=viewer)
    else:
        raise PermissionDenied("My team is for line managers and admins")
    period_form = PeriodForm(request.GET)
    start, end = period_form.period
    sort = request.GET.get("sort", "name")
    # Engagement in the period, and (now, whatever the period) the hours offered, agreed and
    # committed: the same one query per page.
    rows = with_commitment(with_engagement(people, start, end)).order_by(
        *SORTS.get(sort, SORTS["name"])
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/team.html",
        {
            "page": page,
            "form": period_form,
            "start": start,
            "end": end,
            "sort": sort,
            "has_induction": Course.objects.induction().exists(),
            "own_reports": viewer.reports.order_by("display_name") if viewer else [],
            # The appraisal summaries' period: the same query, its own ids and labels.
            "summary_form": PeriodForm(
                request.GET,
                auto_id="id_summary_%s",
                labels=("Appraisal period from", "Appraisal period to"),
            ),
            "period_query": f"from={start}&to={end}",
        },
    )


@require_safe
def engagement(request: QIRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("The engagement report is for the department's QI lead (admins)")
    period_form = PeriodForm(request.GET)
    start, end = period_form.period
    taking_part = took_part(start, end)
    by_role = {
        row["job_role"]: row["n"]
        for row in taking_part.order_by().values("job_role").annotate(n=Count("pk"))
    }
    staff_by_role = {
        row["job_role"]: row["n"]
        for row in Person.objects.order_by().values("job_role").annotate(n=Count("pk"))
    }
    roles = [
        {"label": label, "taking_part": by_role.get(value, 0), "staff": staff_by_role.get(value, 0)}
        for value, label in Person.JobRole.choices
    ]
    by_area = (
        ClinicalArea.objects.select_related("department")
        .annotate(
            staff=Count("people", distinct=True),
            taking_part=Count(
                "people", filter=Q(people__in=taking_part.values("pk")), distinct=True
            ),
        )
        .order_by("department__name", "name")
    )
    not_inducted = (
        Person.objects.filter(~has_done_induction())
        .select_related("department")
        .order_by("display_name")
        if Course.objects.induction().exists()
        else Person.objects.none()  # no induction course set up: nobody is behind on it
    )
    if request.GET.get("format") == "csv" and period_form.is_valid():
        # The CSV names everyone without QI induction: that makes it personal data.
        ExportLog.record(
            request.user,
            "engagement_csv",
            f"QI engagement report {start} to {end}",
            not_inducted.values_list("pk", flat=True),
        )
        return _engagement_csv(start, end, roles, by_area, not_inducted)
    return render(
        request,
        "people/engagement.html",
        {
            "form": period_form,
            "start": start,
            "end": end,
            "roles": roles,
            "by_area": by_area,
            "not_inducted": not_inducted[:200],
            "not_inducted_count": not_inducted.count(),
            # Everyone has one job role: the totals are the job roles' counts added up.
            "total_taking_part": sum(by_role.values()),
            "total_staff": sum(staff_by_role.values()),
        },
    )


def _engagement_csv(start, end, roles, by_area, not_inducted) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qi-engagement-{start}-{end}.csv"'
    writer = csv_writer(response)
    writer.writerow(["Section", "Name", "Staff", "Took part in QI"])
    for row in roles:
        writer.writerow(["Job role", row["label"], row["staff"], row["taking_part"]])
    for area in by_area:
        writer.writerow(["Clinical area", area.name, area.staff, area.taking_part])
    for person in not_inducted:
        writer.writerow(["No QI induction", person.display_name, "", ""])
    return response
