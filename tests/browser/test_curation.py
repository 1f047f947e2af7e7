"""A curator at work, in a browser: the change waits for an Editor, the old version's permalink keeps its text."""

import pytest
from django.contrib.auth.models import Group, User

from meetings.models import Meeting, Statement

pytestmark = pytest.mark.browser


def sign_in(page, archive, name):
    page.context.clear_cookies()
    page.goto(archive + "/admin/login/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"a-long-{name}-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(archive + "/admin/")


def test_a_curators_edit_waits_for_an_editor_and_the_old_version_keeps_the_old_text(page, archive, roles, shot):
    for name, group in (("curator", "Curator"), ("editor", "Editor")):
        user = User.objects.create_user(name, password=f"a-long-{name}-password", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    meeting = Meeting.objects.get(date="2017-09-07")
    statement = Statement.objects.get(meeting=meeting, number="4")

    sign_in(page, archive, "curator")
    page.goto(f"{archive}/admin/meetings/statement/{statement.pk}/change/")
    page.locator("#id_text").fill("At the end of the meeting the two leaders agreed to keep talking candidly.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{archive}/admin/meetings/statement/")
    shot(page, "admin-statements")
    page.goto(archive + meeting.get_absolute_url())
    assert "keep talking candidly" in page.locator(f"#s{statement.key}").inner_text()
    assert "wait for an Editor" in page.locator(".notice--error").inner_text()
    shot(page, "meeting-changes-waiting")

    page.context.clear_cookies()  # a reader still sees the published text
    page.goto(archive + meeting.get_absolute_url())
    assert "continue to hold frank exchanges of views" in page.locator(f"#s{statement.key}").inner_text()

    sign_in(page, archive, "editor")
    page.goto(archive + "/admin/meetings/meeting/?changes_pending__exact=1")
    page.locator(f"input[name=_selected_action][value='{meeting.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Run").click()
    assert "Published 1 meeting." in page.locator(".messagelist").inner_text()

    page.context.clear_cookies()
    page.goto(archive + meeting.get_absolute_url())
    assert "keep talking candidly" in page.locator(f"#s{statement.key}").inner_text()
    assert page.locator(".versions li").count() == 2
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_url(f"{archive}{meeting.get_absolute_url()}v/1/")
    old = page.locator(f"#s{statement.key}").inner_text()
    assert "continue to hold frank exchanges of views" in old and "candidly" not in old
    assert "You are reading version 1" in page.locator(".notice--version").inner_text()
    shot(page, "meeting-version-1")
