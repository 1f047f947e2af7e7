"""The JSON API: exact answers on the seeds, the site's filters and search, a stable cursor,
facets, what is never shown, the rate limit, and Schemathesis (a client nobody here wrote)
driving every operation of the OpenAPI schema over real HTTP."""

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from meetings.models import Meeting, OfficeHolder, Participant, Statement, Status
from tests.conftest import SEEDS
from tests.meetings.builders_curation import FRANK_EXCHANGES, make_summit, record_version
from tests.meetings.conftest import make_meeting
from tests.meetings.test_admin import as_user, form_data, publish

pytestmark = pytest.mark.django_db


def get(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def permalink(meeting) -> str:
    return f"http://testserver{meeting.get_absolute_url()}"


def every(client, path) -> list[dict]:
    """Each page of a list, by its cursor."""
    results, url = [], path
    while url:
        page = get(client, url.removeprefix("http://testserver"))
        results += page["results"]
        url = page["next"]
    return results


def test_a_meeting_with_its_permalink_and_version(client, seeds):
    summit = Meeting.objects.get(date="2017-09-07")
    [row] = get(client, "/api/v1/meetings/?level=summit")["results"]
    assert list(row)[:4] == ["id", "permalink", "version", "version_permalink"]
    assert row == {
        "id": summit.public_id,
        "permalink": permalink(summit),
        "version": 1,
        "version_permalink": permalink(summit) + "v/1/",
        "date": "2017-09-07",
        "title": "Japan-ROK Summit Meeting",
        "level": "summit",
        "format": "in-person",
        "city": "Vladivostok",
        "country": "RUS",
        "place": "Vladivostok, Russia",
        "occasion": "to attend the Eastern Economic Forum",
        "principals": ["Shinzo Abe", "Moon Jae-in"],
        "issuers": ["JPN"],
        "topics": sorted(summit.topics.values_list("name", flat=True)),
        "speakers": ["Shinzo Abe", "Moon Jae-in"],
        "sources": [],
    }
    detail = get(client, f"/api/v1/meetings/{summit.public_id}/")
    assert detail["title"] == "Japan-ROK Summit Meeting"
    [readout] = detail["readouts"]
    statements = Statement.objects.filter(meeting=summit).order_by("position")
    assert [s["text"] for s in readout["statements"]] == [s.text for s in statements]
    assert readout["statements"][0]["permalink"] == f"{permalink(summit)}#s{statements[0].key}"
    assert [v["number"] for v in detail["versions"]] == [1]
    assert detail["versions"][0]["permalink"] == permalink(summit) + "v/1/"


def test_the_lists_filters_and_search_as_the_pages_have_them(client, seeds):
    for query in ["q=Vladivostok", 'q="maximum pressure"', "topic=comfort-women&issuer=KOR", "year=2017&level=summit"]:
        listed = sorted(m.public_id for m in client.get(f"/?{query}").context["object_list"])
        assert sorted(r["id"] for r in get(client, f"/api/v1/meetings/?{query}")["results"]) == listed, query
    statements = get(client, "/api/v1/statements/?q=Vladivostok")["results"]
    assert sorted(s["statement"] for s in statements) == sorted(
        Statement.objects.search("Vladivostok").values_list("key", flat=True)
    )
    error = get(client, "/api/v1/meetings/?year=199x&level=nope", status=400)
    assert error == {
        "year": ["Select a valid choice. 199x is not one of the available choices."],
        "level": ["Select a valid choice. nope is not one of the available choices."],
    }


def test_facets_on_request(client, seeds):
    page = get(client, "/api/v1/meetings/?q=missile&facets=true")
    assert page["total"] == 4
    assert page["facets"]["level"] == {"foreign-ministers": 4}
    assert page["facets"]["year"] == {"2018": 1, "2017": 1, "2016": 1, "2012": 1}
    assert "facets" not in get(client, "/api/v1/meetings/?q=missile")


def test_the_cursor_sees_each_meeting_once_while_others_are_published(client):
    first = [make_meeting(title=f"Meeting {n}") for n in range(5)]
    page = get(client, "/api/v1/meetings/?page_size=2")
    seen = [r["id"] for r in page["results"]]
    make_meeting(title="Published meanwhile")
    url = page["next"]
    while url:
        page = get(client, url.removeprefix("http://testserver"))
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen[:5] == [m.public_id for m in first]
    assert len(seen) == len(set(seen)) == 6
    assert get(client, "/api/v1/meetings/?cursor=forged", status=404) == {"detail": "Invalid cursor"}


def test_unpublished_meetings_appear_nowhere(client):
    make_meeting(title="Published meeting")
    draft = make_meeting(title="Draft meeting", status=Status.DRAFT)
    for path in ["/api/v1/meetings/", "/api/v1/statements/", "/api/v1/readouts/", "/api/v1/people/"]:
        assert "Draft meeting" not in str(every(client, path)), path
    get(client, f"/api/v1/meetings/{draft.public_id}/", status=404)
    statement = Statement.objects.filter(meeting=draft).first()
    get(client, f"/api/v1/statements/{statement.key}/", status=404)


def test_a_change_waiting_for_an_editor_is_not_shown(client, curator, editor):
    meeting = record_version(meeting=make_summit())
    statement = Statement.objects.get(meeting=meeting, text=FRANK_EXCHANGES)
    client = as_user(client, curator)
    url = f"/admin/meetings/statement/{statement.pk}/change/"
    data = form_data(client.get(url))
    data["text"] = "Words the public may not see yet."
    assert client.post(url, data).status_code == 302
    client.logout()
    detail = get(client, f"/api/v1/meetings/{meeting.public_id}/")
    texts = [s["text"] for r in detail["readouts"] for s in r["statements"]]
    assert FRANK_EXCHANGES in texts and "Words the public may not see yet." not in texts
    assert get(client, f"/api/v1/statements/{statement.key}/")["text"] == FRANK_EXCHANGES
    assert "Words the public" not in str(every(client, "/api/v1/statements/"))
    assert "Words the public" not in str(every(client, "/api/v1/readouts/"))
    publish(client, editor, meeting)
    assert get(client, f"/api/v1/statements/{statement.key}/")["version"] == 2


def test_people_topics_and_office_holders(client, seeds):
    abe = get(client, "/api/v1/people/shinzo-abe/")
    assert abe == abe | {
        "slug": "shinzo-abe",
        "name": "Shinzo Abe",
        "country": "JPN",
        "permalink": "http://testserver/people/shinzo-abe/",
        "meeting_count": 2,
        "first_year": 2017,
        "last_year": 2017,
    }
    people = every(client, "/api/v1/people/")
    assert len(people) == Participant.objects.in_index().count()
    topic = get(client, "/api/v1/topics/comfort-women/")
    assert topic["permalink"] == "http://testserver/topics/comfort-women/"
    assert topic["meeting_count"] == Meeting.objects.filter(topic_slugs__contains=["comfort-women"]).count()
    holder = OfficeHolder.objects.filter(terms__isnull=False).first()
    row = get(client, f"/api/v1/office-holders/{holder.slug}/")
    assert row["name"] == holder.name
    assert [t["start"] for t in row["terms"]] == [f"{t.start:%Y-%m-%d}" for t in holder.terms.order_by("start")]


def test_the_api_cannot_write(client, seeds):
    summit = Meeting.objects.get(date="2017-09-07")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/meetings/{summit.public_id}/", {}, content_type="application/json")
        assert response.status_code == 405, method
    assert client.post("/api/v1/meetings/", {}, content_type="application/json").status_code == 405


def test_anonymous_clients_are_limited_with_retry_after(client, settings):
    settings.API_ANON_RATE = "3/minute"
    for _ in range(3):
        get(client, "/api/v1/topics/")
    response = client.get("/api/v1/topics/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Request was throttled. Expected available in")


def test_queries_per_page_do_not_grow_with_it(client, django_assert_max_num_queries):
    for n in range(40):
        make_meeting(title=f"Meeting {n}")
    for path in [
        "/api/v1/meetings/?page_size=40",
        "/api/v1/statements/?page_size=40",
        "/api/v1/readouts/?page_size=40",
    ]:
        with django_assert_max_num_queries(14):
            assert len(get(client, path)["results"]) == 40


def test_the_schema_and_its_documentation(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


# --- Schemathesis ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(live_server, settings):
    """Every operation of the schema, driven by Schemathesis with generated parameters (bounded:
    MAX_EXAMPLES each): every answer conforms to the schema (status, content type, headers,
    body) and none is a 5xx. The operations run in one test, since the schema is read from the
    live server."""
    settings.API_ANON_RATE = "100000/minute"
    call_command("import_readouts", "--publish", str(SEEDS), verbosity=0)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 12  # six lists and six single objects

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            # Which topics, people, years and issuers are valid depends on the archive, so the
            # schema cannot list them and an unknown one answers a documented 400: the check
            # that any schema-valid request is accepted does not apply; every other one does.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()


MAX_EXAMPLES = 25
