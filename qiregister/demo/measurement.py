"""Demo measures, PDSA cycles and impact for `seed_demo`.

Realistic weekly series: a baseline, a PDSA cycle, then a sustained change on the charts. Adds
nothing when the department's projects already have measures.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from measurement.models import DataPoint, Measure, PDSACycle, ProjectImpact, Saving
from people.models import Department, Person
from projects.models import Project
from qiregister.demo.projects import CROSS_DEPARTMENT_TITLES, THEMES

B = ProjectImpact.Benefit
OMITTED, DISCHARGE, IV_TO_ORAL, RECONCILIATION = (theme.title for theme in THEMES[:4])
RETURNS, BIOSIMILAR = THEMES[4].title, THEMES[12].title


@dataclass(frozen=True)
class Series:
    """A project's weekly measure: a baseline, then the change its PDSA cycles tested."""

    name: str
    kind: str
    direction: str
    target: int
    before: float  # the baseline mean (%)
    after: float  # the mean after the change
    spread: float
    change: str  # the change idea its PDSA cycles test
    prediction: str
    study: str  # what the first cycle found


# Keyed by the project's theme (qiregister.demo.projects.THEMES): each measure on a project
# of its kind.
SERIES = {
    OMITTED: Series(
        "Omitted time-critical doses",
        Measure.Kind.OUTCOME,
        "decrease",
        5,
        12.0,
        5.5,
        1.6,
        "Red-tray alert for time-critical medicines at drug rounds",
        "Half the omitted time-critical doses on the test ward will stop within a week.",
        "Omitted doses fell from 5 to 2 a day on the test ward; nights unchanged.",
    ),
    DISCHARGE: Series(
        "Discharge medicines ready within 60 minutes",
        Measure.Kind.PROCESS,
        "increase",
        80,
        48.0,
        74.0,
        5.0,
        "Pharmacy technician screens discharge prescriptions at 10:00",
        "Two in three discharge prescriptions will be ready within the hour.",
        "Ready within the hour rose from about half to 6 in 10 discharges; late "
        "prescriptions after 16:00 still wait.",
    ),
    IV_TO_ORAL: Series(
        "Patients switched IV to oral by 48 hours",
        Measure.Kind.OUTCOME,
        "increase",
        80,
        41.0,
        76.0,
        6.0,
        "48-hour IV to oral review sticker on the drug chart",
        "Most eligible patients will be switched to oral antibiotics at the 48-hour review.",
        "Switches by 48 hours rose on the test ward; weekend reviews missed the sticker.",
    ),
    RECONCILIATION: Series(
        "Medicines reconciled within 24 hours",
        Measure.Kind.PROCESS,
        "increase",
        90,
        71.0,
        89.0,
        4.0,
        "Admissions technician starts medicines reconciliation in ED",
        "Weekday admissions will be reconciled within 24 hours; weekends will improve less.",
        "Reconciliation within 24 hours rose on weekdays; weekends need a second technician.",
    ),
}
BALANCING = ("Pharmacist time on the ward round (minutes)", 42.0, 3.0)
# theme: (hours a month, patients, benefits, narrative)
IMPACTS = {
    OMITTED: (Decimal("12"), 640, [B.SAFETY], "Fewer omitted doses of Parkinson's medicines."),
    DISCHARGE: (
        Decimal("30"),
        2100,
        [B.ACCESS, B.EXPERIENCE],
        "Patients leave hours earlier with their discharge medicines.",
    ),
    IV_TO_ORAL: (
        Decimal("8"),
        380,
        [B.EFFECTIVENESS, B.SAFETY],
        "Earlier IV to oral antibiotic switches: fewer line infections, earlier discharge.",
    ),
    RECONCILIATION: (
        Decimal("16"),
        1500,
        [B.SAFETY],
        "Fewer admission prescribing errors reach patients once medicines are reconciled.",
    ),
}
# theme: (description, amount, kind)
SAVINGS = {
    IV_TO_ORAL: (
        "Fewer IV antibiotic doses and giving sets",
        Decimal("18400"),
        Saving.Kind.RECURRING,
    ),
    BIOSIMILAR: ("Biosimilar switch for adalimumab", Decimal("38000"), Saving.Kind.RECURRING),
    RETURNS: ("Returned patients' own medicines reused", Decimal("2600"), Saving.Kind.ONE_OFF),
    DISCHARGE: (
        "Fewer courier runs for discharge medicines",
        Decimal("4200"),
        Saving.Kind.RECURRING,
    ),
}
WEEKS = 30  # weekly points at most on each chart
AFTER_CHANGE = 14  # of them after the change the second PDSA cycle made
MEASURED_STAGES = [
    Project.Stage.TESTING,
    Project.Stage.IMPLEMENTING,
    Project.Stage.SUSTAINING,
    Project.Stage.COMPLETED,
]


