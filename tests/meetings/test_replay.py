"""Every public address of an archive, recorded, then replayed after the archive has changed.

The changes are what a year of curation does: changed files re-imported, a curator's edit
published, statements split and merged, people merged, a meeting withdrawn, one set back to
draft. Each address then answers 200, a 301 to a page that answers 200, or 410; and each
statement anchor recorded is still on the page it leads to (the statement, an anchor that
leads to it, or a note that it is gone), unless the page is a 410.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from meetings.curation import merge_participants, merge_statements, split_statement
from meetings.models import Meeting, Participant, Statement, Status, Topic
from tests.conftest import SEEDS
from tests.meetings.conftest import make_user
from tests.meetings.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


def record(client) -> tuple[list[str], dict[str, list[str]]]:
    """The public addresses of the archive as a reader and a citing scholar find them, and the
    statement anchors of each meeting page."""
    urls = ["/", "/statements/", "/?q=abductions", "/statements/?q=North+Korea"]
    anchors: dict[str, list[str]] = {}
    for meeting in Meeting.objects.public():
        page = meeting.get_absolute_url()
        urls += [page, f"/meetings/{meeting.public_id}/", f"/meetings/{meeting.public_id.upper()}/"]
        html = client.get(page).content.decode()
        anchors[page] = re.findall(r'<li class="statement[^"]*" id="([^"]+)"', html)
        versions = max(map(int, re.findall(r'href="[^"]*/v/(\d+)/"', html)), default=1)
        for number in range(1, versions + 1):
            urls.append(f"{page}v/{number}/")
            anchors[f"{page}v/{number}/"] = anchors[page]
            for fmt in ("bib", "ris", "json"):
                urls.append(f"/meetings/{meeting.public_id}/cite.{fmt}?version={number}")
        for key in meeting.statements.values_list("key", flat=True):
            urls.append(f"/meetings/{meeting.public_id}/cite.bib?statement={key}")
    urls += [p.get_absolute_url() for p in Participant.objects.all()]
    urls += [t.get_absolute_url() for t in Topic.objects.filter(statements__isnull=False).distinct()]
    return urls, anchors


def change_everything(client, tmp_path: Path) -> None:
    editor, curator = make_user("Editor"), make_user("Curator")
    # Changed files re-imported: a paragraph inserted in one, one left out of another.
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    first = folder / "004_19a025d9c24d22f3.txt"
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("1. North Korean Issues", "A new opening paragraph.\n\n1. North Korean Issues", 1))
    second = folder / "002_e294427f1326c480.txt"
    lines = second.read_text(encoding="utf-8").splitlines()
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    second.write_text("\n".join(lines[:longest] + lines[longest + 1 :]) + "\n", encoding="utf-8")
    call_command("import_readouts", str(folder), verbosity=0)
    # A curator's edit, then an Editor's publication of it.
    meeting = Meeting.objects.get(date="2018-03-17")
    client.force_login(curator)
    data = form_data(client.get(change_url(meeting)))
    data["title"] = "Japan–ROK Foreign Ministers’ Meeting in Tokyo"
    assert client.post(change_url(meeting), data).status_code == 302
    client.force_login(editor)
    client.post("/admin/meetings/meeting/", {"action": "publish", "_selected_action": [meeting.pk]})
    # Statements split and merged, people merged.
    statement = Statement.objects.filter(meeting__date="2017-12-19").order_by("position")[2]
    split_statement(statement, statement.text.index(" ", len(statement.text) // 2))
    merge_statements(list(Statement.objects.filter(meeting__date="2017-12-19").order_by("position")[5:7]))
    people = list(Participant.objects.filter(attendances__meeting__date="2012-04-07").distinct()[:2])
    merge_participants(keep=people[0], others=people[1:])
    # One withdrawn, one set back to draft, by an Editor.
    for date, status in (("2016-09-18", Status.WITHDRAWN), ("2017-09-07", Status.DRAFT)):
        meeting = Meeting.objects.get(date=date)
        data = form_data(client.get(change_url(meeting)))
        data.update(status=status, withdrawn_reason="Checked against the other government's readout.")
        assert client.post(change_url(meeting), data).status_code == 302
        assert Meeting.objects.get(pk=meeting.pk).status == status
    client.logout()


def test_every_recorded_address_still_answers(client, seeds, tmp_path):
    urls, anchors = record(client)
    assert len(urls) > 100
    change_everything(client, tmp_path)
    answers = {}
    for url in urls:
        response = client.get(url)
        final = url
        for _ in range(3):
            if response.status_code != 301:
                break
            final = response["Location"]
            target = urlsplit(final)
            response = client.get(target.path + (f"?{target.query}" if target.query else ""))
        answers[url] = response.status_code
        assert response.status_code in (200, 410), (url, final, response.status_code)
        if response.status_code == 200 and url in anchors:
            ids = set(re.findall(r'id="([^"]+)"', response.content.decode()))
            assert not set(anchors[url]) - ids, (url, set(anchors[url]) - ids)
    assert sorted(set(answers.values())) == [200, 410]
    gone = {u for u, status in answers.items() if status == 410}
    assert {urlsplit(u).path.split("/")[2].lower() for u in gone} == {
        m.public_id for m in Meeting.objects.exclude(status=Status.PUBLISHED)
    }
