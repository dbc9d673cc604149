"""Made-up mailings for the demo data (``seed_demo``): contacts, two messages and two mailings."""

import datetime as dt

from django.utils import timezone

from mailings import services
from mailings.models import Mailing

MONTHLY_NOTE = """Hello {first_name},

A short note from me this month:

- keep a **20-minute** practice slot in your week;
- bring one concrete question to our next session.

See you soon,
{mentor_name}"""


def offer_mailings(mentors) -> None:
    """
    Every mentor's clients include the demo's past sessions (written directly, without the booking
    hook); the first mentor keeps in touch with theirs: a monthly note and a weekly reminder.
    """
    for mentor in mentors:
        services.clients_sync(mentor=mentor)
    for mentor in mentors[:1]:
        if Mailing.objects.filter(mentor=mentor).exists():
            continue
        now = timezone.now()
        services.clients_sync(mentor=mentor, now=now)
        for email, name, comment in (
            ("olha.contact@example.com", "Olha Shevchenko", "Met at the spring meetup"),
            ("tom.contact@example.com", "Tom Brown", ""),
        ):
            services.client_add(mentor=mentor, email=email, full_name=name, comment=comment, now=now)
        note = services.message_save(
            mentor=mentor, subject="A monthly note for {first_name}", body=MONTHLY_NOTE, now=now
        )
        practise = services.message_save(
            mentor=mentor, subject="Time to practise", body="Hi {first_name}, this is your weekly nudge.", now=now
        )
        start = (now + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        services.mailing_create(
            mentor=mentor,
            message=note,
            start_at=start,
            end_at=start + dt.timedelta(days=365),
            period="monthly",
            now=now,
        )
        services.mailing_create(
            mentor=mentor,
            message=practise,
            start_at=start + dt.timedelta(hours=1),
            end_at=start + dt.timedelta(days=60),
            period="weekly",
            now=now,
        )
