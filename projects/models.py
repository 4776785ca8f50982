from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.urls import reverse
from django.utils import timezone

from common.fields import (
    PLANNED,
    UP_TO_TODAY,
    BoundedDateField,
    MultiLineTextField,
    SingleLineCharField,
)
from common.history import HistoricalRecords
from people.access import person_of
from people.departments import sees_all_departments
from people.models import ChampionAssignment, ClinicalArea, Department, Person, Skill

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)

# Why someone outside the departments a project involves may neither join it nor claim its tasks.
NOT_IN_DEPARTMENT = (
    "Only staff in the departments this project involves can join it or take its tasks"
)


class StrategicPriority(models.Model):
    """A departmental strategic priority that projects can align with."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="strategic_priorities"
    )
    name = SingleLineCharField(max_length=150)
    description = MultiLineTextField(blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Untick to stop offering this priority for new projects."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "strategic priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="strategic_priority_unique_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TimeCommitment(models.Model):
    """What something asks of a person: N hours per week or month, for a number of weeks."""

    class Period(models.TextChoices):
        WEEK = "week", "per week"
        MONTH = "month", "per month"

    commitment_hours = models.DecimalField(
        "hours",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
        help_text="For example, 2 (hours).",
    )
    commitment_period = models.CharField(
        "per", max_length=5, choices=Period.choices, default=Period.WEEK
    )
    commitment_weeks = models.PositiveSmallIntegerField(
        "for how many weeks",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(520)],
    )

    class Meta:
        abstract = True

    @property
    def weekly_hours(self) -> Decimal | None:
        return self.weekly_hours_of(self.commitment_hours, self.commitment_period)

    @property
    def commitment_display(self) -> str:
        return self.describe_commitment(
            self.commitment_hours, self.commitment_period, self.commitment_weeks
        )

    # The two above from the columns' raw values, for lists read with values_list() (the
    # register's exports), which build no model objects.
    @staticmethod
    def weekly_hours_of(hours: Decimal | None, period: str) -> Decimal | None:
        if hours is None:
            return None
        if period == TimeCommitment.Period.MONTH:
            return (hours / WEEKS_PER_MONTH).quantize(Decimal("0.1"))
        return hours

    @staticmethod
    def describe_commitment(hours: Decimal | None, period: str, weeks: int | None) -> str:
        if hours is None:
            return "Not stated"
        # As get_commitment_period_display() has it: the label, or the value if it has none.
        label = PERIOD_LABELS.get(period, period)
        text = f"{hours.normalize():f} h {label}"
        if weeks:
            text += f" for {weeks} week{'s' if weeks != 1 else ''}"
        return text

    @staticmethod
    def hours_expression(per: str, prefix: str = "") -> Case:
        """SQL for the hours per `per` (Period.WEEK or MONTH) whatever the period stated, so
        lists can filter, sort and add up comparable numbers."""
        hours = F(f"{prefix}commitment_hours")
        stated_otherwise, converted = (
            (TimeCommitment.Period.MONTH, hours / WEEKS_PER_MONTH)
            if per == TimeCommitment.Period.WEEK
            else (TimeCommitment.Period.WEEK, hours * WEEKS_PER_MONTH)
        )
        return Case(
            When(**{f"{prefix}commitment_period": stated_otherwise}, then=converted),
            default=hours,
            output_field=models.DecimalField(max_digits=7, decimal_places=2),
        )

    @staticmethod
    def weekly_hours_expression(prefix: str = "") -> Case:
        return TimeCommitment.hours_expression(TimeCommitment.Period.WEEK, prefix)

    @staticmethod
    def monthly_hours_expression(prefix: str = "") -> Case:
        """Hours a month: the unit in which people state and agree their QI time."""
        return TimeCommitment.hours_expression(TimeCommitment.Period.MONTH, prefix)


PERIOD_LABELS = dict(TimeCommitment.Period.choices)


class ReferenceCounter(models.Model):
    """The last reference number issued per year; numbers are never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def _latest_decision() -> models.QuerySet:
    """The outer query's project's review decisions, latest first (for a Subquery)."""
    return ReviewDecision.objects.filter(project=OuterRef("pk")).order_by("-decided_at", "-pk")


def approved_q(prefix: str = "") -> Q:
    """Approved by a champion, whatever since (`Project.is_approved`): the rule for what counts
    as evidence, as a Q on Project or, with `prefix` (e.g. "project__"), on a model that points
    at Project."""
    return Q(**{f"{prefix}approved_at__isnull": False})


def live_q(prefix: str = "") -> Q:
    """Approved and in a working stage (`Project.is_live`), as a Q on Project or, with
    `prefix` (e.g. "project__"), on a model that points at Project.

    Only the stage is compared: the constraint project_approved_before_working_stages makes
    every project in a working stage an approved one, and the stage alone is in the
    project_visibility index (the register's hours filter and the task board's count at
    100,000 projects took half as long again when approved_at was compared too)."""
    return Q(**{f"{prefix}stage__in": Project.ACTIVE_STAGES})


def taking_people_q(prefix: str = "") -> Q:
    """Live, or submitted and awaiting review (`Project.is_taking_people`): a proposal may
    gather its team while a champion reviews it, but nobody joins a draft, a project on
    hold, or a completed or closed one."""
    return live_q(prefix) | Q(
        **{f"{prefix}stage": Project.Stage.PROPOSED, f"{prefix}submitted_at__isnull": False}
    )


