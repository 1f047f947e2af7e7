"""The charts of the record: their figures, exactly, and their geometry."""

from datetime import date

import pytest

from meetings.charts import meetings_per_year, year_chart
from meetings.models import Level, Topic
from tests.meetings.conftest import make_meeting, make_participant


def test_a_year_chart_has_every_year_between_the_first_and_the_last_and_stacks_its_series():
    chart = year_chart(
        "Meetings", {2015: {"summit": 2}, 2017: {"summit": 1, "foreign-ministers": 3}}, list(Level.choices[:2])
    )
    assert [(bar.label, bar.total) for bar in chart.bars] == [("2015", 2), ("2016", 0), ("2017", 4)]
    assert [label for _, label in chart.ticks] == ["0", "1", "2", "3", "4"]
    plot = chart.height - 22 - 8
    summit, ministers = chart.bars[2].segments
    assert (summit.height, ministers.height) == (plot / 4, plot * 3 / 4)
    assert ministers.y + ministers.height == summit.y  # stacked on top
    assert summit.y + summit.height == chart.baseline
    assert chart.rows[2] == {"label": "2017", "values": [1, 3], "total": 4, "cells": ["1", "3"], "figure": "4"}


def test_each_series_is_drawn_as_one_path_of_its_bars_segments():
    chart = year_chart(
        "Meetings", {2015: {"summit": 2}, 2017: {"summit": 1, "foreign-ministers": 3}}, list(Level.choices[:2])
    )
    assert chart.paths == [
        ("summit", "M140.67 78.0h40v70.0h-40z M607.33 113.0h40v35.0h-40z"),
        ("foreign-ministers", "M607.33 8.0h40v105.0h-40z"),
    ]  # a year of none (2016) and a series with none in a year draw nothing there


def test_a_chart_of_counts_steps_by_whole_meetings_and_one_of_shares_by_round_percentages():
    assert [label for _, label in year_chart("One", {2022: {"summit": 1}}, [("summit", "Summit")]).ticks] == ["0", "1"]
    shares = year_chart("Shares", {2022: {"share": 1.7}}, [("share", "Share")], percent=True)
    assert [label for _, label in shares.ticks] == ["0%", "0.5%", "1%", "1.5%", "2%"]
    assert shares.bars[0].figure == "1.7%"
    many = year_chart("Many", {2022: {"summit": 1204}}, [("summit", "Summit")])
    assert (many.bars[0].figure, many.rows[0]["cells"]) == ("1,204", ["1,204"])


def test_a_chart_of_nothing_is_no_chart():
    assert meetings_per_year({}) is None


@pytest.fixture
def record(db):
    abductions = Topic.objects.get(slug="abductions")
    kono, kang, wang = (
        make_participant(name="Taro Kono", country="JPN"),
        make_participant(name="Kang Kyung-wha", country="KOR"),
        make_participant(name="Wang Yi", country="CHN"),
    )
    make_meeting(date=date(2017, 3, 1), principals=(kono, kang), topics=(abductions,))
    make_meeting(date=date(2017, 6, 1), principals=(kono, kang))
    make_meeting(date=date(2017, 9, 1), level=Level.SUMMIT)
    make_meeting(date=date(2018, 1, 5), principals=(kono, wang), topics=(abductions,))
    make_meeting(date=date(2019, 1, 5), topics=(abductions,))
    return kono


def test_the_list_charts_its_meetings_per_year_by_level(client, record):
    context = client.get("/").context
    chart = context["per_year"]
    assert [(r["label"], r["values"], r["total"]) for r in chart.rows] == [
        ("2017", [1, 2], 3),
        ("2018", [0, 1], 1),
        ("2019", [0, 1], 1),
    ]
    assert context.get("share_per_year") is None  # nothing narrows the list


def test_a_narrowed_list_charts_its_share_of_each_year_and_its_bars_lead_to_the_year(client, record):
    response = client.get("/", {"topic": "abductions"})
    shares = response.context["share_per_year"]
    assert [(r["label"], round(r["total"], 1)) for r in shares.rows] == [
        ("2017", 33.3),
        ("2018", 100.0),
        ("2019", 100.0),
    ]
    assert 'href="?topic=abductions&amp;year=2018"' in response.content.decode()


def test_a_topic_page_charts_its_share_of_each_year(client, record):
    response = client.get("/topics/abductions/")
    shares = response.context["share_per_year"]
    assert [(r["label"], round(r["total"], 1)) for r in shares.rows] == [
        ("2017", 33.3),
        ("2018", 100.0),
        ("2019", 100.0),
    ]
    html = response.content.decode()
    assert "<summary>The figures as a table</summary>" in html
    assert '<th scope="row">2017</th><td class="num">33.3%</td>' in html


def test_a_person_page_charts_their_meetings_and_names_their_counterparts(client, record):
    response = client.get(record.get_absolute_url())
    assert [(r["label"], r["total"]) for r in response.context["per_year"].rows] == [("2017", 2), ("2018", 1)]
    assert [(p.name, p.shared) for p in response.context["counterparts"]] == [("Kang Kyung-wha", 2), ("Wang Yi", 1)]


def test_a_share_is_none_in_a_year_without_meetings_and_nought_in_one_without_the_topic(client, record):
    make_meeting(date=date(2021, 4, 1))
    response = client.get("/topics/abductions/")
    shares = response.context["share_per_year"]
    assert [(r["label"], r["total"] if r["total"] is None else round(r["total"], 1)) for r in shares.rows] == [
        ("2017", 33.3),
        ("2018", 100.0),
        ("2019", 100.0),
        ("2020", None),
        ("2021", 0.0),
    ]
    html = response.content.decode()
    assert '<th scope="row">2020</th><td class="num">no meetings</td>' in html
    assert '<th scope="row">2021</th><td class="num">0.0%</td>' in html
    assert "<title>2020: no meetings</title>" in html
