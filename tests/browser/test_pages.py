"""What a researcher does in a browser."""

import re

import pytest

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
