"""What the public pages keep (meetings.caching): in Django's cache, by the archive's version;
reads never write."""

import socket
from datetime import date

import pytest
import reversion
from django.core.cache import cache, caches
from django.db import connection, transaction

from meetings.caching import VERSION_KEY, archive_changed, archive_version, changes_seen
from meetings.filters import MeetingFilter
from meetings.models import Level, Meeting, Participant, Status, Topic
from tests.meetings.conftest import make_meeting, make_participant, make_user


@pytest.fixture
def archive(db) -> dict[str, Meeting]:
    """Five published meetings: foreign ministers in 2016, 2017 (both governments' readouts)
    and 2018 (Korea's), summits in 2012 and 2017; Taro Kono speaks in 2017."""
    kono = make_participant(name="Taro Kono", slug="taro-kono")
    abductions = Topic.objects.get(slug="abductions")  # the vocabulary a migration loads
    comfort_women = Topic.objects.get(slug="comfort-women")
    built = {
        "fm-2016": make_meeting(date=date(2016, 3, 1), statements=("The ministers discussed trade.",)),
        "fm-2017": make_meeting(
            date=date(2017, 12, 19),
            issuers=("JPN", "KOR"),
            principals=(kono,),
            topics=(comfort_women, abductions),
            statements=("Minister Kono raised the abductions issue.", "Both spoke of the comfort women agreement."),
        ),
        "fm-2018": make_meeting(date=date(2018, 1, 5), issuers=("KOR",)),
        "summit-2012": make_meeting(date=date(2012, 4, 7), level=Level.SUMMIT),
        "summit-2017": make_meeting(date=date(2017, 7, 7), level=Level.SUMMIT, topics=(abductions,)),
    }
    for statement in built["fm-2017"].statements.all():
        statement.speakers.add(kono)
    with reversion.create_revision(manage_manually=True):
        built["fm-2017"].record_change()  # its version 1
    return built


PUBLIC_PAGES = [
    "/",
    "/?q=abductions",
    "/?q=abductions&level=foreign-ministers&sort=date",
    "/?year=2017&topic=comfort-women",
    "/?q=%22comfort+women%22&page=1",
    "/statements/",
    "/statements/?q=Kono&speaker=taro-kono",
    "/people/taro-kono/",
    "/topics/abductions/",
]


def test_no_public_page_writes_to_the_database(client, archive):
    """Every public page answers in a read-only transaction, as on a hot-standby replica (the
    real one: tests/test_replica.py): the first reader's, which counts and keeps, and the next."""
    meeting = archive["fm-2017"]
    pages = [
        *PUBLIC_PAGES,
        meeting.get_absolute_url(),
        meeting.get_absolute_url() + "?q=Kono",
        meeting.get_absolute_url() + "v/1/",
        meeting.get_absolute_url() + "v/1/changes/",
        "/people/",
        "/topics/",
        f"/meetings/{meeting.public_id}/cite.bib",
    ]
    with transaction.atomic():  # a savepoint: rolled back, it undoes SET LOCAL
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL transaction_read_only = on")
        for reader in ("first", "next"):
            for url in pages:
                assert client.get(url).status_code == 200, (reader, url)
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_read_only")
            assert cursor.fetchone() == ("on",)
        transaction.set_rollback(True)


def count_calls(monkeypatch) -> list:
    calls = []
    real = type(Meeting.objects.none()).facet_counts

    def counted(queryset, *args, **kwargs):
        calls.append(str(queryset.query))
        return real(queryset, *args, **kwargs)

    monkeypatch.setattr(type(Meeting.objects.none()), "facet_counts", counted)
    return calls


def test_facet_counts_are_counted_once_for_a_page_and_not_again_for_its_kept_copy(client, archive, monkeypatch):
    calls = count_calls(monkeypatch)
    pages = ["/", "/?level=summit", "/?q=abductions&level=summit", "/?q=abductions"]
    for page in pages:
        client.get(page)
    assert len(calls) == 4
    for page in pages:
        client.get(page)
    assert len(calls) == 4  # the pages kept whole
    archive["summit-2012"].save()
    client.get("/")  # home shows it: counted anew
    assert len(calls) == 5


