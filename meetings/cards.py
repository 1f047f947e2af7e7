"""The meeting cards of the lists, each rendered once per version of the archive and kept in
the database (CardCache), for every server process: a page of results renders only the
cards nobody has asked for since the archive last changed.

A card is kept with two markers: where the query string of a search goes (so the highlight
follows the reader onto the meeting page) and where the matched statements go. A page's cards,
their ids and their matched statements are read in one statement (page_sql), which builds the
statements' HTML itself with a marker where the meeting's address goes. Everything a card
shows is escaped, in Python or in SQL, so no text of a readout can put a "<" in it, and none
can be taken for a marker.
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
from .search import CONFIG, HEADLINE_OPTIONS, WEBSEARCH

TEMPLATE = "includes/meeting_card.html"
QUERY_MARK = "<@q@>"
HITS_MARK = "<@hits@>"
# A page of a list in one statement: its meetings' ids (the list's own SQL, in its order), each
# with its card as kept at this version and template (NULL when none is) and, for a search,
# its best-matching statements, highlighted (HITS_SQL). The page's order is the order the
# list's ORDER BY ... LIMIT gives its rows, numbered as they come.
PAGE_SQL = """
    WITH page AS MATERIALIZED (SELECT p.pk, row_number() OVER () AS n FROM ({ids}) AS p (pk))
    SELECT page.pk, c.url, c.html, {hits}
    FROM page LEFT JOIN meetings_cardcache c ON c.meeting_id = page.pk AND c.version = %s AND c.template = %s
    ORDER BY page.n
"""
# A meeting's best-matching statements (at most HITS_PER_CARD) as the card's list of them, in
# HTML: each links to itself on the meeting page (the meeting's address, with the search, goes
# in at URL_MARK) and shows its headline, escaped, its words marked (ts_headline only for the
# statements shown; the functions are migration 0013's). NULL when none matches.
HITS_SQL = f"""(
      SELECT '<ul class="card__hits">' || string_agg(
               '<li><a class="hit__num" href="' || %s || '#s' || x.key || '">'
               || meetings_html_escape(r.issuer) || ' ' || meetings_html_escape(coalesce(nullif(x.number, ''), '¶'))
               || '</a> ' || meetings_marked(ts_headline(%s::regconfig, x.text, q, %s)) || '</li>',
               '' ORDER BY x.nth) || '</ul>'
      FROM (
        SELECT s.readout_id, s.key, s.number, s.position, s.text,
               row_number() OVER (ORDER BY ts_rank(s.search_vector, q) DESC, s.id) AS nth
        FROM meetings_statement s, {WEBSEARCH} AS q
        WHERE s.meeting_id = page.pk AND s.search_vector @@ q
      ) AS x JOIN meetings_readout r ON r.id = x.readout_id, {WEBSEARCH} AS q
      WHERE x.nth <= %s
    )"""
URL_MARK = "<@url@>"
HITS_PER_CARD = 3
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


def page_sql(ids, version: int, search_text: str = "") -> tuple[str, list]:
    """The statement that reads a page of a list (PAGE_SQL): `ids`, a queryset of the page's
    meeting ids, in order; the rows are read by page_cards()."""
    ids_sql, ids_params = ids.query.get_compiler(ids.db).as_sql()
    if search_text:
        hits = HITS_SQL
        hits_params = [URL_MARK, CONFIG, HEADLINE_OPTIONS, CONFIG, search_text, CONFIG, search_text, HITS_PER_CARD]
    else:
        hits, hits_params = "NULL", []
    sql = PAGE_SQL.format(ids=ids_sql, hits=hits)
    return sql, [*ids_params, *hits_params, version, template_fingerprint(TEMPLATE)]


def page_cards(rows: list[tuple], version: int, search_text: str = "") -> list[SafeString]:
    """The cards of a page read by page_sql()'s statement, in its order, for a search (or none)
    and its matched statements: a card nobody has asked for at this version of the archive is
    rendered (in a fixed number of queries) and kept (one query)."""
    if not rows:
        return []
    found = {pk: (url, html) for pk, url, html, _ in rows if html is not None}
    missing = [pk for pk, _, html, _ in rows if html is None]
    if missing:
        fresh = {pk: render_card(m) for pk, m in Meeting.objects.with_related().in_bulk(missing).items()}
        if fresh:
            with connection.cursor() as cursor:
                pks = list(fresh)
                urls, htmls = [fresh[pk][0] for pk in pks], [fresh[pk][1] for pk in pks]
                cursor.execute(KEEP_SQL, [template_fingerprint(TEMPLATE), pks, [version] * len(pks), urls, htmls])
        found.update(fresh)
    query = "?q=" + urlencode(search_text) if search_text else ""
    query_html = escape(query)
    shown = []
    for pk, _, _, hits in rows:
        if pk not in found:  # deleted since its id was read
            continue
        url, html = found[pk]
        hits = hits.replace(URL_MARK, escape(url + query)) if hits else ""
        shown.append(mark_safe(html.replace(QUERY_MARK, query_html).replace(HITS_MARK, hits)))  # noqa: S308
    return shown  # each rendered by TEMPLATE or HITS_SQL, whatever is put in escaped
