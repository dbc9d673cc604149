"""A mentor's clients (booked ones arrive by themselves, contacts are added by hand) and messages."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from mailings import formatting, selectors
from mailings.errors import MailingError
from mailings.models import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Client,
    Mailing,
    Message,
    Recipient,
    Unsubscription,
)
from schedule.models import Booking


def _require_mentor(user: User) -> None:
    if not (user.is_active and user.is_mentor):
        raise MailingError(_("Mailings are for mentors."), code="not_mentor")


def check_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise MailingError(_("Please enter an email address."), code="empty")
    if len(email) > EMAIL_MAX_LENGTH:
        raise MailingError(_("This email address is too long."), code="too_long")
    try:
        validate_email(email)
    except ValidationError:
        raise MailingError(_("Please enter a valid email address."), code="invalid_email") from None
    return email


def check_text(text: str, *, limit: int, required: bool = False, what: str = "") -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise MailingError(_("The text holds a character that cannot be stored."), code="nul")
    if required and not text:
        raise MailingError(_("Please fill in %(what)s.") % {"what": what}, code="empty")
    if len(text) > limit:
        raise MailingError(
            ngettext(
                "Please keep it under %(limit)d character (this has %(length)d).",
                "Please keep it under %(limit)d characters (this has %(length)d).",
                limit,
            )
            % {"limit": limit, "length": len(text)},
            code="too_long",
        )
    return text


# --- Clients ---


def clients_sync(*, mentor: User, now: dt.datetime | None = None) -> int:
    """
    Every mentee with a confirmed booking with the mentor is one of their clients (added once; a
    contact with the same address added by hand stays as it is). Returns how many were added.
    """
    now = now or timezone.now()
    known = Client.objects.filter(mentor=mentor)
    mentees = (
        User.objects.filter(bookings__mentor=mentor, bookings__status=Booking.Status.CONFIRMED, is_active=True)
        .exclude(pk__in=known.exclude(user=None).values("user_id"))
        .exclude(email__in=known.values("email"))
        .distinct()
        .values_list("pk", "email", "first_name", "last_name")
    )
    rows = [
        Client(
            mentor=mentor,
            user_id=pk,
            email=email.lower(),
            full_name=f"{first} {last}".strip()[:NAME_MAX_LENGTH],
            created_at=now,
        )
        for pk, email, first, last in mentees
    ]
    created = Client.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def on_booking_confirmed(*, booking: Booking, **_facts) -> None:
    """schedule.hooks.CONFIRMED: the mentee joins the mentor's clients (nothing is sent to them for it)."""
    mentee = booking.mentee
    known = Client.objects.filter(mentor_id=booking.mentor_id).filter(Q(user=mentee) | Q(email=mentee.email.lower()))
    if known.exists():
        return
    Client.objects.bulk_create(
        [
            Client(
                mentor_id=booking.mentor_id,
                user=mentee,
                email=mentee.email.lower(),
                full_name=mentee.get_full_name()[:NAME_MAX_LENGTH],
                created_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )


def client_add(
    *, mentor: User, email: str, full_name: str = "", comment: str = "", now: dt.datetime | None = None
) -> Client:
    """A contact added by hand, up to MAILINGS_MAX_CLIENTS of them per mentor."""
    _require_mentor(mentor)
    email = check_email(email)
    full_name = check_text(full_name, limit=NAME_MAX_LENGTH)
    comment = check_text(comment, limit=COMMENT_MAX_LENGTH)
    limit = settings.MAILINGS_MAX_CLIENTS
    if Client.objects.filter(mentor=mentor, user=None).count() >= limit:
        raise MailingError(
            ngettext(
                "You can add up to %(n)d contact by hand; remove one first.",
                "You can add up to %(n)d contacts by hand; remove one first.",
                limit,
            )
            % {"n": limit},
            code="too_many",
        )
    if Client.objects.filter(mentor=mentor, email=email).exists():
        raise MailingError(_("%(email)s is already one of your clients.") % {"email": email}, code="duplicate")
    client = Client(mentor=mentor, email=email, full_name=full_name, comment=comment, created_at=now or timezone.now())
    client.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:  # the same address a moment ago (two tabs)
        raise MailingError(
            _("%(email)s is already one of your clients.") % {"email": email}, code="duplicate"
        ) from None
    return client


def client_update(*, client: Client, by: User, email: str, full_name: str, comment: str) -> Client:
    """The mentor edits a client: the name and comment of anyone, the address of a contact added by hand."""
    if client.mentor_id != by.pk:
        raise MailingError(_("This is not one of your clients."), code="not_yours")
    full_name = check_text(full_name, limit=NAME_MAX_LENGTH)
    comment = check_text(comment, limit=COMMENT_MAX_LENGTH)
    fields = ["full_name", "comment"]
    if client.is_manual:
        email = check_email(email)
        if email != client.email and Client.objects.filter(mentor_id=by.pk, email=email).exists():
            raise MailingError(_("%(email)s is already one of your clients.") % {"email": email}, code="duplicate")
        client.email = email
        fields.append("email")
    client.full_name, client.comment = full_name, comment
    client.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            client.save(update_fields=fields)
    except IntegrityError:
        raise MailingError(
            _("%(email)s is already one of your clients.") % {"email": email}, code="duplicate"
        ) from None
    return client


def client_remove(*, client: Client, by: User) -> None:
    """A contact added by hand leaves the list (people who booked stay: they are the mentor's clients)."""
    if client.mentor_id != by.pk:
        raise MailingError(_("This is not one of your clients."), code="not_yours")
    if not client.is_manual:
        raise MailingError(
            _("People who booked you stay on your list. Leave them out of a mailing by choosing its clients."),
            code="booked",
        )
    client.delete()


# --- Unsubscribing ---


def unsubscribe(*, mentor_id: int, email: str, now: dt.datetime | None = None) -> bool:
    """
    The address gets nothing more from this mentor: no later run includes it, and its emails still
    waiting in the outbox expire. Idempotent; returns False when it was already unsubscribed.
    """
    now = now or timezone.now()
    email = email.lower()
    if not User.objects.filter(pk=mentor_id).exists():
        return False
    with transaction.atomic():
        _row, created = Unsubscription.objects.get_or_create(
            mentor_id=mentor_id, email=email, defaults={"created_at": now}
        )
        selectors.outbox_waiting(now=now).filter(
            mailing_recipient__run__mailing__mentor_id=mentor_id, mailing_recipient__address=email
        ).update(expires_at=now)
    return created


# --- Messages ---


def check_variables(*, subject: str, body: str) -> None:
    """A message names only variables that exist; a typo would reach clients as typed."""
    unknown = formatting.unknown_variables(f"{subject}\n{body}")
    if unknown:
        raise MailingError(
            _("There is no variable %(unknown)s. You can use %(known)s.")
            % {
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in formatting.VARIABLES),
            },
            code="unknown_variable",
        )


def message_save(
    *, mentor: User, subject: str, body: str, message: Message | None = None, now: dt.datetime | None = None
) -> Message:
    """Write a new message, or change one of the mentor's (later runs send the new text)."""
    _require_mentor(mentor)
    now = now or timezone.now()
    subject = " ".join(check_text(subject, limit=SUBJECT_MAX_LENGTH, required=True, what=_("the subject")).split())
    body = check_text(body, limit=BODY_MAX_LENGTH, required=True, what=_("the text"))
    check_variables(subject=subject, body=body)
    if message is None:
        message = Message(mentor=mentor, created_at=now)
    elif message.mentor_id != mentor.pk:
        raise MailingError(_("This is not one of your messages."), code="not_yours")
    message.subject, message.body, message.updated_at = subject, body, now
    message.full_clean()
    message.save()
    return message


def message_delete(*, message: Message, by: User) -> None:
    if message.mentor_id != by.pk:
        raise MailingError(_("This is not one of your messages."), code="not_yours")
    if Mailing.objects.filter(message=message).exists():
        raise MailingError(_("A mailing uses this message, so it stays (its history shows it)."), code="in_use")
    message.delete()


# --- Leaving the platform ---


def user_mailings_erase(*, user: User, now: dt.datetime | None = None) -> None:
    """
    Leaving (called when the account is anonymised): the person leaves every mentor's client list and
    the addresses in past runs are forgotten; a mentor's own mailings end, their contacts and messages
    go, and what their mailings left in the outbox is not sent.
    """
    now = now or timezone.now()
    addresses = list(Client.objects.filter(user=user).values_list("email", flat=True))
    Client.objects.filter(user=user).delete()
    # Their opt-outs stay: an address that asked for no more mail keeps getting none.
    Recipient.objects.filter(address__in=addresses).update(address="deleted@invalid")
    selectors.outbox_waiting(now=now).filter(mailing_recipient__run__mailing__mentor=user).update(expires_at=now)
    Mailing.objects.filter(mentor=user).exclude(status=Mailing.Status.FINISHED).update(
        status=Mailing.Status.FINISHED, next_run_at=None, disabled_reason="", disabled_at=None
    )
    Recipient.objects.filter(run__mailing__mentor=user).update(address="deleted@invalid", client=None)
    Client.objects.filter(mentor=user).delete()


def on_person_erased(*, user: User, now: dt.datetime, **_facts) -> None:
    """``accounts.hooks.PERSON_ERASED``."""
    user_mailings_erase(user=user, now=now)
