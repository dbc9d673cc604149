from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")

    def ready(self):
        from accounts import hooks
        from api import (
            schema,  # noqa: F401  the token authentication's entry in the OpenAPI schema
            services,
        )

        hooks.register(hooks.ACCESS_ENDED, services.tokens_revoke_all)
        hooks.register(hooks.STAFF_ROLE_GIVEN, services.tokens_revoke_all)
