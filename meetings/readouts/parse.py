"""Parse a readout's text into a ParsedReadout: pure, no database, no I/O.

A readout is read in three parts: the header (site navigation, the title, the page's date,
photo captions), the lead (the sentence that says who met whom, when, where and how) and
the body (numbered paragraphs, section headings, bullets). Everything is read from the
text; what the text does not say stays empty.
"""

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time

from . import dates
from .gazetteer import FOREIGN_MINISTER, HEADS, VICE_FOREIGN_MINISTER, Gazetteer, Hit, fold
from .places import CITIES, COUNTRIES, LANDMARKS, NATIONALITIES
from .profiles import publisher


class UnreadableReadout(ValueError):
    """The text cannot be imported; the message says why, for the person importing it."""


# Of two roles a readout gives one person, the lower ranks first.
ROLE_RANK = {"principal": 0, "attendee": 1, "mentioned": 2}


@dataclass
class ParsedParticipant:
    name: str
    title: str = ""
    country: str = ""
    role: str = "mentioned"  # principal, attendee, mentioned
    surname: str = ""
    variants: list[str] = field(default_factory=list)
    holder: str = ""  # the gazetteer's slug for them, when the gazetteer knows who they are
    hit: Hit | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass
class ParsedStatement:
    position: int
    number: str
    heading: str
    text: str
    speakers: list[str] = field(default_factory=list)
    joint: bool = False
    topics: list[str] = field(default_factory=list)


@dataclass
class ParsedReadout:
    issuer: str
    title: str
    meeting_date: date | None
    published_date: date | None
    level: str
    format: str
    city: str
    country: str
    occasion: str
    start_time: time | None
    duration_minutes: int | None
    language: str
    translation_note: str
    participants: list[ParsedParticipant]
    statements: list[ParsedStatement]
    topics: list[str]
    content_hash: str
    problems: list[str] = field(default_factory=list)
    meeting_title: str = ""  # the meeting's title in English, when the page's is in another language
    date_source: str = ""  # how meeting_date was found (meetings.models.DateSource), "" if unknown
    date_evidence: dates.DateEvidence = field(default_factory=dates.DateEvidence)

    @property
    def principals(self) -> list[ParsedParticipant]:
        return [p for p in self.participants if p.role == "principal"]

    def as_json(self, file_name: str) -> dict:
        return {
            "file": file_name,
            "issuer": self.issuer,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "date_source": self.date_source or None,
            "published_date": self.published_date.isoformat() if self.published_date else None,
            "level": self.level,
            "format": self.format,
            "location": {"city": self.city or None, "country": self.country or None},
            "occasion": self.occasion or None,
            "start_time": self.start_time.strftime("%H:%M") if self.start_time else None,
            "duration_minutes": self.duration_minutes,
            "title": self.title,
            "language": self.language,
            "translation_note": self.translation_note or None,
            "participants": [
                {
                    "name": p.name,
                    "title": p.title or None,
                    "country": p.country or None,
                    "role": p.role,
                    "person": p.holder or None,
                }
                for p in self.participants
            ],
            "statements": [
                {
                    "number": s.number,
                    "heading": s.heading or None,
                    "text": s.text,
                    "speakers": s.speakers,
                    "joint": s.joint,
                    "topics": s.topics,
                }
                for s in self.statements
            ],
            "topics": self.topics,
            "problems": self.problems,
            "refused": None,
        }


