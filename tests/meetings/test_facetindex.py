"""Facet counts from the bitmaps of meetings.facetindex, checked against plain ORM counts."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import facetindex
from meetings.filters import LONG_FACETS, MeetingFilter
from meetings.models import FACETS, Format, Level, Meeting, Status, newest
from tests.meetings.conftest import make_meeting, make_participant, make_topic

pytestmark = pytest.mark.django_db

# The filter each facet's choice applies, as a Q on the meetings table.
LOOKUPS = {
    "year": "year__in",
    "level": "level__in",
    "format": "format__in",
    "country": "country__in",
    "issuer": "issuers__overlap",
    "person": "principal_slugs__overlap",
    "topic": "topic_slugs__overlap",
    "onesided": "one_sided__overlap",
}
ARRAYS = {"issuer": "issuers", "person": "principal_slugs", "topic": "topic_slugs", "onesided": "one_sided"}


WORDS = ["cooperation", "North Korea", "missile", "economy", "the abductions issue", "trade", "climate"]


@pytest.fixture
def archive():
    """120 meetings of every facet's values, drawn at random (seed 7); a few are drafts."""
    rng = random.Random(7)
    people = [make_participant(country=rng.choice(["JPN", "KOR"])) for _ in range(12)]
    topics = [make_topic() for _ in range(6)]
    for n in range(120):
        make_meeting(
            date=date(rng.randint(1990, 2023), rng.randint(1, 12), rng.randint(1, 28)) if n % 17 else None,
            level=rng.choice(Level.values),
            format=rng.choice(Format.values),
            country=rng.choice(["JPN", "KOR", "CHN", "USA", ""]),
            issuers=rng.choice([("JPN",), ("KOR",), ("JPN", "KOR")]),
            principals=tuple(rng.sample(people, rng.randint(1, 2))),
            topics=tuple(rng.sample(topics, rng.randint(0, 3))),
            statements=tuple(
                " and ".join(rng.sample(WORDS, rng.randint(1, 3))) + f", said minister {n}."
                for _ in range(rng.randint(1, 3))
            ),
            status=Status.PUBLISHED if n % 11 else Status.DRAFT,
        )
    assert Meeting.objects.published().count() == 109


def condition(facet: str, values: list[str]) -> Q:
    if facet == "year":  # "unknown": the meetings of no date
        years = Q(year__in=[int(v) for v in values if v != "unknown"])
        return years | Q(year__isnull=True) if "unknown" in values else years
    return Q(**{LOOKUPS[facet]: values})


def expected(params: dict) -> dict[str, dict[str, int]]:
    """Each facet's counts the slow way: one COUNT per value, over the meetings that match the
    search text and every other facet's choices."""
    base = Meeting.objects.published()
    if params.get("q"):
        base = base.search(params["q"])
    chosen = {name: params[name] for name in FACETS if params.get(name)}
    out = {"total": {"": base.filter(*(condition(f, v) for f, v in chosen.items())).count()}}
    for name in FACETS:
        others = base.filter(*(condition(f, v) for f, v in chosen.items() if f != name))
        if name in ARRAYS:
            values = {v for row in others.values_list(ARRAYS[name], flat=True) for v in row}
        else:
            values = set(others.values_list(LOOKUPS[name].split("__")[0], flat=True)) - {""}
        counts = {str(v): others.filter(**{LOOKUPS[name]: [v]}).count() for v in values if v is not None}
        if name == "year":
            counts["unknown"] = others.filter(year__isnull=True).count()
        out[name] = {v: n for v, n in counts.items() if n}
    return out


def counted(params: dict) -> dict[str, dict[str, int]]:
    filterset = MeetingFilter(params, queryset=Meeting.objects.published())
    assert filterset.is_valid()
    return filterset.facet_counts()


