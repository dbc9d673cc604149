from django.db import migrations, models
from django.db.models import Min


def drop_repeated_days_off(apps, schema_editor):
    """A date marked off twice is off once: keep the first of each, so the constraint can be added."""
    DateOverride = apps.get_model("schedule", "DateOverride")
    firsts = (
        DateOverride.objects.filter(kind="off").values("schedule_id", "date").annotate(first=Min("pk")).values("first")
    )
    DateOverride.objects.filter(kind="off").exclude(pk__in=firsts).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("schedule", "0013_booking_price"),
    ]

    operations = [
        migrations.RunPython(drop_repeated_days_off, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="dateoverride",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "off")),
                fields=("schedule", "date"),
                name="schedule_dateoverride_one_day_off",
            ),
        ),
    ]
