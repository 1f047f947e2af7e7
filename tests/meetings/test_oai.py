"""The OAI-PMH repository, harvested over real HTTP by oaipmh-scythe (the maintained successor
of Sickle, a harvester libraries use), and its answers to each verb and error checked against
the protocol."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from oaipmh_scythe import Scythe
from oaipmh_scythe.exceptions import BadArgument, BadResumptionToken, IdDoesNotExist, NoRecordsMatch

from meetings.models import Level, Meeting, Participant, Status
from tests.conftest import SEEDS
from tests.meetings.conftest import make_meeting

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def oai_id(meeting) -> str:
    return f"oai:readout-archive.org:{meeting.public_id}"


@pytest.fixture
def harvester(live_server, settings):
    """The seeds and a few more meetings, harvested two records a page."""
    settings.OAI_PAGE_SIZE = 2
    call_command("import_readouts", "--publish", str(SEEDS), verbosity=0)
    with Scythe(f"{live_server.url}/oai/") as scythe:
        yield scythe


@pytest.mark.django_db(transaction=True)
def test_a_harvest_gets_every_published_meeting_once_with_its_permalink(harvester, live_server):
    withdrawn = make_meeting(title="A withdrawn meeting")
    Meeting.objects.filter(pk=withdrawn.pk).update(
        status=Status.WITHDRAWN, withdrawn_reason="Published in error.", withdrawn_at=timezone.now()
    )
    make_meeting(title="A draft nobody has seen", status=Status.DRAFT)
    records = list(harvester.list_records(metadata_prefix="oai_dc"))
    published = Meeting.objects.published()
    live = {r.header.identifier: r for r in records if not r.deleted}
    assert len(live) == len([r for r in records if not r.deleted]) == published.count() == 5
    assert set(live) == {oai_id(m) for m in published}
    for meeting in published:
        metadata = live[oai_id(meeting)].metadata
        assert f"{live_server.url}{meeting.get_absolute_url()}" in metadata["identifier"]
        assert f"{live_server.url}{meeting.get_absolute_url()}v/1/" in metadata["identifier"]
        assert metadata["title"] == [meeting.title]
    [gone] = [r for r in records if r.deleted]
    assert gone.header.identifier == oai_id(withdrawn)
    assert "A draft nobody has seen" not in str([r.raw for r in records])
    meeting = Meeting.objects.get(date="2017-09-07")
    summit = live[oai_id(meeting)]
    assert summit.metadata["creator"] == ["Ministry of Foreign Affairs of Japan"]
    assert summit.metadata["date"] == ["2017-09-07"]
    assert summit.metadata["coverage"] == ["Vladivostok, Russia"]
    principals = Participant.objects.filter(attendances__meeting=meeting, attendances__role="principal")
    assert {p.name for p in principals} <= set(summit.metadata["subject"])
    assert summit.header.setSpecs == ["level:summit", "issuer:JPN", "year:2017"]


@pytest.mark.django_db(transaction=True)
def test_identifiers_sets_and_dates_narrow_a_harvest(harvester):
    summit = Meeting.objects.get(date="2017-09-07")
    [header] = harvester.list_identifiers(metadata_prefix="oai_dc", set_="level:summit")
    assert header.identifier == oai_id(summit)
    assert header.datestamp == summit.modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    korean = [h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc", set_="issuer:KOR")]
    assert korean == [oai_id(m) for m in Meeting.objects.filter(issuers__contains=["KOR"]).order_by("pk")]
    assert len(list(harvester.list_identifiers(metadata_prefix="oai_dc", set_="year"))) == 5
    Meeting.objects.filter(pk=summit.pk).update(modified=datetime(2030, 5, 1, 12, 0, 30, 500000, tzinfo=UTC))
    since = list(harvester.list_identifiers(metadata_prefix="oai_dc", from_="2030-05-01"))
    assert [h.identifier for h in since] == [oai_id(summit)]
    at = list(
        harvester.list_identifiers(metadata_prefix="oai_dc", from_="2030-05-01T12:00:30Z", until="2030-05-01T12:00:30Z")
    )
    assert [h.identifier for h in at] == [oai_id(summit)]
    with pytest.raises(NoRecordsMatch):
        list(harvester.list_identifiers(metadata_prefix="oai_dc", from_="2030-05-02"))
    with pytest.raises(BadArgument):
        list(harvester.list_identifiers(metadata_prefix="oai_dc", from_="2030-05-01", until="2030-05-01T00:00:00Z"))


@pytest.mark.django_db(transaction=True)
def test_identify_sets_formats_and_one_record(harvester, live_server):
    identify = harvester.identify()
    assert identify.repositoryName == "Readout Archive"
    assert identify.baseURL == f"{live_server.url}/oai/"
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "transient"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    specs = [s.setSpec for s in harvester.list_sets()]
    assert specs == ["level", "issuer", "year", *(f"level:{v}" for v in Level.values), "issuer:JPN", "issuer:KOR"] + [
        "year:2018",
        "year:2017",
        "year:2016",
        "year:2012",
    ]
    assert [f.metadataPrefix for f in harvester.list_metadata_formats()] == ["oai_dc"]
    summit = Meeting.objects.get(date="2017-09-07")
    record = harvester.get_record(identifier=oai_id(summit), metadata_prefix="oai_dc")
    assert record.metadata["title"] == ["Japan-ROK Summit Meeting"]
    with pytest.raises(IdDoesNotExist):
        harvester.get_record(identifier="oai:readout-archive.org:nosuchone", metadata_prefix="oai_dc")
    with pytest.raises(BadResumptionToken):
        list(harvester.list_records(resumption_token="forged"))


def answer(client, query: str) -> ET.Element:
    response = client.get(f"/oai/?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "badVerb"),
        ("verb=Frobnicate", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&extra=1", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=x", "badArgument"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&set=colour:blue", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc", "noRecordsMatch"),
        ("verb=ListIdentifiers&resumptionToken=%3Cx-fuzz%3E", "badResumptionToken"),
        ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere:abc", "idDoesNotExist"),
        ("verb=ListSets&resumptionToken=abc", "badResumptionToken"),
    ],
)
def test_each_error_has_its_code(client, query, code):
    root = answer(client, query)
    [error] = root.findall(f"{OAI}error")
    assert error.get("code") == code
    request = root.find(f"{OAI}request")
    assert request.text == "http://testserver/oai/"
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}  # the protocol: no arguments echoed after these errors
    assert "<x-fuzz>" not in ET.tostring(root, encoding="unicode")


@pytest.mark.django_db
def test_a_page_of_records_ends_with_a_token_that_holds_the_request(client, settings):
    settings.OAI_PAGE_SIZE = 2
    meetings = [make_meeting(title=f"Meeting {n}") for n in range(5)]
    root = answer(client, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    token = root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert token.get("cursor") == "0" and token.get("completeListSize") == "5"
    ids = [h.text for h in root.iter(f"{OAI}identifier")]
    while token is not None and token.text:
        root = answer(client, f"verb=ListIdentifiers&resumptionToken={token.text}")
        ids += [h.text for h in root.iter(f"{OAI}identifier")]
        token = root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert ids == [oai_id(m) for m in meetings]
    assert token.get("cursor") == "4" and token.text is None  # the last page: an empty token
    response = client.post("/oai/", {"verb": "Identify"})  # OAI-PMH allows POST
    assert response.status_code == 200 and b"<Identify>" in response.content


@pytest.mark.django_db
def test_a_page_of_records_takes_a_bounded_number_of_queries(client, settings, django_assert_max_num_queries):
    settings.OAI_PAGE_SIZE = 50
    for n in range(40):
        make_meeting(title=f"Meeting {n}")
    with django_assert_max_num_queries(14):
        root = answer(client, "verb=ListRecords&metadataPrefix=oai_dc")
    assert len(root.findall(f"{OAI}ListRecords/{OAI}record")) == 40