def name_key(name: str) -> str:
    """The identity of a person's name: its lower-case words, sorted, accents folded.

    "HAYASHI Yoshimasa" and "Yoshimasa Hayashi", "Yun Byung-Se" and "Yun Byung-se",
    "Roh Moo Hyun" and "Roh Moo-hyun" give the same key.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # Middle initials are left out: "Mark W. Lippert" is "Mark Lippert".
    return " ".join(sorted(w for w in re.findall(r"[a-z]+", folded) if len(w) > 1))


# --- Text helpers -------------------------------------------------------------------------

MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for m in names
}
MONTH_RE = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
WEEKDAY_RE = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)"
MONTH_DAY = re.compile(
    MONTH_RE + r"\.?\s+(?P<day>\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d{2}))?", re.I
)
DAY_MONTH = re.compile(r"(?<!\d)(?P<day>\d{1,2})\s+" + MONTH_RE + r"\.?(?:,?\s+(?P<year>(?:19|20)\d{2}))?", re.I)
ISO_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})(?!\d)")
US_DATE = re.compile(r"(?<!\d)(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)\d{2})(?!\d)")

SMART = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def _month_number(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def page_date(line: str) -> date | None:
    """A line that is only a date: "March 17, 2018", "(April 25, 2012)", "2017-12-19"."""
    text = line.strip().strip("()[]").strip()
    text = re.sub(r"^" + WEEKDAY_RE, "", text, flags=re.I)
    m = re.fullmatch(MONTH_DAY.pattern, text, re.I)
    if m and m.group("year"):
        return dates.make_date(m.group("year"), _month_number(m.group("month")), m.group("day"))
    m = re.fullmatch(DAY_MONTH.pattern, text, re.I)
    if m and m.group("year"):
        return dates.make_date(m.group("year"), _month_number(m.group("month")), m.group("day"))
    m = re.fullmatch(ISO_DATE.pattern, text)
    if m:
        return dates.make_date(m.group("year"), m.group("month"), m.group("day"))
    m = re.match(US_DATE.pattern + r"(?:\s+\d{1,2}:\d{2}.*)?$", text)
    if m:
        return dates.make_date(m.group("year"), m.group("month"), m.group("day"))
    return None


# --- Language and kind ---------------------------------------------------------------------


KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z]")


def detect_language(text: str) -> str:
    latin = len(LATIN.findall(text))
    other = len(OTHER_LETTER.findall(text))
    if latin + other == 0:
        return ""
    if latin >= 0.6 * (latin + other):
        return "en"
    kana, hangul, han = len(KANA.findall(text)), len(HANGUL.findall(text)), len(HAN.findall(text))
    if kana > hangul and kana + han > latin:
        return "ja"
    if hangul > kana and hangul > latin:
        return "ko"
    if han > latin:
        return "zh"
    return "other"


LANGUAGE_NAMES = {"ja": "Japanese", "ko": "Korean", "zh": "Chinese", "other": "a language other than English"}

# Lines that are site furniture, never content.
NOISE_LINE = re.compile(
    r"""^(
        바로가기.*|본문\s*바로가기|주메뉴\s*바로가기|검색창\s*열기|[A-Z]{3}|
        Date|hit|\d+|Press\s+Releases?|Twitter|Share|Tumblr|Facebook|Print|Related\s+Links?|
        Back\s+to\s+.*|Home\s*>.*|.*\bPhoto(?:s)?\b\s*[:)].*|\(Photos?[^)]*\)|Countries\s*&\s*Regions|
        Ministry\s+of\s+Foreign\s+Affairs|.*Affairs\s+Bureau|Office\s+of\s+the\s+Spokesperson|
        Latest\s+Headlines|Speeches|Summit\s+diplomacy|Presidential\s+activities|
        CHEONG\s+WA\s+DAE|Toward\s+a\s+Greater\s+Republic\s+of\s+Korea|.*\|\s*|[•·]\s*.*|
        [A-Z][\w-]*(?:\s[\w-]+)*\s+Relations|Page\s+Top|Japanese\s+Page
    )$""",
    re.X | re.I,
)
TRANSLATION_NOTE = re.compile(
    r"^\W*\*?\s*[\[(]?\s*((?:unofficial|provisional|tentative)\s+translation)\s*[\])]?\W*$", re.I
)
BYLINE = re.compile(r"^(?:The\s+below\s+is\s+attributable\s+to\b.*|.*\bSpokesperson\s+[A-Z]\w+\s+[A-Z]\w+:?)$")

MEETING_VERB = re.compile(
    r"\b(?:(?:held|holds|hold|had|has)\b(?:[^.]|(?<=[A-Z])\.){0,160}?\b(?:meeting|talks?|summit|conversation|call|dialogue)s?\b"
    r"|met\b|meets\b|talked\b|spoke\b|(?:had|held)\s+talks\b)",
    re.I,
)


# --- People --------------------------------------------------------------------------------

TITLE_WORDS = r"(?:Minister|Ministers|President|Permanent|Director|Director-General|Deputy|Special|Ambassador|Secretary|Prime|Foreign|Chairman|Chief|Senior|Parliamentary|Vice|Vice-Minister|Head|Member|Chair|Governor|Leader|Advisor|Adviser|Representative|Commissioner|Spokesperson|Counsellor|Counselor|Consul|Assistant|Executive|State|The|On|In|At|During|Japan|Japanese|Korea|Korean|Republic)"
NAME_TOKEN = rf"(?:(?!{TITLE_WORDS}\b)(?:[A-Z][a-z]+(?:[-'][A-Za-z]+)*|[A-Z]{{2,}}(?:-[A-Z]+)?|[A-Z]\.))"
NAME = rf"(?P<name>[A-Z][a-z]+,\s+[A-Z][a-z]+-[a-z]+|{NAME_TOKEN}(?:\s+{NAME_TOKEN}){{1,3}})"
HONORIFIC = (
    r"(?:(?:H\.\s?E\.?|His\s+Excellency|Her\s+Excellency|The\s+Honou?rable|Hon\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Prof\.?)\s+)+"
)

TITLES = [
    "Minister of Foreign Affairs and Trade",
    "Minister for Foreign Affairs",
    "Minister of Foreign Affairs",
    "Federal Minister for Foreign Affairs",
    "Foreign Minister",
    "Prime Minister",
    "President",
    "Secretary of State",
    "Deputy Secretary of State",
    "Secretary",
    "Chancellor",
    "Chairman",
    "General Secretary",
    "Premier",
    "Vice President",
    "Vice Premier",
    "Chief Cabinet Secretary",
    "Deputy Chief Cabinet Secretary",
    "Parliamentary Senior Vice-Minister",
    "Parliamentary Vice-Minister",
    "State Minister for Foreign Affairs",
    "Senior Vice-Minister",
    "Vice-Minister for Foreign Affairs",
    "Vice Minister for Foreign Affairs",
    "Vice Foreign Minister",
    "First Vice Foreign Minister",
    "Second Vice Foreign Minister",
    "Vice-Minister",
    "Vice Minister",
    "Deputy Minister",
    "Ambassador",
    "Director-General",
    "Special Representative",
    "National Security Advisor",
    "Minister",
    "Spokesperson",
    "King",
    "Emperor",
    "Crown Prince",
    "Governor",
    "Mayor",
    "Speaker",
    "Senator",
]
TITLE_ALT = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(TITLES, key=len, reverse=True))
COUNTRY_ALT = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in sorted(COUNTRIES, key=len, reverse=True))
NATION_ALT = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(NATIONALITIES, key=len, reverse=True))

# "Japanese Prime Minister Shinzo Abe", "Minister for Foreign Affairs of Japan Taro Kono",
# "Republic of Korea (ROK) Minister of Foreign Affairs and Trade Kim Sung-hwan"
TITLE_FIRST = re.compile(
    rf"(?:(?P<nation>{NATION_ALT})\s+|(?:the\s+)?(?P<pre_country>{COUNTRY_ALT})(?:\s+\([A-Z]+\))?\s+)?"
    rf"(?P<title>(?:{TITLE_ALT})(?:\s+of\s+(?:the\s+)?(?P<of_country>{COUNTRY_ALT})(?:\s+\([A-Z]+\))?)?)"
    rf",?\s+(?:{HONORIFIC})?{NAME}"
)
# "Mr. Taro Kono, Minister for Foreign Affairs," / "H.E. Dr. Kang Kyung-wha, Minister of ..."
HONORIFIC_FIRST = re.compile(
    rf"{HONORIFIC}{NAME}(?P<after>,\s+(?P<title>(?:[^,;()\n.]|\.(?!\s))+(?:\([A-Z]+\))?(?:[^,;()\n.]|\.(?!\s))*))?"
)
# "his Japanese counterpart Fumio Kishida"
COUNTERPART = re.compile(rf"(?P<nation>{NATION_ALT})\s+counterpart,?\s+(?:{HONORIFIC})?{NAME}")

NOT_NAME_WORDS = {
    "minister",
    "ministers",
    "president",
    "prime",
    "foreign",
    "affairs",
    "japan",
    "japanese",
    "korea",
    "korean",
    "republic",
    "rok",
    "the",
    "of",
    "and",
    "on",
    "in",
    "at",
    "for",
    "with",
    "united",
    "states",
    "nations",
    "state",
    "summit",
    "meeting",
    "government",
    "ministry",
    "secretary",
    "general",
    "assembly",
    "council",
    "security",
    "north",
    "south",
    "east",
    "west",
    "asian",
    "asia",
    "oceanian",
    "bureau",
    "embassy",
    "ambassador",
    "director",
    "deputy",
    "special",
    "representative",
    "national",
    "cabinet",
    "office",
    "chief",
    "senior",
    "vice",
    "parliamentary",
    "trade",
    "economic",
    "a",
    "an",
    "this",
    "that",
    "he",
    "she",
    "they",
    "during",
    "after",
    "before",
    "both",
    "two",
    "his",
    "her",
    "its",
    "their",
    "federal",
    "dprk",
    "un",
    "us",
    "u",
    "s",
    "china",
    "chinese",
    "russia",
    "germany",
    "ioc",
    "party",
    "democratic",
    "liberal",
    "statement",
    "declaration",
    "peninsula",
    "department",
    "agency",
    "kantei",
    "cheong",
    "wa",
    "dae",
    "house",
    "palace",
    "guest",
    "conference",
    "forum",
    "talks",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
} | {"january", "february", "march", "september", "october", "november", "december"}
ENDS_TITLE_NOISE = re.compile(
    r"\s+(?:and\s+others|and\s+(?:from|on|those)|who|which|during|while|held|had|met|is|was|on\s+(?:the\s+)?\w+\s+side|"
    r"on\s+(?:a|an|his|her)\s+visit|in\s+[A-Z]\w+,|in\s+[A-Z]\w+$|(?:on|from)\s+(?:the\s+)?(?:"
    + "|".join(MONTHS)
    + r")\b|"
    r"for\s+(?:approximately|about|around)|from\s+\d|at\s+\d|to\s+attend|attended)\b.*$",
)


def _clean_name(raw: str) -> str:
    tokens = re.split(r"[\s,]+", raw.strip())
    while tokens and tokens[-1].lower().strip(".") in NOT_NAME_WORDS:
        tokens.pop()
    while tokens and tokens[0].lower().strip(".") in NOT_NAME_WORDS:
        tokens.pop(0)
    return " ".join(tokens)


def _valid_name(name: str) -> bool:
    tokens = name.split()
    if len(tokens) < 2 or len(tokens) > 4:
        return False
    return not any(t.lower().strip(".") in NOT_NAME_WORDS for t in tokens)


def _country_in(text: str) -> str:
    """The country a title or phrase names: "President of the ROK" -> KOR."""
    if not text:
        return ""
    m = re.search(rf"\b(?:{COUNTRY_ALT})\b", text)
    if m:
        return COUNTRIES[re.sub(r"\s+", " ", m.group(0))]
    m = re.search(rf"\b(?:{NATION_ALT})\b", text)
    if m:
        return NATIONALITIES[re.sub(r"\s+", " ", m.group(0))]
    return ""


@dataclass
class Mention:
    start: int
    end: int
    name: str
    title: str
    country: str
    hit: Hit | None = None  # the gazetteer's reading of the name


def find_mentions(text: str, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Every person named in full in the text, with the title and country given beside them,
    and every office holder the gazetteer knows, named in full or by title and family name."""
    found: list[Mention] = []
    for m in TITLE_FIRST.finditer(text):
        name = _clean_name(m.group("name"))
        if not _valid_name(name):
            continue
        title = re.sub(r"\s+", " ", m.group("title"))
        country = ""
        if m.group("nation"):
            country = NATIONALITIES[re.sub(r"\s+", " ", m.group("nation"))]
        elif m.group("pre_country"):
            country = COUNTRIES[re.sub(r"\s+", " ", m.group("pre_country"))]
        elif m.group("of_country"):
            country = COUNTRIES[re.sub(r"\s+", " ", m.group("of_country"))]
        tail = text[m.end() : m.end() + 60]
        of = re.match(rf"\s+of\s+(?:the\s+)?({COUNTRY_ALT})\b", tail)
        if of and not country:
            country = COUNTRIES[re.sub(r"\s+", " ", of.group(1))]
        found.append(Mention(m.start(), m.end("name"), name, title, country))
    # Matched at every honorific, so that one person's title cannot swallow the next person.
    starts = sorted({h.start() for h in re.finditer(rf"(?<![\w.]){HONORIFIC}", text)})
    for m in filter(None, (HONORIFIC_FIRST.match(text, pos) for pos in starts)):
        name = _clean_name(m.group("name"))
        if not _valid_name(name):
            continue
        title = ""
        if m.group("title"):
            title = ENDS_TITLE_NOISE.sub("", m.group("title")).strip().rstrip(".").strip()
            if not re.match(r"(?:the\s+)?[A-Z]", title) or len(title) > 120:
                title = ""
        found.append(Mention(m.start(), m.end("name"), name, title, _country_in(title)))
    for m in COUNTERPART.finditer(text):
        name = _clean_name(m.group("name"))
        if _valid_name(name):
            found.append(
                Mention(m.start("name"), m.end("name"), name, "", NATIONALITIES[re.sub(r"\s+", " ", m.group("nation"))])
            )
    for hit in gazetteer.find(text) if gazetteer else []:
        overlapping = [m for m in found if m.start < hit.end and hit.start < m.end]
        for m in overlapping:
            m.hit = hit
            if hit.full and hit.end > m.end and hit.start <= m.start + len(m.name):
                m.name = _clean_name(text[max(hit.start, m.end - len(m.name)) : hit.end])
                m.end = hit.end
        if not overlapping:
            found.append(Mention(hit.start, hit.end, _clean_name(hit.text), hit.title, "", hit))
    # Keep one mention per place in the text: the longest, and the one with a title.
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    merged: list[Mention] = []
    for mention in found:
        if merged and mention.start < merged[-1].end and name_key(mention.name) == name_key(merged[-1].name):
            prev = merged[-1]
            prev.title = prev.title or mention.title
            prev.country = prev.country or mention.country
            prev.hit = prev.hit or mention.hit
            continue
        if merged and mention.start < merged[-1].end:
            continue
        merged.append(mention)
    return merged


