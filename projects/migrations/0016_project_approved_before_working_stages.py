from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from 0015: its UPDATE leaves deferred foreign-key checks pending, and
    PostgreSQL alters no table with pending trigger events in the same transaction."""

    dependencies = [("projects", "0015_project_approval")]

    operations = [
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
