"""The staff roles as groups with the staff permissions (accounts.StaffPermission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Admin": [
        "view_dashboard",
        "view_bookings",
        "change_schedule",
        "change_people",
        "block_people",
        "moderate_content",
        "handle_support",
        "run_site",
        "export_data",
    ],
    # Sees everything, changes nothing but who is blocked.
    "Manager": ["view_dashboard", "view_bookings", "block_people", "export_data"],
    "Support": ["view_bookings", "handle_support"],
}


def make_roles(apps, schema_editor):
    # Permissions are made after migrations; these must exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames))


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_staff_permissions"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(make_roles, drop_roles)]
