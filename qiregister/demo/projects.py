"""Demo projects for `seed_demo`: every stage, with openings, tasks and progress updates.

Built with bulk inserts so that `--projects 100000` takes minutes; seeding writes no history.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Theme:
    """One kind of project a pharmacy department runs, and what belongs with it."""

    title: str
    aim: str  # "{where}" is the area's place, e.g. "on the surgical wards"
    problem: str
    kind: str
    areas: tuple[str, ...]  # the clinical areas where such a project runs (qiregister.demo.people)
    data: str  # what its data counts, in the words of its tasks
    result: str  # what it achieved once finished, for its closure report
    priority: str  # one of PRIORITIES
    leaflet: str = ""  # the patient leaflet it needs, if it changes what patients do


# Where each clinical area's work happens, and whom a process is mapped with.
WHERE = {
    "Acute medicine": "on the acute medical wards",
    "Surgery": "on the surgical wards",
    "Dispensary": "in the dispensary",
    "Aseptics": "in the aseptic unit",
    "Medicines information": "in medicines information",
    "Paediatrics": "on the children's wards",
    "Critical care": "in critical care",
    "Oncology": "in the oncology day unit",
    "Emergency department": "in the emergency department",
    "Mental health": "on the mental health wards",
}
TEAMS = {
    "Dispensary": "the dispensary team",
    "Aseptics": "the aseptic unit team",
    "Medicines information": "the medicines information team",
    "Oncology": "the day unit nurses",
    "Emergency department": "the ED nurses",
}
K = Project.Kind
THEMES = [
    Theme(
        "Reducing omitted critical medicines on the wards",
        "Reduce omitted doses of time-critical medicines {where} by 50% within 6 months.",
        "Audit found one in eight doses of time-critical medicines omitted or delayed, "
        "mostly Parkinson's medicines and insulin.",
        K.QI_PROJECT,
        ("Acute medicine", "Surgery", "Critical care", "Mental health"),
        "omitted time-critical doses",
        "Omitted time-critical doses halved, with fewer missed doses of Parkinson's medicines.",
        "Medicines safety",
    ),
    Theme(
        "Faster discharge prescriptions",
        "Cut the median time from discharge prescription to medicines ready to 60 minutes {where}.",
        "Patients wait over two hours for discharge medicines; bed managers report delays.",
        K.QI_PROJECT,
        ("Acute medicine", "Surgery", "Paediatrics", "Oncology"),
        "discharge prescription waits",
        "Most discharge medicines ready within an hour; fewer discharges wait for pharmacy.",
        "Patient flow and discharge",
        leaflet="Your medicines when you go home (discharge)",
    ),
    Theme(
        "IV to oral antibiotic switch at 48 hours",
        "Increase timely IV to oral antibiotic switches to 80% of eligible patients {where}.",
        "Point prevalence surveys show patients on IV antibiotics past the switch criteria.",
        K.QI_PROJECT,
        ("Acute medicine", "Surgery", "Critical care", "Paediatrics"),
        "IV to oral antibiotic switches",
        "Most eligible patients now switched from IV to oral antibiotics by 48 hours.",
        "Antimicrobial stewardship",
    ),
    Theme(
        "Medicines reconciliation within 24 hours of admission",
        "Reconcile the medicines of 90% of admissions {where} within 24 hours.",
        "Only 62% of patients are reconciled within 24 hours at weekends.",
        K.CLINICAL_AUDIT,
        ("Acute medicine", "Surgery", "Emergency department", "Mental health"),
        "admissions reconciled within 24 hours",
        "Medicines reconciled within 24 hours for over 90% of admissions, weekends included.",
        "Medicines safety",
    ),
    Theme(
        "Reducing waste from returned patient medicines",
        "Reuse safe patients' own medicines and cut returns waste {where} by 30%.",
        "Returns bins fill with sealed packs of patients' own medicines that could be reused.",
        K.QI_PROJECT,
        ("Dispensary", "Acute medicine", "Surgery", "Oncology"),
        "returned medicines fit to reuse",
        "A third less waste from returned medicines; sealed packs go back into use.",
        "Net zero",
    ),
    Theme(
        "Insulin prescribing safety",
        "Halve insulin prescribing errors {where} within a year.",
        "Insulin errors are the most reported medication incidents {where}.",
        K.CLINICAL_AUDIT,
        ("Surgery", "Acute medicine", "Paediatrics", "Critical care"),
        "insulin prescribing errors",
        "Insulin prescribing errors halved; no insulin incident with harm since the change.",
        "Medicines safety",
    ),
    Theme(
        "Aseptic unit right-first-time batches",
        "Raise right-first-time aseptic batches to 98%.",
        "Rework and rejected batches cost technician time and delay chemotherapy.",
        K.QI_PROJECT,
        ("Aseptics",),
        "aseptic batches reworked or rejected",
        "Right-first-time aseptic batches at 98%; fewer delayed chemotherapy doses.",
        "Cost-effective prescribing",
    ),
    Theme(
        "Dispensary turnaround for outpatient prescriptions",
        "Dispense 90% of outpatient prescriptions within 30 minutes.",
        "Outpatients wait up to an hour at the dispensary hatch.",
        K.SERVICE_EVALUATION,
        ("Dispensary",),
        "dispensary waiting times",
        "90% of outpatient prescriptions dispensed within 30 minutes.",
        "Patient flow and discharge",
        leaflet="Collecting your outpatient prescription from the dispensary",
    ),
    Theme(
        "Inhaler technique and switching to low-carbon inhalers",
        "Switch 40% of eligible patients {where} to dry powder inhalers, with a technique check.",
        "Metered-dose inhalers are a large share of the trust's medicines carbon footprint.",
        K.QI_PROJECT,
        ("Acute medicine", "Paediatrics", "Dispensary"),
        "inhaler technique checks",
        "40% of eligible patients switched to dry powder inhalers, each with a technique check.",
        "Net zero",
        leaflet="Using your dry powder inhaler",
    ),
    Theme(
        "Anticoagulant counselling before discharge",
        "Counsel every patient newly started on an anticoagulant {where} before discharge.",
        "Readmissions with bleeding show patients unsure how to take their anticoagulant.",
        K.CLINICAL_AUDIT,
        ("Acute medicine", "Surgery"),
        "anticoagulant counselling before discharge",
        "Nine in ten patients starting an anticoagulant counselled before they go home.",
        "Medicines safety",
        leaflet="Taking your anticoagulant safely",
    ),
    Theme(
        "Paediatric oral syringe labelling",
        "Eliminate unlabelled oral syringes on the children's wards.",
        "Spot checks found unlabelled oral syringes in 3 of 5 bays.",
        K.QI_PROJECT,
        ("Paediatrics",),
        "unlabelled oral syringes",
        "No unlabelled oral syringe found at the last eight weekly spot checks.",
        "Medicines safety",
    ),
    Theme(
        "Controlled drug stock discrepancies",
        "Reduce controlled drug register discrepancies {where} by 75%.",
        "Weekly checks find controlled drug discrepancies that take hours to resolve.",
        K.CLINICAL_AUDIT,
        ("Surgery", "Critical care", "Emergency department", "Acute medicine"),
        "controlled drug register discrepancies",
        "Controlled drug register discrepancies down by three quarters.",
        "Medicines safety",
    ),
    Theme(
        "Biosimilar adalimumab switch",
        "Switch 90% of eligible patients to biosimilar adalimumab and save £200,000 a year.",
        "The originator adalimumab is still used for many patients despite a cheaper biosimilar.",
        K.SERVICE_EVALUATION,
        ("Dispensary", "Paediatrics"),
        "patients switched to biosimilar adalimumab",
        "Nine in ten eligible patients on biosimilar adalimumab, saving £190,000 a year.",
        "Cost-effective prescribing",
        leaflet="Switching to biosimilar adalimumab",
    ),
    Theme(
        "Pharmacist-led deprescribing in frail older people",
        "Review and deprescribe for 70% of frail inpatients on ten or more medicines {where}.",
        "Polypharmacy is common among frail patients and linked to falls.",
        K.QI_PROJECT,
        ("Acute medicine", "Surgery", "Mental health"),
        "deprescribing at medication reviews",
        "70% of frail inpatients on ten or more medicines had a deprescribing review.",
        "Medicines safety",
        leaflet="Your medication review: why we stopped some medicines",
    ),
    Theme(
        "Medicines information enquiry response times",
        "Answer 95% of urgent enquiries within 4 hours.",
        "Urgent enquiries sometimes wait a day for an answer.",
        K.SERVICE_EVALUATION,
        ("Medicines information",),
        "urgent enquiry response times",
        "95% of urgent enquiries answered within 4 hours.",
        "Staff wellbeing and development",
    ),
    Theme(
        "Chemotherapy prescribing verification backlog",
        "Verify all chemotherapy prescriptions 48 hours before treatment {where}.",
        "Late verification delays day-unit chairs and patients wait.",
        K.QI_PROJECT,
        ("Oncology", "Aseptics"),
        "chemotherapy prescriptions verified 48 hours ahead",
        "Every chemotherapy prescription verified 48 hours ahead; no chair lost to it.",
        "Cost-effective prescribing",
    ),
]


def theme_of(project: Project) -> Theme | None:
    """The theme a generated project was made from (its title before the area)."""
    title = project.title.split(": ")[0]
    return next((theme for theme in THEMES if theme.title == title), None)


OPENINGS = [
    ("Data collector", Decimal("2"), "week", 8),
    ("Pharmacist reviewer", Decimal("4"), "month", 12),
    ("Co-lead", Decimal("3"), "week", 26),
    ("Patient representative liaison", Decimal("2"), "month", 6),
]
S = Project.Stage
EARLY, LIVE = (S.IDEA, S.PROPOSED, S.PLANNING), (S.PLANNING, S.TESTING, S.IMPLEMENTING)
# (title, description, hours, skills, the stages a project has such a task in). "{data}" is
# what the theme counts, "{team}" whom its area's process is mapped with, "{leaflet}" the
# patient leaflet (only for themes that have one).
TASKS = [
    (
        "Collect a week of baseline data on {data}",
        "Use the data sheet in the project folder; note anything unusual.",
        "2",
        ("Data collection",),
        EARLY,
    ),
    (
        "Map the process behind {data} with {team}",
        "One hour with {team} to map the process, one to write it up.",
        "2",
        ("Process mapping",),
        (S.PLANNING, S.TESTING),
    ),
    (
        "Search the literature on {data}",
        "National guidance first; five good sources are enough.",
        "3",
        ("Literature search",),
        EARLY,
    ),
    (
        "Draft the patient leaflet '{leaflet}'",
        "One side of A4 in plain English; ask two patients to read it.",
        "1.5",
        ("Writing and editing", "Patient engagement"),
        (S.PLANNING, S.TESTING, S.IMPLEMENTING),
    ),
    (
        "Build a run chart of the weekly {data}",
        "Template in the QI toolkit; annotate each PDSA cycle on the chart.",
        "1",
        ("Run charts and SPC",),
        (S.TESTING, S.IMPLEMENTING, S.SUSTAINING, S.COMPLETED),
    ),
    (
        "Brief {team} on the change and the latest {data}",
        "Ten minutes at two safety huddles; bring the run chart.",
        "1",
        ("Teaching", "Stakeholder engagement"),
        (S.TESTING, S.IMPLEMENTING),
    ),
    (
        "Re-audit {data} after the change",
        "The same sample and data sheet as the baseline audit.",
        "3",
        ("Data collection", "Audit design"),
        (S.IMPLEMENTING, S.SUSTAINING, S.COMPLETED),
    ),
    (
        "Present the results on {data} at the clinical update",
        "Ten minutes with questions; the poster template is in the QI toolkit.",
        "4",
        ("Teaching",),
        (S.SUSTAINING, S.COMPLETED),
    ),
]
# How long ago a project in each stage was written, in days: a department's real spread.
AGES = {
    S.IDEA: (3, 150),
    S.PROPOSED: (4, 40),
    S.PLANNING: (30, 150),
    S.TESTING: (210, 330),
    S.IMPLEMENTING: (260, 450),
    S.SUSTAINING: (330, 600),
    S.COMPLETED: (420, 720),
    S.ON_HOLD: (150, 450),
    S.CLOSED: (60, 600),
}
# The working stages a project goes through, in order, and their usual relative lengths.
PHASES = [(S.PLANNING, 3), (S.TESTING, 4), (S.IMPLEMENTING, 3), (S.SUSTAINING, 3)]


@dataclass
class Timeline:
    """When a demo project was written, submitted, decided on and moved through its stages."""

    created: dt.datetime
    submitted: dt.datetime | None = None
    decided: dt.datetime | None = None  # the (first) review decision
    resubmitted: dt.datetime | None = None  # a proposal sent back and waiting again
    approved: dt.datetime | None = None
    declined: bool = False
    phases: dict = field(default_factory=dict)  # working stage -> when it began
    stage_changed: dt.datetime | None = None
    finished: dt.datetime | None = None  # completed, put on hold or closed

    def stage_at(self, when: dt.datetime) -> str:
        begun = [stage for stage, start in self.phases.items() if start <= when]
        return begun[-1] if begun else S.PLANNING


def project_timeline(stage: str, created: dt.datetime, rng: random.Random, *, index=0):
    """A believable history for a project in `stage` written at `created`: each date after
    the one before, the last of them at least a day ago."""
    now = timezone.now()
    line = Timeline(created=created)
    if stage == S.IDEA:
        line.stage_changed = created
        return line
    age = (now - created).total_seconds() / 86400
    line.submitted = created + dt.timedelta(days=min(rng.uniform(0.5, 5), age * 0.3))
    if stage == S.PROPOSED:
        line.stage_changed = line.submitted
        if index % 2:  # sent back once, waiting again after resubmission
            waited = (now - line.submitted).total_seconds() / 86400
            line.decided = line.submitted + dt.timedelta(days=waited * rng.uniform(0.2, 0.4))
            line.resubmitted = line.decided + dt.timedelta(days=waited * rng.uniform(0.1, 0.3))
        return line
    line.decided = line.submitted + dt.timedelta(days=min(rng.uniform(2, 12), age * 0.1))
    if stage == S.CLOSED and index % 2:
        line.declined = True
        line.stage_changed = line.finished = line.decided
        return line
    line.approved = line.decided
    # The working stages it went through, then the one it is in (or ended in) now.
    names = [name for name, _ in PHASES]
    if stage in names:
        passed = PHASES[: names.index(stage)]
    elif stage == S.COMPLETED:
        passed = PHASES
    else:  # put on hold or closed part of the way through
        passed = PHASES[: 1 + index % 2]
    spans = [(name, weight * rng.uniform(0.7, 1.3)) for name, weight in passed]
    spans.append((stage, 3 * rng.uniform(0.5, 1.3)))
    scale = (now - dt.timedelta(days=1) - line.approved) / sum(weight for _, weight in spans)
    start, begun = line.approved, {}
    for name, weight in spans:
        begun[name] = start
        start += scale * weight
    line.stage_changed = begun[stage]
    line.phases = {name: when for name, when in begun.items() if name in names}
    if stage not in names:
        line.finished = line.stage_changed
    return line


def _project_spec(index: int, areas, people, priorities, today: dt.date):
    """Everything about the index-th demo project, derived from the index alone."""
    rng = random.Random(index)  # noqa: S311 - demo data, not security
    theme = THEMES[index % len(THEMES)]
    turn = index // len(THEMES)
    area = areas[theme.areas[turn % len(theme.areas)]]
    cycle = turn // len(theme.areas)
    full_title = f"{theme.title}: {area.name}" + (f" (round {cycle + 1})" if cycle else "")
    stage = list(Project.Stage)[index % len(Project.Stage)]
    low, high = AGES[stage]
    created = timezone.now() - dt.timedelta(days=rng.uniform(low, high), minutes=index % 1440)
    line = project_timeline(stage, created, rng, index=index)
    if line.approved:
        start = line.approved.date() + dt.timedelta(days=rng.randint(0, 14))
    else:
        start = (line.submitted or created).date() + dt.timedelta(days=rng.randint(14, 45))
    target = start + dt.timedelta(weeks=rng.choice([26, 39, 52]))
    if stage in Project.ACTIVE_STAGES and target < today:
        # Running late, as many do: the lead has moved the target on.
        target = today + dt.timedelta(weeks=rng.randint(4, 20))
    project_areas = [area]
    if index % 4 == 0 and len(theme.areas) > 1:  # some run in a second area of the theme
        project_areas.append(areas[theme.areas[(turn + 1) % len(theme.areas)]])
    return {
        "project": Project(
            title=full_title[:200],
            kind=theme.kind,
            aim=theme.aim.format(where=WHERE[area.name]),
            problem=theme.problem.format(where=WHERE[area.name]),
            department_id=area.department_id,
            lead_id=people[index % len(people)].pk,
            stage=stage,
            start_date=start,
            target_end_date=target,
            commitment_hours=Decimal(rng.choice(["1", "2", "3", "4", "6", "8"])),
            commitment_period=rng.choice(["week", "month"]),
            commitment_weeks=rng.choice([None, 6, 12, 26]),
            created_at=created,
            submitted_at=line.submitted,
            review_requested_at=(line.resubmitted or line.submitted)
            if stage == S.PROPOSED
            else None,
            stage_changed_at=line.stage_changed,
            approved_at=line.approved,
        ),
        "theme": theme,
        "area": area,
        "timeline": line,
        "areas": project_areas,
        "priority": priorities.get(theme.priority) if index % 3 else None,
        "co_lead": people[(index * 7 + 3) % len(people)] if index % 5 == 0 else None,
        "rng": rng,
    }


def demo_task(
    project: Project,
    line: Timeline,
    rng: random.Random,
    *,
    title: str,
    description: str,
    hours: str,
    status: str,
    claimed_by: int | None = None,
) -> Task:
    """A task with dates that fit its project: made once the project was approved (or with
    the draft), claimed and done while the team worked on it, due when such a task would be."""
    now, today = timezone.now(), timezone.localdate()
    begun = line.approved or project.created_at
    ends = line.finished or now
    created = begun + (ends - begun) * rng.uniform(0.05, 0.5)
    task = Task(
        project=project,
        title=title,
        description=description,
        estimated_hours=Decimal(hours),
        status=status,
        created_at=min(created, now - dt.timedelta(hours=2)),
    )
    if (status == Task.Status.OPEN and line.approved is None) or project.stage == S.ON_HOLD:
        # Not started yet, or paused: due once the work starts again.
        task.due_date = today + dt.timedelta(days=rng.randint(20, 90))
    elif status != Task.Status.DONE:
        # About one in seven live tasks has slipped past its date, by days rather than months.
        late = rng.random() < 0.15
        task.due_date = today + dt.timedelta(
            days=-rng.randint(1, 12) if late else rng.randint(4, 75)
        )
    if status != Task.Status.OPEN:
        task.claimed_by_id = claimed_by
        task.claimed_at = task.created_at + (ends - task.created_at) * rng.uniform(0.1, 0.6)
        task.last_activity_at = task.claimed_at
    if status == Task.Status.DONE:
        task.completed_at = task.claimed_at + (ends - task.claimed_at) * rng.uniform(0.2, 0.8)
        task.last_activity_at = task.completed_at
        task.actual_hours = Decimal(hours) + rng.choice([Decimal(0), Decimal("0.5")])
        task.due_date = timezone.localtime(task.completed_at).date() + dt.timedelta(
            days=rng.randint(0, 7)
        )
    return task


# What the team did and planned, by the stage it was in on the day of the update.
# What the team did and planned, by the stage it was in on the day of the update: the first
# update in a stage reads as the first, later ones as what followed.
UPDATE_TEXT = {
    S.PLANNING: [
        (
            "Agreed the aim and measures with {team}; baseline data on {data} under way.",
            "Finish the baseline and plan the first PDSA cycle.",
        ),
        (
            "Baseline of {data} collected; mapped the current process with {team}.",
            "Choose the first change to test from the process map.",
        ),
    ],
    S.TESTING: [
        (
            "First PDSA cycle: tested the change for a week and counted {data} each day.",
            "Adapt the change and test it again with the evening shift.",
        ),
        (
            "Second PDSA cycle, adapted after the first; the run chart of {data} is moving.",
            "Test on a second ward or team before deciding to adopt.",
        ),
        (
            "Third PDSA cycle: the change held with a different team; {data} still counted weekly.",
            "Agree with the champion whether to adopt the change.",
        ),
    ],
    S.IMPLEMENTING: [
        (
            "Adopted the change and began rolling it out {where}; {data} checked weekly.",
            "Write the new process into the standard operating procedure.",
        ),
        (
            "The new process is in the standard operating procedure; {data} still checked weekly.",
            "Add the change to induction for new starters.",
        ),
    ],
    S.SUSTAINING: [
        (
            "The monthly check of {data} shows the gain holding.",
            "Hand the monthly check over to {team}.",
        ),
        (
            "{team} now runs the monthly check of {data}; no slip since the last update.",
            "Write the closure report once three more months hold.",
        ),
    ],
}


def demo_updates(project, line: Timeline, rng: random.Random, words: dict) -> list:
    """Up to four progress updates a month or so apart, the last some days or weeks ago."""
    if line.approved is None:
        return []
    first = timezone.localtime(line.approved).date() + dt.timedelta(days=14)
    end = timezone.localtime(line.finished).date() if line.finished else timezone.localdate()
    days, day = [], end - dt.timedelta(days=rng.randint(1, 40))
    while day >= first and len(days) < 4:
        days.append(day)
        day -= dt.timedelta(days=rng.randint(25, 45))
    updates, in_stage = [], {}
    for day in reversed(days):
        stage = line.stage_at(timezone.make_aware(dt.datetime.combine(day, dt.time(12))))
        texts = UPDATE_TEXT[stage]
        done, next_steps = texts[min(in_stage.get(stage, 0), len(texts) - 1)]
        in_stage[stage] = in_stage.get(stage, 0) + 1
        updates.append(
            ProgressUpdate(
                project=project,
                author_id=project.lead_id,
                date=day,
                done=done.format(**words)[0].upper() + done.format(**words)[1:],
                next_steps=next_steps.format(**words),
                blockers="Data extraction depends on the BI team." if len(updates) == 1 else "",
            )
        )
    return updates


def _theme_words(theme: Theme, area) -> dict:
    return {
        "data": theme.data,
        "team": TEAMS.get(area.name, "the ward team"),
        "where": WHERE[area.name],
        "leaflet": theme.leaflet,
    }


def _reviewer(candidates: list[int], lead_id: int) -> int | None:
    """The first champion who does not lead the project (nobody reviews their own)."""
    return next((c for c in candidates if c != lead_id), None)


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

    areas = {area.name: area for area in department.clinical_areas.order_by("pk")}
    people = list(Person.objects.filter(department=department).order_by("pk").only("pk"))
    priorities = {
        p.name: p for p in StrategicPriority.objects.filter(department=department).order_by("pk")
    }
    skills = {skill.name: skill for skill in Skill.objects.all()}
    champions_by_area, all_champions = {}, []
    for area_id, person_id in (
        ChampionAssignment.objects.filter(clinical_area__department=department)
        .order_by("pk")
        .values_list("clinical_area_id", "person_id")
    ):
        champions_by_area.setdefault(area_id, []).append(person_id)
        all_champions.append(person_id)
    today = timezone.localdate()

    specs = [_project_spec(i, areas, people, priorities, today) for i in range(existing, count)]
    for spec in specs:
        project, line = spec["project"], spec["timeline"]
        champion_id = _reviewer(
            champions_by_area.get(spec["area"].pk, []) + all_champions, project.lead_id
        )
        spec["champion_id"] = champion_id
        if line.approved:
            project.mentor_id = project.approved_by_id = champion_id
        elif project.stage == S.PROPOSED:
            project.mentor_id = champion_id
    _assign_references([s["project"] for s in specs])
    Project.objects.bulk_create([s["project"] for s in specs], batch_size=5000)

    area_links, priority_links, co_lead_links = [], [], []
    openings, tasks, task_skills, updates, decisions, reports = [], [], [], [], [], []
    waiting_for_sign_off = False
    for spec in specs:
        project, rng, line, theme = spec["project"], spec["rng"], spec["timeline"], spec["theme"]
        words = _theme_words(theme, spec["area"])
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
        for title, hours, period, weeks in rng.sample(OPENINGS, rng.randint(0, 2)):
            openings.append(
                RoleOpening(
                    project=project,
                    title=title,
                    places=rng.randint(1, 3),
                    commitment_hours=hours,
                    commitment_period=period,
                    commitment_weeks=weeks,
                    is_open=project.stage in Project.ACTIVE_STAGES,
                )
            )
        fitting = [
            t for t in TASKS if project.stage in t[4] and (theme.leaflet or "{leaflet}" not in t[0])
        ]
        if line.declined:
            fitting = []
        elif project.stage in (S.ON_HOLD, S.CLOSED):
            fitting = [t for t in TASKS if S.PLANNING in t[4] and "{leaflet}" not in t[0]]
        for title, description, hours, needs, _stages in rng.sample(
            fitting, min(len(fitting), rng.randint(0, 3))
        ):
            if project.stage in (S.COMPLETED, S.CLOSED):
                status = Task.Status.DONE
            elif line.approved is None:
                status = Task.Status.OPEN
            else:
                status = rng.choice([Task.Status.OPEN, Task.Status.OPEN, Task.Status.CLAIMED])
            buddy = people[rng.randrange(len(people))].pk
            tasks.append(
                demo_task(
                    project,
                    line,
                    rng,
                    title=title.format(**words),
                    description=description.format(**words),
                    hours=hours,
                    status=status,
                    claimed_by=buddy,
                )
            )
            task_skills.append([skills[name] for name in needs if name in skills])
        updates += demo_updates(project, line, rng, words)
        champion_id = spec["champion_id"]
        if champion_id is None:
            continue
        if line.decided and not line.approved and not line.declined:
            decisions.append(
                ReviewDecision(
                    project=project,
                    champion_id=champion_id,
                    decision=ReviewDecision.Decision.CHANGES_REQUESTED,
                    comment="Please add a measure and a baseline.",
                    submitted_at=line.submitted,
                    decided_at=line.decided,
                )
            )
        elif line.declined:
            decisions.append(
                ReviewDecision(
                    project=project,
                    champion_id=champion_id,
                    decision=ReviewDecision.Decision.DECLINED,
                    reason=ReviewDecision.Reason.DUPLICATE,
                    comment="Joins up with an existing project instead.",
                    submitted_at=line.submitted,
                    decided_at=line.decided,
                )
            )
        elif line.approved:
            decisions.append(
                ReviewDecision(
                    project=project,
                    champion_id=champion_id,
                    decision=ReviewDecision.Decision.APPROVED,
                    submitted_at=line.submitted,
                    decided_at=line.approved,
                )
            )
        waiting_since = timezone.now() - dt.timedelta(days=3)
        if (
            project.stage == S.SUSTAINING
            and not waiting_for_sign_off
            and project.stage_changed_at < waiting_since - dt.timedelta(days=14)
        ):
            # One report the lead has just sent for sign-off: the mentor's queue is not empty.
            waiting_for_sign_off = True
            reports.append(
                ClosureReport(
                    project=project,
                    outcomes=f"Aim: {project.aim} Met, and held since the change went in.",
                    impact=theme.result,
                    lessons="Start small, with the people who do the work, and count weekly.",
                    sustainability="Added to the monthly audit and to induction.",
                    written_by_id=project.lead_id,
                    written_at=waiting_since,
                    submitted_at=waiting_since,
                )
            )
        if project.stage == S.COMPLETED:
            written = line.finished - dt.timedelta(days=rng.randint(5, 20))
            reports.append(
                ClosureReport(
                    project=project,
                    outcomes=f"Aim: {project.aim} Met within the planned time, and held.",
                    impact=theme.result,
                    lessons="Start small, with the people who do the work, and count weekly.",
                    sustainability="Added to the monthly audit and to induction.",
                    written_by_id=project.lead_id,
                    written_at=written,
                    submitted_at=written,
                    signed_off_by_id=champion_id,
                    signed_off_at=line.finished,
                )
            )

    Project.clinical_areas.through.objects.bulk_create(area_links, batch_size=10000)
    Project.strategic_priorities.through.objects.bulk_create(priority_links, batch_size=10000)
    Project.co_leads.through.objects.bulk_create(co_lead_links, batch_size=10000)
    RoleOpening.objects.bulk_create(openings, batch_size=10000)
    memberships, interests = [], []
    for n, opening in enumerate(openings):
        project = opening.project
        if project.approved_at is None:
            continue
        # Fill some places, leave others for the demo logins to apply for.
        for k in range(n % (opening.places + 1)):
            member = people[(project.pk * 13 + n * 7 + k) % len(people)]
            if member.pk == project.lead_id or member.pk == project.mentor_id:
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
                    joined_on=min(today, project.start_date + dt.timedelta(days=7 * k)),
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
    ReviewDecision.objects.bulk_create(decisions, batch_size=10000)
    ClosureReport.objects.bulk_create(reports, batch_size=10000)
    Task.skills_needed.through.objects.bulk_create(
        [
            Task.skills_needed.through(task_id=task.pk, skill_id=skill.pk)
            for task, needed in zip(tasks, task_skills, strict=True)
            for skill in needed
        ],
        batch_size=10000,
    )
    refresh_search_vectors(Project.objects.filter(pk__in=[s["project"].pk for s in specs]))
    _seed_audit_links([s["project"] for s in specs])
    _seed_staff_story(department)
    return len(specs)


def _assign_references(projects: list[Project]) -> None:
    """Number the submitted projects in the order they were submitted, as submission would."""
    counters = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    for project in sorted(projects, key=lambda p: p.submitted_at or p.created_at):
        if project.submitted_at:
            year = project.submitted_at.year
            counters[year] = counters.get(year, 0) + 1
            project.reference = f"QI-{year}-{counters[year]:03d}"
    for year, last in counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})


def _seed_audit_links(projects: list[Project]) -> None:
    """Audits that led to QI projects: some QI projects follow an earlier audit."""
    audits = [p for p in projects if p.kind == Project.Kind.CLINICAL_AUDIT and p.submitted_at]
    follow_ons = [
        p
        for p in projects
        if p.kind == Project.Kind.QI_PROJECT and p.stage in Project.ACTIVE_STAGES
    ]
    linked = []
    for audit, project in zip(audits[::3], follow_ons[::5], strict=False):
        if audit.created_at < project.created_at:
            project.derived_from_id = audit.pk
            linked.append(project)
    Project.objects.bulk_update(linked, ["derived_from"], batch_size=5000)


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
    # Tasks in the areas where Sam works, if there are two.
    in_areas = candidates.filter(project__clinical_areas__in=staff.clinical_areas.all())
    chosen = list(in_areas.distinct()[:2])
    chosen += [task for task in candidates[:2] if task not in chosen][: 2 - len(chosen)]
    for task, status in zip(chosen, [Task.Status.CLAIMED, Task.Status.DONE], strict=False):
        task.status, task.claimed_by = status, staff
        task.claimed_at = max(now - dt.timedelta(days=3), task.created_at + dt.timedelta(hours=1))
        task.last_activity_at = task.claimed_at
        if status == Task.Status.DONE:
            task.completed_at = task.claimed_at + (now - task.claimed_at) / 2
            task.last_activity_at = task.completed_at
            task.actual_hours = Decimal("2")
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


# The trust's other departments (qiregister.demo.people.OTHER_DEPARTMENTS): a handful of
# hand-written projects each, and the cross-department projects. Each is added once, found
# by its title.
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
    skills: tuple[str, ...] = ("Data collection",)  # qiregister.demo.people.SKILLS
    description: str = "The data sheet is in the project folder."


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
            DemoTask(
                "Count falls per 1,000 bed days from the incident system",
                "1.5",
                "nurse",
                skills=("Data collection", "Excel and data analysis"),
            ),
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
            DemoTask(
                "Teach the escalation flowchart at two safety huddles",
                "1",
                "ifeoma.eze",
                skills=("Teaching",),
                description="Five minutes at each huddle; bring the laminated flowchart.",
            ),
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
        tasks=(
            DemoTask(
                "Re-audit SSKIN documentation",
                "3",
                "paul.reid",
                done=True,
                skills=("Data collection", "Audit design"),
            ),
        ),
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
        tasks=(
            DemoTask(
                "Observe five handovers and note what is missed",
                "2.5",
                description="Record what is missed on the SBAR checklist.",
            ),
        ),
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
        tasks=(
            DemoTask(
                "Phone ten patients about their visit times",
                "2",
                skills=("Patient engagement",),
                description="Ask whether the agreed window suits them and their meals.",
            ),
        ),
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
            DemoTask(
                "Draft the weekend handover sheet",
                "1.5",
                "therapist",
                skills=("Writing and editing",),
                description="One side of A4 the weekend team can fill in by hand.",
            ),
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
        tasks=(
            DemoTask(
                "Tally home visit referrals and outcomes for November",
                "2",
                skills=("Data collection", "Excel and data analysis"),
            ),
        ),
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
        tasks=(
            DemoTask(
                "Re-audit MUST screening for 50 admissions",
                "4",
                "erin.campbell",
                done=True,
                skills=("Data collection", "Audit design"),
            ),
        ),
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
        tasks=(
            DemoTask(
                "Find the national stroke audit's swallow screen data",
                "1",
                skills=("Literature search",),
                description="The latest national report, and how other stroke units compare.",
            ),
        ),
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
            DemoTask(
                "Review falls-risk medicines for ten patients who fell",
                "3",
                description="Record each review on the audit sheet in the project folder.",
            ),
            DemoTask(
                "Map how the mobility plan is handed over to nurses",
                "2",
                skills=("Process mapping",),
                description="Walk through one handover with a therapist and a nurse.",
            ),
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
        rng = random.Random(spec.title)  # noqa: S311 - demo data, not security
        created = now - dt.timedelta(days=spec.days_ago)
        line = project_timeline(spec.stage, created, rng)
        start = ((line.approved or created) + dt.timedelta(days=rng.randint(3, 14))).date()
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
            submitted_at=line.submitted,
            stage_changed_at=line.stage_changed,
            approved_at=line.approved,
            headline_impact=spec.headline,
        )
        if spec.stage == S.PROPOSED:
            project.review_requested_at = line.submitted
        elif line.submitted and spec.stage != S.CLOSED:
            # The area's champion mentors it; another of the department's champions when the
            # lead is that champion or the area has none.
            candidates = [c for a in project_areas for c in champions.get(a.pk, [])]
            candidates += department_champions.get(spec.department, [])
            project.mentor_id = next((c for c in candidates if c != lead.pk), None)
            if project.approved_at:
                project.approved_by_id = project.mentor_id
        projects.append((spec, project, project_areas, line, rng))
    _assign_references([p[1] for p in projects])
    Project.objects.bulk_create([p[1] for p in projects])

    links = {"areas": [], "priorities": [], "partners": []}
    openings, tasks, task_skills, updates, decisions, reports = [], [], [], [], [], []
    memberships = []
    skills = {skill.name: skill for skill in Skill.objects.all()}
    for spec, project, project_areas, line, rng in projects:
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
        openings += [
            RoleOpening(
                project=project,
                title=title,
                places=1,
                commitment_hours=Decimal(2),
                commitment_period="week",
                commitment_weeks=12,
                is_open=spec.stage in Project.ACTIVE_STAGES,
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
                joined_on=min(project.start_date, timezone.localdate()),
            )
            for username in spec.members
            if username in people and people[username].pk != project.lead_id
        ]
        for planned in spec.tasks:
            buddy = people.get(planned.claimed_by)
            if buddy is None:
                status = Task.Status.OPEN
            else:
                status = Task.Status.DONE if planned.done else Task.Status.CLAIMED
            tasks.append(
                demo_task(
                    project,
                    line,
                    rng,
                    title=planned.title,
                    description=planned.description,
                    hours=planned.hours,
                    status=status,
                    claimed_by=buddy.pk if buddy else None,
                )
            )
            task_skills.append([skills[name] for name in planned.skills if name in skills])
        words = {
            "data": "the measures",
            "team": "the team",
            "where": "across " + " and ".join(spec.areas).lower(),
            "leaflet": "",
        }
        updates += demo_updates(project, line, rng, words)
        if line.approved and project.mentor_id:
            decisions.append(
                ReviewDecision(
                    project=project,
                    champion_id=project.mentor_id,
                    decision=ReviewDecision.Decision.APPROVED,
                    submitted_at=line.submitted,
                    decided_at=line.approved,
                )
            )
            if spec.stage == S.COMPLETED:
                written = line.finished - dt.timedelta(days=rng.randint(5, 20))
                reports.append(
                    ClosureReport(
                        project=project,
                        outcomes=f"Aim: {spec.aim} Met, and held for three months.",
                        impact=spec.headline,
                        lessons="Test on one ward first, with the people who do the work.",
                        sustainability="Part of the monthly ward audit and of induction.",
                        written_by_id=project.lead_id,
                        written_at=written,
                        submitted_at=written,
                        signed_off_by_id=project.mentor_id,
                        signed_off_at=line.finished,
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
    Task.skills_needed.through.objects.bulk_create(
        [
            Task.skills_needed.through(task_id=task.pk, skill_id=skill.pk)
            for task, needed in zip(tasks, task_skills, strict=True)
            for skill in needed
        ]
    )
    refresh_search_vectors(Project.objects.filter(pk__in=[p[1].pk for p in projects]))
    return len(projects)
