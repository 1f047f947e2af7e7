"""axe-core (Deque's accessibility engine, bundled by axe-playwright-python) on every kind of
page, public and admin: no violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from meetings.models import Meeting

pytestmark = pytest.mark.browser

AXE = Axe()


def violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]


def public_pages() -> list[str]:
    meeting = Meeting.objects.get(date="2017-09-07")
    both = Meeting.objects.filter(issuers__contains=["JPN", "KOR"]).first()
    pages = [
        "/",
        "/?q=%22comfort+women%22",
        "/?q=zzyzx&level=summit",
        "/?level=summit&page=99",
        "/statements/",
        "/statements/?q=Kono&year=2017",
        meeting.get_absolute_url(),
        meeting.get_absolute_url() + "?q=pressure",
        meeting.get_absolute_url() + "v/1/",
        meeting.get_absolute_url() + "v/1/changes/",
        "/people/",
        "/people/?name=kono",
        "/topics/",
        "/topics/abductions/",
        "/people/taro-kono/",
        "/meetings/nosuchid/",
    ]
    if both:
        pages.append(both.get_absolute_url() + "compare/")
    return pages


def test_no_public_page_has_an_accessibility_violation(page, archive):
    found = {}
    for path in public_pages():
        page.goto(archive + path)
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")  # what a reader may open
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_no_admin_page_has_an_accessibility_violation(page, archive):
    User.objects.create_superuser("editor", password="a-long-editor-password")  # every admin page
    page.goto(archive + "/admin/login/")
    assert violations(page) == []
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-editor-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(archive + "/admin/")
    meeting = Meeting.objects.get(date="2017-09-07")
    found = {}
    for path in [
        "/admin/",
        "/admin/meetings/meeting/",
        f"/admin/meetings/meeting/{meeting.pk}/change/",
        f"/admin/meetings/readout/{meeting.readouts.first().pk}/change/",
        "/admin/meetings/meeting/upload/",
        "/admin/meetings/statement/",
        f"/admin/meetings/statement/{meeting.statements.first().pk}/change/",
        "/admin/meetings/participant/",
        f"/admin/meetings/meeting/{meeting.pk}/history/",
    ]:
        page.goto(archive + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}
