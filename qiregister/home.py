"""What needs the signed-in person: the home page's list of things to do.

Each kind of thing is one named function returning a QuerySet, so the home page reads a count
and the first few of each (two queries a kind, whatever the size of the register) and each rule
can be reused or refined in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from people.access import QIRequest, is_champion_or_admin
from people.models import Person
from projects.models import Interest, Project, Task

# A claimed task is "due" on the home page this many days before its due date.
DUE_SOON = dt.timedelta(days=7)
# How many of each kind the home page lists before "see all".
SHOWN = 5


def tasks_due(person: Person, today: dt.date) -> QuerySet[Task]:
    """The person's claimed tasks that are overdue or due within a week, most overdue first."""
    return (
        Task.objects.filter(
            claimed_by=person, status=Task.Status.CLAIMED, due_date__lte=today + DUE_SOON
        )
        .select_related("project")
        .order_by("due_date", "pk")
    )


def requests_to_decide(person: Person) -> QuerySet[Interest]:
    """Pending requests to join (or take a role on) projects the person leads or co-leads."""
    return (
        Interest.objects.filter(
            status=Interest.Status.PENDING,
            project__in=Project.objects.led_by([person]),
        )
        .select_related("person", "project", "role_opening")
        .order_by("created_at", "pk")
    )


def closure_reports_to_sign_off(person: Person) -> QuerySet[Project]:
    """Projects whose closure report waits for the person's sign-off (as mentor, or standing in
    for one who works on the project: `ProjectQuerySet.awaiting_closure_sign_off_by`)."""
    return (
        Project.objects.awaiting_closure_sign_off_by(person)
        .select_related("closure_report")
        .order_by("closure_report__submitted_at", "pk")
    )


def changes_requested(person: Person) -> QuerySet[Project]:
    """Proposals the person leads or co-leads that a champion sent back for changes and that
    are not yet sent for review again: the lead's turn."""
    return Project.objects.changes_requested_for(person).order_by("title", "pk")


def closure_reports_sent_back(person: Person) -> QuerySet[Project]:
    """Projects the person leads or co-leads whose closure report the signer sent back."""
    return (
        Project.objects.closure_sent_back_for(person)
        .select_related("closure_report__sent_back_by")
        .order_by("closure_report__sent_back_at", "pk")
    )


def conversations_due(manager: Person, today: dt.date) -> QuerySet[Person]:
    """The manager's reports due a QI conversation (see `PersonQuerySet.due_a_qi_conversation`)."""
    return (
        Person.objects.filter(line_manager=manager)
        .due_a_qi_conversation(today)
        .order_by("display_name", "pk")
    )


@dataclass
class Item:
    label: str
    href: str
    note: str = ""
    is_overdue: bool = False


@dataclass
class Need:
    """One kind of thing waiting for the person, e.g. "Requests to join your projects"."""

    title: str
    count: int
    items: list[Item] = field(default_factory=list)
    see_all: tuple[str, str] | None = None  # (link text, href)


def _need(title, queryset, to_item, see_all=None) -> Need | None:
    count = queryset.count()
    if not count:
        return None
    return Need(title, count, [to_item(row) for row in queryset[:SHOWN]], see_all)


def needs_of(request: QIRequest) -> list[Need]:
    """Everything waiting for the signed-in person, in the order the home page lists it."""
    person = request.person
    if person is None:
        return []
    today = timezone.localdate()

    def task_item(task: Task) -> Item:
        overdue = task.due_date < today
        return Item(
            task.title,
            task.project.get_absolute_url(),
            f"{task.project}: due {task.due_date:%-d %b %Y}",
            is_overdue=overdue,
        )

    def interest_item(interest: Interest) -> Item:
        role = f" as {interest.role_opening.title}" if interest.role_opening else ""
        return Item(
            f"{interest.person} asks to join{role}",
            interest.project.get_absolute_url(),
            f"{interest.project}, asked {interest.created_at:%-d %b %Y}",
        )

    def proposal_item(project: Project) -> Item:
        return Item(
            str(project),
            reverse("governance:review_project", args=[project.pk]),
            f"Proposed by {project.lead}, sent for review "
            f"{timezone.localtime(project.review_requested_at):%-d %b %Y}",
        )

    def closure_item(project: Project) -> Item:
        sent = timezone.localtime(project.closure_report.submitted_at)
        return Item(
            str(project),
            reverse("projects:closure", args=[project.pk]),
            f"Closure report sent for sign-off {sent:%-d %b %Y}",
        )

    def sent_back_item(project: Project) -> Item:
        report = project.closure_report
        return Item(
            str(project),
            reverse("projects:closure", args=[project.pk]),
            f"Sent back by {report.sent_back_by} on "
            f"{timezone.localtime(report.sent_back_at):%-d %b %Y}: make the changes and resubmit",
        )

    def changes_item(project: Project) -> Item:
        return Item(str(project), project.get_absolute_url(), "Make the changes and send it back")

    def conversation_item(report: Person) -> Item:
        last = (
            f"last on {report.last_conversation:%-d %b %Y}"
            if report.last_conversation
            else "none recorded"
        )
        return Item(str(report), reverse("people:capacity", args=[report.pk]), last)

    needs = [
        _need(
            "Tasks due and overdue",
            tasks_due(person, today),
            task_item,
            ("See all your tasks on My QI", reverse("people:me")),
        ),
        _need("Requests to join your projects", requests_to_decide(person), interest_item),
        _need("Changes requested: your action", changes_requested(person), changes_item),
        _need(
            "Closure reports sent back: your action",
            closure_reports_sent_back(person),
            sent_back_item,
        ),
    ]
    if is_champion_or_admin(request.user):
        needs += [
            _need(
                "Proposals to review",
                Project.objects.to_review_by(request.user),
                proposal_item,
                ("Open the review queue", reverse("governance:review_queue")),
            ),
        ]
    # Not only champions: a department's QI lead signs off where no champion is free.
    needs.append(
        _need("Closure reports to sign off", closure_reports_to_sign_off(person), closure_item)
    )
    if person.is_manager:
        needs.append(
            _need(
                "QI conversations due",
                conversations_due(person, today),
                conversation_item,
                ("See My team", f"{reverse('people:team')}?sort=conversation"),
            )
        )
    return [need for need in needs if need is not None]
