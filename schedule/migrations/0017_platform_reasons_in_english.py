from django.db import migrations

# The platform's reason was stored translated into the other side's language; it is now stored in
# English and translated for each reader (Booking.cancel_reason_text).
ACCOUNT_CLOSED = "The account was closed."
STORED_TRANSLATIONS = ["Обліковий запис закрито."]


def to_english(apps, schema_editor):
    Booking = apps.get_model("schedule", "Booking")
    Booking.objects.filter(cancel_reason__in=STORED_TRANSLATIONS).update(cancel_reason=ACCOUNT_CLOSED)


class Migration(migrations.Migration):
    dependencies = [
        ("schedule", "0016_ranges_may_end_at_midnight"),
    ]

    operations = [
        migrations.RunPython(to_english, migrations.RunPython.noop),
    ]
