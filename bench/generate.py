"""Write N synthetic readout files in the page styles the importer reads; deterministic for a seed.

    python bench/generate.py OUT_DIR --readouts 10000 --seed 1

Japan's ministry (current and "(Overview)" styles) and Korea's ministry, summits and foreign
ministers' meetings, in person and by telephone, 1990–2026. People hold office for a few
years each; topics follow a skewed distribution; about one meeting in six has a readout
from each government. Names are invented from common Japanese and Korean name parts.
A MANIFEST.tsv beside the files says what each one should parse to.
"""

import argparse
import calendar
import csv
import random
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

JP_FAMILY = [
    "Sato",
    "Suzuki",
    "Takahashi",
    "Tanaka",
    "Watanabe",
    "Ito",
    "Yamamoto",
    "Nakamura",
    "Kobayashi",
    "Kato",
    "Yoshida",
    "Yamada",
    "Sasaki",
    "Yamaguchi",
    "Matsumoto",
    "Inoue",
    "Kimura",
    "Hayashi",
    "Shimizu",
    "Mori",
    "Ikeda",
    "Hashimoto",
    "Ishikawa",
    "Ogawa",
    "Okada",
    "Fujita",
    "Goto",
    "Hasegawa",
    "Murakami",
    "Kondo",
]
JP_GIVEN = [
    "Hiroshi",
    "Takeshi",
    "Kenji",
    "Makoto",
    "Taro",
    "Ichiro",
    "Yoshio",
    "Masao",
    "Akira",
    "Koji",
    "Shinji",
    "Naoki",
    "Kazuo",
    "Tetsuya",
    "Hideki",
    "Yoko",
    "Keiko",
    "Noriko",
    "Satoshi",
    "Daisuke",
]
KR_FAMILY = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Han",
    "Oh",
    "Seo",
    "Shin",
    "Kwon",
    "Hwang",
    "Ahn",
    "Song",
    "Yoo",
    "Hong",
]
# About how common each family name is in the ROK, in percent (Kim one in five, Lee one in seven).
KR_FAMILY_SHARE = [21.5, 14.7, 8.4, 4.7, 4.3, 2.3, 2.1, 2.1, 2.0, 2.0, 1.5, 0.8, 0.9, 0.5, 0.7, 1.4, 0.6, 0.6, 1.2, 0.5]
KR_GIVEN = [
    "Min-su",
    "Ji-hoon",
    "Sung-min",
    "Young-ho",
    "Jae-won",
    "Dong-hyun",
    "Hyun-woo",
    "Kyung-hee",
    "Soo-jin",
    "Eun-ji",
    "Byung-se",
    "Tae-yong",
    "Jin-ho",
    "Sang-woo",
    "Hye-won",
    "Chul-soo",
    "Seung-ho",
    "Joon-young",
]

WEST_GIVEN = [
    "John",
    "David",
    "Michael",
    "Anna",
    "Maria",
    "Peter",
    "Thomas",
    "Sarah",
    "James",
    "Laura",
    "Paul",
    "Elena",
]
WEST_FAMILY = [
    "Miller",
    "Smith",
    "Brown",
    "Wilson",
    "Taylor",
    "Martin",
    "Bernard",
    "Schmidt",
    "Weber",
    "Rossi",
    "Kumar",
    "Singh",
    "Nguyen",
    "Santos",
    "Petrov",
    "Ivanova",
    "Dubois",
    "Keller",
]
CN_FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang"]
CN_GIVEN = ["Wei", "Jian", "Ming", "Hua", "Lei", "Qiang", "Yan", "Jun"]
# Counterparts of Japan and the ROK: code, country as titles say it, head of government's title, weight.
COUNTERPARTS = [
    ("USA", "the United States", "President", 10),
    ("CHN", "the People's Republic of China", "Premier", 8),
    ("AUS", "Australia", "Prime Minister", 4),
    ("IND", "India", "Prime Minister", 4),
    ("GBR", "the United Kingdom", "Prime Minister", 3),
    ("FRA", "France", "President", 3),
    ("DEU", "Germany", "Chancellor", 3),
    ("RUS", "the Russian Federation", "President", 3),
    ("IDN", "Indonesia", "President", 3),
    ("VNM", "Viet Nam", "Prime Minister", 3),
    ("PHL", "the Philippines", "President", 2),
    ("CAN", "Canada", "Prime Minister", 2),
]

