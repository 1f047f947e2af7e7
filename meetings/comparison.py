"""Two governments' readouts of one meeting, side by side: what both say, what only one says.

Statements are matched in pairs, each at most once, best pair first:
- in the same language, by the similarity of their words (pg_trgm's `similarity`, the share of
  three-letter runs the two texts have in common): at least MATCHED_AT for any two statements,
  at least MATCHED_WITH_TOPIC_AT for two about a common topic;
- in different languages (a Japanese readout and a Korean one), by their topics alone: two
  statements about a common topic, the more topics in common the better.
A statement left without a pair is said in one readout only. The topics are summed up the same
way Meeting.one_sided records them for the list's facet: a topic is in both readouts when a
statement of each is about it, else in the one readout that raised it.
"""

from dataclasses import dataclass, field

from django.db import connections, router

from .versions import MeetingView, ReadoutView, StatementView

MATCHED_AT = 0.3
MATCHED_WITH_TOPIC_AT = 0.12


@dataclass
class Pair:
    left: StatementView
    right: StatementView
    similarity: float  # pg_trgm's, 0 to 1 (0 across languages)
    shared_topics: list[str]


@dataclass
class TopicSide:
    name: str
    slug: str
    side: str  # "both", or the issuer whose readout alone raised it


@dataclass
class Comparison:
    left: ReadoutView
    right: ReadoutView
    pairs: list[Pair] = field(default_factory=list)
    only_left: list[StatementView] = field(default_factory=list)
    only_right: list[StatementView] = field(default_factory=list)
    topics: list[TopicSide] = field(default_factory=list)

    @property
    def one_sided_topics(self) -> list[TopicSide]:
        return [t for t in self.topics if t.side != "both"]


def similarities(left: list[str], right: list[str]) -> dict[tuple[int, int], float]:
    """pg_trgm's similarity of every statement of one readout with every one of the other."""
    if not left or not right:
        return {}
    sql = (
        "SELECT a.i, b.j, similarity(a.t, b.t) FROM unnest(%s::text[]) WITH ORDINALITY AS a(t, i),"
        " unnest(%s::text[]) WITH ORDINALITY AS b(t, j)"
    )
    with connections[router.db_for_read(None)].cursor() as cursor:
        cursor.execute(sql, [left, right])
        return {(i - 1, j - 1): score for i, j, score in cursor.fetchall()}


def compare(view: MeetingView) -> Comparison | None:
    """The first two governments' readouts of the meeting compared, or None with fewer than two."""
    readouts = sorted(view.readouts, key=lambda r: r.issuer)
    issuers = list(dict.fromkeys(r.issuer for r in readouts))
    if len(issuers) < 2:
        return None
    left = next(r for r in readouts if r.issuer == issuers[0])
    right = next(r for r in readouts if r.issuer == issuers[1])
    a, b = list(left.statements), list(right.statements)
    same_language = left.language == right.language
    scores = similarities([s.text for s in a], [s.text for s in b]) if same_language else {}
    candidates = []
    for i, s in enumerate(a):
        for j, t in enumerate(b):
            shared = sorted({x.name for x in s.topics} & {x.name for x in t.topics})
            score = scores.get((i, j), 0.0)
            if same_language:
                matched = score >= MATCHED_AT or (shared and score >= MATCHED_WITH_TOPIC_AT)
            else:
                matched = bool(shared)
            if matched:
                candidates.append((len(shared) if not same_language else 0, score, len(shared), -i, -j, i, j, shared))
    taken_left, taken_right, pairs = set(), set(), []
    for *_, i, j, shared in sorted(candidates, reverse=True):
        if i not in taken_left and j not in taken_right:
            taken_left.add(i)
            taken_right.add(j)
            pairs.append(Pair(a[i], b[j], round(scores.get((i, j), 0.0), 2), shared))
    pairs.sort(key=lambda p: a.index(p.left))
    comparison = Comparison(
        left,
        right,
        pairs,
        [s for i, s in enumerate(a) if i not in taken_left],
        [t for j, t in enumerate(b) if j not in taken_right],
    )
    raised: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for readout in (left, right):
        for s in readout.statements:
            for topic in s.topics:
                raised.setdefault(topic.slug, set()).add(readout.issuer)
                names[topic.slug] = topic.name
    comparison.topics = sorted(
        (
            TopicSide(names[slug], slug, "both" if len(sides) > 1 else next(iter(sides)))
            for slug, sides in raised.items()
        ),
        key=lambda t: (t.side == "both", t.name),
    )
    return comparison
