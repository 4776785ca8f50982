"""The email task moved from projects.notifications to common.email: queued emails name their
task by its import path, so those already in the queue (and the sent ones, which subject access
exports and anonymisation find by that path) are renamed to follow it."""

from django.db import migrations

OLD = "projects.notifications.send_email"
NEW = "common.email.send_email"


def rename(old: str, new: str):
    def run(apps, schema_editor):
        tasks = apps.get_model("django_tasks_database", "DBTaskResult")
        tasks.objects.filter(task_path=old).update(task_path=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("django_tasks_database", "0021_conditional_partial_index_ordering")]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
