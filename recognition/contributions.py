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

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone

from people.models import Completion, Course, MentoringPair, Person
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


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """What a contribution shows of its project: read with values(), not as a Project.

    A manager's summary of 600 reports holds about 200,000 contributions; a full Project
    instance on each (one per row read, with every column) took the process past several GB.
    One ProjectRef per project is shared by all the contributions that name it."""

    pk: int
    reference: str | None
    title: str
    stage: str

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}" if self.reference else self.title

    def get_stage_display(self) -> str:
        return Project.Stage(self.stage).label

    @property
    def stage_in_text(self) -> str:
        label = self.get_stage_display()
        return label[:1].lower() + label[1:]


# The project columns each reader reads, under a prefix ("project__" from a Membership).
PROJECT_FIELDS = ("pk", "reference", "title", "stage")


class ProjectRefs(dict):
    """The ProjectRefs of one read, by project id: one object per project."""

    def from_row(self, row: dict, prefix: str = "project__") -> ProjectRef:
        pk = row[f"{prefix}pk" if prefix else "pk"]
        ref = self.get(pk)
        if ref is None:
            ref = self[pk] = ProjectRef(
                pk, row[f"{prefix}reference"], row[f"{prefix}title"], row[f"{prefix}stage"]
            )
        return ref

    def of(self, project: Project | None) -> ProjectRef | None:
        if project is None:
            return None
        ref = self.get(project.pk)
        if ref is None:
            ref = self[project.pk] = ProjectRef(
                project.pk, project.reference, project.title, project.stage
            )
        return ref


def _project_columns(prefix: str = "project__") -> list[str]:
    return [f"{prefix}{name}" for name in PROJECT_FIELDS]


@dataclass(slots=True)
class Contribution:
    kind: ContributionKind
    date: dt.date
    description: str
    project: ProjectRef | None = None
    role: str = ""
    hours: Decimal | None = None
    # Shared between the contributions of one kind in one department: never changed in place.
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
    people: Iterable[Person], start: dt.date, end: dt.date, readers=None
) -> dict[int, PersonContributions]:
    """Each person's contributions in [start, end], newest first, mapped to their department's
    portfolio domains. A fixed number of queries whatever the number of people: each reader
    below reads one kind of contribution for all of them at once, as plain rows (values()).
    `readers` (default: all of READERS) reads only some kinds."""
    people = list(people)
    ids = {person.pk for person in people}
    refs = ProjectRefs()
    found: dict[int, list[Contribution]] = defaultdict(list)
    for read in READERS if readers is None else readers:
        for person_id, contribution in read(ids, start, end, refs):
            found[person_id].append(contribution)

    domains_by_department: dict[int, list[PortfolioDomain]] = defaultdict(list)
    for domain in PortfolioDomain.objects.filter(
        department__in={person.department_id for person in people}
    ):
        domains_by_department[domain.department_id].append(domain)
    # One list of domain names per department and kind, shared by its contributions.
    domain_names: dict[tuple[int, str], list[str]] = {}

    result = {}
    for person in people:
        contributions = sorted(found.get(person.pk, []), key=lambda c: (c.date, c.description))
        contributions.reverse()
        for contribution in contributions:
            key = (person.department_id, contribution.kind)
            names = domain_names.get(key)
            if names is None:
                names = domain_names[key] = [
                    domain.name
                    for domain in domains_by_department[person.department_id]
                    if contribution.kind in domain.contribution_kinds
                ]
            contribution.domains = names
        result[person.pk] = PersonContributions(person, contributions)
    return result


def count_contributions(people: Iterable[Person], start: dt.date, end: dt.date) -> int:
    """How many contributions `contributions_for` would return for `people`, counted in the
    database (one COUNT per kind, no rows read): how big a summary or portfolio will be before
    it is made."""
    ids = {getattr(person, "pk", person) for person in people}
    return sum(count(ids, start, end) for count in COUNTERS)


