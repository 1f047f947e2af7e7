"""A readout is known by its file's path in the folder imported and by its text: `file_name`
holds the path ("2016/kor.txt"), up to 500 characters; the text's hash is indexed, for finding
the same text under another path. Existing rows keep their file name, which is their path when
their folder was imported from its top (DEPLOYNOTES.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("meetings", "0023_statement_keys")]

    operations = [
        migrations.AlterField(
            model_name="readout",
            name="content_hash",
            field=models.CharField(db_index=True, help_text="SHA-256 of the text as imported.", max_length=64),
        ),
        migrations.AlterField(
            model_name="readout",
            name="file_name",
            field=models.CharField(
                help_text='Where the file was: its path in the folder imported ("2016/kor.txt"), or its name.',
                max_length=500,
                unique=True,
            ),
        ),
    ]
