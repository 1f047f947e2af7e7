"""Benchmark the archive at a given size: import, search, facets, deep pages, queries per page.

    .venv/bin/python bench/run.py --readouts 100000        # or: make bench N=100000

Every figure is printed beside a baseline measured in the same run, and the whole result is
written as JSON to bench/out/results-<N>.json. The database is `readouts_bench` on the
embedded PostgreSQL, or on the server DATABASE_URL names; it is dropped and made anew.
Pages are fetched over HTTP from gunicorn (2 workers, DEBUG off); their SQL is captured in
this process and replayed straight to PostgreSQL for the baseline.
"""

import argparse
import hashlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
BENCH_DB = "readouts_bench"

SEARCHES = [
    # rare words
    "cranes",
    "lighthouse",
    "Cheorwon",
    "Tsushima archives",
    # common words
    "North Korea",
    "cooperation",
    "exchanges",
    "missile",
    "economic",
    # phrases
    '"comfort women"',
    '"people-to-people exchanges"',
    '"security cooperation"',
    '"supply chains"',
    # or, exclusions
    "Takeshima or Dokdo",
    "earthquake or condolences",
    "abductions -missile",
    "history -comfort",
    # names
    "Hayashi",
    "Kim",
]
FACETS = [
    {},
    {"level": "summit"},
    {"level": "foreign-ministers", "format": "in-person", "issuer": "JPN"},
]
BROWSE = [
    {},
    {"level": "summit"},
    {"year": "2010"},
    {"sort": "oldest"},
    {"topic": "abductions"},
    {"year": ["2005", "2006"], "level": "foreign-ministers", "issuer": "KOR"},
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


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


def run(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - start


def query_string(params: dict) -> str:
    return urllib.parse.urlencode(params, doseq=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readouts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20, help="timed fetches of each page")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="measure the pages again on the database of the last run at this size (import figures are kept)",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="print the table of the last run at this size again (summaries worked out anew from each page's figures)",
    )
    args = parser.parse_args()
    if args.report:
        results = json.loads((OUT / f"results-{args.readouts}.json").read_text())
        for kind in ("search", "browse"):
            results["pages"][kind] = summary(results["pages"]["rows"], kind)
        return report(results)
    if args.pages_only:
        return pages_again(args)
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"readouts_requested": args.readouts, "seed": args.seed, "machine": machine()}

    # A corpus is written once for a size, seed and version of the generator, and reused.
    generator = hashlib.sha256((ROOT / "bench" / "generate.py").read_bytes()).hexdigest()[:10]
    corpus = OUT / f"corpus-{args.readouts}-{args.seed}-{generator}"
    results["corpus"] = corpus.name
    if not (corpus / "MANIFEST.tsv").exists():
        print(f"generating {args.readouts} readouts in {corpus} …", flush=True)
        subprocess.run(
            [PY, "bench/generate.py", str(corpus), "--readouts", str(args.readouts), "--seed", str(args.seed)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    admin_url, bench_url = database_urls()
    fresh_database(admin_url)
    env = bench_env(bench_url)
    run([PY, "manage.py", "migrate", "-v0"], env)

    print("import …", flush=True)
    first = run([PY, "manage.py", "import_readouts", "--publish", str(corpus)], env)
    again = run([PY, "manage.py", "import_readouts", "--publish", str(corpus)], env)

    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM meetings_readout), (SELECT count(*) FROM meetings_statement),"
            " (SELECT count(*) FROM meetings_meeting)"
        )
        readouts, statements, meetings = cursor.fetchone()
    results["import"] = {
        "readouts": readouts,
        "statements": statements,
        "meetings": meetings,
        "seconds": round(first, 2),
        "readouts_per_s": round(readouts / first, 1),
        "statements_per_s": round(statements / first, 1),
        "reimport_seconds": round(again, 2),
        "reimport_share": round(again / first, 3),
    }
    results_path = OUT / f"results-{args.readouts}.json"
    results_path.write_text(json.dumps(results, indent=2))  # kept if a later step fails
    print(f"import: {results['import']}", flush=True)
    print("writes alone and COPY …", flush=True)
    results["writes"] = writes_versus_copy(corpus)
    results_path.write_text(json.dumps(results, indent=2))
    print(f"writes: {results['writes']}", flush=True)

    print("pages …", flush=True)
    results["pages"] = serve_and_measure(env, args.repeat)
    (OUT / f"results-{args.readouts}.json").write_text(json.dumps(results, indent=2))
    report(results)


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


