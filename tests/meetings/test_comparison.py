"""Two governments' readouts of a meeting compared: the pairs, what one says alone, the topics."""

from datetime import date

import pytest

from meetings.models import Meeting, Topic
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


def topic(slug):
    return Topic.objects.get(slug=slug)


@pytest.fixture
def both():
    """A foreign ministers' meeting both governments reported: each says the two agreed on North
    Korea, in their own words; Korea's alone raises the comfort women, Japan's alone the
    abductions; Japan's alone notes the lunch."""
    nk = (topic("north-korea-nuclear-missile"),)
    return make_meeting(
        date=date(2017, 12, 19),
        issuers=("JPN", "KOR"),
        statements=(
            {
                "issuer": "JPN",
                "text": "The two ministers agreed to keep up the pressure on North Korea over its nuclear and missile programmes.",
                "topics": nk,
            },
            {
                "issuer": "JPN",
                "text": "Minister Kono asked for the ROK's cooperation on the abductions issue.",
                "topics": (topic("abductions"),),
            },
            {"issuer": "JPN", "text": "The ministers then had a working lunch.", "topics": ()},
            {
                "issuer": "KOR",
                "text": "The two Foreign Ministers agreed to maintain pressure on North Korea over its nuclear and missile programs.",
                "topics": nk,
            },
            {
                "issuer": "KOR",
                "text": "Minister Kang conveyed the views of the victims of the comfort women issue.",
                "topics": (topic("comfort-women"),),
            },
        ),
    )


def test_the_readouts_are_paired_and_what_one_says_alone_is_shown(client, both):
    response = client.get(f"{both.get_absolute_url()}compare/")
    assert response.status_code == 200
    c = response.context["comparison"]
    assert [(p.left.readout_id != p.right.readout_id, p.left.text[:30], p.right.text[:30]) for p in c.pairs] == [
        (True, "The two ministers agreed to ke", "The two Foreign Ministers agre")
    ]
    assert c.pairs[0].shared_topics == ["North Korea nuclear and missile issues"]
    assert [s.text[:20] for s in c.only_left] == ["Minister Kono asked ", "The ministers then h"]
    assert [s.text[:20] for s in c.only_right] == ["Minister Kang convey"]
    assert [(t.slug, t.side) for t in c.topics] == [
        ("abductions", "JPN"),
        ("comfort-women", "KOR"),
        ("north-korea-nuclear-missile", "both"),
    ]
    html = response.content.decode()
    assert "<strong>in Republic of Korea’s readout only</strong>" in html
    assert 'href="/?onesided=KOR:comfort-women"' in html


def test_the_meeting_page_sums_the_comparison_up(client, both):
    html = client.get(both.get_absolute_url()).content.decode()
    assert "1 statement in both; 2 in Japan’s readout only, 1 in Republic of Korea’s only." in html
    assert "Comfort women</a>: in Republic of Korea’s readout only" in html


def test_a_meeting_with_one_readout_has_nothing_to_compare(client):
    meeting = make_meeting(issuers=("JPN",))
    assert client.get(f"{meeting.get_absolute_url()}compare/").status_code == 404
    assert "The two readouts compared" not in client.get(meeting.get_absolute_url()).content.decode()


def test_readouts_in_two_languages_are_paired_by_their_topics(client):
    meeting = make_meeting(
        issuers=("JPN", "KOR"),
        statements=(
            {
                "issuer": "JPN",
                "text": "両外相は、北朝鮮の核・ミサイル問題について意見交換を行った。",
                "topics": (topic("north-korea-nuclear-missile"),),
            },
            {
                "issuer": "KOR",
                "text": "양 장관은 북한 핵·미사일 문제에 대해 의견을 교환했다.",
                "topics": (topic("north-korea-nuclear-missile"),),
            },
            {"issuer": "KOR", "text": "양 장관은 위안부 문제를 논의했다.", "topics": (topic("comfort-women"),)},
        ),
    )
    meeting.readouts.filter(issuer="JPN").update(language="ja")
    meeting.readouts.filter(issuer="KOR").update(language="ko")
    c = client.get(f"{meeting.get_absolute_url()}compare/").context["comparison"]
    assert [(p.shared_topics, p.similarity) for p in c.pairs] == [(["North Korea nuclear and missile issues"], 0)]
    assert [s.text for s in c.only_right] == ["양 장관은 위안부 문제를 논의했다."]


def test_the_list_finds_meetings_where_only_one_government_raised_a_topic(client, both):
    make_meeting(issuers=("JPN", "KOR"), topics=(topic("comfort-women"),))  # both readouts: not one-sided
    make_meeting(issuers=("KOR",), topics=(topic("comfort-women"),))  # one readout: nothing to compare
    assert Meeting.objects.get(pk=both.pk).one_sided == ["JPN:abductions", "KOR:comfort-women"]
    response = client.get("/", {"onesided": "KOR:comfort-women"})
    assert [m.pk for m in response.context["object_list"]] == [both.pk]
    page = response.content.decode()
    assert "Comfort women: in Republic of Korea’s readout only" in page  # the chip and the facet's value
    assert client.get("/", {"onesided": "KOR:no-such-topic"}).status_code == 400
