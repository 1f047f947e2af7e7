"""Facet counts from bitmaps kept, read-only, in each server process.

Why they exist: counted in PostgreSQL (one statement over the matching meetings, grouped by
each facet's values), the facets cost 433 ms over every published meeting and 465 ms over a
common word's 79,046 matches, at 100,000 readouts (87,556 meetings) on 2 cores (bench/README.md);
the budgets are 50 ms for browsing and 150 ms for a new search. From the bitmaps, both take
about a millisecond once the matches are known.

Each value a published meeting can be counted under (the year 2015, the topic "abductions", ...)
is a bitmap whose bit i is set when meeting i has that value: a row of 64-bit words in a NumPy
matrix with a row per value. A search's matches (read from the narrow MeetingSearch table, of
any status: the bitmaps know which meetings are published) come back from PostgreSQL as 64-meeting words
(id >> 6, and a bigint of the meetings in that word), aggregated in the scan; every value's count
is then the population count of its row AND the matches, all rows at once. Browsing (no words,
no dates) asks PostgreSQL nothing but the index's freshness.

Freshness is the data's own: an index holds the meetings as they stood at its `newest`, the
newest `modified` among them. Before counting, the process asks for the newest `modified` now
(an index probe) and for the changes seen (meetings.caching.changes_seen); when either moved,
it reads only the meetings changed since the kept one was read (less a margin, for a transaction
that committed after it was read but set its `modified` before) and makes a new index from the
kept one and those changes: a published meeting's bits set anew, any other's cleared. After a deletion, which no `modified` tells of
(meetings.caching.deletions_seen), it reads them all again. An index is never
changed once made, so a reader holding one is never disturbed. Nothing is written anywhere.

The counts are disjunctive, as readers of a faceted archive expect: a facet's values are
counted over the meetings that meet every other facet's choices, so that each count says
how many meetings choosing that value too would show.
"""

import functools
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connections, transaction
from django.db.models import QuerySet

from .caching import changes_seen, deletions_seen
from .models import FACETS, Status

WORD = 64
NO_DATE = np.iinfo(np.int32).min
RECORD, UNIT = "\x1e", "\x1f"
# A meeting's facet values, from the same columns the lists filter on (so that a count always
# agrees with the list its value leads to), in one string: the single values, then each array's
# items (arrays cost twice as long to fetch and parse).
VALUES_SQL = """
    SELECT id, status = %s, date - DATE '1970-01-01', extract(epoch FROM modified)::float8, concat_ws(E'\\x1e',
      COALESCE(year::text, 'unknown'), level, format, country, array_to_string(issuers, E'\\x1f'),
      array_to_string(principal_slugs, E'\\x1f'), array_to_string(topic_slugs, E'\\x1f'),
      array_to_string(one_sided, E'\\x1f'))
    FROM meetings_meeting WHERE {where}
"""
# The archive's state, and the database's clock when it was read.
STATE_SQL = "SELECT max(modified), max(id), statement_timestamp() FROM meetings_meeting"
# How long before it commits a write may set a meeting's `modified` (a transaction's length, and
# the app servers' clocks behind the database's): an index read at time t may not hold a change
# whose `modified` is after t - MARGIN, so those meetings are read again. Counted from the
# newest `modified` instead of from the reading, the first change after an import read again
# every meeting of its last ten minutes, however long after it came (about 50,000 at 100,000
# readouts: each server process's next reader waited 0.76-0.92 s, against 13-38 ms since).
MARGIN = timedelta(minutes=10)
# The meetings read again are compared with what the index had (FacetIndex.reordered) this many
# at a time, so that the words compared stay a few MB however many were read: an index read
# within MARGIN of an import's end reads its last minutes again at the next change (about
# 50,000 meetings at 100,000 readouts), and counting them all as changed made every kept list
# page new (its readers at p95 191.6 ms against 12.6 for a repeated page).
COMPARED = 2000
# The matches of a queryset as words of a bitmap.
MATCHES_SQL = """
    SELECT array_agg(w), array_agg(bits) FROM (
      SELECT id >> 6 AS w, bit_or(1::bigint << (id & 63)::int) AS bits FROM ({sql}) AS matches(id) GROUP BY 1
    ) AS words
"""
Bitmap = np.ndarray  # one-dimensional, uint64: bit i of word w is meeting 64 * w + i


def popcounts(rows: np.ndarray, over: Bitmap) -> np.ndarray:
    """The number of meetings in each row that are also in `over`."""
    return np.bitwise_count(rows & over).sum(axis=-1, dtype=np.int64)


def members(bitmap: Bitmap) -> np.ndarray:
    """The ids whose bits are set, in increasing order."""
    return np.flatnonzero(np.unpackbits(bitmap.view(np.uint8), bitorder="little"))


