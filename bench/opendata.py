"""Benchmark the ways into the archive as data, at a given size: downloads, the API, OAI-PMH,
the sitemap, the feeds and the bulk dataset.

    .venv/bin/python bench/opendata.py --readouts 10000     # or: make bench-data N=10000

It uses the database of the page benchmark (`readouts_bench`, bench/run.py) when that holds
this size's corpus, and otherwise makes it anew and imports the corpus (as bench/run.py does).
Everything is fetched over HTTP from gunicorn with DEBUG off, nothing kept between fetches
(none of these answers is cached). Figures go to bench/out/opendata-<N>.json.

1. Whole-archive downloads (meetings and statements, CSV and JSON Lines, BibTeX, RIS, and the
   statements that match a common word), each from a server of its own with one worker: the
   time to the first byte and to the last, the size, and the worker's peak resident memory
   (VmHWM) beside what it held before the download.
2. The API: the meetings walked page by page (100 a page) by their cursor, the first page with
   its facets for new searches, statements pages, meeting records.
3. OAI-PMH: ListRecords walked by resumption token, ListIdentifiers, GetRecord.
4. The sitemap: its index and each of its pages, and the feeds, whole and for new searches.
5. `manage.py export_dataset`: its time, its peak memory and the file's size.
"""

import argparse
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import percentile  # noqa: E402
from queries import read_vocabulary  # noqa: E402
from run import (
    OUT,
    PY,
    bench_env,
    database_urls,
    fresh_database,
    run,
    server,
    settle,
    setup_django,
    workers_of,
    write_corpus,
)  # noqa: E402