def _surname(name: str, text: str) -> str:
    tokens = name.split()
    caps = [t for t in tokens if t.isupper() and len(t) > 1]
    if caps:
        return caps[0].title()
    for token in tokens:
        if re.search(rf"\b(?:{TITLE_ALT}|Mr\.|Ms\.|Mrs\.|Dr\.)\s+{re.escape(token)}\b(?!\s+[A-Z][a-z])", text):
            return token
    if "-" in name or len(tokens) == 3:
        return tokens[0]  # Korean and Chinese names: family name first
    return tokens[-1]


def _display_name(name: str, surname: str, country: str) -> str:
    """Japanese names given-name first, as English readouts mostly print them; others as printed."""
    tokens = [t.title() if t.isupper() and len(t) > 1 else t for t in name.split()]
    surname = surname.title() if surname.isupper() else surname
    if country == "JPN" and len(tokens) == 2 and tokens[0] == surname:
        tokens = [tokens[1], tokens[0]]
    return " ".join(tokens)


# --- Issuer --------------------------------------------------------------------------------

PAIR = re.compile(rf"\b({COUNTRY_ALT})(?:\s*-\s*(?:{COUNTRY_ALT}))+\b")


def detect_issuer(text: str, header: str) -> str:
    """The government that published the readout: its site's conventions (profiles), else which
    country the page names first in pairs ("Japan-ROK"), for each government names itself first."""
    found = publisher(text, "en")
    if found:
        return found
    scores: dict[str, float] = {}

    def add(code: str, weight: float) -> None:
        scores[code] = scores.get(code, 0) + weight

    for m in PAIR.finditer(text):
        code = COUNTRIES[re.sub(r"\s+", " ", m.group(1))]
        if code != "PRK":  # "North Korea-Japan talks" are talked about, not published by
            add(code, 1)
    for m in re.finditer(
        rf"\b({NATION_ALT})\s+(?:counterpart|Prime Minister|President|Foreign Minister|Minister|Government|government|side)\b",
        text,
    ):
        # The other side is named by adjective: "his Japanese counterpart".
        other = NATIONALITIES[re.sub(r"\s+", " ", m.group(1))]
        add(other, -0.5)
    if re.search(r"\bMinister for Foreign Affairs(?! of)", text) and "JPN" in scores:
        add("JPN", 0.5)
    if not scores:
        return ""
    best = max(scores.items(), key=lambda kv: kv[1])
    return best[0] if best[1] > 0 else ""


# --- The readout ---------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    indent: int


def _lines(text: str) -> list[Line]:
    out = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped:
            out.append(Line(stripped, len(raw) - len(raw.lstrip())))
    return out


