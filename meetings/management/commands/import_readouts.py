"""Import readout files (or folders of them) into the archive.

A file that cannot be read or imported is reported with its name and the reason, nothing
of it is written, and the others go on; the exit status is then 1. Importing the same file
again changes nothing (its hash is compared before anything is parsed); a changed file
updates its readout, keeping what curators corrected. New files are parsed in parallel and
written in batches; a batch that fails is retried file by file.
"""

import hashlib
import json
import logging
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import reversion
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from meetings.importing import (
    ImportRefused,
    NewReadout,
    check_importable,
    gazetteer_data,
    infer_dates,
    topic_vocabulary,
    write_new_readouts,
    write_readout,
)
from meetings.models import Readout
from meetings.readouts import ParsedReadout, UnreadableReadout, parse_readout
from meetings.readouts.gazetteer import Gazetteer

logger = logging.getLogger(__name__)
MAX_BYTES = settings.READOUT_MAX_BYTES
BATCH = 500
PARALLEL_FROM = 200  # files; fewer are parsed in this process


@dataclass
class Loaded:
    path: Path
    text: str = ""
    digest: str = ""
    error: str = ""


def load(path: Path) -> Loaded:
    """Read one file as UTF-8 text, or say why it cannot be."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Loaded(path, error=f"cannot be read ({exc.strerror})")
    if len(raw) > MAX_BYTES:
        return Loaded(path, error=f"is {len(raw):,} bytes, more than a readout can be ({MAX_BYTES:,})")
    if b"\x00" in raw:
        return Loaded(path, error="is a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Loaded(path, error=f"is not UTF-8 text (byte {exc.start} cannot be decoded)")
    return Loaded(path, text=text, digest=hashlib.sha256(text.encode("utf-8")).hexdigest())


_vocabulary: dict | None = None
_gazetteer: Gazetteer | None = None


def _init_worker(vocabulary: dict, gazetteer: dict) -> None:
    global _vocabulary, _gazetteer
    _vocabulary = vocabulary
    _gazetteer = Gazetteer(gazetteer)


def parse(text: str) -> ParsedReadout | str:
    """The parse of a text, or the reason it cannot be parsed (picklable either way)."""
    try:
        parsed = parse_readout(text, vocabulary=_vocabulary, gazetteer=_gazetteer)
    except UnreadableReadout as exc:
        return str(exc)
    except Exception:  # a fault of the parser's, not of the file: reported, the others go on
        logger.exception("The parser failed on a file")
        return "the parser failed on this file (an error of the importer's, logged; please report it)"
    for p in parsed.participants:
        p.hit = None  # the gazetteer's match has done its work; it need not cross processes
    return parsed


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
        self.counts = Counter()
        self.printed: set[str] = set()  # files whose JSON line is out
        self.progress = sys.stderr.isatty() and len(files) >= 20 and not self.json
        vocabulary = topic_vocabulary()
        people = gazetteer_data()
        _init_worker(vocabulary, people)
        workers = min(os.cpu_count() or 1, 4)
        pool = None
        if len(files) >= PARALLEL_FROM and workers > 1:
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(vocabulary, people))
        try:
            # A pipeline: the next batch is parsed by the workers while this one is written.
            pending = None
            for start in range(0, len(files), BATCH):
                prepared = self.prepare(files[start : start + BATCH], pool)
                if pending:
                    self.finish(*pending)
                pending = prepared
                self.show_progress(start, len(files))
            if pending:
                self.finish(*pending)
        finally:
            if pool:
                pool.shutdown()
        if self.progress:
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
        if self.json and path.name not in self.printed:  # one line a file, even if its write fails
            self.stdout.write(json.dumps({"file": path.name, "refused": reason}, ensure_ascii=False))

    def show_progress(self, start: int, total: int) -> None:
        if self.progress:
            done = min(start + BATCH, total)
            counts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items()))
            sys.stderr.write(f"\r{done}/{total} files  {counts}")

    def prepare(self, paths: list[Path], pool):
        """Read a batch, set aside what has not changed, and start parsing the rest."""
        loaded = [load(p) for p in paths]
        for item in loaded:
            if item.error:
                self.fail(item.path, item.error)
        loaded = [item for item in loaded if not item.error]
        known = {}
        if not self.dry_run:
            rows = Readout.objects.filter(file_name__in=[i.path.name for i in loaded]).values_list(
                "file_name", "content_hash"
            )
            known = dict(rows)
        # An unchanged file is not parsed again, unless its parse is asked for.
        todo = []
        for item in loaded:
            if not self.json and known.get(item.path.name) == item.digest:
                self.counts["unchanged"] += 1
            else:
                todo.append(item)
        texts = [item.text for item in todo]
        if pool and len(texts) > 1:
            # Workers are forked on demand: they must not inherit an open database connection.
            connections.close_all()
            results = pool.map(parse, texts, chunksize=25)  # an iterator: the work goes on meanwhile
        else:
            results = [parse(t) for t in texts]
        return todo, results, known

    def finish(self, todo: list[Loaded], results, known: dict[str, str]) -> None:
        """Report the batch's parse failures and write what it holds."""
        new: list[NewReadout] = []
        changed: list[NewReadout] = []
        results = list(results)
        infer_dates([r for r in results if not isinstance(r, str)])
        for item, result in zip(todo, results, strict=True):
            if isinstance(result, str):
                self.fail(item.path, result)
                continue
            try:
                check_importable(result)
            except ImportRefused as exc:
                self.fail(item.path, str(exc))
                continue
            if self.json:
                self.stdout.write(json.dumps(result.as_json(item.path.name), ensure_ascii=False))
                self.printed.add(item.path.name)
            if self.dry_run:
                self.counts["parsed"] += 1
            elif known.get(item.path.name) == item.digest:
                self.counts["unchanged"] += 1
            else:
                (changed if item.path.name in known else new).append(NewReadout(item.path.name, item.text, result))
        if self.dry_run:
            return
        self.write_new(new)
        for item in changed:
            self.write_one(item)

    def write_new(self, items: list[NewReadout]) -> None:
        # Two files with the same name in one run: the first is new, the second changes it.
        seen, first, later = set(), [], []
        for item in items:
            (later if item.file_name in seen else first).append(item)
            seen.add(item.file_name)
        try:
            results = write_new_readouts(first, publish=self.publish)
        except (DatabaseError, ImportRefused):
            for item in first:  # find the file at fault; the others go in one by one
                self.write_one(item)
        else:
            for item, result in zip(first, results, strict=True):
                self.done(item, result)
        for item in later:
            self.write_one(item)

    def write_one(self, item: NewReadout) -> None:
        try:
            # Filled by write_readout when it is done, so the revision holds the final state.
            with reversion.create_revision(manage_manually=True):
                reversion.set_comment(f"Imported {item.file_name}")
                result = write_readout(
                    parsed=item.parsed, file_name=item.file_name, text=item.text, publish=self.publish
                )
        except ImportRefused as exc:
            return self.fail(Path(item.file_name), str(exc))
        except DatabaseError as exc:
            return self.fail(Path(item.file_name), f"could not be written: {exc}".strip())
        return self.done(item, result)

    def done(self, item: NewReadout, result) -> None:
        self.counts[result.outcome] += 1
        for conflict in result.conflicts:
            self.counts["conflicts"] += 1
            self.report.write(self.style.WARNING(f"{item.file_name}: conflict: {conflict}; flagged for review"))
        if result.outcome != "unchanged" and self.verbosity >= 2:
            self.report.write(f"{item.file_name}: {result.outcome} — {result.meeting}")
