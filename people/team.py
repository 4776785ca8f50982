"""The manager's view of their team, and the department's engagement report (reads only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from people.models import Completion, Person, PersonQuerySet
from projects.models import Membership, Project, Task, approved_q

SORTS = {
    "name": ["display_name", "pk"],
    "hours": ["-hours_done", "display_name"],
    "tasks": ["-tasks_done", "display_name"],
    # Longest since a conversation first, and nobody-ever-asked first of all.
    "conversation": [F("last_conversation").asc(nulls_first=True), "display_name"],
}


def _tasks_done(start: dt.date, end: dt.date) -> QuerySet:
    return Task.objects.filter(
        approved_q("project__"),
        status=Task.Status.DONE,
        completed_at__date__gte=start,
        completed_at__date__lte=end,
    ).order_by()


def _roles_held(start: dt.date, end: dt.date) -> QuerySet:
    # A role counts if it overlapped the period: joined by its end, not left before its start.
    return (
        Membership.objects.filter(approved_q("project__"), joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .order_by()
    )


def _projects_open(start: dt.date, end: dt.date) -> QuerySet:
    # Leading (or co-leading) counts for an approved project that was open during the period.
    return Project.objects.approved().open_during(start, end).order_by()


def has_done_induction() -> Exists:
    """For a query of people: whether the person has completed a QI induction course."""
    return Exists(Completion.objects.filter(person=OuterRef("pk"), course__is_induction=True))


def with_engagement(people: PersonQuerySet, start: dt.date, end: dt.date) -> PersonQuerySet:
    """Annotate each person with their QI engagement in [start, end], one query in all.

    Only approved projects count (`Project.objects.approved()`), as on the portfolio: leading a
    proposal, a role on one or a task done for one is not yet QI done."""
    done = _tasks_done(start, end).filter(claimed_by=OuterRef("pk"))
    roles = (
        _roles_held(start, end)
        .filter(person=OuterRef("pk"))
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Counted as "led" plus "co-led but not led", each found through its own index: one OR
    # across the co-leads join made PostgreSQL read every project once for every person.
    open_in_period = _projects_open(start, end)
    led, co_led = (
        projects.order_by().annotate(group=Value(1)).values("group").annotate(n=Count("pk"))
        for projects in (
            open_in_period.filter(lead=OuterRef("pk")),
            open_in_period.filter(co_leads=OuterRef("pk")).exclude(lead=OuterRef("pk")),
        )
    )
    trained = (
        Completion.objects.filter(
            person=OuterRef("pk"), completed_on__gte=start, completed_on__lte=end
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return people.with_last_conversation().annotate(
        tasks_done=Coalesce(
            Subquery(done.values("claimed_by").annotate(n=Count("pk")).values("n")),
            0,
            output_field=IntegerField(),
        ),
        hours_done=Coalesce(
            Subquery(done.values("claimed_by").annotate(h=Sum("actual_hours")).values("h")),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=7, decimal_places=1),
        ),
        roles_held=Coalesce(Subquery(roles), 0, output_field=IntegerField()),
        projects_led=Coalesce(Subquery(led.values("n")), 0, output_field=IntegerField())
        + Coalesce(Subquery(co_led.values("n")), 0, output_field=IntegerField()),
        training_done=Coalesce(Subquery(trained), 0, output_field=IntegerField()),
        induction_done=has_done_induction(),
    )


def took_part(start: dt.date, end: dt.date) -> PersonQuerySet:
    """The people who did QI in [start, end]: those `with_engagement` gives projects led, roles
    held or tasks done. Each person's projects, roles and tasks are looked up through their
    indexes only until one is found: counting all of them for every person, or reading the
    period's projects, roles and tasks in full (what PostgreSQL chose for EXISTS), took a
    second at 100,000 projects. A scalar subquery with LIMIT 1 is never turned into a hashed
    set, so it stays a per-person look-up that stops at the first row."""
    open_in_period = _projects_open(start, end)
    found = {
        "led": open_in_period.filter(lead=OuterRef("pk")),
        "co_led": open_in_period.filter(co_leads=OuterRef("pk")),
        "held": _roles_held(start, end).filter(person=OuterRef("pk")),
        "done": _tasks_done(start, end).filter(claimed_by=OuterRef("pk")),
    }
    return Person.objects.alias(
        **{f"first_{name}": Subquery(rows.values("pk")[:1]) for name, rows in found.items()}
    ).filter(
        Q(first_led__isnull=False)
        | Q(first_held__isnull=False)
        | Q(first_done__isnull=False)
        | Q(first_co_led__isnull=False)
    )
