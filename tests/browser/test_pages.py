"""What a researcher does in a browser."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting

pytestmark = pytest.mark.browser


def count_of(page, facet, value):
    return page.locator(f"#facet-{facet} input[value='{value}'] ~ .facet__count").inner_text()


def test_choosing_facet_values_narrows_the_list_and_updates_counts(page, archive, shot):
    page.goto(archive + "/")
    assert page.locator(".card").count() == 5
    assert count_of(page, "year", "2017") == "2"
    shot(page, "home")
    page.locator("#facet-level input[value='summit']").check()  # applied without a submit button
    page.wait_for_url(re.compile(r"level=summit"))
    assert page.locator(".card").count() == 1
    assert count_of(page, "year", "2017") == "1"
    assert count_of(page, "level", "foreign-ministers") == "4"
    page.locator("#facet-level input[value='foreign-ministers']").check()
    page.wait_for_url(re.compile(r"level=summit&level=foreign-ministers|level=foreign-ministers&level=summit"))
    assert page.locator(".card").count() == 5
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url(archive + "/")  # the count of the new page, not of the one it leaves
    assert page.locator(".card").count() == 5
    assert count_of(page, "level", "summit") == "1"


def test_phrase_search_highlights_on_results_and_meeting_page(page, archive, shot):
    page.goto(archive + "/")
    page.get_by_label("Search the readouts").fill('"comfort women"')
    page.get_by_label("Search the readouts").press("Enter")
    page.wait_for_url(re.compile(r"q=%22comfort"))
    assert page.locator(".results__count").inner_text().startswith("3 meetings")
    marks = page.locator(".card__hits mark").all_inner_texts()
    assert {m.lower() for m in marks} == {"comfort", "women"}
    shot(page, "search")
    page.locator(".card__title a", has_text="Overview").click()
    page.wait_for_url(re.compile(r"/meetings/.+\?q="))
    assert page.locator(".statement--match mark").all_inner_texts() == ["comfort", "women"]
    shot(page, "meeting")


def test_cite_this_downloads_bibtex_naming_the_permalink(page, archive, tmp_path):
    meeting = Meeting.objects.get(date="2017-09-07")
    page.goto(archive + meeting.get_absolute_url())
    page.get_by_text("Cite this meeting").click()
    with page.expect_download() as download_info:
        page.locator(".cite__downloads").get_by_role("link", name="BibTeX").click()
    download = download_info.value
    assert download.suggested_filename == f"readout-{meeting.public_id}-v1.bib"
    path = tmp_path / "cite.bib"
    download.save_as(path)
    assert f"url = {{{archive}{meeting.get_absolute_url()}v/1/}}" in path.read_text()


def test_outdated_slug_redirects(page, archive):
    meeting = Meeting.objects.get(date="2012-04-07")
    response = page.goto(f"{archive}/meetings/{meeting.public_id}/an-outdated-title/")
    assert response.url == archive + meeting.get_absolute_url()
    assert page.locator("h1").inner_text() == "Japan-ROK Foreign Ministers' Meeting (Overview)"


def test_phone_layout(browser, archive, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(archive + "/?q=Kono")
    assert page.locator("details.facets__toggle").get_attribute("open") is None  # folded away on a phone
    assert page.locator(".card").count() == 2
    shot(page, "phone")
    context.close()


def test_on_a_phone_choices_follow_one_another_and_focus_stays_on_the_choice(browser, archive, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(archive + "/")
    page.locator("details.facets__toggle > summary").click()
    page.locator("#facet-level input[value='summit']").check()
    page.wait_for_url(re.compile(r"level=summit"))
    page.wait_for_load_state("load")
    assert page.locator("details.facets__toggle").get_attribute("open") == ""  # still open for the next
    assert page.evaluate("document.activeElement.name + '=' + document.activeElement.value") == "level=summit"
    page.locator("#facet-level input[value='foreign-ministers']").check()
    page.wait_for_url(re.compile(r"level=foreign-ministers"))
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.value") == "foreign-ministers"
    shot(page, "phone-choices")
    context.close()


def test_every_filter_is_reached_without_a_scroll_area_of_its_own(page, archive):
    page.goto(archive + "/")
    facets = page.locator("aside.facets")
    assert facets.evaluate("el => el.scrollHeight <= el.clientHeight")
    page.locator("select[name=sort]").scroll_into_view_if_needed()
    assert page.locator("select[name=sort]").is_visible()


def test_the_index_of_people_finds_a_name_whatever_its_case_and_accents(page, archive, shot):
    page.goto(archive + "/people/")
    page.get_by_label("Name, in any spelling").fill("KŌNO")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r"name=K"))
    assert page.locator("table.index tbody tr").count() == 1
    page.get_by_role("link", name="Taro Kono", exact=True).click()
    page.wait_for_url(re.compile(r"/people/"))
    shot(page, "people")


def test_the_permalink_and_citations_can_be_copied(browser, archive):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    meeting = Meeting.objects.get(date="2012-04-07")
    page.goto(archive + meeting.get_absolute_url())
    page.get_by_role("button", name="Copy the permalink").click()
    expect(page.get_by_text("Copied").first).to_be_visible()  # once the clipboard has taken it
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("a.permalink").get_attribute("href")
    context.close()


def test_a_long_facet_shown_whole_can_be_filtered_by_typing(page, archive):
    from tests.meetings.conftest import make_meeting, make_participant

    for n in range(22):
        make_meeting(principals=(make_participant(name=f"Principal Number {n:02d}"),))
    make_meeting(principals=(make_participant(name="Zōe Zebrafish"),))
    page.goto(archive + "/?more=person")
    box = page.get_by_label("Filter the principal values")
    box.fill("zoe zebra")  # accents set aside, as the search does
    visible = page.locator("#facet-person li:visible")
    assert visible.count() == 1
    assert "Zōe Zebrafish" in visible.inner_text()
    box.fill("")
    assert page.locator("#facet-person li:visible").count() == 8  # folded again after the first eight


def test_the_chart_of_years_gives_its_figures_and_each_bar_leads_to_its_year(page, archive, shot):
    page.goto(archive + "/")
    chart = page.locator("figure.chart").first
    assert chart.locator("figcaption .chart__title").inner_text() == "Meetings per year, by level"
    chart.get_by_text("The figures as a table").click()
    rows = chart.locator("table tbody tr")
    figures = dict(
        zip(rows.locator("th").all_inner_texts(), rows.locator("td:last-child").all_inner_texts(), strict=True)
    )
    assert figures == {"2012": "1", "2013": "0", "2014": "0", "2015": "0", "2016": "1", "2017": "2", "2018": "1"}
    shot(page, "chart-home")
    chart.locator("a[aria-label='2017: 2']").click()
    page.wait_for_url(re.compile(r"year=2017"))
    assert page.locator(".card").count() == 2


def test_a_topics_page_charts_its_share_of_each_years_meetings(page, archive, shot):
    from meetings.models import Topic

    topic = Topic.objects.filter(statements__isnull=False).distinct().order_by("slug").first()
    expected = {str(year): "no meetings" for year in range(2012, 2019)}  # the seeds' first and last years
    for year in {m.year for m in Meeting.objects.published()}:
        meetings = Meeting.objects.published().filter(year=year)
        expected[str(year)] = f"{100 * sum(topic.slug in m.topic_slugs for m in meetings) / meetings.count():.1f}%"
    page.goto(archive + topic.get_absolute_url())
    chart = page.locator("figure.chart").first
    chart.get_by_text("The figures as a table").click()
    rows = chart.locator("table tbody tr")
    assert (
        dict(zip(rows.locator("th").all_inner_texts(), rows.locator("td:last-child").all_inner_texts(), strict=True))
        == expected
    )
    shot(page, "chart-topic")


def test_the_comparison_sets_what_both_readouts_say_beside_what_only_one_says(page, archive, shot):
    from tests.meetings.conftest import make_meeting, make_topic

    comfort = make_topic(slug="comfort-women-test", name="Comfort women (test)")
    meeting = make_meeting(
        issuers=("JPN", "KOR"),
        statements=(
            "The two ministers confirmed close cooperation on North Korea's nuclear and missile programmes.",
            {"text": "Minister Yun raised the issue of the comfort women.", "issuer": "KOR", "topics": (comfort,)},
        ),
    )
    page.goto(archive + meeting.get_absolute_url())
    page.get_by_role("link", name="See them side by side").click()
    page.wait_for_url(re.compile(r"/compare/$"))
    assert page.locator("#both-title").inner_text() == "What both readouts say (1)"
    assert page.locator("#only-left-title").inner_text() == "Only in Japan’s readout (0)"
    assert page.locator("#only-right-title").inner_text() == "Only in Republic of Korea’s readout (1)"
    only = page.locator("#only-right-title ~ ol.compare__only li")
    assert only.locator(".statement__text").inner_text() == "Minister Yun raised the issue of the comfort women."
    shot(page, "compare")
    # Across meetings: the facet finds what only Korea's readout raised.
    page.goto(archive + "/")
    page.locator("#facet-onesided input[value='KOR:comfort-women-test']").check()
    page.wait_for_url(re.compile(r"onesided=KOR"))
    assert page.locator(".card").count() == 1
    assert page.locator(".card a").first.get_attribute("href").startswith(meeting.get_absolute_url())
