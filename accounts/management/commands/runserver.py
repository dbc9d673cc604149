"""
``runserver``: daphne's, so development serves HTTP and WebSockets (live notifications) from the one
ASGI application, leaving static files to WhiteNoise as production does; its start-up output ends
with what a newcomer needs: the address and, in development with the demo data loaded, the logins.
"""

from daphne.management.commands.runserver import Command as DaphneRunserver
from django.conf import settings

from accounts.management.commands import seed_demo
from accounts.models import User


class Command(DaphneRunserver):
    def handle(self, *args, **options):
        options["use_static_handler"] = False  # WhiteNoise's middleware serves them, as in production
        super().handle(*args, **options)

    def inner_run(self, *args, **options):
        if settings.DEBUG:
            self.stdout.write(self.banner())
        super().inner_run(*args, **options)

    def banner(self) -> str:
        host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        lines = ["", f"  Open http://{host}:{self.port}/"]
        demo = list(User.objects.filter(email__in=seed_demo.DEMO_LOGINS).values_list("email", flat=True))
        if demo:
            lines.append(f"  Demo logins (password {seed_demo.PASSWORD}):")
            lines += [
                f"    {seed_demo.DEMO_LOGINS[email]:<7} {email}" for email in seed_demo.DEMO_LOGINS if email in demo
            ]
            if seed_demo.STAFF_EMAIL in demo:
                lines.append(f"  Staff sign-in asks for an authenticator code: secret {seed_demo.STAFF_TOTP_SECRET}")
        if settings.EMAIL_FILE_PATH:
            lines.append(f"  Emails are written to {settings.EMAIL_FILE_PATH}/")
        return "\n".join(lines) + "\n"