def involving_department_q(department: Department | int, via: str = "") -> Q:
    """Projects that `department` leads or takes part in, as a Q on Project (or, with `via`,
    on a model whose foreign key `via` points at Project).

    The partner projects are read first (one query; a department takes part in few), so the
    filter is `department_id = X OR id IN (1, 2, ...)`, which PostgreSQL answers from its
    indexes whatever the department's size. On 100,000 projects, a subquery in the OR made it
    walk the whole table for a small department (136 ms, against 4 ms), and a UNION of the two
    made it hash every project of a large one (283 ms, against 25 ms).
    """
    department_id = getattr(department, "pk", department)
    partnered = list(
        Project.partner_departments.through.objects.filter(department_id=department_id).values_list(
            "project_id", flat=True
        )
    )
    prefix = f"{via}__" if via else ""
    led = Q(**{f"{prefix}department_id": department_id})
    if not partnered:
        return led
    return led | Q(**{f"{via}_id__in" if via else "pk__in": partnered})


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in the project's time zone (settings.TIME_ZONE), the one day boundary
    for conditions on timestamps: a period's dates are local dates."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def done_during_q(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """Completed in the local dates [start, end] (`ProjectQuerySet.done_during`), as a Q on
    Project or, with `prefix`, on a model that points at one."""
    return Q(
        **{
            f"{prefix}stage": Project.Stage.COMPLETED,
            f"{prefix}stage_changed_at__gte": local_midnight(start),
            f"{prefix}stage_changed_at__lt": local_midnight(end + dt.timedelta(days=1)),
        }
    )


class ProjectQuerySet(models.QuerySet):
    def involving_department(self, department: Department | int) -> ProjectQuerySet:
        return self.filter(involving_department_q(department))

    def visible_to(self, user) -> ProjectQuerySet:
        """Submitted projects for everyone; drafts for their team, area champions and admins."""
        if user.is_staff:
            return self
        person = person_of(user)
        if person is None:
            return self.filter(submitted_at__isnull=False)
        # Each IN (...) is computed once and hashed, so this stays one cheap pass over the table.
        co_led = Project.co_leads.through.objects.filter(person=person).values("project_id")
        championed = Project.clinical_areas.through.objects.filter(
            clinicalarea__champion_assignments__person=person
        ).values("project_id")
        return self.filter(
            Q(submitted_at__isnull=False) | Q(lead=person) | Q(pk__in=co_led) | Q(pk__in=championed)
        )

    def worked_on_by(
        self, person: Person | int, *, former_members: bool = False
    ) -> ProjectQuerySet:
        """Projects `person` works on: as lead, co-lead or current member (see `working_on_q`).

        With `former_members`, also those they have left: a stake in an award outlasts the
        membership. Each IN (...) is computed once and hashed, not run per row.
        """
        person_id = getattr(person, "pk", person)
        co_led = Project.co_leads.through.objects.filter(person_id=person_id).values("project_id")
        memberships = Membership.objects.filter(person_id=person_id)
        if not former_members:
            memberships = memberships.filter(left_on__isnull=True)
        return self.filter(
            Q(lead_id=person_id) | Q(pk__in=co_led) | Q(pk__in=memberships.values("project_id"))
        )

    def with_free_area_champion(self) -> ProjectQuerySet:
        """Annotates `has_free_area_champion`: a champion of one of the project's areas who does
        not work on it, so may review it and sign off its closure. One correlated subquery per
        row: meant for short lists (proposals waiting for review), not the whole register."""
        free = ChampionAssignment.objects.filter(clinical_area__projects=OuterRef("pk")).exclude(
            working_on_q(project=OuterRef(OuterRef("pk")), person=OuterRef("person_id"))
        )
        return self.annotate(has_free_area_champion=Exists(free))

    def led_by(self, people: Iterable) -> ProjectQuerySet:
        """Projects that any of `people` (Person objects or ids) lead or co-lead.

        The leads' and the co-leads' index scans joined by UNION: `Q(lead=...) |
        Q(co_leads=...)` is an OR across a join, for which PostgreSQL reads every project.
        """
        ids = [getattr(person, "pk", person) for person in people]
        co_led = Project.co_leads.through.objects.filter(person_id__in=ids).values("project_id")
        led = Project.objects.filter(lead_id__in=ids).order_by().values("pk")
        return self.filter(pk__in=led.union(co_led))

    def presentable_by(self, person: Person, department_id: int) -> ProjectQuerySet:
        """The department's projects `person` may book a showcase slot for: led or co-led,
        submitted and not closed without completion (a completed one is still presented)."""
        return (
            self.led_by([person])
            .filter(department_id=department_id, submitted_at__isnull=False)
            .exclude(stage=Project.Stage.CLOSED)
            .order_by("title", "pk")
        )

    def for_register(self) -> ProjectQuerySet:
        """Everything a register row shows, in a fixed number of queries."""
        open_tasks = (
            Task.objects.filter(project=OuterRef("pk"), status=Task.Status.OPEN)
            .order_by()
            .values("project")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        latest_update = ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by(
            "-date", "-pk"
        )
        return (
            self.select_related("lead", "department")
            .prefetch_related("clinical_areas", "partner_departments")
            .annotate(
                # Open tasks invite claiming, so only a live project's are counted (and the
                # subquery runs only for its rows).
                open_tasks_count=Case(
                    When(live_q(), then=models.functions.Coalesce(models.Subquery(open_tasks), 0)),
                    default=0,
                ),
                latest_update_date=models.Subquery(latest_update.values("date")[:1]),
                latest_update_text=models.Subquery(latest_update.values("done")[:1]),
                weekly_hours_sql=TimeCommitment.weekly_hours_expression(),
            )
        )

    def with_open_role_titles(self) -> ProjectQuerySet:
        """Annotates `open_role_titles`, the titles of the project's open role openings (the
        register's "Roles wanted"): an array subquery in the same query, run only for the rows
        fetched (a page), not for the count."""
        titles = (
            RoleOpening.objects.filter(project=OuterRef("pk"), is_open=True)
            .order_by("title", "pk")
            .values("title")
        )
        return self.annotate(open_role_titles=ArraySubquery(titles))

    def with_partner_and_area_ids(self) -> ProjectQuerySet:
        """Annotates `partner_ids` and `area_ids`: the ids of the other departments involved
        and of the clinical areas, each an array read from its link table's index alone, in
        the same query. For exports read with values_list(), which name them from the (few)
        departments and areas read once: joining the names here cost three times as much."""
        partners = Project.partner_departments.through.objects.filter(project=OuterRef("pk"))
        areas = Project.clinical_areas.through.objects.filter(project=OuterRef("pk"))
        return self.annotate(
            partner_ids=ArraySubquery(partners.values("department_id")),
            area_ids=ArraySubquery(areas.values("clinicalarea_id")),
        )

    def open_during(self, start: dt.date, end: dt.date) -> ProjectQuerySet:
        """Submitted projects that were open at some point in the local dates [start, end]:
        submitted by the end of `end` and not completed or closed before `start` began.

        The one day boundary is local midnight (`local_midnight`), so a project closed at
        00:30 on the day after the period ends was open during it, in summer time or not."""
        finished_before = Q(
            stage__in=Project.CLOSED_STAGES, stage_changed_at__lt=local_midnight(start)
        )
        return self.filter(submitted_at__lt=local_midnight(end + dt.timedelta(days=1))).exclude(
            finished_before
        )

    def done_during(self, start: dt.date, end: dt.date) -> ProjectQuerySet:
        """Projects completed in the local dates [start, end] (same day boundary as
        `open_during`)."""
        return self.filter(done_during_q(start, end))

    def waiting_for_review_by(self, user, department: Department) -> ProjectQuerySet:
        """The proposals waiting for review that the review queue lists for `user` in
        `department`, each annotated with what its row says (all in the page's one query):
        `viewer_works_on`, `viewer_champions` (an area of it, or its mentor) and
        `has_free_area_champion`.

        Admins and the trust QI team: every proposal waiting in the department. Champions
        and QI leads: those in their areas, and their department's where no champion of the
        area is free to review (`stages.may_review`). Never a proposal the viewer works on
        (their own, say, started from an audit): another champion of the area, or where none
        is free, another champion of the department or its QI lead, reviews it.
        """
        person = person_of(user)
        waiting = (
            self.filter(stage=Project.Stage.PROPOSED, review_requested_at__isnull=False)
            .select_related("lead", "department__qi_lead")
            .with_free_area_champion()
        )
        if person is None:
            return waiting.annotate(
                viewer_works_on=models.Value(False), viewer_champions=models.Value(False)
            ).filter(department=department)
        in_my_areas = Project.clinical_areas.through.objects.filter(
            project_id=OuterRef("pk"), clinicalarea_id__in=person.champion_area_ids
        )
        # `worked_on_by`'s rule on the proposals themselves: its co-leads' and memberships' IN
        # (...) are each hashed once, where `pk IN (worked_on_by(...))` read every project.
        co_led = Project.co_leads.through.objects.filter(person=person).values("project_id")
        member_of = Membership.objects.filter(person=person, left_on__isnull=True)
        waiting = waiting.annotate(
            viewer_works_on=models.ExpressionWrapper(
                Q(lead=person) | Q(pk__in=co_led) | Q(pk__in=member_of.values("project_id")),
                output_field=models.BooleanField(),
            ),
            viewer_champions=models.ExpressionWrapper(
                Q(Exists(in_my_areas)) | Q(mentor=person), output_field=models.BooleanField()
            ),
        )
        waiting = waiting.filter(viewer_works_on=False)
        if user.is_staff or sees_all_departments(user):
            return waiting.filter(department=department)
        # The departments' ids, not a condition on the joined department: every condition on
        # the proposal's own row, so PostgreSQL checks them once, in the index scan.
        stands_in = Q(department__in=Department.objects.filter(qi_lead=person).values("pk"))
        if person.is_champion:
            stands_in |= Q(department_id=person.department_id)
        return waiting.filter(
            Q(viewer_champions=True)
            | (stands_in & may_lack_free_area_champion_q() & Q(has_free_area_champion=False))
        )

    def to_review_by(self, user) -> ProjectQuerySet:
        """The proposals in the viewer's own department that the review queue lists for them
        and that they may review (not those they work on), oldest request first: the home
        page's "Proposals to review". None for someone who does not review (the trust QI team
        opens the queue for its figures)."""
        person = person_of(user)
        reviews = user.is_staff or (
            person is not None
            and (person.is_champion or Department.objects.filter(qi_lead=person).exists())
        )
        if person is None or not reviews:
            return self.none()
        # waiting_for_review_by already leaves out the proposals the viewer works on.
        return self.waiting_for_review_by(user, person.department).order_by(
            "review_requested_at", "pk"
        )

    def approved(self) -> ProjectQuerySet:
        """Approved by a champion, whatever happened since: the projects whose contributions
        count as evidence (portfolio, certificates, appraisal, engagement figures)."""
        return self.filter(approved_q())

    def awaiting_approval(self) -> ProjectQuerySet:
        """Submitted proposals not yet approved (waiting for review, or sent back for changes):
        listed on the lead's portfolio as proposed, but not yet evidence."""
        return self.filter(
            submitted_at__isnull=False, approved_at__isnull=True, stage=Project.Stage.PROPOSED
        )

    def live(self) -> ProjectQuerySet:
        """Approved and in a working stage (not on hold, completed or closed): the projects
        whose tasks are offered to people and may be claimed (`live_q`)."""
        return self.filter(live_q())

    def taking_people(self) -> ProjectQuerySet:
        """Live, or a proposal awaiting review: the projects people may ask to join
        (`taking_people_q`)."""
        return self.filter(taking_people_q())

    # Whose turn it is: the lead's (changes requested, a closure report sent back) or a
    # champion's (a closure report waiting for sign-off). Named for the personal pages.

    def changes_requested(self) -> ProjectQuerySet:
        """Proposals a champion sent back with a request for changes, not yet resubmitted:
        proposed, not waiting for review, and the latest decision asked for changes."""
        latest = _latest_decision()
        return (
            self.filter(
                stage=Project.Stage.PROPOSED,
                submitted_at__isnull=False,
                review_requested_at__isnull=True,
            )
            .alias(last_decision_code=models.Subquery(latest.values("decision")[:1]))
            .filter(last_decision_code=ReviewDecision.Decision.CHANGES_REQUESTED)
        )

    def changes_requested_for(self, person: Person) -> ProjectQuerySet:
        """The proposals `person` leads or co-leads that wait for their changes."""
        return self.led_by([person]).changes_requested()

    def with_latest_decision(self) -> ProjectQuerySet:
        """Annotates the latest review decision: `latest_decision` (its code),
        `latest_decision_comment` and `latest_decision_by` (the champion's name)."""
        latest = _latest_decision()
        return self.annotate(
            latest_decision=models.Subquery(latest.values("decision")[:1]),
            latest_decision_comment=models.Subquery(latest.values("comment")[:1]),
            latest_decision_by=models.Subquery(latest.values("champion__display_name")[:1]),
        )

    def awaiting_closure_sign_off(self) -> ProjectQuerySet:
        """Projects whose closure report the lead has sent for sign-off, not yet signed off."""
        return self.filter(
            closure_report__submitted_at__isnull=False, closure_report__signed_off_at__isnull=True
        )

    def awaiting_closure_sign_off_by(self, person: Person) -> ProjectQuerySet:
        """Closure reports waiting for `person` to sign them off (`stages.may_sign_off` in SQL):
        as the mentor; or, when there is no mentor or the mentor works on the project, as a
        champion of one of its areas, or (no champion of its areas being free) as another
        champion of its department or its QI lead. Never a project `person` works on."""
        mentor_free = Q(mentor__isnull=False) & ~working_on_q(
            project=OuterRef("pk"), person=OuterRef("mentor_id")
        )
        in_my_areas = Project.clinical_areas.through.objects.filter(
            project_id=OuterRef("pk"), clinicalarea_id__in=person.champion_area_ids
        )
        # The departments' ids, not a condition on the joined department: every condition on
        # the proposal's own row, so PostgreSQL checks them once, in the index scan.
        stands_in = Q(department__in=Department.objects.filter(qi_lead=person).values("pk"))
        if person.is_champion:
            stands_in |= Q(department_id=person.department_id)
        instead_of_mentor = Q(Exists(in_my_areas)) | (stands_in & Q(has_free_area_champion=False))
        # What `person` works on as a UNION of three index scans: `worked_on_by`'s OR made
        # PostgreSQL read every project (25 ms at 100,000 projects, for one report waiting).
        led = Project.objects.filter(lead_id=person.pk).order_by().values("pk")
        co_led = Project.co_leads.through.objects.filter(person_id=person.pk).values("project_id")
        member = Membership.objects.filter(person_id=person.pk, left_on__isnull=True)
        worked_on = led.union(co_led, member.order_by().values("project_id"))
        return (
            self.awaiting_closure_sign_off()
            .exclude(pk__in=worked_on)
            .with_free_area_champion()
            .filter(Q(mentor=person) | (~mentor_free & instead_of_mentor))
        )

    def closure_sent_back_for(self, person: Person) -> ProjectQuerySet:
        """The projects `person` leads or co-leads whose closure report was sent back to them."""
        # sent_back_at first: a project with no report has an empty submitted_at in the join.
        return self.led_by([person]).filter(
            closure_report__sent_back_at__isnull=False,
            closure_report__submitted_at__isnull=True,
            closure_report__signed_off_at__isnull=True,
        )

    def mentored_by(self, person: Person) -> ProjectQuerySet:
        """The projects `person` mentors that are still going or completed (not closed without
        completion), with their closure report and `latest_update_date` in the same query;
        closure reports waiting for sign-off first, then the longest without an update."""
        latest_update = ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by(
            "-date", "-pk"
        )
        return (
            self.filter(mentor=person)
            .exclude(stage=Project.Stage.CLOSED)
            .select_related("lead", "closure_report")
            .annotate(
                latest_update_date=models.Subquery(latest_update.values("date")[:1]),
                closure_waiting=models.ExpressionWrapper(
                    Q(
                        closure_report__submitted_at__isnull=False,
                        closure_report__signed_off_at__isnull=True,
                    ),
                    output_field=models.BooleanField(),
                ),
                finished=models.ExpressionWrapper(
                    Q(stage=Project.Stage.COMPLETED), output_field=models.BooleanField()
                ),
            )
            .order_by(
                "finished",
                F("closure_waiting").desc(),
                F("latest_update_date").asc(nulls_first=True),
                "pk",
            )
        )

    def with_open_tasks(self) -> ProjectQuerySet:
        """Live projects with an open task: tasks anyone may claim now."""
        return self.live().filter(
            Exists(Task.objects.filter(project=OuterRef("pk"), status=Task.Status.OPEN))
        )

    def needing_people(self) -> ProjectQuerySet:
        """Projects taking people with an open role that still has a place free."""
        return self.taking_people().filter(Exists(RoleOpening.objects.with_free_place()))

    def joinable_within(self, hours_per_week: Decimal) -> ProjectQuerySet:
        """Projects that someone could join for at most `hours_per_week`: an open role that
        asks no more (on a project taking people), or an open task whose whole estimate is no
        more (on a live project). A task's hours are counted as if done in one week, the most
        it can cost a week; the project's own "time the team gives" is not what joining
        costs, so it is not compared. Free places are "Needs people"'s question: counting
        each role's members here made the register at 100,000 projects six times slower."""
        role = RoleOpening.objects.filter(
            project=OuterRef("pk"), is_open=True, commitment_hours__isnull=False
        ).filter(
            Q(commitment_period=TimeCommitment.Period.WEEK, commitment_hours__lte=hours_per_week)
            | Q(
                commitment_period=TimeCommitment.Period.MONTH,
                commitment_hours__lte=hours_per_week * WEEKS_PER_MONTH,
            )
        )
        task = Task.objects.filter(
            project=OuterRef("pk"),
            status=Task.Status.OPEN,
            estimated_hours__lte=hours_per_week,
        )
        return self.filter((taking_people_q() & Q(Exists(role))) | (live_q() & Q(Exists(task))))