def pages_again(args) -> None:
    _, bench_url = database_urls()
    env = bench_env(bench_url)
    run([PY, "manage.py", "migrate", "-v0"], env)
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    path = OUT / f"results-{args.readouts}.json"
    results = json.loads(path.read_text())
    from meetings.models import FacetCache, MatchCache

    FacetCache.objects.all().delete()  # every page's first reader computes its facets again
    MatchCache.objects.all().delete()
    results["pages"] = serve_and_measure(env, args.repeat)
    results["pages_measured_again"] = True
    path.write_text(json.dumps(results, indent=2))
    report(results)


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


def serve_and_measure(env: dict, repeat: int) -> dict:
    settled = settle()
    print(f"VACUUM (ANALYZE) and CHECKPOINT before the pages: {settled:.1f} s", flush=True)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "archive.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                get(base + "/")
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(20):  # both workers compile their templates before anything is timed
            get(base + "/?q=cooperation")
        return {**pages(base, repeat), "vacuum_analyze_checkpoint_seconds": round(settled, 1)}
    finally:
        server.terminate()
        server.wait(timeout=10)


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


DATA_TABLES = [
    "meetings_participant",
    "meetings_meeting",
    "meetings_readout",
    "meetings_attendance",
    "meetings_statement",
    "meetings_statement_speakers",
    "meetings_statement_topics",
    "meetings_meeting_topics",
    "reversion_revision",
    "reversion_version",
]


def writes_versus_copy(corpus: Path) -> dict:
    """The importer's database writes alone, beside a plain COPY of the same rows into the same tables."""
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connection, connections, transaction

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

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE")
    start = time.perf_counter()
    for i in range(0, len(items), command.BATCH):
        write_new_readouts(items[i : i + command.BATCH], publish=True)
    writes = time.perf_counter() - start

    # The same rows, as they now stand, COPYed out and back in (generated columns are generated again).
    dumps = {}
    with connection.cursor() as cursor:
        for table in DATA_TABLES:
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
    rows = len(items)
    return {
        "parse_seconds": round(parse_seconds, 2),
        "writes_seconds": round(writes, 2),
        "writes_readouts_per_s": round(rows / writes, 1),
        "copy_seconds": round(copy_seconds, 2),
        "copy_analyze_seconds_left_out": round(analyze_seconds, 2),
        "copy_readouts_per_s": round(rows / copy_seconds, 1),
        "writes_speed_share_of_copy": round(copy_seconds / writes, 3),
    }


def queries_when_read_again(path: str) -> int:
    """The queries a page runs in a server process that has served it before (Django keeps
    content types, for one, per process)."""
    capture(path)
    return len(capture(path))


