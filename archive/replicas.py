"""Reads of the public pages from read-only PostgreSQL replicas (DATABASE_REPLICA_URLS).

The router sends a query to a replica only while a request of a reader who is not signed in
asks for a public page (ReplicaMiddleware says so); everything else (the admin, a signed-in
curator's own pages, imports and other commands, the shell, migrations) reads and writes the
primary, "default". Without replicas every query goes to the primary.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.urls import reverse

REPLICAS = ContextVar("replicas", default=())  # the replicas the current request may read from


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = REPLICAS.get()
        return random.choice(replicas) if replicas else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    """A reader's GET or HEAD of a public page reads from the replicas, one drawn at random per
    query; the admin and signed-in staff read from the primary, so they see their own changes
    at once, whatever the replicas' lag."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = tuple(replica_aliases())

    def __call__(self, request):
        public = (
            self.replicas
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(reverse("admin:index"))
            and not request.user.is_authenticated
        )
        token = REPLICAS.set(self.replicas if public else ())
        try:
            response = self.get_response(request)
        finally:
            REPLICAS.reset(token)
        if public and response.streaming:  # a download reads on as it is sent: from the replicas too
            response.streaming_content = self.from_replicas(response.streaming_content)
        return response

    def from_replicas(self, content):
        token = REPLICAS.set(self.replicas)
        try:
            yield from content
        finally:
            REPLICAS.reset(token)
