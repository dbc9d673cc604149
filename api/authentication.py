"""``Authorization: Bearer mtp_…``: a personal token, looked up by its hash; revoked or blocked ones fail."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api import services
from api.models import Token
from audit.context import actor_set
from core import ratelimit
from core.http import client_ip

BAD_TOKENS_PER_MINUTE = 20


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be: Bearer <token>."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = (
            Token.objects.select_related("user")
            .filter(key_hash=services.token_hash(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            if not ratelimit.take(
                f"api-bad-token:{client_ip(request)}", limit=BAD_TOKENS_PER_MINUTE, window_seconds=60
            ):
                raise exceptions.Throttled(wait=60)  # guessing costs a lookup each: not without end
            raise exceptions.AuthenticationFailed(_("This token is not valid or has been revoked."))
        services.token_used(token=token)
        actor_set(token.user)  # the audit log's model changes name the token's owner, as for a session
        translation.activate(token.user.language)  # errors in the owner's language, as on the site
        request.LANGUAGE_CODE = token.user.language
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
