"""The Content Security Policy holds in a browser: the public pages and the admin a curator uses
run no inline script or style, and load nothing from elsewhere."""

import pytest
from django.contrib.auth.models import User

from meetings.models import Meeting, Topic

pytestmark = pytest.mark.browser


def test_no_page_breaks_the_content_security_policy(page, archive):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    User.objects.create_superuser("editor", password="a-long-editor-password")
    meeting = Meeting.objects.get(date="2017-09-07")
    topic = Topic.objects.filter(meetings__isnull=False).first()
    for path in ["/", "/?q=Kono", "/statements/?q=minister", meeting.get_absolute_url(), topic.get_absolute_url()]:
        response = page.goto(archive + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(archive + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-editor-password")
    page.get_by_role("button", name="Log in").click()
    for path in [
        f"/admin/meetings/meeting/{meeting.pk}/change/",
        "/admin/meetings/meeting/",
        "/admin/meetings/officeholder/",
    ]:
        page.goto(archive + path)
        page.wait_for_load_state("networkidle")
    assert refused == []
