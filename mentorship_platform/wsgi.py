"""
WSGI entry point: ``gunicorn mentorship_platform.wsgi``. ``runserver`` loads this module too, in the
serving process only (not the autoreloader's parent), which makes it the place to start the
in-process scheduler when SCHEDULER_AUTOSTART is on.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_platform.settings")

application = get_wsgi_application()

from schedule import scheduler  # noqa: E402 (needs the app registry loaded above)

scheduler.autostart()
