"""The dashboard's first page a staff role may open: every role has one, and Support starts at the desk."""

from django.urls import reverse

# (permission, page) in the order a role's home is chosen.
HOMES = (
    ("view_dashboard", "dashboard:stats"),
    ("handle_support", "dashboard:support"),
    ("view_bookings", "dashboard:bookings"),
    ("view_payments", "dashboard:payments"),
    ("view_audit_log", "dashboard:audit"),
)


def staff_home(user) -> str | None:
    """The address of ``user``'s first dashboard page, or None for someone who may open none."""
    if not (user.is_authenticated and user.is_staff):
        return None
    for codename, page in HOMES:
        if user.has_staff_perm(codename):
            return reverse(page)
    return None
