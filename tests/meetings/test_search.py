"""Highlights as the pages show them: escaped, with the headline's markers as <mark>."""

import html

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from meetings.models import Meeting
from meetings.search import CONFIG, START, STOP, render_marked


def test_a_headline_is_escaped_and_its_markers_become_marks():
    text = f'{START}Abe{STOP} & <b>"Moon"</b> {START}O\'Brien{STOP}'
    assert render_marked(text) == "<mark>Abe</mark> &amp; &lt;b&gt;&quot;Moon&quot;&lt;/b&gt; <mark>O&#x27;Brien</mark>"


def test_a_headline_with_a_mark_left_open_is_shown_without_marks():
    assert render_marked(f"{START}Abe{STOP} and {START}Moon <i>") == "Abe and Moon &lt;i&gt;"


def test_a_headline_with_no_markers_is_only_escaped():
    assert render_marked("a < b") == "a &lt; b"


HEADLINES = [
    f'{START}Abe{STOP} & <b>"Moon"</b> {START}O\'Brien{STOP}',
    f"{START}Abe{STOP} and {START}Moon <i>",
    "a < b > c & d",
    f"{STOP}closed first{START}",
    "",
    "日韓 «cooperation» — ¶ 2 (3)",
]


@pytest.mark.django_db
@pytest.mark.parametrize("text", HEADLINES)
def test_the_databases_marked_headline_is_pythons(text):
    """The list pages build their highlights in SQL (migration 0013), the others in Python."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT meetings_marked(%s), meetings_html_escape(%s)", [text, text])
        marked, escaped = cursor.fetchone()
    assert marked == render_marked(text)
    assert escaped == html.escape(text)


QUERIES = ["abductions", '"comfort women"', "Takeshima or Vladivostok", "abductions -Kono", "the", "Kono's"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", QUERIES)
def test_the_websearch_lookup_matches_and_ranks_as_searchquery_does(seeds, text):
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    expected = (
        Meeting.objects.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "pk")
        .values_list("pk", "rank")
    )
    found = Meeting.objects.search(text).by_relevance(text).order_by("-rank", "pk").values_list("pk", "rank")
    assert list(found) == list(expected)
    assert len(expected) == EXPECTED_MATCHES[text]


EXPECTED_MATCHES = {
    "abductions": 3,
    '"comfort women"': 3,
    "Takeshima or Vladivostok": 3,
    "abductions -Kono": 2,
    "the": 0,
    "Kono's": 2,
}