NUMBER_PREFIX = re.compile(
    r"^(?P<marker>(?:[-–•]\s*)?(?:(?P<n1>\d{1,2})\.(?!\d)\s*)?(?:(?P<n2>\d{1,2})\.(?!\d)\s*)?"
    r"(?:\((?P<paren>\d{1,2}|[a-zA-Z]|[ivx]+)\)\s*)?(?:(?P<bullet>[°o*※-])\s+)?)(?P<rest>.*)$",
    re.S,
)
SPEECH = r"(?:also\s+|further\s+|then\s+|again\s+|once\s+again\s+|strongly\s+|briefly\s+|in\s+turn\s+)?(?:stated|said|says|expressed|noted|explained|requested|mentioned|asked|stressed|emphasized|emphasised|welcomed|congratulated|underscored|urged|conveyed|raised|suggested|voiced|added|responded|replied|reiterated|agreed|proposed|thanked|praised|extended|briefed|highlighted|called|reaffirmed|pointed|offered|shared|confirmed|presented|invited|hoped|expects|condemned|appreciated|acknowledged|affirmed|indicated|remarked|commented|told|informed|introduced|spoke|outlined|discussed|concurred|recognized|recognised|committed|pledged|promised|lodged|protested|demanded|sought|touched|referred|reported|assured|announced|continued|went\s+on)"
JOINT = re.compile(
    r"\b(?:the\s+two|both)\s+(?:ministers|leaders|sides|foreign\s+ministers|top\s+diplomats|heads|prime\s+ministers|presidents|countries'\s+leaders)(?:,[^,]{0,150},)?\s+"
    + SPEECH
    + r"|\bthe\s+(?:ministers|leaders)\s+"
    + SPEECH
    + r"|\b(?:President|Prime\s+Minister|Minister|Mr\.|Ms\.)\s+\w+\s+and\s+I\b"
    r"|\b\w+\s+and\s+his\s+(?:\w+\s+)?counterpart\b|\bMinister\s+\w+(?:\s+[\w-]+)?\s+and\s+(?:his|her)\s+\w+\s+counterpart\b",
    re.I,
)


def parse_readout(
    text: str,
    *,
    vocabulary: dict[str, list[str]] | None = None,
    gazetteer: Gazetteer | None = None,
    today: date | None = None,
) -> ParsedReadout:
    """Parse a readout's text (English, Japanese or Korean). Raise UnreadableReadout when it
    cannot be imported at all. `today` bounds the terms of office still running."""
    if not text or not text.strip():
        raise UnreadableReadout("the file is empty")
    if "\x00" in text:
        raise UnreadableReadout("the file is binary, not text")
    original = text
    text = unicodedata.normalize("NFC", text).translate(SMART).replace("''", "'")
    language = detect_language(text)
    today = today or date.today()
    if language in ("ja", "ko", "zh"):
        from .cjk import parse_cjk

        parsed = parse_cjk(text, language, gazetteer=gazetteer, today=today)
    elif language == "en":
        parsed = _parse_english(text, gazetteer=gazetteer, today=today)
    else:
        raise UnreadableReadout(
            f"the readout is written in {LANGUAGE_NAMES.get(language, language)}; "
            "the importer reads English, Japanese, Korean and Chinese readouts"
        )
    parsed.content_hash = hashlib.sha256(original.encode("utf-8")).hexdigest()
    if vocabulary:
        compiled = compile_vocabulary(vocabulary)
        for s in parsed.statements:
            s.topics = tag_topics(s.text, compiled)
            for t in s.topics:
                if t not in parsed.topics:
                    parsed.topics.append(t)
    return parsed


# A transcript's turns: "MR. RHODES:  Thanks, everybody", "Q:  Thank you".
TURN = re.compile(r"^\s*(?:(?:MR|MS|MRS|DR)\.\s+[A-Z][A-Z'-]+|Q|THE PRESIDENT|PRIME MINISTER [A-Z]+):", re.M)


def _parse_english(text: str, *, gazetteer: Gazetteer | None, today: date) -> ParsedReadout:
    language = "en"
    if len(TURN.findall(text)) >= 2:
        # Briefings and press conferences are transcripts: speakers' turns, in capitals.
        raise UnreadableReadout(
            "a transcript of a briefing or press conference (speakers' turns), not a meeting readout"
        )
    lines = _lines(text)
    lead_index = next(
        (i for i, line in enumerate(lines) if _is_lead(line.text)),
        None,
    )
    if lead_index is None:
        raise UnreadableReadout("no sentence says who met whom; this does not look like a meeting readout")
    header, body = lines[:lead_index], lines[lead_index:]
    problems: list[str] = []

    # Header: title, page date, translation note.
    published = None
    title = ""
    translation_note = ""
    for line in header:
        note = TRANSLATION_NOTE.match(line.text)
        if note:
            translation_note = note.group(1).lower()
            continue
        d = page_date(line.text) or page_date(re.sub(r"^Date\s*", "", line.text))
        if d and not published:
            published = d
            continue
        if d or NOISE_LINE.match(line.text) or line.text.startswith("("):
            continue
        if not title and re.search(
            r"\b(?:Meeting|Meetings|Talks?|Summit|Meets?|Conversation|Call|Telephone|Outcome|Visit|Dialogue|ties|Readout|Press Conference)\b",
            re.sub(r"\d+$", "", line.text),
            re.I,
        ):
            title = re.sub(r"\s*(?:\(\d\)|\d)$", "", line.text).strip()
    if published is None:
        for line in header:
            m = re.match(r"^Date\s*$", line.text)
            if m:
                idx = header.index(line)
                if idx + 1 < len(header):
                    published = page_date(header[idx + 1].text)
    header_text = "\n".join(line.text for line in header)
    if not title and body and len(body[0].text) < 150 and not body[0].text.endswith("."):
        title = body[0].text

    # Body lines: drop footers and notes.
    body_lines: list[Line] = []
    for line in body:
        note = TRANSLATION_NOTE.match(line.text)
        if note:
            translation_note = translation_note or note.group(1).lower()
            continue
        if re.match(
            r"^(?:Back\s+to\s+.*|Related\s+Links?|Page\s+Top|\(Reference\).*)$", line.text, re.I
        ) or BYLINE.match(line.text):
            continue
        body_lines.append(line)
    if not body_lines or body_lines[0] is not body[0]:
        body_lines.insert(0, body[0])  # the lead, even when it begins like a byline

    lead_line = body_lines[0].text
    lead_match = NUMBER_PREFIX.match(lead_line)
    lead_text = lead_match.group("rest") if lead_match else lead_line
    lead_sentence = _lead_sentence(lead_text)

    # Participants.
    issuer = detect_issuer(text, header_text)
    participants = _participants(lead_text, lead_sentence, body_lines, issuer, gazetteer)

    # When and how.
    evidence = _date_evidence(lead_text)
    meeting_date, date_source = resolve_people(
        participants, evidence, published, issuer, title + " " + lead_sentence, gazetteer, today=today
    )
    principals = [p for p in participants if p.role == "principal"]
    issuer = issuer or _unqualified_side(lead_sentence, principals)
    level = level_of(principals, gazetteer, meeting_date) or _level(principals, title + " " + lead_text)
    fmt = _format(title + " " + lead_text, issuer)
    city, country = ("", "") if fmt != "in-person" else _place(header_text, lead_text)
    occasion = _occasion(lead_text)
    start, duration = _time_and_duration(lead_text)

    if not title:
        title = make_title(issuer, principals, level, fmt)

    # Statements.
    statements = _statements(body_lines)
    _assign_speakers(statements, participants)
    topics: list[str] = []
    if not principals:
        problems.append("no principals found")
    problems += date_problems(evidence, meeting_date, date_source)
    for s in statements:
        if not s.speakers and not s.joint and s.number:
            problems.append(f"statement {s.number or s.position} has no speaker")
            break

    return ParsedReadout(
        issuer=issuer,
        title=title,
        meeting_date=meeting_date,
        published_date=published,
        level=level,
        format=fmt,
        city=city,
        country=country,
        occasion=occasion,
        start_time=start,
        duration_minutes=duration,
        language=language,
        translation_note=translation_note,
        participants=participants,
        statements=statements,
        topics=topics,
        content_hash="",
        problems=problems,
        date_source=date_source,
        date_evidence=evidence,
    )