# The readers: each yields (person id, contribution) for one kind of contribution, for all the
# people in `ids` at once, in one or a few queries; each has a query of its rows, which the
# counters below count.
Found = Iterator[tuple[int, Contribution]]


def _led(ids: set[int], start: dt.date, end: dt.date):
    return Project.objects.led_by(ids).approved().open_during(start, end)


def projects_led(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """Leading or co-leading an approved project that was open at some point in the period."""
    led = _led(ids, start, end)
    co_leads: dict[int, set[int]] = defaultdict(set)
    for project_id, person_id in Project.co_leads.through.objects.filter(
        project__in=led.values("pk"), person_id__in=ids
    ).values_list("project_id", "person_id"):
        co_leads[project_id].add(person_id)
    for row in led.values(*PROJECT_FIELDS, "lead_id", "start_date", "submitted_at"):
        project = refs.from_row(row, prefix="")
        began = row["start_date"] or timezone.localdate(row["submitted_at"])
        team = co_leads.get(row["pk"], set())
        if row["lead_id"] in ids:
            team = team | {row["lead_id"]}
        for person_id in team:
            role = "Project lead" if person_id == row["lead_id"] else "Co-lead"
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


def _count_led(ids: set[int], start: dt.date, end: dt.date) -> int:
    led = _led(ids, start, end)
    return (
        led.filter(lead_id__in=ids).count()
        + Project.co_leads.through.objects.filter(
            project__in=led.exclude(lead_id__in=ids).values("pk"), person_id__in=ids
        ).count()
        + Project.co_leads.through.objects.filter(
            project__in=led.filter(lead_id__in=ids).values("pk"), person_id__in=ids
        )
        .exclude(person_id=models.F("project__lead_id"))
        .count()
    )


def _roles(ids: set[int], start: dt.date, end: dt.date):
    return Membership.objects.filter(
        approved_q("project__"), person__in=ids, joined_on__lte=end
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))


