"""The topics' words in Japanese, Korean and Chinese (fixtures/topic_keywords_cjk.json), added to
what each topic already has, so that readouts in those languages are tagged too. A curator's own
words are kept; afterwards "Re-tag" in the admin applies them to meetings already imported."""

import json

from django.conf import settings
from django.db import migrations


def add_keywords(apps, schema_editor):
    Topic = apps.get_model("meetings", "Topic")
    words = json.loads((settings.READOUT_FIXTURES / "topic_keywords_cjk.json").read_text(encoding="utf-8"))
    for topic in Topic.objects.filter(slug__in=words):
        topic.keywords = list(dict.fromkeys([*topic.keywords, *words[topic.slug]]))
        topic.save(update_fields=["keywords"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0018_gazetteer_roles")]

    operations = [migrations.RunPython(add_keywords, migrations.RunPython.noop)]
