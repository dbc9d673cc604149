"""
A mailing's life: created (scheduled), running, paused and resumed by its mentor, ended by its mentor
or by its last run, disabled and enabled by staff. Staff cannot change what a mailing sends.

Status changes are conditional updates (the status it must have now), so a double click or two tabs
change it once.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit.models import Event
from audit.services import event_record
from mailings import NOTIFY_DISABLED, NOTIFY_ENABLED, selectors, timing
from mailings.errors import MailingError
from mailings.models import REASON_MAX_LENGTH, Client, Mailing, MailingRun, Message
from mailings.services.content import check_variables
from notifications.services import notify

MAX_ACTIVE = 20  # mailings one mentor may have scheduled, running or paused at once
MAX_SPAN = dt.timedelta(days=3 * 366)  # from the start to the end
MAX_AHEAD = dt.timedelta(days=366)  # how far ahead a mailing may start
OPEN = (Mailing.Status.CREATED, Mailing.Status.RUNNING, Mailing.Status.PAUSED)
FINISHED = Mailing.Status.FINISHED


def on_access_ended(*, user: User, **_facts) -> None:
    """
    Registered with accounts: a person blocked or leaving sends nothing more, including what their
    mailings already put in the outbox (their runs are skipped: ``selectors.can_send``).
    """
    now = timezone.now()
    selectors.outbox_waiting(now=now).filter(mailing_recipient__run__mailing__mentor=user).update(expires_at=now)


def check_window(*, start_at: dt.datetime, end_at: dt.datetime, now: dt.datetime) -> None:
    if end_at <= start_at:
        raise MailingError(_("The end must be after the start."), code="end_before_start")
    if end_at <= now:
        raise MailingError(_("The end has already passed."), code="ended")
    if start_at > now + MAX_AHEAD:
        raise MailingError(_("A mailing can start at most a year ahead."), code="too_far")
    if end_at - start_at > MAX_SPAN:
        raise MailingError(_("A mailing can run for at most three years."), code="too_long")


def _first_due(mailing: Mailing, *, now: dt.datetime) -> dt.datetime | None:
    """The run a new mailing starts with: its start, or (started in the past) the latest due occurrence."""
    occurrence = timing.last_at_or_before(
        start=mailing.start_at, period=mailing.period, zone=mailing.timezone, moment=now
    )
    return timing.within(occurrence or mailing.start_at, mailing.end_at)


def mailing_create(
    *,
    mentor: User,
    message: Message,
    start_at: dt.datetime,
    end_at: dt.datetime,
    period: str,
    clients: list[Client] | None = None,
    now: dt.datetime | None = None,
) -> Mailing:
    """
    A mailing of one of the mentor's messages to all their clients (``clients`` None) or to the chosen
    ones. A start in the past starts at once (with the latest due occurrence; earlier ones are not
    sent late); a future one starts by itself.
    """
    now = now or timezone.now()
    if not selectors.can_send(mentor):
        raise MailingError(
            _("Please confirm your email address first: only mentors with a confirmed address can send mailings."),
            code="unverified",
        )
    if message.mentor_id != mentor.pk:
        raise MailingError(_("This is not one of your messages."), code="not_yours")
    check_variables(subject=message.subject, body=message.body)  # one saved before the check existed
    if period not in Mailing.Period.values:
        raise MailingError(_("Please choose how often it repeats."), code="period")
    check_window(start_at=start_at, end_at=end_at, now=now)
    if clients is not None:
        limit = settings.MAILINGS_MAX_RECIPIENTS
        if not clients:
            raise MailingError(_("Please choose at least one client, or send to all."), code="no_clients")
        if len(clients) > limit:
            raise MailingError(
                ngettext(
                    "A mailing can go to at most %(n)d client.", "A mailing can go to at most %(n)d clients.", limit
                )
                % {"n": limit},
                code="too_many",
            )
        if any(client.mentor_id != mentor.pk for client in clients):
            raise MailingError(_("This is not one of your clients."), code="not_yours")
    if Mailing.objects.filter(mentor=mentor, status__in=OPEN).count() >= MAX_ACTIVE:
        raise MailingError(
            _("You have %(n)d mailings going; end one first.") % {"n": MAX_ACTIVE}, code="too_many_mailings"
        )
    mailing = Mailing(
        mentor=mentor,
        message=message,
        all_clients=clients is None,
        period=period,
        start_at=start_at,
        end_at=end_at,
        timezone=mentor.timezone,
        created_at=now,
    )
    mailing.next_run_at = _first_due(mailing, now=now)
    if mailing.next_run_at is None:
        raise MailingError(_("No run falls between now and the end."), code="no_run")
    mailing.full_clean()
    with transaction.atomic():
        mailing.save()
        if clients is not None:
            mailing.clients.set(clients)
    return mailing


def _owner(mailing: Mailing, by: User) -> None:
    if mailing.mentor_id != by.pk:
        raise MailingError(_("This is not one of your mailings."), code="not_yours")


def _skip_pending_runs(mailing: Mailing, note: str) -> None:
    """Runs created but not queued yet are not sent (the mailing was stopped in between)."""
    MailingRun.objects.filter(mailing=mailing, status=MailingRun.Status.PENDING).update(
        status=MailingRun.Status.SKIPPED, note=note
    )


def mailing_pause(*, mailing: Mailing, by: User, now: dt.datetime | None = None) -> Mailing:
    """No run starts until the mentor resumes it."""
    _owner(mailing, by)
    if not Mailing.objects.filter(pk=mailing.pk, status__in=Mailing.ACTIVE).update(status=Mailing.Status.PAUSED):
        raise MailingError(_("Only a scheduled or running mailing can be paused."), code="state")
    mailing.refresh_from_db()
    return mailing


def _resumed_status(mailing: Mailing, *, now: dt.datetime) -> str:
    if mailing.next_run_at is None or mailing.end_at <= now:
        return Mailing.Status.FINISHED
    return Mailing.Status.RUNNING if mailing.runs.exists() else Mailing.Status.CREATED


def mailing_resume(*, mailing: Mailing, by: User, now: dt.datetime | None = None) -> Mailing:
    """
    Back on schedule. A run that fell due while it was paused is sent once (the latest one), not all
    the missed ones; past the end, it is finished.
    """
    _owner(mailing, by)
    status = _resumed_status(mailing, now=now or timezone.now())
    changes = {"status": status} | ({"next_run_at": None} if status == Mailing.Status.FINISHED else {})
    if not Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.PAUSED).update(**changes):
        raise MailingError(_("Only a paused mailing can be resumed."), code="state")
    mailing.refresh_from_db()
    return mailing


def mailing_end(*, mailing: Mailing, by: User, now: dt.datetime | None = None) -> Mailing:
    """The mentor ends it: no more runs (one being queued at this moment completes)."""
    _owner(mailing, by)
    with transaction.atomic():
        if not Mailing.objects.filter(pk=mailing.pk, status__in=OPEN).update(
            status=Mailing.Status.FINISHED, next_run_at=None
        ):
            raise MailingError(_("This mailing has already ended."), code="state")
        _skip_pending_runs(mailing, "ended")
    mailing.refresh_from_db()
    return mailing


def _require_staff(user: User) -> None:
    if not (user.is_active and user.is_staff and user.has_perm("accounts.disable_mailings")):
        raise MailingError(_("Your staff role does not allow this."), code="forbidden")


def mailing_disable(*, mailing: Mailing, by: User, reason: str, now: dt.datetime | None = None) -> Mailing:
    """
    Staff stop a mailing, with a reason the mentor sees on the mailing and in a notification: no run
    is queued, and its emails still waiting in the outbox are not sent (a finished mailing whose last
    emails are on their way can be stopped too). Only staff enable it again, from its next run; the
    stopped emails stay unsent.
    """
    now = now or timezone.now()
    _require_staff(by)
    reason = " ".join((reason or "").split())
    if not reason:
        raise MailingError(_("Please say briefly why."), code="empty")
    if len(reason) > REASON_MAX_LENGTH or "\x00" in reason:
        raise MailingError(
            _("Please keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH}, code="too_long"
        )
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().filter(pk=mailing.pk).first()
        unsent = selectors.outbox_waiting(now=now).filter(mailing_recipient__run__mailing=mailing)
        if locked is None or (locked.status not in OPEN and not (locked.status == FINISHED and unsent.exists())):
            raise MailingError(
                _("Only a scheduled, running or paused mailing, or one still sending, can be disabled."), code="state"
            )
        before = locked.status
        unsent.update(expires_at=now)
        Mailing.objects.filter(pk=locked.pk).update(
            status=Mailing.Status.DISABLED,
            disabled_reason=reason,
            disabled_by=by,
            disabled_at=now,
            paused_when_disabled=before == Mailing.Status.PAUSED,
        )
        _skip_pending_runs(mailing, "disabled")
        mailing.refresh_from_db()
        event_record(
            action=Event.Action.MAILING_DISABLE,
            actor=by,
            target=mailing,
            changes={"status": [before, Mailing.Status.DISABLED], "reason": reason},
            now=now,
        )
        notify(
            recipient=mailing.mentor,
            kind=NOTIFY_DISABLED,
            params={"subject": mailing.message.subject, "reason": reason},
            link=mailing.get_absolute_url(),
        )
    return mailing


def mailing_enable(*, mailing: Mailing, by: User, now: dt.datetime | None = None) -> Mailing:
    """
    Staff let a disabled mailing run again (from its next due run; past its end, it is finished). One
    the mentor had paused stays paused: it is theirs to resume.
    """
    _require_staff(by)
    with transaction.atomic():
        status = _resumed_status(mailing, now=now or timezone.now())
        if mailing.paused_when_disabled and status != Mailing.Status.FINISHED:
            status = Mailing.Status.PAUSED
        changes = {"status": status} | ({"next_run_at": None} if status == Mailing.Status.FINISHED else {})
        if not Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DISABLED).update(
            disabled_reason="", disabled_by=None, disabled_at=None, paused_when_disabled=False, **changes
        ):
            raise MailingError(_("This mailing is not disabled."), code="state")
        mailing.refresh_from_db()
        event_record(
            action=Event.Action.MAILING_ENABLE,
            actor=by,
            target=mailing,
            changes={"status": [Mailing.Status.DISABLED, mailing.status]},
            now=now,
        )
        notify(
            recipient=mailing.mentor,
            kind=NOTIFY_ENABLED,
            params={"subject": mailing.message.subject},
            link=mailing.get_absolute_url(),
        )
    return mailing
