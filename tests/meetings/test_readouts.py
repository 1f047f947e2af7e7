"""The parser, on the seed readouts and on plain strings."""

from datetime import date, time

import pytest

from meetings.readouts import UnreadableReadout, name_key, parse_readout
from tests.conftest import seed_text


def people(parsed, role):
    return [(p.name, p.title, p.country) for p in parsed.participants if p.role == role]


def test_seed_2018_current_japanese_style():
    r = parse_readout(seed_text("000"))
    assert (r.issuer, r.meeting_date, r.level, r.format) == ("JPN", date(2018, 3, 17), "foreign-ministers", "in-person")
    assert (r.city, r.country) == ("", "")
    assert (r.start_time, r.duration_minutes) == (time(9, 30), 45)
    assert people(r, "principal") == [
        ("Taro Kono", "Minister for Foreign Affairs", "JPN"),
        ("Kang Kyung-wha", "Minister of Foreign Affairs of the Republic of Korea (ROK)", "KOR"),
    ]
    assert people(r, "mentioned") == [("Seo Hoon", "Director of the National Intelligence Service of the ROK", "KOR")]
    assert [s.number for s in r.statements] == ["", "1", "2", "3", "4"]
    assert r.statements[1].speakers == ["Taro Kono"]
    assert r.statements[3].speakers == ["Taro Kono", "Kang Kyung-wha"] and r.statements[3].joint


def test_seed_2016_new_york_with_attendees():
    r = parse_readout(seed_text("001"))
    assert (r.meeting_date, r.city, r.country) == (date(2016, 9, 18), "New York", "USA")
    assert r.occasion == "during his visit to New York"
    assert [p[0] for p in people(r, "principal")] == ["Fumio Kishida", "Yun Byung-se"]
    assert people(r, "attendee") == [
        ("Koro Bessho", "Permanent Representative of Japan to the United Nations (UN)", "JPN"),
        ("Kenji Kanasugi", "Director-General of the Asian and Oceanian Affairs Bureau", "JPN"),
        ("Oh Joon", "Permanent Representative of the ROK to the UN", "KOR"),
        (
            "Kim Hong-kyun",
            "Special Representative for Korean Peninsula Peace and Security Affairs of the Ministry of Foreign Affairs",
            "KOR",
        ),
    ]
    assert [s.number for s in r.statements] == ["", "1", "2"]
    assert r.statements[1].speakers == ["Fumio Kishida", "Yun Byung-se"]


def test_seed_2017_korean_ministry_page():
    r = parse_readout(seed_text("002"))
    assert (r.issuer, r.meeting_date, r.published_date) == ("KOR", date(2017, 12, 19), date(2017, 12, 19))
    assert (r.level, r.format, r.city, r.country) == ("foreign-ministers", "in-person", "", "JPN")
    assert r.title == "Foreign Minister Meets with her Japanese Counterpart"
    assert r.translation_note == "unofficial translation"
    assert people(r, "principal") == [
        ("Kang Kyung-wha", "Foreign Minister", "KOR"),
        ("Taro Kono", "Foreign Minister", "JPN"),
    ]
    numbers = [s.number for s in r.statements]
    assert len(numbers) == 20
    assert [n for n in numbers if n != "°"] == ["1", "2", "3", "4", "5", "6", "7"]
    assert not any("바로가기" in s.text or s.text == "2626" for s in r.statements)
    assert r.statements[1].speakers == ["Kang Kyung-wha"]
    assert r.statements[2].speakers == ["Taro Kono"]


def test_seed_2017_summit_in_vladivostok():
    r = parse_readout(seed_text("003"))
    assert (r.level, r.meeting_date, r.city, r.country) == ("summit", date(2017, 9, 7), "Vladivostok", "RUS")
    assert people(r, "principal") == [
        ("Shinzo Abe", "Prime Minister of Japan", "JPN"),
        ("Moon Jae-in", "President of the ROK", "KOR"),
    ]
    assert (r.start_time, r.duration_minutes) == (time(9, 35), 50)
    assert r.statements[2].speakers == ["Shinzo Abe", "Moon Jae-in"]
    assert r.statements[1].speakers == ["Shinzo Abe"] and not r.statements[1].joint


