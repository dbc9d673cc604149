"""
Leaving the platform. A person asks to delete their account, has ACCOUNT_DELETION_GRACE_DAYS to change
their mind, and is then anonymised.

- Asking (``account_deletion_request``) takes effect at once for everyone else: the account is
  deactivated and signed out on every device, its sessions that have not started are cancelled on
  either side (the usual emails), a mentor's free times are withdrawn and waitlists forget the person.
  Nothing is erased yet.
- Keeping (``account_deletion_cancel``): the right password (or Google/GitHub) at sign-in within the
  grace period leads to "Keep my account" (``accounts.adapters.AccountAdapter.respond_user_inactive``),
  which re-activates the account; the person then signs in as usual, second factor included.
- Completing (``account_deletions_complete``, a scheduled job): each due request is claimed with
  SELECT ... FOR UPDATE SKIP LOCKED, re-checked and carried out in its own transaction, so two
  schedulers running at once complete each one exactly once, and a second run finds nothing to do.

The account is anonymised, not deleted: the User row stays, as "Deleted user" with the address
``deleted-<pk>@deleted.invalid``, so the other side's bookings and history still read. Erased are the
names, email addresses, password, photo, time zone and language, the mentor profile's texts, topics and
meeting link, what the person wrote on bookings and in reviews (ratings stay), their articles, comments
and follows (likes stay, anonymous), their mailings' contacts and messages, the words of their support
requests and of staff's removals of their writing, their calendar feed, weekly hours and waitlists,
everything they signed in with (allauth email addresses, Google/GitHub links, authenticators,
sessions) and mail still queued to them.

Leaving touches every app that holds the person's data. Accounts, the lowest layer, imports none of them:
each app does its part through ``accounts.hooks`` (PERSON_LEFT, PERSON_STAYED, PERSON_ERASED), in the
same transaction.
"""

import datetime as dt
import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import directory, hooks
from accounts.models import AccountDeletion, MentorProfile, User
from accounts.services.errors import AccountError
from accounts.services.users import user_sessions_end
from audit.models import Event
from audit.services import event_record, person_forget

logger = logging.getLogger(__name__)

DELETED_EMAIL_DOMAIN = "deleted.invalid"  # RFC 2606: never a real address
COMPLETE_PER_RUN = 500  # one run of the job is bounded; the rest wait 15 minutes


def deleted_email(user_id: int) -> str:
    return f"deleted-{user_id}@{DELETED_EMAIL_DOMAIN}"


def account_deletion_request(*, user: User, now: dt.datetime | None = None) -> AccountDeletion:
    """
    Close the account now and erase it after the grace period (see the module docstring). Idempotent:
    a second request (a double click) returns the pending one. Every session of the person ends; the
    caller also signs out the current request.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        deletion = AccountDeletion.objects.filter(user=locked).first()
        if deletion is not None and deletion.is_pending:
            return deletion
        if not locked.is_active:
            raise AccountError(_("This account is inactive."))
        deletion = deletion or AccountDeletion(user=locked)
        deletion.requested_at = now
        deletion.due_at = now + dt.timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)
        deletion.cancelled_at = deletion.completed_at = None
        deletion.full_clean(exclude=["user"])
        deletion.save()
        locked.is_active = user.is_active = False
        locked.save(update_fields=["is_active"])
        hooks.fire(hooks.PERSON_LEFT, user=locked, now=now)  # their sessions are cancelled, their articles hidden
        user_sessions_end(user=locked)
        directory.changed()
        event_record(action=Event.Action.DELETION_REQUESTED, actor=locked, target=locked, now=now)
        _mail(
            locked,
            "deletion_requested",
            due_at=deletion.due_at,
            login_url=f"{settings.SITE_URL}{reverse('account_login')}",
        )
    return deletion


def account_deletion_cancel(*, user_id: int, now: dt.datetime | None = None) -> User:
    """
    "Keep my account": the pending request is cancelled and the account active again. Only within the
    grace period; the conditional update loses to a deletion job that has claimed the request, so an
    account is never both kept and erased. Cancelled sessions stay cancelled and withdrawn one-off slots
    stay withdrawn; a mentor's weekly hours publish again at once (``PERSON_STAYED``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        kept = AccountDeletion.objects.pending().filter(user_id=user_id, due_at__gt=now).update(cancelled_at=now)
        if not kept:
            raise AccountError(_("This account is no longer waiting for deletion, so there is nothing to keep."))
        User.objects.filter(pk=user_id).update(is_active=True)
        directory.changed()
        user = User.objects.get(pk=user_id)
        hooks.fire(hooks.PERSON_STAYED, user=user, now=now)
        event_record(action=Event.Action.DELETION_CANCELLED, actor=user, target=user, now=now)
        _mail(user, "deletion_cancelled", password_reset_url=f"{settings.SITE_URL}{reverse('account_reset_password')}")
    return user


