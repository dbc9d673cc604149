from django.db import migrations

# The platform's reason was stored translated into the other side's language; it is now stored in
# English and translated for each reader (Booking.cancel_reason_text).
STORED_TRANSLATIONS = {
    "The account was closed.": ["Обліковий запис закрито."],
    "Cancelled by staff": ["Скасовано персоналом платформи"],
}


def to_english(apps, schema_editor):
    Booking = apps.get_model("schedule", "Booking")
    for english, translations in STORED_TRANSLATIONS.items():
        Booking.objects.filter(cancel_reason__in=translations).update(cancel_reason=english)


class Migration(migrations.Migration):
    dependencies = [
        ("schedule", "0016_ranges_may_end_at_midnight"),
    ]

    operations = [
        migrations.RunPython(to_english, migrations.RunPython.noop),
    ]
