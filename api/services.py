"""Personal API tokens: create (the secret is returned once and only its hash is kept) and revoke."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from api.models import Token

# "mtp_" + 40 URL-safe characters: recognisable in logs and by secret scanners, 240 bits of randomness.
TOKEN_PREFIX = "mtp_"
SHOWN_PREFIX = 12  # "mtp_" and 8 characters: enough to tell a person's tokens apart
# Using a token moves its "last used" at most this often (no write on every API request).
LAST_USED_EVERY = dt.timedelta(minutes=5)


class TokenError(Exception):
    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, name: str, scope: str, now: dt.datetime | None = None) -> tuple[Token, str]:
    """A new token for ``user``; returns it with its secret, which is never stored and cannot be shown again."""
    now = now or timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one count at a time per person
        active = Token.objects.filter(user=user, revoked_at__isnull=True).count()
        if active >= settings.API_MAX_TOKENS:
            raise TokenError(
                _("You have %(n)d tokens. Revoke one you no longer use first.") % {"n": active}, code="too_many"
            )
        key = TOKEN_PREFIX + secrets.token_urlsafe(30)
        token = Token(
            user=user,
            name=name.strip(),
            scope=scope,
            prefix=key[:SHOWN_PREFIX],
            key_hash=token_hash(key),
            created_at=now,
        )
        token.full_clean()
        token.save()
    return token, key


def token_revoke(*, token: Token, now: dt.datetime | None = None) -> Token:
    """Revoked at once for every request that follows; idempotent."""
    now = now or timezone.now()
    Token.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token


def tokens_revoke_all(*, user: User, now: dt.datetime | None = None) -> int:
    """
    Every token of a person who was blocked, is leaving or was given a staff role: unblocking does not
    bring them back.
    """
    return Token.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now or timezone.now())


def token_used(*, token: Token, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        Token.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
