"""Publishers' page conventions: who published a page, told from the page itself.

Each profile states one publisher's convention: the lines its site prints around every page
(navigation, banners, archive notices), or the wording its readouts always use. A page's issuer
is the publisher whose conventions it shows most; when none shows, the order in which the page
names the two countries ("Japan-ROK", "한·일", "日韓"), for each government names itself first.
A new publisher is a new profile here and its tests.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    issuer: str
    pattern: re.Pattern
    weight: float = 5.0


def _p(regex: str) -> re.Pattern:
    return re.compile(regex, re.M)


PROFILES = [
    # Korea's foreign ministry: its pages open with Korean skip links even in English.
    Profile("Korea MOFA", "KOR", _p(r"바로가기|^Ministry of\s+Foreign Affairs,?\s+Republic of Korea")),
    # Korea's foreign ministry newsletter.
    Profile("Korea MOFA eNewsMaker", "KOR", _p(r"mofa eNewsMaker|^메인으로\s*\|")),
    # Korea's presidential office, and the Presidential Archives' copies of its sites.
    Profile(
        "Korea presidential office",
        "KOR",
        _p(r"CHEONG WA DAE|Cheong Wa Dae spokesman|대통령기록관|\bpa\.go\.kr|청와대 대변인|^▲\s*\S+\s*대변인"),
    ),
    # Japan's Prime Minister's Office.
    Profile(
        "Kantei",
        "JPN",
        _p(r"Prime Minister in Action|Cabinet Public Relations Office|首相官邸|内閣広報室|総理の動き"),
    ),
    # Japan's foreign ministry: its English readouts close the lead with "The overview (outline)
    # of the meeting is as follows", its Japanese ones with "概要以下のとおり"; its pages carry
    # 外務省's navigation and a link to the other language's page.
    Profile(
        "Japan MOFA",
        "JPN",
        _p(
            r"[Tt]he (?:overview|outline|summary)(?: of the (?:meeting|talks?|telephone (?:talks?|meeting)|summit(?: meeting)?))?"
            r" (?:(?:is|was|were) as follows|follows)|概要(?:は)?以下のとおり|^外務省|^英語版 \(English\)|^Japanese Page$"
        ),
    ),
    # The US State Department and White House.
    Profile(
        "US State Department / White House",
        "USA",
        _p(r"Office of the Spokesperson|^Statements (?:&|and) Releases$|^The White House$|^Readout of "),
    ),
    # Australia's Prime Minister: the site's banner line "Prime Minister of Australia".
    Profile("Prime Minister of Australia", "AUS", _p(r"^Prime Minister of Australia$")),
    # China's foreign ministry and its embassies and consulates.
    Profile(
        "China MFA and missions",
        "CHN",
        _p(
            r"^Home\s*>\s*(?:China News|Reports from China|News & Information)|Chinese Embassy|^Embassy Info|^About China"
        ),
    ),
]

# Japanese and Korean pair words: the first country is the publisher's own.
CJK_PAIRS = {
    "ja": [(re.compile(r"日(?:韓|中|米|露|豪)"), "JPN"), (re.compile(r"韓日"), "KOR")],
    "ko": [
        (re.compile(r"한\s*[·・]\s*(?:일|중|미)|한일(?:관계|정상|외교|간|\s*양국)|한미일|한일중"), "KOR"),
        (re.compile(r"일\s*[·・]\s*한|일한(?:관계|정상|외교|교류|양국)"), "JPN"),
    ],
    # Not 日中 inside 今日中…: a pair word begins a word.
    "zh": [(re.compile(r"(?<![今昨明本同每])中(?:日|韩|美)"), "CHN")],
}
LANGUAGE_ISSUERS = {"ja": "JPN", "ko": "KOR", "zh": "CHN"}


def publisher(text: str, language: str) -> str:
    """The government that published the page (ISO alpha-3) by its site's conventions, else by
    its language's pair words; "" for an English page no profile recognises."""
    scores: dict[str, float] = {}
    for profile in PROFILES:
        if profile.pattern.search(text):
            scores[profile.issuer] = scores.get(profile.issuer, 0) + profile.weight
    if scores:
        return max(scores.items(), key=lambda kv: kv[1])[0]
    if language in LANGUAGE_ISSUERS:
        for pattern, code in CJK_PAIRS.get(language, []):
            scores[code] = scores.get(code, 0) + len(pattern.findall(text))
        best = max(scores.items(), key=lambda kv: kv[1])
        return best[0] if best[1] else LANGUAGE_ISSUERS[language]
    return ""
