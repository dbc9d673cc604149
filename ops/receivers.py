"""Failed sign-ins (password or second factor) count in the suspicious-activity digest like refusals do."""

import contextlib

from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver

from core.http import client_ip
from ops.models import SuspiciousHit


def _count(request):
    from ops.services import suspicious_hit_record

    if request is None:
        return
    with contextlib.suppress(DatabaseError):  # the sign-in form answers all the same
        suspicious_hit_record(kind=SuspiciousHit.Kind.SIGNIN, ip=client_ip(request), path=request.path_info)


@receiver(user_login_failed, dispatch_uid="ops_signin_failed")
def on_signin_failed(sender, credentials, request=None, **kwargs):
    _count(request)


@receiver(mfa_signals.authentication_failed, dispatch_uid="ops_mfa_failed")
def on_mfa_failed(sender, request, user, **kwargs):
    _count(request)