def _is_lead(text: str) -> bool:
    """The lead says who met whom in a sentence; a headline ("X Meets with Y") is not one."""
    words = len(text.split())
    if not MEETING_VERB.search(text) or words < 12 or text.endswith("|"):
        return False
    return bool(re.search(r"[.:;)\"']\s*$", text)) or words > 30


def _lead_sentence(lead_text: str) -> str:
    # Split into sentences without breaking at "Mr." "H.E." "a.m." and the like.
    protected = re.sub(
        r"\b(Mr|Ms|Mrs|Dr|Prof|Hon|H\.E|a\.m|p\.m|U\.S|No|St|Jr|[A-Z])\.",
        lambda m: m.group(0).replace(".", "§"),
        lead_text,
    )
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(\"])", protected):
        if MEETING_VERB.search(sentence.replace("§", ".")):
            return sentence.replace("§", ".")
    return lead_text


def _participants(
    lead_text: str, lead_sentence: str, body_lines: list[Line], issuer: str, gazetteer: Gazetteer | None = None
) -> list[ParsedParticipant]:
    full_text = "\n".join(line.text for line in body_lines)
    people: dict[str, ParsedParticipant] = {}

    def mentions_in(text: str) -> list[Mention]:
        return find_mentions(text, gazetteer)

    def add(mention: Mention, role: str, country: str = "") -> ParsedParticipant:
        hit = mention.hit
        key = _mention_key(mention)
        person = people.get(key)
        rank = ROLE_RANK
        if person is None:
            person = ParsedParticipant(
                name=mention.name, title=mention.title, country=country or mention.country, role=role, hit=hit
            )
            people[key] = person
        else:
            if rank[role] < rank[person.role]:
                person.role = role
            person.title = person.title or mention.title
            person.country = person.country or country or mention.country
            person.hit = person.hit or hit
            if hit and hit.full and person.hit and not person.hit.full:
                person.hit = hit
            if len(mention.name.split()) > len(person.name.split()):
                person.variants.append(person.name)
                person.name = mention.name
            elif mention.name not in person.variants and mention.name != person.name:
                person.variants.append(mention.name)
        return person

    # Principals: the subject and the object of the lead sentence.
    verb = MEETING_VERB.search(lead_sentence) or MEETING_VERB.search(lead_text)
    if verb is None:
        raise UnreadableReadout("no sentence says who met whom; this does not look like a meeting readout")
    if not MEETING_VERB.search(lead_sentence):
        lead_sentence = lead_text
    subject, obj = lead_sentence[: verb.start()], lead_sentence[verb.start() :]
    with_at = re.search(r"\b(?:with|to)\b", obj)
    subject_mentions = mentions_in(subject)
    object_mentions = mentions_in(obj[with_at.start() :]) if with_at else []
    principals: list[Mention] = []
    if subject_mentions:
        last = subject_mentions[-1]
        if len(subject_mentions) >= 2 and re.fullmatch(
            r"\s*(?:and|,)\s*(?:(?:new|the)\s+)?", subject[subject_mentions[-2].end : last.start]
        ):
            principals.append(subject_mentions[-2])
        principals.append(last)
    if object_mentions and len(principals) < 2:
        principals.append(object_mentions[0])
        # A trilateral: "with the Honorable X, President of ..., and H.E. Mr. Y, President of ...".
        for before, mention in zip(object_mentions, object_mentions[1:], strict=False):
            between = obj[with_at.start() :][before.end : mention.start]
            if not TRILATERAL_JOIN.fullmatch(between):
                break
            principals.append(mention)
    # A principal's country: named beside them, else the issuer for the first (the host side)
    # and the other country of the pair for the second.
    pair_countries = _pair_countries(lead_text + " " + full_text, issuer)
    for index, mention in enumerate(principals):
        country = mention.country
        if not country:
            if index == 0 and issuer:
                country = issuer
            else:
                others = [c for c in pair_countries if c != (principals[0].country or issuer)]
                country = others[0] if others else ""
        add(mention, "principal", country)

    # Attendees: in a sentence or parenthesis about who attended.
    for block in re.finditer(
        r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)|[^.(]*\b(?:attended\s+by|attending)\b[^.]*", lead_text
    ):
        chunk = block.group(0)
        if not re.search(r"attend|participant|side\s+included|included|accompan|present|joined", chunk, re.I):
            continue
        named = mentions_in(chunk)
        named += _listed_names(chunk, named)
        mentions = sorted(named + _titled_surnames(chunk, named), key=lambda m: m.start)
        markers = [
            (m.start(), NATIONALITIES.get(m.group(1)) or COUNTRIES.get(m.group(1), ""))
            for m in re.finditer(rf"\b({NATION_ALT}|{COUNTRY_ALT})\s+side\b", chunk)
        ]
        for mention in mentions:
            side = ""
            if markers:
                if markers[0][0] < (mentions[0].start if mentions else 0):
                    before = [c for pos, c in markers if pos < mention.start]
                    side = before[-1] if before else ""
                else:
                    after = [c for pos, c in markers if pos > mention.start]
                    side = after[0] if after else ""
            if _mention_key(mention) in people and people[_mention_key(mention)].role == "principal":
                continue
            add(
                mention,
                "attendee",
                side or mention.country or (issuer if re.search(r"^\s*\(?attended by", chunk) else ""),
            )

    # Everyone else named in full is mentioned.
    for mention in mentions_in(full_text):
        add(mention, "mentioned", mention.country)

    for person in people.values():
        person.surname = _surname(person.name, full_text)
        display = _display_name(person.name, person.surname, person.country)
        if display != person.name:
            person.variants.append(person.name)
            person.name = display
        if (
            not person.country
            and issuer
            and re.fullmatch(
                r"(?:Minister for Foreign Affairs|Prime Minister|Chief Cabinet Secretary)", person.title or ""
            )
        ):
            person.country = issuer
    return list(people.values())


def _mention_key(mention: Mention) -> str:
    hit = mention.hit
    return f"holder:{hit.candidates[0].slug}" if hit and len(hit.candidates) == 1 else name_key(mention.name)


# Between two people the lead's "with" names together: their titles and an "and".
TRILATERAL_JOIN = re.compile(
    r"\.?(?:,[^;()]{0,140}?)?,?\s+and\s+(?:the\s+)?(?:(?:H\.\s?E\.|Mr\.|Ms\.|Mrs\.|Dr\.|Honou?rable|Hon\.)\s*)*",
    re.S | re.I,
)
ATTENDEE_TITLE = re.compile(
    r"\b(?:Minister|Secretary|Ambassador|Advis[eo]r|Representative|Director|Counsel+or|Chief|Deputy|Envoy|Consul)\b"
)
NOT_SURNAME = (
    set(NOT_NAME_WORDS)
    | {w.lower() for phrase in [*TITLES, *COUNTRIES, *NATIONALITIES] for w in phrase.replace(".", " ").split()}
    | {"economy", "trade", "industry", "finance", "defense", "defence", "cabinet", "staff", "affairs", "side", "etc"}
)


