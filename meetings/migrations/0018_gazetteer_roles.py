"""Curators and Editors keep the gazetteer of office holders: Curators edit it, Editors also delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["office", "officeholder", "term"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")] + ["delete_term"]
    edit = list(Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames))
    delete = list(
        Permission.objects.filter(content_type__app_label="meetings", codename__in=["delete_office", "delete_officeholder"])
    )
    for group in Group.objects.filter(name="Curator"):
        group.permissions.add(*edit)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*edit, *delete)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0017_search_cjk_bigrams"), ("meetings", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
