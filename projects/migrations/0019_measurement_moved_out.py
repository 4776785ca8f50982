"""Measure, DataPoint, PDSACycle, ProjectImpact and Saving now belong to the measurement app:
their state leaves projects here, after measurement 0001 took them over with their tables.
Nothing changes in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0018_register_hours_filter_indexes"),
        ("measurement", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="DataPoint",
                ),
                migrations.DeleteModel(
                    name="HistoricalDataPoint",
                ),
                migrations.DeleteModel(
                    name="HistoricalMeasure",
                ),
                migrations.DeleteModel(
                    name="HistoricalPDSACycle",
                ),
                migrations.DeleteModel(
                    name="HistoricalPDSACycle_measures",
                ),
                migrations.DeleteModel(
                    name="HistoricalProjectImpact",
                ),
                migrations.DeleteModel(
                    name="HistoricalSaving",
                ),
                migrations.DeleteModel(
                    name="Measure",
                ),
                migrations.DeleteModel(
                    name="PDSACycle",
                ),
                migrations.DeleteModel(
                    name="ProjectImpact",
                ),
                migrations.DeleteModel(
                    name="Saving",
                ),
            ],
        ),
    ]
