"""Japanese, Korean and Chinese readouts: the conventions their governments' pages share.

A page gives its title and date on lines of their own (平成29年9月7日, 2008년 4월 21일), then a
lead paragraph that says who met whom ("…河野外務大臣は，康京和（カン・ギョンファ）韓国外交部長官と
の間で日韓外相会談を行ったところ，概要以下のとおり", "강경화 외교장관은 8. 7.(월) 고노 타로 일본
외무대신과 회담을 갖고"), then numbered paragraphs ((1), (ア), 가., ○, ㅇ). People are recognised
through the gazetteer, which gives their names as the archive spells them; a Korean or Chinese
name written in 漢字 with its reading in katakana ("李京秀（イ・ギョンス）") is recorded as written.
"""

import gettext
import re
from datetime import date
from functools import cache

from . import dates
from .gazetteer import Gazetteer
from .parse import (
    ROLE_RANK,
    ParsedParticipant,
    ParsedReadout,
    ParsedStatement,
    UnreadableReadout,
    date_problems,
    level_of,
    make_title,
    resolve_people,
)
from .places import CITIES, CITIES_CJK

# What a lead says of a meeting, by language.
LEAD = {
    "ja": re.compile(
        r"会談を(?:行|実施|開催)|会談が(?:行われ|開かれ|実施され)|会談に臨|電話会談を|と会談|会談した|"
        r"テレビ会議(?:方式)?(?:で|による)|懇談を行|会見を行"
    ),
    "ko": re.compile(
        r"회담을\s*(?:갖|가졌|가지|개최|했|하)|회담했|회담이\s*열렸|회담을\s*열|"
        r"통화를\s*(?:갖|가졌|가지|하|했)|통화했|전화\s*통화|면담을\s*(?:갖|가졌|했)|회동을\s*(?:갖|가졌|했)"
    ),
    # China's foreign ministry: "王毅同日本外相林芳正通电话", "习近平会见日本首相岸田文雄", "举行会谈".
    "zh": re.compile(r"会见|会谈|通电话|通话|举行会晤|会晤|视频会议|视频通话"),
}
ATTENDEES = re.compile(r"[(（]\s*同席者|同席者\s*[:：]|배석|참석자")
# Both principals as the subject: "両外相は", "양 장관은", "双方同意" (not "双方要…", one side's advice).
JOINT = re.compile(
    r"(?:両(?:外相|首脳|大臣|者)|双方|(?<![가-힣])양\s*(?:장관|정상|측)|양측|两国外长|两国领导人)"
    r"\s?(?:は|も|が|은|는|이|가|同意|一致|认为|确认|重申|商定|一致同意)"
)
FORMATS = [
    ("video", re.compile(r"テレビ会議|ビデオ会議|オンライン(?:会議|会談|形式)|화상|视频")),
    ("telephone", re.compile(r"電話|전화|통화|电话|通话")),
]
LEVELS = [
    ("summit", re.compile(r"首脳|サミット|정상|元首|首脑|峰会")),
    ("foreign-ministers", re.compile(r"外相|外務大臣会談|외교장관|외무장관|외교부장관|外长")),
    ("vice-ministers", re.compile(r"次官(?:級)?(?:会談|協議)|차관\s*(?:회담|협의)")),
]
# Words after a place that say the meeting was there: "ソウルを訪問中", "指宿市において", "필리핀을 방문 중".
PLACE_MARK = re.compile(
    r"^[)）]?\s*(?:市|県|州|島)?\s*(?:を訪問|に訪問|訪問|出張|において|における|で開催|で行|に到着|に滞在|滞在|のホテル|市内)"
    r"|^(?:을|를|에서|에)?\s*(?:방문|에서|개최|도착|순방)"
    r"|^(?:出席|访问|举行|期间)"
)
NUMBER = re.compile(
    r"^(?P<marker>(?:\d{1,2}(?:[.．、]|\s)\s*|[(（](?:\d{1,2}|[ア-ンｱ-ﾝ]|[ㄱ-ㅎ]|[가-힣])[)）]\s*|[가-하]\.\s*|"
    r"[○〇●・•\-－ㅇ※□■◦◯]\s*)+)(?P<rest>.*)$"
)
HELD_HERE = re.compile(r"(?:今回の\S{0,6}会談|이번\s*\S{0,6}회담)[^。]*?(?:で開催|에서\s*개최)")
TITLE_END = re.compile(
    r"(?:会談|会議|電話会談|懇談|訪日|訪韓|회담|통화|회의|방일|방한)(?:\s*(?:結果|결과|개최\s*결과))?\s*(?:[(（](?:概要|要旨|개요|요지)[)）])?\s*$"
)
PHOTO = re.compile(r"^[•・*\-]|写真|사진")
KANJI_WITH_READING = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,4})\s*[(（](?P<reading>[\u30a1-\u30fa・ー]+)[)）]")