def capture(path: str) -> list[str]:
    """The SQL a page runs, rendered in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        status = Client(HTTP_HOST="127.0.0.1").get(path).status_code
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    return [q["sql"] for q in queries.captured_queries]


def time_sql(statements: list[str], repeat: int, warm: bool = True) -> list[float]:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for sql in statements if warm else ():
            raw.execute(sql)
        for _ in range(repeat):
            start = time.perf_counter()
            for sql in statements:
                raw.execute(sql)
                if raw.description:
                    raw.fetchall()
            times.append(time.perf_counter() - start)
    return times


def pages(base: str, repeat: int) -> dict:
    from meetings.models import Meeting

    mix = [("search", {"q": q, **f}) for q in SEARCHES for f in FACETS[: 3 if q in SEARCHES[:8] else 2]]
    mix += [("browse", b) for b in BROWSE]
    rows = []
    for kind, params in mix:
        path = "/?" + query_string(params)
        cold = get(base + path)  # the first reader of this choice: facets computed, then kept
        statements = capture(path)  # the SQL the page runs when served again
        # The page and its SQL in turn, so that whatever else the machine does at a moment
        # weighs on both alike.
        http, sql = [], time_sql(statements, 0)  # warmed as the page was, by its first reader
        for _ in range(repeat):
            http.append(get(base + path))
            sql.extend(time_sql(statements, 1, warm=False))
        row = {
            "kind": kind,
            "path": path,
            "queries": len(statements),
            "cold_ms": ms(cold),
            "http_p50_ms": ms(percentile(http, 0.5)),
            "http_p95_ms": ms(percentile(http, 0.95)),
            "sql_p50_ms": ms(percentile(sql, 0.5)),
            "sql_p95_ms": ms(percentile(sql, 0.95)),
        }
        if kind == "search":
            facets, narrowed, base_count, page_count = facets_and_counts(params)
            timed = {
                "facets": facets,
                "facets_narrowed": narrowed,
                "count": lambda sql=page_count: time_sql([sql], 1, warm=False),
                "base_count": lambda sql=base_count: time_sql([sql], 1, warm=False),
            }
            for fn in timed.values():  # warmed as the page was, by its first reader
                fn()
            times: dict[str, list[float]] = {name: [] for name in timed}
            for _ in range(repeat):  # in turn, as the pages and their SQL
                for name, fn in timed.items():
                    times[name].extend(fn())
            for name, values in times.items():
                row[f"{name}_p50_ms"] = ms(percentile(values, 0.5))
        rows.append(row)

    meeting = Meeting.objects.published().order_by("-date").first()
    total = Meeting.objects.published().count()
    last = max(1, (total + 19) // 20)
    deep = min(1000, last)
    # Each page's first reader renders its cards (kept for the next): timed apart, as for the mix.
    page1_cold, pagek_cold = get(f"{base}/?page=1"), get(f"{base}/?page={deep}")
    page1, pagek = [], []
    for _ in range(repeat):  # in turn, so that whatever else the machine does weighs on both
        page1.append(get(f"{base}/?page=1"))
        pagek.append(get(f"{base}/?page={deep}"))
    return {
        "facet_bitmaps_read_ms": facet_bitmaps_read(),
        "search": summary(rows, "search"),
        "browse": summary(rows, "browse"),
        "deep_pages": {
            "page": deep,
            "page_1_p95_ms": ms(percentile(page1, 0.95)),
            "page_k_p95_ms": ms(percentile(pagek, 0.95)),
            "ratio": round(percentile(pagek, 0.95) / percentile(page1, 0.95), 2),
            "page_1_cold_ms": ms(page1_cold),
            "page_k_cold_ms": ms(pagek_cold),
        },
        "queries_per_page": {
            name: queries_when_read_again(url)
            for name, url in (
                ("home", "/"),
                ("search", "/?q=%22comfort+women%22&level=summit"),
                ("meeting", meeting.get_absolute_url()),
            )
        },
        "rows": rows,
    }


def facet_bitmaps_read() -> float:
    """What a server process pays, once after each change to the archive, to read the facet
    bitmaps (meetings.facetindex): median of three, ms."""
    from meetings.facetindex import FacetIndex

    times = []
    for _ in range(3):
        start = time.perf_counter()
        FacetIndex.read("default")
        times.append(time.perf_counter() - start)
    return ms(statistics.median(times))


def facets_and_counts(params: dict):
    """Functions that time the facet counts of a search page as the page works them out when
    they are not kept: with nothing kept (the matches read from PostgreSQL as a bitmap, every
    count taken from the bitmaps of meetings.facetindex), and as a reader who narrows a search
    by its facets gets them (the search's matches as MatchCache keeps them, read with the query
    the page runs anyway to look for kept facets); and the SQL of a bare COUNT(*) of the matches
    before any facet choice (the set the facets are counted over) and of the page's own."""
    from django.db import connection

    from meetings.filters import FACETS, MeetingFilter
    from meetings.models import FacetCache, MatchCache, Meeting

    filterset = MeetingFilter(params, queryset=Meeting.objects.published())
    filterset.is_valid()
    counted = filterset.facet_counts()  # the process's bitmaps are read here if they were not yet
    matches_key = filterset.matches_key()
    MatchCache.store(matches_key, counted.version, counted.matches.tobytes())

    def facets() -> list[float]:
        start = time.perf_counter()
        filterset.facet_counts()
        return [time.perf_counter() - start]

    def narrowed() -> list[float]:
        start = time.perf_counter()
        filterset.version, _, kept = FacetCache.lookup("-", matches_key)
        assert kept is not None
        filterset.facet_counts(kept)
        return [time.perf_counter() - start]

    def count(qs) -> str:
        sql, sql_params = qs.order_by().values("pk").query.sql_with_params()
        return cursor.cursor.mogrify(f"SELECT count(*) FROM ({sql}) AS matches", sql_params)

    with connection.cursor() as cursor:
        return facets, narrowed, count(filterset.queryset_without(*FACETS)), count(filterset.queryset_without())


