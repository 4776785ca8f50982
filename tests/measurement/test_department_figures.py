"""The department figures summary (`DepartmentFigures`), kept by database triggers: after each
change made through the web, the services, the admin's way of saving (a model's save and
delete) or a bulk write, the figures kept equal a recount of every project, and the pages show
what a count of every project (the pages' former queries) gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measurement import services as measurement_services
from measurement.figures import (
    kept,
    kept_priorities,
    kept_taking_part,
    rebuild_department_figures,
    recount,
    recount_priorities,
    recount_taking_part,
)
from measurement.models import DepartmentFigures, Saving
from people.models import Department, Person
from projects import services as project_services
from projects.models import Membership, Project, ReviewDecision, StrategicPriority, Task
from tests.factories import (
    DepartmentFactory,
    PersonFactory,
    ProjectFactory,
    StrategicPriorityFactory,
    TaskFactory,
    UserFactory,
)
from tests.helpers import project_edit_data, proposal_data, race, trust_qi_team_group

FIGURES = (
    "projects_proposed",
    "projects_active",
    "projects_completed",
    "open_tasks",
    "validated_one_off",
    "validated_recurring",
)


@pytest.fixture
def trust_member(db):
    person = PersonFactory(
        department=DepartmentFactory(name="Quality and safety", slug="quality"),
        user=UserFactory(username="trust-qi"),
    )
    person.user.groups.add(trust_qi_team_group())
    return person


def _count(queryset, field: str):
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def counted_the_old_way() -> dict[str, dict[str, Decimal | int]]:
    """Each department's figures as the pages counted them before the summary: a correlated
    subquery over every project, task and saving for each figure."""
    submitted = Project.objects.filter(department=OuterRef("pk"), submitted_at__isnull=False)
    active = submitted.filter(stage__in=Project.ACTIVE_STAGES)
    open_tasks = Task.objects.filter(
        status=Task.Status.OPEN,
        project__department=OuterRef("pk"),
        project__submitted_at__isnull=False,
        project__stage__in=Project.ACTIVE_STAGES,
    )

    def validated(kind: str):
        rows = (
            Saving.objects.filter(
                project__department=OuterRef("pk"), kind=kind, validated_by__isnull=False
            )
            .order_by()
            .values("project__department")
            .annotate(total=Sum("validated_amount"))
            .values("total")
        )
        return Coalesce(Subquery(rows), 0, output_field=DecimalField())

    departments = Department.objects.annotate(
        projects_active=_count(active, "department"),
        projects_proposed=_count(submitted.filter(stage=Project.Stage.PROPOSED), "department"),
        projects_completed=_count(submitted.filter(stage=Project.Stage.COMPLETED), "department"),
        open_tasks=_count(open_tasks, "project__department"),
        validated_one_off=validated(Saving.Kind.ONE_OFF),
        validated_recurring=validated(Saving.Kind.RECURRING),
    )
    return {d.slug: {name: getattr(d, name) for name in FIGURES} for d in departments}


def taking_part_the_old_way() -> dict[str, int]:
    """Each department's staff taking part now, as the trust page counted them before the
    summary: a join of its people with every project, team and claimed task."""
    taking_part = Person.objects.filter(department=OuterRef("pk")).filter(
        Q(led_projects__stage__in=Project.ACTIVE_STAGES)
        | Q(co_led_projects__stage__in=Project.ACTIVE_STAGES)
        | Q(
            pk__in=Membership.objects.filter(
                left_on__isnull=True, project__stage__in=Project.ACTIVE_STAGES
            ).values("person_id")
        )
        | Q(pk__in=Task.objects.filter(status=Task.Status.CLAIMED).values("claimed_by_id"))
    )
    counted = taking_part.order_by().values("department").annotate(n=Count("pk", distinct=True))
    departments = Department.objects.annotate(
        n=Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)
    )
    return {d.slug: d.n for d in departments}


def shown_on_the_trust_page(client) -> dict[str, dict[str, Decimal | int]]:
    response = client.get(reverse("people:trust"))
    assert response.status_code == 200
    return {
        d.slug: {name: getattr(d, name) for name in (*FIGURES, "staff_taking_part")}
        for d in response.context["departments"]
    }


def priorities_shown(client, department: Department) -> dict[int, int]:
    response = client.get(reverse("people:department", args=[department.slug]))
    return {p.pk: p.projects_count for p in response.context["priorities"]}


def priorities_counted_the_old_way(department: Department) -> dict[int, int]:
    priorities = StrategicPriority.objects.filter(department=department).annotate(
        n=Count("projects", filter=Q(projects__submitted_at__isnull=False))
    )
    return {p.pk: p.n for p in priorities}


def assert_kept_right(trust) -> None:
    assert kept() == recount()
    assert kept_priorities() == recount_priorities()
    assert kept_taking_part() == recount_taking_part()
    old_way, taking_part = counted_the_old_way(), taking_part_the_old_way()
    for slug, figures in old_way.items():
        figures["staff_taking_part"] = taking_part[slug]
    assert shown_on_the_trust_page(trust()) == old_way
    for department in Department.objects.all():
        assert priorities_shown(trust(), department) == priorities_counted_the_old_way(department)


def test_figures_follow_a_year_of_changes_through_the_web_services_admin_and_bulk_writes(
    client_for, staff, manager, champion, outsider, acute_medicine, trust_member
):
    def trust():  # `client_for` signs the one test client in as someone else each time
        return client_for(trust_member)

    pharmacy, nursing = staff.department, outsider.department
    safety, flow = (StrategicPriorityFactory(department=pharmacy) for _ in range(2))
    nursing_priority = StrategicPriorityFactory(department=nursing)
    assert_kept_right(trust)

    # Proposed through the web, approved by a champion, moved on by its lead.
    response = client_for(staff).post(
        reverse("projects:create"), {**proposal_data(acute_medicine), "submit": "1"}
    )
    assert response.status_code == 302
    project = Project.objects.get(title=proposal_data(acute_medicine)["title"])
    assert project.stage == Project.Stage.PROPOSED
    project.strategic_priorities.set([safety, flow])
    assert_kept_right(trust)
    project_services.review_decide(
        project=project, champion=champion, decision=ReviewDecision.Decision.APPROVED
    )
    project.refresh_from_db()
    assert_kept_right(trust)
    response = client_for(staff).post(
        reverse("projects:edit", args=[project.pk]),
        project_edit_data(project, stage=Project.Stage.TESTING),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Project.Stage.TESTING
    assert_kept_right(trust)

    # A co-lead, a member who joins through a request, one who leaves, a new lead.
    colleague, joiner = PersonFactory(department=pharmacy), PersonFactory(department=pharmacy)
    project.co_leads.add(colleague)
    project_services.interest_decide(
        interest_id=project_services.interest_express(project=project, person=joiner).pk,
        decided_by=staff,
        accept=True,
    )
    assert_kept_right(trust)
    Membership.objects.filter(project=project, person=joiner).update(left_on=F("joined_on"))
    Membership.objects.create(project=project, person=manager)
    project.co_leads.remove(colleague)
    assert_kept_right(trust)
    project.lead = colleague
    project.save(update_fields=["lead"])
    assert_kept_right(trust)

    # Tasks added, claimed, done, reopened and deleted.
    first, second, third = (TaskFactory(project=project) for _ in range(3))
    assert_kept_right(trust)
    project_services.task_claim(task_id=first.pk, person=manager)
    project_services.task_complete(task_id=first.pk, actual_hours=Decimal(3))
    project_services.task_claim(task_id=second.pk, person=staff)
    assert_kept_right(trust)
    project_services.task_release(task_id=second.pk)
    third.delete()
    assert_kept_right(trust)

    # Savings claimed through the web, validated by a champion, one withdrawn, one re-kinded.
    for kind, amount in (("recurring", "15000"), ("one_off", "2500"), ("one_off", "40")):
        response = client_for(colleague).post(
            reverse("measurement:saving_create", args=[project.pk]),
            {"description": f"Saving of {amount}", "amount": amount, "kind": kind},
        )
        assert response.status_code == 302
    recurring, one_off, small = project.savings.order_by("pk")
    response = client_for(champion).post(
        reverse("measurement:saving_validate", args=[project.pk, recurring.pk]),
        {"validated_amount": "12000", "validation_note": "Checked with finance"},
    )
    assert response.status_code == 302
    measurement_services.saving_validate(
        saving_id=one_off.pk, champion=champion, amount=None, note="Checked"
    )
    assert_kept_right(trust)
    measurement_services.saving_withdraw(saving_id=small.pk)
    one_off.refresh_from_db()
    one_off.kind = Saving.Kind.RECURRING  # as the admin saves it
    one_off.save()
    assert_kept_right(trust)

    # Moved to another department as the admin does, tasks and savings with it; areas changed.
    project.department = nursing
    project.save()
    project.clinical_areas.clear()
    project.strategic_priorities.set([nursing_priority])
    assert_kept_right(trust)

    # Completed, another closed, a draft with a validated saving, then deletes.
    Project.objects.filter(pk=project.pk).update(stage=Project.Stage.COMPLETED)
    closed = ProjectFactory(lead=staff, stage=Project.Stage.PLANNING)
    TaskFactory(project=closed)
    closed.stage = Project.Stage.CLOSED
    closed.save(update_fields=["stage"])
    draft = ProjectFactory(lead=staff, draft=True)
    draft.strategic_priorities.add(safety, flow)
    assert_kept_right(trust)
    project_services.project_submit(project=draft)
    flow.delete()
    Saving.objects.create(
        project=draft,
        description="Fewer agency shifts",
        amount=Decimal(900),
        kind=Saving.Kind.ONE_OFF,
        claimed_by=staff,
        validated_amount=Decimal(800),
        validated_by=champion,
    )
    assert_kept_right(trust)
    Task.objects.bulk_create([Task(**_task_fields(closed)) for _ in range(4)])
    Task.objects.filter(project=closed).update(project=project)
    assert_kept_right(trust)
    draft.delete()
    project.delete()
    assert_kept_right(trust)
    assert DepartmentFigures.objects.filter(department=pharmacy).exists()


def _task_fields(project: Project) -> dict:
    task = TaskFactory.build(project=project)
    return {
        field.attname: getattr(task, field.attname)
        for field in Task._meta.concrete_fields
        if not field.primary_key
    }


def test_rebuild_recounts_figures_that_went_wrong(staff, champion):
    project = ProjectFactory(lead=staff, stage=Project.Stage.TESTING)
    TaskFactory(project=project)
    right = recount()
    DepartmentFigures.objects.update(projects=99, open_tasks=-3)  # a row gone wrong
    DepartmentFigures.objects.filter(stage=Project.Stage.TESTING).delete()  # a row lost
    assert kept() != right
    rebuild_department_figures()
    assert kept() == right


@pytest.mark.django_db(transaction=True)
def test_simultaneous_changes_to_one_department_lose_no_update(staff, manager):
    # Tasks on different projects of the same department and stage: every change adds to the
    # same summary row at the same instant.
    projects = [ProjectFactory(lead=staff, stage=Project.Stage.TESTING) for _ in range(6)]
    tasks = [TaskFactory(project=project) for project in projects]
    # A project of the same department put on hold meanwhile, with an open task of its own
    # (which leaves the row of projects in progress) and co-leads added at the same instant.
    stage_change = ProjectFactory(lead=staff, stage=Project.Stage.TESTING)
    TaskFactory(project=stage_change)

    priority = StrategicPriorityFactory(department=staff.department)
    drafts = [ProjectFactory(lead=staff, draft=True) for _ in range(4)]

    def claim(task):
        return lambda: project_services.task_claim(task_id=task.pk, person=manager)

    def move_on():
        Project.objects.filter(pk=stage_change.pk).update(stage=Project.Stage.ON_HOLD)

    def co_lead(person):
        return lambda: stage_change.co_leads.add(person)

    def tag(project):
        return lambda: project.strategic_priorities.add(priority)

    def submit(project):
        return lambda: project_services.project_submit(project=project)

    winners, errors = race(
        *(claim(task) for task in tasks),
        move_on,
        *(co_lead(PersonFactory(department=staff.department)) for _ in range(3)),
        *(tag(draft) for draft in drafts),
        *(submit(draft) for draft in drafts),
    )
    assert not errors
    assert kept() == recount()
    assert kept_priorities() == recount_priorities() == {priority.pk: 4}
    assert kept_taking_part() == recount_taking_part()


def test_the_databases_stages_in_progress_are_the_projects(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stage FROM unnest(%s::varchar[]) AS stage WHERE measurement_in_progress(stage)",
            [list(Project.Stage.values)],
        )
        assert {row[0] for row in cursor.fetchall()} == set(Project.ACTIVE_STAGES)


def test_pages_run_the_same_queries_whatever_the_number_of_projects(
    client_for, trust_member, staff, champion
):
    priority = StrategicPriorityFactory(department=staff.department)

    def queries(client, name, *args) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name, args=args)).status_code == 200
        return len(captured)

    def add_projects(count: int) -> None:
        for n in range(count):
            project = ProjectFactory(lead=staff, stage=Project.Stage.TESTING)
            project.strategic_priorities.add(priority)
            TaskFactory(project=project)
            Saving.objects.create(
                project=project,
                description=f"Saving {n}",
                amount=Decimal(100),
                claimed_by=staff,
                validated_amount=Decimal(100),
                validated_by=champion,
            )

    pages = [
        (trust_member, "people:trust"),
        (staff, "people:departments"),
        (staff, "people:department", "pharmacy"),
    ]
    add_projects(1)
    few = [queries(client_for(person), *page) for person, *page in pages]
    add_projects(25)
    many = [queries(client_for(person), *page) for person, *page in pages]
    assert many == few
