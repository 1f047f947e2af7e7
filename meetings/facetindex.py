"""Facet counts from bitmaps kept in the process.

Each value a published meeting can be counted under (the year 2015, the topic "abductions",
...) is held as a bitmap whose bit i is set when meeting i has that value: one row of 64-bit
words in a NumPy matrix with a row per value. The bitmaps are read from PostgreSQL once per
version of the archive (ArchiveState.version, drawn from a sequence, so one version names one
state) and kept until the version changes.

The facets of a search then cost PostgreSQL no more than finding its matches: the matches come
back as 64-meeting words (id >> 6, and a bigint of the meetings in that word), aggregated in
the scan, and every value's count is the population count of its row AND the matches, all rows
at once. When the choices have no search text and no dates, the matches are all the published
meetings and PostgreSQL is not asked at all.

The counts are disjunctive, as readers of a faceted archive expect: a facet's values are
counted over the meetings that meet every other facet's choices, so that each count says
how many meetings choosing that value too would show.
"""

import threading
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from django.db import connections
from django.db.models import QuerySet

from .models import FACETS, Status

WORD = 64
VERSION = "(SELECT version FROM meetings_archivestate LIMIT 1)"
RECORD, UNIT = "\x1e", "\x1f"
# Every published meeting's facet values, from the same columns the lists filter on (so that a
# count always agrees with the list its value leads to), with the version and the highest id
# in the same snapshot (and one row, of no meeting, when none is published).
VALUES_SQL = f"""
    SELECT s.version, (SELECT max(id) FROM meetings_meeting WHERE status = %s), m.id, concat_ws(E'\\x1e',
      COALESCE(m.year::text, 'unknown'), m.level, m.format, m.country, array_to_string(m.issuers, E'\\x1f'),
      array_to_string(m.principal_slugs, E'\\x1f'), array_to_string(m.topic_slugs, E'\\x1f'))
    FROM (SELECT {VERSION} AS version) AS s LEFT JOIN meetings_meeting m ON m.status = %s
"""
# The matches of a queryset as words of a bitmap, with the version in the same snapshot.
MATCHES_SQL = f"""
    SELECT {VERSION}, array_agg(w), array_agg(bits) FROM (
      SELECT id >> 6 AS w, bit_or(1::bigint << (id & 63)::int) AS bits FROM ({{sql}}) AS matches(id) GROUP BY 1
    ) AS words
"""
Bitmap = np.ndarray  # one-dimensional, uint64: bit i of word w is meeting 64 * w + i


def popcounts(rows: np.ndarray, over: Bitmap) -> np.ndarray:
    """The number of meetings in each row that are also in `over`."""
    return np.bitwise_count(rows & over).sum(axis=-1, dtype=np.int64)