CITIES = {"JPN": ["Tokyo", "Osaka", "Kyoto", "Fukuoka", "Hiroshima"], "KOR": ["Seoul", "Busan", "Jeju", "Gyeongju"]}
MULTILATERAL = [
    ("New York", "the United States", "the United Nations General Assembly"),
    ("Hanoi", "Viet Nam", "the ASEAN-related Foreign Ministers' Meetings"),
    ("Jakarta", "Indonesia", "the ASEAN-related Foreign Ministers' Meetings"),
    ("Munich", "Germany", "the Munich Security Conference"),
    ("Vladivostok", "the Russian Federation", "the Eastern Economic Forum"),
    ("Hamburg", "the Federal Republic of Germany", "the G20 Summit"),
    ("Bangkok", "Thailand", "the APEC Economic Leaders' Meeting"),
    ("Beijing", "China", "the Japan-China-ROK Trilateral Summit"),
]

# Topic paragraphs: {a} is the speaker's reference ("Minister Sato"), {b} the counterpart's.
TOPICS = [
    (
        "north-korea",
        30,
        [
            "{a} stated that North Korea's nuclear and ballistic missile programs are a grave threat to the region, and that Japan and the ROK will continue to cooperate closely.",
            "The two {role} confirmed that they will cooperate toward the complete denuclearization of North Korea in accordance with the relevant United Nations Security Council resolutions.",
            "{a} condemned the recent missile launch by North Korea and requested continued close coordination among Japan, the ROK and the United States.",
        ],
    ),
    (
        "abductions",
        12,
        [
            "{a} requested the understanding and cooperation of the ROK toward the early resolution of the abductions issue, and {b} expressed support.",
            "The two {role} shared the view that they will continue to cooperate on humanitarian issues, including the abductions issue and separated families.",
        ],
    ),
    (
        "history",
        10,
        [
            "{a} explained the position of the Government on issues of history, and {b} stressed the importance of squarely facing the past.",
            "With regard to the comfort women issue, {a} stated that both sides should steadily implement the agreement.",
            "{a} raised the issue of the former civilian workers from the Korean Peninsula and explained Japan's consistent position.",
        ],
    ),
    (
        "takeshima",
        4,
        [
            "{a} conveyed Japan's position on Takeshima, and {b} explained the position of the ROK on Dokdo.",
        ],
    ),
    (
        "economy",
        14,
        [
            "The two {role} welcomed the growth of bilateral trade and investment and agreed to promote economic cooperation, including supply chains and energy.",
            "{a} expressed hope for progress toward an Economic Partnership Agreement, and {b} agreed to continue consultations.",
        ],
    ),
    (
        "exchanges",
        12,
        [
            "{a} noted that people-to-people exchanges, including youth exchanges and tourism, form the foundation of the relationship.",
            "The two {role} agreed to expand cultural and youth exchanges in light of the anniversary of the normalization of relations.",
        ],
    ),
    (
        "security",
        8,
        [
            "{a} stated that security cooperation between Japan and the ROK, and among Japan, the ROK and the United States, is essential.",
        ],
    ),
    (
        "trilateral",
        6,
        [
            "The two {role} agreed to work together toward the success of the Japan-China-ROK trilateral summit.",
        ],
    ),
    (
        "disaster",
        3,
        [
            "{a} extended condolences for the victims of the recent earthquake, and {b} expressed gratitude for the sympathy.",
        ],
    ),
    (
        "rare",
        1,
        [
            "{a} mentioned the joint survey of the migratory cranes of the Cheorwon basin and the Izumi plain.",
            "{b} raised the preservation of the Tsushima strait lighthouse archives.",
        ],
    ),
]


@dataclass
class Person:
    given: str
    family: str
    country: str

    @property
    def name(self) -> str:
        if self.country in ("KOR", "CHN"):
            return f"{self.family} {self.given}"
        return f"{self.given} {self.family}"


class Roster:
    """Who held which office in which year: a new holder every one to four years."""

    def __init__(self, rng: random.Random):
        self.terms: dict[tuple[str, str], list[tuple[int, Person]]] = {}
        pools = {"JPN": (JP_GIVEN, JP_FAMILY), "KOR": (KR_GIVEN, KR_FAMILY), "CHN": (CN_GIVEN, CN_FAMILY)}
        for country in ["JPN", "KOR", *(c[0] for c in COUNTERPARTS)]:
            given, family = pools.get(country, (WEST_GIVEN, WEST_FAMILY))
            for office in ("leader", "fm"):
                year, terms = 1990, []
                while year <= 2026:
                    surname = rng.choices(family, KR_FAMILY_SHARE)[0] if country == "KOR" else rng.choice(family)
                    person = Person(rng.choice(given), surname, country)
                    terms.append((year, person))
                    year += rng.choice([1, 2, 2, 3, 4])
                self.terms[(country, office)] = terms

    def holder(self, country: str, office: str, year: int) -> Person:
        current = None
        for start, person in self.terms[(country, office)]:
            if start <= year:
                current = person
        return current


@dataclass
class Meeting:
    day: date
    level: str  # summit, foreign-ministers
    format: str  # in-person, telephone
    jp: Person
    kr: Person
    city: str
    country_phrase: str
    occasion: str
    paragraphs: list[tuple[str, str]]  # (topic, template)
    start: str
    minutes: int
    other: str = "KOR"  # the counterpart's country; the `kr` person is theirs
    other_country: str = "the Republic of Korea (ROK)"
    other_head: str = "President"


