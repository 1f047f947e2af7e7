"""Facet counts from the bitmaps of meetings.facetindex, checked against plain ORM counts."""

import dataclasses
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from bench.generate import generate
from meetings import facetindex
from meetings.filters import LONG_FACETS, MeetingFilter
from meetings.models import FACETS, ArchiveState, FacetCache, MatchCache, Meeting

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
}
ARRAYS = {"issuer": "issuers", "person": "principal_slugs", "topic": "topic_slugs"}


@pytest.fixture
def archive(tmp_path: Path):
    """120 synthetic readouts (the benchmark's generator), imported and published."""
    generate(tmp_path, 120, seed=7)
    call_command("import_readouts", "--publish", str(tmp_path), verbosity=0)
    assert Meeting.objects.published().count() > 90


def expected(params: dict) -> dict[str, dict[str, int]]:
    """Each facet's counts the slow way: one COUNT per value, over the meetings that match the
    search text and every other facet's choices."""
    base = Meeting.objects.published()
    if params.get("q"):
        base = base.search(params["q"])
    chosen = {name: params[name] for name in FACETS if params.get(name)}
    out = {"total": {"": base.filter(*(Q(**{LOOKUPS[f]: v}) for f, v in chosen.items())).count()}}
    for name in FACETS:
        others = base.filter(*(Q(**{LOOKUPS[f]: v}) for f, v in chosen.items() if f != name))
        if name in ARRAYS:
            values = {v for row in others.values_list(ARRAYS[name], flat=True) for v in row}
        else:
            values = set(others.values_list(LOOKUPS[name].split("__")[0], flat=True)) - {""}
        counts = {str(v): others.filter(**{LOOKUPS[name]: [v]}).count() for v in values}
        out[name] = {v: n for v, n in counts.items() if n}
    return out


def counted(params: dict) -> dict[str, dict[str, int]]:
    filterset = MeetingFilter(params, queryset=Meeting.objects.published())
    assert filterset.is_valid()
    counts, version, _ = filterset.facet_counts()
    assert version == ArchiveState.objects.get().version
    return counts


