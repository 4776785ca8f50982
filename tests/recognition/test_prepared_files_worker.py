"""A large PDF with the production tasks backend: the request only queues it, and
`manage.py db_worker` makes it, then sends the email it queued."""

import signal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from recognition import documents
from recognition.models import PreparedFile
from tests.factories import PersonFactory

# The worker commits each task's outcome as it goes, as in production (tests/qiregister/
# test_tasks.py does the same for emails).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """Run `manage.py db_worker` in this process until the queue is empty."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, stdout=StringIO())
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_the_worker_prepares_the_file_the_request_only_queued(queued_tasks, client_for, manager):
    for n in range(documents.INLINE_MAX_PEOPLE + 1):
        PersonFactory(department=manager.department, line_manager=manager, display_name=f"R{n}")
    client = client_for(manager)
    page = client.get(reverse("recognition:appraisal_summary_pdf"), follow=True)
    assert "We are preparing your file" in page.text
    prepared = PreparedFile.objects.get()
    assert prepared.status == PreparedFile.Status.PREPARING

    run_worker()  # makes the file and queues the email
    run_worker()  # sends the email
    prepared.refresh_from_db()
    assert prepared.status == PreparedFile.Status.READY
    assert "Your file is ready" in client.get(page.request["PATH_INFO"]).text
    download = client.get(reverse("recognition:prepared_file_download", args=[prepared.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    (email,) = mail.outbox
    assert email.to == [manager.email]
