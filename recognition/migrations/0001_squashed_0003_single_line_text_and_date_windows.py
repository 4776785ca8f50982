"""Recognition 0001 to 0003 in one migration, for new databases: each model is created with its
final fields, instead of being created and then altered field by field. A database that applied
the migrations it replaces goes on from them unchanged. Written by Django's autodetector from the
replaced migrations' final state.
"""

import datetime

import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import common.fields
import recognition.models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("recognition", "0001_initial"),
        ("recognition", "0002_edit_versions_of_sessions_and_notes"),
        ("recognition", "0003_single_line_text_and_date_windows"),
    ]

    dependencies = [
        ("people", "0007_exportlog"),
        ("projects", "0005_headline_impact"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Award",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(max_length=200)),
                (
                    "awarding_body",
                    common.fields.SingleLineCharField(
                        help_text="For example, the trust, the RPS.", max_length=200
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("local", "Local"),
                            ("trust", "Trust"),
                            ("regional", "Regional"),
                            ("national", "National"),
                        ],
                        max_length=8,
                    ),
                ),
                (
                    "deadline",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        verbose_name="nomination deadline",
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                ("url", models.URLField(blank=True, verbose_name="link to the award's page")),
                (
                    "is_open",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to hide it from new nominations.",
                        verbose_name="taking nominations",
                    ),
                ),
            ],
            options={
                "ordering": [models.OrderBy(models.F("deadline"), nulls_last=True), "name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("name", "awarding_body"), name="award_unique_name"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CalendarFeed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_digest", common.fields.SingleLineCharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_feed",
                        to="people.person",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="DisplayLink",
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
                        help_text="For example, Dispensary staff room.",
                        max_length=100,
                        verbose_name="where the screen is",
                    ),
                ),
                (
                    "token_digest",
                    common.fields.SingleLineCharField(editable=False, max_length=64, unique=True),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.department",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAppraisalNote",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "period_start",
                    common.fields.BoundedDateField(
                        verbose_name="appraisal period from",
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "period_end",
                    common.fields.BoundedDateField(
                        verbose_name="appraisal period to",
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "note",
                    common.fields.MultiLineTextField(
                        help_text="Their QI contribution in the period and what was agreed next.",
                        max_length=5000,
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "manager",
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
            ],
            options={
                "verbose_name": "historical appraisal note",
                "verbose_name_plural": "historical appraisal notes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAward",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(max_length=200)),
                (
                    "awarding_body",
                    common.fields.SingleLineCharField(
                        help_text="For example, the trust, the RPS.", max_length=200
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("local", "Local"),
                            ("trust", "Trust"),
                            ("regional", "Regional"),
                            ("national", "National"),
                        ],
                        max_length=8,
                    ),
                ),
                (
                    "deadline",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        verbose_name="nomination deadline",
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                ("url", models.URLField(blank=True, verbose_name="link to the award's page")),
                (
                    "is_open",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to hide it from new nominations.",
                        verbose_name="taking nominations",
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
            ],
            options={
                "verbose_name": "historical award",
                "verbose_name_plural": "historical awards",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDisplayLink",
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
                        help_text="For example, Dispensary staff room.",
                        max_length=100,
                        verbose_name="where the screen is",
                    ),
                ),
                (
                    "token_digest",
                    common.fields.SingleLineCharField(db_index=True, editable=False, max_length=64),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
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
                        to=settings.AUTH_USER_MODEL,
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
                "verbose_name": "historical display link",
                "verbose_name_plural": "historical display links",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalNomination",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "nominee_kind",
                    models.CharField(
                        choices=[
                            ("person", "A person"),
                            ("team", "A team"),
                            ("project", "A project"),
                        ],
                        max_length=7,
                        verbose_name="who is nominated",
                    ),
                ),
                ("team_name", common.fields.SingleLineCharField(blank=True, max_length=150)),
                (
                    "citation",
                    common.fields.MultiLineTextField(
                        help_text="Why they deserve it: what they did and what changed.",
                        max_length=4000,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("shortlisted", "Shortlisted"),
                            ("won", "Won"),
                            ("not_won", "Not won"),
                        ],
                        default="draft",
                        max_length=11,
                    ),
                ),
                ("status_changed_at", models.DateTimeField(blank=True, null=True)),
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
                    "award",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="recognition.award",
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
                    "nominated_by",
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
                    "status_changed_by",
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
                "verbose_name": "historical nomination",
                "verbose_name_plural": "historical nominations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPortfolioDomain",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(max_length=120)),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                (
                    "contribution_kinds",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("led", "Led or co-led a project"),
                                ("role", "Role on a project team"),
                                ("task", "Buddy task completed"),
                                ("showcase", "Showcase presentation"),
                                ("nomination", "Award nomination"),
                                ("training", "QI training completed"),
                                ("mentor", "Mentoring given"),
                                ("mentee", "Mentoring received"),
                                ("review", "Review as QI champion"),
                            ],
                            max_length=12,
                        ),
                        blank=True,
                        default=list,
                        help_text="The contributions that count as evidence for this domain.",
                        size=None,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
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
                "verbose_name": "historical portfolio domain",
                "verbose_name_plural": "historical portfolio domains",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPoster",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("file", models.TextField(max_length=255)),
                (
                    "content_type",
                    models.CharField(
                        choices=[
                            ("application/pdf", "application/pdf"),
                            ("image/png", "image/png"),
                            ("image/jpeg", "image/jpeg"),
                        ],
                        max_length=40,
                    ),
                ),
                ("size", models.PositiveIntegerField(help_text="Bytes.")),
                ("original_name", common.fields.SingleLineCharField(blank=True, max_length=255)),
                ("thumbnail", models.TextField(blank=True, max_length=255)),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                (
                    "uploaded_by",
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
                "verbose_name": "historical poster",
                "verbose_name_plural": "historical posters",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalShowcaseSession",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    common.fields.SingleLineCharField(default="Clinical update", max_length=150),
                ),
                (
                    "starts_at",
                    models.DateTimeField(
                        validators=[common.fields.DateWindow(datetime.date(2000, 1, 1), 731)],
                        verbose_name="starts at",
                    ),
                ),
                (
                    "place",
                    common.fields.SingleLineCharField(
                        help_text="For example, Pharmacy seminar room.", max_length=200
                    ),
                ),
                (
                    "slot_count",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(20),
                        ],
                        verbose_name="number of slots",
                    ),
                ),
                (
                    "slot_minutes",
                    models.PositiveSmallIntegerField(
                        default=10,
                        validators=[
                            django.core.validators.MinValueValidator(5),
                            django.core.validators.MaxValueValidator(120),
                        ],
                        verbose_name="minutes per slot",
                    ),
                ),
                ("notes", common.fields.MultiLineTextField(blank=True, max_length=2000)),
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
                "verbose_name": "historical showcase session",
                "verbose_name_plural": "historical showcase sessions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Nomination",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "nominee_kind",
                    models.CharField(
                        choices=[
                            ("person", "A person"),
                            ("team", "A team"),
                            ("project", "A project"),
                        ],
                        max_length=7,
                        verbose_name="who is nominated",
                    ),
                ),
                ("team_name", common.fields.SingleLineCharField(blank=True, max_length=150)),
                (
                    "citation",
                    common.fields.MultiLineTextField(
                        help_text="Why they deserve it: what they did and what changed.",
                        max_length=4000,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("shortlisted", "Shortlisted"),
                            ("won", "Won"),
                            ("not_won", "Not won"),
                        ],
                        default="draft",
                        max_length=11,
                    ),
                ),
                ("status_changed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "award",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="nominations",
                        to="recognition.award",
                    ),
                ),
                (
                    "nominated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="nominations_made",
                        to="people.person",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nominations",
                        to="people.person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nominations",
                        to="projects.project",
                    ),
                ),
                (
                    "status_changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "team_members",
                    models.ManyToManyField(
                        blank=True, related_name="team_nominations", to="people.person"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("nominee_kind", "person"),
                                ("person__isnull", False),
                                ("project__isnull", True),
                            ),
                            models.Q(
                                ("nominee_kind", "project"),
                                ("person__isnull", True),
                                ("project__isnull", False),
                            ),
                            models.Q(
                                ("nominee_kind", "team"),
                                ("person__isnull", True),
                                ("project__isnull", True),
                                models.Q(("team_name", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="nomination_names_its_nominee",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "draft"), ("submitted_at__isnull", False), _connector="OR"
                        ),
                        name="nomination_submitted_has_date",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalNomination_team_members",
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
                        to="recognition.historicalnomination",
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
                    "nomination",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="recognition.nomination",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalNomination_team_members",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PortfolioDomain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(max_length=120)),
                ("description", common.fields.MultiLineTextField(blank=True, max_length=2000)),
                (
                    "contribution_kinds",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("led", "Led or co-led a project"),
                                ("role", "Role on a project team"),
                                ("task", "Buddy task completed"),
                                ("showcase", "Showcase presentation"),
                                ("nomination", "Award nomination"),
                                ("training", "QI training completed"),
                                ("mentor", "Mentoring given"),
                                ("mentee", "Mentoring received"),
                                ("review", "Review as QI champion"),
                            ],
                            max_length=12,
                        ),
                        blank=True,
                        default=list,
                        help_text="The contributions that count as evidence for this domain.",
                        size=None,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portfolio_domains",
                        to="people.department",
                    ),
                ),
            ],
            options={
                "ordering": ["department__name", "order", "name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("department", "name"), name="portfolio_domain_unique_name"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Poster",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(max_length=255, upload_to=recognition.models.poster_upload_to),
                ),
                (
                    "content_type",
                    models.CharField(
                        choices=[
                            ("application/pdf", "application/pdf"),
                            ("image/png", "image/png"),
                            ("image/jpeg", "image/jpeg"),
                        ],
                        max_length=40,
                    ),
                ),
                ("size", models.PositiveIntegerField(help_text="Bytes.")),
                ("original_name", common.fields.SingleLineCharField(blank=True, max_length=255)),
                (
                    "thumbnail",
                    models.FileField(
                        blank=True, max_length=255, upload_to=recognition.models.thumbnail_upload_to
                    ),
                ),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="poster",
                        to="projects.project",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ShowcaseSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    common.fields.SingleLineCharField(default="Clinical update", max_length=150),
                ),
                (
                    "starts_at",
                    models.DateTimeField(
                        validators=[common.fields.DateWindow(datetime.date(2000, 1, 1), 731)],
                        verbose_name="starts at",
                    ),
                ),
                (
                    "place",
                    common.fields.SingleLineCharField(
                        help_text="For example, Pharmacy seminar room.", max_length=200
                    ),
                ),
                (
                    "slot_count",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(20),
                        ],
                        verbose_name="number of slots",
                    ),
                ),
                (
                    "slot_minutes",
                    models.PositiveSmallIntegerField(
                        default=10,
                        validators=[
                            django.core.validators.MinValueValidator(5),
                            django.core.validators.MaxValueValidator(120),
                        ],
                        verbose_name="minutes per slot",
                    ),
                ),
                ("notes", common.fields.MultiLineTextField(blank=True, max_length=2000)),
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
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="showcase_sessions",
                        to="people.department",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("slot_count__gte", 1)), name="showcase_has_slots"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("slot_minutes__gte", 1)), name="showcase_slot_length"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalShowcaseSlot",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)]
                    ),
                ),
                ("booked_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("booked", "Booked, awaiting confirmation"),
                            ("confirmed", "Confirmed"),
                        ],
                        default="booked",
                        max_length=9,
                    ),
                ),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
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
                    "booked_by",
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
                    "confirmed_by",
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
                    "session",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="recognition.showcasesession",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical showcase slot",
                "verbose_name_plural": "historical showcase slots",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ShowcaseSlot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)]
                    ),
                ),
                ("booked_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("booked", "Booked, awaiting confirmation"),
                            ("confirmed", "Confirmed"),
                        ],
                        default="booked",
                        max_length=9,
                    ),
                ),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "booked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "presenters",
                    models.ManyToManyField(
                        related_name="showcase_presentations", to="people.person"
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="showcase_slots",
                        to="projects.project",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slots",
                        to="recognition.showcasesession",
                    ),
                ),
            ],
            options={
                "ordering": ["session__starts_at", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "position"), name="showcase_slot_once"
                    ),
                    models.UniqueConstraint(
                        fields=("session", "project"), name="showcase_project_once_per_session"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("position__gte", 1)), name="showcase_slot_position"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalShowcaseSlot_presenters",
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
                        to="recognition.historicalshowcaseslot",
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
                    "showcaseslot",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="recognition.showcaseslot",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalShowcaseSlot_presenters",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="AppraisalNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "period_start",
                    common.fields.BoundedDateField(
                        verbose_name="appraisal period from",
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "period_end",
                    common.fields.BoundedDateField(
                        verbose_name="appraisal period to",
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "note",
                    common.fields.MultiLineTextField(
                        help_text="Their QI contribution in the period and what was agreed next.",
                        max_length=5000,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
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
                    "manager",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appraisal_notes_written",
                        to="people.person",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appraisal_notes",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-period_end", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="appraisal_note_period_order",
                    )
                ],
            },
        ),
    ]
