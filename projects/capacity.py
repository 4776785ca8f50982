"""What people have taken on against what they offered: committed QI hours, over-commitment
and the tasks that fit what is left. In hours a month, the unit in which people state their
capacity and managers agree QI time in the job plan.

Committed: the time commitment of the live projects a person leads or co-leads, of the role
places they hold on live projects, and the estimated hours of the tasks they have claimed and
not finished (a task's whole estimate counts in the month: buddy tasks are small and due soon).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from people.models import Person, QIConversation
from projects.models import Membership, Project, Task, TimeCommitment, live_q

HOURS = DecimalField(max_digits=9, decimal_places=2)


def _sum(queryset: QuerySet, expression) -> Coalesce:
    """One correlated subquery: the sum of `expression` over `queryset`, 0 when none."""
    total = (
        queryset.order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(total=Sum(expression, output_field=HOURS))
        .values("total")
    )
    return Coalesce(Subquery(total), Value(Decimal(0)), output_field=HOURS)


def with_commitment(people: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate each person, in the same one query whatever the number of people, with:

    - `committed_leading`, `committed_roles`, `committed_tasks` and their sum
      `committed_hours` (hours a month, see the module's docstring);
    - `agreed_hours`: the latest conversation that agreed a figure (a later one without a
      figure keeps it), or None;
    - `over_committed`: committed more than agreed or, with nothing agreed, than offered
      (never when neither is known).
    """
    monthly = TimeCommitment.monthly_hours_expression()
    live = Project.objects.filter(live_q())
    agreed = QIConversation.objects.filter(
        person=OuterRef("pk"), agreed_hours_per_month__isnull=False
    ).order_by("-date", "-pk")
    people = people.annotate(
        # Led, plus co-led but not led: each found through its own index.
        committed_leading=_sum(live.filter(lead=OuterRef("pk")), monthly)
        + _sum(live.filter(co_leads=OuterRef("pk")).exclude(lead=OuterRef("pk")), monthly),
        committed_roles=_sum(
            Membership.objects.filter(
                live_q("project__"), person=OuterRef("pk"), left_on__isnull=True
            ),
            monthly,
        ),
        committed_tasks=_sum(
            Task.objects.filter(claimed_by=OuterRef("pk"), status=Task.Status.CLAIMED),
            F("estimated_hours"),
        ),
        agreed_hours=Subquery(agreed.values("agreed_hours_per_month")[:1]),
    )
    return people.annotate(
        committed_hours=ExpressionWrapper(
            F("committed_leading") + F("committed_roles") + F("committed_tasks"),
            output_field=HOURS,
        ),
        over_committed=Case(
            When(
                (Q(agreed_hours__isnull=False) & Q(committed_hours__gt=F("agreed_hours")))
                | (
                    Q(agreed_hours__isnull=True, qi_hours_per_month__isnull=False)
                    & Q(committed_hours__gt=F("qi_hours_per_month"))
                ),
                then=True,
            ),
            default=False,
            output_field=BooleanField(),
        ),
    )


def committed_hours_per_month(person: Person) -> Decimal:
    """The hours a month `person` has taken on: read from `with_commitment`'s annotation
    when the person came through it, else one query."""
    if hasattr(person, "committed_hours"):
        return person.committed_hours
    return (
        with_commitment(Person.objects.filter(pk=person.pk))
        .values_list("committed_hours", flat=True)
        .get()
    )


def spare_hours_per_month(person: Person) -> Decimal | None:
    """What `person` offered a month less what they have taken on (may be negative); None
    when they have not said what they can give."""
    if person.qi_hours_per_month is None:
        return None
    return person.qi_hours_per_month - committed_hours_per_month(person)


def tasks_that_fit(person: Person, *, limit: int = 5) -> QuerySet[Task]:
    """ "Tasks that fit you": offered tasks within the person's spare hours, best first and
    never overdue first (`TaskQuerySet.suggested_for`)."""
    return Task.objects.suggested_for(
        person, spare_hours=spare_hours_per_month(person), limit=limit
    )
