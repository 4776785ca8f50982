"""Moving measurement out of projects keeps every row: a database that holds measures, data
points, PDSA cycles, impact and savings (with their history, a permission granted on them and an
admin log entry) is migrated back to before the move, filled, and migrated forward again.

The rows are written through the models as they were before the move (the migration state), and
read afterwards through measurement's models.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from measurement.models import DataPoint, Measure, PDSACycle, ProjectImpact, Saving
from tests.factories import PersonFactory, ProjectFactory

# projects 0001 to 0018, as a new database (the test database) applies them: in one squashed
# migration.
BEFORE_THE_MOVE = ("projects", "0001_squashed_0018_register_hours_filter_indexes")
MOVED = ["measure", "datapoint", "pdsacycle", "projectimpact", "saving"]
MOVED_WITH_HISTORY = [
    *MOVED,
    *(f"historical{model}" for model in MOVED),
    "historicalpdsacycle_measures",
]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate_back():
    """The database as it was before the move (projects holds the models); its apps."""
    MigrationExecutor(connection).migrate([("measurement", None)])
    return MigrationExecutor(connection).loader.project_state([BEFORE_THE_MOVE]).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


@pytest.fixture
def before_the_move():
    """The apps before the move; the database goes back to the latest migration afterwards,
    whatever the test did."""
    try:
        yield _migrate_back()
    finally:
        _migrate_to_latest()


def _with_history(apps, row, *, user, history_type="+"):
    """Write `row`'s history as simple-history would, through the state's historical model."""
    history = apps.get_model("projects", f"Historical{type(row).__name__}")
    values = {
        field.attname: getattr(row, field.attname)
        for field in history._meta.concrete_fields
        if hasattr(row, field.attname) and field.attname != "history_id"
    }
    return history.objects.create(
        **values,
        history_date=timezone.now(),
        history_type=history_type,
        history_user_id=user.pk,
    )


def _fill(apps, *, project, person):
    """One of each moved row, each with its history: the pks to find them by afterwards."""
    user = person.user

    def model(name):
        return apps.get_model("projects", name)

    measure = model("Measure").objects.create(
        project_id=project.pk, name="Omitted doses", kind="outcome", unit="%", rules=["trend"]
    )
    _with_history(apps, measure, user=user)
    measure.name = "Omitted critical doses"
    measure.save()
    _with_history(apps, measure, user=user, history_type="~")
    point = model("DataPoint").objects.create(
        measure_id=measure.pk,
        date=dt.date(2026, 1, 5),
        value=Decimal("12.5"),
        annotation="Baseline",
        entered_by_id=person.pk,
    )
    _with_history(apps, point, user=user)
    cycle = model("PDSACycle").objects.create(
        project_id=project.pk,
        number=1,
        change_idea="Prompt on the drug chart",
        start_date=dt.date(2026, 1, 12),
        created_by_id=person.pk,
    )
    cycle.measures.add(measure)
    cycle_history = _with_history(apps, cycle, user=user)
    link = cycle.measures.through.objects.get(pdsacycle_id=cycle.pk)
    model("HistoricalPDSACycle_measures").objects.create(
        id=link.pk, history_id=cycle_history.pk, pdsacycle_id=cycle.pk, measure_id=measure.pk
    )
    impact = model("ProjectImpact").objects.create(
        project_id=project.pk,
        staff_hours_saved_per_month=Decimal("7.5"),
        patients_affected=120,
        patient_benefits=["safety"],
        updated_by_id=person.pk,
    )
    _with_history(apps, impact, user=user)
    saving = model("Saving").objects.create(
        project_id=project.pk,
        description="Fewer wasted doses",
        amount=Decimal("1250.00"),
        kind="recurring",
        claimed_by_id=person.pk,
    )
    _with_history(apps, saving, user=user)
    return {
        "measure": measure.pk,
        "point": point.pk,
        "cycle": cycle.pk,
        "impact": impact.pk,
        "saving": saving.pk,
    }


def _content_type(apps, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get(app_label="projects", model=model)


def test_moving_the_models_keeps_their_rows_history_content_types_and_permissions(
    before_the_move,
):
    apps = before_the_move
    person = PersonFactory()
    project = ProjectFactory(lead=person)
    pks = _fill(apps, project=project, person=person)
    # Content types as the projects app had them, with a permission granted and a log entry.
    old_types = {model: _content_type(apps, model).pk for model in MOVED_WITH_HISTORY}
    change_measure = Permission.objects.get(
        content_type_id=old_types["measure"], codename="change_measure"
    )
    person.user.user_permissions.add(change_measure)
    LogEntry.objects.create(
        user_id=person.user.pk,
        content_type_id=old_types["measure"],
        object_id=str(pks["measure"]),
        object_repr="Omitted critical doses",
        action_flag=CHANGE,
    )
    # A database migrated in several runs may already hold post_migrate's row for the new
    # label: the old row, which permissions and log entries point at, is the one kept.
    early = ContentType.objects.create(app_label="measurement", model="saving")
    Permission.objects.create(content_type=early, codename="add_saving", name="Can add saving")

    _migrate_to_latest()

    measure = Measure.objects.get(pk=pks["measure"])
    assert (measure.project, measure.name, measure.rules) == (
        project,
        "Omitted critical doses",
        ["trend"],
    )
    assert [record.name for record in measure.history.order_by("history_date")] == [
        "Omitted doses",
        "Omitted critical doses",
    ]
    assert measure.history.latest().history_user == person.user
    point = DataPoint.objects.get(pk=pks["point"])
    assert (point.measure, point.value, point.annotation, point.entered_by) == (
        measure,
        Decimal("12.5"),
        "Baseline",
        person,
    )
    assert point.history.get().value == Decimal("12.5")
    cycle = PDSACycle.objects.get(pk=pks["cycle"])
    assert list(cycle.measures.all()) == [measure]
    assert list(measure.pdsa_cycles.all()) == [cycle]
    assert [link.measure_id for link in cycle.history.get().measures.all()] == [measure.pk]
    impact = ProjectImpact.objects.get(pk=pks["impact"])
    assert project.impact == impact
    assert (impact.patients_affected, impact.patient_benefits) == (120, ["safety"])
    assert impact.history.get().staff_hours_saved_per_month == Decimal("7.5")
    saving = Saving.objects.get(pk=pks["saving"])
    assert list(project.savings.all()) == [saving]
    assert saving.history.get().amount == Decimal("1250.00")
    # The same content type rows, relabelled: nothing left under projects, nothing doubled.
    for model in MOVED_WITH_HISTORY:
        moved = ContentType.objects.get(app_label="measurement", model=model)
        assert moved.pk == old_types[model], model
    assert not ContentType.objects.filter(app_label="projects", model__in=MOVED_WITH_HISTORY)
    assert not ContentType.objects.filter(pk=early.pk).exists()
    saving_type = ContentType.objects.get_for_model(Saving)
    assert Permission.objects.filter(content_type=saving_type, codename="add_saving").count() == 1
    assert ContentType.objects.get_for_model(Measure).pk == old_types["measure"]
    assert (
        ContentType.objects.get_for_model(Measure.history.model).pk
        == (old_types["historicalmeasure"])
    )
    # The permission and the admin's log follow the model.
    user = type(person.user).objects.get(pk=person.user.pk)
    assert user.has_perm("measurement.change_measure")
    assert not user.has_perm("projects.change_measure")
    entry = LogEntry.objects.get(object_id=str(pks["measure"]))
    assert entry.get_edited_object() == measure
