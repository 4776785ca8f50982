"""Real concurrent transactions (threads with their own database connections), no mocks.

Each round starts two threads at a barrier so that both run their service call at the same
moment; the row locks in the services must let exactly one through.
"""

import pytest
from django.db import connection

from projects import services
from projects.models import Interest, Membership, Task
from tests.factories import PersonFactory, ProjectFactory, RoleOpeningFactory, TaskFactory
from tests.helpers import race as shared_race

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 50


def race(*calls):
    return shared_race(*calls, expected=(services.WorkflowError,))


def test_two_people_claiming_the_same_task_at_once_exactly_one_wins(pharmacy, acute_medicine):
    assert connection.vendor == "postgresql"
    alice = PersonFactory(department=pharmacy)
    bob = PersonFactory(department=pharmacy)
    project = ProjectFactory(
        clinical_areas=[acute_medicine], lead=PersonFactory(department=pharmacy)
    )
    for _ in range(ROUNDS):
        task = TaskFactory(project=project)
        results, errors = race(
            lambda t=task: services.task_claim(task_id=t.pk, person=alice),
            lambda t=task: services.task_claim(task_id=t.pk, person=bob),
        )
        assert len(results) == 1
        assert errors == ["Someone else has just claimed this task"]
        task.refresh_from_db()
        assert task.status == Task.Status.CLAIMED
        assert task.claimed_by_id == results[0].claimed_by_id


def test_two_leads_accepting_for_the_last_place_at_once_never_overfill(pharmacy, acute_medicine):
    lead = PersonFactory(department=pharmacy)
    co_lead = PersonFactory(department=pharmacy)
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine], co_leads=[co_lead])
    for _ in range(ROUNDS):
        opening = RoleOpeningFactory(project=project, places=1)
        first = Interest.objects.create(
            project=project, person=PersonFactory(department=pharmacy), role_opening=opening
        )
        second = Interest.objects.create(
            project=project, person=PersonFactory(department=pharmacy), role_opening=opening
        )
        results, errors = race(
            lambda i=first: services.interest_decide(
                interest_id=i.pk, decided_by=lead, accept=True
            ),
            lambda i=second: services.interest_decide(
                interest_id=i.pk, decided_by=co_lead, accept=True
            ),
        )
        assert len(results) == 1
        assert errors == ["No places left for Data collector: 1 of 1 taken"]
        assert Membership.objects.filter(role_opening=opening).count() == 1


def test_a_double_submitted_request_to_join_makes_one_request(pharmacy, acute_medicine):
    project = ProjectFactory(
        clinical_areas=[acute_medicine], lead=PersonFactory(department=pharmacy)
    )
    for _ in range(10):
        person = PersonFactory(department=pharmacy)
        results, errors = race(
            lambda p=person: services.interest_express(project=project, person=p),
            lambda p=person: services.interest_express(project=project, person=p),
        )
        assert len(results) == 1
        assert errors == ["You have already asked to join; the lead will reply"]
        assert Interest.objects.filter(project=project, person=person).count() == 1
