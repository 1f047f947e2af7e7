from django.db import migrations

# The archive's version is drawn from a sequence rather than counted up: a sequence never hands
# out a number twice, even when the transaction that drew it is rolled back, so one version
# always names one state of the archive. A process may then keep what it worked out at a
# version (meetings.facetindex) for as long as the version stands.
FUNCTION = """
CREATE OR REPLACE FUNCTION meetings_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE meetings_archivestate SET version = {next};
  DELETE FROM meetings_facetcache;
  DELETE FROM meetings_cardcache;
  RETURN NULL;
END $$;
"""
FORWARD = (
    "CREATE SEQUENCE meetings_archive_version;"
    " SELECT setval('meetings_archive_version', (SELECT coalesce(max(version), 0) + 1 FROM meetings_archivestate));"
    + FUNCTION.format(next="nextval('meetings_archive_version')")
)
BACKWARD = FUNCTION.format(next="version + 1") + "DROP SEQUENCE meetings_archive_version;"


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0008_card_template"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
