"""Restore the archive's database (the embedded PostgreSQL, or DATABASE_URL's) from a backup.

Everything the backup holds replaces what the database has, in one transaction: when anything
fails, the database is left as it was. Nothing is asked first.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive import backups


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a backup made by backup_database (make backup)")

    def handle(self, *args, file, **options):
        try:
            backups.restore(connection.settings_dict, file)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the database {backups.location(connection.settings_dict)} from {file}.")
        # Server processes keep facet counts in memory by the archive's version, which the
        # restore has set back to the backup's.
        self.stdout.write(
            "Restart the archive's server processes, if any are running, so that they forget what they kept."
        )
