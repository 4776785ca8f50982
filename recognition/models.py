"""Recognition: showcases, the QI board, awards, appraisal notes and portfolio evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from common.fields import (
    PLANNED,
    SCHEDULED,
    BoundedDateField,
    MultiLineTextField,
    SingleLineCharField,
)
from common.history import HistoricalRecords
from people.access import is_champion_or_admin, person_of
from people.models import Department, Person, PrivateNoteQuerySet
from projects.models import Membership, Project, edit_version_field


def new_token() -> tuple[str, str]:
    """A fresh secret for a link, and the digest that is all the database keeps of it."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Showcase slots at clinical updates.


# How far back the calendar feed goes: enough for "what did we hear last spring".
FEED_HISTORY = dt.timedelta(days=365)


class ShowcaseSessionQuerySet(models.QuerySet):
    def with_slots(self) -> ShowcaseSessionQuerySet:
        """Each session with `booked_slots` and `free_count` (two more queries, however many)."""
        return self.annotate(free_count=F("slot_count") - Count("slots")).prefetch_related(
            Prefetch("slots", ShowcaseSlot.objects.with_details(), to_attr="booked_slots")
        )

    def with_room_for(self, project: Project) -> ShowcaseSessionQuerySet:
        """Upcoming sessions of the project's department with a free slot and no slot of the
        project yet, soonest first."""
        return (
            self.filter(department_id=project.department_id, starts_at__gt=timezone.now())
            .exclude(slots__project=project)
            .annotate(booked_count=Count("slots"))
            .filter(booked_count__lt=F("slot_count"))
            .order_by("starts_at", "pk")
        )

    def for_calendar(self, department_id: int) -> ShowcaseSessionQuerySet:
        """Sessions for the feed, each annotated with how often it and its slots have changed.

        The counts and dates come from the history tables, so a cancelled booking (a deleted
        slot) still moves the session's SEQUENCE and LAST-MODIFIED on.
        """
        session_history = (
            ShowcaseSession.history.model.objects.filter(id=OuterRef("pk"))
            .order_by()
            .values("id")
            .annotate(changes=Count("history_id"), last=Max("history_date"))
        )
        slot_history = (
            ShowcaseSlot.history.model.objects.filter(session_id=OuterRef("pk"))
            .order_by()
            .values("session_id")
            .annotate(changes=Count("history_id"), last=Max("history_date"))
        )
        return (
            self.filter(department_id=department_id, starts_at__gte=timezone.now() - FEED_HISTORY)
            .annotate(
                session_changes=Coalesce(Subquery(session_history.values("changes")), 0),
                slot_changes=Coalesce(Subquery(slot_history.values("changes")), 0),
                session_changed_at=Subquery(session_history.values("last")),
                slots_changed_at=Subquery(slot_history.values("last")),
            )
            .prefetch_related(
                Prefetch("slots", ShowcaseSlot.objects.with_details(), to_attr="booked_slots")
            )
            .order_by("starts_at", "pk")
        )


class ShowcaseSession(models.Model):
    """A clinical update session with a number of equal slots for QI presentations."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="showcase_sessions"
    )
    title = SingleLineCharField(max_length=150, default="Clinical update")
    starts_at = models.DateTimeField("starts at", validators=[SCHEDULED])
    place = SingleLineCharField(max_length=200, help_text="For example, Pharmacy seminar room.")
    slot_count = models.PositiveSmallIntegerField(
        "number of slots", validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        "minutes per slot", default=10, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    notes = MultiLineTextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = edit_version_field()

    objects = ShowcaseSessionQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(slot_count__gte=1), name="showcase_has_slots"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=1), name="showcase_slot_length"),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("recognition:showcase_session", args=[self.pk])

    @property
    def ends_at(self) -> dt.datetime:
        return self._minutes_in(self.slot_count * self.slot_minutes)

    def slot_starts_at(self, position: int) -> dt.datetime:
        return self._minutes_in((position - 1) * self.slot_minutes)

    def free_positions(self) -> list[int]:
        """The slot positions nobody has booked yet, in order (one query)."""
        taken = set(self.slots.values_list("position", flat=True))
        return [n for n in range(1, self.slot_count + 1) if n not in taken]

    def _minutes_in(self, minutes: int) -> dt.datetime:
        """The time `minutes` after the start. A session stored on 9999-12-31 (before dates
        were bounded) has no time after it: it is shown as ending when it starts, where adding
        to it failed the showcase list, the session's page and the calendar feed (a 500)."""
        try:
            return self.starts_at + dt.timedelta(minutes=minutes)
        except OverflowError:
            return self.starts_at

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()