@cache
def country_names(language: str) -> dict[str, str]:
    """Country names as this language writes them (pycountry's translations of ISO 3166), with
    the short forms readouts use: "ロシア" for ロシア連邦, "ブルネイ" for ブルネイ・ダルサラーム国."""
    import pycountry

    locale = {"zh": "zh_CN"}.get(language, language)
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)
    names: dict[str, str] = {}
    for country in pycountry.countries:
        full = translation.gettext(country.name)
        if full == country.name:
            continue
        forms = {full, *re.findall(r"[(（]([^)）]+)[)）]", full)}
        short = re.split(r"\s*[(（・]", full)[0]
        forms.add(short)
        forms.add(re.sub(r"\s*(?:連邦|연방|共和国|공화국|王国|왕국|合衆国)$", "", short))
        for form in forms:
            if len(form) >= 2:
                names.setdefault(form, country.alpha_3)
    for short, code in {"ja": {"韓国": "KOR", "米国": "USA"}, "ko": {"한국": "KOR", "미국": "USA"}}.get(
        language, {}
    ).items():
        names.setdefault(short, code)
    if language == "zh":
        names.update({"韩国": "KOR", "美国": "USA", "日本": "JPN"})
    return names


def page_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_cjk(text: str, language: str, *, gazetteer: Gazetteer | None, today: date) -> ParsedReadout:
    from .profiles import publisher

    lines = page_lines(text)
    lead_index = next((i for i, line in enumerate(lines) if len(line) >= 25 and LEAD[language].search(line)), None)
    if lead_index is None:
        raise UnreadableReadout("no sentence says who met whom; this does not look like a meeting readout")
    header, lead, body = lines[:lead_index], lines[lead_index], lines[lead_index + 1 :]
    published = next((d for line in header if len(line) <= 40 and (d := dates.page_date_cjk(line))), None)
    # The page's title: the last header line that ends in what the meeting was ("日韓外相会談(概要)",
    # "이명박 대통령 방일(개요)"), not the site's menus that name the same words.
    titles = [line for line in header if TITLE_END.search(line) and not PHOTO.search(line)]
    title = titles[-1] if titles else ""
    issuer = publisher(text, language)

    lead_text = NUMBER.sub(r"\g<rest>", lead)
    # The sentence that says who met whom, without the list of those present.
    sentence = next(
        (s for s in re.split(r"(?<=[。．])|(?<=다\.)\s*", lead_text) if LEAD[language].search(s)), lead_text
    )
    sentence = ATTENDEES.split(sentence)[0]
    participants = _participants(sentence, lead_text, header, body, gazetteer)
    evidence = dates.cjk_evidence(sentence, language)
    if not evidence.day:
        evidence = dates.cjk_evidence(lead_text, language)
    meeting_date, date_source = resolve_people(
        participants, evidence, published, issuer, title + " " + sentence, gazetteer, today=today
    )
    principals = [p for p in participants if p.role == "principal"]
    about = title + " " + sentence
    level = level_of(principals, gazetteer, meeting_date) or next(
        (name for name, pattern in LEVELS if pattern.search(about)), "other"
    )
    fmt = next((name for name, pattern in FORMATS if pattern.search(about)), "in-person")
    city, country = ("", "") if fmt != "in-person" else _place(sentence, language)
    if fmt == "in-person" and not country:
        # "今回の外相会談は，…韓国で開催された初めての会談": where this meeting was held, said at once.
        held = next((m.group(0) for line in body[:3] if (m := HELD_HERE.search(line))), "")
        city, country = _place(held, language) if held else ("", "")
    statements = _statements(body, principals, gazetteer)
    problems = []
    if not principals:
        problems.append("no principals found")
    problems += date_problems(evidence, meeting_date, date_source)
    return ParsedReadout(
        issuer=issuer,
        title=title[:300],
        meeting_title=make_title(issuer, principals, level, fmt),
        meeting_date=meeting_date,
        published_date=published,
        level=level,
        format=fmt,
        city=city,
        country=country,
        occasion="",
        start_time=None,
        duration_minutes=None,
        language=language,
        translation_note="",
        participants=participants,
        statements=statements,
        topics=[],
        content_hash="",
        problems=problems,
        date_source=date_source,
        date_evidence=evidence,
    )


