"""
Writing notifications. ``notify`` is called by other apps' services inside their transaction, so a
notification exists exactly when the change it tells about does; it is pushed to the recipient's
open pages only after the commit, and a channel layer that is down never fails the change.
"""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import realtime
from notifications import kinds, selectors
from notifications.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

CREATED_EVENT = "notification.created"


def group_name(user_id: int) -> str:
    """The channel-layer group of one person's open pages (only their own sockets join it)."""
    return f"notifications.{user_id}"


def notify(*, recipient: User, kind: str, params: dict, link: str = "", person: User | None = None) -> Notification:
    """``person``: whom ``params["name"]`` names, so the name goes when they leave (``person_notifications_erase``)."""
    notification = Notification.objects.create(recipient=recipient, kind=kind, params=params, link=link, person=person)
    transaction.on_commit(lambda: _announce(notification))
    return notification


def notify_many(
    *, recipient_ids, kind: str, params: dict, link: str = "", person: User | None = None, batch_size: int = 1000
) -> int:
    """
    The same notification for many people at once (a mentor's followers): inserted in batches in the
    caller's transaction, each pushed to its recipient's open pages after the commit. Returns how many.
    """
    rows = [
        Notification(recipient_id=pk, kind=kind, params=params, link=link, person=person)
        for pk in dict.fromkeys(recipient_ids)
    ]
    created = Notification.objects.bulk_create(rows, batch_size=batch_size)
    transaction.on_commit(lambda: [_announce(notification) for notification in created])
    return len(created)


def _announce(notification: Notification) -> None:
    selectors.forget_unread_count(notification.recipient_id)
    realtime.push(group_name(notification.recipient_id), {"type": CREATED_EVENT, "id": notification.pk})


def notifications_mark_read(
    *, user: User, ids: list[int] | None = None, kind: str | None = None, link: str | None = None
) -> int:
    """
    Mark the user's notifications read: the given ones, or those of one ``kind`` about one ``link`` (what
    the person has just seen for themselves), or all. Returns how many changed.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    if kind is not None:
        unread = unread.filter(kind=kind, link=link)
    changed = unread.update(read_at=timezone.now())
    if changed:
        selectors.forget_unread_count(user.pk)
    return changed


def notification_preferences_set(*, user: User, email: dict[str, bool]) -> list[NotificationPreference]:
    """
    Store whether each kind also comes by email (``{kind: bool}``, kinds with email only). Every kind
    given is stored, the default included: an explicit "yes" stays yes if a kind's default changes.
    One upsert for them all, so saving the page twice, or from two tabs, cannot hit the unique constraint.
    """
    unknown = set(email) - set(kinds.with_email())
    if unknown:
        raise ValueError(f"No email to choose for: {', '.join(sorted(unknown))}")
    rows = [NotificationPreference(user=user, kind=kind, email=bool(value)) for kind, value in email.items()]
    for row in rows:
        row.full_clean(exclude=["user"], validate_constraints=False)  # the upsert itself keeps (user, kind) unique
    with transaction.atomic():
        NotificationPreference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=["email"]
        )
    selectors.forget_email_choices(user)
    return rows


def person_notifications_erase(*, user: User, batch_size: int = 500) -> None:
    """
    Leaving (``accounts.hooks.PERSON_ERASED``): the person's own notifications and settings go, and
    everyone else's history stops naming them: a notification of their writing (an article, a comment:
    erased too) goes, any other keeps its facts with the name blank, shown as "Deleted user".
    """
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    named = Notification.objects.filter(person=user)
    gone = named.filter(kind__in=[name for name, kind in kinds.KINDS.items() if kind.gone_with_person])
    counted_by = set(gone.filter(read_at__isnull=True).values_list("recipient_id", flat=True))
    gone.delete()
    while batch := list(named.exclude(params__name="").only("pk", "params")[:batch_size]):
        for notification in batch:
            notification.params = {**notification.params, "name": ""}
        Notification.objects.bulk_update(batch, ["params"])
    transaction.on_commit(lambda: [selectors.forget_unread_count(pk) for pk in counted_by])


def on_person_erased(*, user: User, **_facts) -> None:
    """``accounts.hooks.PERSON_ERASED``."""
    person_notifications_erase(user=user)
