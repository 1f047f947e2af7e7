"""The gazetteer of office holders, the dates settled from evidence, the publishers' profiles,
and Japanese and Korean readouts: short texts written for the tests."""

import json
from datetime import date
from pathlib import Path

import pytest

from meetings.readouts import UnreadableReadout, parse_readout
from meetings.readouts.dates import DateEvidence, cjk_evidence, page_date_cjk, settle
from meetings.readouts.gazetteer import Gazetteer
from meetings.readouts.profiles import publisher

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer(json.loads((Path(__file__).parent / "gazetteer_sample.json").read_text(encoding="utf-8")))


def who(gazetteer, text, on=None):
    return [(h.text, getattr(h.holder(on), "slug", None)) for h in gazetteer.find(text)]


def test_names_in_any_spelling_are_one_person(gazetteer):
    assert who(gazetteer, "Moon jae-in met MOON Jae In and Kōno Tarō") == [
        ("Moon jae-in", "moon-jae-in"),
        ("MOON Jae In", "moon-jae-in"),
        ("Kōno Tarō", "taro-kono"),
    ]


def test_a_family_name_with_a_title_is_the_holder_on_the_date(gazetteer):
    assert who(gazetteer, "Minister Kono said", date(2018, 1, 5)) == [("Kono", "taro-kono")]
    assert who(gazetteer, "Minister Kono said", date(2000, 1, 5)) == [("Kono", "yohei-kono")]
    assert who(gazetteer, "Minister Kono said") == [("Kono", None)]


def test_japanese_and_korean_names_and_titles(gazetteer):
    on = date(2015, 3, 21)
    assert who(gazetteer, "岸田外務大臣は，", on) == [("岸田", "fumio-kishida")]
    assert who(gazetteer, "문재인 대통령과 아베 일본 총리는", date(2018, 4, 1)) == [
        ("문재인", "moon-jae-in"),
        ("아베", "shinzo-abe"),
    ]


def test_one_character_inside_a_word_is_not_a_family_name(gazetteer):
    assert who(gazetteer, "日韓外相会談") == []


def test_a_title_the_person_never_held_does_not_name_them(gazetteer):
    # 문 + 장관: Moon Jae-in was never a minister.
    assert who(gazetteer, "문 장관은") == []


def test_a_name_after_its_holders_term_is_not_given_that_office(gazetteer):
    kono = gazetteer.by_slug["taro-kono"]
    assert kono.office_on(date(2018, 1, 1)).title == "Minister for Foreign Affairs"
    assert kono.office_on(date(2020, 1, 1)) is None


def test_years_that_fit_the_terms(gazetteer):
    kan, obama = gazetteer.by_slug["naoto-kan"], gazetteer.by_slug["barack-obama"]
    moon, abe = gazetteer.by_slug["moon-jae-in"], gazetteer.by_slug["shinzo-abe"]
    assert gazetteer.years_fitting([kan, obama], 11, 13, until=TODAY) == [2010]
    assert gazetteer.years_fitting([moon, abe], 4, 24, until=TODAY) == [2018, 2019, 2020]
    assert gazetteer.years_fitting([moon, abe], 4, 24, 1, until=TODAY) == [2018]  # a Tuesday


def test_settle_from_the_text(gazetteer):
    assert settle(DateEvidence(2017, 9, 7), None, [], gazetteer, today=TODAY) == (date(2017, 9, 7), "text")


def test_settle_from_the_page_date():
    assert settle(DateEvidence(None, 9, 7), date(2017, 9, 8), [], None, today=TODAY) == (date(2017, 9, 7), "page-date")
    # A January page of a December meeting.
    assert settle(DateEvidence(None, 12, 28), date(2018, 1, 5), [], None, today=TODAY) == (
        date(2017, 12, 28),
        "page-date",
    )
    # Tokyo's May 24 is Washington's May 23: a day after the page is the same year.
    assert settle(DateEvidence(None, 5, 24), date(2018, 5, 23), [], None, today=TODAY) == (
        date(2018, 5, 24),
        "page-date",
    )
    # A day alone takes the page's month.
    assert settle(DateEvidence(None, None, 21), date(2015, 3, 23), [], None, today=TODAY) == (
        date(2015, 3, 21),
        "page-date",
    )


