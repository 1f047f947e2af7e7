"""A curator at work, in a browser: the public page changes, the old version's permalink does not."""

import pytest
from django.contrib.auth.models import Group, User

from meetings.models import Meeting, Statement

pytestmark = pytest.mark.browser


def test_curator_edits_a_statement_and_the_old_version_keeps_the_old_text(page, archive, shot):
    user = User.objects.create_user("curator", password="a-long-curator-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    meeting = Meeting.objects.get(date="2017-09-07")
    statement = Statement.objects.get(meeting=meeting, number="4")

    page.goto(archive + "/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-curator-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{archive}/admin/meetings/statement/{statement.pk}/change/")
    page.locator("#id_text").fill("At the end of the meeting the two leaders agreed to keep talking candidly.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{archive}/admin/meetings/statement/")
    shot(page, "admin-statements")

    page.goto(archive + meeting.get_absolute_url())
    assert "keep talking candidly" in page.locator(f"#r{statement.readout_id}-{statement.position}").inner_text()
    assert page.locator(".versions li").count() == 2
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_url(f"{archive}{meeting.get_absolute_url()}v/1/")
    old = page.locator(f"#r{statement.readout_id}-{statement.position}").inner_text()
    assert "continue to hold frank exchanges of views" in old and "candidly" not in old
    assert "You are reading version 1" in page.locator(".notice--version").inner_text()
    shot(page, "meeting-version-1")
