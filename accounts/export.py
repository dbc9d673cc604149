"""
"Download my data": everything the platform keeps about a person, as one JSON document.

Built from a fixed number of queries whatever the number of bookings (the profile with its topics,
the email addresses, every booking on either side with both people, the waitlist entries, the weekly
hours with their ranges and date overrides). Times are ISO 8601 in UTC; the other person of a booking
appears by display name only (their email is theirs, not the reader's). Conversations, with every
message in them (the reader's and the other person's, whom they were written to), are under "messages".
A mentor's articles, mailing clients (those who booked them by display name only), messages and
mailings, and anyone's comments, reactions, follows and support requests are theirs too; people who
follow a mentor are counted, not named.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import MentorProfile, User

FORMAT_VERSION = 1


def _utc(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _mentor_profile(profile: MentorProfile | None) -> dict | None:
    if profile is None:
        return None
    return {
        "public_address": profile.slug,
        "headline": profile.headline,
        "about": profile.bio,
        "topics": [topic.name for topic in profile.topics.all()],
        "years_experience": profile.years_experience,
        "price": str(profile.price),
        "currency": settings.BOOKING_CURRENCY,
        "sessions_are_free": profile.is_free,
        "session_minutes": profile.session_minutes,
        "languages": profile.language_list,
        "meeting_url": profile.meeting_url,
        "created_at": _utc(profile.created_at),
        "updated_at": _utc(profile.updated_at),
    }


def _profile(user: User, profile: MentorProfile | None, addresses: list[EmailAddress]) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary} for address in addresses
        ],
        "time_zone": user.timezone,
        "language": user.language,
        "role": "mentor" if user.is_mentor else "mentee",
        "photo": f"{settings.SITE_URL}{user.photo.url}" if user.photo else None,
        "joined_at": _utc(user.date_joined),
        "mentor_profile": _mentor_profile(profile),
    }


def _booking(booking, *, user: User) -> dict:
    """One session from the reader's side: the other person by name, who cancelled by role."""
    as_mentor = booking.mentor_id == user.pk
    other = booking.mentee if as_mentor else booking.mentor
    cancelled_by = None
    if booking.cancelled_by_id is not None:
        if booking.cancelled_by_id == user.pk:
            cancelled_by = "you"
        elif booking.cancelled_by_id == other.pk:
            cancelled_by = "mentee" if as_mentor else "mentor"
        else:
            cancelled_by = "staff"
    return {
        "start": _utc(booking.slot.start),
        "end": _utc(booking.slot.end),
        "status": booking.status,
        ("mentee" if as_mentor else "mentor"): other.display_name,
        "note": booking.note,
        "meeting_url": booking.meeting_url,
        "booked_at": _utc(booking.created_at),
        "times_moved": booking.reschedule_count,
        "cancelled_at": _utc(booking.cancelled_at),
        "cancelled_by": cancelled_by,
        "cancel_reason": booking.cancel_reason,
    }


def _weekly_hours(schedule) -> dict | None:
    if schedule is None:
        return None
    return {
        "publish": schedule.is_active,
        "session_minutes": schedule.session_minutes,
        "break_minutes": schedule.buffer_minutes,
        "minimum_notice_minutes": schedule.min_notice_minutes,
        "most_sessions_a_day": schedule.max_per_day,
        "days_ahead": schedule.horizon_days,
        "hours": [
            {"weekday": hours.weekday, "from": _time(hours.start), "until": _time(hours.end)}
            for hours in schedule.hours.all()
        ],
        "date_overrides": [
            {"date": _date(o.date), "kind": o.kind, "from": _time(o.start), "until": _time(o.end)}
            for o in schedule.overrides.all()
        ],
    }


def _conversations(user: User, conversations, messages) -> list[dict]:
    """Each conversation from the reader's side, with its messages in order (grouped in Python)."""
    by_conversation: dict[int, list] = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id, []).append(message)
    result = []
    for conversation in conversations:
        other = conversation.other(user)
        result.append(
            {
                "with": other.display_name,
                "your_role": conversation.side(user),
                "started_at": _utc(conversation.created_at),
                "you_block": conversation.blocks(user),
                "messages": [
                    {
                        "from": "you" if m.sender_id == user.pk else other.display_name,
                        "sent_at": _utc(m.created_at),
                        "text": m.body,
                    }
                    for m in by_conversation.get(conversation.pk, [])
                ],
            }
        )
    return result


