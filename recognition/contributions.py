"""Everything a person contributed to QI in a period: the raw material of appraisal summaries,
portfolios and certificates.

A part in a project (leading, co-leading, a role, a buddy task done, mentoring it) counts only
once a champion has approved the project (`Project.objects.approved()`): a proposal or a draft is
not yet evidence of anything, and earns no certificate.

`contributions_for` composes one small reader per kind of contribution (`projects_led`,
`roles_held`, `tasks_done`, ...); each reads its kind for all the people at once, so the number
of queries does not grow with the number of people or their history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from people.models import Completion, MentoringPair, Person
from projects.models import Membership, Project, ReviewDecision, Task, approved_q
from recognition.models import ContributionKind, Nomination, PortfolioDomain, ShowcaseSlot

# The summary's sections, in order, and the kinds of contribution each gathers.
SECTIONS = [
    ("Projects and roles", (ContributionKind.LED, ContributionKind.ROLE)),
    ("Tasks done", (ContributionKind.TASK,)),
    ("Showcases presented", (ContributionKind.SHOWCASE,)),
    ("Awards and nominations", (ContributionKind.NOMINATION,)),
    ("Training completed", (ContributionKind.TRAINING,)),
    ("Mentoring", (ContributionKind.MENTOR, ContributionKind.MENTEE)),
    ("Reviews as QI champion", (ContributionKind.REVIEW,)),
]


@dataclass
class Contribution:
    kind: ContributionKind
    date: dt.date
    description: str
    project: Project | None = None
    role: str = ""
    hours: Decimal | None = None
    domains: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return ContributionKind(self.kind).label


@dataclass
class PersonContributions:
    person: Person
    contributions: list[Contribution]

    def of_kinds(self, *kinds: ContributionKind) -> list[Contribution]:
        return [c for c in self.contributions if c.kind in kinds]

    @property
    def sections(self) -> list[tuple[str, list[Contribution]]]:
        return [(title, self.of_kinds(*kinds)) for title, kinds in SECTIONS]

    @property
    def task_hours(self) -> Decimal:
        return sum(
            (c.hours or Decimal(0) for c in self.of_kinds(ContributionKind.TASK)), Decimal(0)
        )

    def by_domain(self, domains: Iterable[PortfolioDomain]) -> list[tuple[str, list[Contribution]]]:
        return [
            (domain.name, [c for c in self.contributions if domain.name in c.domains])
            for domain in domains
        ]


def _in_period(day: dt.date, start: dt.date, end: dt.date) -> dt.date:
    """The date to show for something under way in the period: never outside it."""
    return min(max(day, start), end)


def contributions_for(
    people: Iterable[Person], start: dt.date, end: dt.date
) -> dict[int, PersonContributions]:
    """Each person's contributions in [start, end], newest first, mapped to their department's
    portfolio domains. A fixed number of queries whatever the number of people: each reader
    below reads one kind of contribution for all of them at once."""
    people = list(people)
    ids = {person.pk for person in people}
    found: dict[int, list[Contribution]] = defaultdict(list)
    for read in READERS:
        for person_id, contribution in read(ids, start, end):
            found[person_id].append(contribution)

    domains_by_department: dict[int, list[PortfolioDomain]] = defaultdict(list)
    for domain in PortfolioDomain.objects.filter(
        department__in={person.department_id for person in people}
    ):
        domains_by_department[domain.department_id].append(domain)

    result = {}
    for person in people:
        contributions = sorted(found[person.pk], key=lambda c: (c.date, c.description))
        contributions.reverse()
        for contribution in contributions:
            contribution.domains = [
                domain.name
                for domain in domains_by_department[person.department_id]
                if contribution.kind in domain.contribution_kinds
            ]
        result[person.pk] = PersonContributions(person, contributions)
    return result


# The readers: each yields (person id, contribution) for one kind of contribution, for all the
# people in `ids` at once, in one or a few queries.
Found = Iterator[tuple[int, Contribution]]


def projects_led(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """Leading or co-leading an approved project that was open at some point in the period."""
    led = (
        Project.objects.led_by(ids).approved().open_during(start, end).prefetch_related("co_leads")
    )
    for project in led:
        began = project.start_date or timezone.localdate(project.submitted_at)
        for person_id in {project.lead_id, *(p.pk for p in project.co_leads.all())} & ids:
            role = "Project lead" if person_id == project.lead_id else "Co-lead"
            yield (
                person_id,
                Contribution(
                    ContributionKind.LED,
                    _in_period(began, start, end),
                    f"{role} of {project} ({project.stage_in_text})",
                    project=project,
                    role=role,
                ),
            )


def roles_held(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """A role on an approved project's team, held at some point in the period."""
    roles = (
        Membership.objects.filter(approved_q("project__"), person__in=ids, joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .select_related("project")
    )
    for membership in roles:
        ended = f" until {membership.left_on:%d %b %Y}" if membership.left_on else ""
        yield (
            membership.person_id,
            Contribution(
                ContributionKind.ROLE,
                _in_period(membership.joined_on, start, end),
                f"{membership.role_title} on {membership.project}{ended}",
                project=membership.project,
                role=membership.role_title,
            ),
        )


def tasks_done(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """A buddy task on an approved project, done in the period."""
    tasks = Task.objects.filter(
        approved_q("project__"),
        claimed_by__in=ids,
        status=Task.Status.DONE,
        completed_at__date__gte=start,
        completed_at__date__lte=end,
    ).select_related("project")
    for task in tasks:
        yield (
            task.claimed_by_id,
            Contribution(
                ContributionKind.TASK,
                timezone.localdate(task.completed_at),
                f"Buddy task “{task.title}” for {task.project}",
                project=task.project,
                role="Buddy",
                hours=task.actual_hours,
            ),
        )


def showcases_presented(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """Presenting at a showcase session in the period. Only sessions that have started: a
    booked slot is a plan, not yet a presentation."""
    presented = ShowcaseSlot.presenters.through.objects.filter(
        person_id__in=ids,
        showcaseslot__session__starts_at__date__gte=start,
        showcaseslot__session__starts_at__date__lte=end,
        showcaseslot__session__starts_at__lte=timezone.now(),
    ).select_related("showcaseslot__session", "showcaseslot__project")
    for row in presented:
        slot = row.showcaseslot
        booked = (
            "" if slot.status == ShowcaseSlot.Status.CONFIRMED else " (not confirmed by a champion)"
        )
        yield (
            row.person_id,
            Contribution(
                ContributionKind.SHOWCASE,
                timezone.localdate(slot.session.starts_at),
                f"Presented {slot.project} at {slot.session.title}, {slot.session.place}{booked}",
                project=slot.project,
                role="Presenter",
            ),
        )


def nominations(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """A nomination submitted in the period: of the person, of a team they are named in, or of
    a project whose team they are on (lead, co-leads and current members)."""
    nominated = Nomination.objects.exclude(status=Nomination.Status.DRAFT).filter(
        submitted_at__date__gte=start, submitted_at__date__lte=end
    )
    for nomination in nominated.filter(person__in=ids).select_related("award"):
        yield nomination.person_id, _nomination(nomination)
    team_rows = Nomination.team_members.through.objects.filter(
        person_id__in=ids, nomination__in=nominated
    ).select_related("nomination__award")
    for row in team_rows:
        yield row.person_id, _nomination(row.nomination)
    project_nominations = (
        nominated.filter(nominee_kind=Nomination.NomineeKind.PROJECT)
        .filter(
            Q(project__lead__in=ids)
            | Q(project__co_leads__in=ids)
            | Q(project__memberships__person__in=ids, project__memberships__left_on__isnull=True)
        )
        .distinct()
        .select_related("award", "project")
        .prefetch_related(
            "project__co_leads",
            Prefetch(
                "project__memberships",
                queryset=Membership.objects.filter(left_on__isnull=True),
                to_attr="current_memberships",
            ),
        )
    )
    for nomination in project_nominations:
        project = nomination.project
        team = {
            project.lead_id,
            *(person.pk for person in project.co_leads.all()),
            *(membership.person_id for membership in project.current_memberships),
        }
        for person_id in team & ids:
            yield person_id, _nomination(nomination)


def training_completed(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """A course completed in the period."""
    completions = Completion.objects.filter(
        person__in=ids, completed_on__gte=start, completed_on__lte=end
    ).select_related("course")
    for completion in completions:
        yield (
            completion.person_id,
            Contribution(
                ContributionKind.TRAINING,
                completion.completed_on,
                f"Completed {completion.course.name} "
                f"({completion.course.get_level_display().lower()} level)",
            ),
        )


def mentoring_pairs(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """Mentoring, or being mentored, outside projects at some point in the period."""
    pairs = (
        MentoringPair.objects.filter(Q(mentor__in=ids) | Q(mentee__in=ids))
        .filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("mentor", "mentee")
    )
    for pair in pairs:
        day = _in_period(pair.started_on, start, end)
        if pair.mentor_id in ids:
            yield (
                pair.mentor_id,
                Contribution(
                    ContributionKind.MENTOR, day, f"Mentored {pair.mentee}", role="Mentor"
                ),
            )
        if pair.mentee_id in ids:
            yield (
                pair.mentee_id,
                Contribution(
                    ContributionKind.MENTEE, day, f"Mentored by {pair.mentor}", role="Mentee"
                ),
            )


def projects_mentored(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """Mentoring the lead of an approved project that was open at some point in the period."""
    mentored = (
        Project.objects.approved()
        .filter(mentor__in=ids)
        .open_during(start, end)
        .select_related("lead")
    )
    for project in mentored:
        began = project.start_date or timezone.localdate(project.submitted_at)
        yield (
            project.mentor_id,
            Contribution(
                ContributionKind.MENTOR,
                _in_period(began, start, end),
                f"Mentored {project.lead} leading {project}",
                project=project,
                role="Mentor",
            ),
        )


def proposals_reviewed(ids: set[int], start: dt.date, end: dt.date) -> Found:
    """A champion's decision on a proposal, made in the period."""
    reviews = ReviewDecision.objects.filter(
        champion__in=ids, decided_at__date__gte=start, decided_at__date__lte=end
    ).select_related("project")
    for review in reviews:
        yield (
            review.champion_id,
            Contribution(
                ContributionKind.REVIEW,
                timezone.localdate(review.decided_at),
                f"Reviewed the proposal {review.project}: {review.outcome.lower()}",
                project=review.project,
                role="Reviewer",
            ),
        )


READERS = (
    projects_led,
    roles_held,
    tasks_done,
    showcases_presented,
    nominations,
    training_completed,
    mentoring_pairs,
    projects_mentored,
    proposals_reviewed,
)


def _nomination(nomination: Nomination) -> Contribution:
    award = nomination.award
    if nomination.nominee_kind == Nomination.NomineeKind.TEAM:
        who = f" (team: {nomination.team_name})"
    elif nomination.nominee_kind == Nomination.NomineeKind.PROJECT:
        who = f" (project {nomination.project})"
    else:
        who = ""
    return Contribution(
        ContributionKind.NOMINATION,
        timezone.localdate(nomination.submitted_at),
        f"Nominated for {award.name}, {award.get_level_display().lower()} level, "
        f"{award.awarding_body}{who}: {nomination.get_status_display().lower()}",
        role="Nominee",
        project=nomination.project,
    )


@dataclass
class ProjectPart:
    """A person's part in one project, for a certificate of contribution."""

    project: Project
    roles: list[str] = field(default_factory=list)
    hours: Decimal = Decimal(0)
    first: dt.date | None = None
    last: dt.date | None = None


# Reviewing a proposal or being nominated with a project is not taking part in it.
NOT_TAKING_PART = (ContributionKind.REVIEW, ContributionKind.NOMINATION)


def projects_taken_part(person: Person) -> list[ProjectPart]:
    """Every approved project the person took part in, with their roles: for certificates."""
    everything = contributions_for([person], dt.date.min, timezone.localdate())[person.pk]
    parts: dict[int, ProjectPart] = {}
    for contribution in everything.contributions:
        project = contribution.project
        if project is None or project.reference is None or contribution.kind in NOT_TAKING_PART:
            continue
        part = parts.setdefault(project.pk, ProjectPart(project))
        if contribution.role and contribution.role not in part.roles:
            part.roles.append(contribution.role)
        part.hours += contribution.hours or 0
        part.first = min(part.first or contribution.date, contribution.date)
        part.last = max(part.last or contribution.date, contribution.date)
    return sorted(parts.values(), key=lambda part: part.project.reference)
