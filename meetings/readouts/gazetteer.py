"""The gazetteer of office holders: who held which office when, and how each language writes
their names and titles. Pure: built from plain data (the fixture's shape, or the database's
rows in that shape), no ORM.

A readout names people in many ways: "Mr. KISHIDA Fumio", "Minister Kishida", "岸田外務大臣",
"기시다 후미오 일본 외무대신", "the President". The gazetteer finds those names in a text, says who
they are, which office they held on a date, and which years fit a meeting of several people.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

# Ranks of offices, as the fixture names them; a meeting's level follows from its principals'.
HEADS = {"head-of-state", "head-of-government"}
FOREIGN_MINISTER = "foreign-minister"
VICE_FOREIGN_MINISTER = "vice-foreign-minister"

# Words that, written next to a family name, make it a reference to a person: "Minister Kono",
# "岸田大臣", "문 대통령". Offices' own titles are added to these from the data.
GENERIC_TITLES = {
    "en": [
        "Prime Minister",
        "President",
        "Minister",
        "Foreign Minister",
        "Secretary",
        "Deputy Secretary",
        "Vice Minister",
        "Vice-Minister",
        "State Councilor",
        "State Council Member",
        "Premier",
        "Chancellor",
        "Chairman",
        "Ambassador",
        "Mr.",
        "Ms.",
        "Mrs.",
        "Dr.",
        "H.E.",
    ],
    "ja": [
        "総理大臣",
        "総理",
        "首相",
        "大臣",
        "外相",
        "大統領",
        "長官",
        "主席",
        "部長",
        "国務委員",
        "次官",
        "国務長官",
        "首席",
        "議長",
    ],
    "ko": ["대통령", "총리", "장관", "대신", "외상", "주석", "부장", "국무위원", "차관", "국무장관", "외무상", "실장"],
    "zh": ["主席", "总理", "首相", "外长", "部长", "国务委员", "总统", "国务卿", "大臣", "外相"],
}
COURTESY = {"mr", "ms", "mrs", "dr", "h.e", "the honorable"}
SPACE = re.compile(r"[\s\u3000・·]+")
LATIN_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
NAME_GAP = re.compile(r"\.?\s*,?\s*")  # between a name's words: "R. Biden", "Biden, Jr"
WORD_CHAR = re.compile(r"[\u3400-\u9fff\uac00-\ud7af]")  # Han and Hangul: inside a word
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def fold(text: str) -> str:
    """Lower-case, Latin accents and macrons folded ("Kōno" -> "kono"), widths unified; CJK and
    Hangul kept whole."""
    out = []
    for c in unicodedata.normalize("NFKC", text):
        if ord(c) < 0x250:
            c = "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
        out.append(c)
    return "".join(out).lower()


def fold_in_place(text: str) -> str:
    """fold() one character for one, so that positions in the folded text are the text's."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    f = fold(c)
    return f if len(f) == 1 else c


@dataclass(frozen=True)
class Office:
    slug: str
    country: str
    title: str
    rank: str
    titles: dict[str, list[str]] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Term:
    office: Office
    start: date
    end: date | None

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass
class Holder:
    slug: str
    name: str
    country: str
    names: dict[str, list[str]]
    family_names: dict[str, list[str]]
    terms: list[Term]

    def terms_on(self, on: date) -> list[Term]:
        return [t for t in self.terms if t.covers(on)]

    def office_on(self, on: date | None, prefer: str = "") -> Office | None:
        """The office held on a date; of several, the one whose rank or title `prefer` names."""
        terms = self.terms_on(on) if on else []
        if not terms:
            return None
        for t in terms:
            if prefer and (prefer == t.office.rank or _title_matches(prefer, t.office)):
                return t.office
        order = ["head-of-state", "head-of-government", FOREIGN_MINISTER, VICE_FOREIGN_MINISTER, "other"]
        return sorted((t.office for t in terms), key=lambda o: order.index(o.rank) if o.rank in order else 9)[0]


def _title_matches(title: str, office: Office) -> bool:
    wanted = fold(SPACE.sub(" ", title)).strip()
    return any(fold(SPACE.sub(" ", t)).strip() == wanted for titles in office.titles.values() for t in titles)