def _participants(
    sentence: str, lead: str, header: list[str], body: list[str], gazetteer: Gazetteer | None
) -> list[ParsedParticipant]:
    """The office holders the lead sentence names are the principals (with those of the page's
    title when it names fewer than two: "이명박 대통령 방일(개요)"); the lead's attendees and everyone
    else the page names are recorded too."""
    people: dict[str, ParsedParticipant] = {}
    rank = ROLE_RANK

    def add(hit, role: str) -> None:
        key = hit.candidates[0].slug if len(hit.candidates) == 1 else hit.text
        person = people.get(key)
        if person is None:
            people[key] = ParsedParticipant(name=hit.text, title=hit.title, role=role, hit=hit)
        elif rank[role] < rank[person.role]:
            person.role = role

    end = lead.find(sentence) + len(sentence)  # the attendees follow the sentence
    if gazetteer:
        for hit in gazetteer.find(sentence):
            add(hit, "principal")
        if sum(p.role == "principal" for p in people.values()) < 2:
            for line in header:
                if TITLE_END.search(line):
                    for hit in gazetteer.find(line):
                        add(hit, "principal")
        for hit in gazetteer.find(lead[end:]):
            add(hit, "attendee")
        for line in [*header, *body]:
            for hit in gazetteer.find(line):
                add(hit, "mentioned")
    out = list(people.values())
    # Others named in 漢字 with their katakana reading, as Japan's readouts write Koreans and Chinese.
    known = {v for p in out if p.hit for h in p.hit.candidates for names in h.names.values() for v in names}
    for m in KANJI_WITH_READING.finditer(lead):
        if m.group("name") not in known and m.group("name") not in {p.name for p in out}:
            role = "attendee" if m.start() >= end else "mentioned"
            out.append(ParsedParticipant(name=m.group("name"), role=role, variants=[m.group("reading")]))
    return out


def _place(sentence: str, language: str) -> tuple[str, str]:
    countries = country_names(language)
    city_hit = country_hit = None
    for name, english in sorted(CITIES_CJK.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), sentence):
            after = sentence[m.end() :]
            if re.match(r"[県道府省]", after):
                continue  # a prefecture or province: the city named after it is the place
            at = sentence[: m.start()].endswith(("在", "于"))  # Chinese: "在北京会见"
            if (at or PLACE_MARK.match(after)) and (city_hit is None or m.start() < city_hit[0]):
                city_hit = (m.start(), english)
    if city_hit:
        english = city_hit[1]
        return english, CITIES.get(english, "")
    for name, code in sorted(countries.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), sentence):
            if PLACE_MARK.match(sentence[m.end() :]) and (country_hit is None or m.start() < country_hit[0]):
                country_hit = (m.start(), code)
    return ("", country_hit[1]) if country_hit else ("", "")


# Who speaks: the name (and title, and reading in brackets), then the particle of the sentence's
# topic ("河野大臣から", "岸田総理は", "강 장관은"); a subject's particle (이, 가) only when no topic is
# named, for it also marks subordinate clauses ("고노 대신이 취임한 것을").
NAME_TAIL = r"\s?(?:[(（][^)）]{0,20}[)）])?\s?[^\s、，,。.「」]{0,8}?\s?"
TOPIC = "(?:から|より|は|은|는|께서|表示|说|指出|强调|介绍|称)"
SUBJECT = "(?:이|가)"


def speakers_of(holders: list, text: str) -> list:
    def named(holder, particle: str) -> bool:
        names = {
            n for ns in (*holder.names.values(), *holder.family_names.values()) for n in ns if n and not n.isascii()
        }
        # A one-character family name (강, 文) counts only where a word begins: not 강 of 강화.
        return any(
            re.search(
                ("" if len(n) > 1 else r"(?<![\u3400-\u9fff\uac00-\ud7af])") + re.escape(n) + NAME_TAIL + particle, text
            )
            for n in names
        )

    return [h for h in holders if named(h, TOPIC)] or [h for h in holders if named(h, SUBJECT)]


def _statements(
    body: list[str], principals: list[ParsedParticipant], gazetteer: Gazetteer | None
) -> list[ParsedStatement]:
    statements: list[ParsedStatement] = []
    heading = ""
    for line in body:
        m = NUMBER.match(line)
        marker, rest = (m.group("marker").strip(), m.group("rest").strip()) if m else ("", line)
        if not rest:
            continue
        if len(rest) <= 30 and not re.search(r"[。.．!?」』]$", rest):
            heading = rest  # "1 日中関係全般", "(1) 일한 관계"
            continue
        statements.append(
            ParsedStatement(position=len(statements) + 1, number=marker[:40], heading=heading[:300], text=rest)
        )
    known = {p.holder: p for p in principals if gazetteer and p.holder in gazetteer.by_slug}
    holders = [gazetteer.by_slug[slug] for slug in known] if gazetteer else []
    for s in statements:
        s.joint = bool(JOINT.search(s.text)) and len(principals) >= 2
        speaking = [known[h.slug].name for h in speakers_of(holders, s.text)]
        s.speakers = list(dict.fromkeys([*speaking, *(p.name for p in principals if s.joint)]))
    return statements