def test_settle_from_the_weekday_and_the_terms(gazetteer):
    moon, abe = gazetteer.by_slug["moon-jae-in"], gazetteer.by_slug["shinzo-abe"]
    assert settle(DateEvidence(None, 4, 24, 1), None, [moon, abe], gazetteer, today=TODAY) == (
        date(2018, 4, 24),
        "weekday-and-terms",
    )


def test_settle_from_the_terms_alone(gazetteer):
    kan, obama = gazetteer.by_slug["naoto-kan"], gazetteer.by_slug["barack-obama"]
    assert settle(DateEvidence(None, 11, 13), None, [kan, obama], gazetteer, today=TODAY) == (
        date(2010, 11, 13),
        "terms",
    )


def test_no_evidence_no_date(gazetteer):
    moon, abe = gazetteer.by_slug["moon-jae-in"], gazetteer.by_slug["shinzo-abe"]
    assert settle(DateEvidence(None, 4, 24), None, [moon, abe], gazetteer, today=TODAY) == (None, "")
    assert settle(DateEvidence(today=True), None, [moon, abe], gazetteer, today=TODAY) == (None, "")
    assert settle(DateEvidence(earlier=True), date(2018, 1, 1), [], gazetteer, today=TODAY) == (None, "")


def test_japanese_and_korean_dates():
    assert page_date_cjk("平成29年9月15日") == date(2017, 9, 15)
    assert page_date_cjk("令和元年5月1日") == date(2019, 5, 1)
    assert page_date_cjk("2017年9月15日") == date(2017, 9, 15)
    assert page_date_cjk("[제540호]2017년 8월 9일") == date(2017, 8, 9)
    assert cjk_evidence("3.21.(금) 회담을 가졌다", "ko") == DateEvidence(None, 3, 21, 4)
    assert cjk_evidence("7月1日(月曜日)16時25分から", "ja") == DateEvidence(None, 7, 1, 0)
    assert cjk_evidence("오늘 오후 통화를 가졌다", "ko") == DateEvidence(today=True)


@pytest.mark.parametrize(
    ("text", "language", "issuer"),
    [
        ("바로가기 메뉴\nPress Releases\nOutcome of ROK-Japan Meeting", "en", "KOR"),
        ("CHEONG WA DAE\nPresident Lee met ...", "en", "KOR"),
        ("Photo: Cabinet Public Relations Office\nThe Prime Minister met", "en", "JPN"),
        ("On May 3, X met Y. The overview of the meeting is as follows.", "en", "JPN"),
        ("Office of the Spokesperson\nThe below is attributable to", "en", "USA"),
        ("Home > China News\nWang Yi Meets with", "en", "CHN"),
        ("일한관계\n일한정상회담", "ko", "JPN"),
        ("한·일 외교장관회담 개최 결과", "ko", "KOR"),
        ("日韓外相会談", "ja", "JPN"),
        ("A page of no known publisher", "en", ""),
    ],
)
def test_who_published_the_page(text, language, issuer):
    assert publisher(text, language) == issuer


JA_READOUT = """大韓民国
日韓外相会談
平成29年9月7日
9月7日午前8時頃(現地時間)から約50分間、ロシア(ウラジオストク)訪問中の河野外務大臣は、康京和韓国外交部長官との間で日韓外相会談を行ったところ、概要以下のとおり。
1 両外相は、北朝鮮をめぐる情勢について、緊密に連携していくことを確認した。
2 河野大臣から、日韓関係を未来志向で進めていきたい旨を述べた。
"""

