"""Full-text search: the query users type, the highlights they see.

Queries use PostgreSQL's web-search syntax (websearch_to_tsquery): "quoted phrases",
``or``, and ``-excluded`` words; a word ending in ``*`` (``Kon*``) stands for every word that
begins so, a prefix PostgreSQL matches against the indexed words (``kon:*``), and must be found
as a plain word must. Accents are set aside (the "archive" configuration, migration 0027). Highlights are produced by ts_headline with control
characters as markers; the text is escaped first and the markers become <mark>, so nothing
from a readout or a query reaches the page unescaped.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connections, router
from django.db.models import F, Func, TextField, Value
from django.db.models.sql import Query
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

CONFIG = "archive"  # English, accents set aside (migration 0027): "Kōno" finds "Kono"
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


# What a prefix is: a word the reader ended with "*", outside quotes, of letters and digits only
# (so that it is safe in to_tsquery's own syntax). A quoted phrase is matched whole, so that
# what it holds is left to websearch_to_tsquery.
PREFIX_OR_QUOTED = re.compile(r'"[^"]*"?|(?<![\w*])(-?)([^\W_]+)\*+')
CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def split_prefixes(text: str) -> tuple[str, list[str]]:
    """The query without its prefixes (for websearch_to_tsquery), and the prefixes, lower case.
    A prefix is always required, as a plain word is ("Kon* or Abe" asks for both). An excluded
    one ("-Kon*") and a Japanese, Chinese or Korean one (searched by its pairs of characters
    whatever follows) keep their word and lose their "*"."""
    prefixes = []

    def take(match: re.Match) -> str:
        excluded, word = match.groups()
        if word is None:  # a quoted phrase
            return match.group()
        if excluded or CJK_RUN.search(word):
            return excluded + word
        prefixes.append(word.lower())
        return " "

    return PREFIX_OR_QUOTED.sub(take, text).replace("*", " "), prefixes


def search_query(text: str) -> SearchQuery:
    """The reader's query as PostgreSQL's: web-search syntax, its Japanese, Chinese and Korean
    runs searched as the phrase of their pairs of characters (cjk_query, migration 0016), as
    the search vectors index them, and each prefix ("Kon*") required beside it."""
    rest, prefixes = split_prefixes(text)
    query = SearchQuery(
        Func(Value(rest), function="cjk_query", output_field=TextField()), search_type="websearch", config=CONFIG
    )
    for prefix in prefixes:
        query &= SearchQuery(f"{prefix}:*", search_type="raw", config=CONFIG)
    return query


def query_sql(text: str, using: str) -> tuple[str, list]:
    """search_query(text) as SQL and its parameters, for the statements that read texts which
    are not columns (has_lexemes, highlight_texts)."""
    query = Query(None)
    return query.get_compiler(using=using).compile(search_query(text).resolve_expression(query))


def has_lexemes(text: str) -> bool:
    """Whether the query has any word PostgreSQL can look for (not only punctuation or stop words)."""
    using = router.db_for_read(None)
    sql, params = query_sql(text, using)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text <> ''", params)
        return cursor.fetchone()[0]


def headline(field: str, text: str, *, whole: bool = False) -> SearchHeadline:
    options = {"start_sel": START, "stop_sel": STOP, "highlight_all": whole}
    if not whole:
        options.update(max_words=45, min_words=20, max_fragments=2, fragment_delimiter=FRAGMENT_DELIMITER)
    return SearchHeadline(F(field), search_query(text), config=CONFIG, **options)


def render_marked(text: str) -> SafeString:
    """A headline escaped (Django's escape), its markers turned into <mark> elements."""
    if not WELL_MARKED.fullmatch(text):  # ts_headline closes each mark it opens; be sure
        return escape(text.replace(START, "").replace(STOP, ""))
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped


FRAGMENT_DELIMITER = " … "


TAG = re.compile(r"<[^<>]*>")


def letters(text: str) -> str:
    """The text's letters and digits alone, to compare a passage with the text it is from."""
    return re.sub(r"[\W_]+", "", text)


def render_passage(marked: str, text: str) -> SafeString:
    """A headline of passages (render_marked), with an ellipsis where it leaves the text's
    beginning or end out: the reader sees that the statement goes on."""
    fragments = [letters(f) for f in marked.replace(START, "").replace(STOP, "").split(FRAGMENT_DELIMITER)]
    whole = letters(TAG.sub("", text))  # ts_headline leaves out what it takes for markup
    before = "" if whole.startswith(fragments[0]) else "… "
    after = "" if whole.endswith(fragments[-1]) else " …"
    return format_html("{}{}{}", before, render_marked(marked), after)


def highlight_texts(texts: list[str], text: str) -> list[tuple[bool, SafeString]]:
    """For each text: whether it matches the search, and the whole text with its words marked."""
    if not texts:
        return []
    using = router.db_for_read(None)
    query, params = query_sql(text, using)
    sql = (
        "SELECT to_tsvector(%s::regconfig, t || ' ' || cjk_bigrams(t)) @@ q, ts_headline(%s::regconfig, t, q, %s)"
        f" FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n), (SELECT {query} AS q) AS s ORDER BY n"
    )
    options = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [CONFIG, CONFIG, options, texts, *params])
        rows = cursor.fetchall()
    return [
        (bool(matched), render_marked(marked) if matched else escape(t))
        for (matched, marked), t in zip(rows, texts, strict=True)
    ]