def top(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def choices():
    """Searches with no, one and several choices, in one facet and across facets."""
    some = Meeting.objects.published().order_by("pk")
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
    index = facetindex.index_at(ArchiveState.objects.get().version)
    everyone = set(index.values["person"])
    sizes = dict(zip(index.values["person"], index.sizes[index.rows["person"]].tolist(), strict=True))
    rare = min(sizes, key=sizes.get)
    for longest in (1, 2, 5):
        full = index.counts(index.everything, {"person": [rare]}, {})["person"]
        short = index.counts(index.everything, {"person": [rare]}, {"person": longest})["person"]
        assert full == sizes  # with no other choice, every value counts all its meetings
        least = sorted(full.values(), reverse=True)[longest - 1]
        # every value with one of the `longest` largest counts (ties too), and the chosen one
        assert short == {v: n for v, n in full.items() if n >= least or v == rare}
        assert len(short) < len(everyone)


def test_bitmaps_of_words_with_the_top_bit_set():
    index = facetindex.FacetIndex(version=1, words=3)
    assert index.bitmap([0, 2], [-(2**63), 5]).tolist() == [2**63, 0, 5]
    assert index.bitmap([], []).tolist() == [0, 0, 0]
    assert index.bitmap(None, None).tolist() == [0, 0, 0]
    assert index.bitmap([1, 3], [7, 9]).tolist() == [0, 7, 0]  # a word past the index is left out
    assert index.from_bytes(index.bitmap([0, 2], [-(2**63), 5]).tobytes()).tolist() == [2**63, 0, 5]
    assert index.from_bytes(b"\x01").tolist() == [1, 0, 0]


def test_a_version_is_never_handed_out_twice(seeds):
    """A change rolled back does not leave its version to the next change: what a process
    worked out at that version is never taken for the next state."""
    meeting = Meeting.objects.get(date="2012-04-07")
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(level="summit")  # one change, as below
        seen = ArchiveState.objects.get().version
        assert facetindex.index_at(seen).counts(facetindex.index_at(seen).everything, {}, {})["level"]["summit"] == 2
        transaction.set_rollback(True)
    Meeting.objects.filter(pk=meeting.pk).update(format="telephone")
    after = ArchiveState.objects.get().version
    assert after != seen
    counts = counted({})
    assert counts["level"] == {"summit": 1, "foreign-ministers": 4}
    assert counts["format"] == {"in-person": 4, "telephone": 1}


def test_counts_read_while_the_archive_changed_are_shown_but_not_kept(seeds, monkeypatch):
    real = facetindex.index_at

    def moved_on(version, using="default"):
        index = real(version, using)
        return dataclasses.replace(index, version=version + 1)

    monkeypatch.setattr(facetindex, "index_at", moved_on)
    filterset = MeetingFilter({"q": "abductions"}, queryset=Meeting.objects.published())
    assert filterset.is_valid()
    assert filterset.total == 3
    assert not FacetCache.objects.exists()


def test_choices_of_values_no_meeting_has_count_nothing(seeds):
    counts = counted({"topic": ["no-such-topic"], "person": ["nobody-at-all"]})
    assert counts["total"] == {"": 0}
    assert {name: counts[name] for name in ("level", "topic", "person")} == {"level": {}, "topic": {}, "person": {}}
    assert counted({"topic": ["no-such-topic"]})["topic"]["abductions"] == 3  # its own facet still counts


def test_without_the_archive_version_nothing_is_kept(seeds):
    """After a flush of every table (as a transactional test does) the version row is gone: the
    counts are then read anew each time, never kept under a version that names no state."""
    ArchiveState.objects.all().delete()

    def levels():
        filterset = MeetingFilter({"q": "minister"}, queryset=Meeting.objects.published())
        assert filterset.is_valid()
        return filterset.facets()[1]["values"]

    assert [(v["value"], v["count"]) for v in levels()] == [("summit", 1), ("foreign-ministers", 4)]
    Meeting.objects.filter(date="2012-04-07").update(level="summit")
    assert [(v["value"], v["count"]) for v in levels()] == [("summit", 2), ("foreign-ministers", 3)]
    assert not FacetCache.objects.exists()


def page_facets(params: dict) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Each facet's counts as a list page shows them (every value shown), and the SQL it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    filterset = MeetingFilter(params, queryset=Meeting.objects.published())
    assert filterset.is_valid()
    with CaptureQueriesContext(connection) as queries:
        data = filterset.facet_data()
    counts = {f["name"]: {v["value"]: v["count"] for v in f["values"] if v["count"]} for f in data["facets"]}
    counts["total"] = {"": data["total"]}
    return counts, [q["sql"] for q in queries.captured_queries]


def searched(sql: list[str]) -> bool:
    """Whether PostgreSQL was asked for the matches of the words."""
    return any("array_agg" in q for q in sql)


def test_a_choice_that_narrows_a_search_counts_from_the_matches_the_search_kept(archive):
    for params in choices():
        if "q" not in params:
            continue
        FacetCache.objects.all().delete()
        MatchCache.objects.all().delete()
        search = {"q": params["q"]}
        _, sql = page_facets(search)
        assert searched(sql)
        assert MatchCache.objects.count() == 1
        narrowed = {**search, "level": ["summit"], **params}
        got, sql = page_facets(narrowed)
        assert not searched(sql), narrowed  # the kept matches were read with the facets' lookup
        want = expected(narrowed)
        assert got["total"] == want["total"], narrowed
        for name in FACETS:
            if name in LONG_FACETS:  # the page shows the largest counts (ties in the order of the names)
                assert set(got[name].items()) <= set(want[name].items()), (narrowed, name)
                largest = sorted(want[name].values(), reverse=True)[: LONG_FACETS[name]]
                assert sorted(got[name].values(), reverse=True) == largest, (narrowed, name)
            else:
                assert got[name] == want[name], (narrowed, name)


def test_kept_matches_are_forgotten_when_the_archive_changes(seeds):
    _, sql = page_facets({"q": "minister"})
    assert searched(sql) and MatchCache.objects.count() == 1
    meeting = Meeting.objects.get(date="2012-04-07")
    Meeting.objects.filter(pk=meeting.pk).update(level="summit")
    assert MatchCache.objects.count() == 0  # emptied by the trigger that counts the change
    counts, sql = page_facets({"q": "minister", "level": ["summit"]})
    assert searched(sql)
    assert counts["level"] == {"summit": 2, "foreign-ministers": 3}


def test_kept_matches_of_an_older_version_are_not_read(seeds):
    page_facets({"q": "minister"})
    MatchCache.objects.update(version=ArchiveState.objects.get().version - 1, bits=b"\xff" * 64)
    counts, sql = page_facets({"q": "minister", "level": ["summit"]})
    assert searched(sql)
    assert counts["total"] == {"": 1}


def test_a_list_with_no_words_and_no_dates_keeps_no_matches(seeds):
    page_facets({"level": ["summit"]})
    page_facets({})
    assert not MatchCache.objects.exists()
    counts, _ = page_facets({"date_from": "2017-01-01", "level": ["summit"]})
    assert counts["total"] == {"": 1} and MatchCache.objects.count() == 1


def test_kept_entries_are_bounded_the_oldest_let_go(seeds, monkeypatch):
    for n in range(5):
        MatchCache.store(f"k{n}", 1, bytes([n]))
    assert MatchCache.prune(keep=2) == 3
    assert sorted(MatchCache.objects.values_list("key", flat=True)) == ["k3", "k4"]
    MatchCache.store("k3", 1, b"\x07")  # stored again: now the newest
    MatchCache.store("k5", 1, b"\x05")
    assert MatchCache.prune(keep=2) == 1
    assert sorted(MatchCache.objects.values_list("key", flat=True)) == ["k3", "k5"]
    assert MatchCache.prune(keep=10) == 0
    # Every PRUNE_EVERY stores of a process, the table is cut to KEEP entries.
    monkeypatch.setattr(FacetCache, "KEEP", 3)
    monkeypatch.setattr(FacetCache, "PRUNE_EVERY", 4)
    monkeypatch.setattr(FacetCache, "_stores", 0, raising=False)
    for n in range(4):
        FacetCache.store(f"f{n}", 1, {"n": n})
    assert sorted(FacetCache.objects.values_list("key", flat=True)) == ["f1", "f2", "f3"]
    FacetCache.store("f4", 1, {})
    assert FacetCache.objects.count() == 4  # not checked again until the eighth store