class ShowcaseSlotQuerySet(models.QuerySet):
    def with_details(self) -> ShowcaseSlotQuerySet:
        """Slots with their project and presenters, for listing under a session."""
        return (
            self.select_related("project")
            .prefetch_related(Prefetch("presenters", Person.objects.order_by("display_name")))
            .order_by("position")
        )

    def of_project(self, project: Project) -> ShowcaseSlotQuerySet:
        """A project's slots, latest session first, with the session and `presenter_names`,
        in one query."""
        return (
            self.filter(project=project)
            .select_related("session")
            .annotate(
                presenter_names=ArrayAgg(
                    "presenters__display_name",
                    filter=Q(presenters__isnull=False),
                    order_by="presenters__display_name",
                    default=[],
                )
            )
            .order_by("-session__starts_at", "-pk")
        )


class ShowcaseSlot(models.Model):
    """One project's presentation slot in a session. A position is never booked twice."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked, awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"

    session = models.ForeignKey(ShowcaseSession, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="showcase_slots")
    presenters = models.ManyToManyField(Person, related_name="showcase_presentations")
    booked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.BOOKED)
    confirmed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ShowcaseSlotQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[presenters])

    class Meta:
        ordering = ["session__starts_at", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="showcase_slot_once"),
            models.UniqueConstraint(
                fields=["session", "project"], name="showcase_project_once_per_session"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="showcase_slot_position"),
        ]

    def __str__(self) -> str:
        return f"{self.project} at {self.session} (slot {self.position})"

    @property
    def starts_at(self) -> dt.datetime:
        return self.session.slot_starts_at(self.position)

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class CalendarFeed(models.Model):
    """A person's secret link to the showcase calendar, for Outlook to subscribe to.

    Calendar clients cannot sign in, so the link is the credential: only its digest is kept,
    and making a new one revokes the old.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token_digest = SingleLineCharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Showcase calendar link for {self.person}"


# The QI board: posters, headline impact, and display links for a screen in the department.


POSTER_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}


def poster_upload_to(instance: Poster, filename: str) -> str:
    # A random name: nothing from the uploader's file name reaches the storage path.
    extension = POSTER_CONTENT_TYPES.get(instance.content_type, "")
    return f"posters/{instance.project_id}/{uuid.uuid4().hex}{extension}"


def thumbnail_upload_to(instance: Poster, filename: str) -> str:
    return f"posters/{instance.project_id}/thumb-{uuid.uuid4().hex}.jpg"


class Poster(models.Model):
    """A project's poster for the QI board: PDF, PNG or JPEG, checked by content on upload."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="poster")
    file = models.FileField(upload_to=poster_upload_to, max_length=255)
    content_type = models.CharField(max_length=40, choices=[(k, k) for k in POSTER_CONTENT_TYPES])
    size = models.PositiveIntegerField(help_text="Bytes.")
    original_name = SingleLineCharField(max_length=255, blank=True)
    thumbnail = models.FileField(upload_to=thumbnail_upload_to, max_length=255, blank=True)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Poster for {self.project}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_png(self) -> bool:
        return self.content_type == "image/png"

    @property
    def download_name(self) -> str:
        stem = PurePath(self.original_name).stem or "poster"
        return (
            f"{self.project.reference or 'draft'}-{stem}{POSTER_CONTENT_TYPES[self.content_type]}"
        )


class DisplayLinkQuerySet(models.QuerySet):
    def of_department(self, department: Department) -> DisplayLinkQuerySet:
        """The department's display links: the active ones first (newest first), then the
        revoked ones, most recently revoked first; with who made each."""
        return (
            self.filter(department=department)
            .select_related("created_by__person")
            .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
        )


class DisplayLink(models.Model):
    """A secret, revocable link that opens the board's display mode on a screen without login."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    name = SingleLineCharField(
        "where the screen is", max_length=100, help_text="For example, Dispensary staff room."
    )
    token_digest = SingleLineCharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = DisplayLinkQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# Awards and nominations.