def _mailing_client(client) -> dict:
    """
    A contact the mentor added by hand is theirs, as they typed it; a client who booked them is
    another person's account, so by display name only (as in bookings).
    """
    if client.is_manual:
        return {
            "email": client.email,
            "full_name": client.full_name,
            "comment": client.comment,
            "booked_you": False,
            "added_at": _utc(client.created_at),
        }
    return {
        "name": client.user.display_name,
        "comment": client.comment,
        "booked_you": True,
        "added_at": _utc(client.created_at),
    }


def _writing(user: User) -> dict:
    """
    What the person wrote or chose on articles and mailings, in eleven queries: articles (with their
    topics), comments, reactions, follows (and the number of followers), mailing clients, messages and
    mailings, and support requests with their answers.
    """
    from articles.models import Article, Comment, Follow, Reaction  # both depend on accounts
    from mailings.models import Client, Mailing
    from mailings.models import Message as MailingMessage
    from support.models import SupportRequest

    articles = Article.objects.filter(author=user).prefetch_related("topics").order_by("created_at", "pk")
    comments = Comment.objects.filter(author=user).select_related("article").order_by("created_at", "pk")
    reactions = Reaction.objects.filter(user=user).select_related("article").order_by("created_at", "pk")
    following = Follow.objects.filter(follower=user).select_related("mentor").order_by("created_at", "pk")
    mailings = Mailing.objects.filter(mentor=user).select_related("message").order_by("created_at", "pk")
    support = SupportRequest.objects.filter(user=user).prefetch_related("replies").order_by("created_at", "pk")
    clients = Client.objects.filter(mentor=user).select_related("user").order_by("created_at", "pk")
    return {
        "articles": [
            {
                "title": article.title,
                "address": f"{settings.SITE_URL}{article.get_absolute_url()}",
                "status": article.status,
                "published_at": _utc(article.published_at),
                "topics": [topic.name for topic in article.topics.all()],
                "text": article.body,
                "cover": f"{settings.SITE_URL}{article.cover.url}" if article.cover else None,
                "views": article.view_count,
                "created_at": _utc(article.created_at),
                "updated_at": _utc(article.updated_at),
            }
            for article in articles
        ],
        "comments": [
            {
                "article": comment.article.title,
                "text": comment.body,
                "written_at": _utc(comment.created_at),
                "edited_at": _utc(comment.edited_at),
            }
            for comment in comments
        ],
        "reactions": [
            {"article": reaction.article.title, "reaction": reaction.value, "at": _utc(reaction.created_at)}
            for reaction in reactions
        ],
        "following": [{"mentor": follow.mentor.display_name, "since": _utc(follow.created_at)} for follow in following],
        "follower_count": Follow.objects.filter(mentor=user).count(),
        "mailing_clients": [_mailing_client(client) for client in clients],
        "mailing_messages": [
            {"subject": message.subject, "text": message.body, "written_at": _utc(message.created_at)}
            for message in MailingMessage.objects.filter(mentor=user).order_by("created_at", "pk")
        ],
        "mailings": [
            {
                "message": mailing.message.subject,
                "to_all_clients": mailing.all_clients,
                "repeat": mailing.period,
                "start": _utc(mailing.start_at),
                "end": _utc(mailing.end_at),
                "status": mailing.status,
            }
            for mailing in mailings
        ],
        "support_requests": [
            {
                "reference": request.reference,
                "subject": request.subject,
                "message": request.message,
                "status": request.status,
                "received_at": _utc(request.created_at),
                "answers": [{"text": reply.body, "sent_at": _utc(reply.created_at)} for reply in request.replies.all()],
            }
            for request in support
        ],
    }