def contains(bitmap: Bitmap, ids: np.ndarray) -> np.ndarray:
    """For each id, whether its bit is set (ids inside the bitmap)."""
    return ((bitmap[ids >> 6] >> (ids & 63).astype(np.uint64)) & np.uint64(1)).astype(bool)


def bits_of(ids: list[int], words: int) -> Bitmap:
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros(words, np.uint64)
    np.bitwise_or.at(out, ids >> 6, np.left_shift(np.uint64(1), (ids & 63).astype(np.uint64)))
    return out


@dataclass(frozen=True)
class FacetIndex:
    newest: datetime | None  # the newest `modified` of the meetings read
    read_at: datetime | None  # the database's clock when they were read
    seen: int  # and the changes seen then (meetings.caching.changes_seen)
    deletions: int  # and the deletions (meetings.caching.deletions_seen): after one, everything is read again
    words: int  # the length of every bitmap
    keys: tuple[tuple[str, str], ...]  # (facet, value) of each row of the matrix
    matrix: np.ndarray  # a bitmap per value
    days: np.ndarray  # by meeting id: its date as days since 1970, NO_DATE when unknown
    modified: np.ndarray  # by meeting id: its `modified` in seconds since 1970 (0 when none)
    # The `modified` of the newest change the index saw to what the lists show of the meetings
    # as a whole: which are published, their dates and facet values (a title's change is not
    # one). The version of the counts and of the lists' order, for the pages kept (MeetingFilter.shown_version).
    reordered: float

    @classmethod
    def empty(cls) -> "FacetIndex":
        return cls(None, None, 0, 0, 0, (), np.zeros((0, 0), np.uint64), np.zeros(0, np.int32), np.zeros(0), 0.0)

    @property
    def unseen_after(self) -> datetime | None:
        """The `modified` after which a change this index does not hold may lie (MARGIN)."""
        read = self.read_at or self.newest
        return None if read is None else read - MARGIN

    def with_changes(
        self, rows: list[tuple], newest, seen: int, last_id: int | None, deletions: int = 0, read_at=None
    ) -> "FacetIndex":
        """A new index: this one with these meetings' values (id, published, date in days,
        `modified` in seconds, values) put in place of theirs (an unpublished meeting's taken out)."""
        ids_by_key: dict[tuple[str, str], list[int]] = {}
        for pk, published, _, _, text in rows:
            if not published:
                continue
            year, level, format_, country, issuers, people, topics, one_sided = text.split(RECORD)
            for facet, value in (("year", year), ("level", level), ("format", format_), ("country", country)):
                if value:
                    ids_by_key.setdefault((facet, value), []).append(pk)
            for facet, items in (("issuer", issuers), ("person", people), ("topic", topics), ("onesided", one_sided)):
                if items:
                    for value in items.split(UNIT):
                        ids_by_key.setdefault((facet, value), []).append(pk)
        keys = self.keys + tuple(sorted(set(ids_by_key) - set(self.keys)))
        words = max(self.words, (last_id or 0) // WORD + 1)
        matrix = np.zeros((len(keys), words), np.uint64)
        matrix[: len(self.keys), : self.words] = self.matrix
        ids = np.array([pk for pk, *_ in rows], dtype=np.int64)
        if rows:
            matrix &= ~bits_of(ids, words)
        row_of = {key: n for n, key in enumerate(keys)}
        for key, having in ids_by_key.items():
            matrix[row_of[key]] |= bits_of(having, words)
        days = np.full(words * WORD, NO_DATE, np.int32)
        days[: len(self.days)] = self.days
        modified = np.zeros(words * WORD)
        modified[: len(self.modified)] = self.modified
        reordered = self.reordered
        if rows:
            new_days = np.array([NO_DATE if d is None else d for _, _, d, _, _ in rows], dtype=np.int32)
            shown = np.array([published for _, published, *_ in rows]) | contains(self.fit_to(words), ids)
            moved = (days[ids] != new_days) & shown  # a draft's date is not in the lists
            if self.words:  # else a first reading: every meeting is new to the index
                moved |= self.values_changed(ids, matrix)
            else:
                moved[:] = True
            days[ids] = new_days
            modified[ids] = [m or 0 for _, _, _, m, _ in rows]
            if moved.any():  # later than before even for a change that committed late
                reordered = max(float(np.nextafter(reordered, np.inf)), float(modified[ids[moved]].max()))
        index = FacetIndex(
            newest or self.newest, read_at, seen, deletions, words, keys, matrix, days, modified, reordered
        )
        if reordered == self.reordered:  # the same meetings in the same order: sorted once (8 ms at 100,000)
            for order in ("newest_first", "oldest_first"):
                if order in vars(self):
                    vars(index)[order] = vars(self)[order]
        return index

    def values_changed(self, ids: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """For each of these meetings, whether its facet values in `matrix` (a new index's, of
        as many words or more) differ from this index's: COMPARED meetings at a time."""
        changed = np.zeros(len(ids), bool)
        for start in range(0, len(ids), COMPARED):
            chunk = ids[start : start + COMPARED]
            words = chunk >> 6
            after = matrix[:, words]
            before = np.zeros_like(after)
            held = words < self.words  # a meeting beyond this index's words had no values in it
            before[: len(self.keys), held] = self.matrix[:, words[held]]
            shift = (chunk & 63).astype(np.uint64)
            changed[start : start + len(chunk)] = (((before ^ after) >> shift) & np.uint64(1)).any(axis=0)
        return changed

    def fit_to(self, words: int) -> Bitmap:
        """Every meeting this index has published, as a bitmap of `words` words."""
        out = np.zeros(words, np.uint64)
        out[: self.words] = self.everything[:words]
        return out

    def newest_change(self, ids: np.ndarray) -> float:
        """The newest `modified` of these meetings (0 for none)."""
        return float(self.modified[ids].max()) if len(ids) else 0.0

    @functools.cached_property
    def newest_first(self) -> np.ndarray:
        """The published meetings' ids as the lists show them newest first: by date, latest
        first, then id, highest first; those of no date last (the list's order_by(newest(), "-pk"))."""
        ids = members(self.everything)
        dated = ids[self.days[ids] != NO_DATE]
        undated = ids[self.days[ids] == NO_DATE]
        return np.concatenate([dated[np.lexsort((-dated, -self.days[dated]))], undated[::-1]])

    @functools.cached_property
    def oldest_first(self) -> np.ndarray:
        """The same oldest first: earliest date, then lowest id; those of no date last, lowest
        id first."""
        ids = members(self.everything)
        dated = ids[self.days[ids] != NO_DATE]
        undated = ids[self.days[ids] == NO_DATE]
        return np.concatenate([dated[np.lexsort((dated, self.days[dated]))], undated])

    def ordered(self, selected: Bitmap, *, oldest: bool = False) -> np.ndarray:
        """The ids of the selected meetings in a list's date order (newest first unless `oldest`)."""
        order = self.oldest_first if oldest else self.newest_first
        return order[contains(selected, order)]

    @property
    def everything(self) -> Bitmap:
        """Every published meeting (each has one level)."""
        return np.bitwise_or.reduce(self.matrix[self.rows("level")], axis=0, initial=0)

    def rows(self, facet: str) -> list[int]:
        return [n for n, (name, _) in enumerate(self.keys) if name == facet]

    def bitmap(self, words: list[int] | None, bits: list[int] | None) -> Bitmap:
        """A bitmap from (word number, 64 bits) pairs; words beyond the index's meetings (none
        when both are read at one moment) are left out."""
        out = np.zeros(self.words, np.uint64)
        if words:
            w = np.array(words, dtype=np.int64)
            b = np.array(bits, dtype=np.int64).view(np.uint64)  # bit_or of bigints is signed
            inside = w < self.words
            out[w[inside]] = b[inside]
        return out

    def conditions(self, chosen: dict[str, list[str]]) -> dict[str, Bitmap]:
        """Each facet with a choice: the meetings of any of its chosen values."""
        row_of = {key: n for n, key in enumerate(self.keys)}
        conditions = {}
        for facet, values in chosen.items():
            if values:
                known = [row_of[(facet, v)] for v in values if (facet, v) in row_of]
                conditions[facet] = np.bitwise_or.reduce(self.matrix[known], axis=0, initial=0)
        return conditions

    def selected(self, matches: Bitmap, chosen: dict[str, list[str]]) -> Bitmap:
        """The published meetings of `matches` that meet every facet's choice."""
        selected = self.fit(matches) & self.everything
        for condition in self.conditions(chosen).values():
            selected = selected & condition
        return selected

    def fit(self, bitmap: Bitmap) -> Bitmap:
        """A bitmap made for another index (shorter or longer), fitted to this one's length."""
        if len(bitmap) == self.words:
            return bitmap
        out = np.zeros(self.words, np.uint64)
        out[: min(len(bitmap), self.words)] = bitmap[: self.words]
        return out

    def from_bytes(self, data: bytes) -> Bitmap:
        """A bitmap kept as bytes (Bitmap.tobytes()), fitted to the index's length."""
        return self.fit(np.frombuffer(bytes(data), dtype="<u8"))

    def counts(self, matches: Bitmap, chosen: dict[str, list[str]], longest: dict[str, int]) -> dict:
        """Every facet's counts over `matches` (a bitmap), disjunctively, with "total".

        `chosen` holds each facet's chosen values; `longest` the number of values a long facet
        shows: only its values with one of that many largest counts (ties included) and its
        chosen values are returned.
        """
        matches = self.fit(matches) & self.everything
        conditions = self.conditions(chosen)
        meeting_all = self.selected(matches, chosen)
        every = popcounts(self.matrix, meeting_all)  # each value's count within every choice
        counts: dict[str, dict[str, int]] = {"total": {"": int(np.bitwise_count(meeting_all).sum())}}
        for facet in FACETS:
            rows = self.rows(facet)
            if facet in conditions:
                over = matches
                for other, condition in conditions.items():
                    if other != facet:
                        over = over & condition
                found = popcounts(self.matrix[rows], over)
            else:
                found = every[rows]
            names = [self.keys[n][1] for n in rows]
            counts[facet] = named(names, found, set(chosen.get(facet) or ()), longest.get(facet))
        return counts

    def counts_by(self, selected: Bitmap, facet: str, by: str) -> dict[str, dict[str, int]]:
        """How many of the selected meetings have each value of `facet`, by each value of `by`
        ({year: {level: n}}): a population count of each pair of rows."""
        rows, by_rows = self.rows(facet), self.rows(by)
        selected = self.fit(selected)
        out: dict[str, dict[str, int]] = {}
        for b in by_rows:
            found = popcounts(self.matrix[rows], selected & self.matrix[b])
            for n in np.flatnonzero(found):
                out.setdefault(self.keys[rows[n]][1], {})[self.keys[b][1]] = int(found[n])
        return out

    def years_by_level(self, selected: Bitmap) -> dict[int, dict[str, int]]:
        """The selected meetings of each year (dated ones), by level: {2017: {"summit": 3}}."""
        counts = self.counts_by(selected, "year", "level")
        return {int(year): levels for year, levels in counts.items() if year.isdigit()}

    def shares_by_year(self, selected: Bitmap) -> dict[int, float]:
        """Of all published meetings of each year, the percentage selected (0 where none is;
        years without meetings left out)."""
        listed, every = self.years_by_level(selected), self.years_by_level(self.everything)
        return {year: 100 * sum(listed.get(year, {}).values()) / sum(levels.values()) for year, levels in every.items()}


def named(names: list[str], found: np.ndarray, chosen: set[str], longest: int | None) -> dict[str, int]:
    """{value: count} of the values counted (not those with none), of a long facet only its
    `longest` largest (ties included) and its chosen values."""
    if longest is not None and np.count_nonzero(found) > longest:
        least = max(int(np.partition(found, len(found) - longest)[len(found) - longest]), 1)
        return {names[i]: int(found[i]) for i in np.flatnonzero(found) if found[i] >= least or names[i] in chosen}
    return {names[i]: int(found[i]) for i in np.flatnonzero(found)}


_kept: dict[str, FacetIndex] = {}  # by database (alias and name)
_lock = threading.Lock()


def current_index(using: str = "default") -> FacetIndex:
    """The index as the archive stands now: the one kept, with the changes since it was made."""
    key = f"{using}:{connections[using].settings_dict['NAME']}"
    seen, deletions = changes_seen(), deletions_seen()
    with connections[using].cursor() as cursor:
        cursor.execute(STATE_SQL)
        newest, last_id, read_at = cursor.fetchone()
    state = (newest, seen, deletions)
    kept = _kept.get(key)
    if kept is not None and (kept.newest, kept.seen, kept.deletions) == state:
        return kept
    with _lock:
        kept = _kept.get(key)
        if kept is not None and (kept.newest, kept.seen, kept.deletions) == state:
            return kept
        with connections[using].cursor() as cursor:
            if kept is not None and kept.newest is not None and newest is not None and kept.deletions == deletions:
                cursor.execute(VALUES_SQL.format(where="modified > %s"), [Status.PUBLISHED, kept.unseen_after])
                index = kept.with_changes(cursor.fetchall(), newest, seen, last_id, deletions, read_at)
            else:
                cursor.execute(VALUES_SQL.format(where="status = %s"), [Status.PUBLISHED, Status.PUBLISHED])
                index = FacetIndex.empty().with_changes(cursor.fetchall(), newest, seen, last_id, deletions, read_at)
        _kept[key] = index
        return index


def matches_bitmap(queryset: QuerySet, index: FacetIndex) -> Bitmap:
    """A queryset's meetings as a bitmap, aggregated into words by PostgreSQL.

    Always through the search's GIN index, never a sequential scan: the planner does not count
    the cost of reading each meeting's search vector from TOAST, which a sequential scan does
    and the index does not need. For a word in 79,046 of 87,556 meetings (100,000 readouts) it
    chose the scan, 232 ms, against 105 ms through the index."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(MATCHES_SQL.format(sql=sql), params)
        words, bits = cursor.fetchone()
    return index.bitmap(words, bits)
