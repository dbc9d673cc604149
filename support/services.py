"""
The support desk: a request is stored and acknowledged by email in one transaction (through the
outbox), staff assign, answer (by email, kept as a reply) and close. The contact form is open to
everyone, so each address and each IP may send only a few per hour (``SUPPORT_REQUESTS_PER_HOUR``).
"""

import dataclasses
import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import deleted_email
from core import ratelimit
from core.mail import SUPPORT
from schedule.emails import enqueue_rendered
from support.models import SupportReply, SupportRequest


class SupportError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclasses.dataclass(frozen=True)
class Addressee:
    """Whom support mail goes to: the reply-to address, in the language the request was written in."""

    email: str
    language: str
    display_name: str
    timezone: str = "UTC"


def _addressee(request: SupportRequest) -> Addressee:
    user = request.user
    return Addressee(
        email=request.email,
        language=request.language,
        display_name=request.name or (user.display_name if user else ""),
        timezone=user.timezone if user else "UTC",
    )


def support_request_create(
    *, subject: str, email: str, message: str, name: str = "", user: User | None = None, ip: str = "", now=None
) -> SupportRequest:
    """
    Store a request and acknowledge it by email. The same request sent again within a minute (a
    double click, a resent form) is the one already stored: one request, one acknowledgement. Two at
    the same moment: the first claims it in the cache, the second is told it is on its way.
    """
    now = now or timezone.now()
    signed_in = user if user is not None and user.is_authenticated else None
    repeated = (
        SupportRequest.objects.filter(
            email__iexact=email.strip(),
            subject=subject,
            message=message.strip(),
            user=signed_in,
            created_at__gte=now - dt.timedelta(minutes=1),
        )
        .order_by("-created_at")
        .first()
    )
    if repeated is not None:
        return repeated
    limit = settings.SUPPORT_REQUESTS_PER_HOUR
    keys = [f"support:email:{email.strip().lower()}"] + ([f"support:ip:{ip}"] if ip else [])
    counted = [ratelimit.take(key, limit=limit, window_seconds=3600, now=now) for key in keys]  # each one counts
    if not all(counted):
        raise SupportError(
            _("You have sent several requests in the last hour. Please wait a little; we answer every one."), "rate"
        )
    request = SupportRequest(
        subject=subject,
        email=email.strip(),
        message=message.strip(),
        name=name.strip(),
        user=user if user is not None and user.is_authenticated else None,
        language=(get_language() or "en")[:2],
        created_at=now,
    )
    request.full_clean(exclude=["user"])
    # Two of the same at one moment (not yet stored, so not found above): the first one claims it.
    claim = (
        "support:sending:"
        + hashlib.sha256("\x1f".join((request.email.lower(), subject, request.message)).encode()).hexdigest()
    )
    if not cache.add(claim, 1, timeout=60):
        raise SupportError(
            _("This message is already on its way to us; the acknowledgement follows by email."), "duplicate"
        )
    try:
        with transaction.atomic():
            request.save()
            enqueue_rendered(
                kind=SUPPORT, template="support_received", recipient=_addressee(request), context={"request": request}
            )
    except BaseException:
        cache.delete(claim)  # nothing was stored: sending it again must work
        raise
    return request


def support_request_assign(*, request: SupportRequest, to: User | None, by: User) -> SupportRequest:
    if to is not None and not to.is_staff:
        raise SupportError(_("Requests are assigned to staff only."), "not_staff")
    request.assigned_to = to
    request.save(update_fields=["assigned_to"])
    return request


def support_request_answer(
    *, request: SupportRequest, by: User, body: str, close: bool = False, now=None
) -> SupportReply:
    """
    Email the answer to the reply-to address (through the outbox) and keep it with the request. The
    same answer sent again within a minute (a double click, a resent form) is the one already sent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=request.pk)
        repeated = (
            locked.replies.filter(author=by, body=body.strip(), created_at__gte=now - dt.timedelta(minutes=1))
            .order_by("-created_at")
            .first()
        )
        if repeated is not None:
            return repeated
        if locked.status == SupportRequest.Status.CLOSED:
            raise SupportError(_("This request is closed. Open it again to answer."), "closed")
        reply = SupportReply(request=locked, author=by, body=body.strip(), created_at=now)
        reply.full_clean(exclude=["request", "author"])
        reply.save()
        locked.status = SupportRequest.Status.CLOSED if close else SupportRequest.Status.ANSWERED
        locked.closed_at = now if close else None
        if locked.assigned_to_id is None:
            locked.assigned_to = by
        locked.save(update_fields=["status", "closed_at", "assigned_to"])
        enqueue_rendered(
            kind=SUPPORT,
            template="support_answer",
            recipient=_addressee(locked),
            context={"request": locked, "reply": reply, "contact_url": reverse("support:contact")},
        )
    request.refresh_from_db()
    return reply


def support_request_close(*, request: SupportRequest, by: User, reopen: bool = False, now=None) -> SupportRequest:
    """Close a request, or open a closed one again; saved (not updated in bulk) so the change log shows it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=request.pk)
        closed = locked.status == SupportRequest.Status.CLOSED
        if reopen and closed:
            locked.status, locked.closed_at = SupportRequest.Status.OPEN, None
            locked.save(update_fields=["status", "closed_at"])
        elif not reopen and not closed:
            locked.status, locked.closed_at = SupportRequest.Status.CLOSED, now
            locked.save(update_fields=["status", "closed_at"])
    request.refresh_from_db()
    return request


def user_support_erase(*, user: User, addresses, replacement: str) -> int:
    """
    Leaving (called when the account is anonymised): the person's requests, by account or by one of
    their addresses, keep their subject, status and times for the desk's figures, but lose the name,
    the address (``replacement``), the message and staff's answers to it. Returns how many.
    """
    mine = Q(user=user)
    for address in addresses:
        mine |= Q(email__iexact=address)
    requests = SupportRequest.objects.filter(mine)
    SupportReply.objects.filter(request__in=requests).update(body="")
    return requests.update(name="", email=replacement, message="")


def on_person_erased(*, user: User, addresses: list[str], **_facts) -> None:
    """``accounts.hooks.PERSON_ERASED``: the requests lose the address for the one the account now has."""
    user_support_erase(user=user, addresses=addresses, replacement=deleted_email(user.pk))
