from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Helpers several apps share and none owns: date and money formatting for the viewer's language."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.urls import register_converter

        from core import sqlite
        from core.converters import IdConverter

        register_converter(IdConverter, "id")
        sqlite.install()