def _mail(user: User, template: str, **context) -> None:
    """The person's receipt for asking to leave or keeping the account, queued in the same transaction."""
    from allauth.account.adapter import get_adapter  # the adapter imports these services

    get_adapter().send_mail(f"account/email/{template}", user.email, {"user": user, **context})


def account_deletions_complete(*, now: dt.datetime | None = None) -> int:
    """
    Anonymise every account whose grace period is over, one per transaction; returns how many. A
    request is claimed with SKIP LOCKED (SQLite's IMMEDIATE transactions take turns instead) and the
    claim re-reads it as pending, so a request kept a moment earlier, or completed by another run, is
    left alone. One that fails is logged and tried again on the next run; the others go on.
    """
    now = now or timezone.now()
    due = AccountDeletion.objects.pending().filter(due_at__lte=now).order_by("due_at", "pk")
    tried: set[int] = set()
    completed = 0
    for _attempt in range(COMPLETE_PER_RUN):
        try:
            with transaction.atomic():
                deletion = (
                    due.exclude(pk__in=tried).select_for_update(skip_locked=True, of=("self",)).select_related("user")
                ).first()
                if deletion is None:
                    break
                tried.add(deletion.pk)
                _anonymise(deletion.user, closed_at=deletion.requested_at, now=now)
                AccountDeletion.objects.filter(pk=deletion.pk).update(completed_at=now)
            completed += 1
        except Exception:  # one account's failure must not stop the others
            logger.exception("Account deletion failed; it is tried again on the next run")
    return completed


def _anonymise(user: User, *, closed_at: dt.datetime, now: dt.datetime) -> None:
    addresses = sorted({user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)})
    person_forget(user=user, addresses=addresses)
    hooks.fire(hooks.PERSON_ERASED, user=user, addresses=addresses, requested_at=closed_at, now=now)
    user_sessions_end(user=user)
    UserSession.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is not None:
        profile.headline = profile.bio = profile.meeting_url = profile.languages = ""
        profile.slug = f"deleted-{user.pk}"
        with disable_auditlog():
            profile.save(update_fields=["headline", "bio", "meeting_url", "languages", "slug", "updated_at"])
            profile.topics.clear()

    old_photo = user.photo.name or None
    user.email = deleted_email(user.pk)
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.photo = None
    user.timezone = "UTC"
    user.language = User._meta.get_field("language").default
    user.is_active = user.is_mentor = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.deleted_at = now
    user.full_clean(exclude=["password"])
    with disable_auditlog():  # the erasure itself would record the old name and address
        user.save(
            update_fields=[
                "email",
                "first_name",
                "last_name",
                "password",
                "photo",
                "timezone",
                "language",
                "is_active",
                "is_mentor",
                "is_staff",
                "is_superuser",
                "last_login",
                "deleted_at",
            ]
        )
    with disable_auditlog():
        user.groups.clear()
        user.user_permissions.clear()
    if old_photo:
        storage = user.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    directory.changed()
