"""Pages survive any date already stored, however it got there (before the date windows of
`common.fields`, or straight into the database): a showcase session on 9999-12-31 returned 500
on the showcase list, its page and the department's calendar feed, for everyone.

Every date field people type (found from the models: those with a date window) is set to the
first and the last day Python knows, on every row of the access matrix's world; then every route
is fetched as each role that uses the pages: no 500 anywhere.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from common.fields import BoundedDateField, DateWindow
from tests.security.test_access_matrix import (
    ROUTES,
    media_root,
    request_as,
    shared_world,
    trust,
    url_for,
    world,
)

__all__ = ["media_root", "shared_world", "trust", "world"]  # fixtures of the access matrix

APPS = ("people", "projects", "measurement", "recognition")
EXTREMES = {"last day": dt.date.max, "first day": dt.date.min}
ROLES = ("staff", "champion", "manager", "admin")


def _is_windowed(field) -> bool:
    if isinstance(field, ArrayField):
        return _is_windowed(field.base_field)
    return isinstance(field, BoundedDateField) or (
        isinstance(field, models.DateTimeField)
        and any(isinstance(v, DateWindow) for v in field.validators)
    )


def windowed_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_label in APPS and not model.__name__.startswith("Historical")
        for field in model._meta.concrete_fields
        if _is_windowed(field)
    ]


def store(day: dt.date) -> None:
    """Every windowed date of every row set to `day`, past every check (as a bad import or an
    old release could have left it)."""
    # The last minute of the last day, the first of the first: nothing can be added to the one
    # or taken from the other.
    at = timezone.make_aware(
        dt.datetime.combine(day, dt.time(23, 59) if day == dt.date.max else dt.time(0, 0))
    )
    changes: dict[type[models.Model], dict] = {}
    for model, field in windowed_fields():
        if isinstance(field, ArrayField):
            value = [day]
        elif isinstance(field, models.DateTimeField):
            value = at
        else:
            value = day
        changes.setdefault(model, {})[field.name] = value
    for model, values in changes.items():  # a row's dates together: they may be ordered
        model.objects.update(**values)


def test_the_windowed_fields_include_those_that_broke_pages():
    found = {f"{model.__name__}.{field.name}" for model, field in windowed_fields()}
    assert {
        "ShowcaseSession.starts_at",
        "TrainingSession.starts_at",
        "Project.target_end_date",
        "Task.due_date",
        "DataPoint.date",
        "PDSACycle.start_date",
        "AppraisalNote.period_end",
        "Measure.rebase_dates",
    } <= found


@pytest.mark.parametrize("extreme", EXTREMES)
def test_every_page_survives_the_first_and_last_day_stored(client, world, extreme):
    store(EXTREMES[extreme])
    assert world.showcase_session.__class__.objects.get().starts_at.year in (1, 9999)
    failures = []
    for name in sorted(ROUTES):
        if name.startswith(("login", "logout")):
            continue
        path = url_for(name, world)
        for role in ROLES:
            try:
                status = request_as(client, getattr(world, role).user, "get", path).status_code
            except Exception as error:  # the test client re-raises a view's exception
                failures.append(f"{role} GET {path}: {type(error).__name__}: {error}")
                continue
            if status >= 500:
                failures.append(f"{role} GET {path}: {status}")
    assert failures == [], "\n".join(failures)
