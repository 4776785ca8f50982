"""A project's measurement and impact: measures and their data, PDSA cycles, the impact
beyond money and the savings claimed.

The tables were created by the projects app and kept their rows when the models moved here
(migration measurement 0001 renamed them).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Lower
from django.utils import timezone

from common.fields import (
    PLANNED,
    UP_TO_TODAY,
    BoundedDateField,
    MultiLineTextField,
    SingleLineCharField,
)
from common.history import HistoricalRecords
from people.models import Person
from projects.models import Project, edit_version_field


class ProjectImpact(models.Model):
    """What the project changed beyond money: time, patients and the kind of benefit."""

    project_history_label = "Impact"

    class Benefit(models.TextChoices):
        SAFETY = "safety", "Safety"
        EFFECTIVENESS = "effectiveness", "Effectiveness"
        EXPERIENCE = "experience", "Patient experience"
        ACCESS = "access", "Access"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="impact"
    )
    staff_hours_saved_per_month = models.DecimalField(
        "staff time saved (hours a month)",
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    patients_affected = models.PositiveIntegerField(
        "number of patients affected", null=True, blank=True
    )
    patient_benefits = ArrayField(
        models.CharField(max_length=13, choices=Benefit.choices),
        default=list,
        blank=True,
        verbose_name="kinds of patient benefit",
    )
    patient_benefit_narrative = MultiLineTextField(
        "patient benefit", max_length=4000, blank=True, help_text="What changed for patients."
    )
    updated_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    def __str__(self) -> str:
        return f"Impact of {self.project}"


class SavingQuerySet(models.QuerySet):
    def with_people(self) -> SavingQuerySet:
        """With who claimed and who validated each saving, for the project page's table."""
        return self.select_related("claimed_by", "validated_by")