def test_a_change_readers_can_see_gives_the_archive_a_new_version(archive, django_capture_on_commit_callbacks):
    before = archive_version()
    assert archive_version() == before
    meeting = archive["fm-2017"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting.title = "A new title"
        meeting.save()
    assert len(callbacks) == 1
    assert archive_version() != before


def test_a_change_to_a_draft_keeps_the_version(archive, django_capture_on_commit_callbacks):
    draft = archive["fm-2017"]
    Meeting.objects.filter(pk=draft.pk).update(status=Status.DRAFT)
    before = archive_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft.refresh_from_db()
        draft.title = "Still a draft"
        draft.save()
    assert callbacks == []
    assert archive_version() == before


def test_a_change_rolled_back_keeps_the_version(archive, django_capture_on_commit_callbacks):
    before = changes_seen()
    with django_capture_on_commit_callbacks(execute=False):
        archive_changed()  # never committed
    assert changes_seen() == before


def test_an_editor_unpublishing_a_meeting_gives_a_new_version(archive, django_capture_on_commit_callbacks):
    """Its modified time leaves the published meetings' newest: the cache's part changes."""
    meeting = archive["fm-2017"]
    version = changes_seen()
    with django_capture_on_commit_callbacks(execute=True):
        meeting.status = Status.DRAFT
        meeting.save()
    assert changes_seen() != version


def test_renaming_a_person_shows_on_every_list_at_once(client, archive, django_capture_on_commit_callbacks):
    client.get("/")
    kono = Participant.objects.get(slug="taro-kono")
    kono.name = "KONO Taro"
    with django_capture_on_commit_callbacks(execute=True):
        kono.save()
    assert "KONO Taro" in client.get("/").content.decode()


def test_a_page_read_again_is_the_kept_page(client, archive, django_assert_num_queries):
    """The next reader of an address gets the page kept whole: one query, for the version."""
    meeting = archive["fm-2017"]
    for url in [*PUBLIC_PAGES, meeting.get_absolute_url(), meeting.get_absolute_url() + "?q=Kono"]:
        first = client.get(url)
        with django_assert_num_queries(1):
            again = client.get(url)
        assert (again.status_code, again.content) == (200, first.content), url


def test_a_change_readers_can_see_is_on_the_next_page(client, archive, django_capture_on_commit_callbacks):
    meeting = archive["summit-2017"]
    client.get("/")
    client.get(meeting.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        meeting.title = "The Osaka summit"
        meeting.save()  # as every write path does: its `modified` is set anew
    assert "The Osaka summit" in client.get("/").content.decode()
    assert client.get(meeting.get_absolute_url(), follow=True).context["meeting"].title == "The Osaka summit"


def test_pages_are_kept_for_readers_only(client, archive, monkeypatch):
    """A signed-in curator's pages (a draft's preview) are never kept, nor shown to readers; nor
    is an answer other than 200 (a malformed choice's 400, a 404, a redirect)."""
    kept = []
    pages = caches["default"]
    real_set = pages.set
    monkeypatch.setattr(pages, "set", lambda key, *args, **kw: kept.append(key) or real_set(key, *args, **kw))
    draft = make_meeting(status=Status.DRAFT, title="A draft nobody may see")
    client.force_login(make_user("Curator"))
    assert client.get(draft.get_absolute_url()).status_code == 200  # the preview
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/?year=nineteen").status_code == 400
    assert client.get(f"/meetings/{draft.public_id}/").status_code == 404
    assert client.get(f"/meetings/{archive['fm-2016'].public_id}/").status_code == 301
    assert [key for key in kept if key.startswith("page:")] == []
    assert client.get("/?year=2017").status_code == 200
    assert len([key for key in kept if key.startswith("page:")]) == 1


def test_the_facets_of_a_page_are_counted_as_plain_querysets_count_them(archive):
    """Each chosen facet is counted over every other choice; the rest over every choice."""
    data = {"level": ["foreign-ministers"], "year": ["2017", "2018"]}
    filterset = MeetingFilter(data, queryset=Meeting.objects.published().with_related())
    assert filterset.is_valid()
    counts = filterset.facet_counts()
    published = Meeting.objects.published()
    both = published.filter(level="foreign-ministers", year__in=[2017, 2018])
    assert counts["total"] == {"": both.count()} == {"": 2}
    assert (
        counts["level"]
        == {
            "foreign-ministers": 2,
            "summit": published.filter(level="summit", year__in=[2017, 2018]).count(),
        }
        == {"foreign-ministers": 2, "summit": 1}
    )
    assert counts["year"] == {"2016": 1, "2017": 1, "2018": 1}
    assert (
        counts["issuer"]
        == {code: both.filter(issuers__contains=[code]).count() for code in ("JPN", "KOR")}
        == {"JPN": 1, "KOR": 2}
    )


def redis_reachable() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_with_a_shared_redis_cache_a_change_reaches_every_server(client, archive, settings):
    """Several app servers share CACHE_URL's Redis: a version set by one is read by all."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    location = "redis://127.0.0.1:6379/15"
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    settings.CACHES = {"default": redis, "archive": {**redis, "KEY_PREFIX": "archive"}, "cards": redis}
    cache.clear()
    other_server = RedisCache(location, {"KEY_PREFIX": "archive"})
    first = archive_version()
    assert other_server.get(VERSION_KEY) == changes_seen()
    other_server.set(VERSION_KEY, 1, timeout=None)  # another server's change
    assert archive_version() != first
    assert client.get("/?q=abductions").status_code == 200
    keys = caches["default"]._cache.get_client().keys("*")
    assert any(b":1:matches:" in key for key in keys)
    assert any(b":1:template.cache.card." in key for key in keys)  # the meetings' cards, shared too
    assert b"archive:1:archive:version" in keys
    cache.clear()


def test_a_full_cache_never_lets_the_version_go(archive, settings, tmp_path):
    """The default file-based cache lets a third of its entries go when full: the version has
    a cache of its own."""
    from django.core.cache import caches

    files = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    settings.CACHES = {
        "default": {**files, "LOCATION": str(tmp_path / "pages"), "OPTIONS": {"MAX_ENTRIES": 10}},
        "archive": {**files, "LOCATION": str(tmp_path / "archive")},
    }
    version = archive_version()
    for n in range(50):
        caches["default"].set(f"entry-{n}", n)
    assert len(list((tmp_path / "pages").iterdir())) <= 10
    assert archive_version() == version


def test_staff_see_the_same_counts_through_the_primary(client, archive):
    client.force_login(make_user("Editor"))
    assert client.get("/").status_code == 200


def test_the_narrow_search_rows_follow_every_meeting(client, archive):
    """MeetingSearch, which a search's matches are read from, holds each meeting's date and
    search vector as the meeting does, after an import and after a curator's save."""
    from meetings.models import MeetingSearch

    def rows(model, key):
        return sorted(model.objects.values_list(key, "date", "search_vector"))

    assert rows(MeetingSearch, "meeting_id") == rows(Meeting, "pk") and len(rows(Meeting, "pk")) == 5
    meeting = archive["summit-2012"]
    meeting.date = meeting.date.replace(year=2019)
    meeting.title = "Zanzibar talks"
    meeting.save()
    assert rows(MeetingSearch, "meeting_id") == rows(Meeting, "pk")
    response = client.get("/", {"q": "Zanzibar", "date_from": "2019-01-01"})
    assert response.context["paginator"].count == 1


def test_an_edit_leaves_kept_the_list_pages_that_do_not_show_the_meeting(
    client, archive, django_capture_on_commit_callbacks
):
    """A title changed: the lists it is not on, and the searches it does not match, are the pages
    kept (no template rendered); the list it is on shows the new title."""
    pages = ["/?level=summit", "/?q=abductions", "/?q=abductions&sort=date", "/?year=2017&topic=comfort-women"]
    first = {url: client.get(url).content for url in pages}
    meeting = archive["fm-2016"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting.title = "The Seoul meeting on trade"
        meeting.save()
    for url in pages:
        again = client.get(url)
        assert (again.templates, again.content) == ([], first[url]), url
    home = client.get("/")
    assert home.templates != []
    assert "The Seoul meeting on trade" in home.content.decode()


def test_an_edit_that_makes_a_meeting_match_a_search_is_on_the_searchs_next_page(
    client, archive, django_capture_on_commit_callbacks
):
    assert client.get("/?q=Seoul").context["paginator"].count == 0
    assert client.get("/?q=trade").context["paginator"].count == 1
    meeting = archive["fm-2016"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting.title = "The Seoul meeting"
        meeting.save()
    found = client.get("/?q=Seoul")
    assert found.context["paginator"].count == 1
    assert [m.pk for m in found.context["object_list"]] == [meeting.pk]
    assert client.get("/?q=trade").context["paginator"].count == 1  # its statement still says it


def test_an_edit_to_what_the_lists_count_is_on_every_list(client, archive, django_capture_on_commit_callbacks):
    assert client.get("/?level=summit").context["paginator"].count == 2
    first = client.get("/?level=foreign-ministers&year=2017")  # fm-2016 is counted under 2016, not shown
    meeting = archive["fm-2016"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting.level = Level.SUMMIT
        meeting.save()
    assert client.get("/?level=summit").context["paginator"].count == 3
    again = client.get("/?level=foreign-ministers&year=2017")
    assert again.templates != []
    assert [m.pk for m in again.context["object_list"]] == [m.pk for m in first.context["object_list"]]
    year = {f["name"]: f for f in again.context["filter"].facets()}["year"]
    assert {v["value"]: v["count"] for v in year["values"]} == {"2017": 1, "2018": 1}


def test_an_edit_to_a_draft_leaves_every_list_kept(client, archive, django_capture_on_commit_callbacks):
    draft = make_meeting(status=Status.DRAFT, date=date(2019, 5, 5), title="A draft nobody may see")
    pages = ["/", "/?q=abductions", "/?level=summit"]
    first = {url: client.get(url).content for url in pages}
    with django_capture_on_commit_callbacks(execute=True):
        draft.title = "A draft still nobody may see"
        draft.date = date(2019, 6, 6)
        draft.save()
    for url in pages:
        again = client.get(url)
        assert (again.templates, again.content) == ([], first[url]), url


def test_a_kept_card_shows_each_change_to_what_it_shows(client, archive, django_capture_on_commit_callbacks):
    """A meeting's card is kept (the card partial's {% cache %}) under the meeting's `modified` and
    the names' version: a change to its place, its people's names or its topics' shows on the
    next list that shows it."""
    import re

    def card() -> str:
        page = client.get("/?q=agreement").content.decode()  # fm-2017's card alone
        return re.search(r'<ol class="cards">(.*?)</ol>', page, re.S).group(1)

    assert "Taro Kono" in card() and "Comfort women" in card()
    meeting = archive["fm-2017"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting.city = "Busan"
        meeting.save()
    assert "<span>Busan, Japan</span>" in card()
    kono = Participant.objects.get(slug="taro-kono")
    with django_capture_on_commit_callbacks(execute=True):
        kono.name = "KONO Taro"
        kono.save()
    assert ">KONO Taro</a>" in card()
    comfort_women = Topic.objects.get(slug="comfort-women")
    with django_capture_on_commit_callbacks(execute=True):
        comfort_women.name = "The comfort women issue"
        comfort_women.save()
    assert ">The comfort women issue</a>" in card()
