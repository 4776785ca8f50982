"""PDFs too large to make in a request: asked for, made by the background worker, downloaded
by the person who asked, deleted after settings.PREPARED_FILES_DAYS.

A web worker never makes one of these, so its memory stays within what a small PDF takes
(recognition.documents says which are small). The worker (`manage.py db_worker`, or at once in
the request with the "immediate" tasks backend of `make run` and the tests) makes the file
within the bounds of recognition.documents and emails the person a link to it.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from common.email import notify
from people.models import Person
from recognition import documents
from recognition.models import PreparedFile
from recognition.pdf import render_pdf

logger = logging.getLogger(__name__)

TEMPLATES = {
    PreparedFile.Kind.APPRAISAL_SUMMARY: "recognition/pdf/appraisal_summary.html",
    PreparedFile.Kind.PORTFOLIO: "recognition/pdf/portfolio.html",
}


def prepared_file_request(
    *, user, kind: str, title: str, filename: str, parameters: dict
) -> PreparedFile:
    """Record what `user` asked for and queue its making, once the row is committed. The same
    file asked for again while it is still being prepared (a second click) is not made twice."""
    now = timezone.now()
    with transaction.atomic():
        waiting = PreparedFile.objects.filter(
            requested_by=user,
            kind=kind,
            parameters=parameters,
            status=PreparedFile.Status.PREPARING,
        ).first()
        if waiting is not None:
            return waiting
        prepared = PreparedFile.objects.create(
            requested_by=user,
            kind=kind,
            title=title,
            filename=filename,
            parameters=parameters,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.PREPARED_FILES_DAYS),
        )
        transaction.on_commit(partial(prepared_file_make.enqueue, prepared_file_id=prepared.pk))
    return prepared


def _context(prepared: PreparedFile) -> dict:
    parameters = prepared.parameters
    start = dt.date.fromisoformat(parameters["from"])
    end = dt.date.fromisoformat(parameters["to"])
    user = prepared.requested_by
    if prepared.kind == PreparedFile.Kind.APPRAISAL_SUMMARY:
        people = documents.summary_people(user, parameters["people"])
        return documents.appraisal_summary_context(user=user, people=people, start=start, end=end)
    person = Person.objects.select_related("department").get(user=user)
    return documents.portfolio_context(person=person, start=start, end=end)


@task()
def prepared_file_make(*, prepared_file_id: int) -> None:
    """Make the PDF, store it and email the person who asked. Runs in the worker.

    A failure (the PDF libraries missing, the database gone) marks the file failed, which its
    page says, and re-raises so that the task's traceback is kept (admin: Tasks Database
    Backend)."""
    prepared = (
        PreparedFile.objects.select_related("requested_by")
        .filter(pk=prepared_file_id, status=PreparedFile.Status.PREPARING)
        .first()
    )
    if prepared is None:  # swept, or made already by an earlier run
        return
    try:
        content = render_pdf(TEMPLATES[prepared.kind], _context(prepared))
    except Exception:
        PreparedFile.objects.filter(pk=prepared.pk).update(
            status=PreparedFile.Status.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        prepared.file.save(prepared.filename, ContentFile(content), save=False)
        prepared.size = len(content)
        prepared.status = PreparedFile.Status.READY
        prepared.finished_at = timezone.now()
        prepared.save(update_fields=["file", "size", "status", "finished_at"])
        notify(
            to=_recipients(prepared.requested_by),
            subject=f"your file is ready: {prepared.title}",
            template="prepared_file_ready",
            context={
                "prepared": prepared,
                "path": reverse("recognition:prepared_file", args=[prepared.pk]),
            },
        )


def _recipients(user) -> list:
    person = Person.objects.filter(user=user).select_related("user").first()
    if person is not None:
        return [person]
    return [user] if user.email else []


def prepared_files_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete the prepared files whose time is up, rows and stored files; returns how many."""
    expired = PreparedFile.objects.filter(expires_at__lte=now or timezone.now())
    deleted = 0
    for prepared in expired.iterator():
        if prepared.file:
            prepared.file.delete(save=False)
        prepared.delete()
        deleted += 1
    return deleted
