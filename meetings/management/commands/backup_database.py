"""Back up the archive's database (the embedded PostgreSQL, or DATABASE_URL's) with pg_dump.

The backup is written in pg_dump's custom format to backups/readouts-YYYYmmdd-HHMMSS.dump, or
to the file named; restore_database reads it back.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from archive import backups


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="where to write it (backups/readouts-<time>.dump)")

    def handle(self, *args, file, **options):
        path = file or settings.BASE_DIR / "backups" / f"readouts-{timezone.localtime():%Y%m%d-%H%M%S}.dump"
        try:
            size = backups.backup(connection.settings_dict, path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the database {backups.location(connection.settings_dict)} to {path} ({size:,} bytes)."
        )