def _titled_surnames(chunk: str, known: list[Mention]) -> list[Mention]:
    """People a list of attendees names by title and family name, as Japan's Prime Minister's
    Office writes them: "Minister for Foreign Affairs Maehara, Minister of Economy, Trade and
    Industry Ohata, ... Ambassador Fujisaki etc. from the Japanese side"."""
    found = []
    titled = False  # the title begun in an earlier comma-part ("Minister of Economy, Trade and ...")
    for item in re.finditer(r"[^,;()]+", chunk):
        text = re.sub(r"(?:\s+etc\.?)?(?:\s+(?:from|on)\s+the\b.*\bside\b.*)?$", "", item.group(0).rstrip())
        titled = titled or bool(ATTENDEE_TITLE.search(text))
        words = list(re.finditer(r"[A-Z][a-z]+(?:-[A-Za-z]+)?", text))
        if not words or not titled:
            continue
        last = words[-1]
        start = item.start() + last.start()
        if text[last.end() :].strip() or last.group(0).lower() in NOT_SURNAME:
            continue
        titled = False
        if any(m.start <= start < m.end for m in known):
            continue
        found.append(Mention(start, start + len(last.group(0)), last.group(0), "", ""))
    return found


LISTED_NAME = re.compile(r"(?:^|[;(]\s*|\band\s+)(?P<name>[A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2}),\s+(?:the\s+)?[A-Z]")


def _listed_names(chunk: str, known: list[Mention]) -> list[Mention]:
    """People a list of attendees names as "Name, Title; Name, Title" ("Tetsuro Fukuyama, Deputy
    Chief Cabinet Secretary; ... and Koro Bessho, Deputy Minister ...")."""
    found = []
    for m in LISTED_NAME.finditer(chunk):
        name = _clean_name(m.group("name"))
        start = m.start("name")
        if any(w.lower() in NOT_SURNAME for w in re.split(r"[- ]", name)):
            continue  # "and Industry Ohata, ...": the end of a title, not a name
        if _valid_name(name) and not any(k.start <= start < k.end for k in known):
            found.append(Mention(start, m.end("name"), name, "", ""))
    return found


def _pair_countries(text: str, issuer: str) -> list[str]:
    counts: dict[str, int] = {}
    for m in PAIR.finditer(text):
        for part in re.split(r"\s*-\s*", m.group(0)):
            code = COUNTRIES.get(re.sub(r"\s+", " ", part))
            if code:
                counts[code] = counts.get(code, 0) + 1
    for m in re.finditer(rf"\b({NATION_ALT})\s+counterpart\b", text):
        code = NATIONALITIES[re.sub(r"\s+", " ", m.group(1))]
        counts[code] = counts.get(code, 0) + 5
    return [c for c, _ in sorted(counts.items(), key=lambda kv: (kv[0] == "PRK", -kv[1]))]


def _date_evidence(lead_text: str) -> dates.DateEvidence:
    """What an English lead says of the date: "On Thursday, May 26", "21 April", "today"."""
    for pattern in (MONTH_DAY, DAY_MONTH):
        m = pattern.search(lead_text)
        if m:
            year = int(m.group("year")) if m.group("year") else None
            return dates.DateEvidence(
                year, _month_number(m.group("month")), int(m.group("day")), dates.english_weekday(lead_text[: m.end()])
            )
    m = ISO_DATE.search(lead_text)
    if m:
        return dates.DateEvidence(int(m.group("year")), int(m.group("month")), int(m.group("day")))
    return dates.DateEvidence(today=bool(dates.TODAY.search(lead_text)), earlier=bool(dates.EARLIER.search(lead_text)))


def resolve_people(
    participants: list[ParsedParticipant],
    evidence: dates.DateEvidence,
    published: date | None,
    issuer: str,
    lead: str,
    gazetteer: Gazetteer | None,
    *,
    today: date,
) -> tuple[date | None, str]:
    """Settle the meeting's date and say who the participants are, each needing the other: the
    principals named in full say which years fit; the date says who "Minister Kono" or "the
    President" was. Return the date and how it was found."""
    principals = [p for p in participants if p.role == "principal"]
    known = [p.hit.candidates[0] for p in principals if p.hit and len(p.hit.candidates) == 1]
    meeting_date, source = dates.settle(evidence, published, known, gazetteer, today=today)
    if gazetteer:
        for p in participants:
            holder = p.hit.holder(meeting_date) if p.hit else None
            if holder is None:
                continue
            p.holder = holder.slug
            p.country = holder.country  # the gazetteer knows whose office it was
            # "Kishida Fumio", "KISHIDA Fumio": the same words in another order or case.
            reordered = sorted(fold(p.name).split()) == sorted(fold(holder.name).split())
            if (not p.hit.full and p.role == "principal") or not p.name.isascii() or reordered:
                # A principal named by title and family name is named in full from the gazetteer,
                # and a name written in another script is spelled as the archive spells it.
                if p.name not in p.variants:
                    p.variants.append(p.name)
                p.name = holder.name
            office = holder.office_on(meeting_date, prefer=p.title or p.hit.title)
            if office and (not p.title or p.title in GENERIC_TITLE_WORDS or not p.title.isascii()):
                p.title = office.title
        _merge_same_holder(participants)
        principals = [p for p in participants if p.role == "principal"]
        if meeting_date and len(principals) == 1:
            # "The President and Japanese Prime Minister Hatoyama held a summit": a government's
            # readout may leave its own leader unnamed; they held the office of the level named.
            host = _unnamed_host(principals[0], issuer, lead, gazetteer, meeting_date)
            if host:
                office = host.office_on(meeting_date)
                participants.insert(
                    0,
                    ParsedParticipant(
                        name=host.name,
                        title=office.title if office else "",
                        country=host.country,
                        role="principal",
                        surname=next(iter(host.family_names.get("en", [])), ""),
                        holder=host.slug,
                    ),
                )
        if meeting_date is None and source == "":
            known = [gazetteer.by_slug[p.holder] for p in participants if p.role == "principal" and p.holder]
            meeting_date, source = dates.settle(evidence, published, known, gazetteer, today=today)
    return meeting_date, source


def _unqualified_side(lead: str, principals: list[ParsedParticipant]) -> str:
    """A government's readout names the other side's principal with their country ("Prime
    Minister Kishida Fumio of Japan", "Japanese Foreign Minister Hayashi", "Minister for Foreign
    Affairs of Japan Hayashi") and its own without: the page's issuer is the side left unqualified,
    when the gazetteer says whose side each principal was on. "" when that does not settle it."""
    if len(principals) != 2 or not all(p.holder and p.country for p in principals):
        return ""
    qualified = []
    for p in principals:
        names = "|".join(re.escape(n) for n in [p.name, *p.variants, p.surname] if n)
        own = [k for k, v in {**COUNTRIES, **NATIONALITIES}.items() if v == p.country]
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(own, key=len, reverse=True))
        near = rf"(?:\b(?:{words})\b[^,;.]{{0,60}}?(?:{names})|(?:{names})(?:,[^,;]{{0,80}}?|\s+)of\s+(?:the\s+)?(?:{words})\b)"
        qualified.append(bool(words and names and re.search(near, lead)))
    if qualified.count(True) != 1:
        return ""
    return principals[qualified.index(False)].country


def date_problems(evidence: dates.DateEvidence, meeting_date: date | None, source: str) -> list[str]:
    """What a curator should check of the date: none found, or the page's date taken whole."""
    if meeting_date is None:
        return ["no meeting date: nothing in the readout or the gazetteer settles the year"]
    if source == "page-date" and not (evidence.day or evidence.today):
        return ["meeting date taken from the page's date: the readout gives no date of its own"]
    return []


GENERIC_TITLE_WORDS = {"", "Minister", "President", "Secretary", "Mr.", "Ms.", "Mrs.", "Dr.", "H.E."}