def may_lack_free_area_champion_q() -> Q:
    """True for every project without a free area champion (`with_free_area_champion`), and
    for few others: one a champion works on, or one with no area that has a champion. Each
    part is a small hashed set or an index probe, so the exact, costlier check runs only for
    the projects this lets through (in the review queue's count, for every proposal waiting).

    Why it holds: a project has no free area champion when none of its areas has a champion,
    or when every one of its areas' champions, of whom there is then at least one, works on
    it (`working_on_q`)."""
    champions = ChampionAssignment.objects.values("person_id")
    championed_areas = ChampionAssignment.objects.values("clinical_area_id")
    co_led = Project.co_leads.through.objects.filter(person_id__in=champions)
    members = Membership.objects.filter(person_id__in=champions, left_on__isnull=True)
    championed_area_of_project = Project.clinical_areas.through.objects.filter(
        project_id=OuterRef("pk"), clinicalarea_id__in=championed_areas
    )
    return (
        Q(lead_id__in=champions)
        | Q(pk__in=co_led.values("project_id"))
        | Q(pk__in=members.values("project_id"))
        | ~Q(Exists(championed_area_of_project))
    )


def working_on_q(*, project, person) -> Q:
    """Who works on a project, the conflict-of-interest rule: its lead, its co-leads and its
    current members. Nobody who works on a project reviews it, mentors it, signs off its
    closure, validates its savings, confirms its showcase slot or records its award's outcome.

    The rule as one SQL condition, for a query that pairs projects with people: `project` and
    `person` are ids or references into that query (e.g. `OuterRef`). Its other forms, which
    read the same three things: `Project.is_working_on` (one project, one person),
    `Project.objects.worked_on_by` (one person's projects) and `Project.people_working_on`
    (one project's people).
    """
    return (
        Q(Exists(Project.objects.filter(pk=project, lead_id=person)))
        | Q(Exists(Project.co_leads.through.objects.filter(project_id=project, person_id=person)))
        | Q(
            Exists(
                Membership.objects.filter(
                    project_id=project, person_id=person, left_on__isnull=True
                )
            )
        )
    )


