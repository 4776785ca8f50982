"""The demo tells one believable story: every fact shown on a project is
about that project's topic, its clinical area fits its title and aim, and its dates read like a
department's real history. A hospital pharmacist shown the demo checks exactly these things.

The demo is seeded once for the module (about half a minute) inside a transaction rolled back at
the end, and each test reads it: seeding it for each test would cost minutes.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from measurement.figures import (
    kept,
    kept_priorities,
    kept_taking_part,
    recount,
    recount_priorities,
    recount_taking_part,
)
from measurement.models import DataPoint, Measure, PDSACycle, Saving
from projects.models import ClosureReport, Membership, ProgressUpdate, Project, ReviewDecision, Task
from recognition.models import Nomination, Poster, ShowcaseSlot
from tests.conftest import built_once

# Each topic of the demo (found by a word of the project's title) and the words of which every
# fact about such a project (headline, measure, saving, PDSA change, closure report, task) must
# contain at least one. Curated by hand, not read from the seeding code, so that the test checks
# the demo instead of repeating it.
TOPICS = {
    "omitted": ("omitted", "time-critical", "missed dose"),
    "discharge prescriptions": ("discharge",),
    "iv to oral": ("iv to oral", "oral switch", "antibiotic", "iv doses"),
    "reconciliation": ("reconcil",),
    "returned patient medicines": ("returned", "reuse", "returns", "waste"),
    "insulin": ("insulin",),
    "aseptic": ("aseptic", "batch"),
    "dispensary turnaround": ("dispens", "outpatient prescription"),
    "inhaler": ("inhaler",),
    "anticoagulant": ("anticoagulant", "doac", "warfarin"),
    "oral syringe": ("syringe",),
    "controlled drug": ("controlled drug", "cd register"),
    "biosimilar": ("biosimilar", "adalimumab"),
    "deprescribing": ("deprescrib", "polypharmacy", "medication review"),
    "enquiry": ("enquir",),
    "chemotherapy": ("chemotherapy",),
}
# A word in a project's title or aim, and the clinical areas such a project belongs to.
AREA_WORDS = {
    "surgical": {"Surgery", "Surgical wards"},
    "theatre": {"Surgery", "Surgical wards"},
    "paediatric": {"Paediatrics"},
    "children": {"Paediatrics"},
    "aseptic": {"Aseptics"},
    "chemotherapy": {"Oncology", "Aseptics"},
    "dispensary": {"Dispensary"},
    "medicines information": {"Medicines information"},
    "emergency department": {"Emergency department"},
    "critical care": {"Critical care"},
    "acute medical": {"Acute medicine", "Acute medical unit"},
}
# Areas without wards, where nothing happens "on the wards".
NO_WARDS = {"Dispensary", "Aseptics", "Medicines information"}
# A skill needed by a task, and the words of which the task's title or description contains one.
SKILL_WORDS = {
    "Data collection": ("collect", "audit", "count", "tally", "check", "spot-check", "record"),
    "Audit design": ("audit", "data sheet", "sample"),
    "Excel and data analysis": ("spreadsheet", "analyse", "tally", "count", "chart", "data"),
    "Process mapping": ("map", "process", "walk through"),
    "Patient engagement": ("patient", "carer", "leaflet", "phone"),
    "Writing and editing": ("write", "draft", "leaflet", "sheet", "poster", "guide"),
    "Teaching": ("teach", "present", "brief", "train", "huddle"),
    "Literature search": ("literature", "search", "guidance", "national"),
    "Run charts and SPC": ("run chart", "spc", "chart"),
    "Stakeholder engagement": ("agree", "meet", "ward team", "present", "consultant", "brief"),
}
DEMO_PASSWORD = "demo-pass-1"  # noqa: S105 - a test's demo data


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """`seed_demo` as `make run` seeds it, once for the module's tests (each in its own savepoint),
    with its posters in a throwaway folder."""
    yield from built_once(
        django_db_blocker,
        tmp_path_factory.mktemp("media"),
        lambda: call_command("seed_demo", "--password", DEMO_PASSWORD),
    )


@pytest.fixture
def projects(demo, db):
    return list(
        Project.objects.order_by("pk")
        .select_related("impact", "department")
        .prefetch_related("clinical_areas")
    )


def topic_of(project: Project) -> str | None:
    title = project.title.split(": ")[0].lower()  # not the area: "Aseptics" is no topic
    return next((topic for topic in TOPICS if topic in title), None)


def on_topic(text: str, topic: str) -> bool:
    text = text.lower()
    return any(word in text for word in TOPICS[topic])


def test_every_pharmacy_project_has_a_demo_topic(projects):
    pharmacy = [p for p in projects if p.department.slug == "pharmacy"]
    assert len(pharmacy) == 61
    assert [p.title for p in pharmacy if topic_of(p) is None] == []


def test_headlines_measures_savings_and_cycles_are_about_their_project(projects):
    wrong = []
    for project in projects:
        topic = topic_of(project)
        if topic is None:
            continue
        facts = [("headline", project.headline_impact)] if project.headline_impact else []
        facts += [
            ("measure", m.name) for m in project.measures.exclude(kind=Measure.Kind.BALANCING)
        ]
        facts += [("saving", s.description) for s in project.savings.all()]
        facts += [("PDSA change", c.change_idea) for c in project.pdsa_cycles.all()]
        if hasattr(project, "impact"):
            facts.append(("patient benefit", project.impact.patient_benefit_narrative))
        report = ClosureReport.objects.filter(project=project).first()
        if report is not None:
            facts += [("closure outcomes", report.outcomes), ("closure impact", report.impact)]
        wrong += [
            f"{project.title}: {kind} {text!r}" for kind, text in facts if not on_topic(text, topic)
        ]
    assert wrong == []


def test_the_board_and_the_awards_speak_of_the_project_they_show(demo, db):
    wrong = []
    for nomination in Nomination.objects.filter(project__isnull=False).select_related("project"):
        topic = topic_of(nomination.project)
        if topic and not on_topic(nomination.citation, topic):
            wrong.append(f"{nomination.project.title}: {nomination.citation!r}")
    for poster in Poster.objects.select_related("project"):
        # A poster shows its project's headline: it has one, on its topic.
        topic = topic_of(poster.project)
        if not poster.project.headline_impact or (
            topic and not on_topic(poster.project.headline_impact, topic)
        ):
            wrong.append(f"poster of {poster.project.title}")
    assert wrong == []
    # The measured outcome a headline quotes is the one the project measures.
    omitted = Project.objects.filter(headline_impact__icontains="omitted").get()
    assert omitted.measures.filter(name__icontains="omitted").exists()


def test_each_project_is_filed_under_areas_its_title_and_aim_name(projects):
    wrong = []
    for project in projects:
        areas = {area.name for area in project.clinical_areas.all()}
        text = f"{project.title} {project.aim}".lower()
        for word, fitting in AREA_WORDS.items():
            if word in text and not areas & fitting:
                wrong.append(f"{project.title}: {word!r} but filed under {sorted(areas)}")
        if "ward" in text and areas <= NO_WARDS:
            wrong.append(f"{project.title}: wards but filed under {sorted(areas)}")
        if ": " in project.title:
            named = project.title.split(": ")[-1].split(" (round")[0]
            if named in {a.name for a in project.department.clinical_areas.all()}:
                assert named in areas, project.title
    assert wrong == []


def test_tasks_are_about_their_project_and_need_skills_they_use(demo, db):
    wrong = []
    tasks = Task.objects.select_related("project").prefetch_related("skills_needed")
    for task in tasks:
        text = f"{task.title} {task.description}".lower()
        topic = topic_of(task.project)
        if topic and task.project.department.slug == "pharmacy" and not on_topic(text, topic):
            wrong.append(f"{task.project.title}: task {task.title!r} is off the topic")
        for skill in task.skills_needed.all():
            if not any(word in text for word in SKILL_WORDS[skill.name]):
                wrong.append(f"{task.title!r} needs {skill.name!r}")
    assert wrong == []
    assert not Task.objects.filter(skills_needed__isnull=True).exists()


def test_each_project_moves_forward_in_time(projects):
    now = timezone.now()
    wrong = []
    for p in projects:
        dates = [("created", p.created_at), ("submitted", p.submitted_at)]
        dates += [("approved", p.approved_at), ("stage changed", p.stage_changed_at)]
        known = [(name, when) for name, when in dates if when is not None]
        for (earlier, first), (later, second) in zip(known, known[1:], strict=False):
            if first > second:
                wrong.append(f"{p.title}: {later} {second:%Y-%m-%d} before {earlier}")
        if p.stage_changed_at > now:
            wrong.append(f"{p.title}: stage changed in the future")
        approval = p.decisions.filter(decision=ReviewDecision.Decision.APPROVED).first()
        if p.approved_at is not None:
            assert approval is not None, p.title
            assert (approval.decided_at, approval.champion_id) == (p.approved_at, p.approved_by_id)
        elif p.stage == Project.Stage.CLOSED:
            # Closed without approval: declined, on the day the stage changed.
            declined = p.decisions.get(decision=ReviewDecision.Decision.DECLINED)
            assert declined.decided_at == p.stage_changed_at, p.title
        for decision in p.decisions.all():
            assert p.created_at <= decision.submitted_at <= decision.decided_at <= now, p.title
        if p.stage == Project.Stage.IDEA:
            assert p.stage_changed_at == p.created_at, p.title
        if p.stage == Project.Stage.PROPOSED:
            assert p.review_requested_at <= now, p.title
            assert p.stage_changed_at <= p.review_requested_at, p.title
    assert wrong == []


def test_days_in_stage_look_like_a_real_department(projects):
    today = timezone.localdate()
    days = [(today - timezone.localtime(p.stage_changed_at).date()).days for p in projects]
    assert sum(1 for d in days if d > 0) >= 0.9 * len(days)
    assert len(set(days)) >= len(days) // 2
    assert statistics.median(days) >= 14
    # Nothing in planning for years: the longest stays are in sustaining, on hold or finished.
    for project, in_stage in zip(projects, days, strict=True):
        if project.stage in (Project.Stage.PROPOSED, Project.Stage.PLANNING):
            assert in_stage <= 200, project.title


def test_updates_cycles_data_and_reports_fall_within_the_project(projects):
    today = timezone.localdate()
    by_pk = {p.pk: p for p in projects}
    wrong = []
    for update in ProgressUpdate.objects.all():
        p = by_pk[update.project_id]
        start = timezone.localtime(p.approved_at or p.created_at).date()
        end = timezone.localtime(p.stage_changed_at).date()
        if p.approved_at is None:
            wrong.append(f"{p.title}: a progress update but never approved")
        if p.stage in Project.ACTIVE_STAGES:
            end = today  # still being worked on; finished or paused projects stop at the change
        if not start <= update.date <= min(today, end):
            wrong.append(f"{p.title}: progress update on {update.date}")
    dates = Counter((u.project_id, u.date) for u in ProgressUpdate.objects.all())
    assert [key for key, n in dates.items() if n > 1] == []
    for cycle in PDSACycle.objects.all():
        p = by_pk[cycle.project_id]
        if not timezone.localtime(p.approved_at).date() <= cycle.start_date <= today:
            wrong.append(f"{p.title}: PDSA cycle {cycle.number} on {cycle.start_date}")
    for measure in Measure.objects.prefetch_related("points"):
        p = by_pk[measure.project_id]
        days = [point.date for point in measure.points.all()]
        gaps = {(b - a).days for a, b in zip(days, days[1:], strict=False)}
        if measure.kind != Measure.Kind.BALANCING and gaps != {7}:
            wrong.append(f"{p.title}: {measure.name} not weekly ({sorted(gaps)})")
        if days[0] < timezone.localtime(p.created_at).date():
            wrong.append(f"{p.title}: {measure.name} starts before the project")
        last_day = today if p.stage in Project.ACTIVE_STAGES else p.stage_changed_at.date()
        if not last_day - dt.timedelta(days=21) <= days[-1] <= last_day:
            wrong.append(f"{p.title}: {measure.name} ends on {days[-1]}")
    assert not DataPoint.objects.filter(date__gt=today).exists()
    for report in ClosureReport.objects.select_related("project"):
        p = report.project
        if report.signed_off_at is None:  # waiting for sign-off, sent after the last move
            assert p.stage == Project.Stage.SUSTAINING, p.title
            assert p.stage_changed_at < report.written_at <= report.submitted_at, p.title
            continue
        assert p.approved_at < report.written_at <= report.signed_off_at, p.title
        assert report.written_at <= report.submitted_at <= report.signed_off_at, p.title
        assert report.signed_off_at == p.stage_changed_at, p.title
    assert ClosureReport.objects.filter(signed_off_at__isnull=True).exists()
    for saving in Saving.objects.select_related("project"):
        p = saving.project
        assert p.approved_at < saving.claimed_at <= timezone.now(), p.title
        if saving.validated_at:
            assert saving.claimed_at <= saving.validated_at, p.title
    for membership in Membership.objects.select_related("project"):
        p = membership.project
        assert p.approved_at is not None, p.title
        assert timezone.localtime(p.approved_at).date() <= membership.joined_on <= today
    assert wrong == []


def test_tasks_are_due_and_done_when_their_project_allows(projects):
    today, now = timezone.localdate(), timezone.now()
    by_pk = {p.pk: p for p in projects}
    wrong = []
    live_due = []
    for task in Task.objects.all():
        p = by_pk[task.project_id]
        if task.created_at < p.created_at:
            wrong.append(f"{task.title} created before its project")
        if p.approved_at is None and task.status != Task.Status.OPEN:
            wrong.append(f"{p.title}: {task.title} taken on an unapproved project")
        if p.stage in (Project.Stage.COMPLETED, Project.Stage.CLOSED):
            if task.status != Task.Status.DONE and task.due_date and task.due_date < today:
                wrong.append(f"{p.title}: {task.title} overdue on a finished project")
            if task.completed_at and task.completed_at > p.stage_changed_at:
                wrong.append(f"{p.title}: {task.title} done after the project finished")
        if task.claimed_at and not p.approved_at <= task.claimed_at <= now:
            wrong.append(f"{p.title}: {task.title} claimed on {task.claimed_at:%Y-%m-%d}")
        if task.claimed_at and task.claimed_at < task.created_at:
            wrong.append(f"{p.title}: {task.title} claimed on {task.claimed_at:%Y-%m-%d}")
        if task.completed_at and not task.claimed_at <= task.completed_at <= now:
            wrong.append(f"{p.title}: {task.title} done on {task.completed_at:%Y-%m-%d}")
        if p.stage in Project.ACTIVE_STAGES and task.status != Task.Status.DONE:
            live_due.append(task.due_date)
    assert wrong == []
    overdue = sum(1 for due in live_due if due < today)
    # A few overdue, as in any department; most due in the coming weeks.
    assert 0 < overdue <= len(live_due) // 4
    assert len(set(live_due)) >= len(live_due) // 2


def test_showcase_talks_come_after_approval_and_finished_work_has_no_open_roles(demo, db):
    for slot in ShowcaseSlot.objects.select_related("project", "session"):
        assert slot.project.approved_at is not None, slot.project.title
        assert slot.project.approved_at < slot.session.starts_at, slot.project.title
    finished = Project.objects.filter(stage__in=[Project.Stage.COMPLETED, Project.Stage.CLOSED])
    assert not finished.filter(role_openings__is_open=True).exists()


def test_seeding_leaves_the_summaries_the_pages_read_right(demo, db):
    # Seeding writes in bulk (bulk_create, QuerySet.update); the triggers follow every row.
    assert kept() == recount()
    assert kept_priorities() == recount_priorities()
    assert kept_taking_part() == recount_taking_part()
    # The demo has projects, tasks and teams to count.
    assert kept()
    assert kept_taking_part()
