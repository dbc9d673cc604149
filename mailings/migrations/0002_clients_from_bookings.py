"""Everyone who already has a confirmed booking with a mentor is one of that mentor's clients."""

from django.db import migrations


def add_booked_clients(apps, schema_editor):
    Booking = apps.get_model("schedule", "Booking")
    Client = apps.get_model("mailings", "Client")
    from django.utils import timezone

    now = timezone.now()
    seen = set()
    rows = []
    pairs = (
        Booking.objects.filter(status="confirmed", mentee__is_active=True)
        .values_list("mentor_id", "mentee_id", "mentee__email", "mentee__first_name", "mentee__last_name")
        .order_by("mentor_id", "mentee_id")
    )
    for mentor_id, mentee_id, email, first, last in pairs:
        if (mentor_id, mentee_id) in seen or (mentor_id, email.lower()) in seen:
            continue
        seen.update({(mentor_id, mentee_id), (mentor_id, email.lower())})
        rows.append(
            Client(
                mentor_id=mentor_id,
                user_id=mentee_id,
                email=email.lower(),
                full_name=f"{first} {last}".strip()[:150],
                created_at=now,
            )
        )
    Client.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("mailings", "0001_initial"), ("schedule", "0013_booking_price")]

    operations = [migrations.RunPython(add_booked_clients, migrations.RunPython.noop)]
