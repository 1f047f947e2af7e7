# Two SQL functions for the list pages' highlighted statements, built as HTML by the statement
# that reads a page (meetings.cards.HITS_SQL): the same escaping as Python's html.escape, and a
# ts_headline's markers turned into <mark> elements once the text is escaped
# (meetings.search.render_marked does the same in Python, for the other pages).

from django.db import migrations

ESCAPE = r"""
CREATE OR REPLACE FUNCTION meetings_html_escape(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(replace(replace(t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                         '"', '&quot;'), '''', '&#x27;')
$$
"""
MARKED = r"""
CREATE OR REPLACE FUNCTION meetings_marked(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN length(t) - length(replace(t, E'\x02', '')) = length(t) - length(replace(t, E'\x03', ''))
    THEN replace(replace(meetings_html_escape(t), E'\x02', '<mark>'), E'\x03', '</mark>')
    ELSE meetings_html_escape(replace(replace(t, E'\x02', ''), E'\x03', ''))
  END
$$
"""


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0012_cache_bounds"),
    ]

    operations = [
        migrations.RunSQL(ESCAPE, "DROP FUNCTION IF EXISTS meetings_html_escape(text)"),
        migrations.RunSQL(MARKED, "DROP FUNCTION IF EXISTS meetings_marked(text)"),
    ]
