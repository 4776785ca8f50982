"""Recount the department figures summary from scratch, e.g. after restoring rows by hand:

    .venv/bin/python manage.py rebuild_department_figures

Database triggers keep the summary right as the data changes, so this is for repair only. It
locks the summary while it recounts (a few seconds at 100,000 projects): changes wait for it.
"""

from django.core.management.base import BaseCommand

from measurement.figures import rebuild_department_figures


class Command(BaseCommand):
    help = "Recount the department and trust-wide pages' figures from every project."

    def handle(self, *args, **options):
        rows = rebuild_department_figures()
        self.stdout.write(f"Department figures recounted: {rows} rows.")
