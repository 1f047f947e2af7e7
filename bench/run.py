"""Benchmark the archive at a given size, each figure beside its baseline and its budget.

    .venv/bin/python bench/run.py --readouts 100000        # or: make bench N=100000

What it measures, in one run (bench/README.md says how and why):

1. new searches: distinct searches drawn from the corpus's own words with 0-3 facet choices,
   each fetched once (nothing kept from an earlier page helps it), beside the page's SQL run
   directly once;
2. repeated pages: some of those pages and browse pages fetched again, beside their SQL;
3. browse: home and deep pages of facet choices, no search words, each fetched once;
4. under load: 1, 4 and 16 clients at once on a mix of new searches, repeated searches,
   browse and meeting pages, beside the same pages' SQL from as many connections at once;
5. the server processes' memory after the load;
6. after an edit: an Editor's save in the admin, then the next readers of home and of searches;
7. import, re-import, and the importer's writes beside a plain COPY of the same rows.

Everything is written to bench/out/results-<N>.json, and the table to results-<N>.md. The
database is `readouts_bench` on the embedded PostgreSQL, or on the server DATABASE_URL names;
it is dropped and made anew. Pages are fetched over HTTP from gunicorn (2 workers, DEBUG off);
their SQL is captured in this process and replayed straight to PostgreSQL for the baselines.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import math
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from load import Workload, get, http_clients, percentile, query_string, run_statements, sql_clients
from queries import Searches, browse_choices, read_vocabulary
from report import CLIENTS_IN_BUDGET, report

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
BENCH_DB = "readouts_bench"
CLIENTS = [1, 4, CLIENTS_IN_BUDGET]
REPEATED_SEARCHES = 40  # of the new searches, fetched again --repeat times
REPEATED_BROWSE = 10  # of the browse pages
MEETING_PAGES = 30  # for the mix under load
READERS_AFTER_EDIT = 10  # repeated searches read after each edit (and home)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- The machine ----------------------------------------------------------------------------
# It is shared: beside each step stand the load average at its end and the CPU that processes
# other than the benchmark's own (this one and its children, the embedded PostgreSQL) used
# during it, so that a figure measured while someone else's tests ran says so.

OWN_PROCESSES: list[int] = []  # this process and the embedded PostgreSQL's postmaster, set in main()


def busy_seconds() -> tuple[float, float, float]:
    """(now, CPU seconds the machine has spent busy since boot, of which the benchmark's own
    processes: each with its descendants and the children they have reaped)."""
    tick = os.sysconf("SC_CLK_TCK")
    user, nice, system, _, _, irq, softirq, steal = (
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    parents, spent = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            values = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        parents[int(stat.parent.name)] = int(values[1])
        spent[int(stat.parent.name)] = sum(int(v) for v in values[11:15])  # utime, stime, cutime, cstime
    ours = {pid for pid in OWN_PROCESSES if pid in spent}
    while True:
        more = {pid for pid, parent in parents.items() if parent in ours} - ours
        if not more:
            break
        ours |= more
    machine = (user + nice + system + irq + softirq + steal) / tick
    return time.perf_counter(), machine, sum(spent[pid] for pid in ours) / tick


def step_figures(since: tuple[float, float, float]) -> dict:
    """The load average now (1 minute) and the cores' worth of CPU others used since `since`."""
    now, machine, ours = busy_seconds()
    others = ((machine - since[1]) - (ours - since[2])) / max(now - since[0], 1e-3)
    return {"load_average": round(os.getloadavg()[0], 2), "others_cpu_cores": round(max(others, 0), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readouts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20, help="fetches of each repeated page (20)")
    parser.add_argument("--searches", type=int, default=210, help="new searches, each fetched once (210)")
    parser.add_argument("--browse", type=int, default=40, help="browse pages, each fetched once (40)")
    parser.add_argument("--load-seconds", type=float, help="seconds of each load level, HTTP and SQL each (45)")
    parser.add_argument("--edits", type=int, help="admin saves, each followed by its readers (5)")
    parser.add_argument("--quick", action="store_true", help="a short run, for CI: 3 s a load level, 2 edits")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="measure everything but the import again, on the database of the last run at this size",
    )
    parser.add_argument("--report", action="store_true", help="print the table of the last run at this size again")
    args = parser.parse_args()
    if args.load_seconds is None:
        args.load_seconds = 3 if args.quick else 45
    if args.edits is None:
        args.edits = 2 if args.quick else 5
    path = OUT / f"results-{args.readouts}.json"
    if args.report:
        report(json.loads(path.read_text()), OUT)
        return

    OUT.mkdir(parents=True, exist_ok=True)
    OWN_PROCESSES[:] = own_processes()
    results: dict = {
        "readouts_requested": args.readouts,
        "seed": args.seed,
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "options": {k: v for k, v in vars(args).items() if k not in ("report", "readouts", "seed")},
    }
    print(f"load average before the run: {results['load_average_before']}", flush=True)
    print(f"a Python loop of ten million additions: {results['machine']['python_loop_seconds']} s", flush=True)
    corpus = write_corpus(args.readouts, args.seed)
    results["corpus"] = corpus.name
    admin_url, bench_url = database_urls()
    env = bench_env(bench_url)
    if args.pages_only:
        last = json.loads(path.read_text())
        results["import"], results["writes"] = last["import"], last["writes"]
        results["import_from"] = last.get("date", "the last run")
        run([PY, "manage.py", "migrate", "-v0"], env)
        setup_django(env)
        forget_kept_pages()
    else:
        fresh_database(admin_url)
        run([PY, "manage.py", "migrate", "-v0"], env)
        print("import …", flush=True)
        since = busy_seconds()
        first = run([PY, "manage.py", "import_readouts", "--publish", str(corpus)], env)
        again = run([PY, "manage.py", "import_readouts", "--publish", str(corpus)], env)
        setup_django(env)
        results["import"] = import_figures(first, again) | step_figures(since)
        path.write_text(json.dumps(results, indent=2))  # kept if a later step fails
        print(f"import: {results['import']}", flush=True)
        print("the importer's writes alone, and COPY …", flush=True)
        since = busy_seconds()
        results["writes"] = writes_versus_copy(corpus) | step_figures(since)
        print(f"writes: {results['writes']}", flush=True)
    path.write_text(json.dumps(results, indent=2))
    results["pages"] = serve_and_measure(env, bench_url, corpus, args)
    path.write_text(json.dumps(results, indent=2))
    table = report(results, OUT)
    print(f"\nThe same as a Markdown table: {table.relative_to(ROOT)}")


