"""What changed between two public versions of a meeting, as readers see it."""

import pytest
import reversion

from meetings.models import Topic
from tests.meetings.builders_curation import make_summit, record_version
from tests.meetings.conftest import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised():
    """The summit published (version 1), then revised (version 2): a new title, one statement's
    words changed, one statement added, a topic and an attendee added."""
    meeting = record_version(meeting=make_summit())
    meeting.title = "Japan-ROK Summit Meeting in Vladivostok"
    meeting.save()
    first, second = meeting.statements.order_by("position")
    first.text = "At the outset, Prime Minister Abe expressed that he was pleased to meet President Moon again."
    first.save()
    second.topics.add(Topic.objects.get(slug="abductions"))
    readout = first.readout
    readout.statements.create(meeting=meeting, position=3, number="3", text="The leaders agreed to meet again soon.")
    meeting.attendances.create(readout=readout, participant=make_participant(name="Yoshihide Suga"), role="attendee")
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment("Corrected the title and the first statement")
        meeting.record_change()
    return meeting


def test_the_changes_of_a_version_are_shown_field_by_field_and_word_by_word(client, revised):
    response = client.get(f"{revised.get_absolute_url()}v/2/changes/")
    assert response.status_code == 200
    changes = response.context["changes"]
    assert [(f.label, f.before, f.after) for f in changes.fields] == [
        ("Title", "Japan-Republic of Korea (ROK) Summit Meeting", "Japan-ROK Summit Meeting in Vladivostok")
    ]
    assert [(c.kind, c.label) for c in changes.statements] == [
        ("changed", "paragraph 1"),
        ("changed", "paragraph 2"),
        ("added", "paragraph 3"),
    ]
    words = changes.statements[0].words
    assert ("removed", "beginning,") in words and ("added", "outset,") in words
    assert [(d.label, d.before, d.after) for d in changes.statements[1].details] == [("Topics", "—", "Abductions")]
    assert changes.people_added == ["Yoshihide Suga"]
    html = response.content.decode()
    assert "<del>beginning,</del>" in html and "<ins>outset,</ins>" in html
    assert "Corrected the title and the first statement" in html


def test_the_version_list_links_to_what_changed(client, revised):
    html = client.get(revised.get_absolute_url()).content.decode()
    assert f'href="{revised.get_absolute_url()}v/2/changes/">what changed</a>' in html
    assert f'href="{revised.get_absolute_url()}v/1/changes/"' not in html


def test_version_one_has_nothing_to_compare_with(client, revised):
    html = client.get(f"{revised.get_absolute_url()}v/1/changes/", follow=True).content.decode()
    assert "This is the first public version" in html


@pytest.mark.parametrize("query, status", [({"from": "2"}, 400), ({"from": "x"}, 400), ({"from": "0"}, 200)])
def test_a_comparison_must_start_from_an_earlier_version(client, revised, query, status):
    assert client.get(f"{revised.get_absolute_url()}v/2/changes/", query).status_code == status


def test_a_version_that_does_not_exist_has_no_changes(client, revised):
    assert client.get(f"{revised.get_absolute_url()}v/3/changes/").status_code == 404
