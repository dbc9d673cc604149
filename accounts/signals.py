"""Signal receivers: a change to how someone signs in ends their other sessions."""

from allauth.mfa import signals as mfa_signals
from allauth.usersessions.internal.flows.sessions import end_other_sessions
from django.dispatch import receiver


@receiver(mfa_signals.authenticator_removed)
@receiver(mfa_signals.authenticator_reset)
def end_sessions_on_second_factor_change(sender, request, user, **kwargs):
    """Whoever might have signed in with the old factor is signed out everywhere but here."""
    if request is not None:
        end_other_sessions(request, user)
