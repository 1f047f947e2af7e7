"""Citations of meetings and statements, in every format offered."""

import json

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
    assert lines[:4] == [
        "TY  - ELEC",
        "AU  - Ministry of Foreign Affairs of Japan",
        "TI  - Japan-ROK Summit Meeting",
        "DA  - 2017/09/07",
    ]
    assert f"UR  - {permalink(summit)}" in lines
    assert lines[-2:] == ["ER  -", ""]


def test_csl_json_download(client, summit):
    data = json.loads(client.get(f"/meetings/{summit.public_id}/cite.json").content)
    assert data[0]["title"] == "Japan-ROK Summit Meeting"
    assert data[0]["issued"] == {"date-parts": [[2017, 9, 7]]}
    assert data[0]["URL"] == permalink(summit)
    assert data[0]["author"] == [{"literal": "Ministry of Foreign Affairs of Japan"}]


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
