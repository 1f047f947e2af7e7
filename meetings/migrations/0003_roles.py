"""The two staff roles: Curator (edits, cannot publish) and Editor (also publishes and withdraws)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = ["meeting", "readout", "statement", "attendance", "participant", "participantalias", "topic"]


def create_roles(apps, schema_editor):
    # Permissions are created after all migrations run; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in EDITABLE for action in ("view", "add", "change")]
    codenames += ["delete_statement", "delete_attendance", "delete_participantalias"]
    curator_perms = list(Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames))
    reversion_perms = list(Permission.objects.filter(content_type__app_label="reversion", codename__startswith="view_"))
    curator, _ = Group.objects.get_or_create(name="Curator")
    curator.permissions.set(curator_perms + reversion_perms)
    editor, _ = Group.objects.get_or_create(name="Editor")
    extra = Permission.objects.filter(
        content_type__app_label="meetings",
        codename__in=["publish_meeting", "delete_meeting", "delete_readout", "delete_participant", "delete_topic"],
    )
    editor.permissions.set(curator_perms + reversion_perms + list(extra))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Curator", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_load_topics"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