def _merge_same_holder(participants: list[ParsedParticipant]) -> None:
    """One person however often named: "Minister Kono" and "Taro Kono" once resolved."""
    rank = ROLE_RANK
    first: dict[str, ParsedParticipant] = {}
    for p in list(participants):
        if not p.holder:
            continue
        kept = first.get(p.holder)
        if kept is None:
            first[p.holder] = p
            continue
        if rank[p.role] < rank[kept.role]:
            kept.role = p.role
        if len(p.name.split()) > len(kept.name.split()):
            kept.variants.append(kept.name)
            kept.name = p.name
        elif p.name != kept.name and p.name not in kept.variants:
            kept.variants.append(p.name)
        kept.title = kept.title or p.title
        kept.country = kept.country or p.country
        participants.remove(p)


LEVEL_RANKS = [
    (re.compile(r"summit|leaders|首脳|정상", re.I), "heads"),
    (re.compile(r"foreign minist|外相|外務大臣会談|외교장관|외무장관", re.I), FOREIGN_MINISTER),
]


def _unnamed_host(other: ParsedParticipant, issuer: str, lead: str, gazetteer: Gazetteer, on: date):
    if not issuer or other.country == issuer:
        return None
    for pattern, rank in LEVEL_RANKS:
        if pattern.search(lead):
            ranks = HEADS if rank == "heads" else {rank}
            found = [
                h
                for h in gazetteer.holders
                if any(t.office.country == issuer and t.office.rank in ranks for t in h.terms_on(on))
            ]
            # A president is head of state and of government: the highest office first.
            found.sort(key=lambda h: min(0 if t.office.rank == "head-of-state" else 1 for t in h.terms_on(on)))
            heads = [h for h in found if h.terms_on(on)]
            if heads:
                return heads[0]
    return None


def level_of(principals: list[ParsedParticipant], gazetteer: Gazetteer | None, on: date | None) -> str:
    """The level the principals' offices give: two heads, a summit; two foreign ministers,
    foreign ministers; two deputies, vice ministers; any other mix, other. "" when the
    gazetteer does not know every principal's office on the date."""
    if not gazetteer or len(principals) < 2:
        return ""
    ranks = []
    for p in principals:
        holder = gazetteer.by_slug.get(p.holder)
        if holder is None:
            return ""
        held = {t.office.rank for t in (holder.terms_on(on) if on else holder.terms)}
        if not held:
            return ""
        ranks.append(held)
    for level, wanted in (
        ("summit", HEADS),
        ("foreign-ministers", {FOREIGN_MINISTER}),
        ("vice-ministers", {VICE_FOREIGN_MINISTER}),
    ):
        if all(held & wanted for held in ranks):
            return level
    if on is None:
        return ""
    return "other"


def _level(principals: list[ParsedParticipant], text: str) -> str:
    titles = " ".join(p.title for p in principals)
    if re.search(
        r"\b(?:Prime Minister|President|Chancellor|Premier|King|Emperor|General Secretary)\b", titles
    ) and not re.search(r"Vice|Deputy", titles):
        if sum(
            bool(re.search(r"\b(?:Prime Minister|President|Chancellor|Premier|King)\b", p.title)) for p in principals
        ) >= min(2, len(principals)) or re.search(r"summit", text, re.I):
            return "summit"
    if re.search(r"Vice[- ]Minister|Vice Foreign Minister|Deputy (?:Foreign )?Minister|Deputy Secretary", titles):
        return "vice-ministers"
    if re.search(r"Foreign Minister|Minister (?:for|of) Foreign Affairs|Secretary of State|Foreign Affairs", titles):
        return "foreign-ministers"
    if re.search(r"\bsummit\b|\bleaders\b", text, re.I):
        return "summit"
    if re.search(r"vice[- ]ministers?'?|vice foreign minister", text, re.I):
        return "vice-ministers"
    if re.search(r"foreign minist|top diplomats|Minister (?:for|of) Foreign Affairs|Secretary of State", text, re.I):
        return "foreign-ministers"
    return "other"


def _format(text: str, issuer: str = "") -> str:
    if re.search(
        r"\b(?:video\s*conference|videoconference|video\s+(?:call|meeting|talks?)|online\s+(?:meeting|talks?)|virtual(?:ly)?\s+(?:meeting|summit|talks?))\b",
        text,
        re.I,
    ):
        return "video"
    if re.search(r"\b(?:telephone|phone|by\s+phone|over\s+the\s+phone|phone\s+call)\b", text, re.I):
        return "telephone"
    if issuer == "USA" and re.search(r"\bspoke\s+(?:today\s+|yesterday\s+)?with\b", text):
        # The White House and the State Department write "spoke with" of calls, "met" of meetings.
        return "telephone"
    return "in-person"


CITY_ALT = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in sorted(CITIES, key=len, reverse=True))
PLACE_RE = re.compile(
    rf"\b(?:in|to|visiting|at|held\s+at|met\s+in)\s+(?:the\s+)?(?P<city>{CITY_ALT})\b(?:,\s+(?:the\s+)?(?P<country>{COUNTRY_ALT}))?"
    rf"|\b(?:in|to|visiting)\s+(?:the\s+)?(?P<country_only>{COUNTRY_ALT})(?:\b|(?<=\.))(?!\s*[-'])"
    rf"|\b(?:the\s+)?(?:G\d+\s+)?(?P<summit_city>{CITY_ALT})\s+[Ss]ummit\b"
)


def _place(header_text: str, lead_text: str) -> tuple[str, str]:
    lead = re.split(
        r"\(\s*(?:From|The meeting was attended|among officials|Participants?|The participants)", lead_text
    )[0]
    city_hit = None
    country_hit = None
    summit_hit = None
    for m in PLACE_RE.finditer(lead):
        if m.group("city") and city_hit is None:
            city_hit = m
        elif m.group("country_only") and country_hit is None:
            country_hit = m
        elif m.group("summit_city") and summit_hit is None:
            summit_hit = m  # "to attend the G8 Deauville Summit": summits are named for their city
    if city_hit is None and summit_hit is not None:
        city = re.sub(r"\s+", " ", summit_hit.group("summit_city"))
        return city, CITIES[city]
    if city_hit is None:
        # A dateline in the header: "(June 20 and 21, Seoul, Republic of Korea)".
        m = re.search(rf"\b(?P<city>{CITY_ALT})\b,\s+(?:the\s+)?(?P<country>{COUNTRY_ALT})\)", header_text)
        if m:
            city_hit = m
    if city_hit:
        city = re.sub(r"\s+", " ", city_hit.group("city"))
        city = LANDMARKS.get(city, city)
        country = CITIES[re.sub(r"\s+", " ", city_hit.group("city"))]
        return city, country
    if country_hit:
        return "", COUNTRIES[re.sub(r"\s+", " ", country_hit.group("country_only"))]
    return "", ""


def _occasion(lead_text: str) -> str:
    m = re.search(
        r"\b(?:on\s+the\s+(?:sidelines|margins?)\s+of|on\s+the\s+occasion\s+of|to\s+attend|for\s+the|while\s+attending|after\s+attending|during\s+(?:his|her|their)\s+(?:visit|trip)\s+to)\s+[^,.;()]+",
        lead_text,
    )
    if not m:
        return ""
    occasion = re.sub(r"\s+(?:on|from)\s+(?:" + MONTH_RE + r")\b.*$", "", m.group(0), flags=re.I).strip()
    occasion = re.sub(r"\s+(?:commencing|starting|held|for\s+approximately).*$", "", occasion)
    return occasion[:200]


