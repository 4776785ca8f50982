from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qiregister.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a folder made by `backup`. A "
        "database or media folder that is not empty is replaced only with --yes, after "
        "backing it up. Stop the app first."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup folder to restore from.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the database's tables and the media files that are there now.",
        )

    def handle(self, *args, backup: Path, yes: bool, **options):
        try:
            counts = backup_restore(folder=backup, replace=yes, backup_root=settings.BACKUP_DIR)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {sum(counts.values())} rows in {len(counts)} tables, and the media "
            f"files, from {backup}"
        )