KO_READOUT = """한·일 정상 통화 결과
2018년 4월 25일
문재인 대통령은 4월 24일 오후 아베 신조 일본 총리와 전화 통화를 가졌습니다.
ㅇ 양 정상은 한반도 비핵화를 위해 긴밀히 협력하기로 하였습니다.
"""


def test_a_japanese_readout(gazetteer):
    parsed = parse_readout(JA_READOUT, gazetteer=gazetteer, today=TODAY)
    assert (parsed.issuer, parsed.language, parsed.meeting_date, parsed.date_source) == (
        "JPN",
        "ja",
        date(2017, 9, 7),
        "page-date",
    )
    assert (parsed.level, parsed.format, parsed.city, parsed.country) == (
        "foreign-ministers",
        "in-person",
        "Vladivostok",
        "RUS",
    )
    assert [p.name for p in parsed.principals] == ["Taro Kono", "Kang Kyung-wha"]
    assert [(s.number, s.joint) for s in parsed.statements] == [("1", True), ("2", False)]
    assert parsed.statements[1].speakers == ["Taro Kono"]


def test_a_korean_readout(gazetteer):
    parsed = parse_readout(KO_READOUT, gazetteer=gazetteer, today=TODAY)
    assert (parsed.issuer, parsed.meeting_date, parsed.level, parsed.format) == (
        "KOR",
        date(2018, 4, 24),
        "summit",
        "telephone",
    )
    assert sorted(p.name for p in parsed.principals) == ["Moon Jae-in", "Shinzo Abe"]
    assert parsed.statements[0].joint


def test_an_english_readout_without_a_year_is_dated_by_the_terms(gazetteer):
    text = (
        "Japan-U.S. Summit Meeting\n"
        "Prime Minister Kan held a Japan-U.S. summit meeting with President Obama for approximately 60 minutes "
        "beginning at 10:30 A.M. on November 13. The outline of the meeting follows.\n"
        "1. Prime Minister Kan stated that he was pleased.\n"
    )
    parsed = parse_readout(text, gazetteer=gazetteer, today=TODAY)
    assert (parsed.issuer, parsed.meeting_date, parsed.date_source, parsed.level) == (
        "JPN",
        date(2010, 11, 13),
        "terms",
        "summit",
    )
    assert sorted(p.name for p in parsed.principals) == ["Barack Obama", "Naoto Kan"]


def test_a_readout_with_no_evidence_of_its_year_is_read_with_its_date_unknown(gazetteer):
    text = (
        "President Moon Jae-in spoke by phone this morning with Prime Minister Shinzo Abe of Japan about the "
        "situation on the Korean Peninsula.\n"
    )
    parsed = parse_readout(text, gazetteer=gazetteer, today=TODAY)
    assert (parsed.meeting_date, parsed.date_source) == (None, "")
    assert "no meeting date: nothing in the readout or the gazetteer settles the year" in parsed.problems


def test_a_briefing_transcript_is_refused():
    text = (
        "Press Briefing on the Visit\n"
        "MR. SMITH:  Thanks, everybody. The President will hold a meeting with the Prime Minister tomorrow.\n"
        "MR. JONES:  Thank you, Ben.\n"
    )
    with pytest.raises(UnreadableReadout, match="transcript"):
        parse_readout(text)


def test_the_speaker_of_a_korean_paragraph_is_its_topic_not_a_subordinate_subject(gazetteer):
    text = (
        "한·일 외교장관회담 결과\n2017년 8월 9일\n"
        "강경화 외교장관은 8. 7.(월) 고노 타로 일본 외무대신과 회담을 갖고 의견을 교환하였습니다.\n"
        "ㅇ 강 장관은 고노 대신이 외무대신에 취임한 것을 축하하였습니다.\n"
        "ㅇ 고노 대신이 방일을 기대한다고 하였습니다.\n"
    )
    parsed = parse_readout(text, gazetteer=gazetteer, today=TODAY)
    assert [s.speakers for s in parsed.statements] == [["Kang Kyung-wha"], ["Taro Kono"]]
    assert parsed.meeting_date == date(2017, 8, 7)


