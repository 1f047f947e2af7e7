"""Curation in the admin: roles, history, versions, conflicts, merges, splits, uploads."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from reversion.models import Version

from meetings.models import (
    Attendance,
    Format,
    Level,
    Meeting,
    Participant,
    ParticipantAlias,
    Readout,
    Statement,
    Status,
    Topic,
)
from tests.conftest import seed_path
from tests.meetings.builders_curation import (
    FRANK_EXCHANGES,
    KISHIDA,
    make_new_york_meeting,
    make_summit,
    record_version,
)
from tests.meetings.conftest import make_meeting, make_participant

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def form_data(response) -> dict:
    """The POST data of an admin change form as it was rendered, inlines included."""
    data = {}

    def put(form, prefix=""):
        for name in form.fields:
            key = f"{prefix}{name}" if not prefix else f"{prefix}-{name}"
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif isinstance(value, (datetime.date, datetime.time)):
                data[key] = value.isoformat()
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value())
        for form in formset.forms:
            put(form, form.prefix)
    return data


def change_url(meeting):
    return f"/admin/meetings/meeting/{meeting.pk}/change/"


def test_roles_exist_with_their_permissions():
    curator, editor = Group.objects.get(name="Curator"), Group.objects.get(name="Editor")
    assert curator.permissions.filter(codename="change_statement").exists()
    assert not curator.permissions.filter(codename="publish_meeting").exists()
    assert editor.permissions.filter(codename="publish_meeting").exists()


def test_import_arrives_as_draft_and_is_not_public(client):
    call_command("import_readouts", str(seed_path("003")), verbosity=0)
    meeting = Meeting.objects.get()
    assert meeting.status == Status.DRAFT
    assert client.get("/").context["paginator"].count == 0
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft(client, curator):
    meeting = make_summit(status=Status.DRAFT)
    response = as_user(client, curator).get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert "This meeting is draft and not public" in response.content.decode()


def test_importer_flags_what_it_was_unsure_of(seeds):
    meeting = Meeting.objects.get(date="2018-03-17")
    assert meeting.needs_review
    assert "000_899ff3d4eaba3281.txt: new participant Seo Hoon" in meeting.review_notes


def test_curator_edits_but_cannot_publish(client, curator):
    meeting = make_summit(status=Status.REVIEW)
    client = as_user(client, curator)
    page = client.get(change_url(meeting))
    assert [c[0] for c in page.context["adminform"].form.fields["status"].choices] == ["draft", "review"]
    data = form_data(page)
    data["status"] = "published"
    response = client.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "Select a valid choice. published is not one of the available choices." in response.content.decode()
    changelist = client.get("/admin/meetings/meeting/")
    assert "publish" not in changelist.context["action_form"].fields["action"].choices.__str__()
    data["status"] = "review"
    data["title"] = "Abe–Moon summit in Vladivostok"
    assert client.post(change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status, meeting.curated_fields) == (
        "Abe–Moon summit in Vladivostok",
        "review",
        ["title"],
    )


def test_editor_publishes_with_the_action(client, editor):
    make_meeting(status=Status.REVIEW)
    make_summit(status=Status.REVIEW)
    client = as_user(client, editor)
    response = client.post(
        "/admin/meetings/meeting/",
        {"action": "publish", "_selected_action": list(Meeting.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == 302
    assert set(Meeting.objects.values_list("status", flat=True)) == {"published"}


def test_curator_cannot_use_the_publish_action(client, curator):
    make_meeting(status=Status.REVIEW)
    make_summit(status=Status.REVIEW)
    response = as_user(client, curator).post(
        "/admin/meetings/meeting/",
        {"action": "publish", "_selected_action": list(Meeting.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == 302  # back to the list: the action is not offered to a curator
    assert set(Meeting.objects.values_list("status", flat=True)) == {"review"}


def test_withdrawing_needs_a_reason_and_gives_a_410_page(client, editor):
    meeting = record_version(meeting=make_new_york_meeting())
    client = as_user(client, editor)
    data = form_data(client.get(change_url(meeting)))
    data["status"] = "withdrawn"
    response = client.post(change_url(meeting), data)
    assert "Say why the meeting is withdrawn: readers will see it." in response.content.decode()
    data["withdrawn_reason"] = "The readout was found to describe another meeting."
    assert client.post(change_url(meeting), data).status_code == 302
    client.logout()
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 410
    html = page.content.decode()
    assert "The readout was found to describe another meeting." in html
    assert f"record {meeting.public_id}, version 1" in html
    assert KISHIDA not in html


def test_a_form_built_on_an_outdated_version_is_refused(client, curator):
    meeting = make_summit()
    client = as_user(client, curator)
    stale = form_data(client.get(change_url(meeting)))
    fresh = dict(stale, title="First curator's title")
    assert client.post(change_url(meeting), fresh).status_code == 302
    stale["title"] = "Second curator's title"
    response = client.post(change_url(meeting), stale)
    assert response.status_code == 200
    assert "Someone else saved this meeting after you opened it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "First curator's title"


def publish(client, editor, meeting):
    client.force_login(editor)
    response = client.post("/admin/meetings/meeting/", {"action": "publish", "_selected_action": [meeting.pk]})
    assert response.status_code == 302
    client.logout()


def test_a_curators_edit_waits_for_an_editor_then_makes_a_new_version(client, curator, editor):
    meeting = record_version(meeting=make_summit())
    statement = Statement.objects.get(meeting=meeting, text=FRANK_EXCHANGES)
    client = as_user(client, curator)
    url = f"/admin/meetings/statement/{statement.pk}/change/"
    data = form_data(client.get(url))
    data["text"] = "At the end of the meeting the two leaders confirmed they will keep talking candidly."
    assert client.post(url, data).status_code == 302
    statement.refresh_from_db()
    assert statement.curated
    meeting.refresh_from_db()
    assert meeting.changes_pending
    staff_view = client.get(meeting.get_absolute_url()).content.decode()
    assert "keep talking candidly" in staff_view
    assert "This page shows a curator’s changes that wait for an Editor: readers see version 1" in staff_view
    client.logout()
    waiting = client.get(meeting.get_absolute_url()).content.decode()
    assert "keep talking candidly" not in waiting
    assert "will continue to hold frank exchanges of views" in waiting
    assert "version 2" not in waiting

    publish(client, editor, meeting)
    meeting.refresh_from_db()
    assert not meeting.changes_pending
    current = client.get(meeting.get_absolute_url()).content.decode()
    assert "keep talking candidly" in current
    assert "version 2" in current
    old = client.get(meeting.get_absolute_url() + "v/1/")
    assert old.status_code == 200
    assert old.context["view"].readouts[0].statements[1].text == FRANK_EXCHANGES
    html = old.content.decode()
    assert "keep talking candidly" not in html
    assert "You are reading <strong>version 1</strong>" in html
    revisions = [v.revision for v in Version.objects.get_for_object(meeting).order_by("-pk")[:2]]
    assert [r.user.username for r in revisions] == ["editor", "curator"]


def test_unknown_version_is_a_404(client):
    meeting = record_version(meeting=make_summit())
    response = client.get(meeting.get_absolute_url() + "v/9/")
    assert response.status_code == 404
    assert "This meeting has no version 9; it has 1." in response.content.decode()


def test_reimport_keeps_a_curators_edit_and_reports_the_conflict(client, curator, seeds, tmp_path, capsys):
    meeting = Meeting.objects.get(date="2017-09-07")
    client = as_user(client, curator)
    data = form_data(client.get(change_url(meeting)))
    data["city"] = "Vladivostok (Russky Island)"
    assert client.post(change_url(meeting), data).status_code == 302
    changed = tmp_path / seed_path("003").name
    changed.write_text(seed_path("003").read_text().replace("frank exchanges", "candid exchanges"))
    call_command("import_readouts", str(changed))
    out = capsys.readouterr().out
    assert (
        f"{changed.name}: conflict: city stays Vladivostok (Russky Island) as a curator set it; the readout says Vladivostok; flagged for review"
        in out
    )
    meeting.refresh_from_db()
    assert meeting.city == "Vladivostok (Russky Island)"
    assert meeting.needs_review
    assert Statement.objects.filter(meeting=meeting, text__contains="candid exchanges").exists()


def test_reimport_does_not_overwrite_curated_statements(seeds, tmp_path, capsys):
    meeting = Meeting.objects.get(date="2017-09-07")
    Statement.objects.filter(meeting=meeting, number="4").update(text="Curated text.", curated=True)
    changed = tmp_path / seed_path("003").name
    changed.write_text(seed_path("003").read_text().replace("frank exchanges", "candid exchanges"))
    call_command("import_readouts", str(changed))
    out = capsys.readouterr().out
    assert "a curator edited this readout's statements; the 5 statements of the changed text were not applied" in out
    assert Statement.objects.filter(meeting=meeting, text="Curated text.").exists()
    assert "candid exchanges" in Readout.objects.get(meeting=meeting).original_text


def test_merging_participants_moves_everything_and_redirects(client, editor):
    kono = make_participant(name="Taro Kono", slug="taro-kono")
    twin = make_participant(name="KONO Taro", slug="kono-taro-2", name_key="kono taro x")
    meeting = make_meeting(date=datetime.date(2018, 3, 17), principals=(twin,))
    meeting.statements.get().speakers.add(kono, twin)
    client = as_user(client, editor)
    response = client.post(
        "/admin/meetings/participant/",
        {"action": "merge", "apply": "1", "keep": kono.pk, "_selected_action": [kono.pk, twin.pk]},
    )
    assert response.status_code == 302
    assert not Participant.objects.filter(pk=twin.pk).exists()
    kono.refresh_from_db()
    assert kono.variants == ["KONO Taro"]
    assert meeting.attendances.filter(participant=kono).exists()
    assert ParticipantAlias.objects.get(slug="kono-taro-2").participant == kono
    redirect = client.get("/people/kono-taro-2/")
    assert (redirect.status_code, redirect["Location"]) == (301, "/people/taro-kono/")
    meeting.refresh_from_db()
    assert meeting.principal_slugs == ["taro-kono"]


def test_retag_reports_what_changed(client, editor):
    topic = Topic.objects.get(slug="takeshima-dokdo")  # the vocabulary a migration loads
    tagged = make_meeting(
        date=datetime.date(2012, 4, 7),
        statements=("The issues of Takeshima and economic relations were discussed.",),
        topics=(topic,),
    )
    talks = make_meeting(
        date=datetime.date(2017, 12, 19),
        statements=("The ministers recalled the leaders' meeting in Vladivostok on September 7.",),
    )
    summit = make_summit(statements=("Prime Minister Abe, who was visiting Vladivostok, met President Moon.",))
    topic.keywords = ["Takeshima", "Vladivostok"]
    topic.save()
    response = as_user(client, editor).post(
        "/admin/meetings/topic/", {"action": "retag_selected", "_selected_action": [topic.pk]}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Statements re-tagged (Takeshima / Dokdo: +2 −0); 2 meetings changed."]
    for meeting in (tagged, talks, summit):
        meeting.refresh_from_db()
    assert (tagged.topic_slugs, talks.topic_slugs, summit.topic_slugs) == (
        ["takeshima-dokdo"],
        ["takeshima-dokdo"],
        ["takeshima-dokdo"],
    )


def test_split_and_merge_a_statement(client, curator):
    pressure = "The two ministers confirmed that Japan and the ROK will continue to apply maximum pressure."
    also = "The two ministers also confirmed that they will cooperate towards the resolution of the abductions issue."
    first = "Minister Kono thanked the ROK for its explanation."
    last = "They will work together on bilateral relations."
    meeting = make_meeting(date=datetime.date(2018, 3, 17), statements=(first, f"{pressure} {also}", last))
    statement = Statement.objects.get(meeting=meeting, number="2")
    client = as_user(client, curator)
    text = statement.text.replace(" The two ministers also", "\n|||\nThe two ministers also")
    response = client.post(f"/admin/meetings/statement/{statement.pk}/split/", {"text": text})
    assert response.status_code == 302
    rows = list(
        Statement.objects.filter(meeting=meeting).order_by("position").values_list("position", "number", "text")
    )
    assert rows == [(1, "1", first), (2, "2", pressure), (3, "", also), (4, "3", last)]
    pair = Statement.objects.filter(meeting=meeting, position__in=[2, 3])
    response = client.post(
        "/admin/meetings/statement/", {"action": "merge", "_selected_action": list(pair.values_list("pk", flat=True))}
    )
    assert response.status_code == 302
    numbers = Statement.objects.filter(meeting=meeting).order_by("position").values_list("number", flat=True)
    assert list(numbers) == ["1", "2", "3"]
    assert Statement.objects.get(meeting=meeting, number="2").text == statement.text


def test_split_refuses_a_changed_text(client, curator):
    statement = make_meeting().statements.get()
    response = as_user(client, curator).post(
        f"/admin/meetings/statement/{statement.pk}/split/", {"text": "Other words ||| here"}
    )
    assert "Only add the ||| mark: the words must stay as they are." in response.content.decode()


def test_upload_shows_the_parse_then_imports_on_confirm(client, curator):
    client = as_user(client, curator)
    text = seed_path("001").read_text()
    upload = SimpleUploadedFile("new_readout.txt", text.encode())
    preview = client.post("/admin/meetings/meeting/upload/", {"file": upload})
    html = preview.content.decode()
    assert (
        "Fumio Kishida" in html
        and "Koro Bessho" in html
        and "2016-09-18" in html.replace("Sept. 18, 2016", "2016-09-18")
    )
    assert Readout.objects.count() == 0
    cancelled = client.post("/admin/meetings/meeting/upload/", {"cancel": "1"})
    assert cancelled.status_code == 302 and Readout.objects.count() == 0
    confirmed = client.post(
        "/admin/meetings/meeting/upload/", {"confirm": "1", "file_name": "new_readout.txt", "text": text}
    )
    assert confirmed.status_code == 302
    readout = Readout.objects.get()
    assert readout.file_name == "new_readout.txt" and readout.meeting.status == Status.DRAFT
    revision = Version.objects.get_for_object(readout.meeting).get().revision
    assert (revision.get_comment(), revision.user) == ("Uploaded new_readout.txt", curator)
    changed = text.replace("Bessho", "Besho")
    confirmed = client.post(
        "/admin/meetings/meeting/upload/", {"confirm": "1", "file_name": "new_readout.txt", "text": changed}
    )
    assert confirmed.status_code == 302
    assert Readout.objects.get().original_text == changed
    revisions = [v.revision for v in Version.objects.get_for_object(readout.meeting)]
    assert [(r.get_comment(), r.user) for r in revisions] == [
        ("Uploaded new_readout.txt", curator),
        ("Uploaded new_readout.txt", curator),
    ]


def test_upload_of_a_bad_file_says_why(client, curator):
    client = as_user(client, curator)
    response = client.post(
        "/admin/meetings/meeting/upload/", {"file": SimpleUploadedFile("bad.txt", b"\xff\xfe\x00\x01")}
    )
    assert "The file is binary, not text." in response.content.decode()
    response = client.post(
        "/admin/meetings/meeting/upload/", {"file": SimpleUploadedFile("recipe.txt", b"Flour and water.\n\nBake it.")}
    )
    assert "recipe.txt cannot be imported: no sentence says who met whom" in response.content.decode()


def test_admin_changelist_has_filters_and_facets(client, editor):
    make_meeting()
    response = as_user(client, editor).get("/admin/meetings/meeting/?_facets=True")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import a readout file" in html
    for title in ("By year", "By level", "By issuing government", "By status", "By needs review"):
        assert title in html


def test_every_seed_meeting_has_its_import_on_record(seeds):
    for meeting in Meeting.objects.all():
        comments = [v.revision.get_comment() for v in Version.objects.get_for_object(meeting)]
        assert comments == [f"Imported {meeting.readouts.get().file_name}"]


def test_a_curator_sets_the_date_no_readout_settled(client, curator):
    meeting = make_meeting(
        date=None,
        issuers=("KOR",),
        level=Level.SUMMIT,
        format=Format.TELEPHONE,
        status=Status.DRAFT,
        statements=("The two leaders agreed to keep in close touch.",),
    )
    client = as_user(client, curator)
    data = form_data(client.get(change_url(meeting)))
    assert "date" not in data  # empty
    data["date"] = "2018-04-24"
    assert client.post(change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert (str(meeting.date), meeting.date_source, meeting.year, meeting.curated_fields) == (
        "2018-04-24",
        "curator",
        2018,
        ["date"],
    )


def test_the_gazetteer_is_in_the_admin(client, editor):
    client = as_user(client, editor)
    response = client.get("/admin/meetings/officeholder/", {"q": "岸田"})
    assert response.status_code == 200
    assert "Fumio Kishida" in response.content.decode()
    assert "Minister for Foreign Affairs 2012–2017" in response.content.decode()
    assert client.get("/admin/meetings/office/", {"country__exact": "KOR"}).status_code == 200


def test_sixty_wrong_passwords_are_not_followed_by_a_sign_in_without_a_wait(client):
    from django.core.management import call_command

    User.objects.create_superuser("editor", password="the-right-password-at-last")
    for n in range(60):
        client.post("/admin/login/", {"username": "editor", "password": f"wrong-{n}"})
    response = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-at-last"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    call_command("axes_reset", verbosity=0)  # the wait over (or an administrator's reset)
    response = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-at-last"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_an_upload_near_the_size_limit_previews_and_its_confirm_imports(client, curator):
    from urllib.parse import urlencode

    from tests.conftest import seed_text

    client = as_user(client, curator)
    text = (
        seed_text("000")
        + "\n"
        + "\n".join(f"(Reference) Related materials on the meeting, number {n}" for n in range(60_000))
    )
    assert 2_900_000 < len(text.encode()) < 5 * 1024 * 1024
    preview = client.post("/admin/meetings/meeting/upload/", {"file": SimpleUploadedFile("big.txt", text.encode())})
    assert preview.status_code == 200 and preview.context["problem"] == ""
    body = urlencode({"confirm": "1", "file_name": "big.txt", "text": text})  # as a browser sends the form
    confirmed = client.post("/admin/meetings/meeting/upload/", body, content_type="application/x-www-form-urlencoded")
    assert confirmed.status_code == 302
    assert Readout.objects.filter(file_name="big.txt").exists()


def test_the_meeting_page_lists_each_participant_once_with_what_each_readout_records(client, editor):
    kishida = make_participant(name="Kishida Fumio")
    yun = make_participant(name="Yun Byung-se")
    meeting = make_meeting(
        issuers=("JPN", "KOR"),
        principals=(kishida,),
        attendees=({"participant": yun, "title": "Minister of Foreign Affairs", "country": "KOR"},),
    )
    Attendance.objects.create(meeting=meeting, participant=make_participant(name="Added Person"), role="mentioned")
    japan, korea = meeting.readouts.order_by("issuer")
    response = as_user(client, editor).get(change_url(meeting))

    html = response.content.decode()
    listed = html[html.index('<ul class="participants">') :]
    listed = listed[: listed.index("</ul>")]
    assert listed.count("Kishida Fumio") == 1
    assert listed.count("Yun Byung-se") == 1
    japan_url = f"/admin/meetings/readout/{japan.pk}/change/#attendances-group"
    korea_url = f"/admin/meetings/readout/{korea.pk}/change/#attendances-group"
    assert (
        f"<li><strong>Yun Byung-se</strong>: Attendee, Minister of Foreign Affairs, Republic of Korea "
        f'(<a href="{japan_url}">Japan’s readout</a>, <a href="{korea_url}">Republic of Korea’s readout</a>)</li>'
    ) in listed
    assert (
        '<li><strong>Added Person</strong>: Mentioned (<a href="#attendances-group">added by a curator</a>)</li>'
        in listed
    )
    # The meeting's own inline holds only the participant no readout records.
    (attendances,) = [i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Attendance]
    assert [f.instance.participant.name for f in attendances.forms] == ["Added Person"]


def test_a_readouts_participants_are_corrected_on_its_own_page_and_recorded(client, editor):
    kishida = make_participant(name="Kishida Fumio")
    meeting = record_version(meeting=make_meeting(issuers=("JPN", "KOR"), principals=(kishida,)))
    japan = meeting.readouts.get(issuer="JPN")
    url = f"/admin/meetings/readout/{japan.pk}/change/"
    page = as_user(client, editor).get(url)
    (attendances,) = [i.formset for i in page.context["inline_admin_formsets"]]
    assert [f.instance.participant for f in attendances.forms] == [kishida]
    data = form_data(page)
    data["attendances-0-title"] = "Minister for Foreign Affairs"
    added = make_participant(name="Sugiyama Shinsuke")
    data |= {
        "attendances-TOTAL_FORMS": "2",
        "attendances-1-participant": str(added.pk),
        "attendances-1-role": "attendee",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(
        Attendance.objects.filter(readout=japan).order_by("pk").values_list("participant__name", "title", "meeting")
    ) == [("Kishida Fumio", "Minister for Foreign Affairs", meeting.pk), ("Sugiyama Shinsuke", "", meeting.pk)]
    assert Attendance.objects.filter(readout__issuer="KOR").get().title == ""
    assert Version.objects.get_for_object(meeting).count() == 2
