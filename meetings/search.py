"""Full-text search: the query users type, the highlights they see.

Queries use PostgreSQL's web-search syntax (websearch_to_tsquery): "quoted phrases",
``or``, and ``-excluded`` words. Highlights are produced by ts_headline with control
characters as markers; the text is escaped first and the markers become <mark>, so nothing
from a readout or a query reaches the page unescaped.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connections, router
from django.db.models import F, Func, TextField, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "english"
MAX_QUERY_LENGTH = 300
START, STOP = "\x02", "\x03"
WELL_MARKED = re.compile(f"[^{START}{STOP}]*({START}[^{START}{STOP}]*{STOP}[^{START}{STOP}]*)*")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_query(raw: str | None) -> tuple[str, str]:
    """The query to run and a note for the reader when it had to be changed."""
    text = CONTROL.sub(" ", raw or "").strip()
    note = ""
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
        note = f"Your search was longer than {MAX_QUERY_LENGTH} characters and was shortened."
    return text, note


class CJKBigrams(Func):
    """The overlapping pairs of characters of a text's Japanese, Chinese and Korean runs, which
    PostgreSQL's parsers do not split into words (SQL function of migration 0016)."""

    function = "cjk_bigrams"
    output_field = TextField()


def search_query(text: str) -> SearchQuery:
    return SearchQuery(
        Func(Value(text), function="cjk_query", output_field=TextField()), search_type="websearch", config=CONFIG
    )


# A query's Japanese, Chinese and Korean runs are searched as the phrase of their pairs of
# characters (cjk_query, migration 0016), as the search vectors index them.
WEBSEARCH = "websearch_to_tsquery(%s::regconfig, cjk_query(%s))"  # with [CONFIG, text]


def has_lexemes(text: str) -> bool:
    """Whether the query has any word PostgreSQL can look for (not only punctuation or stop words)."""
    with connections[router.db_for_read(None)].cursor() as cursor:
        cursor.execute(f"SELECT {WEBSEARCH}::text <> ''", [CONFIG, text])
        return cursor.fetchone()[0]


def headline(field: str, text: str, *, whole: bool = False) -> SearchHeadline:
    options = {"start_sel": START, "stop_sel": STOP, "highlight_all": whole}
    if not whole:
        options.update(max_words=45, min_words=20, max_fragments=2, fragment_delimiter=" … ")
    return SearchHeadline(F(field), search_query(text), config=CONFIG, **options)


def render_marked(text: str) -> SafeString:
    """A headline escaped (Django's escape), its markers turned into <mark> elements."""
    if not WELL_MARKED.fullmatch(text):  # ts_headline closes each mark it opens; be sure
        return escape(text.replace(START, "").replace(STOP, ""))
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped


def highlight_texts(texts: list[str], text: str) -> list[tuple[bool, SafeString]]:
    """For each text: whether it matches the search, and the whole text with its words marked."""
    if not texts:
        return []
    sql = (
        "SELECT to_tsvector(%s::regconfig, t || ' ' || cjk_bigrams(t)) @@ q, ts_headline(%s::regconfig, t, q, %s)"
        f" FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n), {WEBSEARCH} AS q ORDER BY n"
    )
    options = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
    with connections[router.db_for_read(None)].cursor() as cursor:
        cursor.execute(sql, [CONFIG, CONFIG, options, texts, CONFIG, text])
        rows = cursor.fetchall()
    return [
        (bool(matched), render_marked(marked) if matched else escape(t))
        for (matched, marked), t in zip(rows, texts, strict=True)
    ]