def own_processes() -> list[int]:
    """This process and, when the archive's own PostgreSQL is used, its postmaster."""
    pids = [os.getpid()]
    if not os.environ.get("DATABASE_URL"):
        sys.path.insert(0, str(ROOT))
        from archive import pgcluster

        pgcluster.start(quiet=True)
        pids.append(int((pgcluster.CLUSTER / "postmaster.pid").read_text().split()[0]))
    return pids


def write_corpus(readouts: int, seed: int) -> Path:
    """The corpus of this size and seed, written once per version of the generator."""
    generator = hashlib.sha256((ROOT / "bench" / "generate.py").read_bytes()).hexdigest()[:10]
    corpus = OUT / f"corpus-{readouts}-{seed}-{generator}"
    if not (corpus / "MANIFEST.tsv").exists():
        print(f"generating {readouts} readouts in {corpus} …", flush=True)
        subprocess.run(
            [PY, "bench/generate.py", str(corpus), "--readouts", str(readouts), "--seed", str(seed)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return corpus


def database_urls() -> tuple[str, str]:
    """(admin URL to create the bench database with, the bench database's URL)."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.path.insert(0, str(ROOT))
        from archive import pgcluster

        pgcluster.start(quiet=True)
        p = pgcluster.connection_params()
        base = f"postgres://{p['user']}:{p['password']}@{p['host']}:{p['port']}/{p['dbname']}"
    parts = urllib.parse.urlsplit(base)
    bench = urllib.parse.urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return base, bench


def fresh_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def bench_env(bench_url: str) -> dict:
    """The environment of the benchmark's server and commands: production settings, bench database."""
    return {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # the benchmark speaks plain HTTP on loopback
    }


def setup_django(env: dict) -> None:
    """Django in this process, on the bench database with the server's settings."""
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def run(cmd: list[str], env: dict) -> float:
    """Run a command in the project folder; the seconds it took."""
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python_loop_seconds": python_loop_seconds(),
    }


def python_loop_seconds() -> float:
    """The best of three times of a loop of ten million additions in Python: how fast this
    machine runs Python, so that runs on different machines can be set side by side (a page's
    time beyond its SQL is mostly Python)."""
    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best, 2)


