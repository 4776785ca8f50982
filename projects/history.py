"""A project's change history across the records that make it up, from django-simple-history.

One query per kind of record whatever the length of the history; each change is diffed in
memory against the previous version of the same row.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from people.models import Person
from projects.models import Project

LIMIT = 300
# Noise that changes with every save and says nothing to governance.
IGNORED = {"search_vector", "updated_at", "last_activity_at"}


def _sources(project: Project):
    """The project itself, then every record of any app that belongs to a project and names
    itself for this page with `project_history_label` (tasks, measures, savings...): an app
    above projects plugs its records in without projects importing it."""
    yield Project, "Project", Q(id=project.pk)
    for model in apps.get_models():
        label = getattr(model, "project_history_label", None)
        if label:
            yield model, label, Q(project_id=project.pk)


def _show(value) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).strftime("%d %b %Y %H:%M")
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _value(field, value, people: set[int]):
    """What a person reads: choice labels, people's names, local times."""
    if value is None:
        return None
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if getattr(field, "base_field", None) is not None and field.base_field.choices:
        labels = dict(field.base_field.flatchoices)  # a list of choices, e.g. patient benefits
        return ", ".join(str(labels.get(item, item)) for item in value)
    if field.is_relation and field.related_model is Person:
        people.add(value)
        return PersonRef(value)  # named in one query at the end
    return value


class PersonRef(int):
    """A person's id in a change, to be replaced by their name."""


def _label(record) -> str:
    """The row's own name, without loading related rows (history_object's __str__ would)."""
    for name in ("title", "role_title", "change_idea", "description", "name"):
        if getattr(record, name, None):
            return getattr(record, name)
    return f"#{record.id}"


def project_changes(project: Project, *, limit: int = LIMIT) -> list[dict]:
    entries = []
    people: set[int] = set()  # ids of people named in changes
    for model, label, condition in _sources(project):
        history = model.history.model
        # Compared directly: simple-history's diff_against skips non-editable fields.
        fields = [f for f in history.tracked_fields if f.name not in IGNORED]
        records = (
            model.history.filter(condition)
            .select_related("history_user__person")
            .order_by("id", "history_date", "history_id")
        )
        previous = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            if before is None or record.history_type == "-":
                changes = []
            else:
                changes = [
                    {
                        "field": field.verbose_name,
                        "old": _value(field, getattr(before, field.attname), people),
                        "new": _value(field, getattr(record, field.attname), people),
                    }
                    for field in fields
                    if getattr(before, field.attname) != getattr(record, field.attname)
                ]
                if not changes:
                    continue
            user = record.history_user
            entries.append(
                {
                    "when": record.history_date,
                    "who": (
                        getattr(getattr(user, "person", None), "display_name", None)
                        or (user.get_username() if user else "System")
                    ),
                    "what": label,
                    "object": _show(_label(record)),
                    "action": {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
                    "changes": changes,
                }
            )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    entries = entries[:limit]
    names = dict(Person.objects.filter(pk__in=people).values_list("pk", "display_name"))
    for entry in entries:
        for change in entry["changes"]:
            for side in ("old", "new"):
                value = change[side]
                if isinstance(value, PersonRef):
                    value = names.get(value, f"person #{int(value)}")
                change[side] = _show(value)
    return entries
