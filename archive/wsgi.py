"""WSGI entry point."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
application = get_wsgi_application()

# Django, the project and their modules are loaded now (the URLconf imports the views): tens of
# thousands of objects that live as long as the process. Frozen, they are left out of the
# garbage collector's full collections, which otherwise walked all of them every few dozen
# requests, one request in a while waiting 40 ms for it (measured at 100,000 readouts; frozen,
# a full collection walks a few thousand objects).
get_resolver().url_patterns  # noqa: B018 - imports the views
gc.collect()
gc.freeze()