# --- Import ----------------------------------------------------------------------------------

# Every table an import writes, and those a TRUNCATE of them empties by cascade (the narrow
# search table: left out, the pages measured after this step found nothing).
DATA_TABLES = [
    "meetings_participant",
    "meetings_participantalias",
    "meetings_meeting",
    "meetings_meetingsearch",
    "meetings_readout",
    "meetings_attendance",
    "meetings_statement",
    "meetings_statement_speakers",
    "meetings_statement_topics",
    "meetings_meeting_topics",
    "reversion_revision",
    "reversion_version",
]


def import_figures(first: float, again: float) -> dict:
    """The import's figures: what it wrote, how fast, and the unchanged re-import's share of it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM meetings_readout), (SELECT count(*) FROM meetings_statement),"
            " (SELECT count(*) FROM meetings_meeting)"
        )
        readouts, statements, meetings = cursor.fetchone()
    return {
        "readouts": readouts,
        "statements": statements,
        "meetings": meetings,
        "seconds": round(first, 2),
        "readouts_per_s": round(readouts / first, 1),
        "statements_per_s": round(statements / first, 1),
        "reimport_seconds": round(again, 2),
        "reimport_share": round(again / first, 3),
    }


def writes_versus_copy(corpus: Path) -> dict:
    """The importer's database writes alone (write_new_readouts, as the import command calls it
    for each batch), beside a plain COPY of the same rows into the same tables. The rows as the
    import left them are COPYed out first and back in last, so the archive is whole after, even
    when the writes fail."""
    from concurrent.futures import ProcessPoolExecutor

    from django.db import DatabaseError, connection, connections, transaction

    from meetings.importing import NewReadout, gazetteer_data, topic_vocabulary, write_new_readouts
    from meetings.management.commands import import_readouts as command

    files = sorted(corpus.glob("*.txt"))
    loaded = [command.load(p, p.name) for p in files]
    vocabulary = topic_vocabulary()
    connections.close_all()
    start = time.perf_counter()
    with ProcessPoolExecutor(
        max_workers=os.cpu_count(), initializer=command._init_worker, initargs=(vocabulary, gazetteer_data())
    ) as pool:
        parsed = list(pool.map(command.parse, [item.text for item in loaded], chunksize=50))
    parse_seconds = time.perf_counter() - start
    items = [
        NewReadout(item.name, item.text, p) for item, p in zip(loaded, parsed, strict=True) if not isinstance(p, str)
    ]
    dumps = copy_out(DATA_TABLES)

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE")
    out: dict = {"parse_seconds": round(parse_seconds, 2)}
    start = time.perf_counter()
    try:
        for i in range(0, len(items), command.BATCH):
            write_new_readouts(items[i : i + command.BATCH], publish=True)
    except DatabaseError as exc:
        # The import command then writes the batch file by file instead (its own figure shows it).
        out["error"] = str(exc).splitlines()[0]
    else:
        writes = time.perf_counter() - start
        out.update(writes_seconds=round(writes, 2), writes_readouts_per_s=round(len(items) / writes, 1))

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(DATA_TABLES)} CASCADE")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in DATA_TABLES:
            columns, data = dumps[table]
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(data)
        # The foreign keys are checked at COMMIT, with plans made then. Without statistics of
        # the tables just filled (they were emptied in this session), each check of a meeting
        # id read index leaf page after leaf page (a bitmap scan of what can only be the
        # (status, date, id) index, the one other index holding the id), and the commit ran
        # for 6 to 12 minutes until cancelled. ANALYZE first, and leave its time out of COPY's.
        analyze_start = time.perf_counter()
        cursor.execute(f"ANALYZE {', '.join(DATA_TABLES)}")
        analyze_seconds = time.perf_counter() - analyze_start
    copy_seconds = time.perf_counter() - start - analyze_seconds
    with connection.cursor() as cursor:  # the next ids follow the rows copied in
        for table in DATA_TABLES:
            if table == "meetings_meetingsearch":
                continue  # keyed by its meeting: no sequence of its own
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(max(id), 0) + 1, false) FROM {table}"
            )
    out.update(
        copy_seconds=round(copy_seconds, 2),
        copy_analyze_seconds_left_out=round(analyze_seconds, 2),
        copy_readouts_per_s=round(len(items) / copy_seconds, 1),
    )
    if "writes_seconds" in out:
        out["writes_speed_share_of_copy"] = round(copy_seconds / out["writes_seconds"], 3)
    return out


def copy_out(tables: list[str]) -> dict[str, tuple[str, bytes]]:
    """Each table's stored columns (the generated ones are generated again on the way in) and its
    rows in COPY's text format."""
    from django.db import connection

    dumps = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns"
                " WHERE table_name = %s AND is_generated = 'NEVER'",
                [table],
            )
            columns = cursor.fetchone()[0]
            buffer = bytearray()
            with cursor.cursor.copy(f"COPY {table} ({columns}) TO STDOUT") as copy:
                for block in copy:
                    buffer += block
            dumps[table] = (columns, bytes(buffer))
    return dumps


