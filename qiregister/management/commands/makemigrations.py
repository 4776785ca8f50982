"""Django's makemigrations, which leaves a stopped embedded database stopped.

makemigrations connects only to compare the database's migration history with the migration files,
and carries on with a warning when it cannot. With the embedded database (DATABASE_URL unset) and
no server running, starting one for that comparison would make `makemigrations --check` boot
PostgreSQL and create the data folder: the comparison is skipped instead, quietly. A running
embedded server is joined and compared as usual, as is any DATABASE_URL database.
"""

import warnings

from django.core.management.commands import makemigrations

from qiregister.embedded_db import NOT_RUNNING, join_only


class Command(makemigrations.Command):
    def handle(self, *app_labels, **options):
        with join_only(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=f".*{NOT_RUNNING}", category=RuntimeWarning)
            return super().handle(*app_labels, **options)
