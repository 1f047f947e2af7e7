"""Load the curated topic vocabulary once; curators edit it in the admin afterwards."""

import json

from django.conf import settings
from django.db import migrations


def load_topics(apps, schema_editor):
    Topic = apps.get_model("meetings", "Topic")
    rows = json.loads((settings.READOUT_FIXTURES / "topics.json").read_text(encoding="utf-8"))
    for row in rows:
        fields = row["fields"]
        Topic.objects.get_or_create(
            slug=fields["slug"],
            defaults={"name": fields["name"], "keywords": fields["keywords"], "description": fields["description"]},
        )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
