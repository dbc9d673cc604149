"""
Benchmark data at realistic scale: by default 1,000 mentors, 5,000 mentees, about 50,000 slots (the
past 4 weeks and the next 8) and about 10,000 bookings, written with bulk inserts. Every row passes
the database's own rules (check, unique and exclusion constraints). Re-running replaces the previous
bench data (users under @bench.example) and leaves everything else alone.

Three accounts are made for the benchmark's logged-in pages: mentee0@bench.example with 50
bookings, mentor0@bench.example with 200, and staff0@bench.example.
"""

import datetime as dt
import random
import time

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import MentorProfile, Topic, User
from core.commands import MadeUpDataCommand
from messaging.models import Conversation, Message, Report
from notifications import kinds
from notifications.models import Notification
from schedule.models import Booking, Slot

DOMAIN = "bench.example"
PASSWORD = "bench-pass-2026"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPBENCHBENCHBENCH2"
TOPICS = ["Programming", "Fitness", "Investing", "Design", "Careers", "Languages", "Data", "Music"]
ZONES = ["Europe/Kyiv", "Europe/Warsaw", "Europe/London", "America/New_York", "Asia/Tokyo"]


class Command(MadeUpDataCommand):
    help = "Create (or re-create) the benchmark dataset with bulk operations."

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=1000)
        parser.add_argument("--mentees", type=int, default=5000)
        parser.add_argument("--slots-per-mentor", type=int, default=50)
        parser.add_argument("--bookings", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, mentors, mentees, slots_per_mentor, bookings, seed, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        with transaction.atomic():
            self._drop()
            password = make_password(PASSWORD)
            topics = [Topic.objects.get_or_create(slug=n.lower(), defaults={"name": n})[0] for n in TOPICS]
            mentor_users = User.objects.bulk_create(
                User(
                    email=f"mentor{i}@{DOMAIN}",
                    first_name=f"Mentor{i}",
                    last_name=rng.choice(["Koval", "Smith", "Novak", "Chen", "Garcia", "Petrenko"]),
                    is_mentor=True,
                    timezone=rng.choice(ZONES),
                    password=password,
                )
                for i in range(mentors)
            )
            staff = User.objects.create(
                email=f"staff0@{DOMAIN}", first_name="Bench", last_name="Staff", is_staff=True, password=password
            )
            staff.groups.add(Group.objects.get(name="Admin"))  # every staff page (the roles come from a migration)
            TOTP.activate(staff, STAFF_TOTP_SECRET)  # staff pages need a second factor
            mentee_users = User.objects.bulk_create(
                User(
                    email=f"mentee{i}@{DOMAIN}",
                    first_name=f"Mentee{i}",
                    last_name="Bench",
                    timezone=rng.choice(ZONES),
                    password=password,
                )
                for i in range(mentees)
            )
            # Confirmed addresses: bench people book, and only confirmed mentors are listed.
            EmailAddress.objects.bulk_create(
                (
                    EmailAddress(user=u, email=u.email, primary=True, verified=True)
                    for u in [*mentor_users, staff, *mentee_users]
                ),
                batch_size=5000,
            )
            profiles = MentorProfile.objects.bulk_create(
                MentorProfile(
                    user=u,
                    slug=f"bench-mentor-{i}",
                    headline=f"{rng.choice(TOPICS)} mentor with {5 + i % 20} years of practice",
                    bio="Benchmark mentor.",
                    years_experience=5 + i % 20,
                    price=20 + i % 80,
                    languages="English",
                )
                for i, u in enumerate(mentor_users)
            )
            through = MentorProfile.topics.through
            through.objects.bulk_create(
                through(mentorprofile_id=p.pk, topic_id=t.pk) for p in profiles for t in rng.sample(topics, 2)
            )
            slots = self._slots(mentor_users, slots_per_mentor, now, rng)
            booked = self._bookings(slots, mentor_users, mentee_users, bookings, now, rng)
            self._notifications(mentor_users[0], now)
            self._conversations(mentor_users[:20], mentee_users[0], now)
        elapsed = time.monotonic() - started
        if connection.vendor == "postgresql" and not connection.in_atomic_block:  # (a test's transaction: skip)
            # Steady state, as autovacuum would leave it: fresh statistics and no dead index entries
            # from the previous run (they make the planner's range estimates slow).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Bench data: {mentors} mentors, {mentees} mentees, {len(slots)} slots, {booked} bookings "
                f"in {elapsed:.1f} s. Password for every bench account: {PASSWORD}"
            )
        )

    def _notifications(self, mentor, now):
        """200 notifications for mentor0 (a busy mentor's bell and history page), every other one read."""
        Notification.objects.bulk_create(
            Notification(
                recipient=mentor,
                kind=kinds.BOOKING_CREATED,
                params={"name": f"Mentee{i} Bench", "start": (now + dt.timedelta(hours=i)).isoformat()},
                link="/bookings/",
                read_at=now if i % 2 else None,
            )
            for i in range(200)
        )

    def _conversations(self, mentors, mentee, now):
        """
        mentee0 talks with 20 mentors (the messages list); with mentor0, 200 messages (the history's pages).
        mentee0 reported every one of them (staff's reported conversations, waiting).
        """
        conversations = Conversation.objects.bulk_create(
            Conversation(mentor=mentor, mentee=mentee, created_at=now - dt.timedelta(days=30), last_message_at=now)
            for mentor in mentors
        )
        Message.objects.bulk_create(
            (
                Message(
                    conversation=c,
                    sender=c.mentee if i % 2 else c.mentor,
                    body=f"Bench message {i}",
                    created_at=now - dt.timedelta(minutes=200 - i),
                )
                for index, c in enumerate(conversations)
                for i in range(200 if index == 0 else 5)
            ),
            batch_size=5000,
        )
        Report.objects.bulk_create(
            Report(conversation=c, reporter=mentee, reason="Bench report", created_at=now) for c in conversations
        )

    def _drop(self):
        bench_users = User.objects.filter(email__endswith=f"@{DOMAIN}")
        Booking.objects.filter(slot__mentor__in=bench_users).delete()
        Booking.objects.filter(mentee__in=bench_users).delete()
        Slot.objects.filter(mentor__in=bench_users).delete()
        bench_users.delete()

    def _slots(self, mentors, per_mentor, now, rng):
        """Hourly slots, 4 weeks back to 8 weeks ahead, never overlapping for one mentor."""
        hours = 12 * 7 * 24
        first = now - dt.timedelta(weeks=4)
        rows = []
        for index, mentor in enumerate(mentors):
            # mentor0 gets enough slots for the benchmark's "mentor with 200 bookings".
            # Even hours only: hour-long slots never overlap.
            picks = rng.sample(range(0, hours, 2), max(per_mentor, 220) if index == 0 else per_mentor)
            for h in picks:
                start = first + dt.timedelta(hours=h)
                rows.append(Slot(mentor=mentor, start=start, end=start + dt.timedelta(minutes=60)))
        return Slot.objects.bulk_create(rows, batch_size=5000)

    def _bookings(self, slots, mentors, mentees, count, now, rng):
        """Book ``count`` slots; mentee0 gets 50 and mentor0's slots 200, the rest at random."""
        by_mentor0 = [s for s in slots if s.mentor_id == mentors[0].pk][:200]
        chosen = list(by_mentor0)
        others = [s for s in slots if s.mentor_id != mentors[0].pk]
        chosen += rng.sample(others, max(0, count - len(chosen)))
        busy: dict[int, set] = {}
        rows = []
        mentee0_count = 0
        for i, slot in enumerate(chosen):
            if mentee0_count < 50 and slot.mentor_id != mentors[0].pk and slot.start not in busy.get(mentees[0].pk, ()):
                mentee = mentees[0]
                mentee0_count += 1
            else:
                mentee = mentees[1 + i % (len(mentees) - 1)]
                if slot.start in busy.get(mentee.pk, ()):
                    continue
            busy.setdefault(mentee.pk, set()).add(slot.start)
            status = Booking.Status.CANCELLED if i % 10 == 9 else Booking.Status.CONFIRMED
            booked_at = min(slot.start - dt.timedelta(days=3), now - dt.timedelta(minutes=rng.randint(1, 40_000)))
            rows.append(
                Booking(slot=slot, mentor_id=slot.mentor_id, mentee=mentee, status=status, created_at=booked_at)
            )
            slot.status = Slot.Status.BOOKED if status == Booking.Status.CONFIRMED else Slot.Status.AVAILABLE
        Booking.objects.bulk_create(rows, batch_size=5000)
        Slot.objects.bulk_update([b.slot for b in rows], ["status"], batch_size=5000)
        return len(rows)
