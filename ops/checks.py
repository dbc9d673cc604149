import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def check_metrics_allowed_ips(app_configs, **kwargs):
    """An allow-list entry that is not an address or a network would match nobody, silently."""
    errors = []
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"METRICS_ALLOWED_IPS has {entry!r}, which is neither an IP address nor a network.",
                    hint="List addresses or networks separated by commas, e.g. 10.0.0.5,192.168.1.0/24.",
                    id="ops.E001",
                )
            )
    return errors
