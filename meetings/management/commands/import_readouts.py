"""Import readout files (or folders of them) into the archive.

A file that cannot be read or imported is reported with its name and the reason, nothing
of it is written, and the others go on; the exit status is then 1.

A readout is known by its file's path in the folder named, and by its text. The path is taken
from the folder named on the command line, whatever the working directory and however the
folder is written: `readouts/`, `./readouts` and `/data/readouts` all give readouts/2016/kor.txt
the path "2016/kor.txt"; a file named on its own is known by its name. Importing the same file
again changes nothing (its hash is compared before anything is parsed); a changed file updates
its readout, keeping what curators corrected; a text the archive holds already, or that this
import has found at another path, is reported as a duplicate and imported once.

New files are parsed in parallel and written in batches, each in one transaction; a batch that
fails is retried file by file. Imports running at once write one batch at a time (the archive's
import lock), so that each sees what the others wrote.
"""

import errno
import hashlib
import json
import logging
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.db.models import Q

from meetings.importing import (
    AlreadyImported,
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
BATCH = 500  # files written in one transaction, unless --batch-size says otherwise
PARALLEL_FROM = 200  # files; fewer are parsed in this process


@dataclass
class Loaded:
    path: Path  # where the file is read from
    name: str  # its readout's file_name: its path in the folder named, or its own name
    text: str = ""
    digest: str = ""
    error: str = ""
    outcome: str = ""  # "new", "changed", "unchanged" or "duplicate" (of the file `twin`)
    twin: str = ""


def load(path: Path, name: str) -> Loaded:
    """Read one file as UTF-8 text, or say why it cannot be."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Loaded(path, name, error=f"cannot be read ({exc.strerror})")
    if len(raw) > MAX_BYTES:
        return Loaded(path, name, error=f"is {len(raw):,} bytes, more than a readout can be ({MAX_BYTES:,})")
    if b"\x00" in raw:
        return Loaded(path, name, error="is a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Loaded(path, name, error=f"is not UTF-8 text (byte {exc.start} cannot be decoded)")
    return Loaded(path, name, text=text, digest=hashlib.sha256(text.encode("utf-8")).hexdigest())


def walk(folder: Path, within: frozenset = frozenset()) -> Iterator[tuple[Path, str]]:
    """The *.txt files under a folder, in name order, as (path, ""), and what cannot be walked,
    as (path, the reason): a symbolic link to nothing, a loop of links, a folder that cannot be
    read. Links to folders are followed, but for one back to a folder the walk is in."""
    here = folder.stat()
    within = within | {(here.st_dev, here.st_ino)}
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        yield folder, f"is a folder that cannot be read ({exc.strerror})"
        return
    for entry in entries:
        try:
            found = entry.stat()
        except OSError as exc:
            if entry.is_symlink():
                yield entry, broken_link(entry, exc)
            elif entry.suffix == ".txt":
                yield entry, ""  # gone or unreadable: reading it says which
            continue
        if stat.S_ISDIR(found.st_mode):
            if (found.st_dev, found.st_ino) not in within:
                yield from walk(entry, within)
            elif entry.is_symlink():
                yield entry, f"is a symbolic link loop (to {os.readlink(entry)}, a folder it is in)"
            else:  # a folder reached again below a link to a folder above it
                yield entry, "is a folder the walk is in already, reached again through a symbolic link"
        elif stat.S_ISREG(found.st_mode) and entry.suffix == ".txt":
            yield entry, ""


def broken_link(link: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return f"is a symbolic link to {os.readlink(link)}, which does not exist"
    if exc.errno == errno.ELOOP:
        return "is a symbolic link loop (it never leads to a file)"
    return f"is a symbolic link that cannot be followed ({exc.strerror})"


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
        parser.add_argument(
            "--batch-size", type=int, default=BATCH, help=f"files written in one transaction (default {BATCH})"
        )

    def handle(self, *paths, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more")
        self.batch = options["batch_size"]
        files, unwalkable = self.collect(options["paths"])
        if not files and not unwalkable:
            raise CommandError("No readout files found in: " + ", ".join(options["paths"]))
        self.dry_run = options["dry_run"]
        self.json = options["json"]
        self.verbosity = options["verbosity"]
        self.publish = options["publish"]
        # With --json, standard output carries only the JSON lines; reports go to standard error.
        self.report = self.stderr if self.json else self.stdout
        self.counts = Counter()
        self.printed: set[str] = set()  # files whose JSON line is out
        self.names: dict[str, str] = {}  # file name -> text hash, of the files of this run so far
        self.texts: dict[str, str] = {}  # text hash -> the first file of this run that has it
        self.progress = sys.stderr.isatty() and len(files) >= 20 and not self.json
        for name, reason in unwalkable:
            self.fail(name, reason)
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
            for start in range(0, len(files), self.batch):
                prepared = self.prepare(files[start : start + self.batch], pool)
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
        total = len(files) + len(unwalkable)
        self.report.write(f"{prefix}{total} files: {summary}")
        if self.counts["failed"]:
            raise CommandError(f"{self.counts['failed']} of {total} files failed", returncode=1)

    def collect(self, paths: list[str]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
        """The files to import, each with its readout's file name (see the module's docstring),
        and what could not be walked in the folders, by name with the reason."""
        files: list[tuple[Path, str]] = []
        unwalkable: list[tuple[str, str]] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                for found, reason in walk(path):
                    name = found.relative_to(path).as_posix()
                    if reason:
                        unwalkable.append((name, reason))
                    else:
                        files.append((found, name))
            elif path.is_file():
                files.append((path, path.name))
            else:
                raise CommandError(f"No such file or folder: {raw}")
        return files, unwalkable

    def fail(self, name: str, reason: str) -> None:
        self.counts["failed"] += 1
        self.report.write(self.style.ERROR(f"{name}: {reason}"))
        if self.json and name not in self.printed:  # one line a file, even if its write fails
            self.stdout.write(json.dumps({"file": name, "refused": reason}, ensure_ascii=False))

    def show_progress(self, start: int, total: int) -> None:
        if self.progress:
            done = min(start + self.batch, total)
            counts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items()))
            sys.stderr.write(f"\r{done}/{total} files  {counts}")

    def prepare(self, files: list[tuple[Path, str]], pool):
        """Read a batch, set aside what has not changed, and start parsing the rest."""
        loaded = [load(path, name) for path, name in files]
        for item in loaded:
            if item.error:
                self.fail(item.name, item.error)
        loaded = [item for item in loaded if not item.error]
        by_name, by_text = {}, {}
        if not self.dry_run:
            rows = Readout.objects.filter(
                Q(file_name__in=[i.name for i in loaded]) | Q(content_hash__in=[i.digest for i in loaded])
            )
            for name, digest in rows.order_by("pk").values_list("file_name", "content_hash"):
                by_name[name] = digest
                by_text.setdefault(digest, name)
        loaded = [item for item in loaded if self.sort_out(item, by_name, by_text)]
        # An unchanged file or a duplicate is not parsed, unless its parse is asked for.
        todo = []
        for item in loaded:
            if not self.json and item.outcome in ("unchanged", "duplicate"):
                self.skip(item)
            else:
                todo.append(item)
        texts = [item.text for item in todo]
        if pool and len(texts) > 1:
            # Workers are forked on demand: they must not inherit an open database connection.
            connections.close_all()
            results = pool.map(parse, texts, chunksize=25)  # an iterator: the work goes on meanwhile
        else:
            results = [parse(t) for t in texts]
        return todo, results

    def sort_out(self, item: Loaded, by_name: dict[str, str], by_text: dict[str, str]) -> bool:
        """Set what a file is to the archive (its outcome); False when it cannot be imported."""
        if item.name in self.names:
            if self.names[item.name] != item.digest:
                self.fail(
                    item.name,
                    f"{item.path} has the name of another file of this import; "
                    "import the folder that holds both to keep them apart",
                )
                return False
            item.outcome, item.twin = "duplicate", item.name
        elif by_name.get(item.name) == item.digest:
            item.outcome = "unchanged"
        elif twin := self.texts.get(item.digest) or by_text.get(item.digest):
            item.outcome, item.twin = "duplicate", twin
        else:
            item.outcome = "changed" if item.name in by_name else "new"
        self.names.setdefault(item.name, item.digest)
        self.texts.setdefault(item.digest, item.name)
        return True

    def skip(self, item: Loaded) -> None:
        self.counts[item.outcome] += 1
        if item.outcome == "duplicate":
            self.report_duplicate(item.name, item.twin)

    def report_duplicate(self, name: str, twin: str) -> None:
        what = "named twice in this import" if twin == name else f"the same text as {twin}"
        self.report.write(self.style.WARNING(f"{name}: {what}; skipped as a duplicate"))

    def finish(self, todo: list[Loaded], results) -> None:
        """Report the batch's parse failures and write what it holds."""
        new: list[NewReadout] = []
        changed: list[NewReadout] = []
        results = list(results)
        infer_dates([r for r in results if not isinstance(r, str)])
        for item, result in zip(todo, results, strict=True):
            if isinstance(result, str):
                self.fail(item.name, result)
                continue
            try:
                check_importable(result)
            except ImportRefused as exc:
                self.fail(item.name, str(exc))
                continue
            if self.json:
                self.stdout.write(json.dumps(result.as_json(item.name), ensure_ascii=False))
                self.printed.add(item.name)
            if item.outcome in ("unchanged", "duplicate"):
                self.skip(item)
            elif self.dry_run:
                self.counts["parsed"] += 1
            else:
                (changed if item.outcome == "changed" else new).append(NewReadout(item.name, item.text, result))
        if self.dry_run:
            return
        self.write_new(new)
        for item in changed:
            self.write_one(item)

    def write_new(self, items: list[NewReadout]) -> None:
        try:
            results = write_new_readouts(items, publish=self.publish)
        except (DatabaseError, ImportRefused, AlreadyImported):
            for item in items:  # find the file at fault (or written meanwhile); the others go in one by one
                self.write_one(item)
        else:
            for item, result in zip(items, results, strict=True):
                self.done(item, result)

    def write_one(self, item: NewReadout) -> None:
        try:
            result = write_readout(parsed=item.parsed, file_name=item.file_name, text=item.text, publish=self.publish)
        except ImportRefused as exc:
            return self.fail(item.file_name, str(exc))
        except DatabaseError as exc:
            return self.fail(item.file_name, f"could not be written: {exc}".strip())
        return self.done(item, result)

    def done(self, item: NewReadout, result) -> None:
        self.counts[result.outcome] += 1
        if result.outcome == "duplicate":
            self.report_duplicate(item.file_name, result.readout.file_name)
        for conflict in result.conflicts:
            self.counts["conflicts"] += 1
            self.report.write(self.style.WARNING(f"{item.file_name}: conflict: {conflict}; flagged for review"))
        if result.outcome != "unchanged" and self.verbosity >= 2:
            self.report.write(f"{item.file_name}: {result.outcome} — {result.meeting}")
