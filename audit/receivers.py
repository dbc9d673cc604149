"""
Security events that reach us as signals from Django's and allauth's own flows (no service of ours runs
there): failed sign-ins over the threshold, and second factors added, removed or reset.
"""

from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from audit.models import Event
from audit.services import event_record
from core import ratelimit
from core.http import client_ip


def signin_failure_record(*, ip: str | None, email: str = "", user=None) -> None:
    """
    Count a failed sign-in (password or second factor) from ``ip``; the one that reaches
    ``AUDIT_SIGNIN_FAILURES`` within ``AUDIT_SIGNIN_WINDOW_MINUTES`` is recorded, once per address and window.
    """
    window = settings.AUDIT_SIGNIN_WINDOW_MINUTES * 60
    failures = ratelimit.count(f"audit-signin:{ip or 'unknown'}", window_seconds=window)
    if failures == settings.AUDIT_SIGNIN_FAILURES:
        event_record(
            action=Event.Action.SIGNIN_FAILURES,
            target=user,
            changes={"failures": failures, "minutes": settings.AUDIT_SIGNIN_WINDOW_MINUTES, "last_email": email[:254]},
            ip=ip,
        )


@receiver(user_login_failed, dispatch_uid="audit_signin_failed")
def on_signin_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("email") or credentials.get("username") or "")
    signin_failure_record(ip=client_ip(request) if request is not None else None, email=email)


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit_mfa_failed")
def on_mfa_failed(sender, request, user, **kwargs):
    signin_failure_record(ip=client_ip(request), email=user.email, user=user)


def _mfa_change(action, request, user, authenticator):
    event_record(action=action, actor=user, target=user, changes={"type": authenticator.type}, ip=client_ip(request))


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_mfa_added")
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    _mfa_change(Event.Action.MFA_ADDED, request, user, authenticator)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_mfa_removed")
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    _mfa_change(Event.Action.MFA_REMOVED, request, user, authenticator)


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit_mfa_reset")
def on_mfa_reset(sender, request, user, authenticator, **kwargs):
    _mfa_change(Event.Action.MFA_RESET, request, user, authenticator)
