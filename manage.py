#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_platform.settings")
    # manage.py is the developer's tool: when DEBUG is set nowhere (environment or .env) it runs with
    # development defaults. The WSGI app (gunicorn) still defaults to DEBUG off and needs SECRET_KEY.
    os.environ.setdefault("MANAGE_PY_DEVELOPMENT_DEFAULTS", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
