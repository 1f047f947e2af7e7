"""Write the whole published archive as a versioned dataset: CSV tables (meetings, readouts,
statements, people, attendances, topics) described by a Frictionless datapackage.json, and the
meetings as JSON Lines, in one zip file with its SHA-256 checksum beside it, in DATASET_DIR (or
the folder named). The site offers the newest at /data/.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings import dataset


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dataset-version", help="the dataset's version (by default today's date, 2026-12-03)")
        parser.add_argument("--output", type=Path, help="the folder to write it to (DATASET_DIR)")
        parser.add_argument("--base-url", default=settings.SITE_URL, help="the site's address, for the permalinks")

    def handle(self, *args, dataset_version, output, base_url, **options):
        version = dataset_version or f"{timezone.localdate():%Y-%m-%d}"
        if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]{0,40}", version):
            raise CommandError("A version is letters, digits, dots, hyphens and underscores (2026-12-03, 1.2).")
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", base_url):
            raise CommandError(
                f"--base-url must be the site's address, such as https://example.org (not “{base_url}”)."
            )
        try:
            written = dataset.write_dataset(version=version, directory=output, base_url=base_url)
        except OSError as exc:
            raise CommandError(f"The dataset could not be written: {exc}") from exc
        self.stdout.write(
            f"Wrote {written.path} ({written.size:,} bytes): {written.meetings:,} meetings, version {version},"
            f" SHA-256 {written.sha256}."
        )