def make_meeting(rng: random.Random, roster: Roster, used: set) -> Meeting:
    level = "summit" if rng.random() < 0.35 else "foreign-ministers"
    while True:  # one meeting a day with a country at a level: another country when its days run out
        if rng.random() < 0.3:
            other, other_country, head = "KOR", "the Republic of Korea (ROK)", "President"
        else:
            other, other_country, head, _ = rng.choices(COUNTERPARTS, weights=[c[3] for c in COUNTERPARTS])[0]
        for _ in range(30):
            year = rng.randint(1990, 2026)
            month = rng.randint(1, 12)
            day = date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))
            if (day, other, level) not in used:
                used.add((day, other, level))
                break
        else:
            continue
        break
    office = "leader" if level == "summit" else "fm"
    fmt = "telephone" if rng.random() < 0.25 else "in-person"
    city = country_phrase = occasion = ""
    if fmt == "in-person":
        if rng.random() < 0.4:
            city, country_phrase, occasion = rng.choice(MULTILATERAL)
        else:
            host = rng.choice(["JPN", "KOR"])
            city = rng.choice(CITIES[host])
            country_phrase = "Japan" if host == "JPN" else "the Republic of Korea"
    weights = [w for _, w, _ in TOPICS]
    count = max(2, min(12, int(rng.gauss(5, 2.5))))
    paragraphs = []
    for _ in range(count):
        topic, _, templates = rng.choices(TOPICS, weights=weights)[0]
        paragraphs.append((topic, rng.choice(templates)))
    hour, minute = rng.randint(8, 20), rng.choice([0, 5, 15, 30, 40, 45])
    meridiem = "a.m." if hour < 12 else "p.m."
    start = f"{(hour - 1) % 12 + 1}:{minute:02d} {meridiem}"
    return Meeting(
        day,
        level,
        fmt,
        roster.holder("JPN", office, year),
        roster.holder(other, office, year),
        city,
        country_phrase,
        occasion,
        paragraphs,
        start,
        rng.choice([10, 20, 30, 45, 50, 60, 90]),
        other,
        other_country,
        head,
    )


def _titles(m: Meeting) -> tuple[str, str, str, str]:
    """Japan's and the counterpart's titles, in full and as the paragraphs name them."""
    if m.level == "summit":
        return "Prime Minister", f"{m.other_head} of {m.other_country}", "Prime Minister", m.other_head
    return (
        "Minister for Foreign Affairs",
        f"Minister of Foreign Affairs of {m.other_country}",
        "Minister",
        "Minister",
    )


def _relations(m: Meeting) -> str:
    """The counterpart as the ministry's pages of a country's relations name it: "Republic of Korea"."""
    return re.sub(r"^the |\s*\(.*\)$", "", m.other_country)


def _body(m: Meeting, rng: random.Random, jp_first: bool) -> list[str]:
    _, _, jp_ref_title, kr_ref_title = _titles(m)
    jp_ref, kr_ref = f"{jp_ref_title} {m.jp.family}", f"{kr_ref_title} {m.kr.family}"
    role = "leaders" if m.level == "summit" else "ministers"
    out = []
    for _, template in m.paragraphs:
        a, b = (jp_ref, kr_ref) if (rng.random() < 0.6) == jp_first else (kr_ref, jp_ref)
        out.append(template.format(a=a, b=b, role=role))
    return out


def _month_day(d: date) -> str:
    return f"{d:%B} {d.day}"


def japan_current(m: Meeting, rng: random.Random) -> str:
    jp_title, kr_title, _, _ = _titles(m)
    other = _relations(m)
    if m.format == "telephone":
        kind = "telephone talk"
    elif m.level == "summit":
        kind = "Japan-Republic of Korea (ROK) Summit Meeting" if m.other == "KOR" else f"Japan-{other} Summit Meeting"
    else:
        kind = f"Japan-{'ROK' if m.other == 'KOR' else other} Foreign Ministers' Meeting"
    where = ""
    if m.city:
        where = f", who was visiting {m.city}, {m.country_phrase}" + (f", to attend {m.occasion}" if m.occasion else "")
    lead = (
        f"On {_month_day(m.day)}, commencing at around {m.start} for approximately {m.minutes} minutes, "
        f"Mr. {m.jp.name}, {jp_title}{where}, held a {kind} with H.E. Mr. {m.kr.name}, {kr_title}. "
        "The overview of the meeting is as follows."
    )
    relations = f"Japan-{_relations(m)} Relations"
    lines = [relations, "", f"{m.day:%B} {m.day.day}, {m.day.year}", "", lead, ""]
    lines += [f"  {i}. {p}" for i, p in enumerate(_body(m, rng, True), start=1)]
    lines += ["", f"Back to {relations}"]
    return "\n".join(lines)