class Saving(models.Model):
    """A cost saving the team claims; a champion or admin validates it (possibly for less)."""

    project_history_label = "Saving"

    class Kind(models.TextChoices):
        ONE_OFF = "one_off", "One-off"
        RECURRING = "recurring", "Recurring, per year"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="savings"
    )
    description = SingleLineCharField(
        max_length=200, help_text="For example, switch to biosimilar adalimumab."
    )
    amount = models.DecimalField(
        "amount claimed (£)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    kind = models.CharField(max_length=9, choices=Kind.choices, default=Kind.RECURRING)
    claimed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    validated_amount = models.DecimalField(
        "amount validated (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    validated_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    validation_note = MultiLineTextField(max_length=2000, blank=True)
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["version"])

    objects = SavingQuerySet.as_manager()

    class Meta:
        ordering = ["claimed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(validated_amount__isnull=True, validated_by__isnull=True)
                    | Q(validated_amount__isnull=False, validated_by__isnull=False)
                ),
                name="saving_validated_with_who",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="saving_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount:,.2f} {self.get_kind_display().lower()}: {self.description}"

    @property
    def is_validated(self) -> bool:
        return self.validated_by_id is not None


SPC_RULES = [
    ("outside_limits", "A point outside the limits"),
    ("trend", "A trend rising or falling"),
    ("two_in_three", "Two of three points near a limit"),
    ("shift", "A shift on one side of the mean"),
]


def all_spc_rules() -> list[str]:
    return [rule for rule, _label in SPC_RULES]


class MeasureQuerySet(models.QuerySet):
    def with_latest_value(self) -> MeasureQuerySet:
        """Each measure's number of values and its latest value and date (None if it has none),
        for the project page's list of measures, in the one query."""
        latest = DataPoint.objects.filter(measure=OuterRef("pk")).order_by("-date")
        return self.annotate(
            point_count=Count("points"),
            latest_date=Subquery(latest.values("date")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        )


class Measure(models.Model):
    project_history_label = "Measure"

    # Far more than a run or XmR chart can usefully show (a daily series for almost three
    # years), and it keeps the page and spc.json small.
    MAX_POINTS = 1000

    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome"
        PROCESS = "process", "Process"
        BALANCING = "balancing", "Balancing"

    class Direction(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"
        NEUTRAL = "neutral", "Neither"

    class ChartType(models.TextChoices):
        SPC = "spc", "SPC chart (XmR)"
        RUN = "run", "Run chart"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="measures"
    )
    name = SingleLineCharField(max_length=150, help_text="For example, omitted critical doses.")
    definition = MultiLineTextField(
        "how it is measured",
        max_length=2000,
        blank=True,
        help_text="Numerator, denominator, source.",
    )
    kind = models.CharField(max_length=9, choices=Kind.choices)
    unit = SingleLineCharField(
        max_length=40, blank=True, help_text="For example, %, minutes, doses."
    )
    improvement_direction = models.CharField(
        max_length=8, choices=Direction.choices, default=Direction.INCREASE
    )
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    chart_type = models.CharField(max_length=3, choices=ChartType.choices, default=ChartType.SPC)
    baseline_points = models.PositiveSmallIntegerField(
        "fix the limits after this many points",
        null=True,
        blank=True,
        validators=[MinValueValidator(12), MaxValueValidator(500)],
        help_text="Optional: a baseline of at least 12 points whose limits judge later points.",
    )
    rebase_dates = ArrayField(
        BoundedDateField(window=PLANNED),
        default=list,
        blank=True,
        help_text="Dates where a new phase starts (e.g. after a change was adopted).",
    )
    # SPC options, recorded with the chart (NHSRplotthedots' defaults).
    screen_outliers = models.BooleanField(
        "screen out very large moving ranges",
        default=True,
        help_text="Moving ranges of 3.267 times the average or more are left out of the limits.",
    )
    rule_length = models.PositiveSmallIntegerField(
        "points in a shift or trend",
        choices=[(7, "7 (Making Data Count)"), (6, "6")],
        default=7,
    )
    rules = ArrayField(
        models.CharField(max_length=14, choices=SPC_RULES),
        default=all_spc_rules,
        blank=True,
        verbose_name="special-cause rules",
        help_text="The rules read on the chart; all four by default.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["version"])

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("name"), name="measure_unique_name_ignoring_case"
            ),
            models.CheckConstraint(
                condition=Q(baseline_points__isnull=True) | Q(baseline_points__gte=12),
                name="measure_baseline_at_least_12",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_spc(self) -> bool:
        """Drawn as an SPC (XmR) chart with limits, rather than a run chart."""
        return self.chart_type == self.ChartType.SPC

    @property
    def is_percentage(self) -> bool:
        """Counted in %, so a pasted value may carry a % sign ("5.1%")."""
        return self.unit.strip().lower() in {"%", "percent", "per cent", "percentage"}

    def get_rules_display(self) -> list[str]:
        labels = dict(SPC_RULES)
        return [labels[rule] for rule in self.rules if rule in labels]


class DataPoint(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    date = BoundedDateField(window=UP_TO_TODAY)
    value = models.DecimalField(max_digits=14, decimal_places=4)
    annotation = SingleLineCharField(max_length=200, blank=True)
    entered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "date"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "date"], name="data_point_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} on {self.date}"


class PDSACycleQuerySet(models.QuerySet):
    def with_measures(self) -> PDSACycleQuerySet:
        """With who recorded each cycle and the measures it marks, for the cycle's page."""
        return self.select_related("created_by").prefetch_related("measures")


class PDSACycle(models.Model):
    """One Plan-Do-Study-Act cycle testing a change idea."""

    project_history_label = "PDSA cycle"

    class Act(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="pdsa_cycles"
    )
    number = models.PositiveSmallIntegerField(help_text="Cycles are shown in this order.")
    change_idea = SingleLineCharField(max_length=200)
    prediction = MultiLineTextField("plan: what we predict", max_length=4000, blank=True)
    plan = MultiLineTextField("plan: who, what, when, where", max_length=4000, blank=True)
    do = MultiLineTextField("do: what happened", max_length=4000, blank=True)
    study = MultiLineTextField("study: results against the prediction", max_length=4000, blank=True)
    act = models.CharField("act: decision", max_length=7, choices=Act.choices, blank=True)
    act_notes = MultiLineTextField("act: next steps", max_length=4000, blank=True)
    start_date = BoundedDateField(window=PLANNED)
    end_date = BoundedDateField(null=True, blank=True, window=PLANNED)
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="pdsa_cycles",
        help_text="The cycle's start is marked on these measures' charts.",
    )
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    version = edit_version_field()

    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[measures])

    objects = PDSACycleQuerySet.as_manager()

    class Meta:
        ordering = ["project", "number"]
        verbose_name = "PDSA cycle"
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="pdsa_number_once"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="pdsa_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"PDSA {self.number}: {self.change_idea}"


class DepartmentFiguresQuerySet(models.QuerySet):
    def totals_by_department(self) -> dict[int, dict[str, Decimal | int]]:
        """The trust-wide and department pages' figures of each department, from at most
        (stages x 2) rows per department: proposals awaiting review, projects in progress and
        completed, open tasks on projects in progress (all of submitted projects) and the
        validated savings of every project the department leads."""
        # Imported here: the stage sets belong to projects, read once per call.
        from projects.models import Project

        submitted = Q(submitted=True)
        active = submitted & Q(stage__in=Project.ACTIVE_STAGES)
        rows = (
            self.order_by()
            .values("department_id")
            .annotate(
                projects_proposed=Sum(
                    "projects", filter=submitted & Q(stage=Project.Stage.PROPOSED), default=0
                ),
                projects_active=Sum("projects", filter=active, default=0),
                projects_completed=Sum(
                    "projects", filter=submitted & Q(stage=Project.Stage.COMPLETED), default=0
                ),
                open_tasks=Sum("open_tasks", filter=active, default=0),
                validated_one_off=Sum("validated_one_off", default=Decimal(0)),
                validated_recurring=Sum("validated_recurring", default=Decimal(0)),
            )
        )
        return {row.pop("department_id"): row for row in rows}


class DepartmentFigures(models.Model):
    """A department's projects at one stage, submitted or not, with their open tasks and
    validated savings: the summary the department and trust-wide pages read instead of
    counting every project.

    Kept by database triggers (migration 0002), in the same transaction as every insert,
    update or delete of a project, task or saving, however it is written (a service, the
    admin, bulk seeding, raw SQL), each change adding its difference with an
    `INSERT ... ON CONFLICT DO UPDATE`, so two transactions never lose each other's update.
    `measurement.figures.rebuild_department_figures` recounts it from scratch (the command
    `rebuild_department_figures`); never edit its rows otherwise.
    """

    department = models.ForeignKey("people.Department", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=12, choices=Project.Stage.choices)
    submitted = models.BooleanField()
    projects = models.IntegerField(default=0)
    open_tasks = models.IntegerField(default=0, help_text="Tasks open on these projects.")
    validated_one_off = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    validated_recurring = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    objects = DepartmentFiguresQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "department figures"
        constraints = [
            # The conflict target of the triggers' upsert, and the pages' lookup.
            models.UniqueConstraint(
                fields=["department", "stage", "submitted"], name="department_figures_key"
            )
        ]

    def __str__(self) -> str:
        state = "submitted" if self.submitted else "not submitted"
        return f"{self.department_id}, {self.stage}, {state}: {self.projects} projects"


class PriorityFigures(models.Model):
    """How many submitted projects align with a strategic priority: the department page's
    count, kept like `DepartmentFigures` by database triggers (migration 0003) as projects are
    submitted or tagged, and recounted by `rebuild_department_figures`."""

    # No foreign key constraint: a trigger removes the row when the priority goes, after the
    # priority's tags (and with them this count) have gone.
    priority = models.OneToOneField(
        "projects.StrategicPriority",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="figures",
        primary_key=True,
    )
    projects = models.IntegerField(default=0, help_text="Submitted projects tagged with it.")

    class Meta:
        verbose_name_plural = "priority figures"

    def __str__(self) -> str:
        return f"{self.priority_id}: {self.projects} projects"


class PersonTakingPart(models.Model):
    """How many ways a person takes part in QI now: projects in progress they lead or co-lead,
    their current places on teams of projects in progress, tasks they have claimed. The
    trust-wide view counts a department's staff with at least one, instead of joining every
    project. Kept by database triggers (migration 0004) like `DepartmentFigures`."""

    # No foreign key constraint: a trigger removes the row when the person goes, after their
    # places on teams (and with them this count) have gone.
    person = models.OneToOneField(
        Person,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="taking_part",
        primary_key=True,
    )
    involvements = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "people taking part"
        indexes = [
            # The trust-wide view's count: only the people taking part now.
            models.Index(fields=["person"], condition=Q(involvements__gt=0), name="taking_part_now")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.involvements}"