def edit_version_field() -> models.PositiveIntegerField:
    """Optimistic locking for rows that people edit through a form (projects/services.py
    save_changed_fields): the form carries the version it was opened at."""
    return models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with each save of the edit form. A form opened at an older "
        "version is refused, so nobody silently overwrites a change saved meanwhile.",
    )


class Project(TimeCommitment):
    class Kind(models.TextChoices):
        QI_PROJECT = "qi", "QI project"
        CLINICAL_AUDIT = "audit", "Clinical audit"
        SERVICE_EVALUATION = "evaluation", "Service evaluation"

    class Stage(models.TextChoices):
        IDEA = "idea", "Idea"
        PROPOSED = "proposed", "Proposed (awaiting review)"
        PLANNING = "planning", "Planning"
        TESTING = "testing", "Testing changes (PDSA)"
        IMPLEMENTING = "implementing", "Implementing"
        SUSTAINING = "sustaining", "Sustaining"
        COMPLETED = "completed", "Completed"
        ON_HOLD = "on_hold", "On hold"
        CLOSED = "closed", "Closed without completion"

    # The stages a lead may move between without review (governance rules cover the rest).
    ACTIVE_STAGES = (Stage.PLANNING, Stage.TESTING, Stage.IMPLEMENTING, Stage.SUSTAINING)
    # Only approval leads into these stages, so a project in one has `approved_at` set (a
    # constraint). A closed project may have been approved first (then closed) or declined.
    APPROVED_STAGES = (*ACTIVE_STAGES, Stage.ON_HOLD, Stage.COMPLETED)
    # The stages a project ends in, done or not: nothing more is worked on it.
    CLOSED_STAGES = (Stage.COMPLETED, Stage.CLOSED)
    STAGE_TAG_COLOURS = {
        Stage.IDEA: "grey",
        Stage.PROPOSED: "purple",
        Stage.PLANNING: "blue",
        Stage.TESTING: "aqua-green",
        Stage.IMPLEMENTING: "green",
        Stage.SUSTAINING: "green",
        Stage.COMPLETED: "white",
        Stage.ON_HOLD: "yellow",
        Stage.CLOSED: "red",
    }

    reference = SingleLineCharField(
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Assigned when the project is first submitted, e.g. QI-2026-014. Never reused.",
    )
    title = SingleLineCharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.QI_PROJECT)
    aim = MultiLineTextField(
        "aim statement",
        max_length=2000,
        help_text="A SMART aim: what will improve, by how much, for whom, by when.",
    )
    problem = MultiLineTextField(
        "problem and background",
        max_length=5000,
        help_text="What is wrong now and how you know: data, incidents, feedback.",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text="The leading department: its champions review the project and its impact "
        "counts in this department's figures.",
    )
    partner_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="partner_projects",
        verbose_name="other departments involved",
        help_text="For a project that crosses departments: their staff can join it and take "
        "its tasks, and it shows in their register and on their board.",
    )
    clinical_areas = models.ManyToManyField(ClinicalArea, related_name="projects")
    strategic_priorities = models.ManyToManyField(
        StrategicPriority, blank=True, related_name="projects"
    )
    lead = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="led_projects")
    co_leads = models.ManyToManyField(Person, blank=True, related_name="co_led_projects")
    headline_impact = SingleLineCharField(
        max_length=300,
        blank=True,
        help_text="One sentence for the QI board, e.g. 'Discharge waits down from 3 hours to 90 "
        "minutes'.",
    )
    start_date = BoundedDateField(null=True, blank=True, window=PLANNED)
    target_end_date = BoundedDateField(null=True, blank=True, window=PLANNED)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.IDEA)
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the lead first submitted it."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = edit_version_field()
    mentor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_projects",
        help_text="The champion who mentors the lead and signs off the closure report.",
    )
    review_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the proposal was last sent for review; empty once decided.",
    )
    stage_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a champion approved the proposal. Empty for drafts, proposals waiting "
        "for review and declined proposals. Contributions count as evidence only once set.",
    )
    approved_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The champion (or admin) who approved it.",
    )
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_on_projects",
        help_text="The clinical audit this QI project grew out of.",
    )
    # Derived from title, aim, problem and task text by projects.search; not audited.
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["search_vector", "updated_at", "version"],
        m2m_fields=[clinical_areas, strategic_priorities, co_leads, partner_departments],
    )
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Full-text search on the register and the duplicate check.
            GinIndex(fields=["search_vector"], name="project_search_gin"),
            # Counting the register's visible rows (and by stage, and by time commitment) with
            # an index-only scan instead of reading the wide table.
            models.Index(
                fields=["submitted_at", "lead", "stage"],
                include=["id", "commitment_hours", "commitment_period"],
                name="project_visibility",
            ),
            # The impact report's counted projects (a department's, submitted by a date, not
            # finished before another) and its stage counts, read by an index-only scan.
            models.Index(
                fields=["department", "submitted_at"],
                include=["id", "stage", "stage_changed_at", "lead"],
                name="project_impact_counted",
            ),
            # The register's default order and stage filter.
            models.Index(fields=["stage", "-created_at"], name="project_stage_created"),
            models.Index(fields=["-created_at"], name="project_created"),
            # The review queue: proposals waiting for review, oldest request first, read in
            # order and stopped at the page's end, and counted by an index-only scan.
            models.Index(
                fields=["review_requested_at", "id"],
                include=["department", "lead", "mentor"],
                condition=Q(stage="proposed", review_requested_at__isnull=False),
                name="project_waiting_review",
            ),
            # The register sorted by title, read in order and stopped at the page's end (the
            # database's collation is the one ORDER BY title uses).
            models.Index(fields=["title", "id"], name="project_title"),
            # The register sorted by target end date, likewise read in order and stopped at
            # the page's end (ascending, nulls last, as ORDER BY target_end_date reads them):
            # sorting every visible project for one page took 350 ms at 100,000 projects.
            models.Index(fields=["target_end_date", "id"], name="project_target_end"),
            # The newest projects each champion mentors, on the champions directory: a few per
            # champion, read in order (Project.CLOSED_STAGES, out of reach from Meta).
            models.Index(
                fields=["mentor", "-created_at", "-id"],
                condition=~Q(stage__in=["completed", "closed"]),
                name="project_mentor_active",
            ),
            # How many projects a person mentors that the viewer may see (a profile's count):
            # an index-only scan, where a champion mentoring tens of thousands read them all.
            models.Index(
                fields=["mentor"],
                include=["submitted_at", "lead", "id"],
                name="project_mentor_visibility",
            ),
            # The QI board's projects with a headline impact (the others it shows have a
            # poster): a handful, where scanning the department's projects read tens of
            # thousands.
            models.Index(
                fields=["id"], condition=~Q(headline_impact=""), name="project_headline_impact"
            ),
            # The task board's count joins every open task to its live project: the live
            # projects alone, with their department, halved the scan the join hashes
            # (100,000 projects: the count 60-70 ms, from 100-120 ms through
            # project_impact_counted, which holds every project).
            models.Index(
                fields=["id"],
                include=["department"],
                condition=Q(stage__in=["planning", "testing", "implementing", "sustaining"]),
                name="project_live",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(target_end_date__gte=F("start_date")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reference__isnull=True) | Q(submitted_at__isnull=False),
                name="project_reference_only_when_submitted",
            ),
            models.CheckConstraint(
                # Project.APPROVED_STAGES (the class body is out of reach from Meta).
                condition=~Q(
                    stage__in=[
                        "planning",
                        "testing",
                        "implementing",
                        "sustaining",
                        "on_hold",
                        "completed",
                    ]
                )
                | Q(approved_at__isnull=False),
                name="project_approved_before_working_stages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}" if self.reference else self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def stage_in_text(self) -> str:
        """The stage inside a sentence: "testing changes (PDSA)", its acronym kept."""
        label = self.get_stage_display()
        return label[:1].lower() + label[1:]

    @property
    def aim_first_line(self) -> str:
        """The aim's first line, shortened at a word to at most 160 characters: what a list of
        projects shows of it."""
        first = next((line for line in self.aim.splitlines() if line.strip()), "")
        return textwrap.shorten(first, width=160, placeholder="…")

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None

    @property
    def is_approved(self) -> bool:
        """Approved by a champion (it may since be on hold, completed or closed)."""
        return self.approved_at is not None

    @property
    def is_live(self) -> bool:
        """Approved and being worked on: its tasks may be offered and claimed (`live_q`)."""
        return self.is_approved and self.stage in self.ACTIVE_STAGES

    @property
    def is_clinical_audit(self) -> bool:
        return self.kind == self.Kind.CLINICAL_AUDIT

    @property
    def why_no_follow_on_project(self) -> str:
        """Why a QI project cannot be started from this one ("" when it can)."""
        if not self.is_clinical_audit:
            return "Only a clinical audit can be turned into a QI project"
        if self.is_draft:
            return "Submit the audit before starting a QI project from it"
        return ""

    def follow_on_draft_of(self, person: Person) -> Project | None:
        """The QI project `person` started from this audit and has not yet submitted (one
        query), which starting again opens instead of making a second."""
        return self.follow_on_projects.filter(lead=person, submitted_at__isnull=True).first()

    @property
    def is_on_hold(self) -> bool:
        return self.stage == self.Stage.ON_HOLD

    @property
    def is_completed(self) -> bool:
        return self.stage == self.Stage.COMPLETED

    @property
    def is_at_closure(self) -> bool:
        """Implementing, sustaining or completed: the closure report is written (in the first
        two) or has been signed off (completed), so the project page shows it."""
        return self.stage in (self.Stage.IMPLEMENTING, self.Stage.SUSTAINING, self.Stage.COMPLETED)

    @property
    def is_awaiting_changes(self) -> bool:
        """Sent back by a champion with a request for changes: the lead's turn to edit and
        resubmit (`ProjectQuerySet.changes_requested` for lists). Only a request for changes
        leaves a submitted proposal neither waiting for review nor decided."""
        return (
            self.stage == self.Stage.PROPOSED
            and not self.is_draft
            and self.review_requested_at is None
        )

    @property
    def is_taking_people(self) -> bool:
        """Live, or a proposal awaiting review: people may ask to join (`taking_people_q`)."""
        return self.is_live or (not self.is_draft and self.stage == self.Stage.PROPOSED)

    @property
    def is_closed(self) -> bool:
        """Completed or closed without completion (`CLOSED_STAGES`)."""
        return self.stage in self.CLOSED_STAGES

    @property
    def why_not_live(self) -> str:
        """Why the project is not live, as words that follow "it" ("is on hold")."""
        if self.is_draft:
            return "is a draft"
        if self.stage == self.Stage.PROPOSED:
            return "is waiting for a champion's approval"
        if self.stage == self.Stage.ON_HOLD:
            return "is on hold"
        if self.stage == self.Stage.COMPLETED:
            return "is completed"
        return "is closed"

    @property
    def why_not_taking_people(self) -> str | None:
        """Why nobody may ask to join now, or None while it is taking people."""
        if self.is_taking_people:
            return None
        return f"This project is not taking new people: it {self.why_not_live}."

    def why_cannot_join(
        self, person: Person | None, *, works_on_it: bool | None = None, pending: bool | None = None
    ) -> str | None:
        """Why `person` may not ask to join, or None if they may (`can_be_joined_by`).

        They must be in a department the project involves, the project must be taking people,
        and they must not already work on it nor have a request waiting. A page that has
        already read the team or the person's pending request passes `works_on_it` or
        `pending` to save the query."""
        if person is None or not self.involves_department(person.department_id):
            return NOT_IN_DEPARTMENT
        if not self.is_taking_people:
            return self.why_not_taking_people
        if works_on_it if works_on_it is not None else self.is_working_on(person):
            return "You are already on this project's team"
        if (
            pending
            if pending is not None
            else self.interests.filter(person=person, status=Interest.Status.PENDING).exists()
        ):
            return "You have already asked to join; the lead will reply"
        return None

    def can_be_joined_by(
        self, person: Person | None, *, works_on_it: bool | None = None, pending: bool | None = None
    ) -> bool:
        return self.why_cannot_join(person, works_on_it=works_on_it, pending=pending) is None

    @property
    def stage_colour(self) -> str:
        return self.STAGE_TAG_COLOURS[self.stage]

    def is_team_member(self, person: Person | None) -> bool:
        """Lead or co-lead: who leads the project, edits it and decides who joins (one query
        for the co-leads unless prefetched). For conflicts of interest, use `is_working_on`."""
        return person is not None and (
            person.pk == self.lead_id or any(p.pk == person.pk for p in self.co_leads.all())
        )

    def is_working_on(self, person: Person | None) -> bool:
        """Lead, co-lead or current member: whoever may not review, mentor, sign off or
        validate the project (`working_on_q`). A query for the membership when not a lead."""
        return self.is_team_member(person) or (
            person is not None
            and Membership.objects.filter(
                project=self, person=person, left_on__isnull=True
            ).exists()
        )

    def people_working_on(self) -> models.QuerySet[Person]:
        """The lead, the co-leads and the current members (`working_on_q`), as one query."""
        co_leads = Project.co_leads.through.objects.filter(project=self).values("person_id")
        members = Membership.objects.filter(project=self, left_on__isnull=True).values("person_id")
        return Person.objects.filter(Q(pk=self.lead_id) | Q(pk__in=co_leads) | Q(pk__in=members))

    def has_free_area_champion(self) -> bool:
        """A champion of one of the project's areas does not work on it, so may review it and
        sign off its closure (one query; reads `clinical_areas`, prefetched by
        `get_project_for`). `with_free_area_champion` is the same for a list."""
        return (
            ChampionAssignment.objects.filter(
                clinical_area__in=[area.pk for area in self.clinical_areas.all()]
            )
            .exclude(person__in=self.people_working_on())
            .exists()
        )

    def can_be_edited_by(self, user) -> bool:
        """Lead, co-leads, champions of the project's areas and admins."""
        if user.is_staff:
            return True
        person = person_of(user)
        if person is None:
            return False
        if self.is_team_member(person):
            return True
        return person.is_champion_for(*(area.pk for area in self.clinical_areas.all()))

    def department_ids(self) -> set[int]:
        """The leading department and every other department involved (uses a prefetch of
        partner_departments when there is one)."""
        return {self.department_id, *(d.pk for d in self.partner_departments.all())}

    def involves_department(self, department: Department | int | None) -> bool:
        department_id = getattr(department, "pk", department)
        return department_id is not None and department_id in self.department_ids()

    def can_be_seen_by(self, user) -> bool:
        return not self.is_draft or self.can_be_edited_by(user)


class RoleOpeningQuerySet(models.QuerySet):
    def with_free_place(self) -> RoleOpeningQuerySet:
        """The outer query's project's open roles with a place not held by a current member
        (for use in an Exists on Project)."""
        filled = (
            Membership.objects.filter(role_opening=OuterRef("pk"), left_on__isnull=True)
            .order_by()
            .values("role_opening")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.filter(project=OuterRef("pk"), is_open=True).filter(
            places__gt=models.functions.Coalesce(models.Subquery(filled), 0)
        )


class RoleOpening(TimeCommitment):
    """A role the project wants filled, e.g. data collector, with a number of places."""

    project_history_label = "Role opening"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="role_openings")
    title = SingleLineCharField(max_length=120, help_text="For example, data collector.")
    description = MultiLineTextField(blank=True, max_length=2000)
    places = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    is_open = models.BooleanField(default=True, help_text="Untick when no longer recruiting.")
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["version"])
    objects = RoleOpeningQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [
            # The register's hours filter (`joinable_within`): open roles asking at most so
            # many hours a week or month, read by an index-only range scan.
            models.Index(
                fields=["commitment_period", "commitment_hours"],
                include=["project"],
                condition=Q(is_open=True),
                name="role_opening_open_hours",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="role_opening_places_positive")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.project})"


