"""Japanese, Chinese and Korean text made searchable: PostgreSQL's parsers do not split these
scripts into words (拉致問題を is one token), so each run of their characters is also indexed as
its overlapping pairs of characters (拉致 致問 問題 題を), and a query's runs are searched as the
phrase of their pairs: the bigram indexing of Lucene's CJK analyzer, in two SQL functions.
"""

from django.db import migrations

CJK = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION cjk_bigrams(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
    CASE WHEN length(m[1]) = 1 THEN m[1]
         ELSE (SELECT string_agg(substr(m[1], i, 2), ' ' ORDER BY i) FROM generate_series(1, length(m[1]) - 1) AS i)
    END, ' '), '')
  FROM regexp_matches(t, '{CJK}', 'g') AS m
$$;
CREATE OR REPLACE FUNCTION cjk_query(q text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
    CASE WHEN piece ~ '^{CJK}$' THEN '"' || cjk_bigrams(piece) || '"' ELSE piece END, '' ORDER BY n), '')
  FROM regexp_split_to_table(regexp_replace(q, '({CJK})', E'\\x01\\\\1\\x01', 'g'), E'\\x01')
       WITH ORDINALITY AS p(piece, n)
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("meetings", "0015_load_gazetteer")]

    operations = [
        migrations.RunSQL(FUNCTIONS, "DROP FUNCTION IF EXISTS cjk_query(text); DROP FUNCTION IF EXISTS cjk_bigrams(text);")
    ]