@dataclass
class FacetIndex:
    version: int | None  # None: the archive's version could not be read (nothing is kept)
    words: int = 0  # the length of every bitmap
    values: dict[str, list[str]] = field(default_factory=dict)  # facet: its values, most meetings first
    rows: dict[str, slice] = field(default_factory=dict)  # facet: its values' rows of the matrix
    by_value: dict[str, dict[str, int]] = field(default_factory=dict)  # facet: {value: row}
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint64))  # a bitmap per value
    sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # meetings per value
    everything: Bitmap = field(default_factory=lambda: np.zeros(0, np.uint64))  # every published meeting

    @classmethod
    def read(cls, using: str) -> "FacetIndex":
        """Read every published meeting's values and set its bit in each value's bitmap (built
        as bytes, one bit per meeting id, then one matrix): about half a second for 90,000
        meetings, two to three times faster than aggregating the bitmaps in PostgreSQL."""
        buffers: dict[str, dict[str, bytearray]] = {name: {} for name in FACETS}
        year, level, format_, country, issuer, person, topic = (buffers[name] for name in FACETS)
        version, size = None, 0

        def buffer(values: dict[str, bytearray], value) -> bytearray:
            b = values.get(value)
            if b is None:
                b = values[value] = bytearray(size)
            return b

        with connections[using].cursor() as cursor:
            cursor.execute(VALUES_SQL, [Status.PUBLISHED] * 2)
            while rows := cursor.fetchmany(10_000):  # a few rows at a time as Python objects
                version, last = rows[0][:2]
                size = ((last or 0) // WORD + 1) * (WORD // 8)  # bytes, whole words
                for _, _, pk, text in rows:
                    if pk is None:
                        continue
                    # One string per meeting (arrays cost twice as long to fetch and parse):
                    # the single values, then each array's items, with ASCII separators.
                    y, lv, fm, co, issuers, people, topics = text.split(RECORD)
                    byte, bit = pk >> 3, 1 << (pk & 7)
                    buffer(year, y)[byte] |= bit
                    buffer(level, lv)[byte] |= bit
                    buffer(format_, fm)[byte] |= bit
                    if co:
                        buffer(country, co)[byte] |= bit
                    for values, items in ((issuer, issuers), (person, people), (topic, topics)):
                        if items:
                            for x in items.split(UNIT):
                                buffer(values, x)[byte] |= bit
        index = cls(version=version, words=size // 8)
        entries = [(name, value, b) for name, values in buffers.items() for value, b in values.items()]
        matrix = np.frombuffer(b"".join(b for _, _, b in entries), dtype="<u8").reshape(len(entries), index.words)
        sizes = np.bitwise_count(matrix).sum(axis=1, dtype=np.int64)
        # Each facet's rows together, larger values first, as the facets show them.
        order = sorted(range(len(entries)), key=lambda i: (FACETS.index(entries[i][0]), -sizes[i]))
        index.matrix, index.sizes = matrix[order], sizes[order]
        for row, i in enumerate(order):
            name, value, _ = entries[i]
            index.values.setdefault(name, []).append(value)
            index.by_value.setdefault(name, {})[value] = row
        first = 0
        for name in FACETS:
            index.values.setdefault(name, [])
            index.by_value.setdefault(name, {})
            index.rows[name] = slice(first, first + len(index.values[name]))
            first += len(index.values[name])
        index.everything = np.bitwise_or.reduce(index.matrix[index.rows["level"]], axis=0, initial=0)
        return index

    def bitmap(self, words: list[int] | None, bits: list[int] | None) -> Bitmap:
        """A bitmap from (word number, 64 bits) pairs; words beyond the index's meetings (none
        when both are read at one version) are left out."""
        out = np.zeros(self.words, np.uint64)
        if words:
            w = np.array(words, dtype=np.int64)
            b = np.array(bits, dtype=np.int64).view(np.uint64)  # bit_or of bigints is signed
            inside = w < self.words
            out[w[inside]] = b[inside]
        return out

    def from_bytes(self, data: bytes) -> Bitmap:
        """A bitmap kept as bytes (MatchCache), fitted to the index's length."""
        data = bytes(data)[: self.words * 8]
        data += bytes(-len(data) % 8)  # whole words
        out = np.zeros(self.words, np.uint64)
        kept = np.frombuffer(data, dtype="<u8")
        out[: len(kept)] = kept
        return out

    def counts(self, matches: Bitmap, chosen: dict[str, list[str]], longest: dict[str, int]) -> dict:
        """Every facet's counts over `matches` (a bitmap), disjunctively, with "total".

        `chosen` holds each facet's chosen values; `longest` the number of values a long facet
        shows: only its values with one of that many largest counts (ties included) and its
        chosen values are returned.
        """
        conditions: dict[str, Bitmap] = {}
        for facet, values in chosen.items():
            if values:
                known = [self.by_value[facet][v] for v in values if v in self.by_value[facet]]
                conditions[facet] = np.bitwise_or.reduce(self.matrix[known], axis=0, initial=0)
        meeting_all = matches
        for condition in conditions.values():
            meeting_all = meeting_all & condition
        every = popcounts(self.matrix, meeting_all)  # each value's count within every choice
        counts: dict[str, dict[str, int]] = {"total": {"": int(np.bitwise_count(meeting_all).sum())}}
        for facet in FACETS:
            rows = self.rows[facet]
            if facet in conditions:
                over = matches
                for other, condition in conditions.items():
                    if other != facet:
                        over = over & condition
                found = popcounts(self.matrix[rows], over)
            else:
                found = every[rows]
            counts[facet] = self._named(facet, found, set(chosen.get(facet) or ()), longest.get(facet))
        return counts

    def _named(self, facet: str, found: np.ndarray, chosen: set[str], longest: int | None) -> dict[str, int]:
        """{value: count} of the values counted (not those with none)."""
        names = self.values[facet]
        if longest is not None and np.count_nonzero(found) > longest:
            least = max(int(np.partition(found, len(found) - longest)[len(found) - longest]), 1)
            return {names[i]: int(found[i]) for i in np.flatnonzero(found) if found[i] >= least or names[i] in chosen}
        return {names[i]: int(found[i]) for i in np.flatnonzero(found)}


_kept: dict[str, FacetIndex] = {}  # by database (alias and name): the index of the latest version read
_lock = threading.Lock()


def index_at(version: int | None, using: str = "default") -> FacetIndex:
    """The index at a version: the one kept, or read anew (and kept) when the archive has moved
    on. The index read may be at a later version than asked if the archive changed meanwhile.
    Without a version (the ArchiveState row missing, as after a test's flush) it is always read."""
    with _lock:
        key = f"{using}:{connections[using].settings_dict['NAME']}"
        index = _kept.get(key)
        if index is None or index.version is None or index.version != version:
            index = _kept[key] = FacetIndex.read(using)
        return index


def current_version(using: str = "default") -> int | None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {VERSION}")
        return cursor.fetchone()[0]


def matches_words(queryset: QuerySet) -> tuple[int | None, list[int] | None, list[int] | None]:
    """The archive's version and the queryset's meetings as words of a bitmap (word numbers,
    and their 64 bits), read in one snapshot."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(MATCHES_SQL.format(sql=sql), params)
        return cursor.fetchone()


class Counted(NamedTuple):
    counts: dict[str, dict[str, int]]  # facet: {value: count}, and "total"
    version: int | None  # the archive's version they hold at; None if it changed meanwhile
    matches: Bitmap | None  # the matches they were counted over (None: every published meeting)


def facet_counts(
    queryset: QuerySet,
    chosen: dict[str, list[str]],
    longest: dict[str, int],
    *,
    every_published: bool = False,
    version: int | None = None,
    kept: bytes | None = None,
) -> Counted:
    """The facet counts of a queryset's meetings (see FacetIndex.counts), the archive's version
    they hold at (None if the archive changed while they were counted: show them, do not keep
    them) and the matches as a bitmap. `every_published`: the queryset is every published
    meeting, so PostgreSQL need not be asked for its matches; `kept`: the queryset's matches as
    MatchCache keeps them at `version`, so neither. `version`, if known, saves asking for it."""
    if every_published or kept is not None:
        index = index_at(current_version(queryset.db) if version is None else version, queryset.db)
        if every_published:
            return Counted(index.counts(index.everything, chosen, longest), index.version, None)
        if version is not None and index.version == version:
            matches = index.from_bytes(kept)
            return Counted(index.counts(matches, chosen, longest), version, matches)
    for _ in range(2):  # once more if the archive changed between the matches and the bitmaps
        version, words, bits = matches_words(queryset)
        index = index_at(version, queryset.db)
        matches = index.bitmap(words, bits)
        if version is not None and index.version == version:
            return Counted(index.counts(matches, chosen, longest), version, matches)
    return Counted(index.counts(matches, chosen, longest), None, matches)
