"""The server's entry point."""

import gc
import importlib


def test_the_wsgi_entry_point_freezes_what_loading_made():
    """Objects made while Django and the project load are left out of full garbage collections
    in a server process (archive/wsgi.py says why)."""
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        module = importlib.reload(importlib.import_module("archive.wsgi"))
        assert callable(module.application)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_production_server_keeps_its_connection_and_checks_it_before_use():
    """With DEBUG off a server process keeps one connection for its life (archive/settings.py
    says why); with DEBUG on (the development server) each request has its own."""
    import json
    import os
    import subprocess
    import sys

    def database_settings(debug: str) -> dict:
        env = {**os.environ, "DEBUG": debug, "SECRET_KEY": "x", "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db"}
        code = (
            "import json; from django.conf import settings; d = settings.DATABASES['default'];"
            " print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
        )
        env["DJANGO_SETTINGS_MODULE"] = "archive.settings"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    assert database_settings("false") == [None, True]
    assert database_settings("true") == [0, True]


def test_production_settings_from_the_environment_pass_the_deployment_checks():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN",
        "ALLOWED_HOSTS": "archive.example.org",
        "DJANGO_SETTINGS_MODULE": "archive.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' event loop, never in deployment
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert (out.returncode, out.stdout.strip()) == (0, "System check identified no issues (0 silenced)."), out.stderr
    # Each setting is the environment's when it is set there.
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    env.update(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="60")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "60"]


def test_archives_of_two_databases_sharing_a_cache_keep_apart():
    """What is kept is found under the database's own prefix: the archive `make run` serves and
    the benchmark's, sharing one checkout's file cache, never read each other's entries."""
    import json
    import os
    import subprocess
    import sys

    def prefixes(url: str) -> list[str]:
        env = {**os.environ, "SECRET_KEY": "x", "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "archive.settings"}
        code = (
            "import json; from django.conf import settings;"
            " print(json.dumps([settings.CACHES[a]['KEY_PREFIX'] for a in ('default', 'archive')]))"
        )
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    served, bench = (
        prefixes("postgres://u:p@127.0.0.1:1/readouts"),
        prefixes("postgres://u:p@127.0.0.1:1/readouts_bench"),
    )
    assert served == prefixes("postgres://u:p@127.0.0.1:1/readouts")
    assert served[0] != bench[0] and served[1] != bench[1]
    assert prefixes("postgres://u:p@127.0.0.1:2/readouts")[1] != served[1]
