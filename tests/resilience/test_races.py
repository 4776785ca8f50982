"""The races that must never be lost: 50 rounds of 20 attempts at the same instant each.

Every round sets up a fresh contested thing (the last place of a role, an open task, the last
seat of a training session, the last slot of a showcase, a project to ask to join), releases 20
attempts on it at once (tests/concurrency.py: 20 threads, each with its own connection, through
a barrier), and then checks that exactly the expected attempts won, every other one was refused
with the user's message, and the rows left behind are exactly right. The row locks in the
services are what make this hold; without them these tests fail within a few rounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from common.errors import WorkflowError
from people import services as people_services
from people.models import Booking, Course, TrainingSession
from projects import services as project_services
from projects.models import Interest, Membership, Task
from recognition.models import ShowcaseSlot
from recognition.services import showcase as showcase_services
from tests.concurrency import ATTEMPTS, ROUNDS, Contenders, Outcome
from tests.factories import (
    PersonFactory,
    ProjectFactory,
    RoleOpeningFactory,
    ShowcaseSessionFactory,
    ShowcaseSlotFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

Round = tuple[list[Callable[[], object]], Callable[[Outcome], None]]


class LastPlaceOfARole:
    """20 requests for the last of 3 places, accepted at once by the lead and 3 co-leads."""

    expected = (WorkflowError,)
    refusal = "No places left for Data collector: 3 of 3 taken"

    def __init__(self, department, area):
        self.department, self.area = department, area
        self.lead = PersonFactory(department=department)
        self.co_leads = [PersonFactory(department=department) for _ in range(3)]
        self.deciders = [self.lead, *self.co_leads]
        self.members = [PersonFactory(department=department) for _ in range(2)]
        self.candidates = [PersonFactory(department=department) for _ in range(ATTEMPTS)]

    def round(self) -> Round:
        project = ProjectFactory(lead=self.lead, co_leads=self.co_leads, clinical_areas=[self.area])
        opening = RoleOpeningFactory(project=project, places=3)
        for person in self.members:
            Membership.objects.create(
                project=project, person=person, role_opening=opening, role_title=opening.title
            )
        interests = [
            Interest.objects.create(project=project, person=person, role_opening=opening)
            for person in self.candidates
        ]
        attempts = [
            lambda i=interest, d=self.deciders[n % 4]: project_services.interest_decide(
                interest_id=i.pk, decided_by=d, accept=True
            )
            for n, interest in enumerate(interests)
        ]

        def check(outcome: Outcome) -> None:
            (winner,) = outcome.winning_attempts
            members = Membership.objects.filter(role_opening=opening, left_on__isnull=True)
            assert sorted(members.values_list("person_id", flat=True)) == sorted(
                [*(p.pk for p in self.members), self.candidates[winner].pk]
            )
            statuses = dict(Interest.objects.filter(project=project).values_list("pk", "status"))
            assert statuses.pop(interests[winner].pk) == Interest.Status.ACCEPTED
            assert set(statuses.values()) == {Interest.Status.PENDING}

        return attempts, check


class ClaimingATask:
    """20 buddies claiming the same open task with one click each."""

    expected = (WorkflowError,)
    refusal = "Someone else has just claimed this task"

    def __init__(self, department, area):
        self.project = ProjectFactory(
            lead=PersonFactory(department=department), clinical_areas=[area]
        )
        self.buddies = [PersonFactory(department=department) for _ in range(ATTEMPTS)]

    def round(self) -> Round:
        task = TaskFactory(project=self.project)
        attempts = [
            lambda p=person: project_services.task_claim(task_id=task.pk, person=p)
            for person in self.buddies
        ]

        def check(outcome: Outcome) -> None:
            (winner,) = outcome.winning_attempts
            task.refresh_from_db()
            assert task.status == Task.Status.CLAIMED
            assert task.claimed_by_id == self.buddies[winner].pk
            assert task.history.filter(status=Task.Status.CLAIMED).count() == 1

        return attempts, check


class LastTrainingSeat:
    """20 people booking the last of 3 seats on a training session."""

    expected = (WorkflowError,)
    refusal = "This session is full"

    def __init__(self, department, area):
        self.course = Course.objects.create(name="QI foundations", level="foundation")
        self.trainer = PersonFactory(department=department)
        self.booked = [PersonFactory(department=department) for _ in range(2)]
        self.people = [PersonFactory(department=department) for _ in range(ATTEMPTS)]

    def round(self) -> Round:
        session = TrainingSession.objects.create(
            course=self.course,
            starts_at=timezone.now() + dt.timedelta(days=7),
            place="Pharmacy seminar room",
            capacity=3,
            trainer=self.trainer,
        )
        for person in self.booked:
            Booking.objects.create(session=session, person=person)
        attempts = [
            lambda p=person: people_services.session_book(session_id=session.pk, person=p)
            for person in self.people
        ]

        def check(outcome: Outcome) -> None:
            (winner,) = outcome.winning_attempts
            assert sorted(session.bookings.values_list("person_id", flat=True)) == sorted(
                [*(p.pk for p in self.booked), self.people[winner].pk]
            )

        return attempts, check


class LastShowcaseSlot:
    """20 leads booking the last slot of a showcase, half naming slot 3, half the first free."""

    expected = (WorkflowError,)
    refusal = "This session is full"

    def __init__(self, department, area):
        self.department = department
        self.booked = [self._project(area) for _ in range(2)]
        self.projects = [self._project(area) for _ in range(ATTEMPTS)]

    def _project(self, area):
        return ProjectFactory(lead=PersonFactory(department=self.department), clinical_areas=[area])

    def round(self) -> Round:
        session = ShowcaseSessionFactory(department=self.department, slot_count=3)
        for position, project in enumerate(self.booked, start=1):
            ShowcaseSlotFactory(session=session, position=position, project=project)
        attempts = [
            lambda p=project, n=n: showcase_services.slot_book(
                session_id=session.pk,
                project=p,
                presenters=[p.lead],
                booked_by=p.lead,
                position=3 if n % 2 else None,
            )
            for n, project in enumerate(self.projects)
        ]

        def check(outcome: Outcome) -> None:
            (winner,) = outcome.winning_attempts
            slots = ShowcaseSlot.objects.filter(session=session)
            assert sorted(slots.values_list("position", "project_id")) == [
                (1, self.booked[0].pk),
                (2, self.booked[1].pk),
                (3, self.projects[winner].pk),
            ]
            assert list(slots.get(position=3).presenters.all()) == [self.projects[winner].lead]

        return attempts, check


class DoubleSubmittedJoinRequest:
    """One person's request to join sent 20 times at once (a keen double-click)."""

    expected = (WorkflowError,)
    refusal = "You have already asked to join; the lead will reply"

    def __init__(self, department, area):
        self.department, self.area = department, area
        self.lead = PersonFactory(department=department)
        self.person = PersonFactory(department=department)

    def round(self) -> Round:
        project = ProjectFactory(lead=self.lead, clinical_areas=[self.area])
        attempts = [
            lambda: project_services.interest_express(project=project, person=self.person)
        ] * ATTEMPTS

        def check(outcome: Outcome) -> None:
            assert Interest.objects.filter(project=project).count() == 1

        return attempts, check


