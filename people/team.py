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

from people.models import Completion, PersonQuerySet
from projects.models import Membership, Project, Task, approved_q

SORTS = {
    "name": ["display_name", "pk"],
    "hours": ["-hours_done", "display_name"],
    "tasks": ["-tasks_done", "display_name"],
    # Longest since a conversation first, and nobody-ever-asked first of all.
    "conversation": [F("last_conversation").asc(nulls_first=True), "display_name"],
}


def with_engagement(people: PersonQuerySet, start: dt.date, end: dt.date) -> PersonQuerySet:
    """Annotate each person with their QI engagement in [start, end], one query in all.

    Only approved projects count (`Project.objects.approved()`), as on the portfolio: leading a
    proposal, a role on one or a task done for one is not yet QI done."""
    approved = Project.objects.approved()
    done = Task.objects.filter(
        approved_q("project__"),
        claimed_by=OuterRef("pk"),
        status=Task.Status.DONE,
        completed_at__date__gte=start,
        completed_at__date__lte=end,
    ).order_by()
    # A role counts if it overlapped the period: joined by its end, not left before its start.
    roles = (
        Membership.objects.filter(
            approved_q("project__"), person=OuterRef("pk"), joined_on__lte=end
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Leading (or co-leading) counts for an approved project that was open during the period.
    # Counted as "led" plus "co-led but not led", each found through its own index: one OR
    # across the co-leads join made PostgreSQL read every project once for every person.
    open_in_period = approved.open_during(start, end)
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
    inducted = Completion.objects.filter(person=OuterRef("pk"), course__is_induction=True)
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
        induction_done=Exists(inducted),
    )


def took_part(people: QuerySet) -> QuerySet:
    """Of annotated people, those who did QI in the period: tasks, roles or leading."""
    return people.filter(Q(tasks_done__gt=0) | Q(roles_held__gt=0) | Q(projects_led__gt=0))
