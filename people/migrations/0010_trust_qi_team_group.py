from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Trust QI team"


def create_group(apps, schema_editor):
    # The permission is normally created after migrate; the group needs it now.
    app_config = apps.get_app_config("people")
    app_config.models_module = True  # the migration state's stub has none; the real one does
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="people", codename="view_all_departments")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0009_trust_wide_departments"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
