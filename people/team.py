"""The manager's view of their team, and the department's engagement report (reads only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from people.models import Completion, Course, QIConversation
from projects.models import Membership, Project, Task

SORTS = {
    "name": ["display_name", "pk"],
    "hours": ["-hours_done", "display_name"],
    "tasks": ["-tasks_done", "display_name"],
    "conversation": ["last_conversation", "display_name"],
}


def period_from(request_get) -> tuple[dt.date, dt.date]:
    """The period asked for in the URL (from, to), default the last twelve months."""
    today = timezone.localdate()

    def parse(name, default):
        try:
            return dt.date.fromisoformat(request_get.get(name, ""))
        except ValueError:
            return default

    start = parse("from", today - dt.timedelta(days=365))
    end = parse("to", today)
    return (start, end) if start <= end else (end, start)


def with_engagement(people: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    """Annotate each person with their QI engagement in [start, end], one query in all."""
    done = Task.objects.filter(
        claimed_by=OuterRef("pk"),
        status=Task.Status.DONE,
        completed_at__date__gte=start,
        completed_at__date__lte=end,
    ).order_by()
    active = ~Q(project__stage__in=(Project.Stage.COMPLETED, Project.Stage.CLOSED))
    roles = (
        Membership.objects.filter(active, person=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    led = (
        Project.objects.filter(lead=OuterRef("pk"))
        .exclude(stage__in=(Project.Stage.COMPLETED, Project.Stage.CLOSED))
        .order_by()
        .values("lead")
        .annotate(n=Count("pk"))
        .values("n")
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
    conversations = QIConversation.objects.filter(person=OuterRef("pk")).order_by("-date", "-pk")
    inducted = Completion.objects.filter(person=OuterRef("pk"), course__is_induction=True)
    return people.annotate(
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
        projects_led=Coalesce(Subquery(led), 0, output_field=IntegerField()),
        training_done=Coalesce(Subquery(trained), 0, output_field=IntegerField()),
        induction_done=Exists(inducted),
        last_conversation=Subquery(conversations.values("date")[:1]),
        agreed_hours=Subquery(conversations.values("agreed_hours_per_month")[:1]),
    )


def took_part(people: QuerySet) -> QuerySet:
    """Of annotated people, those who did any QI in the period (or hold a role now)."""
    return people.filter(Q(tasks_done__gt=0) | Q(roles_held__gt=0) | Q(projects_led__gt=0))


def induction_courses() -> QuerySet:
    return Course.objects.filter(is_induction=True)
