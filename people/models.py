from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from simple_history import register

from common.fields import (
    PLANNED,
    SCHEDULED,
    UP_TO_TODAY,
    BoundedDateField,
    MultiLineTextField,
    SingleLineCharField,
)
from common.history import HistoricalRecords

# Governance wants to see who was made an admin and when, so user accounts keep history too.
register(get_user_model(), app=__package__, table_name="people_historicaluser")


class Department(models.Model):
    name = SingleLineCharField(max_length=100, unique=True, help_text="For example, Pharmacy.")
    slug = models.SlugField(max_length=100, unique=True)
    qi_lead = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="QI lead",
        help_text="Who staff ask about QI where their area has no champion.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # Held by the "Trust QI team" group (people/migrations/0009) and by superusers.
        permissions = [
            (
                "view_all_departments",
                "Can see every department's QI pages and the trust-wide view",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:department", args=[self.slug])


class ClinicalArea(models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="clinical_areas"
    )
    name = SingleLineCharField(
        max_length=100, help_text="For example, Acute medicine, Surgery, Dispensary, Aseptics."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="clinical_area_unique_name_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """A skill a task needs or a person offers, e.g. data collection, audit design, Excel."""

    name = SingleLineCharField(max_length=80, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def all_departments_permission(user):
    """The "view all departments" permission, if the user (or user id) holds it directly or
    through a group (the trust QI team's): see people/departments.py."""
    return Permission.objects.filter(
        content_type__app_label="people", codename="view_all_departments"
    ).filter(Q(user=user) | Q(group__user=user))


def person_of(user) -> Person | None:
    """The user's Person, or None. Views read `request.person` (`people.middleware`); this is
    for code handed a user (model and access rules). Django caches it on the user, so the
    middleware's read and every later one are one query."""
    if not user.is_authenticated:
        return None
    return getattr(user, "person", None)


class PersonRoles(NamedTuple):
    champion_area_ids: frozenset[int]
    manages_anyone: bool
    may_see_all_departments: bool


# A line manager talks with each report about QI interest and capacity at least this often
# (the QI conversations on My team); longer than this, the report is "due" one.
QI_CONVERSATION_EVERY = dt.timedelta(days=183)


class PersonQuerySet(models.QuerySet):
    def for_directory(self) -> PersonQuerySet:
        return self.select_related("department", "line_manager").prefetch_related("clinical_areas")

    def managers(self) -> PersonQuerySet:
        return self.filter(reports__isnull=False).distinct()

    def search(self, query: str) -> PersonQuerySet:
        """People whose name holds every word of `query` ("ali kh" finds Alice Khan), names
        that start with its first word first, with their department: what the person picker
        offers (people/pickers.py). The caller slices it; no query with fewer than 2
        letters (`people.pickers.MIN_QUERY`) should reach it."""
        # Control characters (a NUL, which PostgreSQL refuses in text) match no name.
        printable = "".join(char if char.isprintable() else " " for char in query)
        words = printable.split()[:5]
        if not words:
            return self.none()
        matching = self
        for word in words:
            matching = matching.filter(display_name__icontains=word)
        starts = Case(When(display_name__istartswith=words[0], then=0), default=1)
        return matching.select_related("department").order_by(starts, "display_name", "pk")

    def champions(self) -> PersonQuerySet:
        return self.filter(champion_assignments__isnull=False).distinct()

    def with_last_conversation(self) -> PersonQuerySet:
        """Annotates `last_conversation`: the date of the latest QI conversation, or None."""
        latest = QIConversation.objects.filter(person=OuterRef("pk")).order_by("-date", "-pk")
        return self.annotate(last_conversation=Subquery(latest.values("date")[:1]))

    def due_a_qi_conversation(self, today: dt.date) -> PersonQuerySet:
        """People whose line manager has recorded no QI conversation with them in the last six
        months (`QI_CONVERSATION_EVERY`), or none ever; annotated with `last_conversation`."""
        return self.with_last_conversation().filter(
            Q(last_conversation__isnull=True)
            | Q(last_conversation__lt=today - QI_CONVERSATION_EVERY)
        )


class Person(models.Model):
    """A member of staff: one per user account."""

    class JobRole(models.TextChoices):
        PHARMACIST = "pharmacist", "Pharmacist"
        TECHNICIAN = "technician", "Pharmacy technician"
        ASSISTANT = "assistant", "Pharmacy assistant"
        NURSE = "nurse", "Nurse"
        AHP = "ahp", "Allied health professional"
        QI_LEAD = "qi_lead", "Quality improvement lead"
        OTHER = "other", "Other"

    class Band(models.TextChoices):
        BAND_2 = "2", "Band 2"
        BAND_3 = "3", "Band 3"
        BAND_4 = "4", "Band 4"
        BAND_5 = "5", "Band 5"
        BAND_6 = "6", "Band 6"
        BAND_7 = "7", "Band 7"
        BAND_8A = "8a", "Band 8a"
        BAND_8B = "8b", "Band 8b"
        BAND_8C = "8c", "Band 8c"
        BAND_8D = "8d", "Band 8d"
        BAND_9 = "9", "Band 9"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    display_name = SingleLineCharField(max_length=150, help_text="The name other staff see.")
    job_role = models.CharField(max_length=20, choices=JobRole.choices)
    band = models.CharField(max_length=2, choices=Band.choices, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="people")
    clinical_areas = models.ManyToManyField(
        ClinicalArea,
        blank=True,
        related_name="people",
        help_text="The areas this person works in.",
    )
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Whoever manages this person; a manager sees their reports' QI engagement.",
    )
    email = models.EmailField("contact email", blank=True)
    # Capacity and interests: edited by the person, seen by their manager.
    qi_hours_per_month = models.DecimalField(
        "hours a month I can give to QI",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("160"))],
        help_text="Your best estimate, e.g. 4. Leave blank if you do not know yet.",
    )
    interests = MultiLineTextField(
        "QI interests",
        max_length=1000,
        blank=True,
        help_text="What you would like to improve or learn, in a sentence or two.",
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="people", help_text="Skills you can offer a project."
    )
    preferred_areas = models.ManyToManyField(
        ClinicalArea,
        blank=True,
        related_name="interested_people",
        verbose_name="preferred clinical areas",
    )
    open_to_buddy_tasks = models.BooleanField(
        "open to buddy tasks",
        default=False,
        help_text="Happy to be suggested small tasks on other people's projects.",
    )

    history = HistoricalRecords(m2m_fields=[clinical_areas, skills, preferred_areas])
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        verbose_name_plural = "people"
        # The admin actions of qiregister/privacy.py; superusers have both.
        permissions = [
            ("export_personal_data", "Can export a person's data (subject access request)"),
            ("anonymise_person", "Can anonymise a leaver"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(line_manager=F("pk")), name="person_not_own_line_manager"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @cached_property
    def roles(self) -> PersonRoles:
        """What this person is, read in one query and then cached on the instance: the areas
        they champion, whether anyone reports to them, whether their account may see every
        department (the trust QI team's permission). The header asks all three on every page.

        The last is also remembered on their user, when loaded, for `sees_all_departments`."""
        areas, manages, all_departments = (
            Person.objects.filter(pk=self.pk)
            .annotate(
                areas=ArraySubquery(
                    ChampionAssignment.objects.filter(person=OuterRef("pk"))
                    .order_by()
                    .values("clinical_area_id")
                ),
                manages=Exists(Person.objects.filter(line_manager=OuterRef("pk"))),
                all_departments=Exists(all_departments_permission(self.user_id)),
            )
            .values_list("areas", "manages", "all_departments")
            .get()
        )
        user = self._state.fields_cache.get("user")
        if user is not None and not hasattr(user, "_sees_all_departments"):
            user._sees_all_departments = user.is_active and (
                user.is_staff or user.is_superuser or all_departments
            )
        return PersonRoles(frozenset(areas), manages, all_departments)

    @property
    def champion_area_ids(self) -> frozenset[int]:
        """Clinical areas this person champions (`roles`: one query, then cached)."""
        return self.roles.champion_area_ids

    @property
    def is_champion(self) -> bool:
        return bool(self.champion_area_ids)

    def is_champion_for(self, *areas: ClinicalArea | int) -> bool:
        """True if this person champions any of the given areas."""
        area_ids = {area if isinstance(area, int) else area.pk for area in areas}
        return not self.champion_area_ids.isdisjoint(area_ids)

    def is_manager_of(self, other: Person) -> bool:
        return other.line_manager_id == self.pk

    @property
    def is_manager(self) -> bool:
        """Has anyone reporting to them (`roles`: one query, then cached)."""
        return self.roles.manages_anyone


class ChampionAssignment(models.Model):
    """A person named as QI champion for a clinical area: its point of contact and mentor."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="champion_assignments"
    )
    clinical_area = models.ForeignKey(
        ClinicalArea, on_delete=models.CASCADE, related_name="champion_assignments"
    )
    started_on = BoundedDateField(default=timezone.localdate, window=PLANNED)

    history = HistoricalRecords()

    class Meta:
        ordering = ["clinical_area__name", "person__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "clinical_area"], name="champion_once_per_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – champion for {self.clinical_area}"


class PrivateNoteQuerySet(models.QuerySet):
    """Notes a line manager writes about a report (`QIConversation`, the appraisal notes):
    private to the person they are about, the manager who wrote them while still that
    person's line manager (not a predecessor's notes), and admins."""

    def visible_to(self, user) -> PrivateNoteQuerySet:
        if user.is_staff:
            return self
        viewer = person_of(user)
        if viewer is None:
            return self.none()
        return self.filter(Q(person=viewer) | Q(manager=viewer, person__line_manager=viewer))


class QIConversation(models.Model):
    """A manager's dated note of a conversation with a report about QI interest and capacity.

    Private: the manager who wrote it, the person it is about and admins only
    (`PrivateNoteQuerySet.visible_to`).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="qi_conversations")
    manager = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="qi_conversations_recorded"
    )
    date = BoundedDateField(default=timezone.localdate, window=UP_TO_TODAY)
    note = MultiLineTextField(max_length=2000)
    agreed_hours_per_month = models.DecimalField(
        "QI time agreed in the job plan (hours a month)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("160"))],
    )

    history = HistoricalRecords()

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "QI conversation"

    def __str__(self) -> str:
        return f"{self.person} – {self.date:%d %b %Y}"


