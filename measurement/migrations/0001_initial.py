"""The measurement app takes over Measure, DataPoint, PDSACycle, ProjectImpact and Saving from
projects, with their history, and keeps every row.

Nothing is copied: the models' state moves (projects 0019 removes it there), their tables are
renamed from projects_* to measurement_* (with their id sequences), and their content types are
relabelled, so permissions, admin log entries and anything else pointing at a content type follow
the model. Migrating backwards undoes each step.
"""

import datetime
from decimal import Decimal

import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import common.fields
import measurement.models

# The tables the projects app created, by model (simple-history's and the many-to-many tables too).
TABLES = [
    "measure",
    "historicalmeasure",
    "datapoint",
    "historicaldatapoint",
    "pdsacycle",
    "historicalpdsacycle",
    "pdsacycle_measures",
    "historicalpdsacycle_measures",
    "projectimpact",
    "historicalprojectimpact",
    "saving",
    "historicalsaving",
]
# The models among them that have a content type (not the auto-created many-to-many table).
MODELS = [table for table in TABLES if table != "pdsacycle_measures"]


def _rename_tables(schema_editor, source: str, target: str) -> None:
    """Rename each table and the sequences it owns (its ids) from `source`_ to `target`_."""
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            old, new = f"{source}_{table}", f"{target}_{table}"
            schema_editor.execute(f"ALTER TABLE {quote(old)} RENAME TO {quote(new)}")
            cursor.execute(
                """
                SELECT sequence.relname FROM pg_class sequence
                JOIN pg_depend owned ON owned.objid = sequence.oid AND owned.deptype IN ('a', 'i')
                JOIN pg_class owner ON owner.oid = owned.refobjid
                WHERE sequence.relkind = 'S' AND owner.relname = %s
                """,
                [new],
            )
            for (sequence,) in cursor.fetchall():
                if sequence.startswith(f"{old}_"):
                    renamed = new + sequence[len(old) :]
                    schema_editor.execute(
                        f"ALTER SEQUENCE {quote(sequence)} RENAME TO {quote(renamed)}"
                    )


def _relabel_content_types(apps, schema_editor, source: str, target: str) -> None:
    """Move each model's content type to the `target` app label, keeping its row (and id).

    If post_migrate already made a row for the target label (a database migrated in several
    runs), that newer row is deleted first, with the permissions made for it: the old row is
    the one that users, groups, admin log entries and history point at.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        old = types.filter(app_label=source, model=model).first()
        if old is None:
            continue
        types.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _rename_tables(schema_editor, "projects", "measurement")
    _relabel_content_types(apps, schema_editor, "projects", "measurement")


def backwards(apps, schema_editor):
    _rename_tables(schema_editor, "measurement", "projects")
    _relabel_content_types(apps, schema_editor, "measurement", "projects")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("people", "0014_quality_improvement_lead_job_role"),
        ("projects", "0018_register_hours_filter_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
                                blank=True,
                                help_text="For example, %, minutes, doses.",
                                max_length=40,
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
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
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
                        (
                            "screen_outliers",
                            models.BooleanField(
                                default=True,
                                help_text="Moving ranges of 3.267 times the average or more are left out of the limits.",
                                verbose_name="screen out very large moving ranges",
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
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                            models.PositiveSmallIntegerField(
                                help_text="Cycles are shown in this order."
                            ),
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
                                blank=True,
                                max_length=4000,
                                verbose_name="plan: who, what, when, where",
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
                                choices=[
                                    ("adopt", "Adopt"),
                                    ("adapt", "Adapt"),
                                    ("abandon", "Abandon"),
                                ],
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
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                        "verbose_name": "historical PDSA cycle",
                        "verbose_name_plural": "historical PDSA cycles",
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
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                                help_text="For example, switch to biosimilar adalimumab.",
                                max_length=200,
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=12,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0.01"))
                                ],
                                verbose_name="amount claimed (£)",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("one_off", "One-off"),
                                    ("recurring", "Recurring, per year"),
                                ],
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
                        (
                            "validation_note",
                            common.fields.MultiLineTextField(blank=True, max_length=2000),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                    name="Measure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                                blank=True,
                                help_text="For example, %, minutes, doses.",
                                max_length=40,
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
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
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
                        (
                            "screen_outliers",
                            models.BooleanField(
                                default=True,
                                help_text="Moving ranges of 3.267 times the average or more are left out of the limits.",
                                verbose_name="screen out very large moving ranges",
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
                        ("order", models.PositiveSmallIntegerField(default=0)),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
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
                                related_name="measures",
                                to="projects.project",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["project", "order", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                models.F("project"),
                                django.db.models.functions.text.Lower("name"),
                                name="measure_unique_name_ignoring_case",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("baseline_points__isnull", True),
                                    ("baseline_points__gte", 12),
                                    _connector="OR",
                                ),
                                name="measure_baseline_at_least_12",
                            ),
                        ],
                    },
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
                        (
                            "annotation",
                            common.fields.SingleLineCharField(blank=True, max_length=200),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                                to="measurement.measure",
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
                    name="DataPoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "date",
                            common.fields.BoundedDateField(
                                window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0)
                            ),
                        ),
                        ("value", models.DecimalField(decimal_places=4, max_digits=14)),
                        (
                            "annotation",
                            common.fields.SingleLineCharField(blank=True, max_length=200),
                        ),
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
                                to="measurement.measure",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["measure", "date"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("measure", "date"), name="data_point_once_per_date"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PDSACycle",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "number",
                            models.PositiveSmallIntegerField(
                                help_text="Cycles are shown in this order."
                            ),
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
                                blank=True,
                                max_length=4000,
                                verbose_name="plan: who, what, when, where",
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
                                choices=[
                                    ("adopt", "Adopt"),
                                    ("adapt", "Adapt"),
                                    ("abandon", "Abandon"),
                                ],
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
                                to="measurement.measure",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pdsa_cycles",
                                to="projects.project",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "PDSA cycle",
                        "ordering": ["project", "number"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("project", "number"), name="pdsa_number_once"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("end_date__isnull", True),
                                    ("end_date__gte", models.F("start_date")),
                                    _connector="OR",
                                ),
                                name="pdsa_ends_after_start",
                            ),
                        ],
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
                                to="measurement.historicalpdsacycle",
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
                                to="measurement.measure",
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
                                to="measurement.pdsacycle",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "HistoricalPDSACycle_measures",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="ProjectImpact",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
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
                    name="Saving",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "description",
                            common.fields.SingleLineCharField(
                                help_text="For example, switch to biosimilar adalimumab.",
                                max_length=200,
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=12,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0.01"))
                                ],
                                verbose_name="amount claimed (£)",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("one_off", "One-off"),
                                    ("recurring", "Recurring, per year"),
                                ],
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
                        (
                            "validation_note",
                            common.fields.MultiLineTextField(blank=True, max_length=2000),
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
                                        ("validated_amount__isnull", True),
                                        ("validated_by__isnull", True),
                                    ),
                                    models.Q(
                                        ("validated_amount__isnull", False),
                                        ("validated_by__isnull", False),
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
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