def user_data_export(user: User, *, now: dt.datetime | None = None) -> dict:
    """
    The person's data, ready for ``json.dumps``. Twenty-five queries at most, however many bookings,
    messages or articles: the mentor profile and its topics, the email addresses, the bookings, the
    waitlist entries, the weekly schedule with its hours and date overrides, the conversations, their
    messages, the notification preferences, the payments (made and received), the packages bought, the
    reviews (written as a client, received as a mentor, with the replies), and ``_writing``'s eleven.
    """
    from messaging.models import Conversation, Message  # both depend on accounts
    from notifications.models import NotificationPreference
    from payments.models import PackagePurchase, Payment
    from reviews.models import Review
    from schedule.models import Booking, WaitlistEntry, WeeklySchedule

    now = now or timezone.now()
    # A former mentor's profile is still theirs: it is exported whatever the role.
    profile = MentorProfile.objects.filter(user=user).prefetch_related("topics").first()
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    # A mentee's own holds (paid or not) are theirs; a mentor sees only the bookings made, as on their pages.
    bookings = list(
        Booking.objects.filter(Q(mentee=user) | Q(mentor=user, status__in=Booking.SETTLED))
        .select_related("slot", "mentee", "mentor")
        .order_by("slot__start", "pk")
    )
    waitlist = WaitlistEntry.objects.filter(mentee=user).select_related("mentor").order_by("created_at", "pk")
    schedule = WeeklySchedule.objects.filter(mentor=user).prefetch_related("hours", "overrides").first()
    mine = Q(mentor=user) | Q(mentee=user)
    conversations = Conversation.objects.filter(mine).select_related("mentor", "mentee").order_by("created_at", "pk")
    messages = Message.objects.filter(Q(conversation__mentor=user) | Q(conversation__mentee=user)).order_by("pk")
    return {
        "format": FORMAT_VERSION,
        "exported_at": _utc(now),
        "profile": _profile(user, profile, addresses),
        "bookings_as_mentee": [_booking(b, user=user) for b in bookings if b.mentee_id == user.pk],
        "bookings_as_mentor": [_booking(b, user=user) for b in bookings if b.mentor_id == user.pk],
        "waitlist": [
            {
                "mentor": entry.mentor.display_name,
                "from": _date(entry.date_from),
                "until": _date(entry.date_to),
                "joined_at": _utc(entry.created_at),
            }
            for entry in waitlist
        ],
        "weekly_hours": _weekly_hours(schedule),
        "messages": _conversations(user, list(conversations), list(messages)),
        "notification_email": {
            p.kind: p.email for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        },
        "payments": [
            {
                "direction": "paid" if p.payer_id == user.pk else "received",
                "other_person": (p.mentor if p.payer_id == user.pk else p.payer).display_name,
                "for": "session" if p.booking_id else "package",
                "amount": str(p.amount),
                "currency": p.currency,
                "refunded": str(p.refunded),
                "status": p.status,
                "card": p.card if p.payer_id == user.pk else "",
                "invoice_number": p.invoice_number,
                "created_at": _utc(p.created_at),
            }
            for p in Payment.objects.filter(Q(payer=user) | Q(mentor=user))
            .select_related("payer", "mentor")
            .order_by("pk")
        ],
        "reviews": [
            {
                "direction": "written" if r.mentee_id == user.pk else "received",
                "other_person": (r.mentor if r.mentee_id == user.pk else r.mentee).display_name,
                "rating": r.rating,
                "text": r.text,
                "reply": r.reply,
                "hidden": r.is_hidden,
                "created_at": _utc(r.created_at),
            }
            for r in Review.objects.filter(Q(mentee=user) | Q(mentor=user))
            .select_related("mentee", "mentor")
            .order_by("pk")
        ],
        "packages_bought": [
            {
                "mentor": purchase.mentor.display_name,
                "title": purchase.package.title,
                "sessions": purchase.sessions,
                "sessions_left": purchase.credits_left,
                "expires_at": _utc(purchase.expires_at),
                "refunded_at": _utc(purchase.refunded_at),
            }
            for purchase in PackagePurchase.objects.filter(mentee=user)
            .select_related("package", "mentor")
            .order_by("pk")
        ],
        **_writing(user),
    }