class CourseQuerySet(models.QuerySet):
    def induction(self) -> CourseQuerySet:
        return self.filter(is_induction=True)

    def outstanding_for(self, person: Person) -> CourseQuerySet:
        """Induction courses the person has not completed yet."""
        return self.induction().exclude(completions__person=person)


class Course(models.Model):
    """A QI course the department runs, managed in the admin."""

    class Level(models.TextChoices):
        INDUCTION = "induction", "Induction"
        FOUNDATION = "foundation", "Foundation"
        PRACTITIONER = "practitioner", "Practitioner"
        ADVANCED = "advanced", "Advanced"

    name = SingleLineCharField(max_length=120, unique=True, help_text="For example, QI induction.")
    level = models.CharField(max_length=12, choices=Level.choices)
    description = MultiLineTextField(blank=True)
    is_induction = models.BooleanField(
        "QI induction",
        default=False,
        help_text="Everyone is shown this course as outstanding until they complete it.",
    )

    history = HistoricalRecords()
    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(validators=[SCHEDULED])
    place = SingleLineCharField(max_length=200)
    capacity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    trainer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sessions_trained")

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.course} – {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"


class Booking(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="bookings")
    booked_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(null=True, blank=True, help_text="Marked by the trainer.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="booking_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.session}"


class Completion(models.Model):
    """A course a person has completed: follows them in their QI portfolio."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = BoundedDateField(default=timezone.localdate, window=UP_TO_TODAY)
    evidence = MultiLineTextField(
        "evidence note", max_length=2000, blank=True, help_text="For example, certificate number."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="completion_once_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.person} completed {self.course}"


class MentoringPair(models.Model):
    """A champion or experienced person mentoring a less experienced one, outside any project.

    Session notes are private to the pair, the mentee's line manager and admins.
    """

    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentees")
    mentee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentors")
    started_on = BoundedDateField(default=timezone.localdate, window=PLANNED)
    ended_on = BoundedDateField(null=True, blank=True, window=PLANNED)
    goals = MultiLineTextField(max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentor_not_own_mentee"),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(ended_on__isnull=True),
                name="mentoring_pair_once_while_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee}"

    def can_be_seen_by(self, user) -> bool:
        person = person_of(user)
        if user.is_staff:
            return True
        if person is None:
            return False
        return person.pk in (self.mentor_id, self.mentee_id) or person.is_manager_of(self.mentee)

    def is_member(self, person: Person | None) -> bool:
        return person is not None and person.pk in (self.mentor_id, self.mentee_id)


class MentoringSessionNote(models.Model):
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    date = BoundedDateField(default=timezone.localdate, window=UP_TO_TODAY)
    note = MultiLineTextField(max_length=4000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.pair} – {self.date}"


class MentorRequestQuerySet(models.QuerySet):
    def open(self) -> MentorRequestQuerySet:
        return self.filter(status=MentorRequest.Status.OPEN)

    def open_for_champion(self, person: Person) -> MentorRequestQuerySet:
        """Open requests from the champion's department for one of their areas (or any area),
        not their own, with the mentee and area each request shows."""
        return (
            self.open()
            .filter(mentee__department_id=person.department_id)
            .filter(
                Q(clinical_area_id__in=person.champion_area_ids) | Q(clinical_area__isnull=True)
            )
            .exclude(mentee=person)
            .select_related("mentee", "clinical_area")
        )


class MentorRequest(models.Model):
    """Someone asking for a mentor; champions for the area see it and accept it."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a mentor"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentor_requests")
    clinical_area = models.ForeignKey(
        ClinicalArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_requests",
        help_text="The area whose champions are asked; empty asks every champion.",
    )
    message = MultiLineTextField(max_length=1000, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    pair = models.OneToOneField(
        MentoringPair, on_delete=models.SET_NULL, null=True, blank=True, related_name="request"
    )

    objects = MentorRequestQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"], condition=Q(status="open"), name="mentor_request_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee} asks for a mentor"

    def can_be_accepted_by(self, person: Person) -> bool:
        """A champion of the mentee's department, for the request's area if it names one."""
        if person.pk == self.mentee_id or person.department_id != self.mentee.department_id:
            return False
        if self.clinical_area_id is None:
            return person.is_champion
        return person.is_champion_for(self.clinical_area_id)


class ExportLog(models.Model):
    """Who exported whose personal data, and when: the governance record, never edited."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(default=timezone.now)
    kind = SingleLineCharField(max_length=40, help_text="For example, appraisal_summary_pdf.")
    description = SingleLineCharField(max_length=300)
    subjects = models.ManyToManyField(
        Person, related_name="+", help_text="Whose personal data the export held."
    )

    class Meta:
        ordering = ["-exported_at", "-pk"]
        indexes = [models.Index(fields=["-exported_at"], name="export_log_recent")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user} at {self.exported_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, user, kind: str, description: str, subjects) -> ExportLog:
        """Log an export; whose data it held is in `subjects`, so the description stays short."""
        description = Truncator(description).chars(cls._meta.get_field("description").max_length)
        with transaction.atomic():
            log = cls.objects.create(user=user, kind=kind, description=description)
            log.subjects.set(subjects)
        return log


class SingleSignOnIdentityQuerySet(models.QuerySet):
    def matching(
        self, *, issuer: str, subject: str, tenant_id: str = "", object_id: str = ""
    ) -> SingleSignOnIdentityQuerySet:
        """The identities a verified ID token names: by `iss` + `sub`, and for Microsoft Entra
        ID also by `tid` + `oid` (the directory object, the same person whichever app
        registration or endpoint version issued the token, whose `sub` differs)."""
        condition = Q(issuer=issuer, subject=subject)
        if tenant_id and object_id:
            condition |= Q(tenant_id=tenant_id, object_id=object_id)
        return self.filter(condition).select_related("user")


class SingleSignOnIdentity(models.Model):
    """The identity at the single sign-on provider that signs in as an account.

    Stored when the account is first linked (by the first sign-in, or by an admin for staff
    and superuser accounts, which are never linked automatically); from then on this identity
    signs in as the account whatever email the provider sends, and no other identity does.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="single_sign_on_identity",
        help_text="The QI Register account this identity signs in as (one identity each).",
    )
    issuer = SingleLineCharField(
        max_length=255,
        help_text="The provider's `iss` claim, e.g. https://login.microsoftonline.com/"
        "<tenant id>/v2.0. The security log's refusal line gives it.",
    )
    subject = SingleLineCharField(
        max_length=255,
        help_text="The `sub` claim: the provider's identifier for this person, which never "
        "changes. The security log's refusal line gives it.",
    )
    tenant_id = SingleLineCharField(
        max_length=64,
        blank=True,
        help_text="Microsoft Entra ID only: the `tid` claim (the directory's ID). Leave empty "
        "for other providers.",
    )
    object_id = SingleLineCharField(
        max_length=64,
        blank=True,
        help_text="Microsoft Entra ID only: the `oid` claim (the user's object ID in the "
        "directory). Leave empty for other providers.",
    )
    linked_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    objects = SingleSignOnIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        ordering = ["user__username"]
        constraints = [
            # Also the index each sign-in looks the identity up by.
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="sso_identity_unique_subject"
            ),
            # Entra ID's directory object: the sign-in's second look-up.
            models.UniqueConstraint(
                fields=["tenant_id", "object_id"],
                condition=~Q(object_id=""),
                name="sso_identity_unique_entra_object",
            ),
            models.CheckConstraint(
                condition=Q(tenant_id="", object_id="") | (~Q(tenant_id="") & ~Q(object_id="")),
                name="sso_identity_entra_ids_together",
                violation_error_message="Give both the tenant ID and the object ID, or neither.",
            ),
            models.CheckConstraint(
                condition=~Q(issuer="") & ~Q(subject=""), name="sso_identity_issuer_and_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