def themed_projects(department: Department, themes) -> dict[str, Project]:
    """The first project (by pk) of each theme among Pharmacy's own projects that have got
    far enough to show results (a query per theme)."""
    found = {}
    for title in themes:
        project = (
            Project.objects.filter(
                department=department, stage__in=MEASURED_STAGES, title__startswith=f"{title}: "
            )
            .exclude(title__in=CROSS_DEPARTMENT_TITLES)  # Pharmacy's own demo only
            .select_related("lead")
            .order_by("pk")
            .first()
        )
        if project is not None:
            found[title] = project
    return found


def series_dates(project: Project) -> list[dt.date]:
    """Weekly dates from soon after the project was written to recent weeks (or to when it
    finished), at most WEEKS of them."""
    today = timezone.localdate()
    if project.stage in Project.ACTIVE_STAGES:
        last = today - dt.timedelta(days=3)
    else:
        last = timezone.localtime(project.stage_changed_at).date() - dt.timedelta(days=7)
    first = timezone.localtime(project.created_at).date() + dt.timedelta(days=7)
    count = min(WEEKS, (last - first).days // 7 + 1)
    return [last - dt.timedelta(weeks=count - 1 - week) for week in range(count)]


def seed_impact(department: Department) -> None:
    done = Measure.objects.filter(project__department=department).exists()
    if done or Saving.objects.filter(project__department=department).exists():
        return
    measured = themed_projects(department, SERIES)
    saved = themed_projects(department, SAVINGS)
    if not measured and not saved:
        return
    champion = (
        Person.objects.filter(department=department, user__username="champion").first()
        or Person.objects.filter(department=department, champion_assignments__isnull=False).first()
    )
    rng = random.Random(7)  # noqa: S311 - demo data, the same every time
    with transaction.atomic():
        for title, project in measured.items():
            dates = series_dates(project)
            # Enough weeks for a baseline and a shift after the change, after approval.
            if len(dates) >= 2 * AFTER_CHANGE - 6 and (
                timezone.localtime(project.approved_at).date() <= dates[-AFTER_CHANGE - 3]
            ):
                _seed_project(
                    project, SERIES[title], IMPACTS[title], dates, rng, rebase=title == OMITTED
                )
                first_cycle = dates[-AFTER_CHANGE - 3]
                if project.stage == Project.Stage.TESTING:
                    # Testing began with the first PDSA cycle.
                    project.stage_changed_at = max(
                        project.approved_at,
                        timezone.make_aware(dt.datetime.combine(first_cycle, dt.time(9))),
                    )
                    project.save(update_fields=["stage_changed_at"])
        for n, (title, project) in enumerate(saved.items()):
            description, amount, saving_kind = SAVINGS[title]
            _claim_saving(
                project,
                description,
                amount,
                saving_kind,
                validator=champion if n % 2 == 0 else None,
                days_ago=10,
                note="Checked against the pharmacy purchasing report.",
            )


def _seed_project(project, series: Series, impact, dates, rng, *, rebase: bool) -> None:
    change = len(dates) - AFTER_CHANGE
    measure = Measure.objects.create(
        project=project,
        name=series.name,
        kind=series.kind,
        unit="%",
        improvement_direction=series.direction,
        target=Decimal(series.target),
        chart_type=Measure.ChartType.SPC,
        definition="Weekly audit of 20 patients on the project's wards.",
        rebase_dates=[dates[change + 4]] if rebase else [],
    )
    balancing = Measure.objects.create(
        project=project,
        name=BALANCING[0],
        kind=Measure.Kind.BALANCING,
        unit="minutes",
        improvement_direction=Measure.Direction.NEUTRAL,
        chart_type=Measure.ChartType.RUN,
        order=1,
    )
    points = []
    for week, day in enumerate(dates):
        centre = series.before if week < change else series.after
        value = max(0.0, rng.gauss(centre, series.spread))
        points.append(DataPoint(measure=measure, date=day, value=Decimal(f"{value:.1f}")))
        if week % 2 == 0:
            minutes = rng.gauss(BALANCING[1], BALANCING[2])
            points.append(DataPoint(measure=balancing, date=day, value=Decimal(f"{minutes:.0f}")))
    DataPoint.objects.bulk_create(points)

    live = project.stage in Project.ACTIVE_STAGES
    cycles = [
        PDSACycle.objects.create(
            project=project,
            number=1,
            change_idea=series.change + " (one ward, one week)",
            prediction=series.prediction,
            plan="One ward, weekdays; the lead briefs the team at handover.",
            do="Ran for 5 days; two staff on nights missed the briefing.",
            study=series.study,
            act=PDSACycle.Act.ADAPT,
            act_notes="Brief the night team too; extend to a second ward.",
            start_date=dates[change - 3],
            end_date=dates[change - 2],
            created_by=project.lead,
        ),
        PDSACycle.objects.create(
            project=project,
            number=2,
            change_idea=series.change + " (two wards)",
            prediction="The weekly rate reaches the target within six weeks.",
            plan="Two wards from Monday; technicians check daily.",
            do="Ran as planned.",
            study="The chart shows a shift from the week of the change.",
            act=PDSACycle.Act.ADOPT,
            act_notes="Written into the ward pharmacy standard operating procedure.",
            start_date=dates[change],
            end_date=None if live else dates[change + 6],
            created_by=project.lead,
        ),
    ]
    for cycle in cycles:
        cycle.measures.set([measure])

    hours, patients, benefits, narrative = impact
    ProjectImpact.objects.create(
        project=project,
        staff_hours_saved_per_month=hours,
        patients_affected=patients,
        patient_benefits=list(benefits),
        patient_benefit_narrative=narrative,
        updated_by=project.lead,
    )


def _claim_saving(project, description, amount, kind, *, validator, days_ago, note) -> None:
    """The lead's claim, validated by `validator` unless they work on the project (as in the
    app, nobody validates a saving of a project they work on)."""
    validated = validator is not None and not project.is_working_on(validator)
    now = timezone.now()
    # Claimed a few weeks ago (once the project was approved), validated since.
    claimed = max(now - dt.timedelta(days=days_ago + 21), project.approved_at + dt.timedelta(1))
    Saving.objects.create(
        project=project,
        description=description,
        amount=amount,
        kind=kind,
        claimed_by=project.lead,
        claimed_at=claimed,
        validated_amount=amount if validated else None,
        validated_by=validator if validated else None,
        validated_at=claimed + (now - claimed) / 2 if validated else None,
        validation_note=note if validated else "",
    )


# One completed project in each of the other departments
# (qiregister.demo.projects.DEMO_PROJECTS) shows its impact and a saving, validated by the
# department's QI lead. No measures: the SPC demo stays Pharmacy's.
# title: (hours a month, patients, benefits, narrative, saving, amount, kind)
OTHER_IMPACTS = {
    "Pressure ulcer prevention: SSKIN bundle on surgical wards": (
        Decimal("20"),
        310,
        [B.SAFETY, B.EXPERIENCE],
        "Six fewer patients a month with a hospital-acquired pressure ulcer.",
        "Fewer dressings and shorter stays for pressure ulcer care",
        Decimal("52000"),
        Saving.Kind.RECURRING,
    ),
    "Malnutrition screening within 24 hours of admission": (
        Decimal("6"),
        1800,
        [B.EFFECTIVENESS, B.SAFETY],
        "Malnourished patients reach a dietitian two days sooner.",
        "Fewer prescribed oral nutritional supplements started without a plan",
        Decimal("7400"),
        Saving.Kind.RECURRING,
    ),
}


def seed_other_impact() -> None:
    projects = Project.objects.filter(
        title__in=OTHER_IMPACTS.keys(), stage=Project.Stage.COMPLETED, impact__isnull=True
    ).select_related("lead", "department__qi_lead")
    with transaction.atomic():
        for project in projects:
            hours, patients, benefits, narrative, saving, amount, kind = OTHER_IMPACTS[
                project.title
            ]
            ProjectImpact.objects.create(
                project=project,
                staff_hours_saved_per_month=hours,
                patients_affected=patients,
                patient_benefits=list(benefits),
                patient_benefit_narrative=narrative,
                updated_by=project.lead,
            )
            _claim_saving(
                project,
                saving,
                amount,
                kind,
                validator=project.department.qi_lead,
                days_ago=20,
                note="Checked with the finance business partner.",
            )