# --- Pages -----------------------------------------------------------------------------------


@dataclass
class Page:
    """A page, the statements it runs (captured in this process), and its times in seconds:
    over HTTP, and its statements replayed straight to PostgreSQL."""

    kind: str  # a kind of search (queries.KINDS), "browse" or "meeting"
    path: str
    statements: list[str]
    http: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)

    @property
    def is_search(self) -> bool:
        return self.kind not in ("browse", "meeting")


class RolledBack(Exception):
    """Raised to roll back what a captured page wrote."""


def capture(path: str, *, first_reader: bool) -> list[str]:
    """The SQL a page runs, rendered in this process through Django's test client. As its first
    reader: it reads what earlier readers kept in the cache (the server's, shared), keeps
    nothing there, and writes nothing (a transaction rolled back after), so that the page
    fetched over HTTP next is still its first reader."""
    from unittest import mock

    from django.core.cache import caches
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    keeps = contextlib.nullcontext() if not first_reader else mock.patch.object(caches["default"], "set")
    try:
        with keeps, transaction.atomic(), CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
            if first_reader:
                raise RolledBack
    except RolledBack:
        pass
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"][:30]]


def replay(statements: list[str]) -> float:
    """A page's statements run straight to PostgreSQL, on this process's connection: seconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        return run_statements(cursor.cursor, statements)


def first_reader(base: str, kind: str, path: str) -> Page:
    """A page as its first reader gets it: its SQL captured (and rolled back), then the page
    fetched once, then its SQL (a first reader's) run once."""
    page = Page(kind, path, capture(path, first_reader=True))
    page.http.append(get(base + path))
    page.sql.append(replay(page.statements))
    return page


def repeated(base: str, pages: list[Page], repeat: int) -> list[Page]:
    """Pages served before, fetched `repeat` times in turn with their SQL (a later reader's), so
    that whatever else the machine does at a moment weighs on both alike."""
    again = [Page(p.kind, p.path, capture(p.path, first_reader=False)) for p in pages]
    for _ in range(repeat):
        for page in again:
            page.http.append(get(base + page.path))
            page.sql.append(replay(page.statements))
    return again


def facet_values() -> dict[str, list[str]]:
    """The values of each facet that published meetings have (of people, the 50 principals of
    the most meetings), to draw facet choices from."""
    from django.db import connection

    published = "FROM meetings_meeting WHERE status = 'published'"
    sql = {
        "year": f"SELECT DISTINCT year::text {published} AND year IS NOT NULL ORDER BY 1",
        "level": f"SELECT DISTINCT level {published} ORDER BY 1",
        "format": f"SELECT DISTINCT format {published} ORDER BY 1",
        "country": f"SELECT DISTINCT country {published} AND country <> '' ORDER BY 1",
        "issuer": f"SELECT DISTINCT unnest(issuers) {published} ORDER BY 1",
        "topic": f"SELECT DISTINCT unnest(topic_slugs) {published} ORDER BY 1",
        "person": "SELECT p FROM meetings_meeting, unnest(principal_slugs) AS p WHERE status = 'published'"
        " GROUP BY p ORDER BY count(*) DESC, p LIMIT 50",
    }
    with connection.cursor() as cursor:
        values = {}
        for name, query in sql.items():
            cursor.execute(query)
            values[name] = [row[0] for row in cursor.fetchall()]
    return {name: v for name, v in values.items() if v}


def browse_paths(facets: dict[str, list[str]], seed: int, count: int) -> list[str]:
    """Home, then different facet choices, each on its first page, a middle one or its last."""
    from django.http import QueryDict

    from meetings.filters import MeetingFilter
    from meetings.models import Meeting
    from meetings.views import MeetingListView

    rng = random.Random(seed)
    paths = ["/"]
    for choice in browse_choices(facets, seed, count - 1):
        filterset = MeetingFilter(QueryDict(query_string(choice)), queryset=Meeting.objects.published())
        filterset.is_valid()
        last = max(1, math.ceil(filterset.total / MeetingListView.paginate_by))
        page = rng.choice([1, max(1, last // 2), last])
        paths.append("/?" + query_string({**choice, "page": page} if page > 1 else choice))
    return paths


def meeting_paths(seed: int, count: int) -> list[str]:
    """Pages of published meetings drawn at random."""
    from meetings.models import Meeting

    ids = sorted(Meeting.objects.published().values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    return [m.get_absolute_url() for m in Meeting.objects.filter(pk__in=chosen).order_by("pk")]


def forget_kept_pages() -> None:
    """Empty what the archive keeps for readers (Django's cache, shared with the server)."""
    from django.core.cache import cache

    cache.clear()


def settle() -> float:
    """VACUUM (ANALYZE) the tables and CHECKPOINT, as an archive in service stands: the pages are
    not measured while autovacuum works through the rows just copied in, nor with the
    visibility map empty (index-only scans would read the heap). Returns the seconds taken."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(DATA_TABLES)}")
        cursor.execute("CHECKPOINT")
    return time.perf_counter() - start


@contextmanager
def server(env: dict, workers: int = 2, timeout: int = 30):
    """gunicorn serving the archive (2 workers, as in production): its address and process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "archive.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
        + ["--timeout", str(timeout)]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(timeout=10)


def warm_up(base: str, searches: Searches, meetings: list[str]) -> None:
    """Both server processes and this one load their templates, content types and facet bitmaps
    before anything is timed: searches set aside for it (never asked again) and meeting pages,
    two at a time so that both workers serve some."""
    paths = ["/?" + query_string(searches.draw()[1]) for _ in range(10)] + meetings[:10]
    capture(paths[0], first_reader=True)
    capture(meetings[0], first_reader=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda path: get(base + path), paths * 2))


def workers_of(master: int) -> list[int]:
    """The processes whose parent is gunicorn's master, from /proc."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                workers.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return workers


def server_memory(master: int) -> dict:
    """Resident memory (VmRSS, MB) of gunicorn's master and of each worker, from /proc."""
    workers = workers_of(master)

    def rss(pid: int) -> float:
        status = Path(f"/proc/{pid}/status").read_text()
        return round(int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024, 1)

    return {"master_mb": rss(master), "workers_mb": [rss(pid) for pid in sorted(workers)]}


def after_edits(base: str, edits: int, readers: list[str]) -> dict:
    """An Editor's save of one meeting through the admin's change form (Django's test client,
    in this process: the form, its inlines, the revision, the trigger that forgets what is kept),
    timed; after each, the next reader of home and of searches read before, each once."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from meetings.models import Meeting

    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="Editor"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    # The oldest meeting: on none of home's pages near the top, nor likely among the searches'.
    meeting = Meeting.objects.published().exclude(date=None).order_by("date", "pk").first()
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    related = {path for path in readers if lists_meeting(path, meeting.pk)}
    saves, home, searches, related_searches, by_path = [], [], [], [], {}
    for _ in range(edits):
        data = change_form_data(client, url)
        title = data["title"]
        data["title"] = title.removesuffix(" (revised)") if title.endswith(" (revised)") else title + " (revised)"
        start = time.perf_counter()
        response = client.post(url, data)
        saves.append(time.perf_counter() - start)
        if response.status_code != 302:
            raise RuntimeError(f"the admin did not save the meeting: {response.status_code}")
        home.append(get(base + "/"))
        for path in readers:
            took = get(base + path)
            (related_searches if path in related else searches).append(took)
            by_path.setdefault(path, []).append(took)
    return {
        "saves": saves,
        "home": home,
        "searches": searches,
        "related_searches": related_searches,
        "related_paths": sorted(related),
        "by_path": by_path,
        "meeting": meeting.get_absolute_url(),
    }


def lists_meeting(path: str, pk: int) -> bool:
    """Whether a list page shows the meeting, or may once it changes: among a search's matches
    (ranked by relevance, an edit may move it), or among the twenty meetings of a list in date
    order. Worked out in this process with the page's own FilterSet, nothing kept in the cache."""
    from unittest import mock

    import numpy as np
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import caches
    from django.test import RequestFactory

    from meetings import facetindex
    from meetings.filters import MeetingFilter
    from meetings.models import Meeting

    request = RequestFactory().get(path, HTTP_HOST="127.0.0.1")
    request.user = AnonymousUser()
    with mock.patch.object(caches["default"], "set"):
        filterset = MeetingFilter(data=request.GET, queryset=Meeting.objects.published(), request=request)
        if not filterset.is_valid():
            return False
        if filterset.search_text and filterset.order not in ("date", "-date"):
            return bool(facetindex.contains(filterset.selected, np.array([pk]))[0])
        return pk in filterset.dated_ids()[:20].tolist()


def change_form_data(client, url: str) -> dict:
    """The POST data of an admin change form as it was rendered, inlines included (as the tests
    build it: from the forms of the response's context, which the test environment records)."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    try:
        response = client.get(url)
    finally:
        teardown_test_environment()
    data = {}

    def put(form, prefix: str = "") -> None:
        for name in form.fields:
            key = f"{prefix}-{name}" if prefix else name
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, datetime.date | datetime.time):
                data[key] = value.isoformat()
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value())
        for form in formset.forms:
            put(form, form.prefix)
    return data


def serve_and_measure(env: dict, bench_url: str, corpus: Path, args) -> dict:
    """Every measurement of the pages, in one server's life."""
    settled = settle()
    print(f"VACUUM (ANALYZE) and CHECKPOINT before the pages: {settled:.1f} s", flush=True)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    facets = facet_values()
    searches = Searches(read_vocabulary(corpus, args.seed), facets, args.seed)
    browse = browse_paths(facets, args.seed, args.browse)
    meetings = meeting_paths(args.seed, MEETING_PAGES)
    out: dict = {"vacuum_analyze_checkpoint_seconds": round(settled, 1)}
    with server(env) as (base, process):
        warm_up(base, searches, meetings)

        print(f"{args.searches} new searches, each once …", flush=True)
        since = busy_seconds()
        drawn = [searches.draw() for _ in range(args.searches)]
        new = [first_reader(base, kind, "/?" + query_string(params)) for kind, params in drawn]
        out["new_searches"] = first_reader_summary(new) | step_figures(since)

        print(f"{len(browse)} browse pages, each once …", flush=True)
        since = busy_seconds()
        first_browse = [first_reader(base, "browse", path) for path in browse]
        out["browse"] = first_reader_summary(first_browse) | step_figures(since)

        print(f"repeated pages, {args.repeat} times each …", flush=True)
        since = busy_seconds()
        again = repeated(base, new[:REPEATED_SEARCHES] + first_browse[:REPEATED_BROWSE], args.repeat)
        out["repeated"] = repeated_summary(again) | step_figures(since)

        meeting_pages = [Page("meeting", path, capture(path, first_reader=False)) for path in meetings]
        workload = Workload(
            new_search=lambda: "/?" + query_string(searches.draw()[1]),
            paths={
                "repeated search": [p.path for p in again if p.is_search],
                "browse": [p.path for p in again if p.kind == "browse"],
                "meeting": meetings,
            },
            sql={
                "new search": [p.statements for p in new],
                "repeated search": [p.statements for p in again if p.is_search],
                "browse": [p.statements for p in again if p.kind == "browse"],
                "meeting": [p.statements for p in meeting_pages],
            },
        )
        out["under_load"] = []
        for clients in CLIENTS:
            print(f"{clients} clients at once, {args.load_seconds:g} s over HTTP, then as much SQL …", flush=True)
            since = busy_seconds()
            http = http_clients(base, workload, clients, args.load_seconds, args.seed) | step_figures(since)
            since = busy_seconds()
            sql = sql_clients(bench_url, workload, clients, args.load_seconds, args.seed) | step_figures(since)
            share = http["requests_per_s"] / sql["requests_per_s"] if sql["requests_per_s"] else 0
            out["under_load"].append({"clients": clients, "http": http, "sql": sql, "share_of_sql": round(share, 2)})
        out["memory"] = server_memory(process.pid)

        print(f"{args.edits} edits in the admin, each followed by its readers …", flush=True)
        readers = [p.path for p in again if p.is_search][:READERS_AFTER_EDIT]
        since = busy_seconds()
        edited = after_edits(base, args.edits, readers)
        out["after_edit"] = after_edit_summary(edited, out["repeated"]) | step_figures(since)
    return out


# --- Summaries -------------------------------------------------------------------------------


def first_reader_summary(pages: list[Page]) -> dict:
    """Pages fetched once, beside their SQL run once: percentiles over the pages, the ratio of
    the p95s, and each page's own ratio (page over its SQL) at the median and p95 of the pages."""
    http = [p.http[0] for p in pages]
    sql = [p.sql[0] for p in pages]
    ratios = [p.http[0] / max(p.sql[0], 1e-5) for p in pages]
    by_kind = {}
    for kind in dict.fromkeys(p.kind for p in pages):
        chosen = [p for p in pages if p.kind == kind]
        by_kind[kind] = {
            "pages": len(chosen),
            "p50_ms": ms(statistics.median(p.http[0] for p in chosen)),
            "sql_p50_ms": ms(statistics.median(p.sql[0] for p in chosen)),
            "max_ms": ms(max(p.http[0] for p in chosen)),
        }
    return {
        "pages": len(pages),
        "p50_ms": ms(percentile(http, 0.5)),
        "p95_ms": ms(percentile(http, 0.95)),
        "max_ms": ms(max(http)),
        "sql_p50_ms": ms(percentile(sql, 0.5)),
        "sql_p95_ms": ms(percentile(sql, 0.95)),
        "ratio_of_p95s": round(percentile(http, 0.95) / percentile(sql, 0.95), 2),
        "page_ratio_p50": round(percentile(ratios, 0.5), 2),
        "page_ratio_p95": round(percentile(ratios, 0.95), 2),
        "queries_per_page_median": statistics.median(len(p.statements) for p in pages),
        "by_kind": by_kind,
        "rows": [
            {"kind": p.kind, "path": p.path, "queries": len(p.statements), "ms": ms(p.http[0]), "sql_ms": ms(p.sql[0])}
            for p in pages
        ],
    }


def repeated_summary(pages: list[Page]) -> dict:
    """Pages fetched again and again: percentiles over every fetch, beside their SQL's."""
    http = [t for p in pages for t in p.http]
    sql = [t for p in pages for t in p.sql]
    return {
        "pages": len(pages),
        "fetches": len(http),
        "p50_ms": ms(percentile(http, 0.5)),
        "p95_ms": ms(percentile(http, 0.95)),
        "sql_p50_ms": ms(percentile(sql, 0.5)),
        "sql_p95_ms": ms(percentile(sql, 0.95)),
        "ratio_of_p95s": round(percentile(http, 0.95) / percentile(sql, 0.95), 2),
        "rows": [
            {
                "kind": p.kind,
                "path": p.path,
                "queries": len(p.statements),
                "p50_ms": ms(percentile(p.http, 0.5)),
                "p95_ms": ms(percentile(p.http, 0.95)),
                "sql_p50_ms": ms(percentile(p.sql, 0.5)),
            }
            for p in pages
        ],
    }


def after_edit_summary(edited: dict, repeated_pages: dict) -> dict:
    """The saves, and the next readers beside the repeated pages' p95: those of pages that do
    not show the edited meeting (home, and the searches it is not among the matches of), which
    the budget is for, and apart those of the searches that do."""
    readers = edited["home"] + edited["searches"]
    related = edited["related_searches"]
    return {
        "edits": len(edited["saves"]),
        "meeting": edited["meeting"],
        "save_p50_ms": ms(statistics.median(edited["saves"])),
        "save_max_ms": ms(max(edited["saves"])),
        "saves_ms": [ms(t) for t in edited["saves"]],
        "readers": len(readers),
        "reader_p50_ms": ms(percentile(readers, 0.5)),
        "reader_p95_ms": ms(percentile(readers, 0.95)),
        "reader_max_ms": ms(max(readers)),
        "home_ms": [ms(t) for t in edited["home"]],
        "reader_p95_over_repeated_p95": round(ms(percentile(readers, 0.95)) / repeated_pages["p95_ms"], 2),
        "related_readers": len(related),
        "related_paths": edited["related_paths"],
        "related_p50_ms": ms(percentile(related, 0.5)) if related else None,
        "related_p95_ms": ms(percentile(related, 0.95)) if related else None,
        "readers_ms": {path: [ms(t) for t in times] for path, times in edited["by_path"].items()},
    }


if __name__ == "__main__":
    main()
