"""Whatever the text, the parser reads it or refuses it with a reason: generated input
(Hypothesis), in the scripts and shapes readouts come in."""

import json
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.readouts import UnreadableReadout, parse_readout
from meetings.readouts.gazetteer import Gazetteer

TODAY = date(2026, 12, 1)
GAZETTEER = Gazetteer(json.loads((Path(__file__).parent / "gazetteer_sample.json").read_text(encoding="utf-8")))
SOURCES = {"", "text", "page-date", "weekday-and-terms", "terms"}

# Pieces of real readouts' shapes: names in several scripts, titles, dates, numbering, noise.
PIECES = st.sampled_from(
    [
        "Minister Kono",
        "Mr. KISHIDA Fumio",
        "Moon jae-in",
        "President Obama",
        "Prime Minister Kan",
        "the President",
        "岸田外務大臣は，",
        "文在寅（ムン・ジェイン）韓国大統領と",
        "日韓外相会談を行ったところ，概要以下のとおり。",
        "문재인 대통령은",
        "아베 일본 총리와",
        "전화 통화를 가졌습니다.",
        "회담을 갖고",
        "평成",
        "平成29年9月7日",
        "令和元年",
        "2017년 8월 9일",
        "8. 7.(월)",
        "3.21.(금)",
        "9月7日(月曜日)",
        "21日",
        "On March 17,",
        "On Saturday (May 29)",
        "held a meeting with",
        "spoke by phone this morning with",
        " met with ",
        "The overview of the meeting is as follows.",
        "\n1. ",
        "\n(1) ",
        "\n(ア) ",
        "\nㅇ ",
        "\n○ ",
        "\n가. ",
        "바로가기",
        "CHEONG WA DAE",
        "Office of the Spokesperson",
        "MR. SMITH:",
        "Q:",
        "(Also present were Minister for Foreign Affairs Maehara, Ambassador Fujisaki etc.)",
        "in Seoul",
        "ソウルを訪問中の",
        "필리핀을 방문 중인",
        "\x00",
        "\ufeff",
        "’",
        "“",
        "\u3000",
        "¶",
        "%",
        "<script>",
    ]
)
NAMES = st.sampled_from(
    [
        "Minister Kono",
        "Mr. KISHIDA Fumio",
        "President Moon jae-in",
        "President Obama",
        "Prime Minister Kan",
        "Prime Minister Shinzo Abe",
        "Foreign Minister Kang Kyung-wha",
        "Mr. Taro Yamada",
        "the President",
    ]
)
DATES = st.sampled_from(
    [
        "On March 17,",
        "On Saturday (May 29),",
        "On 21 April,",
        "On February 30, 2018,",
        "On November 13, 2010,",
        "",
        "Today,",
    ]
)
VERBS = st.sampled_from(["held a meeting with", "met with", "spoke by phone this morning with", "held talks with"])
HEADERS = st.sampled_from(
    ["", "March 19, 2018\n", "CHEONG WA DAE\n", "Press Releases\n\nDate\n2018-03-17\n", "平成29年9月7日\n"]
)
# English readouts in the shape of a page: a header, a lead that says who met whom, numbered paragraphs.
ENGLISH = st.builds(
    lambda header, when, a, verb, b, body: (
        f"{header}\n{when} {a} {verb} {b} and exchanged views on relations."
        " The overview of the meeting is as follows.\n" + "".join(f"\n{i}. {line}" for i, line in enumerate(body, 1))
    ),
    HEADERS,
    DATES,
    NAMES,
    VERBS,
    NAMES,
    st.lists(st.one_of(PIECES, st.text(max_size=60)), max_size=6),
)
TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join),
    ENGLISH,
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_text_is_read_or_refused_with_a_reason(text):
    try:
        parsed = parse_readout(text, gazetteer=GAZETTEER, today=TODAY)
    except UnreadableReadout as exc:
        assert str(exc)
        return
    assert parsed.date_source in SOURCES
    assert (parsed.meeting_date is None) == (parsed.date_source == "")
    if parsed.meeting_date:
        assert parsed.meeting_date.year >= 1900
    assert parsed.language in ("en", "ja", "ko")
    assert all(p.name.strip() for p in parsed.participants)
    assert all(s.text.strip() for s in parsed.statements)
    json.dumps(parsed.as_json("generated.txt"), ensure_ascii=False)
