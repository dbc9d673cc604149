"""
ASGI entry point: HTTP (Django) and WebSockets (Channels) in one application. ``runserver`` (daphne's)
serves it in development; like ``wsgi.py`` it starts the in-process scheduler when
SCHEDULER_AUTOSTART is on (the leader lock keeps it to one process).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_platform.settings")
# Under ASGI each database call runs on a pool thread with its own connection; kept open, they pile
# up (one leftover daphne held 93 idle PostgreSQL connections in the benchmark). Close each at the
# end of its request unless the deployment says otherwise.
os.environ.setdefault("CONN_MAX_AGE", "0")

django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 (needs the app registry loaded above)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from messaging.routing import websocket_urlpatterns as messaging_sockets  # noqa: E402
from notifications.routing import websocket_urlpatterns as notification_sockets  # noqa: E402
from schedule import scheduler  # noqa: E402

# Sockets authenticate with the session cookie, and only pages of this site (Origin in
# ALLOWED_HOSTS) may open one: another site cannot ride a visitor's cookie into a socket.
websockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([*notification_sockets, *messaging_sockets])))

application = ProtocolTypeRouter({"http": django_application, "websocket": websockets})

scheduler.autostart()
