"""The archive as data: downloads of a list's whole result set (CSV, JSON Lines, BibTeX, RIS),
Atom feeds, the sitemap and robots.txt. Read with the parsers their users' tools use (csv,
feedparser, bibtexparser, rispy, an XML parser) and checked against the seeds."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import bibtexparser
import feedparser
import pytest
import rispy
from django.http import StreamingHttpResponse
from django.utils import timezone

from meetings.exports import MEETING_COLUMNS, STATEMENT_COLUMNS
from meetings.models import Level, Meeting, Statement, Status
from tests.meetings.builders_curation import FRANK_EXCHANGES, make_summit, record_version
from tests.meetings.conftest import make_meeting
from tests.meetings.test_admin import as_user, form_data, publish

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)  # streamed: the whole archive starts at once
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    text = body(response)
    assert text.startswith("\ufeff")  # UTF-8 with a byte order mark, so that Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def permalink(meeting) -> str:
    return f"http://testserver{meeting.get_absolute_url()}"


# --- Downloads ------------------------------------------------------------------------------


def test_every_published_meeting_as_csv_newest_first(client, seeds):
    response = client.get("/meetings.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="readout-archive-meetings-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    rows = csv_rows(response)
    assert list(rows[0]) == list(MEETING_COLUMNS)
    assert [r["date"] for r in rows] == ["2018-03-17", "2017-12-19", "2017-09-07", "2016-09-18", "2012-04-07"]
    summit = Meeting.objects.get(date="2017-09-07")
    row = rows[2]
    assert row == row | {
        "id": summit.public_id,
        "permalink": permalink(summit),
        "version": "1",
        "version_permalink": permalink(summit) + "v/1/",
        "title": "Japan-ROK Summit Meeting",
        "level": "summit",
        "format": "in-person",
        "city": "Vladivostok",
        "country": "RUS",
        "place": "Vladivostok, Russia",
        "occasion": "to attend the Eastern Economic Forum",
        "principals": "Shinzo Abe; Moon Jae-in",
        "issuers": "JPN",
        "speakers": "Shinzo Abe; Moon Jae-in",
    }
    statements = Statement.objects.filter(meeting=summit).order_by("position").values_list("text", flat=True)
    assert row["text"] == "\n".join(["[Japan]", *statements])
    assert row["topics"].split("; ") == sorted(summit.topics.values_list("name", flat=True))


def test_a_download_keeps_the_lists_search_and_choices(client, seeds):
    assert [r["level"] for r in csv_rows(client.get("/meetings.csv?level=summit"))] == ["summit"]
    for query in ["q=Vladivostok", "q=missile&sort=date", "topic=comfort-women&issuer=KOR", "q=kishida or gemba"]:
        listed = [m.public_id for m in client.get(f"/?{query}").context["object_list"]]
        assert listed, query
        assert [r["id"] for r in csv_rows(client.get(f"/meetings.csv?{query}"))] == listed, query
    oldest = csv_rows(client.get("/meetings.csv?sort=date&issuer=JPN"))
    assert [r["date"] for r in oldest] == ["2012-04-07", "2016-09-18", "2017-09-07", "2018-03-17"]


def test_the_list_pages_offer_their_downloads_and_feed(client, seeds):
    page = client.get("/?level=summit&page=1").content.decode()
    assert 'href="/meetings.csv?level=summit" download>CSV</a>' in page
    assert 'href="/meetings.jsonl?level=summit" download>JSON Lines</a>' in page
    assert 'href="/meetings.bib?level=summit" download>BibTeX</a>' in page
    assert 'href="/meetings.ris?level=summit" download>RIS</a>' in page
    assert '<link rel="alternate" type="application/atom+xml" title="New meetings of this list"' in page
    assert 'href="/feeds/meetings/?level=summit"' in page
    statements = client.get("/statements/?q=missile").content.decode()
    assert 'href="/statements.csv?q=missile" download>CSV</a>' in statements
    assert 'href="/statements.jsonl?q=missile" download>JSON Lines</a>' in statements


def test_json_lines_hold_lists_and_the_text_as_given(client, seeds):
    response = client.get("/meetings.jsonl?level=summit")
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    [line] = body(response).splitlines()
    row = json.loads(line)
    assert list(row) == list(MEETING_COLUMNS)
    assert row["principals"] == ["Shinzo Abe", "Moon Jae-in"]
    assert row["issuers"] == ["JPN"]
    assert row["version"] == 1


def test_statements_as_csv_one_row_each_with_its_anchor(client, seeds):
    rows = csv_rows(client.get("/statements.csv?q=Vladivostok"))
    summit = Meeting.objects.get(date="2017-09-07")
    matching = Statement.objects.search("Vladivostok")
    assert list(rows[0]) == list(STATEMENT_COLUMNS)
    assert sorted(r["statement"] for r in rows) == sorted(matching.values_list("key", flat=True))
    statement = matching.filter(meeting=summit).first()
    row = next(r for r in rows if r["statement"] == statement.key)
    assert row["permalink"] == f"{permalink(summit)}#s{statement.key}"
    assert row["version_permalink"] == f"{permalink(summit)}v/1/#s{statement.key}"
    assert row["issuer"] == "JPN" and row["language"] == "en"
    assert row["text"] == statement.text
    assert len(csv_rows(client.get("/statements.csv"))) == Statement.objects.count()


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(client):
    make_meeting(title='=HYPERLINK("http://evil.example","Click")', statements=("-2+3 said the minister", "@SUM(1)"))
    [row] = csv_rows(client.get("/meetings.csv"))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    statements = csv_rows(client.get("/statements.csv"))
    assert [r["text"] for r in statements] == ["'-2+3 said the minister", "'@SUM(1)"]
    # JSON Lines are data for programs: the text as it is.
    assert json.loads(body(client.get("/meetings.jsonl")))["title"].startswith("=HYPERLINK")


def test_unpublished_meetings_appear_in_no_download(client):
    shown = make_meeting(title="Published meeting")
    make_meeting(title="Draft meeting", status=Status.DRAFT)
    make_meeting(title="In review", status=Status.REVIEW)
    for path in ["/meetings.csv", "/meetings.jsonl", "/statements.csv", "/meetings.bib", "/meetings.ris"]:
        text = body(client.get(path))
        assert "Published meeting" in text or shown.public_id in text, path
        assert "Draft meeting" not in text and "In review" not in text, path


def test_a_change_waiting_for_an_editor_is_not_downloaded(client, curator, editor):
    meeting = record_version(meeting=make_summit())
    statement = Statement.objects.get(meeting=meeting, text=FRANK_EXCHANGES)
    client = as_user(client, curator)
    url = f"/admin/meetings/statement/{statement.pk}/change/"
    data = form_data(client.get(url))
    data["text"] = "The two leaders agreed on a secret the public may not see yet."
    assert client.post(url, data).status_code == 302
    client.logout()
    for path in ["/meetings.csv", "/meetings.jsonl", "/statements.csv", "/statements.jsonl"]:
        text = body(client.get(path))
        assert "secret the public" not in text, path
        assert "will continue to hold frank exchanges" in text, path
    [row] = [r for r in csv_rows(client.get("/statements.csv")) if r["statement"] == statement.key]
    assert row["text"] == FRANK_EXCHANGES and row["version"] == "1"

    publish(client, editor, meeting)
    [row] = [r for r in csv_rows(client.get("/statements.csv")) if r["statement"] == statement.key]
    assert row["text"].startswith("The two leaders agreed on a secret") and row["version"] == "2"
    assert row["version_permalink"].endswith(f"/v/2/#s{statement.key}")


def test_a_whole_result_set_as_bibtex_and_ris(client, seeds):
    library = bibtexparser.parse_string(body(client.get("/meetings.bib")))
    assert library.failed_blocks == []
    assert len(library.entries) == 5
    summit = Meeting.objects.get(date="2017-09-07")
    entry = next(e for e in library.entries if e["year"] == "2017" and "Summit" in e["title"])
    assert entry["url"] == permalink(summit) + "v/1/"
    entries = rispy.loads(body(client.get("/meetings.ris?level=summit")))
    assert [e["title"] for e in entries] == ["Japan-ROK Summit Meeting"]
    assert entries[0]["urls"] == [permalink(summit) + "v/1/"]


@pytest.mark.parametrize("path", ["/meetings.csv", "/statements.jsonl", "/meetings.bib", "/feeds/meetings/"])
def test_a_malformed_choice_says_what_is_wrong(client, path):
    response = client.get(path + "?year=<b>1999x&date_from=2020-13-01")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain"
    assert response.content.decode() == (
        "Some of the choices cannot be used. year: Select a valid choice. that value is not one of the"
        " available choices.; date_from: Enter a valid date."
    )


def test_an_unknown_format_is_not_found(client):
    assert client.get("/meetings.xlsx").status_code == 404
    assert client.get("/statements.bib").status_code == 404


def test_a_downloads_queries_do_not_grow_with_its_rows(client, django_assert_max_num_queries):
    for n in range(30):
        make_meeting(title=f"Meeting {n}")
    with django_assert_max_num_queries(12):
        assert len(csv_rows(client.get("/meetings.csv"))) == 30


# --- Feeds ----------------------------------------------------------------------------------


def test_the_feed_of_new_meetings_is_read_by_feedparser(client, seeds):
    response = client.get("/feeds/meetings/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert feed.feed.title == "Readout Archive: new meetings"
    assert len(feed.entries) == 5
    summit = Meeting.objects.get(date="2017-09-07")
    entry = next(e for e in feed.entries if e.title == "Japan-ROK Summit Meeting")
    assert entry.link == permalink(summit)
    assert entry.id == permalink(summit)
    assert entry.author == "Ministry of Foreign Affairs of Japan"
    assert (
        entry.summary
        == "2017-09-07 · Summit · Vladivostok, Russia · Shinzo Abe, Moon Jae-in · Readouts: Ministry of Foreign Affairs of Japan"
    )
    assert {t.term for t in entry.tags} == set(summit.topics.values_list("name", flat=True))


def test_a_feed_of_a_search_lists_what_the_list_shows_newest_published_first(client):
    early = make_meeting(title="Summit on missiles", level=Level.SUMMIT, statements=("On missiles.",))
    late = make_meeting(title="Later summit on missiles", level=Level.SUMMIT, statements=("On missiles again.",))
    make_meeting(title="Ministers on missiles", statements=("On missiles.",))
    make_meeting(title="Draft summit on missiles", level=Level.SUMMIT, status=Status.DRAFT)
    Meeting.objects.filter(pk=early.pk).update(published_at=datetime(2020, 1, 1, tzinfo=UTC))
    Meeting.objects.filter(pk=late.pk).update(published_at=datetime(2021, 6, 1, tzinfo=UTC))
    feed = feedparser.parse(client.get("/feeds/meetings/?q=missiles&level=summit&page=3").content)
    assert feed.bozo == 0
    assert feed.feed.title == "Readout Archive: new meetings (“missiles”, Summit)"
    assert feed.feed.link == "http://testserver/?q=missiles&level=summit"
    assert [e.title for e in feed.entries] == ["Later summit on missiles", "Summit on missiles"]
    assert feed.entries[0].published == "2021-06-01T00:00:00+00:00"


def test_publishing_records_when_a_meeting_was_first_published(editor):
    meeting = make_meeting(status=Status.DRAFT)
    assert meeting.published_at is None
    meeting.status = Status.PUBLISHED
    meeting.save(update_fields=["status"])
    meeting.refresh_from_db()
    first = meeting.published_at
    assert first is not None and abs((timezone.now() - first).total_seconds()) < 60
    meeting.status = Status.DRAFT
    meeting.save()
    meeting.status = Status.PUBLISHED
    meeting.save()
    meeting.refresh_from_db()
    assert meeting.published_at == first  # the first time, kept


def test_an_import_that_publishes_records_when(seeds):
    assert not Meeting.objects.filter(published_at__isnull=True).exists()


def test_every_page_advertises_the_feed(client, seeds):
    summit = Meeting.objects.get(date="2017-09-07")
    for path in ["/", "/statements/", summit.get_absolute_url(), "/people/"]:
        page = client.get(path).content.decode()
        assert (
            '<link rel="alternate" type="application/atom+xml" title="New meetings in the Readout Archive"'
            ' href="/feeds/meetings/">' in page
        ), path


# --- Sitemap and robots.txt ------------------------------------------------------------------


def locations(client, path) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_every_published_meeting_and_version(client, seeds):
    make_meeting(title="Draft meeting", status=Status.DRAFT)
    assert locations(client, "/sitemap.xml") == [
        f"http://testserver/sitemap-{name}.xml" for name in ["meetings", "versions", "people", "topics"]
    ]
    published = Meeting.objects.published().order_by("pk")
    assert locations(client, "/sitemap-meetings.xml") == [permalink(m) for m in published]
    assert locations(client, "/sitemap-versions.xml") == [permalink(m) + "v/1/" for m in published]
    people = locations(client, "/sitemap-people.xml")
    assert "http://testserver/people/shinzo-abe/" in people
    tree = ET.fromstring(client.get("/sitemap-meetings.xml").content)
    assert {u.find(f"{SITEMAP}lastmod").text for u in tree.iter(f"{SITEMAP}url")} == {f"{timezone.now():%Y-%m-%d}"}


def test_robots_keep_crawlers_off_the_endless_choices(client, seeds):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    for rule in ["User-agent: *", "Disallow: /admin/", "Disallow: /*?", "Disallow: /meetings.", "Allow: /"]:
        assert rule in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_with_versions_numbers_them_as_the_pages_do(client, curator, editor):
    from meetings.versions import public_versions

    meeting = record_version(meeting=make_summit())
    statement = Statement.objects.get(meeting=meeting, text=FRANK_EXCHANGES)
    client = as_user(client, curator)
    url = f"/admin/meetings/statement/{statement.pk}/change/"
    data = form_data(client.get(url))
    data["text"] = "Changed."
    assert client.post(url, data).status_code == 302
    annotated = Meeting.objects.with_versions().get(pk=meeting.pk)
    assert annotated.version_number == len(public_versions(meeting)) == 1
    publish(client, editor, meeting)
    annotated = Meeting.objects.with_versions().get(pk=meeting.pk)
    versions = public_versions(meeting)
    assert annotated.version_number == len(versions) == 2
    assert annotated.last_published == versions[-1].created


def test_a_feed_and_the_sitemap_take_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for n in range(40):
        make_meeting(title=f"Meeting {n}")
    with django_assert_max_num_queries(14):
        assert len(feedparser.parse(client.get("/feeds/meetings/").content).entries) == 40
    for section in ["meetings", "versions", "people", "topics"]:
        with django_assert_max_num_queries(6):
            assert client.get(f"/sitemap-{section}.xml").status_code == 200
    with django_assert_max_num_queries(8):  # each section read once, for its lastmod and its pages
        assert client.get("/sitemap.xml").status_code == 200