class AwardQuerySet(models.QuerySet):
    def taking_nominations(self, *, today: dt.date | None = None) -> AwardQuerySet:
        """Open awards whose deadline, if any, is today or later (the deadline day counts)."""
        today = today or timezone.localdate()
        return self.filter(Q(deadline__isnull=True) | Q(deadline__gte=today), is_open=True)

    def closed(self, *, today: dt.date | None = None) -> AwardQuerySet:
        """Awards no longer taking nominations, most recent deadline first."""
        today = today or timezone.localdate()
        return self.filter(Q(is_open=False) | Q(deadline__lt=today)).order_by(
            F("deadline").desc(nulls_last=True), "name"
        )


class Award(models.Model):
    class Level(models.TextChoices):
        LOCAL = "local", "Local"
        TRUST = "trust", "Trust"
        REGIONAL = "regional", "Regional"
        NATIONAL = "national", "National"

    name = SingleLineCharField(max_length=200)
    awarding_body = SingleLineCharField(
        max_length=200, help_text="For example, the trust, the RPS."
    )
    level = models.CharField(max_length=8, choices=Level.choices)
    deadline = BoundedDateField("nomination deadline", null=True, blank=True, window=PLANNED)
    description = MultiLineTextField(max_length=2000, blank=True)
    url = models.URLField("link to the award's page", blank=True)
    is_open = models.BooleanField(
        "taking nominations", default=True, help_text="Untick to hide it from new nominations."
    )

    history = HistoricalRecords()
    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = [F("deadline").asc(nulls_last=True), "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "awarding_body"], name="award_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_past_deadline(self) -> bool:
        """Nominations are taken up to and including the deadline day."""
        return self.deadline is not None and self.deadline < timezone.localdate()


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NominationQuerySet:
        """The nominator's own, any status; everyone else's in the department once submitted.
        Admins see all."""
        if user.is_staff:
            return self
        person = person_of(user)
        if person is None:
            return self.none()
        return self.filter(
            Q(nominated_by=person)
            | (~Q(status=Nomination.Status.DRAFT) & self._in_department(person.department_id))
        )

    def in_department(self, department_id: int) -> NominationQuerySet:
        return self.filter(self._in_department(department_id))

    def submitted(self) -> NominationQuerySet:
        """Every nomination but drafts: submitted, shortlisted, won or not won."""
        return self.exclude(status=Nomination.Status.DRAFT)

    def with_nominee(self) -> NominationQuerySet:
        """Everything a row shows: the award, the nominee's name and who nominated."""
        return self.select_related("award", "person", "project", "nominated_by")

    def recognising(self, person: Person) -> NominationQuerySet:
        """Nominations that recognise the person: of them, of a team they are in, and of a
        project they lead, co-lead or are a current member of."""
        return self.filter(
            Q(person=person)
            | Q(pk__in=self._team_nominations_of(person))
            | Q(
                nominee_kind=Nomination.NomineeKind.PROJECT,
                project__in=self._projects_of(person, former_members=False),
            )
        )

    def of_project(self, project: Project) -> NominationQuerySet:
        """Nominations of the project itself (a team's nomination is its members', not any
        project's)."""
        return self.filter(nominee_kind=Nomination.NomineeKind.PROJECT, project=project)

    def involving(self, person: Person) -> NominationQuerySet:
        """Nominations the person has a stake in, so may not record how they fared: as the
        nominee, a team member, the nominator, or the lead, a co-lead or a member (current or
        former) of the nominated project."""
        return self.filter(self._involving(person))

    def with_involvement_of(self, person: Person | None) -> NominationQuerySet:
        """Annotates `viewer_involved` (see `involving`) in the same query, for pages that offer
        the outcome form on many nominations at once."""
        if person is None:
            return self.annotate(viewer_involved=models.Value(False))
        return self.annotate(
            viewer_involved=models.Case(
                models.When(self._involving(person), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def wins_first(self) -> NominationQuerySet:
        won_first = models.Case(
            models.When(status=Nomination.Status.WON, then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        )
        return self.order_by(won_first, "-submitted_at", "-pk")

    def recently_won(self) -> NominationQuerySet:
        return self.filter(status=Nomination.Status.WON).order_by(
            F("status_changed_at").desc(nulls_last=True), "-pk"
        )

    @staticmethod
    def _in_department(department_id: int) -> Q:
        """The nominee belongs to the department (a team: the nominator's, whose colleagues
        the team is drawn from)."""
        return (
            Q(nominee_kind="person", person__department_id=department_id)
            | Q(nominee_kind="project", project__department_id=department_id)
            | Q(nominee_kind="team", nominated_by__department_id=department_id)
        )

    @staticmethod
    def _team_nominations_of(person: Person) -> models.QuerySet:
        return Nomination.team_members.through.objects.filter(person=person).values("nomination_id")

    @staticmethod
    def _projects_of(person: Person, *, former_members: bool) -> models.QuerySet:
        """Ids of the projects the person works on (`Project.objects.worked_on_by`), and with
        `former_members` those they have left too. The leads', co-leads' and members' index
        scans joined by UNION: `worked_on_by`'s OR, in a subquery, read every project."""
        person_id = getattr(person, "pk", person)
        co_led = Project.co_leads.through.objects.filter(person_id=person_id).values("project_id")
        memberships = Membership.objects.filter(person_id=person_id)
        if not former_members:
            memberships = memberships.filter(left_on__isnull=True)
        led = Project.objects.filter(lead_id=person_id).order_by().values("pk")
        return led.union(co_led, memberships.values("project_id"))

    @classmethod
    def _involving(cls, person: Person) -> Q:
        return (
            Q(person=person)
            | Q(nominated_by=person)
            | Q(pk__in=cls._team_nominations_of(person))
            | Q(project__in=cls._projects_of(person, former_members=True))
        )


class Nomination(models.Model):
    class NomineeKind(models.TextChoices):
        PERSON = "person", "A person"
        TEAM = "team", "A team"
        PROJECT = "project", "A project"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        WON = "won", "Won"
        NOT_WON = "not_won", "Not won"

    # Champions and admins move a nomination between these once it is submitted.
    DECIDED_STATUSES = (Status.SUBMITTED, Status.SHORTLISTED, Status.WON, Status.NOT_WON)
    STATUS_TAG_COLOURS = {
        Status.DRAFT: "grey",
        Status.SUBMITTED: "blue",
        Status.SHORTLISTED: "purple",
        Status.WON: "green",
        Status.NOT_WON: "white",
    }

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="nominations")
    nominee_kind = models.CharField("who is nominated", max_length=7, choices=NomineeKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="nominations"
    )
    team_name = SingleLineCharField(max_length=150, blank=True)
    team_members = models.ManyToManyField(Person, blank=True, related_name="team_nominations")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="nominations"
    )
    citation = MultiLineTextField(
        max_length=4000, help_text="Why they deserve it: what they did and what changed."
    )
    nominated_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="nominations_made"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.DRAFT)
    status_changed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[team_members])
    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(nominee_kind="person", person__isnull=False, project__isnull=True)
                    | Q(nominee_kind="project", project__isnull=False, person__isnull=True)
                    | (
                        Q(nominee_kind="team", person__isnull=True, project__isnull=True)
                        & ~Q(team_name="")
                    )
                ),
                name="nomination_names_its_nominee",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="nomination_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominee_name} for {self.award}"

    @property
    def nominee_name(self) -> str:
        if self.nominee_kind == self.NomineeKind.PERSON:
            return str(self.person)
        if self.nominee_kind == self.NomineeKind.PROJECT:
            return str(self.project)
        return self.team_name

    @property
    def status_colour(self) -> str:
        return self.STATUS_TAG_COLOURS[self.status]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_for_person(self) -> bool:
        return self.nominee_kind == self.NomineeKind.PERSON

    @property
    def is_for_team(self) -> bool:
        return self.nominee_kind == self.NomineeKind.TEAM

    @property
    def is_for_project(self) -> bool:
        return self.nominee_kind == self.NomineeKind.PROJECT

    @property
    def nominee_department_id(self) -> int:
        """The department the nomination belongs to: the nominee's (for a team, the
        nominator's). Reads the nominee: one query unless select_related."""
        if self.nominee_kind == self.NomineeKind.PERSON:
            return self.person.department_id
        if self.nominee_kind == self.NomineeKind.PROJECT:
            return self.project.department_id
        return self.nominated_by.department_id

    def involves(self, person: Person | None) -> bool:
        """Whether the person has a stake in this nomination (see NominationQuerySet.involving).
        One query."""
        if person is None:
            return False
        return Nomination.objects.filter(pk=self.pk).involving(person).exists()

    def can_be_changed_by(self, user) -> bool:
        """A draft is its nominator's to edit, submit or delete."""
        person = person_of(user)
        return self.is_draft and person is not None and self.nominated_by_id == person.pk

    def can_be_decided_by(self, user) -> bool:
        """Admins, and champions of the nominee's department, record how a submitted
        nomination fared, unless they have a stake in it. Drafts stay the nominator's."""
        if self.is_draft or not is_champion_or_admin(user, self.nominee_department_id):
            return False
        return not self.involves(person_of(user))

    def status_timeline(self) -> list[dict]:
        """Each change of status since submission, oldest first, from the history (one query)."""
        records = self.history.order_by("history_date", "history_id").select_related(
            "status_changed_by", "nominated_by"
        )
        timeline, previous = [], self.Status.DRAFT
        for record in records:
            if record.status != previous and record.status != self.Status.DRAFT:
                timeline.append(
                    {
                        "status": self.Status(record.status).label,
                        "colour": self.STATUS_TAG_COLOURS[record.status],
                        "at": record.status_changed_at or record.submitted_at,
                        "by": record.status_changed_by or record.nominated_by,
                    }
                )
            previous = record.status
        return timeline