def test_the_president_a_korean_presidential_readout_leaves_unnamed_is_the_president_of_that_day(gazetteer):
    text = (
        "CHEONG WA DAE\n\nApril 24, 2018\n\n"
        "The President and Japanese Prime Minister Shinzo Abe held a summit telephone conversation on April 24 "
        "and discussed the upcoming inter-Korean summit.\n\n1. The two leaders agreed to cooperate closely.\n"
    )
    parsed = parse_readout(text, gazetteer=gazetteer, today=TODAY)
    assert (parsed.issuer, parsed.level, parsed.format) == ("KOR", "summit", "telephone")
    assert sorted((p.name, p.title, p.country) for p in parsed.principals) == [
        ("Moon Jae-in", "President", "KOR"),
        ("Shinzo Abe", "Prime Minister", "JPN"),
    ]


def test_kishida_as_foreign_minister_in_2015(gazetteer):
    [hit] = gazetteer.find("岸田外務大臣は")
    holder = hit.holder(date(2015, 3, 21))
    assert (holder.name, holder.office_on(date(2015, 3, 21)).title) == ("Fumio Kishida", "Minister for Foreign Affairs")


@pytest.fixture(scope="module")
def the_gazetteer():
    """The project's own gazetteer, from its fixture."""
    data = {"offices": [], "people": []}
    for path in sorted((Path(__file__).resolve().parents[2] / "fixtures" / "gazetteer").glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        data["offices"] += part["offices"]
        data["people"] += part["people"]
    return Gazetteer(data)


def test_a_trilateral_has_three_principals(the_gazetteer):
    text = (
        "Japan-U.S.-ROK Summit (Summary)\n\nAugust 19, 2023\n\n"
        "On August 18, Mr. KISHIDA Fumio, Prime Minister of Japan, held a Japan-U.S.-ROK Summit with the Honorable "
        "Joseph R. Biden, Jr., President of the United States of America and H.E. Mr. YOON Suk Yeol, President of "
        "the Republic of Korea (ROK). The overview of the meeting is as follows.\n\n1. The three leaders met.\n"
    )
    parsed = parse_readout(text, gazetteer=the_gazetteer, today=TODAY)
    assert [(p.name, p.holder) for p in parsed.principals] == [
        ("Fumio Kishida", "fumio-kishida"),
        ("Joseph R. Biden Jr", "joseph-r-biden-jr"),
        ("Yoon Suk Yeol", "yoon-suk-yeol"),
    ]
    assert parsed.level == "summit"


def test_japanese_and_korean_statements_are_tagged_with_topics():
    from meetings.readouts import compile_vocabulary, tag_topics

    vocabulary = compile_vocabulary({"abductions": ["abduction", "拉致", "납치"], "united-nations": ["UN", "国連"]})
    assert tag_topics("河野大臣から拉致問題の解決に向けた協力を要請した。", vocabulary) == ["abductions"]
    assert tag_topics("납치 문제", vocabulary) == ["abductions"]
    assert tag_topics("国連安保理で", vocabulary) == ["united-nations"]
    assert tag_topics("UNESCO", vocabulary) == []


def test_a_chinese_readout(the_gazetteer):
    text = (
        "秦刚会见日本外相林芳正\n2023年4月2日\n"
        "2023年4月2日，国务委员兼外长秦刚在北京会见日本外相林芳正。\n"
        "秦刚表示，中日互为近邻，双方要妥善处理分歧。\n"
        "双方同意保持沟通。\n"
    )
    parsed = parse_readout(text, gazetteer=the_gazetteer, today=TODAY)
    assert (parsed.issuer, parsed.language, parsed.meeting_date, parsed.date_source) == (
        "CHN",
        "zh",
        date(2023, 4, 2),
        "text",
    )
    assert (parsed.level, parsed.format, parsed.city, parsed.country) == (
        "foreign-ministers",
        "in-person",
        "Beijing",
        "CHN",
    )
    assert [p.name for p in parsed.principals] == ["Qin Gang", "Yoshimasa Hayashi"]
    assert [(s.speakers, s.joint) for s in parsed.statements] == [
        (["Qin Gang"], False),
        (["Qin Gang", "Yoshimasa Hayashi"], True),
    ]


def test_the_issuer_is_the_side_a_readout_leaves_unqualified(the_gazetteer):
    text = (
        "President Yoon Suk Yeol held a summit with Prime Minister Kishida Fumio of Japan at the Prime Minister's "
        "Office in Tokyo on March 16 and discussed ways to restore bilateral ties.\n"
    )
    parsed = parse_readout(text, gazetteer=the_gazetteer, today=TODAY)
    assert (parsed.issuer, parsed.city, parsed.meeting_date) == ("KOR", "Tokyo", None)  # 2023 and 2024 both fit
    assert [p.name for p in parsed.principals] == ["Yoon Suk Yeol", "Fumio Kishida"]


def test_an_australian_prime_ministers_readout_in_the_first_person(the_gazetteer):
    text = (
        "Meeting with Prime Minister of Japan\n9 September 2023\nPrime Minister of Australia\n"
        "Today I met with Prime Minister Kishida Fumio of Japan on the margins of the ASEAN-related summits in "
        "Jakarta. We discussed our special strategic partnership.\n"
    )
    parsed = parse_readout(text, gazetteer=the_gazetteer, today=TODAY)
    assert (parsed.issuer, parsed.meeting_date, parsed.level) == ("AUS", date(2023, 9, 9), "summit")
    assert [p.name for p in parsed.principals] == ["Anthony Albanese", "Fumio Kishida"]


def test_page_dates_across_a_new_year():
    # A page of 31 December, Tokyo time, of a meeting on 1 January there: a day of time zones.
    assert settle(DateEvidence(None, 1, 1), date(2017, 12, 31), [], None, today=TODAY) == (
        date(2018, 1, 1),
        "page-date",
    )
    # A day alone on a January page, after the page's day: the December before.
    assert settle(DateEvidence(None, None, 28), date(2018, 1, 5), [], None, today=TODAY) == (
        date(2017, 12, 28),
        "page-date",
    )


def test_a_weekday_that_fits_no_year_settles_nothing(gazetteer):
    moon, abe = gazetteer.by_slug["moon-jae-in"], gazetteer.by_slug["shinzo-abe"]
    # 24 April was a Monday in none of 2018, 2019, 2020.
    assert settle(DateEvidence(None, 4, 24, 0), None, [moon, abe], gazetteer, today=TODAY) == (None, "")


def test_a_lead_that_begins_like_a_byline_is_still_read(gazetteer):
    text = (
        "The below is attributable to Spokesperson Ned Price: Secretary Blinken met with Foreign Minister "
        "Hayashi Yoshimasa of Japan today in Tokyo to discuss many things together."
    )
    parsed = parse_readout(text, gazetteer=gazetteer, today=TODAY)
    assert parsed.statements[0].text.startswith("The below is attributable")


def test_long_runs_of_spaces_are_read_at_once(gazetteer):
    import time

    text = (
        "On May 3, 2018, Minister Kono met Foreign Minister Kang Kyung-wha (attended by Ambassador Nagamine"
        + " " * 5000
        + "x). The overview is as follows.\n"
        + "Moon"
        + " " * 5000
        + "! "
    )
    started = time.perf_counter()
    parse_readout(text, gazetteer=gazetteer, today=TODAY)
    assert time.perf_counter() - started < 2  # seconds; cubic backtracking took minutes
