"""The department impact page (/impact/) and its CSV export.

Every signed-in member of staff sees their own department's impact: it is meant to be shown,
and it names nobody. Admins see their own department's too; an account without a staff
profile gets 403, as on My QI. The figures come from `measurement.impact_stats`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from common.forms import PeriodForm
from common.spreadsheets import csv_writer
from measurement.charts import BarChart, bar_chart
from measurement.forms import ImpactFilterForm
from measurement.impact_stats import DepartmentImpact, Figures, department_impact
from people.access import QIRequest
from people.departments import DepartmentChoice, department_for
from people.models import ClinicalArea, Department
from projects.models import StrategicPriority

# What each figure is called on the page's tables and in the CSV, in the order shown.
FIGURE_LABELS = {
    "projects": "Projects",
    "completed": "Completed in the period",
    "people": "People who took part",
    "tasks_done": "Tasks done",
    "hours_by_team": "Hours on tasks by project teams",
    "hours_by_buddies": "Hours on tasks by buddies",
    "savings_claimed": "Savings claimed",
    "savings_validated": "Savings validated",
    "claimed_one_off": "One-off savings claimed (£)",
    "claimed_recurring": "Recurring savings claimed (£ a year)",
    "validated_one_off": "One-off savings validated (£)",
    "validated_recurring": "Recurring savings validated (£ a year)",
    "staff_hours_saved_per_month": "Staff time saved (hours a month)",
    "patients_affected": "Patients affected",
}


def _charts(impact: DepartmentImpact) -> dict[str, BarChart]:
    totals = impact.totals

    def group_rows(groups):
        return [(g.name, [g.figures.projects, g.figures.completed]) for g in groups]

    return {
        "stages": bar_chart(
            "stages",
            "Projects by stage",
            [(label, [n]) for label, n in impact.stages],
            series=["Projects"],
            description="One bar for each stage: the number of projects at that stage.",
        ),
        "hours": bar_chart(
            "hours",
            "Hours on tasks done, by project teams and by buddies",
            [("Project teams", [totals.hours_by_team]), ("Buddies", [totals.hours_by_buddies])],
            series=["Hours"],
            description="Two bars: hours recorded by project teams and by buddies.",
        ),
        "savings": bar_chart(
            "savings",
            "Savings claimed and validated",
            [
                ("One-off", [totals.claimed_one_off, totals.validated_one_off]),
                ("Recurring, a year", [totals.claimed_recurring, totals.validated_recurring]),
            ],
            series=["Claimed", "Validated"],
            description="For one-off and for recurring savings, a bar for the pounds claimed "
            "and a bar for the pounds validated.",
            unit="£",
        ),
        "benefits": bar_chart(
            "benefits",
            "Projects by kind of patient benefit",
            [(label, [n]) for label, n in impact.benefits],
            series=["Projects"],
            description="One bar for each kind of benefit: the projects that bring it.",
        ),
        "months": bar_chart(
            "months",
            "Activity by month",
            [
                (
                    f"{m.month:%b %Y}",
                    [m.projects_submitted, m.tasks_done, m.progress_updates],
                )
                for m in impact.months
            ],
            series=["Projects submitted", "Tasks done", "Progress updates"],
            description="For each month, bars for projects submitted, tasks done and progress "
            "updates written.",
        ),
        "priorities": bar_chart(
            "priorities",
            "Projects by strategic priority",
            group_rows(impact.by_priority),
            series=["Projects", "Completed"],
            description="For each priority, bars for its projects and those completed.",
        ),
        "areas": bar_chart(
            "areas",
            "Projects by clinical area",
            group_rows(impact.by_area),
            series=["Projects", "Completed"],
            description="For each clinical area, bars for its projects and those completed.",
        ),
    }


def _filters_for(
    request: QIRequest, choice: DepartmentChoice
) -> tuple[DepartmentChoice, PeriodForm, ImpactFilterForm]:
    """The department shown (the viewer's own; the trust QI team and admins may choose with
    `?department=`) and the period and filter forms."""
    department = choice.department
    filters = ImpactFilterForm(
        request.GET,
        areas=list(
            ClinicalArea.objects.filter(department=department)
            .order_by("name")
            .values_list("pk", "name")
        ),
        priorities=list(
            StrategicPriority.objects.filter(department=department)
            .order_by("name")
            .values_list("pk", "name")
        ),
    )
    return choice, PeriodForm(request.GET), filters


def _impact(
    department: Department, period_form: PeriodForm, filters: ImpactFilterForm
) -> DepartmentImpact:
    start, end = period_form.period
    return department_impact(
        department, start, end, area=filters.chosen("area"), priority=filters.chosen("priority")
    )


def _query(impact: DepartmentImpact, filters: ImpactFilterForm, choice: DepartmentChoice) -> str:
    """The query string of the figures shown, for the CSV link."""
    values = {"from": impact.start.isoformat(), "to": impact.end.isoformat()}
    values.update(choice.query_params)
    for name in ("area", "priority"):
        if filters.chosen(name) is not None:
            values[name] = filters.chosen(name)
    return urlencode(values)


@require_safe
def impact_report(request: QIRequest) -> HttpResponse:
    choice = department_for(request, offer_all=True)
    if choice.is_all:
        # Every department's figures side by side, with the trust's totals: the trust-wide view.
        return redirect("people:trust")
    choice, period_form, filters = _filters_for(request, choice)
    impact = _impact(choice.department, period_form, filters)
    return render(
        request,
        "measurement/impact_report.html",
        {
            "form": period_form,  # base.html's title and our error summary read `form`
            "filters": filters,
            "impact": impact,
            "charts": _charts(impact),
            "export_query": _query(impact, filters, choice),
            "department_choice": choice,
            "chosen_area": filters.chosen("area") and filters.chosen_label("area"),
            "chosen_priority": filters.chosen("priority") and filters.chosen_label("priority"),
        },
    )


@require_safe
def impact_export(request: QIRequest) -> HttpResponse:
    """Every figure of the page as CSV; with a bad period or filter, the page shows why."""
    choice = department_for(request, offer_all=True)
    if choice.is_all:
        return redirect("people:trust")
    choice, period_form, filters = _filters_for(request, choice)
    if not (period_form.is_valid() and filters.is_valid()):
        return redirect(f"{reverse('measurement:impact_report')}?{request.GET.urlencode()}")
    impact = _impact(choice.department, period_form, filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="qi-impact-{choice.department.slug}-{impact.start}-{impact.end}.csv"'
    )
    csv_writer(response).writerows(impact_rows(impact, filters))
    return response


def _figure_rows(section: str, name: str, figures: Figures) -> list[list]:
    return [
        [section, name, label, getattr(figures, field)] for field, label in FIGURE_LABELS.items()
    ]


def impact_rows(impact: DepartmentImpact, filters: ImpactFilterForm) -> list[list]:
    """The CSV: one figure a row, in sections like the page's."""
    department = impact.department.name
    rows = [
        ["Section", "Name", "Figure", "Value"],
        ["Period", department, "From", impact.start.isoformat()],
        ["Period", department, "To", impact.end.isoformat()],
        ["Filter", "Clinical area", "", filters.chosen_label("area")],
        ["Filter", "Strategic priority", "", filters.chosen_label("priority")],
        *_figure_rows("Department", impact.department.name, impact.totals),
        ["Department", department, "Staff in the department", impact.staff],
        ["Department", department, "Staff who took part", impact.staff_took_part],
        [
            "Department",
            department,
            "Share of staff who took part (%)",
            "" if impact.staff_share is None else impact.staff_share,
        ],
    ]
    rows += [["Projects by stage", label, "Projects", n] for label, n in impact.stages]
    rows += [["Patient benefit", label, "Projects", n] for label, n in impact.benefits]
    for group in impact.by_priority:
        rows += _figure_rows("Strategic priority", group.name, group.figures)
    for group in impact.by_area:
        rows += _figure_rows("Clinical area", group.name, group.figures)
    for month in impact.months:
        name = f"{month.month:%Y-%m}"
        rows += [
            ["Month", name, "Projects submitted", month.projects_submitted],
            ["Month", name, "Tasks done", month.tasks_done],
            ["Month", name, "Hours on tasks done", month.hours],
            ["Month", name, "Progress updates", month.progress_updates],
        ]
    return rows
