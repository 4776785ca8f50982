from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qiregister.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and the uploaded files into a new "
        "timestamped folder under BACKUP_DIR (default .data/backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="directory",
            type=Path,
            default=None,
            help="Where to write it (default: BACKUP_DIR).",
        )

    def handle(self, *args, directory: Path | None, **options):
        try:
            folder = backup_create(root=directory or settings.BACKUP_DIR)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {folder}")