def summary(rows: list[dict], kind: str) -> dict:
    """The figures of one kind of page ("search" or "browse") from each page's figures: p50s
    are medians over the pages of each page's p50, p95s the 95th percentile of each page's p95."""
    chosen = [r for r in rows if r["kind"] == kind]
    http50, sql50 = (statistics.median(r[k] for r in chosen) for k in ("http_p50_ms", "sql_p50_ms"))
    http95, sql95 = (percentile([r[k] for r in chosen], 0.95) for k in ("http_p95_ms", "sql_p95_ms"))
    out = {
        "pages": len(chosen),
        "http_p50_ms": round(http50, 1),
        "sql_p50_ms": round(sql50, 1),
        "ratio_of_p50s": round(http50 / max(sql50, 0.01), 2),
        "http_p95_ms": round(http95, 1),
        "sql_p95_ms": round(sql95, 1),
        "worst_page_ratio_p95": round(max(r["http_p95_ms"] / max(r["sql_p95_ms"], 0.01) for r in chosen), 2),
        "ratio_of_p95s": round(http95 / max(sql95, 0.01), 2),
    }
    out["cold_median_ms"] = round(statistics.median(r["cold_ms"] for r in chosen), 1)
    out["cold_max_ms"] = round(max(r["cold_ms"] for r in chosen), 1)
    facets = [r for r in chosen if "facets_p50_ms" in r]
    if facets:
        for name, key in (("count", "count_p50_ms"), ("base_count", "base_count_p50_ms")):
            ratios = [r["facets_p50_ms"] / max(r[key], 0.01) for r in facets]
            out[f"facets_over_{name}_median"] = round(statistics.median(ratios), 2)
            out[f"facets_over_{name}_worst"] = round(max(ratios), 2)
        # As a reader gets them: a search with no facet choice counts its facets from its
        # matches; a choice that narrows it, from the matches the search kept.
        ratios = [r[reader_facets_key(r)] / max(r["count_p50_ms"], 0.01) for r in facets]
        out["facets_reader_over_count_median"] = round(statistics.median(ratios), 2)
        out["facets_reader_over_count_worst"] = round(max(ratios), 2)
        # ... and apart: the searches without a facet choice, and those with one.
        for name, part in (
            ("first", [r for r in facets if reader_facets_key(r) == "facets_p50_ms"]),
            ("narrowed", [r for r in facets if reader_facets_key(r) != "facets_p50_ms"]),
        ):
            if part:
                ratios = [r[reader_facets_key(r)] / max(r["count_p50_ms"], 0.01) for r in part]
                out[f"facets_{name}_over_count"] = [
                    len(part),
                    round(statistics.median(ratios), 2),
                    round(max(ratios), 2),
                ]
    return out


def reader_facets_key(row: dict) -> str:
    """The facet timing a reader meets on a search page: narrowed if the page has facet choices."""
    choices = {k for k in urllib.parse.parse_qs(row["path"].split("?", 1)[1]) if k != "q"}
    return "facets_narrowed_p50_ms" if choices else "facets_p50_ms"


