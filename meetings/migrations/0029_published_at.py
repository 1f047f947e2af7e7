"""When each meeting was first published (Meeting.published_at), the order of the feeds of new
meetings: for a meeting published before, the date of its first public version (versions.py),
or, with none recorded, when it was created."""

from django.db import migrations, models
from django.db.models import CharField, F, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import Cast


def first_published(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="meetings", model="meeting").first()
    if content_type is not None:
        public = (
            Version.objects.filter(content_type=content_type, object_id=Cast(OuterRef("pk"), CharField()))
            .annotate(data=Cast("serialized_data", JSONField()))
            .filter(data__0__fields__status="published")
            .filter(Q(data__0__fields__changes_pending=False) | Q(data__0__fields__changes_pending__isnull=True))
            .order_by("pk")
        )
        Meeting.objects.update(published_at=Subquery(public.values("revision__date_created")[:1]))
    Meeting.objects.filter(status__in=["published", "withdrawn"], published_at__isnull=True).update(
        published_at=F("created")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0028_one_sided"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="When it was first published (the feeds of new meetings are in this order).",
                null=True,
            ),
        ),
        migrations.RunPython(first_published, migrations.RunPython.noop),
    ]