def test_seed_2012_overview_meeting_date_differs_from_publication():
    r = parse_readout(seed_text("004"))
    assert (r.meeting_date, r.published_date) == (date(2012, 4, 7), date(2012, 4, 25))
    assert (r.city, r.country) == ("Ningbo", "CHN")
    assert r.occasion == "on the sidelines of the Japan-China-ROK Foreign Ministers' Meeting"
    assert people(r, "attendee") == [
        ("Shinsuke Sugiyama", "Director-General of Asian and Oceanian Affairs Bureau", "JPN"),
        ("Cho Sei-young", "Director-General of Northeast Asian Affairs Bureau", "KOR"),
    ]
    assert [s.number for s in r.statements] == [
        "",
        "1 (1)",
        "1 (2)",
        "1 (3)",
        "1 (4)",
        "1 (5)",
        "2 (1)",
        "2 (2)",
        "2 (3)",
    ]
    assert r.statements[1].heading == "North Korean Issues"
    assert r.statements[6].heading == "Japan-ROK Relations"
    assert r.statements[1].speakers == ["Kim Sung-hwan"]
    assert r.statements[2].speakers == ["Koichiro Gemba"]


def test_topics_are_tagged_from_the_vocabulary():
    r = parse_readout(seed_text("004"), vocabulary={"takeshima-dokdo": ["Takeshima"], "abductions": ["abduction"]})
    assert r.topics == ["abductions", "takeshima-dokdo"]
    assert r.statements[5].topics == ["abductions"]
    assert r.statements[8].topics == ["takeshima-dokdo"]


def test_no_year_in_the_text_gives_no_date():
    text = (
        "Press Releases\n\n1. Foreign Minister Kim Min-su met with his Japanese counterpart Taro Yamada on "
        "September 25 in Seoul and exchanged views on bilateral relations.\n\n2. The two Ministers agreed to meet again."
    )
    r = parse_readout(text)
    assert r.meeting_date is None
    assert "no meeting date: nothing in the readout or the gazetteer settles the year" in r.problems
    assert (r.city, r.country) == ("Seoul", "KOR")


def test_surname_first_capitals_are_turned_to_given_name_first_for_japanese_names():
    text = (
        "October 4, 2022\n\nOn October 4, Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan, held a "
        "telephone meeting with H.E. Dr. Park Jin, Minister of Foreign Affairs of the Republic of Korea.\n"
        "1. Minister Hayashi stated that cooperation matters."
    )
    r = parse_readout(text)
    assert [p.name for p in r.principals] == ["Yoshimasa Hayashi", "Park Jin"]
    assert r.format == "telephone"
    assert r.statements[1].speakers == ["Yoshimasa Hayashi"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("   \n\n ", "the file is empty"),
        (
            "Министр иностранных дел провёл встречу с коллегой.\n\nСтороны обсудили отношения.",
            "the readout is written in a language other than English; "
            "the importer reads English, Japanese, Korean and Chinese readouts",
        ),
        (
            "A recipe for bread.\n\nMix flour and water.",
            "no sentence says who met whom; this does not look like a meeting readout",
        ),
    ],
)
def test_unreadable_texts_are_refused_with_a_reason(text, message):
    with pytest.raises(UnreadableReadout) as excinfo:
        parse_readout(text)
    assert str(excinfo.value) == message


def test_name_key_folds_order_case_and_hyphens():
    assert name_key("HAYASHI Yoshimasa") == name_key("Yoshimasa Hayashi")
    assert name_key("Roh Moo Hyun") == name_key("Roh Moo-hyun")
    assert name_key("Yun Byung-Se") == name_key("Yun Byung-se")


def test_a_name_that_is_also_a_month_abbreviation_is_still_a_name():
    text = (
        "Japan-China Foreign Ministers' Meeting\n\nMay 3, 2014\n\nOn May 3, Mr. Taro Yamada, Minister for Foreign Affairs, held a meeting with "
        "H.E. Mr. Zhao Jun, Minister of Foreign Affairs of the People's Republic of China. The overview is as follows.\n"
        "1. Minister Zhao stated that dialogue matters."
    )
    r = parse_readout(text)
    assert [(p.name, p.country) for p in r.principals] == [("Taro Yamada", "JPN"), ("Zhao Jun", "CHN")]
    assert r.statements[1].speakers == ["Zhao Jun"]
