"""Where the governments' readouts of a meeting differ: the topics only one of them raised
(Meeting.one_sided, kept by REFRESH_DERIVED_SQL), a facet of the list; and pg_trgm, which the
comparison of two readouts' statements uses (meetings.comparison)."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# Every meeting's one_sided, as REFRESH_DERIVED_SQL makes it, and a new `modified`: what was
# kept for readers, counted without this facet, is found no more.
REFRESH_ALL = """
    UPDATE meetings_meeting m SET
      one_sided = COALESCE((SELECT array_agg(issuer || ':' || slug ORDER BY slug, issuer) FROM (
                              SELECT min(r.issuer) AS issuer, t.slug
                              FROM meetings_statement s
                              JOIN meetings_readout r ON r.id = s.readout_id
                              JOIN meetings_statement_topics st ON st.statement_id = s.id
                              JOIN meetings_topic t ON t.id = st.topic_id
                              WHERE s.meeting_id = m.id
                              GROUP BY t.slug HAVING count(DISTINCT r.issuer) = 1) AS raised
                            WHERE (SELECT count(DISTINCT r2.issuer) FROM meetings_readout r2
                                   WHERE r2.meeting_id = m.id) > 1), '{}'),
      modified = clock_timestamp()
    WHERE EXISTS (SELECT FROM meetings_readout r WHERE r.meeting_id = m.id GROUP BY r.meeting_id
                  HAVING count(DISTINCT r.issuer) > 1)
"""


class Migration(migrations.Migration):
    dependencies = [("meetings", "0027_unaccent_search")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="meeting",
            name="one_sided",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=70),
                blank=True,
                default=list,
                editable=False,
                help_text='Where governments\' readouts differ: the topics only one raised, as "KOR:comfort-women".',
            ),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=django.contrib.postgres.indexes.GinIndex(fields=["one_sided"], name="meeting_one_sided_gin"),
        ),
        migrations.RunSQL(REFRESH_ALL, migrations.RunSQL.noop),
    ]
