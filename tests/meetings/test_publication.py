"""Who may publish, on every path that saves a meeting, and addresses that answer once published."""

from datetime import date

import pytest
from reversion.models import Version

from meetings.models import Meeting, Statement, Status
from tests.meetings.builders_curation import (
    FRANK_EXCHANGES,
    KISHIDA,
    make_new_york_meeting,
    make_summit,
    record_version,
)
from tests.meetings.conftest import make_meeting, make_participant
from tests.meetings.test_admin import as_user, change_url, form_data, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted_then_published(client, editor):
    """A meeting as imported, a draft with its version on record (draft), then published by an
    Editor."""
    meeting = record_version(meeting=make_summit(status=Status.DRAFT))
    publish(client, editor, meeting)
    meeting.refresh_from_db()
    assert meeting.status == Status.PUBLISHED
    return meeting


def history_versions(meeting):
    return list(Version.objects.get_for_object(meeting).order_by("pk"))


def revert(client, meeting, version):
    url = f"/admin/meetings/meeting/{meeting.pk}/history/{version.pk}/"
    return client.post(url, form_data(client.get(url)))


def test_a_curator_cannot_unpublish_by_reverting_to_a_draft_version(client, curator, drafted_then_published):
    meeting = drafted_then_published
    draft = history_versions(meeting)[0]
    assert draft.field_dict["status"] == Status.DRAFT
    client = as_user(client, curator)
    response = revert(client, meeting, draft)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/meetings/meeting/{meeting.pk}/history/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Nothing was reverted: Only an Editor can publish, unpublish or withdraw a meeting."]
    meeting.refresh_from_db()
    assert meeting.status == Status.PUBLISHED
    client.logout()
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_a_curator_cannot_republish_a_withdrawn_meeting_by_reverting(client, curator, editor):
    meeting = record_version(meeting=make_summit())
    client = as_user(client, editor)
    data = form_data(client.get(change_url(meeting)))
    data.update(status=Status.WITHDRAWN, withdrawn_reason="It describes another meeting.")
    assert client.post(change_url(meeting), data).status_code == 302
    published = history_versions(meeting)[0]
    assert published.field_dict["status"] == Status.PUBLISHED
    client = as_user(client, curator)
    assert revert(client, meeting, published).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.WITHDRAWN
    client.logout()
    assert client.get(meeting.get_absolute_url()).status_code == 410


def test_an_editor_may_revert_to_a_draft_and_the_address_then_answers_410(client, editor, drafted_then_published):
    meeting = drafted_then_published
    client = as_user(client, editor)
    assert revert(client, meeting, history_versions(meeting)[0]).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.DRAFT
    client.logout()
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 410
    html = page.content.decode()
    assert "taken out of public view by its editors" in html
    assert f"record {meeting.public_id}, version 1" in html


def test_a_curator_cannot_recover_a_deleted_published_meeting(client, curator):
    meeting = record_version(meeting=make_summit())
    version = history_versions(meeting)[-1]
    assert version.field_dict["status"] == Status.PUBLISHED
    meeting.readouts.all().delete()  # as an Editor may, then the meeting
    meeting.delete()
    client = as_user(client, curator)
    url = f"/admin/meetings/meeting/recover/{version.pk}/"
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302
    assert response["Location"] == "/admin/meetings/meeting/"
    assert not Meeting.objects.filter(public_id=meeting.public_id).exists()


def test_a_curators_upload_to_a_published_meeting_waits_for_an_editor(client, curator, editor, seeds):
    meeting = Meeting.objects.get(date="2017-09-07")
    readouts = meeting.readouts.count()
    text = meeting.readouts.get().original_text + "\n\n9. The two leaders also discussed the weather in Vladivostok.\n"
    client = as_user(client, curator)
    confirmed = client.post(
        "/admin/meetings/meeting/upload/", {"confirm": "1", "file_name": "second_copy.txt", "text": text}
    )
    assert confirmed.status_code == 302
    meeting.refresh_from_db()
    assert meeting.readouts.count() == readouts + 1
    assert meeting.status == Status.PUBLISHED and meeting.changes_pending
    client.logout()
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "weather in Vladivostok" not in page.content.decode()
    assert len(page.context["view"].readouts) == readouts
    publish(client, editor, meeting)
    page = client.get(meeting.get_absolute_url())
    assert "weather in Vladivostok" in page.content.decode()
    assert page.context["current_version"].number == 2


