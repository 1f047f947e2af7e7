"""What the public pages keep, in Django's cache framework.

Everything kept for readers (whole pages, and the facet counts a new page needs) is found by a
version of what it shows. The meeting list's pages compute theirs from the data they show
(MeetingFilter.shown_version: the names of people and topics, the counts and order of the
meetings, the meetings on the page), so that an edit to one meeting leaves kept the lists that
do not show it. The other pages are kept under the archive's version, which has two parts. One
is a cache entry: the write paths that change what the public sees call archive_changed(),
which sets it anew once their transaction commits (transaction.on_commit). The other the data
gives: the newest `modified` of the published meetings, read from the database the page reads
(a replica that has not yet replayed a change still shows the older version, and what it counts
is kept under that one). Entries of an older version are never read again and expire by
themselves. No database trigger, no row every write waits on, nothing deleted inside an
editor's transaction, and a GET request never writes to the database: the public site can be
served from read-only replicas.

The versions are kept in a cache of their own (settings.CACHES["archive"]), so that what a full
cache lets go is never a version. The cache is settings.CACHES["default"]: a file-based cache, shared by the processes of one
machine, unless CACHE_URL names a shared one (Redis) for several app servers.
"""

import functools
import hashlib
import json
import time

from django.core.cache import cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

VERSION_KEY = "archive:version"
NAMES_KEY = "archive:names"
DELETIONS_KEY = "archive:deletions"
KEEP_SECONDS = 24 * 60 * 60  # what is kept for readers expires after a day in any case
CARD_SECONDS = 7 * KEEP_SECONDS  # a meeting's card, found by its own version (card_parts)


def _version(key: str) -> int:
    """A version kept in the versions' cache: set when first asked, and anew by the write paths."""
    versions = caches["archive"]
    version = versions.get(key)
    if version is None:
        versions.add(key, time.time_ns(), timeout=None)
        version = versions.get(key, 0)
    return version


def _set_anew(key: str, using: str | None = None) -> None:
    """Set a version anew once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: caches["archive"].set(key, time.time_ns(), timeout=None), using=using)


def changes_seen() -> int:
    """The cache's part of the archive's version: set anew after each change (archive_changed)."""
    return _version(VERSION_KEY)


def names_version() -> int:
    """The version of the names pages show beside the meetings' own (people's, topics'): set
    anew after each change to one (names_changed)."""
    return _version(NAMES_KEY)


def deletions_seen() -> int:
    """Set anew after a meeting is deleted (meeting_deleted), which no `modified` tells of."""
    return _version(DELETIONS_KEY)


def names_changed() -> None:
    """Once the current transaction commits, the pages that show people's or topics' names are
    found no more; the archive changes with them (archive_changed)."""
    _set_anew(NAMES_KEY)
    archive_changed()


def meeting_deleted(using: str | None = None) -> None:
    """Once the current transaction commits, each process's facet index reads every meeting again."""
    _set_anew(DELETIONS_KEY, using)


def card_parts(meeting, names: int) -> list:
    """What a meeting's card (the list's card partial, in {% cache %}) is kept under: the
    meeting and its `modified`, which every change to what the card shows sets anew (its own
    columns, and through refresh_derived its readouts, people and topics), and the names'
    version (names_version), since a person's or a topic's name is shown too."""
    return [meeting.pk, meeting.modified, names]


def unkept_cards(meetings: list, names: int) -> list:
    """Those of these meetings whose card is not kept in the cards' cache: only they need their
    people and topics read (models.card_lookups). One get_many for the page."""
    keys = {meeting.pk: make_template_fragment_key("card", card_parts(meeting, names)) for meeting in meetings}
    found = caches["cards"].get_many(keys.values())
    return [meeting for meeting in meetings if keys[meeting.pk] not in found]


def archive_version(request=None) -> str:
    """The archive's version: the cache's part, set when first asked and anew after each change
    (archive_changed), and the newest change to a published meeting in the database read (one
    index probe): a draft's changes leave it as it is. Read once for a request: what its page
    keeps and reads is all of one version."""
    from .models import Meeting

    if request is not None and hasattr(request, "archive_version"):
        return request.archive_version
    version = changes_seen()
    newest = Meeting.objects.published().aggregate(newest=Max("modified"))["newest"]
    version = f"{version}.{newest.timestamp() if newest else 0}"
    if request is not None:
        request.archive_version = version
    return version


def archive_changed(using: str | None = None) -> None:
    """Once the current transaction commits (at once outside one), the public pages show the
    change: what was kept for readers is found no more. A rolled-back change keeps it."""
    _set_anew(VERSION_KEY, using)


def kept_key(kind: str, version: str, parts: list) -> str:
    """The cache key of something kept at a version of the archive: its kind and what it
    depends on (JSON-serialisable values), hashed."""
    digest = hashlib.sha256(json.dumps([version, *parts], default=str).encode()).hexdigest()
    return f"{kind}:{digest}"


def kept(kind: str, version: str, parts: list, compute):
    """The value kept under these parts at this version of the archive (archive_version()),
    computed and kept if it is not."""
    key = kept_key(kind, version, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, KEEP_SECONDS)
    return value


def kept_page(view):
    """A public page kept whole, at the archive's version, for readers who are not signed in.

    The next reader of the same address (its host and query string included) gets the page as the first
    one was answered, without a query but the version's (kept_key): Django's cache framework
    keeps the response once it is rendered (a post-render callback, as Django's documentation of
    TemplateResponse suggests for caching). The day is part of the key, since a meeting's
    citations say when it was read. Only a 200 is kept: an error, a redirect, a 400 for a
    malformed choice or a 410 is answered anew each time; a signed-in curator's pages (drafts
    and previews shown) are never kept, nor anything that sets a cookie.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return kept_response(request, archive_version(request), lambda: view(request, *args, **kwargs))

    return wrapped


def kept_response(request, version: str, respond):
    """The response kept for this address (its host and query string included) and day at this
    version of what the page shows, or respond()'s, kept once it is rendered if it is a 200
    without cookies (kept_page). The caller decides who is served kept pages."""
    key = kept_key("page", version, [request.build_absolute_uri(), timezone.localdate()])
    response = cache.get(key)
    if response is not None:
        return response
    response = respond()

    def keep(response):
        if response.status_code == 200 and not response.cookies:
            cache.set(key, response, KEEP_SECONDS)

    if getattr(response, "is_rendered", True):
        keep(response)
    else:
        response.add_post_render_callback(keep)
    return response
