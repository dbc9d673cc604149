import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_mentor_from_slot(apps, schema_editor):
    Booking = apps.get_model("schedule", "Booking")
    Slot = apps.get_model("schedule", "Slot")
    Booking.objects.update(
        mentor_id=models.Subquery(Slot.objects.filter(pk=models.OuterRef("slot_id")).values("mentor_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("schedule", "0004_indexes_for_dashboard"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="mentor",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="mentor_bookings",
                to=settings.AUTH_USER_MODEL,
                verbose_name="mentor",
            ),
        ),
        migrations.RunPython(copy_mentor_from_slot, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="booking",
            name="mentor",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="mentor_bookings",
                to=settings.AUTH_USER_MODEL,
                verbose_name="mentor",
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["mentor", "status"], name="schedule_booking_mentor_st"),
        ),
    ]
