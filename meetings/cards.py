"""The meeting cards of the lists, each rendered once per version of the archive and kept in
the database (CardCache), for every server process: a page of results renders only the
cards nobody has asked for since the archive last changed.

A card is kept with two markers: where the query string of a search goes (so the highlight
follows the reader onto the meeting page) and where the matched statements go. Everything a
card shows is escaped, so no text of a readout can put a "<" in it, and none can be taken for
a marker.
"""

import functools
import hashlib
from html import escape

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.template.defaultfilters import urlencode
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from .models import Meeting

TEMPLATE = "includes/meeting_card.html"
QUERY_MARK = "<@q@>"
HITS_MARK = "<@hits@>"
READ_SQL = """
    SELECT meeting_id, url, html FROM meetings_cardcache
    WHERE meeting_id = ANY(%s) AND version = %s AND template = %s
"""
KEEP_SQL = """
    INSERT INTO meetings_cardcache (meeting_id, version, template, url, html)
    SELECT m, v, %s, u, h FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS k(m, v, u, h)
    ON CONFLICT (meeting_id) DO UPDATE
    SET version = EXCLUDED.version, template = EXCLUDED.template, url = EXCLUDED.url, html = EXCLUDED.html
"""


def template_fingerprint(*names: str) -> int:
    """A number that changes with the source of any of these templates, kept with the HTML
    rendered from them: after a deploy that changed a template, nothing rendered from the old
    one is read, though the archive itself has not changed. Worked out once per process (per
    request while DEBUG is on, when templates are edited under a running server)."""
    if settings.DEBUG:
        return _fingerprint.__wrapped__(names)
    return _fingerprint(names)


@functools.cache
def _fingerprint(names: tuple[str, ...]) -> int:
    digest = hashlib.blake2b(digest_size=8)
    for name in names:
        digest.update(name.encode() + b"\0" + get_template(name).template.source.encode() + b"\0")
    return int.from_bytes(digest.digest(), "big", signed=True)


@receiver(setting_changed)
def _templates_changed(setting, **kwargs):
    if setting == "TEMPLATES":
        _fingerprint.cache_clear()


def render_card(meeting: Meeting) -> tuple[str, str]:
    """A meeting's card, with the markers, and its address."""
    html = render_to_string(
        TEMPLATE, {"meeting": meeting, "query_mark": mark_safe(QUERY_MARK), "hits_mark": mark_safe(HITS_MARK)}
    )
    return meeting.get_absolute_url(), html


def cards(ids: list[int], version: int, search_text: str = "", hits: dict | None = None) -> list[SafeString]:
    """The cards of these meetings, in this order, for a search (or none) and its matched
    statements: those kept at this version of the archive read in one query, the others
    rendered (in a fixed number of queries) and kept (one query)."""
    if not ids:
        return []
    template = template_fingerprint(TEMPLATE)
    with connection.cursor() as cursor:
        cursor.execute(READ_SQL, [ids, version, template])
        found = {pk: (url, html) for pk, url, html in cursor.fetchall()}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        fresh = {pk: render_card(m) for pk, m in Meeting.objects.with_related().in_bulk(missing).items()}
        if fresh:
            with connection.cursor() as cursor:
                pks = list(fresh)
                urls, htmls = [fresh[pk][0] for pk in pks], [fresh[pk][1] for pk in pks]
                cursor.execute(KEEP_SQL, [template, pks, [version] * len(pks), urls, htmls])
        found.update(fresh)
    query = "?q=" + urlencode(search_text) if search_text else ""
    query_html, hits = escape(query), hits or {}
    shown = []
    for pk in ids:
        if pk not in found:  # deleted since its id was read
            continue
        url, html = found[pk]
        html = html.replace(QUERY_MARK, query_html).replace(HITS_MARK, hits_html(hits.get(pk, []), url, query))
        shown.append(mark_safe(html))  # noqa: S308 - rendered by TEMPLATE; the parts put in are escaped
    return shown


def hits_html(hits: list[dict], url: str, query: str) -> str:
    """A card's matched statements, each linking to itself on the meeting page (the snippets
    are escaped already, by render_marked). Plain formatting: format_html costs more than the
    rest of the page here."""
    if not hits:
        return ""
    href = escape(url + query)
    items = "".join(
        f'<li><a class="hit__num" href="{href}#r{int(h["readout_id"])}-{int(h["position"])}">'
        f"{escape(h['issuer'])} {escape(h['number'] or '¶')}</a> {h['snippet']}</li>"
        for h in hits
    )
    return f'<ul class="card__hits">{items}</ul>'
