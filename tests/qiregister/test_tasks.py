"""Emails go through the background queue: with the database backend a request only queues
them, and `manage.py db_worker` sends them; a send that fails is kept as failed, not lost.

The rest of the suite runs tasks immediately (tests/conftest.py: immediate_tasks); these tests
switch to the database backend, the production default.
"""

import datetime as dt
import signal
import smtplib
from io import StringIO
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from common.email import notify, send_email
from projects.models import Project
from tests.factories import PersonFactory, ProjectFactory
from tests.helpers import environment_without, run_manage

STRONG_KEY = "k" * 20 + "3fJ9@x!Qz7#Lp2$Wm8^Rt5&Yv1*Nb6(Hc4)"

# The worker commits each task's outcome as it goes, as it does in production, so these tests
# use real transactions rather than the one-transaction-per-test rollback.
pytestmark = pytest.mark.django_db(transaction=True)


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker():
    """Run `manage.py db_worker` in this process until the queue is empty."""
    # The worker installs its own SIGINT/SIGTERM handlers; give pytest's back afterwards.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> str:
        out = StringIO()
        call_command("db_worker", batch=True, reload=False, startup_delay=False, stdout=out)
        return out.getvalue()

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def colleague(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Colin League")


def ask_to_join(client_for, colleague, project):
    response = client_for(colleague).post(
        reverse("projects:join", args=[project.pk]), {"message": "Free on Tuesdays"}
    )
    assert response.status_code == 302


def test_a_join_request_queues_the_leads_email_and_the_worker_sends_it(
    queued_tasks, run_worker, client_for, colleague, project
):
    ask_to_join(client_for, colleague, project)

    # The request only queued the email.
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "common.email.send_email"

    run_worker()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [project.lead.email]
    assert email.subject == f"QI Register: Colin League would like to join {project.reference}"
    assert "Free on Tuesdays" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f"/projects/{project.pk}/#interests" in html
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL


def test_nothing_is_queued_when_the_change_is_rolled_back(queued_tasks, run_worker, staff, project):
    def change_that_fails():
        with transaction.atomic():
            notify(
                to=[staff],
                subject="Never sent",
                template="reminder_no_update",
                context={"project": project, "days": 30},
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        change_that_fails()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


def test_a_failed_send_is_recorded_as_failed_with_the_message_kept(
    queued_tasks, run_worker, settings, client_for, colleague, project
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    ask_to_join(client_for, colleague, project)

    run_worker()

    assert mail.outbox == []
    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "smtplib.SMTPConnectError"
    assert "Service not available" in failed.traceback
    # The message itself is kept, so it can be sent again once the mail server is back.
    kept = failed.args_kwargs["kwargs"]
    assert kept["to"] == [project.lead.email]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_email.enqueue(**kept)
    run_worker()
    assert [email.to for email in mail.outbox] == [[project.lead.email]]


def test_admins_see_failed_emails_in_the_admin(
    queued_tasks, run_worker, settings, client_for, admin, colleague, project
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    ask_to_join(client_for, colleague, project)
    run_worker()

    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    response = client_for(admin).get(changelist, {"status__exact": "FAILED"})
    assert response.status_code == 200
    assert "send_email" in response.content.decode()


def test_the_reminder_run_queues_its_emails_for_the_worker(
    queued_tasks, run_worker, staff, acute_medicine
):
    stale = ProjectFactory(lead=staff, stage="testing", clinical_areas=[acute_medicine])
    Project.objects.filter(pk=stale.pk).update(
        stage_changed_at=timezone.now() - dt.timedelta(days=60)
    )

    call_command("send_reminders", stdout=StringIO())
    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()
    assert [(email.to, email.subject) for email in mail.outbox] == [
        ([staff.email], f"QI Register: Time for a progress update on {stale.reference}")
    ]


def test_with_immediate_tasks_the_email_goes_with_the_request(client_for, colleague, project):
    # The development default (QIREGISTER_TASKS_BACKEND=immediate): `make run` needs no worker.
    ask_to_join(client_for, colleague, project)
    assert [email.to for email in mail.outbox] == [[project.lead.email]]
    assert not DBTaskResult.objects.exists()


def database_url() -> str:
    """The test database as a URL, for a child process to share it."""
    db = django_settings.DATABASES["default"]
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


def production_environment(**extra: str) -> dict[str, str]:
    return {
        **environment_without("DJANGO_", "QIREGISTER_", "EMAIL_"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "qi.example.nhs.uk",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        **extra,
    }


def test_the_worker_process_sends_email_queued_by_the_web_process(
    queued_tasks, client_for, colleague, project
):
    ask_to_join(client_for, colleague, project)
    assert DBTaskResult.objects.ready().count() == 1

    # Production settings (the database backend is their default), printing mail to stdout.
    env = production_environment(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    result = run_manage("db_worker", "--batch", "--no-startup-delay", env=env)

    assert result.returncode == 0, result.stderr
    assert f"To: {project.lead.email}" in result.stdout
    assert f"Subject: QI Register: Colin League would like to join {project.reference}" in (
        result.stdout
    )
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=False)
def test_an_unknown_tasks_backend_refuses_to_start():
    result = run_manage(
        "check", env=production_environment(QIREGISTER_TASKS_BACKEND="celery-please")
    )
    assert result.returncode != 0
    assert "QIREGISTER_TASKS_BACKEND must be database or immediate" in result.stderr
