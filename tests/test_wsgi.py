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
