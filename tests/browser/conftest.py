"""Browser tests: Playwright driving Debian's Chromium against a live server.

Skipped, with the reason printed, where there is no Chromium: `apt-get install chromium`.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import SEEDS

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the Django calls the tests make
# around it (fixtures, assertions on the database) are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="no Chromium found: apt-get install chromium (or set CHROMIUM=/path) to run the browser tests"
    )
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def archive(live_server, transactional_db):
    """The live server with the seed readouts imported."""
    # A transactional test starts from empty tables: the topics the migration loaded are gone.
    call_command("loaddata", str(settings.READOUT_FIXTURES / "topics.json"), verbosity=0)
    call_command("import_readouts", "--publish", str(SEEDS), verbosity=0)
    return live_server.url


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def roles(transactional_db):
    """The Curator and Editor groups, made as their migrations make them: a transactional test's
    flush empties the groups (post_migrate makes the permissions again, not the groups), so a
    browser test run after another would find none."""
    from django.db import connection, migrations
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    for key in [("meetings", "0003_roles"), ("meetings", "0018_gazetteer_roles")]:
        state = loader.project_state(key, at_end=True)
        for operation in loader.get_migration(*key).operations:
            if isinstance(operation, migrations.RunPython):
                operation.code(state.apps, None)
