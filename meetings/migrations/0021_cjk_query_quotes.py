"""cjk_query: a Japanese, Chinese or Korean run the reader quoted ("拉致問題") is searched as the
phrase of its pairs, as an unquoted one is; the reader's own quotes around it are set aside
(they would otherwise close the phrase's quotes and lose the pairs' adjacency)."""

from django.db import migrations

CJK = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"

QUERY = f"""
CREATE OR REPLACE FUNCTION cjk_query(q text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
    CASE WHEN piece ~ '^{CJK}+$' THEN '"' || cjk_bigrams(piece) || '"' ELSE piece END, '' ORDER BY n), '')
  FROM regexp_split_to_table(
         regexp_replace(regexp_replace(q, '"(?={CJK})|(?<={CJK})"', '', 'g'), '({CJK}+)', E'\\x01\\\\1\\x01', 'g'),
         E'\\x01') WITH ORDINALITY AS p(piece, n)
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("meetings", "0020_undated_last")]

    operations = [migrations.RunSQL(QUERY, migrations.RunSQL.noop)]