def roles_held(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """A role on an approved project's team, held at some point in the period."""
    rows = _roles(ids, start, end).values(
        "person_id", "role_title", "joined_on", "left_on", *_project_columns()
    )
    for row in rows:
        project = refs.from_row(row)
        ended = f" until {row['left_on']:%d %b %Y}" if row["left_on"] else ""
        yield (
            row["person_id"],
            Contribution(
                ContributionKind.ROLE,
                _in_period(row["joined_on"], start, end),
                f"{row['role_title']} on {project}{ended}",
                project=project,
                role=row["role_title"],
            ),
        )


def _tasks(ids: set[int], start: dt.date, end: dt.date):
    return Task.objects.filter(
        approved_q("project__"),
        claimed_by__in=ids,
        status=Task.Status.DONE,
        completed_at__date__gte=start,
        completed_at__date__lte=end,
    )


def tasks_done(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """A buddy task on an approved project, done in the period."""
    rows = _tasks(ids, start, end).values(
        "claimed_by_id", "title", "completed_at", "actual_hours", *_project_columns()
    )
    for row in rows:
        project = refs.from_row(row)
        yield (
            row["claimed_by_id"],
            Contribution(
                ContributionKind.TASK,
                timezone.localdate(row["completed_at"]),
                f"Buddy task “{row['title']}” for {project}",
                project=project,
                role="Buddy",
                hours=row["actual_hours"],
            ),
        )


def _presented(ids: set[int], start: dt.date, end: dt.date):
    return ShowcaseSlot.presenters.through.objects.filter(
        person_id__in=ids,
        showcaseslot__session__starts_at__date__gte=start,
        showcaseslot__session__starts_at__date__lte=end,
        showcaseslot__session__starts_at__lte=timezone.now(),
    )


def showcases_presented(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """Presenting at a showcase session in the period. Only sessions that have started: a
    booked slot is a plan, not yet a presentation."""
    presented = _presented(ids, start, end).select_related(
        "showcaseslot__session", "showcaseslot__project"
    )
    for row in presented:
        slot = row.showcaseslot
        project = refs.of(slot.project)
        booked = (
            "" if slot.status == ShowcaseSlot.Status.CONFIRMED else " (not confirmed by a champion)"
        )
        yield (
            row.person_id,
            Contribution(
                ContributionKind.SHOWCASE,
                timezone.localdate(slot.session.starts_at),
                f"Presented {project} at {slot.session.title}, {slot.session.place}{booked}",
                project=project,
                role="Presenter",
            ),
        )


def _nominated(start: dt.date, end: dt.date):
    return Nomination.objects.exclude(status=Nomination.Status.DRAFT).filter(
        submitted_at__date__gte=start, submitted_at__date__lte=end
    )


def _project_nominations(ids: set[int], start: dt.date, end: dt.date):
    return (
        _nominated(start, end)
        .filter(nominee_kind=Nomination.NomineeKind.PROJECT)
        .filter(
            Q(project__lead__in=ids)
            | Q(project__co_leads__in=ids)
            | Q(project__memberships__person__in=ids, project__memberships__left_on__isnull=True)
        )
        .distinct()
    )


def nominations(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """A nomination submitted in the period: of the person, of a team they are named in, or of
    a project whose team they are on (lead, co-leads and current members)."""
    nominated = _nominated(start, end)
    for nomination in nominated.filter(person__in=ids).select_related("award", "project"):
        yield nomination.person_id, _nomination(nomination, refs)
    team_rows = Nomination.team_members.through.objects.filter(
        person_id__in=ids, nomination__in=nominated
    ).select_related("nomination__award", "nomination__project")
    for row in team_rows:
        yield row.person_id, _nomination(row.nomination, refs)
    project_nominations = (
        _project_nominations(ids, start, end)
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
            yield person_id, _nomination(nomination, refs)


def _count_nominations(ids: set[int], start: dt.date, end: dt.date) -> int:
    """Nominations of the people, of teams they are named in, and of their projects (one per
    project nomination: a count of projects, not of the team members it names)."""
    nominated = _nominated(start, end)
    return (
        nominated.filter(person__in=ids).count()
        + Nomination.team_members.through.objects.filter(
            person_id__in=ids, nomination__in=nominated
        ).count()
        + _project_nominations(ids, start, end).count()
    )


def _completions(ids: set[int], start: dt.date, end: dt.date):
    return Completion.objects.filter(person__in=ids, completed_on__gte=start, completed_on__lte=end)


def training_completed(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """A course completed in the period."""
    rows = _completions(ids, start, end).values(
        "person_id", "completed_on", "course__name", "course__level"
    )
    for row in rows:
        level = Course.Level(row["course__level"]).label.lower()
        yield (
            row["person_id"],
            Contribution(
                ContributionKind.TRAINING,
                row["completed_on"],
                f"Completed {row['course__name']} ({level} level)",
            ),
        )


def _pairs(ids: set[int], start: dt.date, end: dt.date):
    return (
        MentoringPair.objects.filter(Q(mentor__in=ids) | Q(mentee__in=ids))
        .filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    )


def mentoring_pairs(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """Mentoring, or being mentored, outside projects at some point in the period."""
    rows = _pairs(ids, start, end).values(
        "mentor_id", "mentee_id", "started_on", "mentor__display_name", "mentee__display_name"
    )
    for row in rows:
        day = _in_period(row["started_on"], start, end)
        if row["mentor_id"] in ids:
            yield (
                row["mentor_id"],
                Contribution(
                    ContributionKind.MENTOR,
                    day,
                    f"Mentored {row['mentee__display_name']}",
                    role="Mentor",
                ),
            )
        if row["mentee_id"] in ids:
            yield (
                row["mentee_id"],
                Contribution(
                    ContributionKind.MENTEE,
                    day,
                    f"Mentored by {row['mentor__display_name']}",
                    role="Mentee",
                ),
            )


def _count_pairs(ids: set[int], start: dt.date, end: dt.date) -> int:
    pairs = _pairs(ids, start, end)
    return pairs.filter(mentor__in=ids).count() + pairs.filter(mentee__in=ids).count()


def _mentored(ids: set[int], start: dt.date, end: dt.date):
    return Project.objects.approved().filter(mentor__in=ids).open_during(start, end)


def projects_mentored(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """Mentoring the lead of an approved project that was open at some point in the period."""
    rows = _mentored(ids, start, end).values(
        *PROJECT_FIELDS, "mentor_id", "start_date", "submitted_at", "lead__display_name"
    )
    for row in rows:
        project = refs.from_row(row, prefix="")
        began = row["start_date"] or timezone.localdate(row["submitted_at"])
        yield (
            row["mentor_id"],
            Contribution(
                ContributionKind.MENTOR,
                _in_period(began, start, end),
                f"Mentored {row['lead__display_name']} leading {project}",
                project=project,
                role="Mentor",
            ),
        )


def _reviews(ids: set[int], start: dt.date, end: dt.date):
    return ReviewDecision.objects.filter(
        champion__in=ids, decided_at__date__gte=start, decided_at__date__lte=end
    )


def proposals_reviewed(ids: set[int], start: dt.date, end: dt.date, refs: ProjectRefs) -> Found:
    """A champion's decision on a proposal, made in the period."""
    rows = _reviews(ids, start, end).values(
        "champion_id", "decided_at", "decision", *_project_columns()
    )
    for row in rows:
        project = refs.from_row(row)
        yield (
            row["champion_id"],
            Contribution(
                ContributionKind.REVIEW,
                timezone.localdate(row["decided_at"]),
                f"Reviewed the proposal {project}: "
                f"{ReviewDecision.OUTCOMES[row['decision']].lower()}",
                project=project,
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


def _counter(rows):
    return lambda ids, start, end: rows(ids, start, end).count()


COUNTERS = (
    _count_led,
    _counter(_roles),
    _counter(_tasks),
    _counter(_presented),
    _count_nominations,
    _counter(_completions),
    _count_pairs,
    _counter(_mentored),
    _counter(_reviews),
)


def _nomination(nomination: Nomination, refs: ProjectRefs) -> Contribution:
    award = nomination.award
    project = refs.of(nomination.project)
    if nomination.nominee_kind == Nomination.NomineeKind.TEAM:
        who = f" (team: {nomination.team_name})"
    elif nomination.nominee_kind == Nomination.NomineeKind.PROJECT:
        who = f" (project {project})"
    else:
        who = ""
    return Contribution(
        ContributionKind.NOMINATION,
        timezone.localdate(nomination.submitted_at),
        f"Nominated for {award.name}, {award.get_level_display().lower()} level, "
        f"{award.awarding_body}{who}: {nomination.get_status_display().lower()}",
        role="Nominee",
        project=project,
    )


@dataclass
class ProjectPart:
    """A person's part in one project, for a certificate of contribution."""

    project: ProjectRef
    roles: list[str] = field(default_factory=list)
    hours: Decimal = Decimal(0)
    first: dt.date | None = None
    last: dt.date | None = None


# Reviewing a proposal or being nominated with a project is not taking part in it.
NOT_TAKING_PART = (ContributionKind.REVIEW, ContributionKind.NOMINATION)
# The readers of the other kinds: a champion of ten years has tens of thousands of reviews,
# which a list of the projects taken part in need not read.
TAKING_PART_READERS = tuple(
    read for read in READERS if read not in (nominations, proposals_reviewed)
)


def projects_taken_part(person: Person) -> list[ProjectPart]:
    """Every approved project the person took part in, with their roles: for certificates."""
    everything = contributions_for(
        [person], dt.date.min, timezone.localdate(), readers=TAKING_PART_READERS
    )[person.pk]
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
