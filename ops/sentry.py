"""
Error reports to Sentry, switched on by SENTRY_DSN (settings.py imports this module only then, so a
site without Sentry never loads the SDK).

No personal data by default (``send_default_pii=False``: no cookies, user, IP address or auth
headers) and no request bodies (messages, notes and forms stay here); each event carries the
request id of the log lines that go with it.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from ops import logs


def tag_request_id(event, hint):
    request_id = logs.current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        before_send=tag_request_id,
    )
