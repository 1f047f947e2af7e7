"""Load the gazetteer of office holders once; curators edit it in the admin afterwards."""

import json

from django.conf import settings
from django.db import migrations


def load_gazetteer(apps, schema_editor):
    Office = apps.get_model("meetings", "Office")
    OfficeHolder = apps.get_model("meetings", "OfficeHolder")
    Term = apps.get_model("meetings", "Term")
    for path in sorted((settings.READOUT_FIXTURES / "gazetteer").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        offices = {}
        for o in data["offices"]:
            offices[o["slug"]], _ = Office.objects.get_or_create(
                slug=o["slug"],
                defaults={"country": o["country"], "title": o["title"], "rank": o["rank"], "titles": o.get("titles", {})},
            )
        for p in data["people"]:
            holder, created = OfficeHolder.objects.get_or_create(
                slug=p["slug"],
                defaults={
                    "name": p["name"],
                    "country": p["country"],
                    "names": p.get("names", {}),
                    "family_names": p.get("family_names", {}),
                },
            )
            if created:
                Term.objects.bulk_create(
                    Term(holder=holder, office=offices[t["office"]], start=t["start"], end=t.get("end"))
                    for t in p.get("terms", [])
                )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0014_gazetteer_and_undated_meetings")]

    operations = [migrations.RunPython(load_gazetteer, migrations.RunPython.noop)]
