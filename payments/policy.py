"""
The cancellation policy: how much of a paid session comes back, by how long before the start the
client cancels. Hours are real elapsed hours (a day across a clock change is 23 or 25 of them), the
boundary belongs to the better tier ("at least 24 hours before" includes exactly 24), and the mentor
cancelling, or not coming, always refunds in full. A session bought with a package credit gets its
credit back whenever the refund would be full.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from accounts.models import CancellationPolicy
from core.dates import duration
from payments.models import CENT

# (at least this many hours before the start, percent refunded), best tier first; later: nothing.
TIERS: dict[str, tuple[tuple[int, int], ...]] = {
    CancellationPolicy.FLEXIBLE: ((4, 100), (0, 50)),
    CancellationPolicy.STANDARD: ((24, 100), (2, 50)),
    CancellationPolicy.STRICT: ((72, 100), (24, 50)),
}


def refund_percent(policy: str, *, start: dt.datetime, at: dt.datetime) -> int:
    """The share (0-100) a client cancelling at ``at`` gets back of a session starting at ``start``."""
    # In UTC: two times in the same zone subtract as wall clocks (24 hours across a clock change).
    before = start.astimezone(dt.UTC) - at.astimezone(dt.UTC)
    for hours, percent in TIERS.get(policy, TIERS[CancellationPolicy.STANDARD]):
        if before >= dt.timedelta(hours=hours):
            return percent
    return 0


def share_of(amount: Decimal, percent: int) -> Decimal:
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def describe(policy: str) -> list[str]:
    """The policy in sentences, as shown before booking and on the cancel page."""
    tiers = TIERS.get(policy, TIERS[CancellationPolicy.STANDARD])
    lines = []
    previous = None
    for hours, percent in tiers:
        limit = duration(hours * 60)
        if percent == 100:
            lines.append(_("Full refund if you cancel at least %(limit)s before the start.") % {"limit": limit})
        elif hours == 0:
            lines.append(_("%(percent)d%% back if you cancel later, up to the start.") % {"percent": percent})
        else:
            lines.append(
                _("%(percent)d%% back if you cancel between %(earlier)s and %(limit)s before.")
                % {"percent": percent, "earlier": duration(previous * 60), "limit": limit}
            )
        previous = hours
    if tiers[-1][0] > 0:
        lines.append(_("No refund later than %(limit)s before the start.") % {"limit": duration(tiers[-1][0] * 60)})
    lines.append(_("If the mentor cancels or does not come, you get everything back. Moving the session is free."))
    return lines