NUMBER_WORDS = {
    "one": 1,
    "an": 1,
    "a": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "half": 0.5,
}


def _amount(token: str) -> float | None:
    token = token.lower()
    if token.replace(".", "").isdigit():
        return float(token)
    return NUMBER_WORDS.get(token)


def _time_and_duration(lead_text: str) -> tuple[time | None, int | None]:
    start = None
    m = re.search(
        r"\b(?:at|from|commencing\s+at(?:\s+around)?|starting\s+at|started\s+at|from\s+around|at\s+around)\s+(?:around\s+)?(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|AM|PM)?(?![\d/])",
        lead_text,
    )
    if m and (m.group(2) or m.group(3)):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        meridiem = (m.group(3) or "").lower().replace(".", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        if meridiem == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            start = time(hour, minute)
    duration = None
    m = re.search(
        r"\b(\d+|[a-z]+(?:-[a-z]+)?)[\s-]+(hours?|minutes?)(?:\s+and\s+(\d+|[a-z]+)\s+minutes?)?", lead_text, re.I
    )
    if m:
        amount = _amount(m.group(1))
        if amount is not None:
            minutes = amount * 60 if m.group(2).lower().startswith("hour") else amount
            if m.group(3) and _amount(m.group(3)) is not None:
                minutes += _amount(m.group(3))
            duration = int(minutes) if 0 < minutes < 24 * 60 else None
    return start, duration


ISSUER_NAMES = {"JPN": "Japan", "KOR": "ROK", "CHN": "China", "USA": "U.S."}


def make_title(issuer: str, principals: list[ParsedParticipant], level: str, fmt: str) -> str:
    countries = []
    for code in [issuer] + [p.country for p in principals]:
        if code and code not in countries:
            countries.append(code)
    pair = "-".join(ISSUER_NAMES.get(c, c) for c in countries) or "Bilateral"
    kind = {
        "summit": "Summit Meeting",
        "foreign-ministers": "Foreign Ministers' Meeting",
        "vice-ministers": "Vice-Ministerial Meeting",
    }.get(level, "Meeting")
    if fmt == "telephone":
        kind = kind.replace("Meeting", "Telephone Talk")
    elif fmt == "video":
        kind = kind.replace("Meeting", "Video Conference")
    return f"{pair} {kind}"


def _statements(body_lines: list[Line]) -> list[ParsedStatement]:
    statements: list[ParsedStatement] = []
    section_number = ""
    section_heading = ""
    sub_number = ""
    sub_heading = ""
    parent_number = ""
    for line in body_lines:
        m = NUMBER_PREFIX.match(line.text)
        rest = m.group("rest").strip()
        if not rest:
            continue
        n1, n2, paren, bullet = m.group("n1"), m.group("n2"), m.group("paren"), m.group("bullet")
        is_heading = (
            len(rest) < 100
            and not re.search(r"[.:;!?\"]$", rest)
            and len(rest.split()) <= 14
            and (n1 or paren)
            and not MEETING_VERB.search(rest)
        )
        if n1 and n2 and n1 == n2:
            n2 = None  # "2. 2. Both ministers": the list's number printed twice
        if n1 and paren and not n2 and section_heading and int(n1) == _paren_int(paren):
            n1 = None  # "1. (1)" inside a section: the list numbering of the printed "(1)"
        if is_heading:
            if n1 and not paren:
                section_number, section_heading, sub_number, sub_heading = n1, rest, "", ""
            else:
                sub_number, sub_heading = f"({paren})", rest
            continue
        if n1 and not paren and not n2:
            number = n1
            if section_heading and not is_heading:
                section_number, section_heading, sub_number, sub_heading = "", "", "", ""
            parent_number = n1
        elif n1 and n2:
            number = n1
            parent_number = n1
            rest = f"{n2}. {rest}"
        elif paren:
            base = n1 or section_number
            if n1:
                parent_number = n1
            elif not section_number and parent_number and not sub_heading:
                base = parent_number if _paren_int(paren) and not _is_letter(paren) else parent_number
            number = " ".join(x for x in (base, sub_number if _is_letter(paren) else "", f"({paren})") if x)
        elif bullet:
            number = bullet if bullet not in "-" else ""
        else:
            number = ""
        heading = " — ".join(h for h in (section_heading, sub_heading) if h)
        statements.append(ParsedStatement(position=len(statements) + 1, number=number, heading=heading, text=rest))
    return statements


def _paren_int(token: str) -> int:
    return int(token) if token.isdigit() else 0


def _is_letter(token: str) -> bool:
    return not token.isdigit()


def _assign_speakers(statements: list[ParsedStatement], participants: list[ParsedParticipant]) -> None:
    principals = [p for p in participants if p.role == "principal"]
    refs: list[tuple[re.Pattern, ParsedParticipant]] = []
    for person in sorted(participants, key=lambda p: ROLE_RANK[p.role]):
        names = [re.escape(person.name)] + [re.escape(v) for v in person.variants]
        if person.surname:
            names.append(rf"(?:(?:{TITLE_ALT}|Mr\.|Ms\.|Mrs\.|Dr\.)\s+){re.escape(person.surname)}")
            names.append(rf"{re.escape(person.surname)}(?=\s+{SPEECH}\b)")
        pattern = re.compile(rf"\b(?:{'|'.join(names)})\b(?:,[^,]{{0,120}},)?\s+{SPEECH}\b", re.I)
        refs.append((pattern, person))
    for statement in statements:
        speakers: list[str] = []
        text = statement.text
        for pattern, person in refs:
            if pattern.search(text) and person.name not in speakers:
                speakers.append(person.name)
        if JOINT.search(text) and len(principals) >= 2:
            statement.joint = True
            for p in principals:
                if p.name not in speakers:
                    speakers.append(p.name)
        if not speakers and re.match(r"^(?:I|We)\b", text) and principals:
            speakers.append(principals[0].name)
        statement.speakers = speakers


CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def compile_vocabulary(vocabulary: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    return _compile_vocabulary(tuple((slug, tuple(words)) for slug, words in vocabulary.items()))


@functools.lru_cache(maxsize=8)
def _compile_vocabulary(vocabulary: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, re.Pattern]]:
    compiled = []
    for slug, phrases in vocabulary:
        words = [p.strip() for p in phrases if p.strip()]
        if not words:
            continue
        # Latin words whole ("UN" is not in "UNESCO"); Japanese, Chinese and Korean words, whose
        # scripts put no spaces between words, wherever they stand ("拉致" in "拉致問題の").
        latin = [w for w in words if not CJK_CHAR.search(w)]
        cjk = [w for w in words if CJK_CHAR.search(w)]
        parts = []
        if latin:
            alternatives = "|".join(
                re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(latin, key=len, reverse=True)
            )
            parts.append(rf"(?<![\w-])(?:{alternatives})(?![\w])")
        if cjk:
            parts.append("|".join(re.escape(w).replace(r"\ ", r"\s*") for w in sorted(cjk, key=len, reverse=True)))
        compiled.append((slug, re.compile("|".join(parts), re.I)))
    return compiled


def tag_topics(text: str, compiled: list[tuple[str, re.Pattern]]) -> list[str]:
    text = text.translate(SMART)
    return [slug for slug, pattern in compiled if pattern.search(text)]