def report(results: dict) -> None:
    imp, w, p = results["import"], results["writes"], results["pages"]
    s, b, d = p["search"], p["browse"], p["deep_pages"]
    lines = [
        f"Readout Archive benchmark: {imp['readouts']:,} readouts, {imp['statements']:,} statements, "
        f"{imp['meetings']:,} meetings; {results['machine']['cpus']} CPUs",
        "",
        f"{'measure':46} {'figure':>14} {'baseline':>14} {'ratio':>8}  target",
        f"{'import, readouts/s (statements/s)':46} {imp['readouts_per_s']:>14} {'':>14} {'':>8}  >= 200",
        f"{'  statements/s':46} {imp['statements_per_s']:>14}",
        f"{'  writes alone vs COPY, readouts/s':46} {w['writes_readouts_per_s']:>14} {w['copy_readouts_per_s']:>14} "
        f"{w['writes_speed_share_of_copy']:>8}  >= 0.5",
        f"{'  re-import unchanged, s vs first import':46} {imp['reimport_seconds']:>14} {imp['seconds']:>14} "
        f"{imp['reimport_share']:>8}  <= 0.3",
        f"{'search page p95 ms vs its SQL p95 (all pages)':46} {s['http_p95_ms']:>14} {s['sql_p95_ms']:>14} "
        f"{s['ratio_of_p95s']:>8}  <= 1.3, < 150 ms",
        f"{'  p50 ms vs its SQL p50 (median over pages)':46} {s['http_p50_ms']:>14} {s.get('sql_p50_ms', '-'):>14} "
        f"{s.get('ratio_of_p50s', '-'):>8}",
        f"{'  worst single page, p95 over SQL p95':46} {'':>14} {'':>14} {s['worst_page_ratio_p95']:>8}",
        f"{'browse page p95 ms (no search text)':46} {b['http_p95_ms']:>14} {b['sql_p95_ms']:>14} "
        f"{b['ratio_of_p95s']:>8}  < 50 ms",
        f"{'facet counts vs COUNT(*) of the page, median':46} {'':>14} {'':>14} "
        f"{s.get('facets_reader_over_count_median', '-'):>8}  <= 1.5 (worst "
        f"{s.get('facets_reader_over_count_worst', '-')}; a choice narrows the search's kept matches)",
        f"{'  searches with no facet chosen (n, median)':46} {'':>14} {'':>14} "
        f"{str(s.get('facets_first_over_count', ['-'] * 3)[1]):>8}  (n {s.get('facets_first_over_count', ['-'])[0]}, "
        f"worst {s.get('facets_first_over_count', ['-'] * 3)[2]})",
        f"{'  searches narrowed by a facet (n, median)':46} {'':>14} {'':>14} "
        f"{str(s.get('facets_narrowed_over_count', ['-'] * 3)[1]):>8}  (n {s.get('facets_narrowed_over_count', ['-'])[0]}, "
        f"worst {s.get('facets_narrowed_over_count', ['-'] * 3)[2]})",
        f"{'  nothing kept, vs COUNT(*) of the page':46} {'':>14} {'':>14} "
        f"{s.get('facets_over_count_median', '-'):>8}  (worst {s.get('facets_over_count_worst', '-')})",
        f"{'  vs COUNT(*) of all matches of the words':46} {'':>14} {'':>14} "
        f"{s.get('facets_over_base_count_median', '-'):>8}  (worst {s.get('facets_over_base_count_worst', '-')})",
        f"{'first reader of a page (cache empty), median':46} {s['cold_median_ms']:>14} {'':>14} {'':>8}  "
        f"max {s['cold_max_ms']} (browse {b['cold_median_ms']}, max {b['cold_max_ms']})",
        f"{'facet bitmaps read after a change, ms':46} {p.get('facet_bitmaps_read_ms', '-'):>14}",
        f"{'page ' + str(d['page']) + ' vs page 1, p95 ms':46} {d['page_k_p95_ms']:>14} {d['page_1_p95_ms']:>14} "
        f"{d['ratio']:>8}  <= 2",
        f"{'queries per page: home / search / meeting':46} "
        f"{p['queries_per_page']['home']} / {p['queries_per_page']['search']} / {p['queries_per_page']['meeting']}",
        f"{'search mix':46} {s['pages']} searches, {b['pages']} browse pages",
    ]
    print("\n".join(lines))
    path = OUT / f"results-{results['readouts_requested']}.md"
    path.write_text(markdown(results))
    print(f"\nThe same as a Markdown table (for the README): {path.relative_to(ROOT)}")


