from pathlib import Path

import pytest
from django.core.management import call_command

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "readouts"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test keeps what it keeps in a cache of its own, in memory (meetings.caching)."""
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {
        "default": {**locmem, "LOCATION": "pages"},
        "archive": {**locmem, "LOCATION": "archive"},
        "cards": {**locmem, "LOCATION": "cards"},
    }
    from django.core.cache import cache, caches

    from meetings import facetindex

    cache.clear()
    caches["archive"].clear()
    caches["cards"].clear()
    facetindex._kept.clear()


@pytest.fixture
def seeds(db):
    """The five seed readouts, imported."""
    call_command("import_readouts", "--publish", str(SEEDS), verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the seeds imported once for the read-only page tests."""
    yield


# Property-based tests: a size that keeps `make test` fast; `--hypothesis-profile=long` for a
# long run (pytest -p hypothesis reads the option).
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("default", max_examples=150, deadline=None)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")
