"""gunicorn's settings for the archive, read when gunicorn is started in the project folder.

Garbage is collected between requests rather than during them. A page leaves a few thousand
objects in reference cycles (request, form, filters and their filterset), which the collector
otherwise gathered in the middle of about one request in twenty: 2–3.3 ms each time (measured
at 100,000 readouts in a gunicorn worker over 200 searches). Here each worker collects the young
generations once its response is written (and everything every thousand requests), and its
automatic threshold is raised so high that only a request making tens of thousands of objects
sets it off (a safety valve, not the rule).
"""

import gc

FULL_COLLECTION_EVERY = 1000  # requests
YOUNG_THRESHOLD = 50_000  # objects made and kept, in one request, before a collection runs anyway


def post_fork(server, worker):
    gc.set_threshold(YOUNG_THRESHOLD, 50, 100)
    worker.requests_served = 0


def post_request(worker, req, environ, resp):
    worker.requests_served = getattr(worker, "requests_served", 0) + 1
    gc.collect(2 if worker.requests_served % FULL_COLLECTION_EVERY == 0 else 1)
