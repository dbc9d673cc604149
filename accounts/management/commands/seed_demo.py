"""
Demo data for a newcomer: topics, a dozen mentors with avatars, availability for the next two weeks,
a few mentees with bookings, and a staff user. Safe to run again: existing rows are left alone.
"""

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import is_mfa_enabled
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import services
from accounts.images import initials_avatar
from accounts.models import Topic, User
from articles import demo as demo_articles
from core.commands import MadeUpDataCommand
from mailings import demo as demo_mailings
from payments import demo as demo_payments  # the demo pays as clients would; seeding sits above every app
from reviews import services as review_services
from schedule import services as schedule_services
from schedule.models import Booking, Slot, WeeklySchedule

PASSWORD = "demo-pass-2026"
STAFF_EMAIL = "staff@example.com"
# Staff pages need a second factor: the demo staff account's authenticator secret (add it to any
# authenticator app, or run `oathtool --totp -b <secret>`). Demo data only; never on a real account.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# The accounts to try first, with their role (printed here and by `runserver` in development).
DEMO_LOGINS = {
    STAFF_EMAIL: "staff",
    "manager@example.com": "manager",
    "support@example.com": "support",
    "olena.kovalenko@example.com": "mentor",
    "petro.savchuk@example.com": "mentee",
    "anna.smith@example.com": "mentee",
}

# English name -> Ukrainian name (topic names are the platform's text, shown in the viewer's language).
TOPICS = {
    "Programming": "Програмування",
    "Fitness": "Фітнес",
    "Investing": "Інвестування",
    "Design": "Дизайн",
    "Careers": "Кар’єра",
    "Languages": "Мови",
}

# (stars, words) of the demo's past sessions that were reviewed
DEMO_REVIEWS = [
    (5, "Clear, practical advice; I left with a plan for the next month."),
    (5, "Very well prepared: she had read my notes before the call."),
    (4, "Useful session. I would have liked a bit more time on the second question."),
    (5, "Exactly what I needed. Booking again next week."),
    (4, "Good feedback on my project, and honest about what to fix first."),
]

# (first, last, timezone, topics, headline, price, years, languages)
MENTORS = [
    (
        "Olena",
        "Kovalenko",
        "Europe/Kyiv",
        ["Programming", "Careers"],
        "Senior Python engineer, ex-Grammarly",
        60,
        11,
        "Ukrainian, English",
    ),
    (
        "Andriy",
        "Shevchenko",
        "Europe/Kyiv",
        ["Programming"],
        "Django and PostgreSQL in production",
        50,
        9,
        "Ukrainian, English",
    ),
    (
        "Maria",
        "Ivanova",
        "Europe/Warsaw",
        ["Design"],
        "Product designer, design systems",
        45,
        8,
        "English, Polish, Ukrainian",
    ),
    ("James", "Carter", "America/New_York", ["Investing"], "CFA charterholder, long-term investing", 90, 15, "English"),
    ("Sofia", "Melnyk", "Europe/Kyiv", ["Fitness"], "Strength coach for busy people", 30, 6, "Ukrainian, English"),
    (
        "Daniel",
        "Novak",
        "Europe/Prague",
        ["Careers", "Programming"],
        "Engineering manager, interview prep",
        70,
        12,
        "English, Czech",
    ),
    ("Iryna", "Bondar", "Europe/Kyiv", ["Languages"], "English teacher, IELTS 8.5", 25, 7, "English, Ukrainian"),
    ("Lucas", "Martin", "Europe/Paris", ["Fitness"], "Marathon runner and running coach", 35, 10, "English, French"),
    (
        "Nadia",
        "Hassan",
        "Europe/London",
        ["Investing", "Careers"],
        "From analyst to portfolio manager",
        80,
        13,
        "English, Arabic",
    ),
    (
        "Taras",
        "Hnatiuk",
        "Europe/Kyiv",
        ["Design", "Programming"],
        "Front-end and UX for developers",
        40,
        5,
        "Ukrainian, English",
    ),
    (
        "Emily",
        "Chen",
        "America/Los_Angeles",
        ["Programming", "Careers"],
        "Staff engineer, system design",
        100,
        14,
        "English, Mandarin",
    ),
    (
        "Oksana",
        "Lysenko",
        "Europe/Kyiv",
        ["Languages"],
        "Ukrainian for foreigners",
        20,
        4,
        "Ukrainian, English, German",
    ),
]

MENTEES = [
    ("Petro", "Savchuk", "Europe/Kyiv"),
    ("Anna", "Smith", "America/New_York"),
    ("Yulia", "Tkachenko", "Europe/Kyiv"),
]

COLOURS = [(67, 56, 202), (15, 118, 110), (190, 24, 93), (161, 98, 7), (29, 78, 216), (109, 40, 217)]