@dataclass
class Hit:
    """A person named in a text: where, who (the candidates the name fits), and how."""

    start: int
    end: int
    text: str
    candidates: list[Holder]
    title: str = ""  # the title written beside a family name ("Minister", "大臣"), if any
    full: bool = True  # the full name, not a family name with a title

    def holder(self, on: date | None) -> Holder | None:
        """Who the name is, on a date: the one candidate, or the one in office then."""
        if len(self.candidates) == 1:
            return self.candidates[0]
        if on is None:
            return None
        in_office = [h for h in self.candidates if h.terms_on(on)]
        if self.title:
            titled = [h for h in in_office if any(_title_fits(self.title, t.office) for t in h.terms_on(on))]
            in_office = titled or in_office
        return in_office[0] if len(in_office) == 1 else None


def _title_fits(title: str, office: Office) -> bool:
    return _title_fits_any(title, tuple(t for titles in office.titles.values() for t in titles))


@functools.lru_cache(maxsize=4096)
def _title_fits_any(title: str, titles: tuple[str, ...]) -> bool:
    """Whether a title written beside a name is one of these, or a word of one ("Minister")."""
    wanted = fold(SPACE.sub(" ", title)).strip()
    return any(wanted == fold(SPACE.sub(" ", t)).strip() or wanted in fold(t) for t in titles)


