"""Statements keep their public identifier through re-imports, splits and merges."""

import re
import shutil

import pytest
from django.core.management import call_command

from meetings.curation import merge_statements, split_statement
from meetings.importing import carried_keys
from meetings.models import Meeting, Statement
from tests.conftest import seed_path

pytestmark = pytest.mark.django_db


def keyed(meeting) -> dict[str, str]:
    return dict(Statement.objects.filter(meeting=meeting).values_list("key", "text"))


def import_file(path):
    call_command("import_readouts", "--publish", str(path), verbosity=0)


@pytest.fixture
def readout_file(tmp_path):
    path = tmp_path / seed_path("004").name
    shutil.copy(seed_path("004"), path)
    import_file(path)
    return path


def test_an_inserted_paragraph_moves_no_anchor_to_other_text(client, readout_file):
    meeting = Meeting.objects.get()
    before = keyed(meeting)
    text = readout_file.read_text(encoding="utf-8")
    first = "1. North Korean Issues"
    assert first in text
    readout_file.write_text(
        text.replace(first, "The two ministers first spoke of the weather in Ningbo.\n\n" + first, 1), encoding="utf-8"
    )
    import_file(readout_file)
    after = keyed(meeting)
    assert len(after) == len(before) + 1
    assert {k: after[k] for k in before} == before  # every old key, the same text
    (new,) = set(after) - set(before)
    assert "weather in Ningbo" in after[new]
    html = client.get(meeting.get_absolute_url()).content.decode()
    for key, statement_text in before.items():
        anchored = re.search(rf'id="s{key}">.*?<p lang="en">(.*?)</p>', html, re.S)
        assert anchored and anchored[1].startswith(statement_text[:40].replace("’", "’"))


def test_an_edited_paragraph_keeps_its_key_and_a_removed_one_says_so(client, readout_file):
    meeting = Meeting.objects.get()
    statements = list(Statement.objects.filter(meeting=meeting).order_by("position"))
    edited, removed = statements[2], statements[4]
    text = readout_file.read_text(encoding="utf-8")
    removed_line = next(line for line in text.splitlines() if removed.text[:60] in line)
    edited_line = next(line for line in text.splitlines() if edited.text[:60] in line)
    assert "Kim" in edited.text
    text = text.replace(edited_line, edited_line.replace("Kim", "KIM"), 1).replace(removed_line + "\n", "", 1)
    readout_file.write_text(text, encoding="utf-8")
    import_file(readout_file)
    assert Statement.objects.get(meeting=meeting, key=edited.key).text == edited.text.replace("Kim", "KIM")
    assert not Statement.objects.filter(meeting=meeting, key=removed.key).exists()
    readout = meeting.readouts.get()
    assert readout.retired_anchors == [f"s{removed.key}"]
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'<li class="statement statement--retired" id="s{removed.key}">' in html
    assert "The statement this link pointed to is no longer in this readout" in html
    # The version that was cited still shows it where the link points.
    old = client.get(meeting.get_absolute_url() + "v/1/").content.decode()
    assert re.search(rf'id="s{removed.key}">.*?{re.escape(removed.text[:30])}', old, re.S)


def test_split_keeps_the_key_for_the_first_part_and_merge_keeps_the_merged_anchors(client, readout_file):
    meeting = Meeting.objects.get()
    statement = Statement.objects.filter(meeting=meeting).order_by("position")[3]
    second = split_statement(
        statement, len(statement.text) // 2 + statement.text[len(statement.text) // 2 :].index(" ")
    )
    statement.refresh_from_db()
    assert second.key != statement.key and len(second.key) == 8
    kept = merge_statements([statement, second])
    assert kept.key == statement.key
    assert kept.anchors == [f"s{second.key}"]
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'<span class="statement__former" id="s{second.key}"></span>' in html


def test_carried_keys_pairs_in_order_and_retires_the_rest():
    old = [Statement(key=k, text=t, anchors=[]) for k, t in [("a", "one two three"), ("b", "four five six")]]
    carried, retired = carried_keys(old, ["zero", "one two three", "four five six and seven"])
    assert carried == [None, ("a", []), ("b", [])]
    assert retired == []
    carried, retired = carried_keys(old, ["something else entirely"])
    assert carried == [None] and retired == ["sa", "sb"]
