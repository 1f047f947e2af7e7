# Kept facets and kept matches carry the time they were stored, so that each table can keep its
# newest entries only (meetings.models.KeptEntries). Existing entries get the migration's time.

import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0011_match_cache'),
    ]

    operations = [
        migrations.AddField(
            model_name='facetcache',
            name='stored',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True),
        ),
        migrations.AddField(
            model_name='matchcache',
            name='stored',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True),
        ),
    ]