class Gazetteer:
    """Office holders, searchable by any spelling of their names in any script."""

    def __init__(self, data: dict | None = None):
        data = data or {"offices": [], "people": []}
        self.offices = {
            o["slug"]: Office(o["slug"], o["country"], o["title"], o["rank"], o.get("titles") or {})
            for o in data.get("offices", [])
        }
        self.holders: list[Holder] = []
        for p in data.get("people", []):
            terms = [
                Term(self.offices[t["office"]], _iso(t["start"]), _iso(t["end"]) if t.get("end") else None)
                for t in p.get("terms", [])
                if t.get("office") in self.offices and t.get("start")
            ]
            self.holders.append(
                Holder(p["slug"], p["name"], p["country"], p.get("names") or {}, p.get("family_names") or {}, terms)
            )
        self.by_slug = {h.slug: h for h in self.holders}
        self._compile()

    def __bool__(self) -> bool:
        return bool(self.holders)

    def _compile(self) -> None:
        # Full names are looked up by key (folded, without spaces, hyphens or dots), so that
        # "Moon jae-in", "MOON Jae In" and "Moon Jae-in" are one name; a family name counts only
        # beside a title ("Minister Kono", "岸田外務大臣", "문 대통령").
        full: dict[str, set[str]] = {}
        family: dict[str, set[str]] = {}
        for h in self.holders:
            for lang, names in h.names.items():
                for n in [h.name, *names] if lang == "en" else names:
                    full.setdefault(_key(n), set()).add(h.slug)
            for names in h.family_names.values():
                for n in names:
                    family.setdefault(_key(n), set()).add(h.slug)
        self._full = {k: sorted(v) for k, v in full.items() if k}
        self._family = {k: sorted(v) for k, v in family.items() if k}
        self._longest = max(
            (len(LATIN_WORD.findall(fold(n))) for h in self.holders for n in [h.name, *h.names.get("en", [])]),
            default=1,
        )
        titles = {lang: set(words) for lang, words in GENERIC_TITLES.items()}
        for o in self.offices.values():
            for lang, words in o.titles.items():
                titles.setdefault(lang, set()).update(w for w in words if w)
        latin_titles = sorted(titles.get("en", ()), key=len, reverse=True)
        cjk_titles = sorted({w for lang in ("ja", "ko", "zh") for w in titles.get(lang, ())}, key=len, reverse=True)
        cjk_full = sorted((k for k in self._full if not k.isascii()), key=len, reverse=True)
        cjk_family = sorted((k for k in self._family if not k.isascii()), key=len, reverse=True)
        # Written with or without the space or the middle dot between names ("ユン・ソンニョル").
        self._cjk_full_re = (
            re.compile("|".join(r"[\s・·.]?".join(map(re.escape, k)) for k in cjk_full), re.I) if cjk_full else None
        )
        self._title_family_re = re.compile(
            r"(?<![\w])(?P<title>(?i:" + "|".join(_flex(t) for t in latin_titles) + r"))\s+"
            r"(?P<name>[A-Z]\w*(?:-[A-Za-z]+)?)(?![\w-])(?!\s+[A-Z][a-z])"
        )
        # A family name, a space perhaps, a country word perhaps ("아베 일본 총리", "尹韓国外交部長官"),
        # then a title.
        self._family_title_re = (
            re.compile(
                r"(?P<name>" + "|".join(map(re.escape, cjk_family)) + r")\s?"
                r"(?:(?:일본|한국|중국|미국|日本|韓国|中国|米国|米|韓|中|美国)\s?)?"
                r"(?P<title>" + "|".join(map(re.escape, cjk_titles)) + r")"
            )
            if cjk_family and cjk_titles
            else None
        )

    def find(self, text: str) -> list[Hit]:
        """Every name of an office holder in the text, left to right, none overlapping."""
        hits: list[Hit] = []
        folded = fold_in_place(text)
        words = [(m.start(), m.end()) for m in LATIN_WORD.finditer(folded)]
        for i in range(len(words)):
            if not text[words[i][0]].isupper():
                continue  # a name begins with a capital ("Moon jae-in", "KISHIDA Fumio")
            # The longest run of words from here that is a known name; words may be parted by
            # spaces, dots or a comma ("Joseph R. Biden, Jr.").
            for n in range(min(self._longest, len(words) - i), 0, -1):
                run = words[i : i + n]
                if any(not NAME_GAP.fullmatch(folded[a[1] : b[0]]) for a, b in zip(run, run[1:], strict=False)):
                    continue
                slugs = self._full.get(SEPARATORS.sub("", folded[run[0][0] : run[-1][1]]))
                if slugs:
                    start, end = run[0][0], run[-1][1]
                    hits.append(Hit(start, end, text[start:end], [self.by_slug[s] for s in slugs]))
                    break
        if self._cjk_full_re and CJK.search(text):
            for m in self._cjk_full_re.finditer(text):
                slugs = self._full.get(_key(m.group(0)), [])
                hits.append(Hit(m.start(), m.end(), m.group(0), [self.by_slug[s] for s in slugs]))
        for pattern, subject in ((self._title_family_re, text), (self._family_title_re, text)):
            if pattern is None or (pattern is self._family_title_re and not CJK.search(text)):
                continue
            for m in pattern.finditer(subject):
                name, title = m.group("name"), m.group("title")
                if len(name) == 1 and m.start() and WORD_CHAR.match(text[m.start() - 1]):
                    continue  # one character inside a word: 韓 of 日韓外相会談, 한 of 일한정상회담
                # The title must be one the person held ("문 대통령"), or a courtesy ("Mr. KWON"):
                # "양 장관" is "both ministers", not Yang Jiechi, who was never a 장관.
                candidates = [
                    self.by_slug[s]
                    for s in self._family.get(_key(name), [])
                    if fold(title).rstrip(".") in COURTESY
                    or any(_title_fits(title, t.office) for t in self.by_slug[s].terms)
                ]
                if candidates:
                    hits.append(Hit(m.start("name"), m.end("name"), name, candidates, title=title, full=False))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[Hit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue
            kept.append(hit)
        return kept

    def years_fitting(
        self, holders: list[Holder], month: int, day: int, weekday: int | None = None, *, until: date
    ) -> list[int]:
        """The years in which all these people were in office on month/day (and it fell on
        the weekday, 0 = Monday, when one is given)."""
        if not holders:
            return []
        years = set(range(1990, until.year + 1))
        for h in holders:
            held = set()
            for year in years:
                try:
                    on = date(year, month, day)
                except ValueError:
                    continue
                if on <= until and any(t.covers(on) for t in h.terms):
                    held.add(year)
            years &= held
        if weekday is not None:
            years = {y for y in years if date(y, month, day).weekday() == weekday}
        return sorted(years)


def _iso(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


SEPARATORS = re.compile(r"[\s\u3000・·.\-‐’'`,]+")


def _key(name: str) -> str:
    """A name's identity for lookup: folded, without spaces, hyphens or dots."""
    return SEPARATORS.sub("", fold(name))


def _flex(name: str) -> str:
    """A Latin name as a pattern: its parts in order, any spacing, hyphen or dot between."""
    parts = [re.escape(p) for p in re.split(r"[\s\-‐.]+", fold(name)) if p]
    return r"[\s\-‐.]*".join(parts)
