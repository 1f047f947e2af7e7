"""Statements get a public identifier that re-imports, splits and merges keep.

Each existing statement gets a random key (distinct within its meeting) and keeps its old
positional anchor ("r12-3") among its anchors, so that links made before lead to it.
"""

import django.contrib.postgres.fields
import meetings.models
from django.db import migrations, models


ALPHABET = meetings.models.PUBLIC_ID_ALPHABET
RANDOM_KEY = (
    f"(SELECT string_agg(substr('{ALPHABET}', 1 + floor(random() * {len(ALPHABET)})::int, 1), '')"
    " FROM generate_series(1, 8) WHERE s.id IS NOT NULL)"  # refers to the row: drawn for each
)
KEYS = [
    f"UPDATE meetings_statement s SET key = {RANDOM_KEY}, anchors = ARRAY['r' || s.readout_id || '-' || s.position]",
    # A key drawn twice in one meeting (about one chance in 10^9 for a readout of 2,000): draw again.
    f"""UPDATE meetings_statement s SET key = {RANDOM_KEY} WHERE s.id IN (
        SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY meeting_id, key ORDER BY id) AS n
                        FROM meetings_statement) d WHERE n > 1)""",
]


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0022_changes_pending"),
    ]

    operations = [
        migrations.AddField(
            model_name="readout",
            name="retired_anchors",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=40),
                blank=True,
                default=list,
                editable=False,
                help_text="Anchors of statements a re-import removed: their links say so, and lead to the versions.",
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="anchors",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=40),
                blank=True,
                default=list,
                editable=False,
                help_text="Earlier anchors that lead here: its position before keys, statements merged into it.",
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="key",
            field=models.CharField(
                default="", editable=False, help_text="Its public identifier, in anchors.", max_length=8
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(KEYS, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="statement",
            name="key",
            field=models.CharField(
                default=meetings.models.new_statement_key,
                editable=False,
                help_text="Its public identifier, in anchors.",
                max_length=8,
            ),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.UniqueConstraint(fields=("meeting", "key"), name="statement_key_unique_in_meeting"),
        ),
    ]
