from django.db import migrations, models

# The matches of a search kept as a bitmap (MatchCache) are forgotten, as the kept facets and
# cards are, by the trigger that counts each change to the archive.
FUNCTION = """
CREATE OR REPLACE FUNCTION meetings_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE meetings_archivestate SET version = nextval('meetings_archive_version');
  DELETE FROM meetings_facetcache;
  DELETE FROM meetings_cardcache;
  {matches}
  RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0010_drop_facet_values"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchCache",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
                ("bits", models.BinaryField(help_text="Bit i set when meeting i matches, little-endian.")),
            ],
        ),
        migrations.RunSQL(
            FUNCTION.format(matches="DELETE FROM meetings_matchcache;"), FUNCTION.format(matches="")
        ),
    ]