def japan_overview(m: Meeting, rng: random.Random) -> str:
    jp_title, kr_title, _, _ = _titles(m)
    published = date.fromordinal(m.day.toordinal() + rng.randint(1, 20))
    kind = "Summit Meeting" if m.level == "summit" else "Foreign Ministers' Meeting"
    place = f" in {m.city}, {m.country_phrase.replace('the ', '', 1)}," if m.city else ""
    verb = "held telephone talks" if m.format == "telephone" else "held talks"
    lead = (
        f"{jp_title} {m.jp.name} {verb} with Mr. {m.kr.name}, {kr_title}{place} on {_month_day(m.day)}. "
        "The following is an overview of the meeting."
    )
    body = _body(m, rng, True)
    half = max(1, len(body) // 2)
    lines = [
        f"Japan-ROK {kind} (Overview)",
        "",
        f"({published:%B} {published.day}, {published.year})",
        "",
        lead,
        "",
        "1. Bilateral Relations",
        "",
    ]
    lines += [f"  {i}. ({i}) {p}" for i, p in enumerate(body[:half], start=1)]
    if body[half:]:
        lines += ["", "2. Regional Issues", ""]
        lines += [f"  {i}. ({i}) {p}" for i, p in enumerate(body[half:], start=1)]
    lines += ["", "Back to Index"]
    return "\n".join(lines)


def korea_ministry(m: Meeting, rng: random.Random) -> str:
    pronoun = rng.choice(["his", "her"])
    if m.level == "summit":
        subject, other = f"President {m.kr.name}", f"Japanese Prime Minister {m.jp.name}"
        title = "President Holds Summit with Japanese Prime Minister"
    else:
        subject, other = f"Foreign Minister {m.kr.name}", f"{pronoun} Japanese counterpart {m.jp.name}"
        title = f"Foreign Minister Meets with {pronoun} Japanese Counterpart"
    verb = "had a telephone conversation with" if m.format == "telephone" else "met with"
    if m.format == "telephone":
        title = title.replace("Meets with", "Holds Telephone Conversation with").replace(
            "Holds Summit with", "Holds Telephone Talks with"
        )
    where = f" in {m.city}" if m.city else ""
    occasion = f"On the sidelines of {m.occasion}, " if m.occasion else ""
    first = f"1. {occasion}{subject} {verb} {other}{where} on {_month_day(m.day)} and exchanged views on matters of mutual concern."
    lines = [
        "바로가기 메뉴",
        "본문 바로가기",
        "주메뉴 바로가기",
        "검색창 열기",
        "KOR",
        "",
        "Press Releases",
        "",
        title,
        "",
        "Date",
        f"{m.day:%Y-%m-%d}",
        "hit",
        str(rng.randint(100, 5000)),
        "",
        first,
        "",
    ]
    n = 2
    for p in _body(m, rng, False):
        if rng.random() < 0.3 and n > 2:
            lines += [f"° {p}", ""]
        else:
            lines += [f"{n}. {p}", ""]
            n += 1
    lines += ["", "* unofficial translation"]
    return "\n".join(lines)


def truth(m: Meeting, issuer: str) -> dict:
    city = m.city
    return {
        "issuer": issuer,
        "meeting_date": m.day.isoformat(),
        "level": m.level,
        "format": m.format,
        "city": city,
        "principals": ";".join([m.jp.name, m.kr.name]),
    }


def generate(out: Path, readouts: int, seed: int) -> int:
    rng = random.Random(seed)
    roster = Roster(rng)
    out.mkdir(parents=True, exist_ok=True)
    rows, written, index, used = [], 0, 0, set()
    while written < readouts:
        m = make_meeting(rng, roster, used)
        if m.other != "KOR":
            issuers = ["JPN"]
        elif rng.random() < 0.4 and written + 1 < readouts:
            issuers = ["JPN", "KOR"]
        else:
            issuers = [rng.choice(["JPN", "KOR"])]
        for issuer in issuers:
            if issuer == "KOR":
                text = korea_ministry(m, rng)
            elif m.day.year <= 2012 and rng.random() < 0.5 and m.other == "KOR":
                text = japan_overview(m, rng)
            else:
                text = japan_current(m, rng)
            name = f"{index:06d}_{issuer.lower()}_{m.day:%Y%m%d}.txt"
            (out / name).write_text(text, encoding="utf-8")
            rows.append({"file": name, **truth(m, issuer)})
            written += 1
            index += 1
    with (out / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--readouts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = generate(args.out, args.readouts, args.seed)
    print(f"wrote {count} readouts to {args.out}")  # noqa: T201 - a script's output


if __name__ == "__main__":
    main()
