"""Clients at once: pages over HTTP from the server, or the same pages' SQL straight to PostgreSQL.

Each client is a thread that asks, until time is up, for a page of a kind drawn at random from
MIX (its own seeded generator): a new search (over HTTP, words never asked before; its SQL, that
of a new search's first reader), a search asked before, a browse page or a meeting's page.
"""

import random
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

MIX = ["new search", "repeated search", "browse", "meeting"]


@dataclass
class Workload:
    """What each kind of request asks for."""

    new_search: Callable[[], str]  # the path of a search never asked before
    paths: dict[str, list[str]]  # "repeated search", "browse", "meeting": paths served before
    sql: dict[str, list[list[str]]]  # every kind of MIX: the statements of pages of that kind


def percentile(values: list[float], p: float) -> float:
    """The p-quantile (0 to 1) of the values, interpolated between the two nearest."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def get(url: str, timeout: float = 60) -> float:
    """Fetch a page whole; the seconds it took. Anything but 200 raises."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - start


def run_statements(cursor, statements: list[str]) -> float:
    """Run a page's statements one after another, reading every row; the seconds it took. A
    SET LOCAL and the statement after it run in a transaction of their own, as the page runs
    them (meetings.facetindex.matches_bitmap)."""
    start = time.perf_counter()
    local = None
    for sql in statements:
        if sql.startswith("SET LOCAL"):
            local = cursor.connection.transaction()
            local.__enter__()
        cursor.execute(sql)
        if cursor.description:
            cursor.fetchall()
        if local is not None and not sql.startswith("SET LOCAL"):
            local.__exit__(None, None, None)
            local = None
    return time.perf_counter() - start


def run_clients(clients: int, seconds: float, seed: int, connect: Callable, ask: Callable) -> dict:
    """`clients` threads, each with its own `connect()`, calling ask(kind, rng, connection) for
    `seconds`: requests per second, latency percentiles (ms) and errors."""
    deadline = time.perf_counter() + seconds
    done: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        connection = connect()
        try:
            while time.perf_counter() < deadline:
                kind = rng.choice(MIX)
                start = time.perf_counter()
                try:
                    ask(kind, rng, connection)
                except Exception as exc:  # noqa: BLE001 - every failure counts as an error
                    with lock:
                        errors.append(f"{kind}: {exc!r}"[:300])
                else:
                    with lock:
                        done.append((kind, time.perf_counter() - start))
        finally:
            if connection is not None:
                connection.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    times = [t for _, t in done]
    out = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(done),
        "errors": len(errors),
        "first_errors": errors[:3],
        "requests_per_s": round(len(done) / elapsed, 1),
    }
    for name, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        out[f"{name}_ms"] = round(percentile(times, p) * 1000, 1) if times else None
    out["median_ms_by_kind"] = {
        kind: round(statistics.median(t for k, t in done if k == kind) * 1000, 1)
        for kind in MIX
        if any(k == kind for k, _ in done)
    }
    return out


def http_clients(base: str, workload: Workload, clients: int, seconds: float, seed: int) -> dict:
    """The mix of pages over HTTP, new connection for each request (gunicorn's sync workers close it)."""

    def ask(kind: str, rng: random.Random, _) -> None:
        path = workload.new_search() if kind == "new search" else rng.choice(workload.paths[kind])
        get(base + path)

    return run_clients(clients, seconds, seed, lambda: None, ask)


def sql_clients(database_url: str, workload: Workload, clients: int, seconds: float, seed: int) -> dict:
    """The same mix as SQL only: each client with its own connection replays a page's statements."""

    def connect():
        return psycopg.connect(database_url, autocommit=True)

    def ask(kind: str, rng: random.Random, connection) -> None:
        with connection.cursor() as cursor:
            run_statements(cursor, rng.choice(workload.sql[kind]))

    return run_clients(clients, seconds, seed, connect, ask)


def query_string(params: dict) -> str:
    return urllib.parse.urlencode(params, doseq=True)