# Appraisal notes and portfolio evidence.


class AppraisalNote(models.Model):
    """A manager's note on a report's QI contribution for an appraisal period.

    Private: the person it is about, the manager who wrote it and admins only
    (`PrivateNoteQuerySet.visible_to`).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appraisal_notes")
    manager = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appraisal_notes_written"
    )
    period_start = BoundedDateField("appraisal period from", window=PLANNED)
    period_end = BoundedDateField("appraisal period to", window=PLANNED)
    note = MultiLineTextField(
        max_length=5000, help_text="Their QI contribution in the period and what was agreed next."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="appraisal_note_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – appraisal {self.period_start:%b %Y} to {self.period_end:%b %Y}"


class ContributionKind(models.TextChoices):
    """The kinds of contribution a portfolio lists; departments map them to RPS domains."""

    LED = "led", "Led or co-led a project"
    ROLE = "role", "Role on a project team"
    TASK = "task", "Buddy task completed"
    SHOWCASE = "showcase", "Showcase presentation"
    NOMINATION = "nomination", "Award nomination"
    TRAINING = "training", "QI training completed"
    MENTOR = "mentor", "Mentoring given"
    MENTEE = "mentee", "Mentoring received"
    REVIEW = "review", "Review as QI champion"


class PortfolioDomain(models.Model):
    """A credentialing domain (e.g. RPS "Leadership and management") and what counts towards it."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="portfolio_domains"
    )
    name = SingleLineCharField(max_length=120)
    description = MultiLineTextField(max_length=2000, blank=True)
    contribution_kinds = ArrayField(
        models.CharField(max_length=12, choices=ContributionKind.choices),
        default=list,
        blank=True,
        help_text="The contributions that count as evidence for this domain.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["department__name", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="portfolio_domain_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PreparedFilesStorage(LazyObject):
    """settings.STORAGES["prepared_files"], as default_storage is the "default" one: looked up
    when first used, and again after the setting changes (a test's own folder), where a
    FileField would keep the storage it was given when the model was defined."""

    def _setup(self):
        self._wrapped = storages["prepared_files"]


prepared_files_storage = PreparedFilesStorage()


@receiver(setting_changed)
def _prepared_files_storage_changed(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        prepared_files_storage._wrapped = empty


def _prepared_files_storage() -> PreparedFilesStorage:
    return prepared_files_storage


def prepared_file_upload_to(instance: PreparedFile, filename: str) -> str:
    return f"{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.pdf"


class PreparedFileQuerySet(models.QuerySet):
    def expired(self) -> PreparedFileQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class PreparedFile(models.Model):
    """A large PDF (an appraisal summary of a big team, a long portfolio) made by the background
    worker instead of in the request, for the one user who asked for it.

    The file is kept in its own private storage (settings.STORAGES["prepared_files"]), never
    under MEDIA_ROOT, and only the user who asked may download it. `manage.py sweep_media`
    deletes the row and the file once `expires_at` has passed."""

    class Kind(models.TextChoices):
        APPRAISAL_SUMMARY = "appraisal_summary", "Appraisal summary"
        PORTFOLIO = "portfolio", "QI portfolio"

    class Status(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prepared_files"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = SingleLineCharField(max_length=200)
    filename = SingleLineCharField(max_length=200)
    parameters = models.JSONField(
        default=dict, help_text="What to put in the file: whose contributions, which period."
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PREPARING)
    file = models.FileField(
        storage=_prepared_files_storage, upload_to=prepared_file_upload_to, blank=True
    )
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes.")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = PreparedFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep's expired files.
            models.Index(fields=["expires_at"], name="prepared_file_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display().lower()})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED
