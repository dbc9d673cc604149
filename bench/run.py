#!/usr/bin/env python
"""
The benchmark (``make bench``): pages, booking contention, the reminder sweep and mail delivery, at
realistic scale on PostgreSQL, side by side with the ceiling of the same stack.

It creates (or reuses) the PostgreSQL database BENCH_DATABASE_URL, migrates it, counts the SQL queries
of every page at small scale (10 mentors) and at bench scale (1,000 mentors, 5,000 mentees), then
serves the site with gunicorn (DEBUG off, whitenoise, BENCH_WORKERS sync workers) and loads it from
loopback only: wrk for GETs, a small Python client for POSTs. Every scenario is bounded in time.
Results: a table on stdout and bench/results/latest.json.
"""

import datetime as dt
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentorship_bench")
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "mentorship_platform.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(40)),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": DATABASE_URL,
        "BENCH_ENDPOINTS": "true",
        "SECURE_COOKIES": "false",
        "SCHEDULER_AUTOSTART": "false",
        "LOG_LEVEL": "WARNING",
        "BOOKING_MIN_NOTICE_MINUTES": "60",
        "BOOKING_MAX_RESCHEDULES": "100000",  # the reschedule scenario moves the same bookings again and again
        "BOOKING_MAX_HOLDS": "100000",  # each booking-POST client holds many times before the checkout pays them
        # The load comes from one address and a few people: the API's throttling would measure 429s.
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        "API_THROTTLE_IP": "100000000/min",
        # The mailing scenario queues one run to 10,000 clients of one mentor.
        "MAILINGS_MAX_RECIPIENTS": "10000",
        "MAILINGS_DAILY_LIMIT": "100000",
        # A cache shared by the workers, as in production (README); BENCH_CACHE_URL=locmemcache:// without Redis.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1"),
    }
)
sys.path.insert(0, str(ROOT))


def ensure_database():
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode != 0:
        version = os.listdir("/etc/postgresql")[0]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
                break
            time.sleep(1)
    name = DATABASE_URL.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)


ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from core.testing import session_cookie as signed_in_cookie  # noqa: E402
from mailings import services as mailing_services  # noqa: E402
from mailings.models import Client as MailingClient  # noqa: E402
from mailings.models import Mailing, MailingRun  # noqa: E402
from messaging.models import Conversation  # noqa: E402
from payments.models import Package, Payment  # noqa: E402
from reviews import services as review_services  # noqa: E402
from reviews.models import Review  # noqa: E402
from schedule import delivery, services  # noqa: E402
from schedule.models import Booking, Reminder, Slot  # noqa: E402
from schedule.tests.smtp import SMTPServer  # noqa: E402

WEEKLY_MENTOR = "mentor2@bench.example"  # gets weekly hours 9-18 every day in a scenario below
PAGES = [
    # (name, path, account or None)
    ("home (anonymous)", "/", None),
    ("home, topic search", "/?topic=programming", None),
    (
        "home, all filters",
        "/?q=bench&topic=programming&language=english&price_min=10&price_max=200&this_week=on&sort=price",
        None,
    ),
    ("mentor page", "/mentors/bench-mentor-1/", None),
    ("My consultations, mentee (50)", "/bookings/", "mentee0@bench.example"),
    ("My consultations, mentor (200)", "/bookings/", "mentor0@bench.example"),
    ("dashboard stats", "/dashboard/", "staff0@bench.example"),
    # Paths that depend on the data are resolved after seeding.
    (
        "booking page, mentee",
        lambda: _first_booking("mentee0@bench.example").get_absolute_url(),
        "mentee0@bench.example",
    ),
    ("calendar feed, mentor (200)", lambda: _feed_url("mentor0@bench.example"), None),
    ("My clients, mentor", "/clients/", "mentor0@bench.example"),
    ("slot delete question, mentor", lambda: _free_slot_delete_url("mentor0@bench.example"), "mentor0@bench.example"),
    ("mentor page, weekly hours 9-18 (8 weeks)", lambda: _weekly_mentor_url(), None),
    (
        "move a session (week picker)",
        lambda: _first_booking("mentee0@bench.example").get_absolute_url() + "move/",
        "mentee0@bench.example",
    ),
    ("weekly hours, mentor", "/schedule/weekly/", WEEKLY_MENTOR),
    ("become a mentor, mentee", "/accounts/become-mentor/", "mentee0@bench.example"),
    ("sign-in page", "/accounts/login/", None),
    ("sign-up page", "/accounts/signup/", None),
    ("sign-in and security, mentee", "/accounts/security/", "mentee0@bench.example"),
    ("notifications, mentor (200)", "/notifications/", "mentor0@bench.example"),
    ("bell feed, mentor", "/notifications/latest.json", "mentor0@bench.example"),
    ("notification settings, mentor", "/notifications/settings/", "mentor0@bench.example"),
    ("leave page, mentee", "/accounts/leave/", "mentee0@bench.example"),
    ("data export, mentee (50)", "/accounts/leave/export.json", "mentee0@bench.example"),
    ("messages list, mentee (20)", "/messages/", "mentee0@bench.example"),
    (
        "conversation, mentee (200 messages)",
        lambda: _conversation_url("mentee0@bench.example"),
        "mentee0@bench.example",
    ),
    ("checkout page, mentee", lambda: _hold_url("mentee0@bench.example"), "mentee0@bench.example"),
    ("payments, mentee", "/payments/", "mentee0@bench.example"),
    ("earnings, mentor", "/earnings/", "mentor0@bench.example"),
    ("packages, mentor", "/earnings/packages/", "mentor0@bench.example"),
    ("dashboard people, mentees", "/dashboard/people/?role=mentee", "staff0@bench.example"),
    ("dashboard payments", "/dashboard/payments/", "staff0@bench.example"),
    ("contact support (anonymous)", "/support/", None),
    ("dashboard support desk", "/dashboard/support/", "staff0@bench.example"),
    ("reported conversations, staff (20 waiting)", "/dashboard/reports/", "staff0@bench.example"),
    (
        "reported conversation, staff (200 messages)",
        lambda: _reported_url("mentee0@bench.example"),
        "staff0@bench.example",
    ),
    ("dashboard maintenance switch", "/dashboard/maintenance/", "staff0@bench.example"),
    ("buy a package, mentee", lambda: _package_url("mentor1@bench.example"), "mentee0@bench.example"),
    (
        "refund a package's unused sessions (confirmation), mentee",
        lambda: _purchase_refund_url("mentor1@bench.example", "mentee1@bench.example"),
        "mentee1@bench.example",
    ),
    # Reviews (seed_reviews): every bench session that took place has one, but one of mentee0's.
    ("mentor page with reviews", "/mentors/bench-mentor-0/", None),
    ("home, sorted by rating", "/?sort=rating", None),
    ("review form, mentee", lambda: _review_form_url("mentee0@bench.example"), "mentee0@bench.example"),
    ("My reviews, mentor", "/reviews/mine/", "mentor0@bench.example"),
    ("staff reviews list", "/dashboard/reviews/?hidden=visible", "staff0@bench.example"),
    # The REST API (JSON): the directory, a mentor's free times (8 weeks of weekly hours), my bookings.
    ("API mentor list", "/api/v1/mentors/", None),
    ("API mentor list, filtered", "/api/v1/mentors/?topic=programming&price_max=200&sort=price", None),
    ("API availability, 7 days", lambda: _api_availability_url(days=7), None),
    ("API availability, 31 days", lambda: _api_availability_url(days=31), None),
    ("API my bookings, mentor (200)", "/api/v1/bookings/", "mentor0@bench.example"),
    ("API articles", "/api/v1/articles/", None),
    # The audit log (seed_audit): staff actions and security events, and django-auditlog's changes.
    ("audit log", "/dashboard/audit/", "staff0@bench.example"),
    ("audit log, filtered", "/dashboard/audit/?action=person.block&person=bench", "staff0@bench.example"),
    ("audit log, data changes", "/dashboard/audit/changes/?model=accounts.user", "staff0@bench.example"),
    # Articles (seed_articles): a page of the list, an article with a page of 20 of its comments.
    ("article list (anonymous)", "/articles/", None),
    ("article list, searched", "/articles/?q=bench", None),
    ("article list, signed in", "/articles/", "mentee0@bench.example"),
    ("article page with comments (anonymous)", lambda: _bench_article_url(), None),
    ("article page with comments, signed in", lambda: _bench_article_url(), "mentee0@bench.example"),
    ("my articles, mentor", "/articles/mine/", "mentor0@bench.example"),
    ("write an article, mentor", "/articles/new/", "mentor0@bench.example"),
    ("edit an article, mentor", lambda: f"/articles/{_bench_article().pk}/edit/", "mentor0@bench.example"),
    ("delete an article question, mentor", lambda: f"/articles/{_bench_article().pk}/delete/", "mentor0@bench.example"),
    ("edit a comment, mentee", lambda: _bench_comment_edit_url("mentee0@bench.example"), "mentee0@bench.example"),
    ("articles RSS feed", "/articles/feed/rss/", None),
    ("articles Atom feed", "/articles/feed/atom/", None),
    ("sitemap", "/sitemap.xml", None),
    # Mailings (seed_mailings): mentor0's clients (everyone who booked them), a message, a weekly mailing
    # whose first run is queued.
    ("mailings, mentor", "/mailings/", "mentor0@bench.example"),
    ("mailing clients, mentor", "/mailings/clients/", "mentor0@bench.example"),
    ("mailing messages, mentor", "/mailings/messages/", "mentor0@bench.example"),
    ("message with preview, mentor", lambda: _mailing_url("message"), "mentor0@bench.example"),
    ("mailing page, mentor", lambda: _mailing_url("mailing"), "mentor0@bench.example"),
    ("mailing run with attempts, mentor", lambda: _mailing_url("run"), "mentor0@bench.example"),
    ("staff mailings list", "/dashboard/mailings/", "staff0@bench.example"),
    ("staff mailing page", lambda: _mailing_url("staff"), "staff0@bench.example"),
]
CARD = {"number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"}

REVIEW_RATINGS = [5, 4, 5, 3, 5, 4, 2, 5]  # a realistic spread: most sessions go well


def seed_reviews() -> int:
    """
    A review of every bench session that took place within the review window, but one of mentee0's
    (the review form's page), written in bulk, then the mentors' ratings recomputed. Returns the count.
    """
    drop_bench_reviews()
    now = timezone.now()
    done = (
        Booking.objects.filter(
            mentee__email__endswith="@bench.example",
            status=Booking.Status.CONFIRMED,
            no_show="",
            slot__end__lte=now,
            slot__end__gt=now - dt.timedelta(days=settings.REVIEW_WINDOW_DAYS),
        )
        .order_by("pk")
        .values_list("pk", "mentee_id", "mentor_id", "slot__end", "mentee__email")
    )
    rows, left_out = [], False
    for i, (pk, mentee_id, mentor_id, end, email) in enumerate(done):
        if email == "mentee0@bench.example" and not left_out:
            left_out = True
            continue
        rows.append(
            Review(
                booking_id=pk,
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                rating=REVIEW_RATINGS[i % len(REVIEW_RATINGS)],
                text=f"Bench review {i}: clear explanations and practical next steps.",
                created_at=min(end + dt.timedelta(hours=2), now),
            )
        )
    Review.objects.bulk_create(rows, batch_size=5000)
    review_services.mentor_ratings_refresh(mentor_ids={row.mentor_id for row in rows})
    return len(rows)


def seed_audit(count: int) -> int:
    """``count`` audit events and as many recorded changes, by bench staff about bench people, in bulk."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from audit.models import Event

    Event.objects.filter(target_label__startswith="bench ").delete()
    LogEntry.objects.filter(object_repr__startswith="bench ").delete()
    staff = User.objects.get(email="staff0@bench.example")
    people = list(User.objects.filter(email__endswith="@bench.example").values_list("pk", flat=True)[:1000])
    user_type = ContentType.objects.get_for_model(User)
    now = timezone.now()
    actions = [Event.Action.PERSON_BLOCK, Event.Action.PERSON_UNBLOCK, Event.Action.SIGNIN_FAILURES]
    Event.objects.bulk_create(
        (
            Event(
                at=now - dt.timedelta(minutes=i),
                action=actions[i % 3],
                actor=staff if i % 3 < 2 else None,
                target_type=user_type,
                target_id=str(people[i % len(people)]),
                target_label=f"bench person {i}",
                changes={"active": [i % 2 == 1, i % 2 == 0]},
                ip=f"203.0.113.{i % 250}",
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    LogEntry.objects.bulk_create(
        (
            LogEntry(
                content_type=user_type,
                object_pk=str(people[i % len(people)]),
                object_id=people[i % len(people)],
                object_repr=f"bench person {i}",
                action=LogEntry.Action.UPDATE,
                changes={"is_active": [True, False]},
                actor=staff,
                remote_addr="203.0.113.1",
                timestamp=now - dt.timedelta(minutes=i),
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    return count


def seed_articles(per_mentor: int) -> int:
    """
    ``per_mentor`` published articles by each bench mentor, each with a like, a dislike and two comments;
    mentor0's first with 60 comments (the article page shows one page of 20). Bulk-written.
    """
    from articles.markdown import render
    from articles.models import Article, Comment, Reaction

    Article.objects.filter(author__email__endswith="@bench.example").delete()
    now = timezone.now()
    mentors = list(User.objects.filter(email__startswith="mentor", email__endswith="@bench.example").order_by("pk"))
    readers = list(User.objects.filter(email__startswith="mentee", email__endswith="@bench.example").order_by("pk")[:3])
    html = render("Bench article: **practical** advice.\n\n- one\n- two")
    rows = [
        Article(
            author=mentor,
            title=f"Bench article {i} by {mentor.first_name}",
            slug=f"bench-{mentor.pk}-{i}",
            body="Bench article: **practical** advice.\n\n- one\n- two",
            body_html=html,
            summary="Bench article: practical advice. one two",
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(hours=i + 1, minutes=mentor.pk % 60),
            announced_at=now,
        )
        for mentor in mentors
        for i in range(per_mentor)
    ]
    articles = Article.objects.bulk_create(rows, batch_size=5000)
    Reaction.objects.bulk_create(
        [Reaction(article=a, user=readers[0], value="like", created_at=now) for a in articles]
        + [Reaction(article=a, user=readers[1], value="dislike", created_at=now) for a in articles],
        batch_size=5000,
    )
    comments = [
        Comment(article=a, author=readers[j], body=f"Comment {j}", created_at=now - dt.timedelta(minutes=j))
        for a in articles
        for j in range(2)
    ]
    first = _bench_article()
    comments += [
        Comment(
            article=first, author=readers[j % 3], body=f"Comment {j}", created_at=now - dt.timedelta(minutes=90 - j)
        )
        for j in range(60)
    ]
    Comment.objects.bulk_create(comments, batch_size=5000)
    return len(articles)


def _bench_article():
    from articles.models import Article

    return Article.objects.filter(author__email="mentor0@bench.example").order_by("pk").first()


def _bench_article_url() -> str:
    return _bench_article().get_absolute_url()


def _bench_comment_edit_url(email: str) -> str:
    """A fresh comment of ``email`` on mentor0's first article (editable for ARTICLE_COMMENT_EDIT_MINUTES)."""
    from articles.models import Comment

    comment = Comment.objects.create(
        article=_bench_article(), author=User.objects.get(email=email), body="Editable", created_at=timezone.now()
    )
    return f"/articles/comments/{comment.pk}/edit/"


def drop_bench_reviews():
    """Reviews protect their sessions: they go before seed_bench replaces the bench's bookings."""
    Review.objects.filter(mentor__email__endswith="@bench.example").delete()


MAILING_MENTOR = "mentor0@bench.example"
MAILING_BENCH_MENTOR = "mailbench@bench.example"


def seed_mailings() -> int:
    """mentor0 writes to everyone who booked them: a message and a weekly mailing, its first run queued."""
    drop_bench_mailings()
    mentor = User.objects.get(email=MAILING_MENTOR)
    now = timezone.now()
    mailing_services.clients_sync(mentor=mentor, now=now)
    message = mailing_services.message_save(
        mentor=mentor,
        subject="Practise this week, {first_name}",
        body="Hello {first_name},\n\n**Twenty minutes** a day.",
        now=now,
    )
    mailing = mailing_services.mailing_create(
        mentor=mentor,
        message=message,
        start_at=now - dt.timedelta(minutes=1),
        end_at=now + dt.timedelta(days=60),
        period="weekly",
        now=now,
    )
    return mailing_services.mailings_send_due(now=now, mailing_id=mailing.pk).recipients


def drop_bench_mailings():
    Mailing.objects.all().delete()
    MailingClient.objects.all().delete()
    User.objects.filter(email=MAILING_BENCH_MENTOR).delete()


def _mailing_url(what: str) -> str:
    mailing = Mailing.objects.filter(mentor__email=MAILING_MENTOR).select_related("message").get()
    return {
        "message": f"/mailings/messages/{mailing.message_id}/",
        "mailing": mailing.get_absolute_url(),
        "run": f"/mailings/runs/{MailingRun.objects.filter(mailing=mailing).values_list('pk', flat=True).get()}/",
        "staff": f"/dashboard/mailings/{mailing.pk}/",
    }[what]


def mailing_queue(count: int = 10_000) -> dict:
    """Time queueing one mailing run to ``count`` clients (one mentor), as the scheduler's sweep does it."""
    from allauth.account.models import EmailAddress

    now = timezone.now()
    User.objects.filter(email=MAILING_BENCH_MENTOR).delete()
    mentor = User.objects.create(
        email=MAILING_BENCH_MENTOR, first_name="Mail", last_name="Bench", is_mentor=True, timezone="Europe/Kyiv"
    )
    EmailAddress.objects.create(user=mentor, email=mentor.email, primary=True, verified=True)
    MailingClient.objects.bulk_create(
        (
            MailingClient(mentor=mentor, email=f"reader{i}@bench.example", full_name=f"Reader {i}", created_at=now)
            for i in range(count)
        ),
        batch_size=2000,
    )
    message = mailing_services.message_save(
        mentor=mentor, subject="A monthly note for {first_name}", body="Hello {first_name},\n\n- one\n- two", now=now
    )
    mailing = mailing_services.mailing_create(
        mentor=mentor,
        message=message,
        start_at=now - dt.timedelta(minutes=1),
        end_at=now + dt.timedelta(days=365),
        period="monthly",
        now=now,
    )
    started = time.monotonic()
    result = mailing_services.mailings_send_due(now=now, mailing_id=mailing.pk)
    seconds = time.monotonic() - started
    return {"recipients": result.recipients, "seconds": seconds, "per_second": result.recipients / seconds}


def _review_form_url(email: str) -> str:
    """mentee0's session that took place and was left without a review."""
    booking = (
        Booking.objects.filter(
            mentee__email=email, status=Booking.Status.CONFIRMED, slot__end__lte=timezone.now(), review__isnull=True
        )
        .order_by("-slot__end")
        .first()
    )
    return f"/reviews/session/{booking.pk}/"


def _api_availability_url(days: int) -> str:
    """The availability endpoint of the mentor with 8 weeks of weekly hours, from tomorrow."""
    slug = User.objects.get(email=WEEKLY_MENTOR).mentor_profile.slug
    start = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    return f"/api/v1/mentors/{slug}/availability/?start={start}&days={days}&tz=Europe/Kyiv"


def _conversation_url(email: str) -> str:
    """mentee0's conversation with mentor0, the one with 200 messages."""
    return Conversation.objects.get(mentee__email=email, mentor__email="mentor0@bench.example").get_absolute_url()


def _reported_url(email: str) -> str:
    """Staff's page of the conversation with 200 messages, which its mentee reported (seed_bench)."""
    conversation = Conversation.objects.get(mentee__email=email, mentor__email="mentor0@bench.example")
    return reverse("dashboard:report_detail", args=[conversation.pk])


def _weekly_mentor_url() -> str:
    """A mentor whose weekly hours publish half-hour sessions 9:00-18:00 every day for eight weeks."""
    mentor = User.objects.get(email=WEEKLY_MENTOR)
    free = Slot.objects.filter(mentor=mentor, status=Slot.Status.AVAILABLE)
    free.filter(bookings=None).delete()
    free.update(status=Slot.Status.HIDDEN)  # kept for their (cancelled) booking history
    services.weekly_schedule_save(
        mentor=mentor,
        hours=[(day, dt.time(9), dt.time(18)) for day in range(7)],
        session_minutes=30,
        buffer_minutes=0,
        min_notice_minutes=60,
        max_per_day=None,
        horizon_days=56,
    )
    return mentor.mentor_profile.get_absolute_url()


def _hold_url(email: str) -> str:
    """The checkout of a fresh hold of ``email`` on a paid mentor's free time that does not clash with theirs."""
    mentee = User.objects.get(email=email)
    free = Slot.objects.filter(status=Slot.Status.AVAILABLE, start__gt=timezone.now() + dt.timedelta(hours=3))
    for slot in free.exclude(mentor__email__startswith="mentor0@").order_by("-start")[:50]:
        try:
            return f"/payments/checkout/{services.booking_hold(slot_id=slot.pk, mentee=mentee).pk}/"
        except services.BookingError:
            continue
    raise RuntimeError("no free time to hold")


def _package_url(email: str) -> str:
    """A package of ``email`` (offered here if the mentor has none)."""
    mentor = User.objects.get(email=email)
    package = Package.objects.filter(mentor=mentor, is_active=True).first() or Package.objects.create(
        mentor=mentor, title="Five sessions", sessions=5, price=mentor.mentor_profile.price * 9 / 2
    )
    return f"/payments/packages/{package.pk}/buy/"


def _purchase_refund_url(mentor_email: str, mentee_email: str) -> str:
    """The refund confirmation of a package ``mentee_email`` bought from ``mentor_email`` (bought here if none)."""
    from payments import services as payment_services
    from payments.models import PackagePurchase
    from payments.tests.factories import card

    mentee = User.objects.get(email=mentee_email)
    purchase = PackagePurchase.objects.filter(
        mentee=mentee, credits_left__gt=0, refunded_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if purchase is None:
        package = Package.objects.get(pk=_package_url(mentor_email).split("/")[-3])
        payment = payment_services.package_buy(
            package=package, payer=mentee, card=card(), idempotency_key=secrets.token_hex(16)
        )
        purchase = payment.purchase
    return f"/payments/packages/bought/{purchase.pk}/refund/"


def _first_booking(email: str) -> Booking:
    return Booking.objects.filter(mentee__email=email).order_by("pk").first()


def _feed_url(email: str) -> str:
    return services.calendar_feed_reset(user=User.objects.get(email=email)).get_absolute_url()


def _free_slot_delete_url(email: str) -> str:
    slot = Slot.objects.filter(mentor__email=email, status=Slot.Status.AVAILABLE).order_by("start").last()
    return f"/schedule/slots/{slot.pk}/delete/"


def resolve(path) -> str:
    return path() if callable(path) else path


CEILING = [("ceiling: plain view", "/bench/plain/", None), ("ceiling: base.html", "/bench/template/", None)]


def say(message):
    print(message, flush=True)


# --- Queries per page ---


def count_queries() -> dict[str, int]:
    counts = {}
    for name, path, account in PAGES:
        path = resolve(path)
        client = Client()
        if account:
            client.force_login(User.objects.get(email=account))
        client.get(path)  # warm per-process state (content types, templates)
        cache.clear()  # count the queries of a page that is not cached
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


# --- Load ---


def session_cookie(email: str) -> str:
    return signed_in_cookie(User.objects.get(email=email))


def wrk(path: str, cookie: str | None = None) -> dict:
    command = [
        "wrk",
        f"-t{min(2, CONNECTIONS)}",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        BASE + path,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["duration_s"]
    return result


def post(path: str, cookie: str, data: dict) -> tuple[int, float]:
    """One POST with the session cookie and a CSRF token; returns (status, seconds)."""
    token = secrets.token_hex(16)
    body = urlencode({**data, "csrfmiddlewaretoken": token})
    started = time.perf_counter()
    conn = HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}",
            "Referer": BASE + path,
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pick(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99)}


def run_posts(jobs: list[tuple[str, list[tuple[str, dict]]]]) -> tuple[list[float], list[int], float]:
    """
    One client thread per job (a session cookie and its POSTs, sent in turn) for at most DURATION
    seconds; returns the latencies, the statuses and the seconds it took.
    """
    latencies, statuses = [], []
    stop = time.monotonic() + DURATION
    lock = threading.Lock()

    def client(cookie, requests):
        for path, data in requests:
            if time.monotonic() > stop:
                return
            status, seconds = post(path, cookie, data() if callable(data) else data)
            with lock:
                latencies.append(seconds)
                statuses.append(status)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, time.monotonic() - started


def booking_posts() -> dict:
    """CONNECTIONS clients, each a different mentee, booking distinct free slots for DURATION seconds."""
    now = timezone.now()
    free = list(
        Slot.objects.filter(status=Slot.Status.AVAILABLE, start__gt=now + dt.timedelta(hours=3))
        .exclude(mentor__email__startswith="mentor0@")
        .order_by("start")
        .values_list("pk", "start")[:20000]
    )
    # Give each client slots with distinct start times, so no mentee overlaps their own booking.
    queues: list[list[int]] = [[] for _ in range(CONNECTIONS)]
    seen: list[set] = [set() for _ in range(CONNECTIONS)]
    for i, (pk, start) in enumerate(free):
        k = i % CONNECTIONS
        if start not in seen[k]:
            seen[k].add(start)
            queues[k].append(pk)
    mentees = list(User.objects.filter(email__startswith="mentee", is_mentor=False).order_by("pk")[1 : CONNECTIONS + 1])
    jobs = [
        (session_cookie(m.email), [(f"/book/{pk}/", {"note": "bench"}) for pk in queues[k]])
        for k, m in enumerate(mentees)
    ]
    latencies, statuses, elapsed = run_posts(jobs)
    booked = Booking.objects.filter(note="bench").count()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "bookings_made": booked,
        "non_redirect": sum(1 for s in statuses if s != 302),
        **percentiles(latencies),
    }


def checkout_posts() -> dict:
    """Each booking POST client pays for the holds it made, with the success test card (one form each)."""
    holds = Booking.objects.filter(note="bench", status=Booking.Status.PENDING).values_list("pk", "mentee__email")
    by_mentee: dict[str, list[int]] = {}
    for pk, email in holds:
        by_mentee.setdefault(email, []).append(pk)
    card = lambda: {**CARD, "key": secrets.token_hex(16)}  # noqa: E731 (a fresh form for each payment)
    jobs = [
        (session_cookie(email), [(f"/payments/checkout/{pk}/", card) for pk in pks])
        for email, pks in list(by_mentee.items())[:CONNECTIONS]
    ]
    latencies, statuses, elapsed = run_posts(jobs)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0,
        "payments_made": Payment.objects.filter(status=Payment.Status.SUCCEEDED, booking__note="bench").count(),
        "non_redirect": sum(1 for s in statuses if s != 302),
        **percentiles(latencies or [0]),
    }


def reschedule_posts() -> dict:
    """CONNECTIONS mentees each moving one of their bench bookings between free times of its mentor."""
    now = timezone.now()
    jobs = []
    for mentee in User.objects.filter(email__startswith="mentee", is_mentor=False).order_by("pk")[1 : CONNECTIONS + 1]:
        booking = Booking.objects.filter(mentee=mentee, note="bench", status=Booking.Status.CONFIRMED).first()
        if booking is None:
            continue
        free = list(
            Slot.objects.filter(
                mentor=booking.mentor, status=Slot.Status.AVAILABLE, start__gt=now + dt.timedelta(hours=3)
            )
            .order_by("start")
            .values_list("pk", "start")[:2000]
        )
        moves = [(f"/bookings/{booking.pk}/move/", {"slot": f"{pk}:{int(start.timestamp())}"}) for pk, start in free]
        jobs.append((session_cookie(mentee.email), moves))
    latencies, statuses, elapsed = run_posts(jobs)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "moves_made": sum(Booking.objects.filter(note="bench").values_list("reschedule_count", flat=True)),
        "non_redirect": sum(1 for s in statuses if s != 302),
        **percentiles(latencies),
    }


def refused_reply_posts() -> dict:
    """mentor0 sending empty replies to reviews: the page that gives the form back with its error (400)."""
    mentor = User.objects.get(email="mentor0@bench.example")
    ids = list(Review.objects.filter(mentor=mentor, reply="").values_list("pk", flat=True)[:CONNECTIONS])
    cookie = session_cookie(mentor.email)
    jobs = [(cookie, [(f"/reviews/{pk}/reply/", {"reply": ""})] * 5000) for pk in ids]
    latencies, statuses, elapsed = run_posts(jobs)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "not_400": sum(1 for s in statuses if s != 400),
        **percentiles(latencies),
    }


def uncached_render_ms(path: str, repeat: int = 30) -> float:
    """Median time to render a page with the cache emptied before each request (one request at a time)."""
    client = Client()
    client.get(path)
    samples = []
    for _ in range(repeat):
        cache.clear()
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def race(contenders: int = 50) -> dict:
    """``contenders`` mentees POST the same free slot at the same moment."""
    slot = (
        Slot.objects.filter(status=Slot.Status.AVAILABLE, start__gt=timezone.now() + dt.timedelta(hours=3))
        .order_by("-start")
        .first()
    )
    mentees = User.objects.filter(email__startswith="mentee", is_mentor=False).order_by("-pk")[:contenders]
    cookies = [session_cookie(m.email) for m in mentees]
    barrier = threading.Barrier(contenders)
    results = []
    lock = threading.Lock()

    def contender(cookie):
        barrier.wait()
        outcome = post(f"/book/{slot.pk}/", cookie, {"note": "race"})
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=contender, args=(c,)) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies = [seconds for _status, seconds in results]
    return {
        "contenders": contenders,
        # one winner: a paid mentor's slot is held for the payment, a free one booked outright
        "bookings": Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE).count(),
        "slowest_ms": max(latencies) * 1000,
        **percentiles(latencies),
    }


# --- Background work ---


def reminder_sweep(count: int = 10_000) -> dict:
    """Time one sweep that finds ``count`` bookings due for their 1-hour reminder at once."""
    now = timezone.now()
    mentors = User.objects.bulk_create(
        User(email=f"sweep{i}@bench.example", first_name="Sweep", last_name=str(i), is_mentor=True)
        for i in range(count // 10)
    )
    mentees = list(User.objects.filter(email__startswith="mentee", is_mentor=False).order_by("pk")[: count // 10])
    slots = Slot.objects.bulk_create(
        Slot(
            mentor=m,
            # the 1-hour reminder of each is due within the last 25 minutes: inside the grace window
            start=now + dt.timedelta(minutes=35 + 2 * k),
            end=now + dt.timedelta(minutes=36 + 2 * k),
            status=Slot.Status.BOOKED,
        )
        for m in mentors
        for k in range(10)
    )
    # each mentee takes one slot per start time, so nobody is double-booked
    Booking.objects.bulk_create(
        Booking(
            slot=s, mentor_id=s.mentor_id, mentee=mentees[i // 10 % len(mentees)], created_at=now - dt.timedelta(days=2)
        )
        for i, s in enumerate(slots)
    )
    with override_settings(REMINDER_OFFSETS=[60]):
        started = time.monotonic()
        result = services.reminder_sweep(now=now)
        seconds = time.monotonic() - started
    return {"bookings": len(slots), "queued": result.queued, "seconds": seconds}


def outbox_drain(limit_seconds: float = 30) -> dict:
    """Deliver the queued reminders to a local SMTP sink; messages per second."""
    with (
        SMTPServer() as sink,
        override_settings(
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=sink.port,
            EMAIL_USE_TLS=False,
            POST_OFFICE={**settings.POST_OFFICE, "BACKENDS": {"default": "schedule.mail.SMTPBackend"}},
        ),
    ):
        started = time.monotonic()
        sent = 0
        while time.monotonic() - started < limit_seconds:
            result = delivery.deliver_batch()
            if not result.handled:
                break
            sent += result.sent
        seconds = time.monotonic() - started
    return {"sent": sent, "received": len(sink.messages), "seconds": seconds, "per_second": sent / seconds}


def cleanup_background():
    """Remove what the background scenarios created (by id lists: plain indexed deletes)."""
    from post_office.models import Email, Log

    drop_bench_reviews()  # seed_bench replaces the bench's bookings, which reviews protect
    drop_bench_mailings()
    sweep_mentors = list(User.objects.filter(email__startswith="sweep").values_list("pk", flat=True))
    bookings = list(Booking.objects.filter(mentor_id__in=sweep_mentors).values_list("pk", flat=True))
    Reminder.objects.filter(booking_id__in=bookings).delete()
    Booking.objects.filter(pk__in=bookings).delete()
    Slot.objects.filter(mentor_id__in=sweep_mentors).delete()
    User.objects.filter(pk__in=sweep_mentors).delete()
    Log.objects.all().delete()
    Email.objects.all().delete()


# --- Orchestration ---


def serve():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mentorship_platform.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(WORKERS),
            "--timeout",
            "60",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/bench/plain/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return process


def table(rows, headers):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    lines = [" | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make bench does this)")
    say("== migrate, collectstatic ==")
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    say("== queries per page at small scale (10 mentors) ==")
    cleanup_background()
    # DEBUG is off, as in production, so seed_bench needs force: this database is the benchmark's own.
    call_command("seed_bench", mentors=10, mentees=100, bookings=300, force=True, verbosity=0)
    seed_reviews()
    seed_audit(100)
    seed_articles(per_mentor=2)
    seed_mailings()
    small = count_queries()
    say("== seeding bench scale (1,000 mentors, 5,000 mentees) ==")
    drop_bench_reviews()  # they protect the bookings seed_bench replaces
    started = time.monotonic()
    call_command("seed_bench", mentors=1000, mentees=5000, bookings=10_000, force=True)
    seed_seconds = time.monotonic() - started
    say(f"  {seed_reviews()} reviews of the sessions that took place")
    say(f"  {seed_audit(50_000)} audit events and as many recorded changes")
    say(f"  {seed_articles(per_mentor=5)} articles")
    say(f"  {seed_mailings()} mailing emails queued for mentor0's clients")
    large = count_queries()

    say(f"== serving with gunicorn, {WORKERS} workers; {CONNECTIONS} connections, {DURATION} s per scenario ==")
    server = serve()
    results = {}
    try:
        for name, path, account in CEILING + PAGES:
            results[name] = wrk(resolve(path), session_cookie(account) if account else None)
            say(f"  {name}: {results[name]['rps']:.0f} req/s, p95 {results[name]['p95']:.1f} ms")
        say("  booking POSTs on distinct slots ...")
        posts = booking_posts()
        say(f"  booking POST: {posts['rps']:.0f} req/s, p95 {posts['p95']:.1f} ms, {posts['bookings_made']} booked")
        pays = checkout_posts()
        say(f"  checkout POST: {pays['rps']:.0f} req/s, p95 {pays['p95']:.1f} ms, {pays['payments_made']} paid")
        moves = reschedule_posts()
        say(f"  reschedule POST: {moves['rps']:.0f} req/s, p95 {moves['p95']:.1f} ms, {moves['moves_made']} moves")
        refused = refused_reply_posts()
        say(f"  refused reply POST: {refused['rps']:.0f} req/s, p95 {refused['p95']:.1f} ms")
        contention = race()
        say(f"  50 POSTs on one slot: {contention['bookings']} booking, slowest {contention['slowest_ms']:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)

    say("== background work ==")
    sweep = reminder_sweep()
    say(f"  reminder sweep: {sweep['queued']} reminders for {sweep['bookings']} bookings in {sweep['seconds']:.1f} s")
    drain = outbox_drain()
    say(f"  outbox drain: {drain['sent']} messages in {drain['seconds']:.1f} s = {drain['per_second']:.0f}/s")
    mailing = mailing_queue()
    say(f"  mailing run: {mailing['recipients']} recipients queued in {mailing['seconds']:.1f} s")
    mailing_drain = outbox_drain()
    rate = mailing_drain["per_second"]
    say(f"  mailing drain: {mailing_drain['sent']} in {mailing_drain['seconds']:.1f} s = {rate:.0f}/s")
    cleanup_background()

    template_rps = results["ceiling: base.html"]["rps"]
    rows = []
    for name, _path, _account in CEILING + PAGES:
        r = results[name]
        rows.append(
            [
                name,
                f"{r['rps']:.0f}",
                f"{r['p50']:.1f}",
                f"{r['p95']:.1f}",
                f"{r['p99']:.1f}",
                f"{r['rps'] / template_rps:.0%}",
                small.get(name, "-"),
                large.get(name, "-"),
                r["errors"] + r["non_2xx_3xx"],
            ]
        )
    rows.append(
        [
            "booking POST (distinct slots)",
            f"{posts['rps']:.0f}",
            f"{posts['p50']:.1f}",
            f"{posts['p95']:.1f}",
            f"{posts['p99']:.1f}",
            f"{posts['rps'] / template_rps:.0%}",
            "-",
            "-",
            posts["non_redirect"],
        ]
    )
    rows.append(
        [
            "checkout POST (pay a hold, test card)",
            f"{pays['rps']:.0f}",
            f"{pays['p50']:.1f}",
            f"{pays['p95']:.1f}",
            f"{pays['p99']:.1f}",
            f"{pays['rps'] / template_rps:.0%}",
            "-",
            "-",
            pays["non_redirect"],
        ]
    )
    rows.append(
        [
            "refused review reply POST (form again)",
            f"{refused['rps']:.0f}",
            f"{refused['p50']:.1f}",
            f"{refused['p95']:.1f}",
            f"{refused['p99']:.1f}",
            f"{refused['rps'] / template_rps:.0%}",
            "-",
            "-",
            refused["not_400"],
        ]
    )
    rows.append(
        [
            "reschedule POST (move a booking)",
            f"{moves['rps']:.0f}",
            f"{moves['p50']:.1f}",
            f"{moves['p95']:.1f}",
            f"{moves['p99']:.1f}",
            f"{moves['rps'] / template_rps:.0%}",
            "-",
            "-",
            moves["non_redirect"],
        ]
    )
    render_template = uncached_render_ms("/bench/template/")
    render_mentor = uncached_render_ms(_weekly_mentor_url())
    say("")
    say(
        table(
            rows,
            ["scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "vs base.html", "SQL small", "SQL bench", "errors"],
        )
    )
    say("")
    say(
        f"50 concurrent POSTs on one slot: {contention['bookings']} booking; refusals p50 {contention['p50']:.0f} ms, "
        f"slowest {contention['slowest_ms']:.0f} ms"
    )
    say(f"Reminder sweep: {sweep['queued']} reminders ({sweep['bookings']} bookings due) in {sweep['seconds']:.1f} s")
    say(f"Outbox drain to a local SMTP sink: {drain['per_second']:.0f} messages/s ({drain['sent']} sent)")
    say(
        f"Mailing run to {mailing['recipients']} clients queued in {mailing['seconds']:.1f} s; drained at "
        f"{mailing_drain['per_second']:.0f} messages/s ({mailing_drain['sent']} in {mailing_drain['seconds']:.0f} s)"
    )
    say(f"seed_bench at full scale: {seed_seconds:.1f} s")
    say(
        f"Uncached render, one at a time: base.html {render_template:.1f} ms, mentor page with 8 weeks of weekly "
        f"hours {render_mentor:.1f} ms ({render_mentor / render_template:.1f}x)"
    )
    machine = f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL"
    say(f"Machine: {machine}; gunicorn {WORKERS} sync workers; wrk {CONNECTIONS} connections, {DURATION} s each")

    out = ROOT / "bench" / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "when": timezone.now().isoformat(),
                "machine": machine,
                "workers": WORKERS,
                "connections": CONNECTIONS,
                "seconds_per_scenario": DURATION,
                "pages": results,
                "queries_small": small,
                "queries_bench": large,
                "booking_posts": posts,
                "checkout_posts": pays,
                "reschedule_posts": moves,
                "uncached_render_ms": {"base.html": render_template, "mentor page, weekly hours": render_mentor},
                "same_slot_race": contention,
                "reminder_sweep": sweep,
                "outbox_drain": drain,
                "mailing_queue": mailing,
                "mailing_drain": mailing_drain,
                "seed_bench_seconds": seed_seconds,
                "queries_equal": small == large,
                "median_page_p95_ms": statistics.median(results[n]["p95"] for n, *_ in PAGES),
            },
            indent=2,
        )
    )
    say(f"\nWritten {out.relative_to(ROOT)}")


def mailings_only():
    """``run.py --mailings``: only the 10,000-recipient mailing run, queued and drained (a quick measure)."""
    call_command("migrate", "--noinput", verbosity=0)
    cleanup_background()
    mailing = mailing_queue()
    say(f"mailing run: {mailing['recipients']} recipients queued in {mailing['seconds']:.1f} s")
    drain = outbox_drain()
    say(f"drain: {drain['sent']} sent in {drain['seconds']:.1f} s = {drain['per_second']:.0f} messages/s")
    cleanup_background()


if __name__ == "__main__":
    mailings_only() if "--mailings" in sys.argv else main()
