"""Daily reminders. Run once a day from cron, e.g.

    15 7 * * *  cd /srv/qiregister && .venv/bin/python manage.py send_reminders

Running it twice on one day sends nothing new: every reminder is logged per recipient and day.
"""

from django.core.management.base import BaseCommand

from projects.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email leads of projects with no recent progress update, buddies and leads of quiet "
        "claimed tasks, and champions with proposals waiting for review."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        for kind, count in sent.items():
            self.stdout.write(f"{kind}: {count} sent")
