"""The searches and facet choices the benchmark asks, drawn from its own corpus with a fixed seed.

No two searches have the same words: the archive keeps a search's matches by its words, whatever
facets are chosen with them, so a search with new words is always its page's first reader, and
nothing kept from an earlier page helps it. Words come from the corpus's text, ranked by how many
readouts hold them (rare: the least frequent third; common: the most frequent sixth); phrases are
runs of two or three words of its lines; names are the generator's.
"""

import random
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import generate

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
# Words PostgreSQL's English configuration leaves out: a search of them alone looks for nothing.
STOPWORDS = set(
    "a an and are as at be been by for from had has have he her his in is it its of on or that the their"
    " they this to was were which who will with".split()
)
KINDS = ["rare word", "common word", "two words", "phrase", "or", "exclusion", "name"]


@dataclass
class Vocabulary:
    rare: list[str]
    common: list[str]
    words: list[str]  # every word, rarest first
    phrases: list[str]
    names: list[str]


def read_vocabulary(corpus: Path, seed: int, sample: int = 3000) -> Vocabulary:
    """The words, phrases and names of the corpus (of `sample` of its readouts, drawn by seed)."""
    rng = random.Random(seed)
    files = sorted(corpus.glob("*.txt"))
    files = rng.sample(files, min(sample, len(files)))
    readouts_holding: Counter[str] = Counter()
    phrases = set()
    for path in files:
        lines = [WORD.findall(line) for line in path.read_text(encoding="utf-8").splitlines()]
        readouts_holding.update({w.lower() for words in lines for w in words} - STOPWORDS)
        long_lines = [words for words in lines if len(words) >= 4]
        if long_lines:
            words = rng.choice(long_lines)
            length = rng.choice([2, 3])
            start = rng.randrange(len(words) - length + 1)
            phrases.add(" ".join(words[start : start + length]))
    ranked = sorted(readouts_holding, key=lambda w: (readouts_holding[w], w))
    families = [*generate.JP_FAMILY, *generate.KR_FAMILY, *generate.WEST_FAMILY, *generate.CN_FAMILY]
    return Vocabulary(
        rare=ranked[: max(1, len(ranked) // 3)],
        common=ranked[-max(1, len(ranked) // 6) :],
        words=ranked,
        phrases=sorted(phrases),
        names=sorted(set(families)),
    )


def facet_choices(rng: random.Random, facets: dict[str, list[str]], count: int) -> dict[str, str]:
    """`count` facets, each with one of its values, drawn at random."""
    return {name: rng.choice(facets[name]) for name in sorted(rng.sample(sorted(facets), count))}


class Searches:
    """New searches, one at a time (safe to draw from several threads): the kinds of words in
    turn, each with 0 to 3 facet choices. `facets`: each facet's values (the archive's own)."""

    def __init__(self, vocabulary: Vocabulary, facets: dict[str, list[str]], seed: int):
        self.vocabulary = vocabulary
        self.facets = facets
        self.rng = random.Random(seed)
        self.asked: set[str] = set()
        self.drawn = 0
        self.lock = threading.Lock()

    def draw(self) -> tuple[str, dict]:
        """A kind of search and its parameters (q and the facet choices), words never asked before."""
        with self.lock:
            kind = KINDS[self.drawn % len(KINDS)]
            for attempt in range(1000):
                q = self.words(kind, widen=attempt > 20)
                if q.lower() not in self.asked:
                    break
            else:
                raise RuntimeError(f"no new search of the kind {kind!r} is left")
            self.asked.add(q.lower())
            self.drawn += 1
            return kind, {"q": q, **facet_choices(self.rng, self.facets, self.rng.randint(0, 3))}

    def words(self, kind: str, widen: bool) -> str:
        """A search of this kind; `widen`: its single words are used up, so add a common one."""
        rng, v = self.rng, self.vocabulary
        if kind == "rare word":
            q = rng.choice(v.rare)
        elif kind == "common word":
            q = rng.choice(v.common)
        elif kind == "two words":
            q = f"{rng.choice(v.words)} {rng.choice(v.words)}"
        elif kind == "phrase":
            q = f'"{rng.choice(v.phrases)}"'
        elif kind == "or":
            q = f"{rng.choice(v.words)} or {rng.choice(v.words)}"
        elif kind == "exclusion":
            q = f"{rng.choice(v.common)} -{rng.choice(v.words)}"
        else:
            q = rng.choice(v.names)
        return f"{q} {rng.choice(v.common)}" if widen else q


def browse_choices(facets: dict[str, list[str]], seed: int, count: int) -> list[dict]:
    """`count` different choices of 1 to 3 facets, no search words (one in four oldest first).
    Different, because the facets of a choice are kept for every page of it, whatever the sort."""
    rng = random.Random(seed)
    chosen: list[dict] = []
    seen = set()
    for _ in range(count * 100):  # far more tries than an archive with a few facet values needs
        if len(chosen) == count:
            break
        choice = facet_choices(rng, facets, rng.randint(1, 3))
        key = tuple(sorted(choice.items()))
        if key not in seen:
            seen.add(key)
            chosen.append({**choice, "sort": "date"} if rng.random() < 0.25 else choice)
    return chosen
