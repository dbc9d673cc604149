"""
Signal receivers: a change to how someone signs in ends their other sessions; the language chosen on
this device before signing in is kept, or else the profile's is used from the sign-in on.
"""

from allauth.mfa import signals as mfa_signals
from allauth.usersessions.internal.flows.sessions import end_other_sessions
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(mfa_signals.authenticator_removed)
@receiver(mfa_signals.authenticator_reset)
def end_sessions_on_second_factor_change(sender, request, user, **kwargs):
    """Whoever might have signed in with the old factor is signed out everywhere but here."""
    if request is not None:
        end_other_sessions(request, user)


@receiver(user_logged_in)
def keep_the_language_chosen_before_signing_in(sender, request, user, **kwargs):
    """
    A visitor who switched to Ukrainian on the sign-in page (the switcher's cookie) and then signs in
    stays in Ukrainian: the choice made on this device becomes the profile's, which drives the pages
    and the emails. Without a switcher cookie the profile's language stands, from this request on: the
    "Signed in as …" message that follows is in the language of the pages that show it.
    """
    from accounts.services import user_set_language  # services import the models these receivers load with

    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "") if request is not None else ""
    if chosen in dict(settings.LANGUAGES) and chosen != user.language:
        user_set_language(user=user, language=chosen)
    # Only within a request the middleware started (a test client's login builds a bare one): the
    # language is the request's, set again by the middleware on the next.
    if hasattr(request, "LANGUAGE_CODE") and user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
