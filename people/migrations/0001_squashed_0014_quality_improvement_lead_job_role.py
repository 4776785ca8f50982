"""People 0001 to 0014 in one migration, for new databases: each model is created with its
final fields, instead of being created and then altered field by field. Django renders the related
models' state again after each operation, and the models are closely related (history, users,
people, projects), so that this was most of `migrate`'s cost: with the squashes of people, projects
and recognition, migrating a new database takes about 14 s of CPU here instead of 36 s. A database
that applied the migrations it replaces goes on from them unchanged.

Written by Django's autodetector from the replaced migrations' final state, with their one data
step that a new database needs: the trust QI team group (0010); indexes and constraints are in their
model's CreateModel where it has all their fields. Check with `pg_dump --schema-only`
against the replaced migrations when editing either.
"""

import datetime
from decimal import Decimal

import django.contrib.auth.validators
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import common.fields

GROUP = "Trust QI team"


def create_group(apps, schema_editor):
    """As people 0010: the trust QI team group, with the permission to see every department."""
    # The permission is normally created after migrate; the group needs it now.
    app_config = apps.get_app_config("people")
    app_config.models_module = True  # the migration state's stub has none; the real one does
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="people", codename="view_all_departments")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("people", "0001_initial"),
        ("people", "0002_skill_historicalskill"),
        ("people", "0003_historicalperson_interests_and_more"),
        ("people", "0004_department_qi_lead_historicaldepartment_qi_lead"),
        ("people", "0005_training"),
        ("people", "0006_mentoring"),
        ("people", "0007_exportlog"),
        ("people", "0008_person_privacy_permissions"),
        ("people", "0009_trust_wide_departments"),
        ("people", "0010_trust_qi_team_group"),
        ("people", "0011_single_sign_on_identity"),
        ("people", "0012_single_line_text_and_date_windows"),
        ("people", "0013_single_sign_on_identity_single_line"),
        ("people", "0014_quality_improvement_lead_job_role"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Course",
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
                        help_text="For example, QI induction.", max_length=120, unique=True
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("induction", "Induction"),
                            ("foundation", "Foundation"),
                            ("practitioner", "Practitioner"),
                            ("advanced", "Advanced"),
                        ],
                        max_length=12,
                    ),
                ),
                ("description", common.fields.MultiLineTextField(blank=True)),
                (
                    "is_induction",
                    models.BooleanField(
                        default=False,
                        help_text="Everyone is shown this course as outstanding until they complete it.",
                        verbose_name="QI induction",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Department",
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
                        help_text="For example, Pharmacy.", max_length=100, unique=True
                    ),
                ),
                ("slug", models.SlugField(max_length=100, unique=True)),
            ],
            options={
                "ordering": ["name"],
                "permissions": [
                    (
                        "view_all_departments",
                        "Can see every department's QI pages and the trust-wide view",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MentoringPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "started_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "ended_on",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                ("goals", common.fields.MultiLineTextField(blank=True, max_length=2000)),
            ],
            options={
                "ordering": ["-started_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Skill",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(max_length=80, unique=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ClinicalArea",
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
                        help_text="For example, Acute medicine, Surgery, Dispensary, Aseptics.",
                        max_length=100,
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="clinical_areas",
                        to="people.department",
                    ),
                ),
            ],
            options={
                "ordering": ["department__name", "name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("department", "name"),
                        name="clinical_area_unique_name_per_department",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalClinicalArea",
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
                        help_text="For example, Acute medicine, Surgery, Dispensary, Aseptics.",
                        max_length=100,
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
                "verbose_name": "historical clinical area",
                "verbose_name_plural": "historical clinical areas",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCourse",
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
                        db_index=True, help_text="For example, QI induction.", max_length=120
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("induction", "Induction"),
                            ("foundation", "Foundation"),
                            ("practitioner", "Practitioner"),
                            ("advanced", "Advanced"),
                        ],
                        max_length=12,
                    ),
                ),
                ("description", common.fields.MultiLineTextField(blank=True)),
                (
                    "is_induction",
                    models.BooleanField(
                        default=False,
                        help_text="Everyone is shown this course as outstanding until they complete it.",
                        verbose_name="QI induction",
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
                "verbose_name": "historical course",
                "verbose_name_plural": "historical courses",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPerson",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "display_name",
                    common.fields.SingleLineCharField(
                        help_text="The name other staff see.", max_length=150
                    ),
                ),
                (
                    "job_role",
                    models.CharField(
                        choices=[
                            ("pharmacist", "Pharmacist"),
                            ("technician", "Pharmacy technician"),
                            ("assistant", "Pharmacy assistant"),
                            ("nurse", "Nurse"),
                            ("ahp", "Allied health professional"),
                            ("qi_lead", "Quality improvement lead"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "band",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("2", "Band 2"),
                            ("3", "Band 3"),
                            ("4", "Band 4"),
                            ("5", "Band 5"),
                            ("6", "Band 6"),
                            ("7", "Band 7"),
                            ("8a", "Band 8a"),
                            ("8b", "Band 8b"),
                            ("8c", "Band 8c"),
                            ("8d", "Band 8d"),
                            ("9", "Band 9"),
                        ],
                        max_length=2,
                    ),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="contact email"),
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
                    "interests",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="What you would like to improve or learn, in a sentence or two.",
                        max_length=1000,
                        verbose_name="QI interests",
                    ),
                ),
                (
                    "open_to_buddy_tasks",
                    models.BooleanField(
                        default=False,
                        help_text="Happy to be suggested small tasks on other people's projects.",
                        verbose_name="open to buddy tasks",
                    ),
                ),
                (
                    "qi_hours_per_month",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="Your best estimate, e.g. 4. Leave blank if you do not know yet.",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("160")),
                        ],
                        verbose_name="hours a month I can give to QI",
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
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical person",
                "verbose_name_plural": "historical people",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSingleSignOnIdentity",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "issuer",
                    common.fields.SingleLineCharField(
                        help_text="The provider's `iss` claim, e.g. https://login.microsoftonline.com/<tenant id>/v2.0. The security log's refusal line gives it.",
                        max_length=255,
                    ),
                ),
                (
                    "subject",
                    common.fields.SingleLineCharField(
                        help_text="The `sub` claim: the provider's identifier for this person, which never changes. The security log's refusal line gives it.",
                        max_length=255,
                    ),
                ),
                (
                    "tenant_id",
                    common.fields.SingleLineCharField(
                        blank=True,
                        help_text="Microsoft Entra ID only: the `tid` claim (the directory's ID). Leave empty for other providers.",
                        max_length=64,
                    ),
                ),
                (
                    "object_id",
                    common.fields.SingleLineCharField(
                        blank=True,
                        help_text="Microsoft Entra ID only: the `oid` claim (the user's object ID in the directory). Leave empty for other providers.",
                        max_length=64,
                    ),
                ),
                ("linked_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The QI Register account this identity signs in as (one identity each).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical single sign-on identity",
                "verbose_name_plural": "historical single sign-on identities",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSkill",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", common.fields.SingleLineCharField(db_index=True, max_length=80)),
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
                "verbose_name": "historical skill",
                "verbose_name_plural": "historical skills",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalUser",
            fields=[
                (
                    "id",
                    models.IntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("password", models.CharField(max_length=128, verbose_name="password")),
                (
                    "last_login",
                    models.DateTimeField(blank=True, null=True, verbose_name="last login"),
                ),
                (
                    "is_superuser",
                    models.BooleanField(
                        default=False,
                        help_text="Designates that this user has all permissions without explicitly assigning them.",
                        verbose_name="superuser status",
                    ),
                ),
                (
                    "username",
                    models.CharField(
                        db_index=True,
                        error_messages={"unique": "A user with that username already exists."},
                        help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
                        max_length=150,
                        validators=[django.contrib.auth.validators.UnicodeUsernameValidator()],
                        verbose_name="username",
                    ),
                ),
                (
                    "first_name",
                    models.CharField(blank=True, max_length=150, verbose_name="first name"),
                ),
                (
                    "last_name",
                    models.CharField(blank=True, max_length=150, verbose_name="last name"),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="email address"),
                ),
                (
                    "is_staff",
                    models.BooleanField(
                        default=False,
                        help_text="Designates whether the user can log into this admin site.",
                        verbose_name="staff status",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Designates whether this user should be treated as active. Unselect this instead of deleting accounts.",
                        verbose_name="active",
                    ),
                ),
                (
                    "date_joined",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="date joined"
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
                "verbose_name": "historical user",
                "verbose_name_plural": "historical users",
                "db_table": "people_historicaluser",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "display_name",
                    common.fields.SingleLineCharField(
                        help_text="The name other staff see.", max_length=150
                    ),
                ),
                (
                    "job_role",
                    models.CharField(
                        choices=[
                            ("pharmacist", "Pharmacist"),
                            ("technician", "Pharmacy technician"),
                            ("assistant", "Pharmacy assistant"),
                            ("nurse", "Nurse"),
                            ("ahp", "Allied health professional"),
                            ("qi_lead", "Quality improvement lead"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "band",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("2", "Band 2"),
                            ("3", "Band 3"),
                            ("4", "Band 4"),
                            ("5", "Band 5"),
                            ("6", "Band 6"),
                            ("7", "Band 7"),
                            ("8a", "Band 8a"),
                            ("8b", "Band 8b"),
                            ("8c", "Band 8c"),
                            ("8d", "Band 8d"),
                            ("9", "Band 9"),
                        ],
                        max_length=2,
                    ),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="contact email"),
                ),
                (
                    "interests",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="What you would like to improve or learn, in a sentence or two.",
                        max_length=1000,
                        verbose_name="QI interests",
                    ),
                ),
                (
                    "open_to_buddy_tasks",
                    models.BooleanField(
                        default=False,
                        help_text="Happy to be suggested small tasks on other people's projects.",
                        verbose_name="open to buddy tasks",
                    ),
                ),
                (
                    "qi_hours_per_month",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="Your best estimate, e.g. 4. Leave blank if you do not know yet.",
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("160")),
                        ],
                        verbose_name="hours a month I can give to QI",
                    ),
                ),
                (
                    "clinical_areas",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The areas this person works in.",
                        related_name="people",
                        to="people.clinicalarea",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="people",
                        to="people.department",
                    ),
                ),
                (
                    "line_manager",
                    models.ForeignKey(
                        blank=True,
                        help_text="Whoever manages this person; a manager sees their reports' QI engagement.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reports",
                        to="people.person",
                    ),
                ),
                (
                    "preferred_areas",
                    models.ManyToManyField(
                        blank=True,
                        related_name="interested_people",
                        to="people.clinicalarea",
                        verbose_name="preferred clinical areas",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="person",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "skills",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Skills you can offer a project.",
                        related_name="people",
                        to="people.skill",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "people",
                "ordering": ["display_name"],
                "permissions": [
                    ("export_personal_data", "Can export a person's data (subject access request)"),
                    ("anonymise_person", "Can anonymise a leaver"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("line_manager", models.F("pk")), _negated=True),
                        name="person_not_own_line_manager",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MentorRequest",
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
                            ("open", "Waiting for a mentor"),
                            ("accepted", "Accepted"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=9,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "clinical_area",
                    models.ForeignKey(
                        blank=True,
                        help_text="The area whose champions are asked; empty asks every champion.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="mentor_requests",
                        to="people.clinicalarea",
                    ),
                ),
                (
                    "pair",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="request",
                        to="people.mentoringpair",
                    ),
                ),
                (
                    "mentee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentor_requests",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "open")),
                        fields=("mentee",),
                        name="mentor_request_one_open",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MentoringSessionNote",
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
                    "pair",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="people.mentoringpair",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-date", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="mentoringpair",
            name="mentee",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mentors",
                to="people.person",
            ),
        ),
        migrations.AddField(
            model_name="mentoringpair",
            name="mentor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mentees",
                to="people.person",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalTrainingSession",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "starts_at",
                    models.DateTimeField(
                        validators=[common.fields.DateWindow(datetime.date(2000, 1, 1), 731)]
                    ),
                ),
                ("place", common.fields.SingleLineCharField(max_length=200)),
                (
                    "capacity",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(500),
                        ]
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
                    "course",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.course",
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
                    "trainer",
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
                "verbose_name": "historical training session",
                "verbose_name_plural": "historical training sessions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalQIConversation",
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
                ("note", common.fields.MultiLineTextField(max_length=2000)),
                (
                    "agreed_hours_per_month",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("160")),
                        ],
                        verbose_name="QI time agreed in the job plan (hours a month)",
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
                "verbose_name": "historical QI conversation",
                "verbose_name_plural": "historical QI conversations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPerson_preferred_areas",
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
                        to="people.historicalperson",
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
            ],
            options={
                "verbose_name": "HistoricalPerson_preferred_areas",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPerson_clinical_areas",
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
                        to="people.historicalperson",
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
            ],
            options={
                "verbose_name": "HistoricalPerson_clinical_areas",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="line_manager",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Whoever manages this person; a manager sees their reports' QI engagement.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="people.person",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalMentorRequest",
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
                            ("open", "Waiting for a mentor"),
                            ("accepted", "Accepted"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=9,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                    "clinical_area",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The area whose champions are asked; empty asks every champion.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.clinicalarea",
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
                    "pair",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.mentoringpair",
                    ),
                ),
                (
                    "mentee",
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
                "verbose_name": "historical mentor request",
                "verbose_name_plural": "historical mentor requests",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMentoringSessionNote",
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pair",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.mentoringpair",
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
            ],
            options={
                "verbose_name": "historical mentoring session note",
                "verbose_name_plural": "historical mentoring session notes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMentoringPair",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "started_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "ended_on",
                    common.fields.BoundedDateField(
                        blank=True,
                        null=True,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                ("goals", common.fields.MultiLineTextField(blank=True, max_length=2000)),
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
                    "mentee",
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
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical mentoring pair",
                "verbose_name_plural": "historical mentoring pairs",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDepartment",
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
                        db_index=True, help_text="For example, Pharmacy.", max_length=100
                    ),
                ),
                ("slug", models.SlugField(max_length=100)),
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
                    "qi_lead",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Who staff ask about QI where their area has no champion.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.person",
                        verbose_name="QI lead",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical department",
                "verbose_name_plural": "historical departments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCompletion",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "completed_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0),
                    ),
                ),
                (
                    "evidence",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="For example, certificate number.",
                        max_length=2000,
                        verbose_name="evidence note",
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
                    "course",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.course",
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
            ],
            options={
                "verbose_name": "historical completion",
                "verbose_name_plural": "historical completions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalChampionAssignment",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "started_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
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
                    "clinical_area",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.clinicalarea",
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
            ],
            options={
                "verbose_name": "historical champion assignment",
                "verbose_name_plural": "historical champion assignments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ExportLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("exported_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "kind",
                    common.fields.SingleLineCharField(
                        help_text="For example, appraisal_summary_pdf.", max_length=40
                    ),
                ),
                ("description", common.fields.SingleLineCharField(max_length=300)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "subjects",
                    models.ManyToManyField(
                        help_text="Whose personal data the export held.",
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-exported_at", "-pk"],
                "indexes": [models.Index(fields=["-exported_at"], name="export_log_recent")],
            },
        ),
        migrations.AddField(
            model_name="department",
            name="qi_lead",
            field=models.ForeignKey(
                blank=True,
                help_text="Who staff ask about QI where their area has no champion.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="people.person",
                verbose_name="QI lead",
            ),
        ),
        migrations.CreateModel(
            name="Completion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "completed_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 0),
                    ),
                ),
                (
                    "evidence",
                    common.fields.MultiLineTextField(
                        blank=True,
                        help_text="For example, certificate number.",
                        max_length=2000,
                        verbose_name="evidence note",
                    ),
                ),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="completions",
                        to="people.course",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="completions",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-completed_on", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "course"), name="completion_once_per_course"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ChampionAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "started_on",
                    common.fields.BoundedDateField(
                        default=django.utils.timezone.localdate,
                        window=common.fields.DateWindow(datetime.date(2000, 1, 1), 3653),
                    ),
                ),
                (
                    "clinical_area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="champion_assignments",
                        to="people.clinicalarea",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="champion_assignments",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["clinical_area__name", "person__display_name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "clinical_area"), name="champion_once_per_area"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="QIConversation",
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
                ("note", common.fields.MultiLineTextField(max_length=2000)),
                (
                    "agreed_hours_per_month",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("160")),
                        ],
                        verbose_name="QI time agreed in the job plan (hours a month)",
                    ),
                ),
                (
                    "manager",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="qi_conversations_recorded",
                        to="people.person",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="qi_conversations",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "QI conversation",
                "ordering": ["-date", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SingleSignOnIdentity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "issuer",
                    common.fields.SingleLineCharField(
                        help_text="The provider's `iss` claim, e.g. https://login.microsoftonline.com/<tenant id>/v2.0. The security log's refusal line gives it.",
                        max_length=255,
                    ),
                ),
                (
                    "subject",
                    common.fields.SingleLineCharField(
                        help_text="The `sub` claim: the provider's identifier for this person, which never changes. The security log's refusal line gives it.",
                        max_length=255,
                    ),
                ),
                (
                    "tenant_id",
                    common.fields.SingleLineCharField(
                        blank=True,
                        help_text="Microsoft Entra ID only: the `tid` claim (the directory's ID). Leave empty for other providers.",
                        max_length=64,
                    ),
                ),
                (
                    "object_id",
                    common.fields.SingleLineCharField(
                        blank=True,
                        help_text="Microsoft Entra ID only: the `oid` claim (the user's object ID in the directory). Leave empty for other providers.",
                        max_length=64,
                    ),
                ),
                ("linked_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.OneToOneField(
                        help_text="The QI Register account this identity signs in as (one identity each).",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="single_sign_on_identity",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "single sign-on identity",
                "verbose_name_plural": "single sign-on identities",
                "ordering": ["user__username"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("issuer", "subject"), name="sso_identity_unique_subject"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("object_id", ""), _negated=True),
                        fields=("tenant_id", "object_id"),
                        name="sso_identity_unique_entra_object",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("object_id", ""), ("tenant_id", "")),
                            models.Q(
                                models.Q(("tenant_id", ""), _negated=True),
                                models.Q(("object_id", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="sso_identity_entra_ids_together",
                        violation_error_message="Give both the tenant ID and the object ID, or neither.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("issuer", ""), _negated=True),
                            models.Q(("subject", ""), _negated=True),
                        ),
                        name="sso_identity_issuer_and_subject",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalPerson_skills",
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
                        to="people.historicalperson",
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
            ],
            options={
                "verbose_name": "HistoricalPerson_skills",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="TrainingSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "starts_at",
                    models.DateTimeField(
                        validators=[common.fields.DateWindow(datetime.date(2000, 1, 1), 731)]
                    ),
                ),
                ("place", common.fields.SingleLineCharField(max_length=200)),
                (
                    "capacity",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(500),
                        ]
                    ),
                ),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sessions",
                        to="people.course",
                    ),
                ),
                (
                    "trainer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sessions_trained",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("capacity__gte", 1)), name="session_capacity_positive"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalBooking",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("booked_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "attended",
                    models.BooleanField(blank=True, help_text="Marked by the trainer.", null=True),
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
                    "session",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.trainingsession",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical booking",
                "verbose_name_plural": "historical bookings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Booking",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("booked_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "attended",
                    models.BooleanField(blank=True, help_text="Marked by the trainer.", null=True),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bookings",
                        to="people.person",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bookings",
                        to="people.trainingsession",
                    ),
                ),
            ],
            options={
                "ordering": ["booked_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "person"), name="booking_once_per_session"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="mentoringpair",
            constraint=models.CheckConstraint(
                condition=models.Q(("mentor", models.F("mentee")), _negated=True),
                name="mentor_not_own_mentee",
            ),
        ),
        migrations.AddConstraint(
            model_name="mentoringpair",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_on__isnull", True)),
                fields=("mentor", "mentee"),
                name="mentoring_pair_once_while_active",
            ),
        ),
        migrations.RunPython(create_group, remove_group),
    ]
