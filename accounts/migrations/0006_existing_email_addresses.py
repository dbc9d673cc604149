"""
Accounts made before email verification get their address on record as confirmed: they signed up
under the old rules and have been getting the platform's mail there, and locking every existing
mentor out of the directory and every mentee out of booking on deploy day would punish them, not an
abuser. New accounts, and every new address, are confirmed by link.
"""

from django.db import migrations


def add_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        (
            EmailAddress(user_id=pk, email=email, primary=True, verified=True)
            for pk, email in User.objects.values_list("pk", "email").iterator()
            if pk not in known
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_bio_max_length"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_addresses, migrations.RunPython.noop)]