def top(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def choices():
    """Searches with no, one and several choices, in one facet and across facets."""
    some = Meeting.objects.published().filter(date__isnull=False).exclude(topic_slugs=[]).order_by("pk")
    first, second = some[0], some[len(some) // 2]
    person, topic = first.principal_slugs[0], second.topic_slugs[0]
    yield {}
    yield {"level": ["summit"]}
    yield {"year": [str(first.year), str(second.year)], "level": ["foreign-ministers"]}
    yield {"person": [person], "topic": [topic], "issuer": ["JPN"]}
    yield {"q": "cooperation"}
    yield {"q": "cooperation", "format": ["telephone"], "country": [second.country or "JPN"]}
    yield {"q": '"North Korea" -missile', "level": ["summit", "foreign-ministers"], "topic": [topic]}
    yield {"q": "zzzunknownword"}
    yield {"year": ["unknown", str(first.year)], "q": "economy or trade"}


def test_counts_from_bitmaps_equal_counts_made_one_by_one(archive):
    for params in choices():
        got, want = counted(params), expected(params)
        assert got["total"] == want["total"], params
        for name in FACETS:
            if name in LONG_FACETS:
                # Only the values a long facet shows are worked out: its largest counts.
                assert top(got[name], LONG_FACETS[name]) == top(want[name], LONG_FACETS[name]), (params, name)
                assert set(got[name].items()) <= set(want[name].items()), (params, name)
            else:
                assert got[name] == want[name], (params, name)


def test_a_long_facet_keeps_its_largest_counts_with_their_ties_and_its_choices(archive):
    index = facetindex.current_index()
    sizes = index.counts(index.everything, {}, {})["person"]
    rare = min(sizes, key=sizes.get)
    for longest in (1, 2, 5):
        full = index.counts(index.everything, {"person": [rare]}, {})["person"]
        short = index.counts(index.everything, {"person": [rare]}, {"person": longest})["person"]
        assert full == sizes  # with no other choice, every value counts all its meetings
        least = sorted(full.values(), reverse=True)[longest - 1]
        # every value with one of the `longest` largest counts (ties too), and the chosen one
        assert short == {v: n for v, n in full.items() if n >= least or v == rare}
        assert len(short) < len(sizes)


def test_bitmaps_of_words_with_the_top_bit_set():
    index = facetindex.FacetIndex.empty().with_changes([], None, 0, 3 * 64 - 1)
    assert index.words == 3
    assert index.bitmap([0, 2], [-(2**63), 5]).tolist() == [2**63, 0, 5]
    assert index.bitmap([], []).tolist() == [0, 0, 0]
    assert index.bitmap(None, None).tolist() == [0, 0, 0]
    assert index.bitmap([1, 3], [7, 9]).tolist() == [0, 7, 0]  # a word past the index is left out


def test_an_index_follows_each_change_reading_only_the_meetings_changed(archive, django_assert_num_queries):
    before = facetindex.current_index()
    with django_assert_num_queries(1):  # the archive's state: nothing changed, the same index
        assert facetindex.current_index() is before
    meeting = Meeting.objects.published().exclude(level="summit").order_by("pk").first()
    meeting.level = "summit"
    meeting.save()
    with django_assert_num_queries(2):  # the state, and the meetings changed since
        after = facetindex.current_index()
    assert after is not before
    assert after.counts(after.everything, {}, {})["level"] == counted({})["level"] == expected({})["level"]
    assert before.counts(before.everything, {}, {})["level"]["summit"] + 1 == expected({})["level"]["summit"]
    meeting.status = Status.DRAFT  # unpublished: its bits go
    meeting.save()
    index = facetindex.current_index()
    assert index.counts(index.everything, {}, LONG_FACETS) == counted({})
    assert index.counts(index.everything, {}, {}) == expected({})


def test_a_meeting_deleted_is_noticed_though_no_modified_time_tells_of_it(archive, django_capture_on_commit_callbacks):
    facetindex.current_index()
    doomed = Meeting.objects.published().order_by("modified").first()  # the newest time stays
    with django_capture_on_commit_callbacks(execute=True):
        doomed.readouts.all().delete()
        doomed.delete()
    index = facetindex.current_index()
    assert index.counts(index.everything, {}, {}) == expected({})


@pytest.mark.parametrize("sort", ["-date", "date"])
def test_a_lists_ids_in_date_order_from_the_index_are_the_querysets(archive, sort):
    """The list's ids by date come from the facet index: the same meetings, in the same order,
    as its queryset orders them in PostgreSQL (those of no date last, ties by id)."""
    for params in choices():
        filterset = MeetingFilter({**params, "sort": sort}, queryset=Meeting.objects.published())
        assert filterset.is_valid()
        from_sql = list(filterset.qs.values_list("pk", flat=True))
        assert not filterset.ranked
        assert filterset.dated_ids().tolist() == from_sql, params
    assert any(m.date is None for m in Meeting.objects.published())


def test_the_list_pages_show_the_ids_the_index_orders(client, archive, django_assert_max_num_queries):
    """Deep pages and newest-first searches read their ids from the index: every page of a
    browse holds the queryset's rows, in order, once each."""
    expected = list(Meeting.objects.published().order_by(newest(), "-pk").values_list("public_id", flat=True))
    shown = []
    for page in range(1, len(expected) // 20 + 2):
        with django_assert_max_num_queries(12):
            response = client.get("/", {"page": page})
        shown += [m.public_id for m in response.context["object_list"]]
    assert shown == expected
    assert client.get("/", {"page": len(expected) // 20 + 2}).status_code == 404


def test_an_index_says_when_what_the_lists_show_last_changed(archive, django_capture_on_commit_callbacks):
    """`reordered` moves with a change to which meetings are published, their dates or facet
    values, never with a title's; the lists' orders are then sorted once, not again."""
    index = facetindex.current_index()
    order = index.newest_first
    meeting = Meeting.objects.published().order_by("date").first()
    with django_capture_on_commit_callbacks(execute=True):
        meeting.title = "Another title"
        meeting.save()
    retitled = facetindex.current_index()
    assert retitled is not index
    assert retitled.reordered == index.reordered
    assert retitled.newest_first is order
    with django_capture_on_commit_callbacks(execute=True):
        meeting.date = meeting.date.replace(year=meeting.date.year - 1)
        meeting.save()
    redated = facetindex.current_index()
    assert redated.reordered > index.reordered
    assert redated.newest_first is not order
    assert redated.newest_first.tolist() == list(
        Meeting.objects.published().order_by(newest(), "-pk").values_list("pk", flat=True)
    )


def test_meetings_read_again_unchanged_leave_the_lists_order_however_many_they_are(monkeypatch):
    """The first change after an import reads again every meeting of its last minutes: those
    unchanged, compared a few at a time, do not count as moved."""
    monkeypatch.setattr(facetindex, "COMPARED", 2)

    def row(pk: int, modified: float, level: str = "summit") -> tuple:
        values = ["2016", level, "in-person", "JPN", "JPN\x1fKOR", "shinzo-abe", "", ""]
        return (pk, True, 17000 + pk, modified, facetindex.RECORD.join(values))

    index = facetindex.FacetIndex.empty().with_changes([row(pk, 1.0) for pk in range(1, 8)], None, 0, 7)
    assert index.reordered == 1.0  # a first reading: everything is new
    again = index.with_changes([row(pk, 2.0) for pk in range(1, 8)], None, 0, 7)
    assert again.reordered == 1.0
    changed = again.with_changes([row(pk, 3.0) for pk in range(1, 7)] + [row(7, 3.0, "foreign-ministers")], None, 0, 7)
    assert changed.reordered == 3.0
    assert changed.counts(changed.everything, {}, {})["level"] == {"summit": 6, "foreign-ministers": 1}


def test_a_change_long_after_the_last_reads_again_only_what_the_index_may_not_hold(archive, monkeypatch):
    """An index read long after the archive last changed holds every change made more than
    MARGIN before it was read: the next change reads again the meetings changed since then, not
    those of the ten minutes before the newest `modified` (an import's tail)."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Meeting.objects.update(modified=an_hour_ago)  # as an import an hour ago left them
    before = facetindex.current_index()
    assert before.newest == an_hour_ago
    assert before.unseen_after > an_hour_ago + timedelta(minutes=49)
    read_again = []
    with_changes = facetindex.FacetIndex.with_changes

    def counting(self, rows, *args, **kwargs):
        read_again.append(sorted(row[0] for row in rows))
        return with_changes(self, rows, *args, **kwargs)

    monkeypatch.setattr(facetindex.FacetIndex, "with_changes", counting)
    meeting = Meeting.objects.published().exclude(level="summit").order_by("pk").first()
    meeting.level = "summit"
    meeting.save()
    after = facetindex.current_index()
    assert read_again == [[meeting.pk]]
    assert after.counts(after.everything, {}, {}) == expected({})


def test_a_kept_search_is_brought_up_to_date_by_the_meetings_changed_since_it_was_found(archive, monkeypatch):
    """After a change long after the last, a search's kept matches are asked again only of the
    meetings changed since they were found (two short queries), not searched anew, however many
    changed in the minutes before the newest `modified`."""
    monkeypatch.setattr(facetindex, "COMPARED", 5)  # fewer than the archive's meetings
    Meeting.objects.update(modified=timezone.now() - timedelta(hours=1))
    words = {"q": "cooperation"}
    first = MeetingFilter(words, queryset=Meeting.objects.published())
    assert first.is_valid()
    found = first.matches
    meeting = Meeting.objects.published().order_by("pk").first()
    meeting.title = "Another title"
    meeting.save()
    again = MeetingFilter(words, queryset=Meeting.objects.published())
    assert again.is_valid()
    assert again.index.newest is not None  # the index brought up to date first, as a page does
    with CaptureQueriesContext(connection) as queries:
        matches = again.matches
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "meetings_meetingsearch" in queries[1]["sql"]
    assert "array_agg" not in queries[1]["sql"]
    assert (matches == found).all()
