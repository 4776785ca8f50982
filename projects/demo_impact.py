"""Demo measures, PDSA cycles and impact for `seed_demo`.

Realistic weekly series: a baseline, a PDSA cycle, then a sustained change on the charts. Adds
nothing when the department's projects already have measures.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from people.models import Department, Person
from projects.demo import CROSS_DEPARTMENT_TITLES
from projects.models import (
    DataPoint,
    Measure,
    PDSACycle,
    Project,
    ProjectImpact,
    Saving,
)

B = ProjectImpact.Benefit
# (measure name, kind, unit, direction, target, baseline mean, after-change mean, spread)
SERIES = [
    ("Omitted time-critical doses", Measure.Kind.OUTCOME, "%", "decrease", 5, 12.0, 5.5, 1.6),
    (
        "Discharge medicines ready within 60 minutes",
        Measure.Kind.PROCESS,
        "%",
        "increase",
        80,
        48.0,
        74.0,
        5.0,
    ),
    (
        "Patients switched IV to oral by 48 hours",
        Measure.Kind.OUTCOME,
        "%",
        "increase",
        80,
        41.0,
        76.0,
        6.0,
    ),
    (
        "Medicines reconciled within 24 hours",
        Measure.Kind.PROCESS,
        "%",
        "increase",
        90,
        71.0,
        89.0,
        4.0,
    ),
]
BALANCING = ("Pharmacist time on the ward round (minutes)", 42.0, 3.0)
CHANGES = [
    ("Red-tray alert for time-critical medicines at drug rounds", "Adopt"),
    ("Pharmacy technician screens discharge prescriptions at 10:00", "Adapt"),
    ("48-hour IV review sticker on the drug chart", "Adopt"),
    ("Admissions technician starts reconciliation in ED", "Adopt"),
]
IMPACTS = [
    (Decimal("12"), 640, [B.SAFETY], "Fewer missed doses of Parkinson's medicines and insulin."),
    (Decimal("30"), 2100, [B.ACCESS, B.EXPERIENCE], "Patients leave hours earlier."),
    (Decimal("8"), 380, [B.EFFECTIVENESS, B.SAFETY], "Fewer line infections; earlier discharge."),
    (Decimal("16"), 1500, [B.SAFETY], "Fewer admission prescribing errors reach patients."),
]
SAVINGS = [
    ("Fewer IV antibiotic doses and giving sets", Decimal("18400"), Saving.Kind.RECURRING),
    ("Biosimilar switch for adalimumab", Decimal("38000"), Saving.Kind.RECURRING),
    ("Returned and reused discharge medicines", Decimal("2600"), Saving.Kind.ONE_OFF),
    ("Fewer courier runs for discharge medicines", Decimal("4200"), Saving.Kind.RECURRING),
]
WEEKS = 30
CHANGE_WEEK = 16


def seed_impact(department: Department) -> None:
    projects = list(
        Project.objects.filter(
            department=department,
            stage__in=[
                Project.Stage.TESTING,
                Project.Stage.IMPLEMENTING,
                Project.Stage.SUSTAINING,
                Project.Stage.COMPLETED,
            ],
        )
        .exclude(title__in=CROSS_DEPARTMENT_TITLES)  # Pharmacy's own demo only
        .order_by("pk")[: len(SERIES)]
    )
    if not projects or Measure.objects.filter(project__department=department).exists():
        return
    champion = (
        Person.objects.filter(department=department, user__username="champion").first()
        or Person.objects.filter(department=department, champion_assignments__isnull=False).first()
    )
    rng = random.Random(7)  # noqa: S311 - demo data, the same every time
    first_week = timezone.localdate() - dt.timedelta(weeks=WEEKS)
    with transaction.atomic():
        for index, project in enumerate(projects):
            _seed_project(project, index, first_week, rng, champion)


def _seed_project(project, index, first_week, rng, champion) -> None:
    name, kind, unit, direction, target, before, after, spread = SERIES[index]
    measure = Measure.objects.create(
        project=project,
        name=name,
        kind=kind,
        unit=unit,
        improvement_direction=direction,
        target=Decimal(target),
        chart_type=Measure.ChartType.SPC,
        definition="Weekly audit of 20 patients on the project's wards.",
        rebase_dates=[first_week + dt.timedelta(weeks=CHANGE_WEEK + 4)] if index == 0 else [],
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
    for week in range(WEEKS):
        day = first_week + dt.timedelta(weeks=week)
        centre = before if week < CHANGE_WEEK else after
        value = max(0.0, rng.gauss(centre, spread))
        points.append(DataPoint(measure=measure, date=day, value=Decimal(f"{value:.1f}")))
        if week % 2 == 0:
            minutes = rng.gauss(BALANCING[1], BALANCING[2])
            points.append(DataPoint(measure=balancing, date=day, value=Decimal(f"{minutes:.0f}")))
    DataPoint.objects.bulk_create(points)

    change, decision = CHANGES[index]
    cycles = [
        PDSACycle.objects.create(
            project=project,
            number=1,
            change_idea=change + " (one ward, one week)",
            prediction="Half the misses on the test ward will stop within a week.",
            plan="Ward 4, weekdays, the lead pharmacist briefs the nurses at handover.",
            do="Ran for 5 days; two nurses on nights missed the briefing.",
            study="Misses fell from 5 to 2 a day on the test ward; nights unchanged.",
            act=PDSACycle.Act.ADAPT,
            act_notes="Brief the night team too; extend to two wards.",
            start_date=first_week + dt.timedelta(weeks=CHANGE_WEEK - 3),
            end_date=first_week + dt.timedelta(weeks=CHANGE_WEEK - 2),
            created_by=project.lead,
        ),
        PDSACycle.objects.create(
            project=project,
            number=2,
            change_idea=change + " (all wards)",
            prediction="The weekly rate reaches the target within six weeks.",
            plan="All medical wards from Monday; technicians check daily.",
            do="Rolled out as planned.",
            study="The chart shows a shift from the week of the change.",
            act=PDSACycle.Act.ADOPT if decision == "Adopt" else PDSACycle.Act.ADAPT,
            act_notes="Written into the ward pharmacy standard operating procedure.",
            start_date=first_week + dt.timedelta(weeks=CHANGE_WEEK),
            created_by=project.lead,
        ),
    ]
    for cycle in cycles:
        cycle.measures.set([measure])

    hours, patients, benefits, narrative = IMPACTS[index]
    ProjectImpact.objects.create(
        project=project,
        staff_hours_saved_per_month=hours,
        patients_affected=patients,
        patient_benefits=list(benefits),
        patient_benefit_narrative=narrative,
        updated_by=project.lead,
    )
    description, amount, saving_kind = SAVINGS[index]
    _claim_saving(
        project,
        description,
        amount,
        saving_kind,
        validator=champion if index % 2 == 0 else None,
        days_ago=10,
        note="Checked against the pharmacy purchasing report.",
    )


def _claim_saving(project, description, amount, kind, *, validator, days_ago, note) -> None:
    """The lead's claim, validated by `validator` unless they work on the project (as in the
    app, nobody validates a saving of a project they work on)."""
    validated = validator is not None and not project.is_working_on(validator)
    Saving.objects.create(
        project=project,
        description=description,
        amount=amount,
        kind=kind,
        claimed_by=project.lead,
        validated_amount=amount if validated else None,
        validated_by=validator if validated else None,
        validated_at=timezone.now() - dt.timedelta(days=days_ago) if validated else None,
        validation_note=note if validated else "",
    )


# One completed project in each of the other departments (projects.demo.DEMO_PROJECTS) shows
# its impact and a saving, validated by the department's QI lead. No measures: the SPC demo
# stays Pharmacy's.
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
