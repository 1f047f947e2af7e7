"""The public site served from a real streaming replica (DATABASE_REPLICA_URLS).

A primary cluster of its own (the embedded PostgreSQL's binaries), the archive migrated and the
seeds imported into it, then a hot standby made by `pg_basebackup -R` and started by `pg_ctl`
on its own port. The archive is served by gunicorn over real HTTP, and its public pages are
crawled from home: every page answers from the replica alone, which refuses any write.
"""

import html
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from archive import pgcluster

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "readouts"
pytestmark = pytest.mark.skipif(shutil.which("unshare") is None and os.geteuid() == 0, reason="needs unshare")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg(program: str, *args: str) -> subprocess.CompletedProcess:
    command = [*pgcluster._wrapper(), str(pgcluster._binaries() / program), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def start(data: Path, port: int) -> None:
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    pg("pg_ctl", "-D", str(data), "-l", str(data.parent / f"{data.name}.log"), "-o", options, "-w", "start")


def url(port: int) -> str:
    return f"postgres://archive@127.0.0.1:{port}/readouts"


@dataclass
class Replication:
    primary: str  # the primary's URL
    replica: str  # its hot standby's
    primary_data: Path
    primary_port: int


@pytest.fixture(scope="module")
def replication(tmp_path_factory):
    """The archive with the seeds on a primary, and its hot standby."""
    base = tmp_path_factory.mktemp("replication")
    base.chmod(0o700)
    primary, replica = base / "primary", base / "replica"
    pg("initdb", "-D", str(primary), "-U", "archive", "--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8")
    primary_port, replica_port = free_port(), free_port()
    start(primary, primary_port)
    try:
        with psycopg.connect(url(primary_port).rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE readouts")
        env = {**os.environ, "DATABASE_URL": url(primary_port)}
        env.pop("DATABASE_REPLICA_URLS", None)
        for command in (["migrate", "-v0"], ["import_readouts", "--publish", str(SEEDS)]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        pg(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary_port),
            "-U",
            "archive",
            "-D",
            str(replica),
            "-R",
            "--checkpoint=fast",
        )
        start(replica, replica_port)
        with psycopg.connect(url(replica_port)) as conn:
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        yield Replication(url(primary_port), url(replica_port), primary, primary_port)
    finally:
        for data in (replica, primary):
            if (data / "postmaster.pid").exists():
                pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")


class Server:
    """gunicorn serving the archive with these databases, on a port of its own."""

    def __init__(self, tmp_path: Path, **databases: str):
        self.port = free_port()
        env = {
            **os.environ,
            **databases,
            "DEBUG": "true",  # static files need no collectstatic; errors show their traceback
            "SECRET_KEY": "replica-test",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CACHE_DIR": str(tmp_path / "cache"),
        }
        self.log = tmp_path / f"gunicorn-{self.port}.log"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        command = [gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "archive.wsgi"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start:\n" + self.log.read_text())

    def get(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(errors="replace")  # a download may be binary
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def sign_in(self) -> tuple[int, str]:
        """Post the admin's login form (which reads the users and records the attempt)."""
        _, form = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        credentials = {"csrfmiddlewaretoken": token, "username": "nobody", "password": "wrong"}
        return self.get("/admin/login/", credentials)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


LINK = re.compile(r'href="(/[^"#]*)"')


def crawl(server: Server, limit: int = 1000) -> dict[str, int]:
    """Every public address reachable from home (the admin and static files aside), by status."""
    seen: dict[str, int] = {}
    queue = ["/", "/?q=abductions", "/?q=%22comfort+women%22&level=foreign-ministers", "/statements/?q=Kono"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        status, body = server.get(path)
        seen[path] = status
        assert status == 200, f"{path}: {status}\n{body[-3000:]}\n{server.log.read_text()[-3000:]}"
        for link in LINK.findall(body):
            link = html.unescape(link)
            if not link.startswith(("/admin", "/static")) and link not in seen:
                queue.append(link)
    return seen


def test_the_replica_refuses_writes(replication):
    with psycopg.connect(replication.replica) as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("CREATE TABLE written (x int)")


def test_every_public_page_answers_from_the_replica_alone(replication, tmp_path):
    """The replica as the only database: any write, or any read the router sent to a primary,
    would be refused, and the page would not answer 200."""
    server = Server(tmp_path, DATABASE_URL=replication.replica)
    try:
        pages = crawl(server)
    finally:
        server.stop()
    kinds = {re.sub(r"[?].*", "?", p).split("/")[1] for p in pages}
    assert {"", "?", "meetings", "people", "topics", "statements"} <= kinds
    assert len(pages) >= 200  # 285 on the seeds, citations of each statement included
    assert sum(1 for p in pages if re.match(r"/meetings/[^/]+/cite\.bib", p)) >= 5


def test_a_readers_pages_read_the_replica_and_the_admin_the_primary(replication, tmp_path):
    """With a primary and a replica: the public pages read the replica only (they answer with the
    primary stopped); the admin uses the primary."""
    server = Server(tmp_path, DATABASE_URL=replication.primary, DATABASE_REPLICA_URLS=replication.replica)
    try:
        status, body = server.sign_in()
        assert status == 200 and "Please enter the correct username and password" in body
        pg("pg_ctl", "-D", str(replication.primary_data), "-m", "fast", "-w", "stop")  # the primary gone
        try:
            assert len(crawl(server, limit=40)) == 40
            status, body = server.sign_in()
            assert status == 500 and "OperationalError" in body  # DEBUG's page: the admin needs the primary
        finally:
            start(replication.primary_data, replication.primary_port)
    finally:
        server.stop()
