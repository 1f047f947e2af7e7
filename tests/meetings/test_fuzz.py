"""No input answers 5xx: every public URL pattern driven over real HTTP with generated paths and
query strings (Hypothesis): Unicode digits and letters, NUL and control characters, invalid
percent-escapes, huge and repeated parameters, tsquery operators, SQL, HTML. Every answer is 200,
301/302, 400, 404 or 410, and nothing typed is echoed unescaped."""

import http.client
import urllib.parse

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import Meeting
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db(transaction=True)

MARK = "<x-fuzz>"  # typed by the fuzzer; a page that shows it unescaped has an injection
HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "²",
            "١٢",
            "٣",
            "Ⅻ",
            "0",
            "-1",
            "1e9",
            "99999999999999999999",
            "1.5",
            " 1",
            "%00",
            "\x00",
            "\x1f",
            "%zz",
            "%",
            "%%",
            "%u0041",
            "'; DROP TABLE meetings_meeting; --",
            "' OR 1=1 --",
            "a & b | !c",
            "foo:*",
            "<->",
            "!!",
            "(((",
            '"',
            '"""',
            "\\",
            MARK,
            f"{MARK}\"'><script>alert(1)</script>",
            "a" * 5000,
            "拉致",
            "위안부",
            "2018-02-30",
            "9999-12-31",
            "unknown",
            "summit",
            "JPN",
            "kishida",
            "1-²",
            "1-1",
            "٣-٣",
            "ListRecords",
            "GetRecord",
            "oai_dc",
            "level:summit",
        ]
    ),
)
KEYS = st.sampled_from(
    [
        "page",
        "q",
        "year",
        "level",
        "topic",
        "person",
        "issuer",
        "country",
        "format",
        "sort",
        "date_from",
        "date_to",
        "version",
        "statement",
        "speaker",
        "verb",
        "metadataPrefix",
        "identifier",
        "set",
        "from",
        "resumptionToken",
        "x",
    ]
)
QUERIES = st.lists(st.tuples(KEYS, HOSTILE), max_size=6)


def quoted(text: str) -> str:
    """The text in a URL as a careless client writes it: percent-encoded, but for its own % signs."""
    return urllib.parse.quote(text, safe="%")


@pytest.fixture
def archive(live_server):
    call_command("import_readouts", "--publish", str(SEEDS), verbosity=0)
    meeting = Meeting.objects.order_by("pk").first()
    return live_server, meeting


def fetch(server, path: str) -> tuple[int, str]:
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    pattern=st.sampled_from(
        [
            "/",
            "/statements/",
            "/meetings/{id}/",
            "/meetings/{id}/{slug}/",
            "/meetings/{id}/{slug}/v/{n}/",
            "/meetings/{id}/cite.bib",
            "/meetings/{id}/cite.ris",
            "/meetings/{id}/cite.json",
            "/people/{slug}/",
            "/topics/{slug}/",
            "/meetings.csv",
            "/meetings.jsonl",
            "/meetings.bib",
            "/meetings.ris",
            "/meetings.{slug}",
            "/statements.csv",
            "/statements.jsonl",
            "/feeds/meetings/",
            "/sitemap.xml",
            "/sitemap-{slug}.xml",
            "/robots.txt",
            "/oai/",
            "/data/",
            "/data/{slug}",
        ]
    ),
    ident=st.one_of(st.just("REAL"), st.just("UPPER"), HOSTILE),
    slug=st.one_of(st.just("REAL"), HOSTILE),
    number=st.one_of(st.integers(-2, 5).map(str), HOSTILE),
    query=QUERIES,
)
def test_no_input_answers_a_server_error(archive, pattern, ident, slug, number, query):
    server, meeting = archive
    ident = {"REAL": meeting.public_id, "UPPER": meeting.public_id.upper()}.get(ident, ident)
    slug = meeting.slug if slug == "REAL" else slug
    path = pattern.format(id=quoted(ident), slug=quoted(slug), n=quoted(number))
    if query:
        path += "?" + "&".join(f"{quoted(k)}={quoted(v)}" for k, v in query)
    status, body = fetch(server, path)
    assert status in (200, 301, 302, 400, 404, 410), (path, status, body[:300])
    assert MARK not in body, path


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/?page=%C2%B2", 404),  # ² is a digit to str.isdigit, not to int
        ("/statements/?page=%C2%B2", 404),
        ("/meetings/%00/", 404),
        ("/meetings/%00/cite.bib", 404),
        ("/meetings/a%00b/some-slug/", 404),
    ],
)
def test_unicode_digits_and_nul_are_not_server_errors(archive, path, status):
    server, _ = archive
    assert fetch(server, path)[0] == status


def test_citation_versions_and_statements_in_unicode_digits_are_refused(archive):
    server, meeting = archive
    assert fetch(server, f"/meetings/{meeting.public_id}/cite.bib?version=%C2%B2") == (
        400,
        "This meeting has versions 1 to 1.",
    )
    assert fetch(server, f"/meetings/{meeting.public_id}/cite.bib?statement=1-%C2%B2") == (
        400,
        "The statement reference must be a statement's key (8 letters and digits) or look like 12-3.",
    )


def test_an_identifier_in_capitals_redirects_to_the_permalink(archive):
    server, meeting = archive
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", f"/meetings/{meeting.public_id.upper()}/")
    response = conn.getresponse()
    assert (response.status, response.getheader("Location")) == (301, meeting.get_absolute_url())


def test_an_address_nobody_made_says_so_in_words(archive, settings):
    server, _ = archive
    status, body = fetch(server, "/no/such/page/")
    assert status == 404
    assert "There is nothing at this address." in body and "Resolver404" not in body
