"""A project's change history across the records that make it up, from django-simple-history.

One query per kind of record whatever the length of the history; each change is diffed in
memory against the previous version of the same row.
"""

from __future__ import annotations

from django.db.models import Q

from projects.models import (
    ClosureReport,
    Interest,
    Membership,
    MentoringNote,
    ProgressUpdate,
    Project,
    ReviewDecision,
    RoleOpening,
    Task,
)

LIMIT = 300
# Noise that changes with every save and says nothing to governance.
IGNORED = {"search_vector", "updated_at", "last_activity_at"}


def _sources(project: Project):
    yield Project, "Project", Q(id=project.pk)
    for model, label in [
        (Task, "Task"),
        (RoleOpening, "Role opening"),
        (ProgressUpdate, "Progress update"),
        (ReviewDecision, "Review decision"),
        (ClosureReport, "Closure report"),
        (MentoringNote, "Mentoring note"),
        (Membership, "Team membership"),
        (Interest, "Request to join"),
    ]:
        yield model, label, Q(project_id=project.pk)


def _show(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def project_changes(project: Project, *, limit: int = LIMIT) -> list[dict]:
    entries = []
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
                        "old": _show(getattr(before, field.attname)),
                        "new": _show(getattr(record, field.attname)),
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
                    "object": _show(record.history_object),
                    "action": {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
                    "changes": changes,
                }
            )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:limit]