class Command(MadeUpDataCommand):
    help = "Create demo mentors, mentees, availability, bookings and a staff user (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any user exists.")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users; demo data not loaded.")
            return
        with transaction.atomic():
            topics = {
                name: Topic.objects.update_or_create(slug=slugify(name), defaults={"name": name, "name_uk": name_uk})[0]
                for name, name_uk in TOPICS.items()
            }
            mentors = [self._mentor(i, row, topics) for i, row in enumerate(MENTORS)]
            mentees = [self._user(first, last, tz, is_mentor=False) for first, last, tz in MENTEES]
            staff = self._user("Staff", "Admin", "Europe/Kyiv", is_mentor=False, email=STAFF_EMAIL)
            if not staff.is_staff:
                staff.is_staff = staff.is_superuser = True
                staff.save(update_fields=["is_staff", "is_superuser"])
            if not is_mfa_enabled(staff):
                TOTP.activate(staff, STAFF_TOTP_SECRET)
            # One staff member in each narrower role (the same authenticator secret, demo only).
            for first, last, email, role in (
                ("Mara", "Manager", "manager@example.com", "Manager"),
                ("Serhii", "Support", "support@example.com", "Support"),
            ):
                member = self._user(first, last, "Europe/Kyiv", is_mentor=False, email=email)
                services.user_set_staff_role(user=member, role=role, by=staff)  # in the audit log
                if not is_mfa_enabled(member):
                    TOTP.activate(member, STAFF_TOTP_SECRET)
        demo_payments.offer_packages(mentors[:3])
        created_slots = sum(self._availability(mentor) for mentor in mentors)
        created_bookings = self._bookings(mentors, mentees)
        created_bookings += self._history(mentors, mentees)
        demo_articles.seed(mentors, mentees, topics)
        demo_mailings.offer_mailings(mentors)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created_slots} new slots, {created_bookings} new bookings).")
        )
        self.stdout.write(f"All demo accounts use the password {PASSWORD}; staff can also open /admin/.")
        self.stdout.write(f"The staff accounts' authenticator secret is {STAFF_TOTP_SECRET}.")

    def _user(self, first, last, tz, *, is_mentor, email=None):
        email = email or f"{first}.{last}@example.com".lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = services.user_register(
                email=email, password=PASSWORD, first_name=first, last_name=last, is_mentor=is_mentor, timezone=tz
            )
        # Demo addresses (example.com) count as confirmed, so the demo can book right away.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"primary": True, "verified": True})
        return user

    def _mentor(self, index, row, topics):
        first, last, tz, topic_names, headline, price, years, languages = row
        user = self._user(first, last, tz, is_mentor=True)
        if not user.photo:
            avatar = initials_avatar(user.initials, COLOURS[index % len(COLOURS)])
            user.photo.save(avatar.name, avatar, save=False)
            user.save(update_fields=["photo"])
        profile = services.mentor_profile_ensure(user=user)
        if not profile.headline:
            services.mentor_profile_update(
                profile=profile,
                headline=headline,
                bio=f"{headline}. I help people make steady progress with practical, honest feedback. "
                "Bring a concrete question or a piece of work and we will go through it together.",
                topics=[topics[name] for name in topic_names],
                years_experience=years,
                price=Decimal(price),
                session_minutes=60,
                languages=languages,
            )
        return user

    def _availability(self, mentor):
        """Weekly hours, so the demo stays bookable week after week (the hourly job rolls them forward)."""
        if WeeklySchedule.objects.filter(mentor=mentor).exists():
            return schedule_services.weekly_publish(mentor=mentor).created
        weekdays = [0, 1, 2, 3, 4] if mentor.pk % 2 else [1, 3, 5]
        start, end = dt.time(9 + mentor.pk % 4, 0), dt.time(13 + mentor.pk % 4, 0)
        result = schedule_services.weekly_schedule_save(
            mentor=mentor,
            hours=[(day, start, end) for day in weekdays],
            session_minutes=60,
            buffer_minutes=0 if mentor.pk % 3 else 30,
            min_notice_minutes=120,
            max_per_day=None,
            horizon_days=28,
        )
        return result.created

    def _history(self, mentors, mentees):
        """
        Completed sessions over the last three weeks, so the dashboard has something to show. They are
        written directly: the services rightly refuse to create slots or bookings in the past.
        """
        now = timezone.now()
        if Booking.objects.filter(slot__end__lt=now).exists():
            return 0
        created = 0
        with transaction.atomic():
            for day in range(1, 22):
                for i, mentor in enumerate(mentors[: 3 + day % 4]):
                    start = (now - dt.timedelta(days=day)).replace(hour=8 + i, minute=0, second=0, microsecond=0)
                    slot = Slot.objects.create(
                        mentor=mentor, start=start, end=start + dt.timedelta(hours=1), status=Slot.Status.BOOKED
                    )
                    booking = Booking.objects.create(
                        slot=slot,
                        mentor=mentor,
                        mentee=mentees[(day + i) % len(mentees)],
                        created_at=start - dt.timedelta(days=2 + i % 3),
                        note="A past session",
                        # now and then a client did not come: the dashboard's no-show rate
                        no_show=Booking.NoShow.MENTEE if (day + i) % 9 == 0 else "",
                        no_show_at=start + dt.timedelta(minutes=20) if (day + i) % 9 == 0 else None,
                    )
                    demo_payments.paid_in_the_past(booking)
                    if day % 2 == 0 and not booking.no_show:  # every other day's clients left a review
                        rating, text = DEMO_REVIEWS[(day + i) % len(DEMO_REVIEWS)]
                        review_services.review_create(
                            booking=booking, by=booking.mentee, rating=rating, text=text, now=slot.end
                        )
                    created += 1
        return created

    def _bookings(self, mentors, mentees):
        if Booking.objects.exists():
            return 0
        created = 0
        for i, mentee in enumerate(mentees):
            for mentor in mentors[i * 3 : i * 3 + 2]:
                slot = (
                    Slot.objects.filter(
                        mentor=mentor, status=Slot.Status.AVAILABLE, start__gt=timezone.now() + dt.timedelta(days=1)
                    )
                    .order_by("start")
                    .first()
                )
                if slot is None:
                    continue
                try:
                    held = schedule_services.booking_hold(
                        slot_id=slot.pk, mentee=mentee, note="I would like feedback on my current project."
                    )
                    demo_payments.pay_with_test_card(held)
                except schedule_services.BookingError:
                    continue
                created += 1
        return created
