"""
How django-allauth fits this platform: its mail goes through our outbox, sign-up stores the role,
names, zone and photo, sign-up never tells whether an address was already registered, and signing in
to an account that is waiting for deletion offers to keep it.
"""

import time
import zoneinfo

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation

from accounts import selectors, services
from accounts.models import User
from accounts.validators import is_control_character
from core.mail import ACCOUNT, KIND_HEADER, SECRET_HEADER

# Set by a sign-in with the right password to an account waiting for deletion; only then may
# "Keep my account" restore it, and only for a few minutes.
KEEP_ACCOUNT_SESSION_KEY = "accounts_keep_account"
KEEP_ACCOUNT_SECONDS = 10 * 60

# Mails whose body lets the reader take over the account.
SECRET_TEMPLATES = (
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/password_reset_key",
    "account/email/login_code",
)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """
        Queue allauth's mail in the outbox, rendered now in the language and time zone of the account it
        is about (a password reset asked from a Ukrainian browser still reaches an English speaker in
        English), or of the request when no account has the address.
        """
        request = context.get("request")
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = getattr(user, "language", "") or translation.get_language()
        zone = zoneinfo.ZoneInfo(user.timezone) if user is not None else timezone.get_current_timezone()
        with translation.override(language), timezone.override(zone):
            msg = self.render_mail(
                template_prefix, email, {"request": request, "email": email, "SITE_URL": settings.SITE_URL, **context}
            )
        msg.extra_headers[KIND_HEADER] = ACCOUNT
        if template_prefix in SECRET_TEMPLATES:
            msg.extra_headers[SECRET_HEADER] = "1"
        msg.send()

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """
        A mentor whose profile still lacks what the directory asks for starts at its checklist (signed
        up as a mentor, they would otherwise land on a directory without them); everyone else where
        allauth would send them.
        An explicit ``next`` still wins: allauth asks this only without one.
        """
        user = request.user
        profile = getattr(user, "mentor_profile", None) if user.is_mentor else None
        if profile is not None:
            readiness = selectors.mentor_readiness(profile=profile)
            # What the profile lacks, not free time: a mentor booked up is not sent to fill anything in.
            if not (readiness.has_headline and readiness.has_topic and readiness.has_price):
                return reverse("accounts:mentor_profile_edit")
        return super().get_login_redirect_url(request)

    def respond_user_inactive(self, request: HttpRequest, user: User) -> HttpResponse:
        """
        allauth checks the password of an inactive account too, then lands here instead of signing in
        (before the second factor: nothing is signed in yet). For an account waiting for deletion, the
        person who just proved the password (or signed in with Google or GitHub) is offered "Keep my
        account": the session remembers whom, briefly. Any other inactive account gets allauth's page.
        """
        if selectors.deletion_to_keep(user_id=user.pk) is None:
            return super().respond_user_inactive(request, user)
        request.session[KEEP_ACCOUNT_SESSION_KEY] = {"user": user.pk, "until": time.time() + KEEP_ACCOUNT_SECONDS}
        return HttpResponseRedirect(reverse("accounts:leave_keep"))

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        """A sign-up: allauth fills the email and hashes the password, our service makes the account."""
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        language = getattr(request, "LANGUAGE_CODE", "en")
        return services.user_register(
            email=user.email,
            password=None,
            password_hash=user.password,
            first_name=data["first_name"],
            last_name=data["last_name"],
            is_mentor=form.is_mentor,
            timezone=data["timezone"],
            language=language if language in ("en", "uk") else "en",
            photo=data.get("photo") or None,
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin) -> None:
        """What the provider said is stored as JSON; PostgreSQL refuses a NUL character in it."""
        sociallogin.account.extra_data = _without_nul(sociallogin.account.extra_data)
        super().pre_social_login(request, sociallogin)

    def populate_user(self, request: HttpRequest, sociallogin, data: dict) -> User:
        """Names from Google or GitHub obey our rules too: no control characters, at most 150 characters."""
        user = super().populate_user(request, sociallogin, data)
        for field in ("first_name", "last_name"):
            text = "".join(c for c in getattr(user, field) or "" if not is_control_character(c))
            setattr(user, field, text.strip()[:150])
        return user

    def save_user(self, request: HttpRequest, sociallogin, form=None) -> User:
        """A first sign-in with Google or GitHub: a mentee, in the visitor's language."""
        user = super().save_user(request, sociallogin, form)
        language = getattr(request, "LANGUAGE_CODE", "en")
        services.user_update_language_if_default(user=user, language=language)
        return user


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def account_to_keep(request: HttpRequest) -> int | None:
    """The id of the account this session may keep (set by ``respond_user_inactive``), or None."""
    state = request.session.get(KEEP_ACCOUNT_SESSION_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("user"), int):
        return None
    if not isinstance(state.get("until"), int | float) or state["until"] < time.time():
        return None
    return state["user"]
