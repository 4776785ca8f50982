"""Projects 0001 to 0018 in one migration, for new databases: each model is created with its
final fields, instead of being created and then altered field by field (Django renders the related
models' state after each operation, and the models are closely related). A database that applied
the migrations it replaces goes on from them unchanged. Measure, DataPoint, PDSACycle,
ProjectImpact and Saving are still created here, as projects_* tables: measurement 0001 takes them
over, as it does from the replaced migrations.

Written by Django's autodetector from the replaced migrations' final state. Their data steps
(0003 reopening tasks claimed without a claimant, 0015 recording approvals, 0017 dating closure
reports) change existing rows only, and a new database has none: they are left out.
"""

import datetime
from decimal import Decimal

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import common.fields
import measurement.models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("projects", "0001_initial"),
        ("projects", "0002_project_visibility_index"),
        ("projects", "0003_historicalinterest_historicalmembership_and_more"),
        ("projects", "0004_historicalproject_derived_from_and_more"),
        ("projects", "0005_headline_impact"),
        ("projects", "0006_impact_and_measurement"),
        ("projects", "0007_measure_chart_options"),
        ("projects", "0008_measure_name_unique_ignoring_case"),
        ("projects", "0009_edit_versions"),
        ("projects", "0010_task_board_due_order_index"),
        ("projects", "0011_impact_report_indexes"),
        ("projects", "0012_project_partner_departments"),
        ("projects", "0013_edit_versions_of_measurement_and_updates"),
        ("projects", "0014_single_line_text_and_date_windows"),
        ("projects", "0015_project_approval"),
        ("projects", "0016_project_approved_before_working_stages"),
        ("projects", "0017_closure_report_send_back"),
        ("projects", "0018_register_hours_filter_indexes"),
    ]

    dependencies = [
        ("people", "0013_single_sign_on_identity_single_line"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Measure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    common.fields.SingleLineCharField(
                        help_text="For example, omitted critical doses.", max_length=150
                    ),
                ),
                (
                    "definition",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="Numerator, denominator, source.",
                        max_length=2000,
                        verbose_name="how it is measured",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("outcome", "Outcome"),
                            ("process", "Process"),
                            ("balancing", "Balancing"),
                        ],
                        max_length=9,
                    ),
                ),
                (
                    "unit",
                    common.fields.SingleLineCharField(
                        blank=True, help_text="For example, %, minutes, doses.", max_length=40
                    ),
                ),
                (
                    "improvement_direction",
                    models.CharField(
                        choices=[
                            ("increase", "Higher is better"),
                            ("decrease", "Lower is better"),
                            ("neutral", "Neither"),
                        ],
                        default="increase",
                        max_length=8,
                    ),
                ),
                (
                    "target",
                    models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True),
                ),
                (
                    "chart_type",
                    models.CharField(
                        choices=[("spc", "SPC chart (XmR)"), ("run", "Run chart")],
                        default="spc",
                        max_length=3,
                    ),
                ),
                (
                    "baseline_points",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Optional: a baseline of at least 12 points whose limits judge later points.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(12),
                            django.core.validators.MaxValueValidator(500),
                        ],
                        verbose_name="fix the limits after this many points",
                    ),
                ),
                (
                    "rebase_dates",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=common.fields.BoundedDateField(
                            window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653)
                        ),
                        blank=True,
                        default=list,
                        help_text="Dates where a new phase starts (e.g. after a change was adopted).",
                        size=None,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "rule_length",
                    models.PositiveSmallIntegerField(
                        choices=[(7, "7 (Making Data Count)"), (6, "6")],
                        default=7,
                        verbose_name="points in a shift or trend",
                    ),
                ),
                (
                    "rules",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("outside_limits", "A point outside the limits"),
                                ("trend", "A trend rising or falling"),
                                ("two_in_three", "Two of three points near a limit"),
                                ("shift", "A shift on one side of the mean"),
                            ],
                            max_length=14,
                        ),
                        blank=True,
                        default=measurement.models.all_spc_rules,
                        help_text="The rules read on the chart; all four by default.",
                        size=None,
                        verbose_name="special-cause rules",
                    ),
                ),
                (
                    "screen_outliers",
                    models.BooleanField(
                        default=True,
                        help_text="Moving ranges of 3.267 times the average or more are left out of the limits.",
                        verbose_name="screen out very large moving ranges",
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
            ],
            options={
                "ordering": ["project", "order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ReferenceCounter",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("last_number", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="HistoricalPDSACycle",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.PositiveSmallIntegerField(help_text="Cycles are shown in this order."),
                ),
                ("change_idea", common.fields.SingleLineCharField(max_length=200)),
                (
                    "prediction",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="plan: what we predict"
                    ),
                ),
                (
                    "plan",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="plan: who, what, when, where"
                    ),
                ),
                (
                    "do",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="do: what happened"
                    ),
                ),
                (
                    "study",
                    common.fields.MultiLineTextField(
                        blank=True,
                        max_length=4000,
                        verbose_name="study: results against the prediction",
                    ),
                ),
                (
                    "act",
                    models.CharField(
                        blank=True,
                        choices=[("adopt", "Adopt"), ("adapt", "Adapt"), ("abandon", "Abandon")],
                        max_length=7,
                        verbose_name="act: decision",
                    ),
                ),
                (
                    "act_notes",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="act: next steps"
                    ),
                ),
                (
                    "start_date",
                    common.fields.BoundedDateField(
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653)
                    ),
                ),
                (
                    "end_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical PDSA cycle",
                "verbose_name_plural": "historical PDSA cycles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalProject",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "commitment_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="For example, 2 (hours).",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "commitment_period",
                    models.CharField(
                        choices=[("week", "per week"), ("month", "per month")],
                        default="week",
                        max_length=5,
                        verbose_name="per",
                    ),
                ),
                (
                    "commitment_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(520),
                        ],
                        verbose_name="for how many weeks",
                    ),
                ),
                (
                    "reference",
                    common.fields.SingleLineCharField(
                        blank=True,
                        db_index=True,
                        editable=False,
                        help_text="Assigned when the project is first submitted, e.g. QI-2026-014. Never reused.",
                        max_length=20,
                        null=True,
                    ),
                ),
                ("title", common.fields.SingleLineCharField(max_length=200)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("qi", "QI project"),
                            ("audit", "Clinical audit"),
                            ("evaluation", "Service evaluation"),
                        ],
                        default="qi",
                        max_length=12,
                    ),
                ),
                (
                    "aim",
                    common.fields.MultiLineTextField(
                        help_text="A SMART aim: what will improve, by how much, for whom, by when.",
                        max_length=2000,
                        verbose_name="aim statement",
                    ),
                ),
                (
                    "problem",
                    common.fields.MultiLineTextField(
                        help_text="What is wrong now and how you know: data, incidents, feedback.",
                        max_length=5000,
                        verbose_name="problem and background",
                    ),
                ),
                (
                    "start_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "target_end_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("idea", "Idea"),
                            ("proposed", "Proposed (awaiting review)"),
                            ("planning", "Planning"),
                            ("testing", "Testing changes (PDSA)"),
                            ("implementing", "Implementing"),
                            ("sustaining", "Sustaining"),
                            ("completed", "Completed"),
                            ("on_hold", "On hold"),
                            ("closed", "Closed without completion"),
                        ],
                        default="idea",
                        max_length=12,
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When the lead first submitted it.",
                        null=True,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "review_requested_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When the proposal was last sent for review; empty once decided.",
                        null=True,
                    ),
                ),
                (
                    "stage_changed_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "headline_impact",
                    common.fields.SingleLineCharField(
                        blank=True,
                        help_text="One sentence for the QI board, e.g. 'Discharge waits down from 3 hours to 90 minutes'.",
                        max_length=300,
                    ),
                ),
                (
                    "approved_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When a champion approved the proposal. Empty for drafts, proposals waiting for review and declined proposals. Contributions count as evidence only once set.",
                        null=True,
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        help_text="The champion (or admin) who approved it.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The leading department: its champions review the project and its impact counts in this department's figures.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.department",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "lead",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The champion who mentors the lead and signs off the closure report.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical project",
                "verbose_name_plural": "historical projects",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalStrategicPriority",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(max_length=150)),
                ("description", common.fields.MultiLineTextField(blank=True)),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to stop offering this priority for new projects.",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.department",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical strategic priority",
                "verbose_name_plural": "historical strategic priorities",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDataPoint",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "date",
                    common.fields.BoundedDateField(
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0)
                    ),
                ),
                ("value", models.DecimalField(decimal_places=4, max_digits=14)),
                ("annotation", common.fields.SingleLineCharField(blank=True, max_length=200)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "measure",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.measure",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical data point",
                "verbose_name_plural": "historical data points",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PDSACycle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.PositiveSmallIntegerField(help_text="Cycles are shown in this order."),
                ),
                ("change_idea", common.fields.SingleLineCharField(max_length=200)),
                (
                    "prediction",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="plan: what we predict"
                    ),
                ),
                (
                    "plan",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="plan: who, what, when, where"
                    ),
                ),
                (
                    "do",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="do: what happened"
                    ),
                ),
                (
                    "study",
                    common.fields.MultiLineTextField(
                        blank=True,
                        max_length=4000,
                        verbose_name="study: results against the prediction",
                    ),
                ),
                (
                    "act",
                    models.CharField(
                        blank=True,
                        choices=[("adopt", "Adopt"), ("adapt", "Adapt"), ("abandon", "Abandon")],
                        max_length=7,
                        verbose_name="act: decision",
                    ),
                ),
                (
                    "act_notes",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="act: next steps"
                    ),
                ),
                (
                    "start_date",
                    common.fields.BoundedDateField(
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653)
                    ),
                ),
                (
                    "end_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "measures",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The cycle's start is marked on these measures' charts.",
                        related_name="pdsa_cycles",
                        to="projects.measure",
                    ),
                ),
            ],
            options={
                "verbose_name": "PDSA cycle",
                "ordering": ["project", "number"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalPDSACycle_measures",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="projects.historicalpdsacycle",
                    ),
                ),
                (
                    "measure",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.measure",
                    ),
                ),
                (
                    "pdsacycle",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.pdsacycle",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalPDSACycle_measures",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Project",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "commitment_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="For example, 2 (hours).",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "commitment_period",
                    models.CharField(
                        choices=[("week", "per week"), ("month", "per month")],
                        default="week",
                        max_length=5,
                        verbose_name="per",
                    ),
                ),
                (
                    "commitment_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(520),
                        ],
                        verbose_name="for how many weeks",
                    ),
                ),
                (
                    "reference",
                    common.fields.SingleLineCharField(
                        blank=True,
                        editable=False,
                        help_text="Assigned when the project is first submitted, e.g. QI-2026-014. Never reused.",
                        max_length=20,
                        null=True,
                        unique=True,
                    ),
                ),
                ("title", common.fields.SingleLineCharField(max_length=200)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("qi", "QI project"),
                            ("audit", "Clinical audit"),
                            ("evaluation", "Service evaluation"),
                        ],
                        default="qi",
                        max_length=12,
                    ),
                ),
                (
                    "aim",
                    common.fields.MultiLineTextField(
                        help_text="A SMART aim: what will improve, by how much, for whom, by when.",
                        max_length=2000,
                        verbose_name="aim statement",
                    ),
                ),
                (
                    "problem",
                    common.fields.MultiLineTextField(
                        help_text="What is wrong now and how you know: data, incidents, feedback.",
                        max_length=5000,
                        verbose_name="problem and background",
                    ),
                ),
                (
                    "start_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "target_end_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("idea", "Idea"),
                            ("proposed", "Proposed (awaiting review)"),
                            ("planning", "Planning"),
                            ("testing", "Testing changes (PDSA)"),
                            ("implementing", "Implementing"),
                            ("sustaining", "Sustaining"),
                            ("completed", "Completed"),
                            ("on_hold", "On hold"),
                            ("closed", "Closed without completion"),
                        ],
                        default="idea",
                        max_length=12,
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When the lead first submitted it.",
                        null=True,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                (
                    "review_requested_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When the proposal was last sent for review; empty once decided.",
                        null=True,
                    ),
                ),
                (
                    "stage_changed_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "headline_impact",
                    common.fields.SingleLineCharField(
                        blank=True,
                        help_text="One sentence for the QI board, e.g. 'Discharge waits down from 3 hours to 90 minutes'.",
                        max_length=300,
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
                (
                    "approved_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When a champion approved the proposal. Empty for drafts, proposals waiting for review and declined proposals. Contributions count as evidence only once set.",
                        null=True,
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        help_text="The champion (or admin) who approved it.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "clinical_areas",
                    models.ManyToManyField(related_name="projects", to="people.clinicalarea"),
                ),
                (
                    "co_leads",
                    models.ManyToManyField(
                        blank=True, related_name="co_led_projects", to="people.person"
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        help_text="The leading department: its champions review the project and its impact counts in this department's figures.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="projects",
                        to="people.department",
                    ),
                ),
                (
                    "derived_from",
                    models.ForeignKey(
                        blank=True,
                        help_text="The clinical audit this QI project grew out of.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="follow_on_projects",
                        to="projects.project",
                    ),
                ),
                (
                    "lead",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_projects",
                        to="people.person",
                    ),
                ),
                (
                    "mentor",
                    models.ForeignKey(
                        blank=True,
                        help_text="The champion who mentors the lead and signs off the closure report.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="mentored_projects",
                        to="people.person",
                    ),
                ),
                (
                    "partner_departments",
                    models.ManyToManyField(
                        blank=True,
                        help_text="For a project that crosses departments: their staff can join it and take its tasks, and it shows in their register and on their board.",
                        related_name="partner_projects",
                        to="people.department",
                        verbose_name="other departments involved",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddField(
            model_name="pdsacycle",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pdsa_cycles",
                to="projects.project",
            ),
        ),
        migrations.CreateModel(
            name="MentoringNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "date",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0),
                    ),
                ),
                ("note", common.fields.MultiLineTextField(max_length=4000)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentoring_notes",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "ordering": ["-date", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="measure",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="projects.project",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalTask",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", common.fields.SingleLineCharField(max_length=200)),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=4000)),
                (
                    "estimated_hours",
                    models.DecimalField(
                        decimal_places=1,
                        help_text="Your best estimate of the hours it takes, e.g. 2.",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                    ),
                ),
                (
                    "due_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("claimed", "Claimed"), ("done", "Done")],
                        default="open",
                        max_length=8,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "actual_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="Hours it really took.",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.1")),
                            django.core.validators.MaxValueValidator(Decimal("500")),
                        ],
                    ),
                ),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "last_activity_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the buddy last claimed or recorded progress.",
                        null=True,
                    ),
                ),
                (
                    "claimed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The buddy doing the task.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical task",
                "verbose_name_plural": "historical tasks",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSaving",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "description",
                    common.fields.SingleLineCharField(
                        help_text="For example, switch to biosimilar adalimumab.", max_length=200
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="amount claimed (£)",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("one_off", "One-off"), ("recurring", "Recurring, per year")],
                        default="recurring",
                        max_length=9,
                    ),
                ),
                ("claimed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "validated_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="amount validated (£)",
                    ),
                ),
                ("validated_at", models.DateTimeField(blank=True, null=True)),
                ("validation_note", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "claimed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "validated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical saving",
                "verbose_name_plural": "historical savings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRoleOpening",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "commitment_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="For example, 2 (hours).",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "commitment_period",
                    models.CharField(
                        choices=[("week", "per week"), ("month", "per month")],
                        default="week",
                        max_length=5,
                        verbose_name="per",
                    ),
                ),
                (
                    "commitment_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(520),
                        ],
                        verbose_name="for how many weeks",
                    ),
                ),
                (
                    "title",
                    common.fields.SingleLineCharField(
                        help_text="For example, data collector.", max_length=120
                    ),
                ),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                (
                    "places",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(50),
                        ],
                    ),
                ),
                (
                    "is_open",
                    models.BooleanField(
                        default=True, help_text="Untick when no longer recruiting."
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical role opening",
                "verbose_name_plural": "historical role openings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalReviewDecision",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("approved", "Approve"),
                            ("changes", "Request changes"),
                            ("declined", "Decline"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("duplicate", "Duplicates an existing project"),
                            ("out_of_scope", "Out of scope for the department"),
                            ("research", "Research rather than QI"),
                            ("not_feasible", "Not feasible now"),
                            ("other", "Other"),
                        ],
                        max_length=15,
                        verbose_name="reason for declining",
                    ),
                ),
                ("comment", common.fields.MultiLineTextField(blank=True, max_length=4000)),
                (
                    "submitted_at",
                    models.DateTimeField(help_text="When the proposal was sent for this review."),
                ),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "champion",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical review decision",
                "verbose_name_plural": "historical review decisions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalProjectImpact",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "staff_hours_saved_per_month",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=7,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="staff time saved (hours a month)",
                    ),
                ),
                (
                    "patients_affected",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="number of patients affected"
                    ),
                ),
                (
                    "patient_benefits",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("safety", "Safety"),
                                ("effectiveness", "Effectiveness"),
                                ("experience", "Patient experience"),
                                ("access", "Access"),
                            ],
                            max_length=13,
                        ),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="kinds of patient benefit",
                    ),
                ),
                (
                    "patient_benefit_narrative",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="What changed for patients.",
                        max_length=4000,
                        verbose_name="patient benefit",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical project impact",
                "verbose_name_plural": "historical project impacts",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalProject_partner_departments",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.department",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="projects.historicalproject",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalProject_partner_departments",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalProject_co_leads",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="projects.historicalproject",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalProject_co_leads",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalProject_clinical_areas",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "clinicalarea",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.clinicalarea",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="projects.historicalproject",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalProject_clinical_areas",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="historicalproject",
            name="derived_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The clinical audit this QI project grew out of.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalProgressUpdate",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "date",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0),
                    ),
                ),
                (
                    "done",
                    common.fields.MultiLineTextField(max_length=4000, verbose_name="what was done"),
                ),
                (
                    "next_steps",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="what is next"
                    ),
                ),
                (
                    "blockers",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="Anything in the way, and what help you need.",
                        max_length=4000,
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical progress update",
                "verbose_name_plural": "historical progress updates",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="historicalpdsacycle",
            name="project",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalMentoringNote",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "date",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0),
                    ),
                ),
                ("note", common.fields.MultiLineTextField(max_length=4000)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical mentoring note",
                "verbose_name_plural": "historical mentoring notes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeasure",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    common.fields.SingleLineCharField(
                        help_text="For example, omitted critical doses.", max_length=150
                    ),
                ),
                (
                    "definition",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="Numerator, denominator, source.",
                        max_length=2000,
                        verbose_name="how it is measured",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("outcome", "Outcome"),
                            ("process", "Process"),
                            ("balancing", "Balancing"),
                        ],
                        max_length=9,
                    ),
                ),
                (
                    "unit",
                    common.fields.SingleLineCharField(
                        blank=True, help_text="For example, %, minutes, doses.", max_length=40
                    ),
                ),
                (
                    "improvement_direction",
                    models.CharField(
                        choices=[
                            ("increase", "Higher is better"),
                            ("decrease", "Lower is better"),
                            ("neutral", "Neither"),
                        ],
                        default="increase",
                        max_length=8,
                    ),
                ),
                (
                    "target",
                    models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True),
                ),
                (
                    "chart_type",
                    models.CharField(
                        choices=[("spc", "SPC chart (XmR)"), ("run", "Run chart")],
                        default="spc",
                        max_length=3,
                    ),
                ),
                (
                    "baseline_points",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Optional: a baseline of at least 12 points whose limits judge later points.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(12),
                            django.core.validators.MaxValueValidator(500),
                        ],
                        verbose_name="fix the limits after this many points",
                    ),
                ),
                (
                    "rebase_dates",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=common.fields.BoundedDateField(
                            window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653)
                        ),
                        blank=True,
                        default=list,
                        help_text="Dates where a new phase starts (e.g. after a change was adopted).",
                        size=None,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "rule_length",
                    models.PositiveSmallIntegerField(
                        choices=[(7, "7 (Making Data Count)"), (6, "6")],
                        default=7,
                        verbose_name="points in a shift or trend",
                    ),
                ),
                (
                    "rules",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("outside_limits", "A point outside the limits"),
                                ("trend", "A trend rising or falling"),
                                ("two_in_three", "Two of three points near a limit"),
                                ("shift", "A shift on one side of the mean"),
                            ],
                            max_length=14,
                        ),
                        blank=True,
                        default=measurement.models.all_spc_rules,
                        help_text="The rules read on the chart; all four by default.",
                        size=None,
                        verbose_name="special-cause rules",
                    ),
                ),
                (
                    "screen_outliers",
                    models.BooleanField(
                        default=True,
                        help_text="Moving ranges of 3.267 times the average or more are left out of the limits.",
                        verbose_name="screen out very large moving ranges",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical measure",
                "verbose_name_plural": "historical measures",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalClosureReport",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "outcomes",
                    common.fields.MultiLineTextField(
                        max_length=5000, verbose_name="outcomes against the aim"
                    ),
                ),
                ("impact", common.fields.MultiLineTextField(max_length=5000)),
                (
                    "lessons",
                    common.fields.MultiLineTextField(
                        max_length=5000, verbose_name="lessons learned"
                    ),
                ),
                (
                    "sustainability",
                    common.fields.MultiLineTextField(
                        max_length=5000, verbose_name="how the change is sustained"
                    ),
                ),
                ("written_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("signed_off_at", models.DateTimeField(blank=True, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "sent_back_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the report was last sent back to the lead.",
                        null=True,
                    ),
                ),
                (
                    "sent_back_comment",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="The mentor's comments when the report was last sent back.",
                        max_length=4000,
                        verbose_name="what to change",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True,
                        default=django.utils.timezone.now,
                        help_text="When the lead last sent the report for sign-off; empty while it is sent back.",
                        null=True,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "sent_back_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "signed_off_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical closure report",
                "verbose_name_plural": "historical closure reports",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ClosureReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcomes",
                    common.fields.MultiLineTextField(
                        max_length=5000, verbose_name="outcomes against the aim"
                    ),
                ),
                ("impact", common.fields.MultiLineTextField(max_length=5000)),
                (
                    "lessons",
                    common.fields.MultiLineTextField(
                        max_length=5000, verbose_name="lessons learned"
                    ),
                ),
                (
                    "sustainability",
                    common.fields.MultiLineTextField(
                        max_length=5000, verbose_name="how the change is sustained"
                    ),
                ),
                ("written_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("signed_off_at", models.DateTimeField(blank=True, null=True)),
                (
                    "sent_back_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the report was last sent back to the lead.",
                        null=True,
                    ),
                ),
                (
                    "sent_back_comment",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="The mentor's comments when the report was last sent back.",
                        max_length=4000,
                        verbose_name="what to change",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True,
                        default=django.utils.timezone.now,
                        help_text="When the lead last sent the report for sign-off; empty while it is sent back.",
                        null=True,
                    ),
                ),
                (
                    "sent_back_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "signed_off_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="closure_report",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("submitted_at__isnull", False),
                            ("sent_back_at__isnull", False),
                            _connector="OR",
                        ),
                        name="closure_report_waiting_unless_sent_back",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("signed_off_at__isnull", True),
                            ("submitted_at__isnull", False),
                            _connector="OR",
                        ),
                        name="closure_report_signed_off_when_waiting",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("sent_back_at__isnull", True),
                            models.Q(
                                ("sent_back_by__isnull", False),
                                models.Q(("sent_back_comment", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="closure_report_sent_back_with_who_and_comment",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ProjectImpact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "staff_hours_saved_per_month",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=7,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="staff time saved (hours a month)",
                    ),
                ),
                (
                    "patients_affected",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="number of patients affected"
                    ),
                ),
                (
                    "patient_benefits",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("safety", "Safety"),
                                ("effectiveness", "Effectiveness"),
                                ("experience", "Patient experience"),
                                ("access", "Access"),
                            ],
                            max_length=13,
                        ),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="kinds of patient benefit",
                    ),
                ),
                (
                    "patient_benefit_narrative",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="What changed for patients.",
                        max_length=4000,
                        verbose_name="patient benefit",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="impact",
                        to="projects.project",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ReminderLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", common.fields.SingleLineCharField(max_length=30)),
                ("object_id", models.PositiveBigIntegerField()),
                ("recipient", models.EmailField(max_length=254)),
                ("sent_on", models.DateField(default=django.utils.timezone.localdate)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id", "recipient", "sent_on"),
                        name="reminder_once_a_day",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReviewDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("approved", "Approve"),
                            ("changes", "Request changes"),
                            ("declined", "Decline"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("duplicate", "Duplicates an existing project"),
                            ("out_of_scope", "Out of scope for the department"),
                            ("research", "Research rather than QI"),
                            ("not_feasible", "Not feasible now"),
                            ("other", "Other"),
                        ],
                        max_length=15,
                        verbose_name="reason for declining",
                    ),
                ),
                ("comment", common.fields.MultiLineTextField(blank=True, max_length=4000)),
                (
                    "submitted_at",
                    models.DateTimeField(help_text="When the proposal was sent for this review."),
                ),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "champion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decisions",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "ordering": ["-decided_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decision", "declined"), _negated=True),
                            models.Q(("reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="decision_decline_has_reason",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decision", "approved"),
                            models.Q(("comment", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="decision_comment_unless_approved",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RoleOpening",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "commitment_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="For example, 2 (hours).",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "commitment_period",
                    models.CharField(
                        choices=[("week", "per week"), ("month", "per month")],
                        default="week",
                        max_length=5,
                        verbose_name="per",
                    ),
                ),
                (
                    "commitment_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(520),
                        ],
                        verbose_name="for how many weeks",
                    ),
                ),
                (
                    "title",
                    common.fields.SingleLineCharField(
                        help_text="For example, data collector.", max_length=120
                    ),
                ),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                (
                    "places",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(50),
                        ],
                    ),
                ),
                (
                    "is_open",
                    models.BooleanField(
                        default=True, help_text="Untick when no longer recruiting."
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_openings",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "ordering": ["title", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("is_open", True)),
                        fields=["commitment_period", "commitment_hours"],
                        include=("project",),
                        name="role_opening_open_hours",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("places__gte", 1)), name="role_opening_places_positive"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "commitment_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="For example, 2 (hours).",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "commitment_period",
                    models.CharField(
                        choices=[("week", "per week"), ("month", "per month")],
                        default="week",
                        max_length=5,
                        verbose_name="per",
                    ),
                ),
                (
                    "commitment_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(520),
                        ],
                        verbose_name="for how many weeks",
                    ),
                ),
                (
                    "role_title",
                    common.fields.SingleLineCharField(max_length=120, verbose_name="role"),
                ),
                (
                    "joined_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "left_on",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="projects.project",
                    ),
                ),
                (
                    "role_opening",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="memberships",
                        to="projects.roleopening",
                    ),
                ),
            ],
            options={
                "ordering": ["joined_on", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("left_on__isnull", True)),
                        fields=("project", "person"),
                        name="membership_once_per_project",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Interest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("message", common.fields.MultiLineTextField(blank=True, max_length=1000)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for the lead"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=9,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="project_interests",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="interests",
                        to="projects.project",
                    ),
                ),
                (
                    "role_opening",
                    models.ForeignKey(
                        blank=True,
                        help_text="The role applied for; empty for a general expression of interest.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="applications",
                        to="projects.roleopening",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("project", "person"),
                        name="interest_one_pending_per_person",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalMembership",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "commitment_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="For example, 2 (hours).",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "commitment_period",
                    models.CharField(
                        choices=[("week", "per week"), ("month", "per month")],
                        default="week",
                        max_length=5,
                        verbose_name="per",
                    ),
                ),
                (
                    "commitment_weeks",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(520),
                        ],
                        verbose_name="for how many weeks",
                    ),
                ),
                (
                    "role_title",
                    common.fields.SingleLineCharField(max_length=120, verbose_name="role"),
                ),
                (
                    "joined_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "left_on",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
                (
                    "role_opening",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.roleopening",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical membership",
                "verbose_name_plural": "historical memberships",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalInterest",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("message", common.fields.MultiLineTextField(blank=True, max_length=1000)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for the lead"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=9,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
                (
                    "role_opening",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The role applied for; empty for a general expression of interest.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.roleopening",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical interest",
                "verbose_name_plural": "historical interests",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Saving",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "description",
                    common.fields.SingleLineCharField(
                        help_text="For example, switch to biosimilar adalimumab.", max_length=200
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="amount claimed (£)",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("one_off", "One-off"), ("recurring", "Recurring, per year")],
                        default="recurring",
                        max_length=9,
                    ),
                ),
                ("claimed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "validated_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="amount validated (£)",
                    ),
                ),
                ("validated_at", models.DateTimeField(blank=True, null=True)),
                ("validation_note", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
                (
                    "claimed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="savings",
                        to="projects.project",
                    ),
                ),
                (
                    "validated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["claimed_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("validated_amount__isnull", True), ("validated_by__isnull", True)
                            ),
                            models.Q(
                                ("validated_amount__isnull", False), ("validated_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="saving_validated_with_who",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)), name="saving_amount_positive"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="StrategicPriority",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(max_length=150)),
                ("description", common.fields.MultiLineTextField(blank=True)),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to stop offering this priority for new projects.",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="strategic_priorities",
                        to="people.department",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "strategic priorities",
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("department", "name"),
                        name="strategic_priority_unique_per_department",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="project",
            name="strategic_priorities",
            field=models.ManyToManyField(
                blank=True, related_name="projects", to="projects.strategicpriority"
            ),
        ),
        migrations.CreateModel(
            name="HistoricalProject_strategic_priorities",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="projects.historicalproject",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.project",
                    ),
                ),
                (
                    "strategicpriority",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.strategicpriority",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalProject_strategic_priorities",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Task",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", common.fields.SingleLineCharField(max_length=200)),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=4000)),
                (
                    "estimated_hours",
                    models.DecimalField(
                        decimal_places=1,
                        help_text="Your best estimate of the hours it takes, e.g. 2.",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.5")),
                            django.core.validators.MaxValueValidator(Decimal("200")),
                        ],
                    ),
                ),
                (
                    "due_date",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("claimed", "Claimed"), ("done", "Done")],
                        default="open",
                        max_length=8,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "actual_hours",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="Hours it really took.",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.1")),
                            django.core.validators.MaxValueValidator(Decimal("500")),
                        ],
                    ),
                ),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "last_activity_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the buddy last claimed or recorded progress.",
                        null=True,
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
                (
                    "claimed_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="The buddy doing the task.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="claimed_tasks",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tasks",
                        to="projects.project",
                    ),
                ),
                (
                    "skills_needed",
                    models.ManyToManyField(blank=True, related_name="tasks", to="people.skill"),
                ),
            ],
            options={
                "ordering": [models.OrderBy(models.F("due_date"), nulls_last=True), "pk"],
                "indexes": [
                    models.Index(fields=["project", "status"], name="task_project_status"),
                    models.Index(
                        models.OrderBy(models.F("due_date"), nulls_last=True),
                        models.F("id"),
                        condition=models.Q(("status", "open")),
                        name="task_open_due_order",
                    ),
                    models.Index(
                        condition=models.Q(("status", "done")),
                        fields=["completed_at"],
                        include=("project", "claimed_by", "actual_hours"),
                        name="task_done_completed",
                    ),
                    models.Index(
                        condition=models.Q(("status", "open")),
                        fields=["estimated_hours"],
                        include=("project",),
                        name="task_open_hours",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("estimated_hours__gt", 0)),
                        name="task_estimated_hours_positive",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "claimed"), _negated=True),
                            ("claimed_by__isnull", False),
                            _connector="OR",
                        ),
                        name="task_claimed_has_claimant",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "open"), _negated=True),
                            ("claimed_by__isnull", True),
                            _connector="OR",
                        ),
                        name="task_open_has_no_claimant",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("actual_hours__isnull", True), ("actual_hours__gt", 0), _connector="OR"
                        ),
                        name="task_actual_hours_positive",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalTaskNote",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("note", common.fields.MultiLineTextField(max_length=2000)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.task",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical task note",
                "verbose_name_plural": "historical task notes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTask_skills_needed",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="projects.historicaltask",
                    ),
                ),
                (
                    "skill",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.skill",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.task",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalTask_skills_needed",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="TaskNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", common.fields.MultiLineTextField(max_length=2000)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="task_notes",
                        to="people.person",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="projects.task",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="DataPoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "date",
                    common.fields.BoundedDateField(
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0)
                    ),
                ),
                ("value", models.DecimalField(decimal_places=4, max_digits=14)),
                ("annotation", common.fields.SingleLineCharField(blank=True, max_length=200)),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "measure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="points",
                        to="projects.measure",
                    ),
                ),
            ],
            options={
                "ordering": ["measure", "date"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("measure", "date"), name="data_point_once_per_date"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ProgressUpdate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "date",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0),
                    ),
                ),
                (
                    "done",
                    common.fields.MultiLineTextField(max_length=4000, verbose_name="what was done"),
                ),
                (
                    "next_steps",
                    common.fields.MultiLineTextField(
                        blank=True, max_length=4000, verbose_name="what is next"
                    ),
                ),
                (
                    "blockers",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="Anything in the way, and what help you need.",
                        max_length=4000,
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Goes up by one with each save of the edit form. A form opened at an older version is refused, so nobody silently overwrites a change saved meanwhile.",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="progress_updates",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="progress_updates",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "ordering": ["-date", "-pk"],
                "indexes": [
                    models.Index(fields=["project", "-date", "-id"], name="update_project_latest")
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="pdsacycle",
            constraint=models.UniqueConstraint(
                fields=("project", "number"), name="pdsa_number_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="pdsacycle",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    ("end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="pdsa_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("baseline_points__isnull", True), ("baseline_points__gte", 12), _connector="OR"
                ),
                name="measure_baseline_at_least_12",
            ),
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.UniqueConstraint(
                models.F("project"),
                django.db.models.functions.text.Lower("name"),
                name="measure_unique_name_ignoring_case",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="project_search_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["stage", "-created_at"], name="project_stage_created"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["-created_at"], name="project_created"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["submitted_at", "lead", "stage"],
                include=("id", "commitment_hours", "commitment_period"),
                name="project_visibility",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["department", "submitted_at"],
                include=("id", "stage", "stage_changed_at", "lead"),
                name="project_impact_counted",
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("target_end_date__isnull", True),
                    ("start_date__isnull", True),
                    ("target_end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="project_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reference__isnull", True), ("submitted_at__isnull", False), _connector="OR"
                ),
                name="project_reference_only_when_submitted",
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        (
                            "stage__in",
                            [
                                "planning",
                                "testing",
                                "implementing",
                                "sustaining",
                                "on_hold",
                                "completed",
                            ],
                        ),
                        _negated=True,
                    ),
                    ("approved_at__isnull", False),
                    _connector="OR",
                ),
                name="project_approved_before_working_stages",
            ),
        ),
    ]
