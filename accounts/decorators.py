"""Role checks for views: anonymous visitors go to the login page, the wrong role gets a 403."""

import functools

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import roles_allowed
from core.http import Refusal


def role_required(test, message):
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise Refusal(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


mentor_required = role_required(lambda user: user.is_mentor, _("This page is for mentors."))
staff_required = role_required(lambda user: user.is_staff, _("The dashboard is for staff only."))


def permission_required(*codenames: str):
    """
    A staff page or action: staff holding one of ``accounts.<codename>`` (through a role, or as
    superuser). Refused, the 403 names the roles that may (looked up only then).
    """

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_staff_perm(codename) for codename in codenames):
                raise Refusal(_refusal(request.user, codenames))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _refusal(user, codenames) -> str:
    if not user.is_staff:
        return gettext("This page is for staff only.")
    roles = roles_allowed(codenames)
    if not roles:
        return gettext("Your staff role does not allow this.")
    return gettext("Your staff role does not allow this. It needs the role: %(roles)s.") % {"roles": " / ".join(roles)}
