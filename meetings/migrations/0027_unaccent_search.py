"""Search is accent-insensitive: "Kōno", "Kono" and "Kôno" are one word to it.

The search vectors and queries use the text search configuration "archive": PostgreSQL's
"english", whose words with letters beyond ASCII pass through the unaccent dictionary before
they are stemmed (as PostgreSQL's documentation of unaccent configures it). Generated columns
cannot change their expression in place, so both vectors are made anew with their indexes, and
the narrow search table takes the meetings' new vectors.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

import meetings.search

CONFIGURATION = """
CREATE TEXT SEARCH CONFIGURATION archive (COPY = english);
ALTER TEXT SEARCH CONFIGURATION archive ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""


def meeting_vector(config):
    SearchVector = django.contrib.postgres.search.SearchVector
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("search_text", weight="B", config=config)
        + SearchVector(meetings.search.CJKBigrams("search_text"), weight="B", config=config)
    )


def statement_vector(config):
    SearchVector = django.contrib.postgres.search.SearchVector
    return (
        SearchVector("heading", weight="B", config=config)
        + SearchVector("text", weight="A", config=config)
        + SearchVector(meetings.search.CJKBigrams("text"), weight="A", config=config)
    )


def vector_field(expression):
    return models.GeneratedField(
        db_persist=True, expression=expression, output_field=django.contrib.postgres.search.SearchVectorField()
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0026_meeting_search")]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(CONFIGURATION, "DROP TEXT SEARCH CONFIGURATION archive"),
        migrations.RemoveIndex(model_name="meeting", name="meeting_search_gin"),
        migrations.RemoveField(model_name="meeting", name="search_vector"),
        migrations.AddField(model_name="meeting", name="search_vector", field=vector_field(meeting_vector("archive"))),
        migrations.AddIndex(
            model_name="meeting",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="meeting_search_gin"),
        ),
        migrations.RemoveIndex(model_name="statement", name="statement_search_gin"),
        migrations.RemoveField(model_name="statement", name="search_vector"),
        migrations.AddField(
            model_name="statement", name="search_vector", field=vector_field(statement_vector("archive"))
        ),
        migrations.AddIndex(
            model_name="statement",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="statement_search_gin"),
        ),
        migrations.RunSQL(
            "UPDATE meetings_meetingsearch s SET search_vector = m.search_vector"
            " FROM meetings_meeting m WHERE m.id = s.meeting_id",
            migrations.RunSQL.noop,
        ),
    ]
