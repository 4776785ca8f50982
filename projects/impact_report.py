"""The department impact page (/impact/) and its CSV export.

Every signed-in member of staff sees their own department's impact: it is meant to be shown,
and it names nobody. Admins see their own department's too; an account without a staff
profile gets 403, as on My QI. The figures come from `projects.impact_stats`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from common.forms import PeriodForm
from common.spreadsheets import csv_writer
from people.departments import DepartmentChoice, department_for
from people.models import ClinicalArea, Department
from projects.impact_stats import DepartmentImpact, Figures, department_impact
from projects.models import StrategicPriority

app_name = "impact"

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


class ImpactFilterForm(forms.Form):
    """The optional clinical area and strategic priority, from the department's own lists."""

    area = forms.TypedChoiceField(
        label="Clinical area",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a clinical area from the list"},
    )
    priority = forms.TypedChoiceField(
        label="Strategic priority",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a strategic priority from the list"},
    )

    def __init__(self, data, *, areas: list[tuple[int, str]], priorities: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["area"].choices = [("", "All clinical areas"), *areas]
        self.fields["priority"].choices = [("", "All strategic priorities"), *priorities]

    def chosen(self, name: str) -> int | None:
        """The chosen id; None for all, or while the field shows an error."""
        self.is_valid()
        return self.cleaned_data.get(name)

    def chosen_label(self, name: str) -> str:
        choices = dict(self.fields[name].choices)
        return str(choices.get(self.chosen(name), choices[""]))


# Charts: horizontal bars drawn as SVG on the server, so they need no script. Each is followed
# on the page by a table of its numbers.
CHART_WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 100
BAR_HEIGHT = 18
BAR_GAP = 3
GROUP_GAP = 12
LEGEND_HEIGHT = 28
LABEL_CHARACTERS = 26
LEGEND_CHARACTER_WIDTH = 8  # generous for 14px text


@dataclass(frozen=True)
class ChartBar:
    series: int  # which series: the legend's position and the CSS class
    text: str  # the value as shown beside the bar
    y: int
    width: float

    @property
    def text_x(self) -> float:
        return LABEL_WIDTH + self.width + 6

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class ChartGroup:
    label: str
    y: int  # baseline of the label
    bars: list[ChartBar]


@dataclass(frozen=True)
class LegendItem:
    series: int
    label: str
    x: int

    @property
    def text_x(self) -> int:
        return self.x + 18


@dataclass(frozen=True)
class BarChart:
    slug: str  # makes the ids of the title and description unique on the page
    title: str
    description: str
    groups: list[ChartGroup]
    legend: list[LegendItem]
    height: int
    top: int  # where the bars start, below the legend if there is one
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def _number(value: Decimal | int) -> str:
    """As the tables show it: 2 for 2.0, 3.5 for 3.5, with thousands separated."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(
    slug: str,
    title: str,
    rows: list[tuple[str, list[Decimal | int]]],
    *,
    series: list[str],
    description: str,
    unit: str = "",
) -> BarChart:
    """A chart of `rows` (label, one value per series); `unit` "£" shows pounds.

    `description` says what the bars show; the chart's desc adds where the numbers are.
    """
    plot_width = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((value for _, values in rows for value in values), default=0) or 1
    top = LEGEND_HEIGHT if len(series) > 1 else 4
    groups, y = [], top
    for label, values in rows:
        bars = []
        for index, value in enumerate(values):
            text = f"£{value:,.2f}" if unit == "£" else _number(value)
            width = float(value) / float(largest) * plot_width
            bars.append(ChartBar(series=index, text=text, y=y, width=round(max(width, 0), 1)))
            y += BAR_HEIGHT + BAR_GAP
        group_height = len(values) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        groups.append(
            ChartGroup(label=_short(label), y=y - BAR_GAP - group_height // 2 + 5, bars=bars)
        )
        y += GROUP_GAP - BAR_GAP
    legend, x = [], LABEL_WIDTH
    for index, name in enumerate(series if len(series) > 1 else []):
        legend.append(LegendItem(series=index, label=name, x=x))
        x += 18 + len(name) * LEGEND_CHARACTER_WIDTH + 24  # swatch, text, space
    return BarChart(
        slug=slug,
        title=title,
        description=f"{description} The numbers are in the table that follows.",
        groups=groups,
        legend=legend,
        height=max(y - GROUP_GAP + BAR_GAP + 4, top + 4),
        top=top,
    )


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
    request: HttpRequest, choice: DepartmentChoice
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
def impact_report(request: HttpRequest) -> HttpResponse:
    choice = department_for(request, offer_all=True)
    if choice.is_all:
        # Every department's figures side by side, with the trust's totals: the trust-wide view.
        return redirect("people:trust")
    choice, period_form, filters = _filters_for(request, choice)
    impact = _impact(choice.department, period_form, filters)
    return render(
        request,
        "projects/impact_report.html",
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
def impact_export(request: HttpRequest) -> HttpResponse:
    """Every figure of the page as CSV; with a bad period or filter, the page shows why."""
    choice = department_for(request, offer_all=True)
    if choice.is_all:
        return redirect("people:trust")
    choice, period_form, filters = _filters_for(request, choice)
    if not (period_form.is_valid() and filters.is_valid()):
        return redirect(f"{reverse('impact:report')}?{request.GET.urlencode()}")
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


urlpatterns = [
    path("impact/", impact_report, name="report"),
    path("impact/export.csv", impact_export, name="export"),
]
