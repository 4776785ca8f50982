from django.core.management.base import BaseCommand, CommandError

from qiregister.backups import BackupError, media_sweep
from recognition.services.prepared_files import prepared_files_sweep


class Command(BaseCommand):
    help = (
        "Delete uploaded files that no row references (replaced or removed posters) and that "
        "are older than the grace period. Skips, deleting nothing, while a backup or restore "
        "runs. Also deletes prepared PDFs whose time is up (PREPARED_FILES_DAYS), which "
        "backups never hold. Run it from cron (deploy/cron/qiregister)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=24,
            help="Keep unreferenced files younger than this many hours (default 24): an "
            "upload is written before its row is saved.",
        )

    def handle(self, *args, grace_hours: int, **options):
        if grace_hours < 0:
            raise CommandError("--grace-hours must be 0 or more")
        expired = prepared_files_sweep()
        self.stdout.write(f"Deleted {expired} prepared files whose time was up.")
        try:
            deleted, kept = media_sweep(grace_hours=grace_hours)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Deleted {len(deleted)} files no row references; kept {kept} younger than "
            f"{grace_hours} hours."
        )