def markdown(results: dict) -> str:
    """The README's table of a run."""
    imp, w, p = results["import"], results["writes"], results["pages"]
    s, b, d, q = p["search"], p["browse"], p["deep_pages"], p["queries_per_page"]

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    rows = [
        ("measure", "figure", "baseline", "ratio", "target", "met"),
        (
            "import, end to end",
            f"{imp['readouts_per_s']:,} readouts/s ({imp['statements_per_s']:,} statements/s)",
            "",
            "",
            "≥ 200 readouts/s",
            met(imp["readouts_per_s"] >= 200),
        ),
        (
            "its database writes alone vs a plain `COPY` of the same rows",
            f"{w['writes_readouts_per_s']:,} readouts/s",
            f"{w['copy_readouts_per_s']:,} readouts/s",
            f"{w['writes_speed_share_of_copy']}",
            "≥ 0.5",
            met(w["writes_speed_share_of_copy"] >= 0.5),
        ),
        (
            "re-import of the unchanged files",
            f"{imp['reimport_seconds']} s",
            f"{imp['seconds']} s (first import)",
            f"{imp['reimport_share']}",
            "≤ 0.3",
            met(imp["reimport_share"] <= 0.3),
        ),
        (
            f"search page p95 ({s['pages']} searches: rare, common, phrases, `or`, `-`, 0/1/3 facets)",
            f"{s['http_p95_ms']} ms",
            f"its SQL: {s['sql_p95_ms']} ms",
            f"{s['ratio_of_p95s']}",
            "< 150 ms; ≤ 1.3× SQL",
            met(s["http_p95_ms"] < 150 and s["ratio_of_p95s"] <= 1.3),
        ),
        (
            "search page p50 (median over the searches)",
            f"{s['http_p50_ms']} ms",
            f"its SQL: {s.get('sql_p50_ms', '-')} ms",
            f"{s.get('ratio_of_p50s', '-')}",
            "",
            "",
        ),
        (
            f"browse page p95 ({b['pages']} pages, no search text)",
            f"{b['http_p95_ms']} ms",
            f"its SQL: {b['sql_p95_ms']} ms",
            f"{b['ratio_of_p95s']}",
            "< 50 ms",
            met(b["http_p95_ms"] < 50),
        ),
        (
            "all facet counts vs a bare `COUNT(*)` of the page's matches (median over searches), as a"
            " reader gets them: a search counts them from its matches, a facet choice that narrows it"
            " from the matches the search kept",
            "",
            "",
            f"{s['facets_reader_over_count_median']} (worst {s['facets_reader_over_count_worst']})",
            "≤ 1.5",
            met(s["facets_reader_over_count_median"] <= 1.5),
        ),
        (
            "… of which the searches with no facet chosen (counted from their own matches)",
            "",
            "",
            f"{s['facets_first_over_count'][1]} (worst {s['facets_first_over_count'][2]}; "
            f"{s['facets_first_over_count'][0]} searches)",
            "",
            "",
        ),
        (
            "… and the searches narrowed by a facet (from the matches the search kept)",
            "",
            "",
            f"{s['facets_narrowed_over_count'][1]} (worst {s['facets_narrowed_over_count'][2]}; "
            f"{s['facets_narrowed_over_count'][0]} searches)",
            "",
            "",
        ),
        (
            "the same with nothing kept (a page with facet choices opened first, from a link)",
            "",
            "",
            f"{s['facets_over_count_median']} (worst {s['facets_over_count_worst']})",
            "",
            "",
        ),
        (
            "the same with nothing kept, vs `COUNT(*)` of all matches of the words",
            "",
            "",
            f"{s['facets_over_base_count_median']} (worst {s['facets_over_base_count_worst']})",
            "",
            "",
        ),
        (
            "first reader of a page: facets counted, cards rendered (median, max)",
            f"search {s['cold_median_ms']} ms, {s['cold_max_ms']} ms; browse {b['cold_median_ms']} ms, "
            f"{b['cold_max_ms']} ms",
            "",
            "",
            "",
            "",
        ),
        (
            "facet bitmaps read by a server process after a change to the archive (median of 3)",
            f"{p.get('facet_bitmaps_read_ms', '-')} ms",
            "",
            "",
            "",
            "",
        ),
        (
            f"page {d['page']} vs page 1 (browse, p95)",
            f"{d['page_k_p95_ms']} ms",
            f"{d['page_1_p95_ms']} ms",
            f"{d['ratio']}",
            "≤ 2",
            met(d["ratio"] <= 2),
        ),
        (
            "queries per page: home / search / meeting",
            f"{q['home']} / {q['search']} / {q['meeting']}",
            "",
            "",
            "bounded",
            "yes",
        ),
    ]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "| --- | ---: | ---: | ---: | --- | --- |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