class TaskQuerySet(models.QuerySet):
    def open(self) -> TaskQuerySet:
        return self.filter(status=Task.Status.OPEN)

    def offered(self) -> TaskQuerySet:
        """Open tasks of live projects: what the board and My QI offer, and what may be
        claimed (`Task.is_claimable`). Never a draft's, a proposal's or an on-hold, completed
        or closed project's."""
        return self.open().filter(live_q("project__"))

    def overdue(self, today: dt.date | None = None) -> TaskQuerySet:
        """Tasks whose due date has passed (`Task.is_overdue`)."""
        return self.filter(due_date__lt=today or timezone.localdate())

    def in_due_order(self, today: dt.date | None = None) -> TaskQuerySet:
        """Soonest due from today first, then undated, then overdue (oldest first): stale
        work never leads a list. Annotates `is_overdue_sql`."""
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue_sql=Case(
                When(due_date__lt=today, then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        ).order_by("is_overdue_sql", F("due_date").asc(nulls_last=True), "pk")

    def for_board(self) -> TaskQuerySet:
        """Everything a task board row shows, in a fixed number of queries."""
        return self.select_related("project", "claimed_by").prefetch_related(
            "skills_needed", "project__clinical_areas"
        )

    def suggested_for(
        self, person: Person, *, spare_hours: Decimal | None, limit: int = 5
    ) -> TaskQuerySet:
        """Offered tasks that fit the person's spare hours, skills and areas, best first.

        `spare_hours`: what the person offered a month less what they have taken on
        (`projects.capacity.spare_hours_per_month`); None when they have not said, and then
        hours do not limit the suggestions. Tasks not overdue come first whatever their
        fit: then more matching skills, then a matching area, then the soonest due date.
        """
        skill_ids = list(person.skills.values_list("pk", flat=True))
        area_ids = {*person.preferred_areas.values_list("pk", flat=True)} | {
            *person.clinical_areas.values_list("pk", flat=True)
        }
        tasks = (
            self.offered()
            .filter(involving_department_q(person.department_id, "project"))
            .exclude(project__lead=person)
        )
        if spare_hours is not None:
            tasks = tasks.filter(estimated_hours__lte=spare_hours)
        areas = Project.clinical_areas.through.objects.filter(
            project_id=OuterRef("project_id"), clinicalarea_id__in=area_ids
        )
        return (
            tasks.in_due_order()
            .annotate(
                skill_matches=models.Count(
                    "skills_needed", filter=Q(skills_needed__in=skill_ids), distinct=True
                ),
                area_match=Exists(areas),
            )
            .select_related("project")
            .order_by(
                "is_overdue_sql",
                "-skill_matches",
                "-area_match",
                F("due_date").asc(nulls_last=True),
                "pk",
            )[:limit]
        )

    def quiet_claims(self) -> TaskQuerySet:
        cutoff = timezone.now() - dt.timedelta(days=settings.QIREGISTER_QUIET_CLAIM_DAYS)
        return self.filter(status=Task.Status.CLAIMED, last_activity_at__lt=cutoff)


class OverdueLast:
    """Tasks for a paginator: those not overdue (soonest due, then undated) and then the
    overdue ones, as `in_due_order` sorts them, but each part read in the order of the index
    `task_open_due_order` and stopped at the page's end. Sorting every open task by an
    "overdue" flag made the board's page ten times slower at 100,000 projects.

    The tasks not overdue are two parts, dated (`due_date >= today`) and undated (`due_date IS
    NULL`): each a range of the index. As one part, `NOT (due_date < today)` was no range, and
    the first page walked past every overdue task's entry to reach the first row.

    One query counts the parts, and a page reads one part or, where they meet, two."""

    def __init__(self, tasks: TaskQuerySet, today: dt.date | None = None):
        self.tasks, self.today = tasks, today or timezone.localdate()
        order = (F("due_date").asc(nulls_last=True), "pk")
        self.conditions = [
            Q(due_date__gte=self.today),
            Q(due_date__isnull=True),
            Q(due_date__lt=self.today),
        ]
        self.parts = [tasks.filter(condition).order_by(*order) for condition in self.conditions]
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            counts = self.tasks.order_by().aggregate(
                **{
                    f"part{number}": models.Count("pk", filter=condition)
                    for number, condition in enumerate(self.conditions)
                }
            )
            self._counts = [counts[f"part{number}"] for number in range(len(self.conditions))]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Task]:
        start, stop = window.start or 0, window.stop
        rows: list[Task] = []
        for part, size in zip(self.parts, self.counts(), strict=True):
            if stop is not None and stop <= 0:
                break
            if start < size:
                rows += part[start : None if stop is None else min(stop, size)]
            start, stop = max(start - size, 0), None if stop is None else stop - size
        return rows


