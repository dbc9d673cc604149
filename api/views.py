"""The personal API tokens page: make one (its secret shown once), see when each was used, revoke."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import services
from api.forms import TokenForm
from api.models import Token

NEW_SECRET_KEY = "api_new_token_secret"


@never_cache  # the page shows a new token's secret once: no copy in any cache
@login_required
@reauthentication_required(allow_get=True)  # a token outlives the session: making one asks who it is again
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    # A new token's secret is shown on the page the POST redirects to, once (a reload makes no second token).
    secret = request.session.pop(NEW_SECRET_KEY, None) if request.method == "GET" else None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_secret = services.token_create(user=request.user, **form.cleaned_data)
        except services.TokenError as error:
            messages.error(request, error.message)
        else:
            request.session[NEW_SECRET_KEY] = new_secret
            messages.success(
                request, _("Token “%(name)s” made. Copy it now: it will not be shown again.") % {"name": token.name}
            )
            return redirect("api:tokens")
    tokens = Token.objects.filter(user=request.user, revoked_at__isnull=True)
    bookings_url = request.build_absolute_uri(reverse("api:booking-list"))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "secret": secret,
            "docs_url": reverse("api:docs"),
            "example": f'curl -H "Authorization: Bearer {secret or "mtp_…"}" {bookings_url}',
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(Token, pk=pk, user=request.user, revoked_at__isnull=True)
    services.token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
    return redirect("api:tokens")
