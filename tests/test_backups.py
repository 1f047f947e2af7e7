"""Backups (make backup, make restore): a restored copy is the archive it was made from."""

import uuid
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from archive.backups import location
from meetings.models import Meeting, Participant, Topic
from tests.conftest import SEEDS

# pg_dump reads the database from a connection of its own: what it backs up must be committed.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive():
    """The seed readouts, imported and published."""
    # A transactional test starts from empty tables: the topics the migration loaded are gone.
    call_command("loaddata", str(settings.READOUT_FIXTURES / "topics.json"), verbosity=0)
    call_command("import_readouts", "--publish", str(SEEDS), verbosity=0)


@pytest.fixture
def backup(archive, tmp_path):
    path = tmp_path / "readouts.dump"
    call_command("backup_database", str(path), stdout=StringIO())
    return path


@pytest.fixture
def empty_database():
    """A new, empty database on the test database's server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@contextmanager
def connected_to(name: str):
    """Django's connection (and so the commands and the test client) on another database."""
    connection.close()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def contents() -> dict[str, dict]:
    """Every table's number of rows and a hash of them all, and every sequence's value."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = {}
        for (name,) in cursor.fetchall():
            cursor.execute(f"""SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM "{name}" t""")
            tables[name] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = dict(cursor.fetchall())
    return {"tables": tables, "sequences": sequences}


def pages(client, urls: list[str]) -> dict[str, tuple[int, bytes]]:
    """Each page's status and body."""
    served = {}
    for url in urls:
        response = client.get(url)
        served[url] = (response.status_code, response.content)
    return served


@committed
def test_a_restored_copy_has_the_same_tables_and_serves_the_same_pages(client, archive, tmp_path, empty_database):
    path = tmp_path / "readouts.dump"
    out = StringIO()
    call_command("backup_database", str(path), stdout=out)
    assert (
        out.getvalue()
        == f"Backed up the database {location(connection.settings_dict)} to {path} ({path.stat().st_size:,} bytes).\n"
    )
    original = contents()

    with connected_to(empty_database):
        out = StringIO()
        call_command("restore_database", str(path), stdout=out)
        assert out.getvalue() == (
            f"Restored the database {location(connection.settings_dict)} from {path}.\n"
            "Restart the archive's server processes, if any are running, so that they forget what they kept.\n"
        )
        restored = contents()
    assert restored == original
    assert original["tables"]["meetings_meeting"][0] == 5
    assert original["tables"]["meetings_statement"][0] == 42

    meeting = Meeting.objects.order_by("date").first()
    urls = [
        "/",
        "/?q=abductions",
        "/?q=%E6%8B%89%E8%87%B4",  # 拉致: the CJK functions of migration 0016
        "/statements/?q=Kono",
        meeting.get_absolute_url(),
        f"/meetings/{meeting.public_id}/cite.bib",
        Participant.objects.get(slug="taro-kono").get_absolute_url(),
        Topic.objects.get(slug="abductions").get_absolute_url(),
    ]
    served = pages(client, urls)
    with connected_to(empty_database):
        assert pages(client, urls) == served
    assert {status for status, _ in served.values()} == {200}


@committed
def test_a_restore_from_a_damaged_backup_changes_nothing(backup):
    backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    User.objects.create_user("curator")  # since the backup
    before = contents()
    with pytest.raises(CommandError) as error:
        call_command("restore_database", str(backup))
    assert str(error.value) == (
        "The restore failed and changed nothing: pg_restore: error: could not read from input file: end of file"
    )
    assert contents() == before


@committed
def test_a_restore_that_the_database_refuses_changes_nothing(backup):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE kept (meeting bigint REFERENCES meetings_meeting (id))")
    before = contents()
    with pytest.raises(CommandError) as error:
        call_command("restore_database", str(backup))
    assert str(error.value) == (
        "The restore failed and changed nothing: ERROR:  cannot drop constraint meetings_meeting_pkey on table"
        " public.meetings_meeting because other objects depend on it\n"
        "DETAIL:  constraint kept_meeting_fkey on table public.kept depends on index public.meetings_meeting_pkey\n"
        "HINT:  Use DROP ... CASCADE to drop the dependent objects too."
    )
    assert contents() == before
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE kept")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.dump", None, "{path} does not exist."),
        (
            "notes.txt",
            b"-- PostgreSQL database dump\n",
            "{path} is not a backup: it is not an archive in pg_dump's custom format.",
        ),
        ("empty.dump", b"", "{path} is not a backup: it is not an archive in pg_dump's custom format."),
    ],
)
def test_restore_refuses_what_is_not_a_backup(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("restore_database", str(path))
    assert str(error.value) == message.format(path=path)


def test_restore_refuses_a_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("restore_database", str(tmp_path))
    assert str(error.value) == f"{tmp_path} cannot be read (Is a directory)."
