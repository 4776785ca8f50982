from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tasks_db.models import DBTaskResult

from common.email import send_email

MOVED = ("common", "0001_send_email_task_path")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_emails_queued_before_the_mailer_moved_follow_it(db):
    migrate(("common", None))
    queued = DBTaskResult.objects.create(
        task_path="projects.notifications.send_email",
        queue_name="default",
        backend_name="default",
        args_kwargs={"args": [], "kwargs": {"to": ["a@example.org"]}},
    )
    try:
        migrate(MOVED)
    finally:
        migrate(MOVED)  # leave the test database as it was, whatever happened
    queued.refresh_from_db()
    assert queued.task_path == send_email.module_path == "common.email.send_email"
    assert queued.task.func is send_email.func