DOWNLOADS = [
    "/meetings.csv",
    "/meetings.jsonl",
    "/meetings.bib",
    "/meetings.ris",
    "/statements.csv",
    "/statements.jsonl",
]
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def fetch(url: str, timeout: float = 600) -> dict:
    """Fetch whole: the status, seconds to the headers, to the first byte of the body and to the
    last, and the bytes read."""
    start = time.perf_counter()
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        return {"status": error.code, "seconds": time.perf_counter() - start, "bytes": 0}
    with response:
        headers = time.perf_counter() - start
        first = response.read(1)
        first_byte = time.perf_counter() - start
        size = len(first)
        body = bytearray(first)
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if len(body) < (4 << 20):
                body += chunk
    return {
        "status": response.status,
        "headers_s": headers,
        "first_byte_s": first_byte,
        "seconds": time.perf_counter() - start,
        "bytes": size,
        "head": bytes(body),
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def spread(times: list[float]) -> dict:
    return {
        "count": len(times),
        "p50_ms": ms(statistics.median(times)) if times else None,
        "p95_ms": ms(percentile(times, 0.95)) if times else None,
        "max_ms": ms(max(times)) if times else None,
    }


def memory(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MB of a process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()

    def field(name):
        return round(int(re.search(rf"^{name}:\s+(\d+) kB", status, re.M).group(1)) / 1024, 1)

    return field("VmRSS"), field("VmHWM")


def downloads(env: dict, common: str) -> list[dict]:
    """Each download from a fresh one-worker server, so that its peak memory is its own."""
    figures = []
    for path in [*DOWNLOADS, f"/statements.csv?q={urllib.parse.quote(common)}"]:
        with server(env, workers=1, timeout=3600) as (base, process):
            fetch(base + "/data/")  # the worker is up, its templates and settings loaded
            [worker] = workers_of(process.pid)
            before, _ = memory(worker)
            got = fetch(base + path)
            _, peak = memory(worker)
        row = {
            "path": path,
            "status": got["status"],
            "first_byte_ms": ms(got.get("first_byte_s", 0)),
            "seconds": round(got["seconds"], 2),
            "mb": round(got["bytes"] / 1e6, 1),
            "worker_mb_before": before,
            "worker_peak_mb": peak,
        }
        print(f"  {path}: {row}", flush=True)
        figures.append(row)
    return figures


def api(base: str, vocabulary, rng: random.Random) -> dict:
    walk, url = [], base + "/api/v1/meetings/?page_size=100"
    for _ in range(50):
        got = fetch(url)
        walk.append(got["seconds"])
        url = json.loads(got["head"])["next"]
        if not url:
            break
    searches = []
    for word in rng.sample(vocabulary.common, 10) + rng.sample(vocabulary.rare, 10):
        got = fetch(base + f"/api/v1/meetings/?facets=true&q={urllib.parse.quote(word)}")
        assert got["status"] == 200, (word, got["status"])
        searches.append(got["seconds"])
    statements, url = [], base + "/api/v1/statements/?page_size=100"
    for _ in range(20):
        got = fetch(url)
        statements.append(got["seconds"])
        url = json.loads(got["head"])["next"]
        if not url:
            break
    ids = [row["id"] for row in json.loads(fetch(base + "/api/v1/meetings/?page_size=100")["head"])["results"]]
    records = [fetch(base + f"/api/v1/meetings/{i}/")["seconds"] for i in rng.sample(ids, min(30, len(ids)))]
    return {
        "meetings_by_cursor_100": spread(walk),
        "meetings_new_search_with_facets": spread(searches),
        "statements_by_cursor_100": spread(statements),
        "meeting_record": spread(records),
    }


def oai(base: str, rng: random.Random) -> dict:
    def pages(verb: str, limit: int) -> tuple[list[float], list[str]]:
        times, identifiers = [], []
        url = f"{base}/oai/?verb={verb}&metadataPrefix=oai_dc"
        for _ in range(limit):
            got = fetch(url)
            times.append(got["seconds"])
            root = ET.fromstring(got["head"])
            identifiers += [e.text for e in root.iter(f"{OAI}identifier")]
            token = root.find(f".//{OAI}resumptionToken")
            if token is None or not token.text:
                break
            url = f"{base}/oai/?verb={verb}&resumptionToken={urllib.parse.quote(token.text)}"
        return times, identifiers

    records, _ = pages("ListRecords", 30)
    identifiers_times, identifiers = pages("ListIdentifiers", 30)
    chosen = rng.sample(identifiers, min(30, len(identifiers)))
    get = [
        fetch(f"{base}/oai/?verb=GetRecord&metadataPrefix=oai_dc&identifier={urllib.parse.quote(i)}")["seconds"]
        for i in chosen
    ]
    return {
        "list_records_page": spread(records),
        "list_identifiers_page": spread(identifiers_times),
        "get_record": spread(get),
    }


def discovery(base: str, vocabulary, rng: random.Random) -> dict:
    index = fetch(base + "/sitemap.xml")
    sections = []
    for loc in ET.fromstring(index["head"]).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        path = urllib.parse.urlsplit(loc.text)
        got = fetch(base + path.path + ("?" + path.query if path.query else ""))
        sections.append(
            {
                "path": path.path + "?" + path.query,
                "seconds": round(got["seconds"], 2),
                "mb": round(got["bytes"] / 1e6, 1),
            }
        )
        print(f"  {sections[-1]}", flush=True)
    feeds = [fetch(base + "/feeds/meetings/")["seconds"]]
    for word in rng.sample(vocabulary.common, 10) + rng.sample(vocabulary.rare, 10):
        feeds.append(fetch(base + f"/feeds/meetings/?q={urllib.parse.quote(word)}")["seconds"])
    return {"sitemap_index_ms": ms(index["seconds"]), "sitemap_pages": sections, "feeds": spread(feeds)}


def dataset(env: dict) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        seconds = run([PY, "manage.py", "export_dataset", "--output", folder, "--dataset-version", "bench"], env)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        files = list(Path(folder).glob("*.zip"))
        return {
            "seconds": round(seconds, 1),
            "peak_mb": round(peak / 1024, 1) if peak > before else "at most that of an earlier command",
            "zip_mb": round(files[0].stat().st_size / 1e6, 1) if files else None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readouts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"readouts_requested": args.readouts, "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    print(f"load average before: {results['load_average_before']}", flush=True)
    corpus = write_corpus(args.readouts, args.seed)
    admin_url, bench_url = database_urls()
    env = bench_env(bench_url) | {"API_ANON_RATE": "1000000/minute"}
    setup_needed = True
    try:
        import psycopg

        with psycopg.connect(bench_url) as conn:
            held = conn.execute("SELECT count(*) FROM meetings_readout").fetchone()[0]
            setup_needed = held != len(list(corpus.glob("*.txt")))
    except Exception:  # no such database, or no tables yet
        pass
    if setup_needed:
        fresh_database(admin_url)
        run([PY, "manage.py", "migrate", "-v0"], env)
        print("import …", flush=True)
        results["import_seconds"] = round(run([PY, "manage.py", "import_readouts", "--publish", str(corpus)], env), 1)
    else:
        run([PY, "manage.py", "migrate", "-v0"], env)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    setup_django(env)
    settle()
    from meetings.models import Meeting, Statement

    results["meetings"] = Meeting.objects.published().count()
    results["statements"] = Statement.objects.count()
    print(f"{results['meetings']} published meetings, {results['statements']} statements", flush=True)
    vocabulary = read_vocabulary(corpus, args.seed)
    rng = random.Random(args.seed)

    print("whole-archive downloads, each from a server of its own …", flush=True)
    results["downloads"] = downloads(env, vocabulary.common[-1])
    with server(env) as (base, _):
        fetch(base + "/data/")
        print("the API …", flush=True)
        results["api"] = api(base, vocabulary, rng)
        print(f"  {results['api']}", flush=True)
        print("OAI-PMH …", flush=True)
        results["oai"] = oai(base, rng)
        print(f"  {results['oai']}", flush=True)
        print("the sitemap and the feeds …", flush=True)
        results["discovery"] = discovery(base, vocabulary, rng)
        print(f"  feeds: {results['discovery']['feeds']}", flush=True)
    print("export_dataset …", flush=True)
    results["dataset"] = dataset(env)
    print(f"  {results['dataset']}", flush=True)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    path = OUT / f"opendata-{args.readouts}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"load average after: {results['load_average_after']}; written to {path}", flush=True)


if __name__ == "__main__":
    main()
