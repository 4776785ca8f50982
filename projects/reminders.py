"""The reminders `send_reminders` sends, with thresholds from settings."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from common.email import notify
from people.models import Person
from projects.models import Project, ReminderLog, Task


def _send_once(kind: str, object_id: int, person: Person, **email) -> bool:
    """Email `person` unless this reminder already went to them today."""
    address = person.email or person.user.email
    if not address:
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, object_id=object_id, recipient=address)
            notify(to=[person], **email)
    except IntegrityError:
        return False
    return True


def send_reminders() -> Counter:
    sent: Counter = Counter()
    now = timezone.now()
    today = timezone.localdate()

    stale_before = today - dt.timedelta(days=settings.QIREGISTER_REMINDER_NO_UPDATE_DAYS)
    stale = (
        Project.objects.filter(stage__in=Project.ACTIVE_STAGES)
        .annotate(last_update=Max("progress_updates__date"))
        .filter(
            Q(last_update__lt=stale_before)
            | Q(last_update__isnull=True, stage_changed_at__date__lt=stale_before)
        )
        .select_related("lead__user")
    )
    for project in stale:
        sent["no progress update"] += _send_once(
            "no-update",
            project.pk,
            project.lead,
            subject=f"Time for a progress update on {project.reference}",
            template="reminder_no_update",
            context={"project": project, "days": settings.QIREGISTER_REMINDER_NO_UPDATE_DAYS},
        )

    for task in (
        Task.objects.quiet_claims()
        .exclude(project__stage__in=Project.CLOSED_STAGES)
        .select_related("project__lead__user", "claimed_by__user")
    ):
        for person in {task.claimed_by, task.project.lead}:
            sent["quiet claimed task"] += _send_once(
                "quiet-claim",
                task.pk,
                person,
                subject=f"No update on the task “{task.title}”",
                template="reminder_quiet_claim",
                context={"task": task},
            )

    waiting_since = now - dt.timedelta(days=settings.QIREGISTER_REMINDER_REVIEW_WAIT_DAYS)
    waiting = (
        Project.objects.filter(stage=Project.Stage.PROPOSED, review_requested_at__lt=waiting_since)
        .select_related("department__qi_lead__user")
        .prefetch_related("clinical_areas__champion_assignments__person__user")
    )
    for project in waiting:
        # Nobody is asked to review a project they work on (one query per proposal waiting,
        # in a daily job).
        working = set(project.people_working_on().values_list("pk", flat=True))
        champions = {
            assignment.person
            for area in project.clinical_areas.all()
            for assignment in area.champion_assignments.all()
            if assignment.person_id not in working
        }
        qi_lead = project.department.qi_lead
        if not champions and qi_lead is not None and qi_lead.pk not in working:
            champions = {qi_lead}  # no champion of the area is free: the QI lead decides
        for champion in champions:
            sent["proposal waiting"] += _send_once(
                "review-wait",
                project.pk,
                champion,
                subject=f"{project.reference} is waiting for your review",
                template="reminder_review_wait",
                context={"project": project},
            )
    return sent