def test_a_curators_split_and_a_participant_merge_wait_for_an_editor(client, curator, editor):
    meeting = record_version(meeting=make_summit())
    statement = Statement.objects.get(meeting=meeting, text=FRANK_EXCHANGES)
    client = as_user(client, curator)
    marked = statement.text.replace(" they will", " ||| they will", 1)
    assert client.post(f"/admin/meetings/statement/{statement.pk}/split/", {"text": marked}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.changes_pending
    client.logout()
    assert client.get(meeting.get_absolute_url()).context["current_version"].number == 1
    publish(client, editor, meeting)
    meeting.refresh_from_db()
    assert not meeting.changes_pending

    kono = make_participant(name="Taro Kono", slug="taro-kono")
    twin = make_participant(name="KONO Taro", slug="kono-taro-2", name_key="kono taro x")
    other = make_meeting(date=date(2018, 3, 17), principals=(twin,))
    make_meeting(date=date(2017, 12, 19), principals=(kono,))  # Kono's own: the merge leaves it as it is
    client.force_login(curator)
    response = client.post(
        "/admin/meetings/participant/",
        {"action": "merge", "apply": "1", "keep": kono.pk, "_selected_action": [kono.pk, twin.pk]},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.changes_pending
    assert Meeting.objects.filter(changes_pending=True).count() == 1  # only the meeting the merge changed


def test_a_curators_edit_of_a_published_meeting_is_not_in_its_citation_until_published(client, curator, editor):
    meeting = record_version(meeting=make_summit())
    client = as_user(client, curator)
    data = form_data(client.get(change_url(meeting)))
    data["title"] = "A curator's new title"
    assert client.post(change_url(meeting), data).status_code == 302
    client.logout()
    published_url = meeting.get_absolute_url()
    meeting.refresh_from_db()
    page = client.get(meeting.get_absolute_url(), follow=True)  # the address with the new title's slug
    assert page.status_code == 200
    assert page.redirect_chain == [(published_url, 301)]
    assert "A curator's new title" not in page.content.decode()
    bib = client.get(f"/meetings/{meeting.public_id}/cite.bib").content.decode()
    assert "A curator's new title" not in bib
    publish(client, editor, meeting)
    bib = client.get(f"/meetings/{meeting.public_id}/cite.bib").content.decode()
    assert "A curator's new title" in bib


def test_an_unpublished_meeting_answers_410_at_every_address_with_its_citation(client, editor):
    meeting = record_version(meeting=make_new_york_meeting())
    page_url = meeting.get_absolute_url()
    client = as_user(client, editor)
    data = form_data(client.get(change_url(meeting)))
    data.update(status=Status.DRAFT, withdrawn_reason="The date is being checked against the Korean readout.")
    assert client.post(change_url(meeting), data).status_code == 302
    client.logout()
    for url in (page_url, page_url + "v/1/", f"/meetings/{meeting.public_id}/", f"/meetings/{meeting.public_id}/x/"):
        response = client.get(url)
        assert response.status_code == 410, url
        html = response.content.decode()
        assert "The date is being checked against the Korean readout." in html
        assert f"record {meeting.public_id}, version 1" in html
        assert KISHIDA not in html
    cite = client.get(f"/meetings/{meeting.public_id}/cite.ris?version=1")
    assert cite.status_code == 410
    assert f"readout-{meeting.public_id}-v1" in cite["Content-Disposition"]
    assert "TY  - " in cite.content.decode()


def test_a_draft_never_published_leaks_nothing_at_its_address(client):
    meeting = record_version(meeting=make_summit(status=Status.DRAFT))
    for url in (
        f"/meetings/{meeting.public_id}/",
        f"/meetings/{meeting.public_id.upper()}/",
        f"/meetings/{meeting.public_id}/wrong-slug/",
        f"/meetings/{meeting.public_id}/cite.bib",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert meeting.slug not in response.content.decode()
        assert "Location" not in response
