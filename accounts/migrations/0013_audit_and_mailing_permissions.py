"""Two more staff permissions: reading the audit log and disabling mailings (Admin and Manager)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Admins and managers read the audit log and can disable a mentor's mailing (managers change nothing else).
GRANTS = {"Admin": ["view_audit_log", "disable_mailings"], "Manager": ["view_audit_log", "disable_mailings"]}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="accounts", codename__in=GRANTS["Admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_staff_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="staffpermission",
            options={
                "default_permissions": (),
                "managed": False,
                "permissions": [
                    ("view_dashboard", "See every dashboard page: figures, people, slots, mail, payments, reviews"),
                    ("view_bookings", "See bookings"),
                    ("change_schedule", "Create, edit and cancel slots and bookings for others"),
                    ("change_people", "Edit mentor profiles and roles"),
                    ("block_people", "Block and unblock people"),
                    ("moderate_content", "Hide and show reviews; read reported conversations"),
                    ("handle_support", "Read and answer support requests"),
                    ("run_site", "Maintenance mode and mail delivery"),
                    ("export_data", "Export bookings"),
                    ("view_audit_log", "Read the audit log"),
                    ("disable_mailings", "Disable and re-enable mentors' mailings"),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
