"""The search vectors index the pairs of characters of Japanese, Chinese and Korean text too
(cjk_bigrams, migration 0016). A generated column cannot be altered: dropped and added again,
with its index."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

import meetings.search


class Migration(migrations.Migration):
    dependencies = [("meetings", "0016_cjk_bigrams")]

    operations = [
        migrations.RemoveIndex(model_name="meeting", name="meeting_search_gin"),
        migrations.RemoveIndex(model_name="statement", name="statement_search_gin"),
        migrations.RemoveField(model_name="meeting", name="search_vector"),
        migrations.RemoveField(model_name="statement", name="search_vector"),
        migrations.AddField(
            model_name="meeting",
            name="search_vector",
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector('search_text', config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector(meetings.search.CJKBigrams('search_text'), config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name="statement",
            name="search_vector",
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('heading', config='english', weight='B'), '||', django.contrib.postgres.search.SearchVector('text', config='english', weight='A'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector(meetings.search.CJKBigrams('text'), config='english', weight='A'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="meeting_search_gin"),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="statement_search_gin"),
        ),
    ]
