"""Import readout files (or folders of them) into the archive.

Each file is parsed, checked and written in its own transaction: a file that cannot be
read or imported is reported with its name and the reason, nothing of it is written, and
the others go on. Importing the same file again changes nothing; a changed file updates
its readout. The exit status is 1 when any file failed.
"""

import json
import sys
from collections import Counter
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from meetings.importing import ImportRefused, check_importable, topic_vocabulary, write_readout
from meetings.readouts import UnreadableReadout, parse_readout

MAX_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="readout files, or folders holding *.txt files")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object per readout on standard output")
        parser.add_argument(
            "--publish", action="store_true", help="publish the meetings imported (otherwise they arrive as drafts)"
        )

    def handle(self, *paths, **options):
        files = self.collect(options["paths"])
        if not files:
            raise CommandError("No readout files found in: " + ", ".join(options["paths"]))
        self.dry_run = options["dry_run"]
        self.json = options["json"]
        self.verbosity = options["verbosity"]
        self.publish = options["publish"]
        # With --json, standard output carries only the JSON lines; reports go to standard error.
        self.report = self.stderr if self.json else self.stdout
        self.vocabulary = topic_vocabulary()
        self.counts = Counter()
        show_progress = sys.stderr.isatty() and len(files) >= 20 and not self.json
        for index, path in enumerate(files, start=1):
            self.import_file(path)
            if show_progress:
                sys.stderr.write(f"\r{index}/{len(files)} files  {dict(self.counts)}".ljust(80))
        if show_progress:
            sys.stderr.write("\n")
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.counts.items()))
        prefix = "Dry run: " if self.dry_run else ""
        self.report.write(f"{prefix}{len(files)} files: {summary}")
        if self.counts["failed"]:
            raise CommandError(f"{self.counts['failed']} of {len(files)} files failed", returncode=1)

    def collect(self, paths: list[str]) -> list[Path]:
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"No such file or folder: {raw}")
        return files

    def fail(self, path: Path, reason: str) -> None:
        self.counts["failed"] += 1
        self.report.write(self.style.ERROR(f"{path.name}: {reason}"))

    def import_file(self, path: Path) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return self.fail(path, f"cannot be read ({exc.strerror})")
        if len(raw) > MAX_BYTES:
            return self.fail(path, f"is {len(raw):,} bytes, more than a readout can be ({MAX_BYTES:,})")
        if b"\x00" in raw:
            return self.fail(path, "is a binary file, not text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return self.fail(path, f"is not UTF-8 text (byte {exc.start} cannot be decoded)")
        try:
            parsed = parse_readout(text, vocabulary=self.vocabulary)
        except UnreadableReadout as exc:
            return self.fail(path, str(exc))
        if self.json:
            self.stdout.write(json.dumps(parsed.as_json(path.name), ensure_ascii=False))
        try:
            if self.dry_run:
                check_importable(parsed)
                self.counts["parsed"] += 1
                return None
            # Filled by write_readout when it is done, so the revision holds the final state.
            with reversion.create_revision(manage_manually=True):
                reversion.set_comment(f"Imported {path.name}")
                result = write_readout(parsed=parsed, file_name=path.name, text=text, publish=self.publish)
        except ImportRefused as exc:
            return self.fail(path, str(exc))
        except DatabaseError as exc:
            return self.fail(path, f"could not be written: {exc}".strip())
        self.counts[result.outcome] += 1
        for conflict in result.conflicts:
            self.counts["conflicts"] += 1
            self.report.write(self.style.WARNING(f"{path.name}: conflict: {conflict}; flagged for review"))
        if result.outcome != "unchanged" and self.verbosity >= 2:
            self.report.write(f"{path.name}: {result.outcome} — {result.meeting}")
        return None