class Task(models.Model):
    """A small, specific piece of work a buddy can take without joining as a lead."""

    project_history_label = "Task"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLAIMED = "claimed", "Claimed"
        DONE = "done", "Done"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = SingleLineCharField(max_length=200)
    description = MultiLineTextField(max_length=4000, blank=True)
    estimated_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
        help_text="Your best estimate of the hours it takes, e.g. 2.",
    )
    skills_needed = models.ManyToManyField(Skill, blank=True, related_name="tasks")
    due_date = BoundedDateField(null=True, blank=True, window=PLANNED)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    claimed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_tasks",
        help_text="The buddy doing the task.",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(
        null=True, blank=True, help_text="When the buddy last claimed or recorded progress."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    actual_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("500"))],
        help_text="Hours it really took.",
    )
    output_url = models.URLField(
        "link to what the task produced",
        max_length=500,
        blank=True,
        help_text="Given when it is marked done: the spreadsheet, report or poster it made.",
    )
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[skills_needed])
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = [F("due_date").asc(nulls_last=True), "pk"]
        indexes = [
            # Open-task counts per project on the register and the task board.
            models.Index(fields=["project", "status"], name="task_project_status"),
            # The task board's page of open tasks in due order, read in order and stopped at
            # the page's end instead of sorting every open task (found by the load test). With
            # the hours and the project, the count of the board filtered by due date and hours
            # is an index-only scan (100,000 projects: 18 ms, from 78 ms with project_live).
            models.Index(
                F("due_date").asc(nulls_last=True),
                F("id"),
                include=["estimated_hours", "project"],
                condition=Q(status="open"),
                name="task_open_due_order",
            ),
            # Counting the task board's open tasks (by project, before and after today) with
            # an index-only scan instead of reading every task's row.
            models.Index(
                fields=["project"],
                include=["due_date", "id"],
                condition=Q(status="open"),
                name="task_open_project",
            ),
            # The register's hours filter (`joinable_within`): open tasks of at most so many
            # hours, read by an index-only range scan.
            models.Index(
                fields=["estimated_hours"],
                include=["project"],
                condition=Q(status="open"),
                name="task_open_hours",
            ),
            # The impact report's tasks done in a period (with their project, claimant and
            # hours), read by an index-only range scan.
            models.Index(
                fields=["completed_at"],
                include=["project", "claimed_by", "actual_hours"],
                condition=Q(status="done"),
                name="task_done_completed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_hours__gt=0), name="task_estimated_hours_positive"
            ),
            # A claimed task has exactly one claimant; an open one has none.
            models.CheckConstraint(
                condition=~Q(status="claimed") | Q(claimed_by__isnull=False),
                name="task_claimed_has_claimant",
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(claimed_by__isnull=True),
                name="task_open_has_no_claimant",
            ),
            models.CheckConstraint(
                condition=Q(actual_hours__isnull=True) | Q(actual_hours__gt=0),
                name="task_actual_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_claimed(self) -> bool:
        return self.status == self.Status.CLAIMED

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_overdue(self) -> bool:
        """Not done and its due date has passed."""
        return (
            self.status != self.Status.DONE
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def is_claimable(self) -> bool:
        """Open, on a live project (`TaskQuerySet.offered`); reads `self.project`."""
        return self.status == self.Status.OPEN and self.project.is_live

    @property
    def why_not_claimable(self) -> str | None:
        """Why an open task cannot be claimed because of its project, or None."""
        if self.status != self.Status.OPEN or self.project.is_live:
            return None
        return (
            f"This task cannot be claimed: its project {self.project.why_not_live}. Tasks can "
            "be taken once a project is approved and while it is being worked on."
        )

    def why_cannot_claim(self, person: Person | None) -> str | None:
        """Why `person` may not claim the task now, or None if they may (`is_claimable_by`):
        they must be in a department its project involves, and the task open on a live
        project."""
        if person is None or not self.project.involves_department(person.department_id):
            return NOT_IN_DEPARTMENT
        if self.status == self.Status.CLAIMED:
            if self.claimed_by_id == person.pk:
                return "You have already claimed this task"
            return "Someone else has just claimed this task"
        if self.status == self.Status.DONE:
            return "This task is already done"
        return self.why_not_claimable

    def is_claimable_by(self, person: Person | None) -> bool:
        return self.why_cannot_claim(person) is None

    @property
    def is_quiet(self) -> bool:
        """Claimed, but nothing heard for QIREGISTER_QUIET_CLAIM_DAYS days."""
        if self.status != self.Status.CLAIMED or self.last_activity_at is None:
            return False
        return self.last_activity_at < timezone.now() - dt.timedelta(
            days=settings.QIREGISTER_QUIET_CLAIM_DAYS
        )


class ProgressUpdate(models.Model):
    """A dated note of progress: what was done, what is next, what is in the way."""

    project_history_label = "Progress update"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_updates")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="progress_updates")
    date = BoundedDateField(default=timezone.localdate, window=UP_TO_TODAY)
    done = MultiLineTextField("what was done", max_length=4000)
    next_steps = MultiLineTextField("what is next", max_length=4000, blank=True)
    blockers = MultiLineTextField(
        max_length=4000, blank=True, help_text="Anything in the way, and what help you need."
    )
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            # The latest update per project, shown on the register.
            models.Index(fields=["project", "-date", "-id"], name="update_project_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.date:%d %b %Y}"


class TaskNote(models.Model):
    """The buddy's (or the team's) note of progress on one task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="task_notes")
    note = MultiLineTextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task} – {self.created_at:%d %b %Y}"


class Interest(models.Model):
    """Someone's interest in a project, or application for one of its role openings."""

    project_history_label = "Request to join"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the lead"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="project_interests")
    role_opening = models.ForeignKey(
        RoleOpening,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        help_text="The role applied for; empty for a general expression of interest.",
    )
    message = MultiLineTextField(max_length=1000, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One open request per person per project.
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(status="pending"),
                name="interest_one_pending_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.project}"


class Membership(TimeCommitment):
    """A person on a project's team in a role, with that role's time commitment."""

    project_history_label = "Team membership"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role_opening = models.ForeignKey(
        RoleOpening,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    role_title = SingleLineCharField("role", max_length=120)
    joined_on = BoundedDateField(default=timezone.localdate, window=PLANNED)
    left_on = BoundedDateField(null=True, blank=True, window=PLANNED)

    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(left_on__isnull=True),
                name="membership_once_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.role_title} ({self.project})"


class ReviewDecision(models.Model):
    """A champion's decision on a submitted proposal, kept with who, when and how long it took."""

    project_history_label = "Review decision"

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approve"
        CHANGES_REQUESTED = "changes", "Request changes"
        DECLINED = "declined", "Decline"

    class Reason(models.TextChoices):
        DUPLICATE = "duplicate", "Duplicates an existing project"
        OUT_OF_SCOPE = "out_of_scope", "Out of scope for the department"
        RESEARCH = "research", "Research rather than QI"
        NOT_FEASIBLE = "not_feasible", "Not feasible now"
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    champion = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(
        "reason for declining", max_length=15, choices=Reason.choices, blank=True
    )
    comment = MultiLineTextField(max_length=4000, blank=True)
    submitted_at = models.DateTimeField(help_text="When the proposal was sent for this review.")
    decided_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="declined") | ~Q(reason=""),
                name="decision_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(decision="approved") | ~Q(comment=""),
                name="decision_comment_unless_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.project}"

    # The decision as the lead reads it (the choices' labels are the reviewer's verbs).
    OUTCOMES = {"approved": "Approved", "changes": "Changes requested", "declined": "Declined"}

    @property
    def outcome(self) -> str:
        return self.OUTCOMES[self.decision]

    @property
    def is_approval(self) -> bool:
        return self.decision == self.Decision.APPROVED

    @property
    def is_request_for_changes(self) -> bool:
        return self.decision == self.Decision.CHANGES_REQUESTED

    @property
    def turnaround(self) -> dt.timedelta:
        return self.decided_at - self.submitted_at


class ClosureReport(models.Model):
    """Needed to complete a project; the mentor champion signs it off or sends it back.

    Its state, from the data: waiting for sign-off (`submitted_at` set), sent back to the lead
    with comments (`submitted_at` empty, `sent_back_at` set) or signed off (`signed_off_at`).
    Each move is a service (projects/services.py closure_report_*); the history keeps every
    send-back and its comment.
    """

    project_history_label = "Closure report"

    class State(models.TextChoices):
        WAITING = "waiting", "Written, waiting for sign-off"
        SENT_BACK = "sent_back", "Sent back to the lead"
        SIGNED_OFF = "signed_off", "Signed off"

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="closure_report")
    outcomes = MultiLineTextField("outcomes against the aim", max_length=5000)
    impact = MultiLineTextField(max_length=5000)
    lessons = MultiLineTextField("lessons learned", max_length=5000)
    sustainability = MultiLineTextField("how the change is sustained", max_length=5000)
    written_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        default=timezone.now,
        help_text="When the lead last sent the report for sign-off; empty while it is sent back.",
    )
    sent_back_at = models.DateTimeField(
        null=True, blank=True, help_text="When the report was last sent back to the lead."
    )
    sent_back_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_back_comment = MultiLineTextField(
        "what to change",
        max_length=4000,
        blank=True,
        help_text="The mentor's comments when the report was last sent back.",
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=False) | Q(sent_back_at__isnull=False),
                name="closure_report_waiting_unless_sent_back",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True) | Q(submitted_at__isnull=False),
                name="closure_report_signed_off_when_waiting",
            ),
            models.CheckConstraint(
                condition=Q(sent_back_at__isnull=True)
                | (Q(sent_back_by__isnull=False) & ~Q(sent_back_comment="")),
                name="closure_report_sent_back_with_who_and_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"Closure report: {self.project}"

    @property
    def state(self) -> str:
        if self.signed_off_at:
            return self.State.SIGNED_OFF
        if self.submitted_at is None:
            return self.State.SENT_BACK
        return self.State.WAITING

    @property
    def state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.WAITING

    @property
    def is_sent_back(self) -> bool:
        return self.state == self.State.SENT_BACK

    @property
    def is_signed_off(self) -> bool:
        return self.state == self.State.SIGNED_OFF


class MentoringNote(models.Model):
    """A dated note by the mentor on a project; seen by the team, champions and admins."""

    project_history_label = "Mentoring note"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mentoring_notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    date = BoundedDateField(default=timezone.localdate, window=UP_TO_TODAY)
    note = MultiLineTextField(max_length=4000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"Mentoring note {self.date}: {self.project}"


class ReminderLog(models.Model):
    """One reminder sent: makes `send_reminders` send nothing new when run twice a day."""

    kind = SingleLineCharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    recipient = models.EmailField()
    sent_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "recipient", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} to {self.recipient} on {self.sent_on}"