@pytest.mark.parametrize(
    "scenario",
    [
        LastPlaceOfARole,
        ClaimingATask,
        LastTrainingSeat,
        LastShowcaseSlot,
        DoubleSubmittedJoinRequest,
    ],
    ids=lambda scenario: scenario.__name__,
)
def test_exactly_one_of_twenty_simultaneous_attempts_wins_every_round(
    scenario, pharmacy, acute_medicine
):
    assert connection.vendor == "postgresql"
    race = scenario(pharmacy, acute_medicine)
    with Contenders(ATTEMPTS) as contenders:
        for number in range(ROUNDS):
            attempts, check = race.round()
            outcome = contenders.run(attempts, expected=race.expected)
            assert len(outcome.winners) == 1, f"round {number}: {outcome.refused}"
            assert outcome.refused == [race.refusal] * (ATTEMPTS - 1), f"round {number}"
            check(outcome)


def test_the_contenders_really_meet_at_the_same_instant(db):
    """Guards the helper itself: 20 attempts each see all 20 in flight at once."""
    import threading

    in_flight, peak, lock = [0], [0], threading.Lock()
    arrived = threading.Barrier(ATTEMPTS, timeout=10)

    def attempt():
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        arrived.wait()  # only returns if all 20 are running together
        with lock:
            in_flight[0] -= 1
        return Decimal(1)

    with Contenders(ATTEMPTS) as contenders:
        outcome = contenders.run([attempt] * ATTEMPTS)
    assert outcome.winners == [Decimal(1)] * ATTEMPTS
    assert peak[0] == ATTEMPTS
