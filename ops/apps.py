from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        """A request's id stays on its log records until the response is closed, then goes."""
        from django.core.signals import request_finished

        from ops import checks, logs, receivers  # noqa: F401 (registers the system checks and receivers)

        request_finished.connect(logs.forget_request_id, dispatch_uid="ops.forget_request_id")
