"""Demo projects for `seed_demo`: every stage, with openings, tasks and progress updates.

Built with bulk inserts so that `--projects 100000` takes minutes; seeding writes no history.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from people.models import ChampionAssignment, ClinicalArea, Department, Person, Skill
from projects.models import (
    ClosureReport,
    Interest,
    Membership,
    ProgressUpdate,
    Project,
    ReferenceCounter,
    ReviewDecision,
    RoleOpening,
    StrategicPriority,
    Task,
)
from projects.search import refresh_search_vectors

PRIORITIES = [
    ("Medicines safety", "Fewer medication errors and omitted doses."),
    ("Patient flow and discharge", "Timely discharge medicines and fewer delays."),
    ("Antimicrobial stewardship", "Right antibiotic, right dose, right duration."),
    ("Cost-effective prescribing", "Savings through switches, biosimilars and waste reduction."),
    ("Staff wellbeing and development", "A team with time and skills to improve its work."),
    ("Net zero", "Lower the carbon footprint of medicines use."),
]
# (title, aim, problem, kind)
THEMES = [
    (
        "Reducing omitted critical medicines on the wards",
        "Reduce omitted doses of time-critical medicines by 50% within 6 months.",
        "Audit found one in eight doses of time-critical medicines omitted or delayed, "
        "mostly Parkinson's medicines and insulin.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "Faster discharge prescriptions",
        "Cut the median time from discharge prescription to medicines ready to 60 minutes.",
        "Patients wait over two hours for discharge medicines; bed managers report delays.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "IV to oral antibiotic switch at 48 hours",
        "Increase timely IV to oral switches to 80% of eligible patients.",
        "Point prevalence surveys show patients on IV antibiotics past the switch criteria.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "Medicines reconciliation within 24 hours of admission",
        "Reconcile 90% of admissions' medicines within 24 hours.",
        "Only 62% of patients are reconciled within 24 hours at weekends.",
        Project.Kind.CLINICAL_AUDIT,
    ),
    (
        "Reducing waste from returned patient medicines",
        "Reuse safe patients' own medicines and cut returns waste by 30%.",
        "Ward returns bins fill with sealed packs that could be reused.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "Insulin prescribing safety",
        "Halve insulin prescribing errors on the surgical wards within a year.",
        "Insulin errors are the most reported incidents on surgical wards.",
        Project.Kind.CLINICAL_AUDIT,
    ),
    (
        "Aseptic unit right-first-time batches",
        "Raise right-first-time aseptic batches to 98%.",
        "Rework and rejected batches cost technician time and delay chemotherapy.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "Dispensary turnaround for outpatient prescriptions",
        "Dispense 90% of outpatient prescriptions within 30 minutes.",
        "Outpatients wait up to an hour at the dispensary hatch.",
        Project.Kind.SERVICE_EVALUATION,
    ),
    (
        "Inhaler technique and switching to low-carbon inhalers",
        "Switch 40% of eligible patients to dry powder inhalers with technique checks.",
        "Metered-dose inhalers are a large share of the trust's medicines carbon footprint.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "Anticoagulant counselling before discharge",
        "Counsel every patient newly started on an anticoagulant before discharge.",
        "Readmissions with bleeding show patients unsure how to take their anticoagulant.",
        Project.Kind.CLINICAL_AUDIT,
    ),
    (
        "Paediatric oral syringe labelling",
        "Eliminate unlabelled oral syringes on the children's wards.",
        "Spot checks found unlabelled oral syringes in 3 of 5 bays.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "Controlled drug stock discrepancies",
        "Reduce controlled drug register discrepancies by 75%.",
        "Weekly checks find discrepancies that take hours to resolve.",
        Project.Kind.CLINICAL_AUDIT,
    ),
    (
        "Biosimilar adalimumab switch",
        "Switch 90% of eligible patients to the biosimilar and save GBP 200,000 a year.",
        "The originator product is still used for many patients despite a cheaper biosimilar.",
        Project.Kind.SERVICE_EVALUATION,
    ),
    (
        "Pharmacist-led deprescribing in frail older people",
        "Review and deprescribe for 70% of frail inpatients on ten or more medicines.",
        "Polypharmacy is common among frail patients and linked to falls.",
        Project.Kind.QI_PROJECT,
    ),
    (
        "Medicines information enquiry response times",
        "Answer 95% of urgent enquiries within 4 hours.",
        "Urgent enquiries sometimes wait a day for an answer.",
        Project.Kind.SERVICE_EVALUATION,
    ),
    (
        "Chemotherapy prescribing verification backlog",
        "Verify all chemotherapy prescriptions 48 hours before treatment.",
        "Late verification delays day-unit chairs and patients wait.",
        Project.Kind.QI_PROJECT,
    ),
]
OPENINGS = [
    ("Data collector", Decimal("2"), "week", 8),
    ("Pharmacist reviewer", Decimal("4"), "month", 12),
    ("Co-lead", Decimal("3"), "week", 26),
    ("Patient representative liaison", Decimal("2"), "month", 6),
]
TASKS = [
    ("Collect a week of baseline data", "Use the data sheet on the shared drive.", "2", 0),
    (
        "Map the current process with the ward team",
        "One hour on the ward, one to write up.",
        "2",
        3,
    ),
    ("Search the literature for similar projects", "Five good sources are enough.", "3", 7),
    ("Draft the patient leaflet", "One side of A4 in plain English.", "1.5", 5),
    ("Build a run chart of the weekly data", "Template in the QI toolkit.", "1", 8),
    ("Present the results at the clinical update", "Ten minutes with questions.", "4", 6),
]


def _project_spec(index: int, areas, people, priorities, today: dt.date):
    """Everything about the index-th demo project, derived from the index alone."""
    rng = random.Random(index)  # noqa: S311 - demo data, not security
    title, aim, problem, kind = THEMES[index % len(THEMES)]
    area = areas[(index // len(THEMES)) % len(areas)]
    cycle = index // (len(THEMES) * len(areas))
    full_title = f"{title}: {area.name}" + (f" (round {cycle + 1})" if cycle else "")
    stage = list(Project.Stage)[index % len(Project.Stage)]
    created = timezone.now() - dt.timedelta(days=rng.randint(1, 720), minutes=index % 1440)
    start = created.date() + dt.timedelta(days=rng.randint(0, 30))
    return {
        "project": Project(
            title=full_title[:200],
            kind=kind,
            aim=aim,
            problem=problem,
            department_id=area.department_id,
            lead_id=people[index % len(people)].pk,
            stage=stage,
            start_date=start,
            target_end_date=start + dt.timedelta(weeks=rng.choice([12, 26, 39, 52])),
            commitment_hours=Decimal(rng.choice(["1", "2", "3", "4", "6", "8"])),
            commitment_period=rng.choice(["week", "month"]),
            commitment_weeks=rng.choice([None, 6, 12, 26]),
            created_at=created,
            submitted_at=None if stage == Project.Stage.IDEA else created,
            approved_at=created + dt.timedelta(days=7)
            if stage in Project.APPROVED_STAGES
            else None,
        ),
        "areas": list(
            dict.fromkeys([area] + ([areas[(index + 3) % len(areas)]] if index % 4 == 0 else []))
        ),
        "priority": priorities[index % len(priorities)] if index % 3 else None,
        "co_lead": people[(index * 7 + 3) % len(people)] if index % 5 == 0 else None,
        "rng": rng,
    }


@transaction.atomic
def seed_projects(*, department: Department, count: int) -> int:
    """Make sure the department has at least `count` demo projects; return how many were added."""
    for name, description in PRIORITIES:
        StrategicPriority.objects.get_or_create(
            department=department, name=name, defaults={"description": description}
        )
    # The cross-department demo projects (seed_other_projects) are not among the `count`.
    existing = (
        Project.objects.filter(department=department)
        .exclude(title__in=CROSS_DEPARTMENT_TITLES)
        .count()
    )
    if existing >= count:
        return 0

    areas = list(department.clinical_areas.order_by("pk"))
    people = list(Person.objects.filter(department=department).order_by("pk").only("pk"))
    priorities = list(StrategicPriority.objects.filter(department=department).order_by("pk"))
    skills = list(Skill.objects.order_by("pk"))
    today = timezone.localdate()
    now = timezone.now()

    specs = [_project_spec(i, areas, people, priorities, today) for i in range(existing, count)]
    _assign_references([s["project"] for s in specs])
    Project.objects.bulk_create([s["project"] for s in specs], batch_size=5000)

    area_links, priority_links, co_lead_links = [], [], []
    openings, tasks, updates = [], [], []
    for spec in specs:
        project, rng = spec["project"], spec["rng"]
        area_links += [
            Project.clinical_areas.through(project_id=project.pk, clinicalarea_id=a.pk)
            for a in spec["areas"]
        ]
        if spec["priority"]:
            priority_links.append(
                Project.strategic_priorities.through(
                    project_id=project.pk, strategicpriority_id=spec["priority"].pk
                )
            )
        if spec["co_lead"] and spec["co_lead"].pk != project.lead_id:
            co_lead_links.append(
                Project.co_leads.through(project_id=project.pk, person_id=spec["co_lead"].pk)
            )
        if project.stage in (Project.Stage.COMPLETED, Project.Stage.CLOSED):
            task_status_choices = [Task.Status.DONE]
        else:
            task_status_choices = [Task.Status.OPEN, Task.Status.OPEN, Task.Status.CLAIMED]
        for title, hours, period, weeks in rng.sample(OPENINGS, rng.randint(0, 2)):
            openings.append(
                RoleOpening(
                    project=project,
                    title=title,
                    places=rng.randint(1, 3),
                    commitment_hours=hours,
                    commitment_period=period,
                    commitment_weeks=weeks,
                    is_open=project.stage not in (Project.Stage.COMPLETED, Project.Stage.CLOSED),
                )
            )
        for title, description, hours, _skill in rng.sample(TASKS, rng.randint(0, 3)):
            task = Task(
                project=project,
                title=title,
                description=description,
                estimated_hours=Decimal(hours),
                due_date=today + dt.timedelta(days=rng.randint(-10, 90)),
                status=rng.choice(task_status_choices),
                created_at=project.created_at,
            )
            if task.status != Task.Status.OPEN:
                buddy = people[rng.randrange(len(people))]
                task.claimed_by_id = buddy.pk
                # Some claims have gone quiet, so the flag has something to show.
                task.claimed_at = task.last_activity_at = now - dt.timedelta(
                    days=rng.randint(1, 40)
                )
            if task.status == Task.Status.DONE:
                task.completed_at = task.last_activity_at
                task.actual_hours = Decimal(hours) + rng.choice([Decimal(0), Decimal("0.5")])
            tasks.append(task)
        if project.stage not in (Project.Stage.IDEA, Project.Stage.PROPOSED):
            for n in range(rng.randint(1, 3)):
                updates.append(
                    ProgressUpdate(
                        project=project,
                        author_id=project.lead_id,
                        date=min(today, project.start_date + dt.timedelta(weeks=4 * (n + 1))),
                        done=f"Cycle {n + 1}: collected data and shared it with the ward team.",
                        next_steps="Test the next change with the evening shift.",
                        blockers="" if n % 2 else "Data extraction depends on the BI team.",
                    )
                )

    Project.clinical_areas.through.objects.bulk_create(area_links, batch_size=10000)
    Project.strategic_priorities.through.objects.bulk_create(priority_links, batch_size=10000)
    Project.co_leads.through.objects.bulk_create(co_lead_links, batch_size=10000)
    RoleOpening.objects.bulk_create(openings, batch_size=10000)
    memberships, interests = [], []
    for n, opening in enumerate(openings):
        project = opening.project
        if project.stage in (Project.Stage.IDEA, Project.Stage.PROPOSED):
            continue
        # Fill some places, leave others for the demo logins to apply for.
        for k in range(n % (opening.places + 1)):
            member = people[(project.pk * 13 + n * 7 + k) % len(people)]
            if member.pk == project.lead_id:
                continue
            memberships.append(
                Membership(
                    project=project,
                    person_id=member.pk,
                    role_opening=opening,
                    role_title=opening.title,
                    commitment_hours=opening.commitment_hours,
                    commitment_period=opening.commitment_period,
                    commitment_weeks=opening.commitment_weeks,
                    joined_on=project.start_date,
                )
            )
        if opening.is_open and n % 3 == 0:
            applicant = people[(project.pk * 17 + n) % len(people)]
            if applicant.pk != project.lead_id:
                interests.append(
                    Interest(
                        project=project,
                        person_id=applicant.pk,
                        role_opening=opening,
                        message="I have two hours a week free on Tuesdays.",
                    )
                )
    Membership.objects.bulk_create(memberships, batch_size=10000, ignore_conflicts=True)
    Interest.objects.bulk_create(interests, batch_size=10000, ignore_conflicts=True)
    Task.objects.bulk_create(tasks, batch_size=10000)
    ProgressUpdate.objects.bulk_create(updates, batch_size=10000)
    skill_links = [
        Task.skills_needed.through(task_id=task.pk, skill_id=skills[task.pk % len(skills)].pk)
        for task in tasks
    ]
    Task.skills_needed.through.objects.bulk_create(skill_links, batch_size=10000)
    refresh_search_vectors(Project.objects.filter(pk__in=[s["project"].pk for s in specs]))
    _seed_governance(department, [s["project"] for s in specs])
    _seed_staff_story(department)
    return len(specs)


def _assign_references(projects: list[Project]) -> None:
    """Number the submitted projects in the order they were written, as submission would."""
    counters = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    for project in sorted(projects, key=lambda p: p.created_at):
        if project.submitted_at:
            year = project.submitted_at.year
            counters[year] = counters.get(year, 0) + 1
            project.reference = f"QI-{year}-{counters[year]:03d}"
    for year, last in counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})


def _seed_governance(department: Department, projects: list[Project]) -> None:
    """Mentors, review decisions of every kind, closure reports and audit-to-QI links."""
    champions_by_area = {}
    for assignment in ChampionAssignment.objects.filter(
        clinical_area__department=department
    ).order_by("pk"):
        champions_by_area.setdefault(assignment.clinical_area_id, assignment.person_id)
    first_area = dict(
        Project.clinical_areas.through.objects.filter(
            project_id__in=[p.pk for p in projects]
        ).values_list("project_id", "clinicalarea_id")
    )
    decisions, reports, mentored = [], [], []
    reviewed = {
        Project.Stage.PLANNING,
        Project.Stage.TESTING,
        Project.Stage.IMPLEMENTING,
        Project.Stage.SUSTAINING,
        Project.Stage.COMPLETED,
        Project.Stage.ON_HOLD,
    }
    for n, project in enumerate(projects):
        champion_id = champions_by_area.get(first_area.get(project.pk))
        if champion_id is None or project.submitted_at is None:
            continue
        submitted = project.submitted_at
        decided = submitted + dt.timedelta(days=1 + n % 9)
        if project.stage == Project.Stage.PROPOSED:
            if n % 2:  # sent back once, waiting again after resubmission
                decisions.append(
                    ReviewDecision(
                        project=project,
                        champion_id=champion_id,
                        decision=ReviewDecision.Decision.CHANGES_REQUESTED,
                        comment="Please add a measure and a baseline.",
                        submitted_at=submitted,
                        decided_at=decided,
                    )
                )
            project.review_requested_at = decided + dt.timedelta(days=2)
            mentored.append(project)
        elif project.stage in reviewed:
            decisions.append(
                ReviewDecision(
                    project=project,
                    champion_id=champion_id,
                    decision=ReviewDecision.Decision.APPROVED,
                    submitted_at=submitted,
                    decided_at=decided,
                )
            )
            project.mentor_id = champion_id
            project.approved_at, project.approved_by_id = decided, champion_id
            mentored.append(project)
        elif project.stage == Project.Stage.CLOSED and n % 2:
            decisions.append(
                ReviewDecision(
                    project=project,
                    champion_id=champion_id,
                    decision=ReviewDecision.Decision.DECLINED,
                    reason=ReviewDecision.Reason.DUPLICATE,
                    comment="Joins up with an existing project instead.",
                    submitted_at=submitted,
                    decided_at=decided,
                )
            )
        if project.stage == Project.Stage.COMPLETED:
            reports.append(
                ClosureReport(
                    project=project,
                    outcomes="The aim was met within the planned time.",
                    impact="Fewer incidents and about four hours a week saved.",
                    lessons="Start small, on one ward, with the people who do the work.",
                    sustainability="Added to the monthly ward audit and induction.",
                    written_by_id=project.lead_id,
                    signed_off_by_id=champion_id,
                    signed_off_at=decided + dt.timedelta(days=60),
                )
            )
    ReviewDecision.objects.bulk_create(decisions, batch_size=10000)
    ClosureReport.objects.bulk_create(reports, batch_size=10000)
    Project.objects.bulk_update(
        mentored, ["mentor", "review_requested_at", "approved_at", "approved_by"], batch_size=5000
    )
    # Audits that led to QI projects: link some QI projects to an audit in the same area.
    audits = [p for p in projects if p.kind == Project.Kind.CLINICAL_AUDIT and p.submitted_at]
    follow_ons = [
        p
        for p in projects
        if p.kind == Project.Kind.QI_PROJECT and p.stage in Project.ACTIVE_STAGES
    ]
    for audit, project in zip(audits[::3], follow_ons[::5], strict=False):
        project.derived_from_id = audit.pk
    Project.objects.bulk_update(follow_ons[::5], ["derived_from"], batch_size=5000)


def _seed_staff_story(department: Department) -> None:
    """Give the `staff` demo login a claimed task, a finished one and a request to join."""
    staff = Person.objects.filter(user__username="staff", department=department).first()
    if staff is None or Task.objects.filter(claimed_by=staff).exists():
        return
    now = timezone.now()
    candidates = (
        Task.objects.open()
        .filter(project__department=department, project__stage__in=Project.ACTIVE_STAGES)
        .exclude(project__lead=staff)
        .exclude(project__title__in=CROSS_DEPARTMENT_TITLES)
        .order_by("pk")
    )
    for task, status in zip(candidates[:2], [Task.Status.CLAIMED, Task.Status.DONE], strict=False):
        task.status, task.claimed_by = status, staff
        task.claimed_at = task.last_activity_at = now - dt.timedelta(days=3)
        if status == Task.Status.DONE:
            task.completed_at, task.actual_hours = now - dt.timedelta(days=1), Decimal("2")
        task.save()
    project = (
        Project.objects.filter(department=department, stage__in=Project.ACTIVE_STAGES)
        .exclude(title__in=CROSS_DEPARTMENT_TITLES)
        .exclude(lead=staff)
        .exclude(interests__person=staff)
        .exclude(memberships__person=staff)
        .order_by("-pk")
        .first()
    )
    if project is not None:
        Interest.objects.create(
            project=project, person=staff, message="I can help with data collection."
        )


# The trust's other departments (people.demo.OTHER_DEPARTMENTS): a handful of hand-written
# projects each, and the cross-department projects. Each is added once, found by its title.
DEPARTMENT_PRIORITIES = {
    "nursing": [
        ("Harm-free care", "Fewer falls, pressure ulcers and catheter infections."),
        ("Deteriorating patient", "Spot deterioration early and escalate within the hour."),
        ("Nursing workforce and retention", "Preceptorship, wellbeing and protected learning."),
    ],
    "therapies": [
        ("Rehabilitation and independence", "Patients home sooner and moving more safely."),
        ("Timely access to therapy", "Shorter waits from referral to first assessment."),
        ("Nutrition and swallowing", "Safe eating and drinking for every inpatient."),
    ],
}


@dataclass(frozen=True)
class DemoTask:
    title: str
    hours: str
    claimed_by: str = ""  # a username; empty for an open task
    done: bool = False


@dataclass(frozen=True)
class DemoProject:
    department: str  # the leading department's slug
    title: str
    kind: str
    stage: str
    aim: str
    problem: str
    areas: tuple[str, ...]
    lead: str  # a username; the department's first person if it is missing
    priority: str = ""
    days_ago: int = 120  # when the lead wrote it
    partners: tuple[str, ...] = ()  # other departments involved, by slug
    openings: tuple[str, ...] = ()  # role titles, 2 hours a week, one place each
    members: tuple[str, ...] = ()  # usernames already on the team
    tasks: tuple[DemoTask, ...] = ()
    headline: str = ""


S = Project.Stage
K = Project.Kind
DEMO_PROJECTS = [
    DemoProject(
        "nursing",
        "Falls prevention bundle on the acute medical unit",
        K.QI_PROJECT,
        S.TESTING,
        "Reduce inpatient falls on the acute medical unit by 30% within 6 months.",
        "The unit reports eight falls a month, two with harm; lying and standing blood pressure "
        "is recorded for fewer than half of patients over 65.",
        ("Acute medical unit",),
        "esther.boateng",
        "Harm-free care",
        150,
        openings=("Data collector",),
        tasks=(
            DemoTask("Audit lying and standing blood pressure for a week", "2"),
            DemoTask("Count falls per 1,000 bed days from the incident system", "1.5", "nurse"),
        ),
    ),
    DemoProject(
        "nursing",
        "NEWS2 escalation within 30 minutes",
        K.QI_PROJECT,
        S.IMPLEMENTING,
        "Escalate 90% of patients with a NEWS2 of 5 or more within 30 minutes.",
        "Spot checks found a third of high scores escalated after more than an hour.",
        ("Acute medical unit", "Critical care"),
        "declan.moore",
        "Deteriorating patient",
        260,
        openings=("Ward link nurse",),
        members=("gemma.doyle",),
        tasks=(
            DemoTask("Spot-check 20 observation charts on nights", "2"),
            DemoTask("Teach the escalation flowchart at two safety huddles", "1", "ifeoma.eze"),
        ),
    ),
    DemoProject(
        "nursing",
        "Pressure ulcer prevention: SSKIN bundle on surgical wards",
        K.CLINICAL_AUDIT,
        S.COMPLETED,
        "Record a complete SSKIN bundle for 95% of at-risk patients every shift.",
        "Hospital-acquired pressure ulcers rose on the surgical wards last winter.",
        ("Surgical wards",),
        "mei.lin",
        "Harm-free care",
        420,
        members=("nia.price",),
        tasks=(DemoTask("Re-audit SSKIN documentation", "3", "paul.reid", done=True),),
        headline="Hospital-acquired pressure ulcers on surgical wards down from 9 to 3 a month.",
    ),
    DemoProject(
        "nursing",
        "Safer night handover with SBAR",
        K.QI_PROJECT,
        S.PLANNING,
        "Use SBAR for every night-to-day handover on two surgical wards by spring.",
        "Incidents cite missed information at handover; each nurse hands over differently.",
        ("Surgical wards",),
        "nia.price",
        "Deteriorating patient",
        60,
        openings=("Co-lead",),
        tasks=(DemoTask("Observe five handovers and note what is missed", "2.5"),),
    ),
    DemoProject(
        "nursing",
        "Sepsis six within the hour for critical care outreach",
        K.QI_PROJECT,
        S.PROPOSED,
        "Deliver all of the sepsis six within one hour for 90% of outreach referrals.",
        "Antibiotics are given within the hour for only 64% of outreach patients with sepsis.",
        ("Critical care",),
        "ifeoma.eze",
        "Deteriorating patient",
        20,
    ),
    DemoProject(
        "nursing",
        "Insulin visit scheduling in community nursing",
        K.SERVICE_EVALUATION,
        S.SUSTAINING,
        "Give every insulin visit a time window agreed with the patient.",
        "Late insulin visits cause hypoglycaemia and missed meals at home.",
        ("Community nursing",),
        "tunde.bakare",
        "Harm-free care",
        330,
        tasks=(DemoTask("Phone ten patients about their visit times", "2", "tunde.bakare"),),
    ),
    DemoProject(
        "nursing",
        "Protected mealtimes on the surgical wards",
        K.QI_PROJECT,
        S.IDEA,
        "Stop non-urgent interruptions at mealtimes on two surgical wards.",
        "Patients' meals go cold during ward rounds and observations.",
        ("Surgical wards",),
        "nurse",
        "Harm-free care",
        5,
    ),
    DemoProject(
        "nursing",
        "Preceptorship buddies for newly qualified nurses",
        K.QI_PROJECT,
        S.IDEA,
        "Keep 90% of newly qualified nurses past their first year.",
        "One in five newly qualified nurses leaves within a year.",
        ("Acute medical unit",),
        "ruth.osei",
        "Nursing workforce and retention",
        12,
    ),
    DemoProject(
        "therapies",
        "Seven-day physiotherapy after hip fracture",
        K.QI_PROJECT,
        S.TESTING,
        "Get 90% of hip fracture patients out of bed by the day after surgery, weekends too.",
        "At weekends only half of patients are mobilised the day after surgery.",
        ("Physiotherapy",),
        "matt.lowe",
        "Rehabilitation and independence",
        140,
        openings=("Weekend data collector",),
        tasks=(
            DemoTask("Collect a month of first-mobilisation times", "3"),
            DemoTask("Draft the weekend handover sheet", "1.5", "therapist"),
        ),
    ),
    DemoProject(
        "therapies",
        "Occupational therapy home visits before discharge",
        K.SERVICE_EVALUATION,
        S.IMPLEMENTING,
        "Decide within 48 hours of referral whether a patient needs a home visit.",
        "Patients wait days in hospital for a home visit many do not need.",
        ("Occupational therapy",),
        "colm.walsh",
        "Timely access to therapy",
        230,
        members=("vera.sousa",),
        tasks=(DemoTask("Tally home visit referrals and outcomes for May", "2"),),
    ),
    DemoProject(
        "therapies",
        "Malnutrition screening within 24 hours of admission",
        K.CLINICAL_AUDIT,
        S.COMPLETED,
        "Screen 90% of adult admissions with MUST within 24 hours.",
        "Only 58% of admissions were screened within 24 hours at the last audit.",
        ("Dietetics",),
        "hamza.qureshi",
        "Nutrition and swallowing",
        400,
        tasks=(DemoTask("Re-audit 50 admissions", "4", "erin.campbell", done=True),),
        headline="MUST screening within 24 hours up from 58% to 91% of admissions.",
    ),
    DemoProject(
        "therapies",
        "Swallow screen before the first drink after a stroke",
        K.QI_PROJECT,
        S.PLANNING,
        "Screen every stroke patient's swallow before their first oral intake.",
        "Some patients are given drinks before anyone has checked their swallow.",
        ("Speech and language therapy",),
        "ines.duarte",
        "Nutrition and swallowing",
        45,
        openings=("Stroke ward link",),
        tasks=(DemoTask("Find the national stroke audit's swallow screen data", "1"),),
    ),
    DemoProject(
        "therapies",
        "Physiotherapy waiting list validation",
        K.SERVICE_EVALUATION,
        S.PROPOSED,
        "Contact every patient waiting over 12 weeks and remove those who no longer need us.",
        "The outpatient waiting list has grown to 1,400 patients.",
        ("Physiotherapy",),
        "fiona.grant",
        "Timely access to therapy",
        15,
    ),
    DemoProject(
        "therapies",
        "Exercise class while waiting for knee replacement",
        K.QI_PROJECT,
        S.IDEA,
        "Offer a weekly exercise class to everyone on the knee replacement waiting list.",
        "Patients lose strength while waiting a year for surgery.",
        ("Physiotherapy",),
        "therapist",
        "Rehabilitation and independence",
        3,
    ),
    # Cross-department projects: partners' staff can join them and take their tasks.
    DemoProject(
        "pharmacy",
        "Insulin safety on the wards",
        K.QI_PROJECT,
        S.TESTING,
        "Halve insulin errors reaching patients on the surgical wards within 9 months.",
        "Insulin is the medicine most often in ward incident reports: doses given late, "
        "omitted around theatre, or prescribed with the wrong device.",
        ("Surgery",),
        "aisha.patel",
        "Medicines safety",
        100,
        partners=("nursing",),
        openings=("Ward nurse champion",),
        members=("mei.lin",),
        tasks=(
            DemoTask("Audit insulin doses given within 30 minutes of the meal", "2"),
            DemoTask("Check insulin pens are labelled for one patient", "1"),
        ),
    ),
    DemoProject(
        "therapies",
        "Falls: medication review and mobility plan",
        K.QI_PROJECT,
        S.PLANNING,
        "Give every inpatient over 65 who falls a medication review and a mobility plan "
        "within 48 hours.",
        "Patients who fall once often fall again: falls-risk medicines go unreviewed and "
        "mobility advice is not handed over between therapists and nurses.",
        ("Physiotherapy",),
        "orla.kennedy",
        "Rehabilitation and independence",
        70,
        partners=("pharmacy", "nursing"),
        openings=("Pharmacist reviewer", "Ward nurse link"),
        members=("esther.boateng",),
        tasks=(
            DemoTask("Review falls-risk medicines for ten patients who fell", "3"),
            DemoTask("Map how the mobility plan is handed over to nurses", "2"),
        ),
    ),
]
CROSS_DEPARTMENT_TITLES = {p.title for p in DEMO_PROJECTS if p.partners}


@transaction.atomic
def seed_other_projects() -> int:
    """Add the other departments' demo projects and the cross-department ones that are missing
    (found by department and title); return how many were added. Run after seeding people."""
    departments = {d.slug: d for d in Department.objects.all()}
    for slug, priorities in DEPARTMENT_PRIORITIES.items():
        if slug in departments:
            StrategicPriority.objects.bulk_create(
                [
                    StrategicPriority(department=departments[slug], name=name, description=text)
                    for name, text in priorities
                ],
                ignore_conflicts=True,
            )
    done = set(
        Project.objects.filter(title__in=[s.title for s in DEMO_PROJECTS]).values_list(
            "department__slug", "title"
        )
    )
    specs = [
        s
        for s in DEMO_PROJECTS
        if (s.department, s.title) not in done and {s.department, *s.partners} <= departments.keys()
    ]
    if not specs:
        return 0
    slugs = {s.department for s in specs}
    usernames = {u for s in specs for u in (s.lead, *s.members)}
    usernames |= {t.claimed_by for s in specs for t in s.tasks if t.claimed_by}
    people = {
        p.user.username: p
        for p in Person.objects.filter(user__username__in=usernames).select_related("user")
    }
    first_person = {
        slug: Person.objects.filter(department__slug=slug).order_by("pk").first() for slug in slugs
    }
    areas = {
        (a.department.slug, a.name): a
        for a in ClinicalArea.objects.filter(department__slug__in=slugs).select_related(
            "department"
        )
    }
    priorities = {
        (p.department.slug, p.name): p
        for p in StrategicPriority.objects.filter(department__slug__in=slugs).select_related(
            "department"
        )
    }
    champions, department_champions = {}, {}  # champion ids, oldest assignment first
    for area_id, slug, person_id in (
        ChampionAssignment.objects.filter(clinical_area__department__slug__in=slugs)
        .order_by("pk")
        .values_list("clinical_area_id", "clinical_area__department__slug", "person_id")
    ):
        champions.setdefault(area_id, []).append(person_id)
        department_champions.setdefault(slug, []).append(person_id)

    now = timezone.now()
    projects = []
    for spec in specs:
        lead = people.get(spec.lead) or first_person[spec.department]
        project_areas = [areas[spec.department, name] for name in spec.areas]
        created = now - dt.timedelta(days=spec.days_ago)
        submitted = None if spec.stage == S.IDEA else created + dt.timedelta(days=2)
        start = (created + dt.timedelta(days=14)).date()
        project = Project(
            title=spec.title,
            kind=spec.kind,
            aim=spec.aim,
            problem=spec.problem,
            department=departments[spec.department],
            lead=lead,
            stage=spec.stage,
            start_date=start,
            target_end_date=start + dt.timedelta(weeks=39),
            commitment_hours=Decimal(2),
            commitment_period="week",
            created_at=created,
            submitted_at=submitted,
            headline_impact=spec.headline,
        )
        if spec.stage in Project.APPROVED_STAGES:
            project.approved_at = submitted + dt.timedelta(days=5)
        if spec.stage == S.PROPOSED:
            project.review_requested_at = submitted
        elif submitted and spec.stage != S.CLOSED:
            # The area's champion mentors it; another of the department's champions when the
            # lead is that champion or the area has none.
            candidates = [c for a in project_areas for c in champions.get(a.pk, [])]
            candidates += department_champions.get(spec.department, [])
            project.mentor_id = next((c for c in candidates if c != lead.pk), None)
            if project.approved_at:
                project.approved_by_id = project.mentor_id
        projects.append((spec, project, project_areas))
    _assign_references([p for _, p, _ in projects])
    Project.objects.bulk_create([p for _, p, _ in projects])

    links = {"areas": [], "priorities": [], "partners": []}
    openings, tasks, updates, decisions, reports = [], [], [], [], []
    memberships = []
    for spec, project, project_areas in projects:
        links["areas"] += [
            Project.clinical_areas.through(project_id=project.pk, clinicalarea_id=a.pk)
            for a in project_areas
        ]
        if spec.priority:
            links["priorities"].append(
                Project.strategic_priorities.through(
                    project_id=project.pk,
                    strategicpriority_id=priorities[spec.department, spec.priority].pk,
                )
            )
        links["partners"] += [
            Project.partner_departments.through(
                project_id=project.pk, department_id=departments[slug].pk
            )
            for slug in spec.partners
        ]
        finished = spec.stage in (S.COMPLETED, S.CLOSED)
        active = spec.stage not in (S.IDEA, S.PROPOSED)
        openings += [
            RoleOpening(
                project=project,
                title=title,
                places=1,
                commitment_hours=Decimal(2),
                commitment_period="week",
                commitment_weeks=12,
                is_open=not finished,
            )
            for title in spec.openings
        ]
        memberships += [
            Membership(
                project=project,
                person=people[username],
                role_title="Team member",
                commitment_hours=Decimal(2),
                commitment_period="month",
                joined_on=project.start_date,
            )
            for username in spec.members
            if username in people and people[username].pk != project.lead_id
        ]
        for n, demo_task in enumerate(spec.tasks):
            buddy = people.get(demo_task.claimed_by)
            task = Task(
                project=project,
                title=demo_task.title,
                description="Ask the lead for the data sheet.",
                estimated_hours=Decimal(demo_task.hours),
                due_date=timezone.localdate() + dt.timedelta(days=14 + 7 * n),
                created_at=project.created_at,
            )
            if buddy is not None:
                task.status = Task.Status.DONE if demo_task.done else Task.Status.CLAIMED
                task.claimed_by = buddy
                task.claimed_at = task.last_activity_at = now - dt.timedelta(days=4 + n)
                if demo_task.done:
                    task.completed_at = task.last_activity_at
                    task.actual_hours = Decimal(demo_task.hours)
            tasks.append(task)
        if active:
            updates += [
                ProgressUpdate(
                    project=project,
                    author_id=project.lead_id,
                    date=min(timezone.localdate(), project.start_date + dt.timedelta(weeks=4 * n)),
                    done=text,
                    next_steps="Share the run chart at the next team meeting.",
                )
                for n, text in enumerate(
                    [
                        "Agreed the aim and measures with the team; baseline data collected.",
                        "First PDSA cycle on one ward; the team is keen to go on.",
                    ],
                    start=1,
                )
            ]
        if active and project.mentor_id:
            decided = project.submitted_at + dt.timedelta(days=5)
            decisions.append(
                ReviewDecision(
                    project=project,
                    champion_id=project.mentor_id,
                    decision=ReviewDecision.Decision.APPROVED,
                    submitted_at=project.submitted_at,
                    decided_at=decided,
                )
            )
            if spec.stage == S.COMPLETED:
                reports.append(
                    ClosureReport(
                        project=project,
                        outcomes="The aim was met and has held for three months.",
                        impact=spec.headline,
                        lessons="Test on one ward first, with the people who do the work.",
                        sustainability="Part of the monthly ward audit and of induction.",
                        written_by_id=project.lead_id,
                        signed_off_by_id=project.mentor_id,
                        signed_off_at=decided + dt.timedelta(days=200),
                    )
                )
    Project.clinical_areas.through.objects.bulk_create(links["areas"])
    Project.strategic_priorities.through.objects.bulk_create(links["priorities"])
    Project.partner_departments.through.objects.bulk_create(links["partners"])
    RoleOpening.objects.bulk_create(openings)
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    Task.objects.bulk_create(tasks)
    ProgressUpdate.objects.bulk_create(updates)
    ReviewDecision.objects.bulk_create(decisions)
    ClosureReport.objects.bulk_create(reports)
    refresh_search_vectors(Project.objects.filter(pk__in=[p.pk for _, p, _ in projects]))
    return len(projects)
