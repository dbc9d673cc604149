"""
The libraries' apps and models under names of our own, in both languages: Django admin lists each app
by its ``verbose_name``, and theirs are English only ("Django APScheduler", "Post Office") or the same
as ours (allauth's "Accounts" next to ours, django-auditlog's "Audit log" next to ours). Some of their
models and fields have no name either, so the admin made one from the code ("Django jobs",
"Authenticators", "Last used at").
INSTALLED_APPS names these classes instead of the libraries' own.
"""

from allauth.account.apps import AccountConfig
from allauth.mfa.apps import MFAConfig
from allauth.socialaccount.apps import SocialAccountConfig
from allauth.usersessions.apps import UserSessionsConfig
from auditlog.apps import AuditlogConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_apscheduler.apps import DjangoApschedulerConfig
from post_office.apps import PostOfficeConfig


def name_fields(app_config, model_name, **fields):
    """
    Name the fields of a library's model that the admin shows. Set where the admin reads it
    (``Field.verbose_name``); migrations read each field's original ``_verbose_name``, so the library's
    migrations stay as they are.
    """
    options = app_config.get_model(model_name)._meta
    for field_name, verbose_name in fields.items():
        options.get_field(field_name).verbose_name = verbose_name


def name_model(app_config, model_name, singular, plural, **fields):
    """Name a library's model and its fields. Migrations read the model's own ``Meta`` (``original_attrs``)."""
    options = app_config.get_model(model_name)._meta
    options.verbose_name, options.verbose_name_plural = singular, plural
    name_fields(app_config, model_name, **fields)


class ScheduledJobsConfig(DjangoApschedulerConfig):
    verbose_name = _("Scheduled jobs")

    def ready(self):
        super().ready()
        from django_apscheduler.admin import DjangoJobAdmin, DjangoJobExecutionAdmin

        name_model(
            self,
            "DjangoJob",
            _("scheduled job"),
            _("scheduled jobs"),
            id=_("job"),
            next_run_time=pgettext_lazy("scheduled job", "next run"),
            job_state=_("job state"),
        )
        name_model(
            self,
            "DjangoJobExecution",
            _("job run"),
            _("job runs"),
            id="ID",  # as the admin names every other primary key
            job=_("job"),
            status=_("status"),
            run_time=_("run at"),
            duration=_("duration (s)"),
            finished=_("finished at"),
            exception=_("exception"),
            traceback=_("traceback"),
        )
        # The admin's own columns, named after their methods ("Local run time").
        DjangoJobAdmin.local_run_time.short_description = pgettext_lazy("scheduled job", "next run")
        DjangoJobAdmin.average_duration.short_description = _("average duration (s)")
        DjangoJobExecutionAdmin.local_run_time.short_description = _("run at")


class OutgoingMailConfig(PostOfficeConfig):
    verbose_name = _("Outgoing mail")

    def ready(self):
        super().ready()
        updated = {"created": _("created"), "last_updated": _("updated")}
        name_fields(self, "Email", number_of_retries=_("retries"), **updated)
        name_fields(self, "EmailTemplate", **updated)
        name_fields(self, "Log", date=_("when"))
        name_fields(self, "Attachment", mimetype=_("file type"))
        from post_office import admin

        admin.get_message_preview.short_description = _("Message")  # their English-only column and action
        admin.requeue.short_description = _("Send the selected emails again")


class EmailAddressesConfig(AccountConfig):
    verbose_name = _("Email addresses")


class SecondFactorConfig(MFAConfig):
    def ready(self):
        super().ready()
        name_model(
            self,
            "Authenticator",
            _("authenticator"),
            _("authenticators"),
            user=_("person"),
            type=_("kind"),
            created_at=_("added"),
            last_used_at=_("last used"),
            data=_("data"),
        )


class SignedInDevicesConfig(UserSessionsConfig):
    def ready(self):
        super().ready()
        from allauth.usersessions.admin import UserSessionAdmin

        UserSessionAdmin.search_fields = ["user__email", "ip"]  # theirs searched a username this site has not
        name_model(
            self,
            "UserSession",
            _("signed-in session"),
            _("signed-in sessions"),
            user=_("person"),
            created_at=_("signed in"),
            last_seen_at=_("last seen"),
            ip=_("IP address"),
            user_agent=_("browser"),
            data=_("data"),
        )


class SocialAccountsConfig(SocialAccountConfig):
    def ready(self):
        super().ready()
        name_fields(self, "SocialApp", settings=_("settings"))
        name_fields(self, "SocialAccount", user=_("person"))
        name_fields(self, "SocialToken", app=_("application"), account=_("account"))
        from allauth.socialaccount.admin import SocialTokenAdmin

        SocialTokenAdmin.truncated_token.short_description = _("Token")


class DataChangesConfig(AuditlogConfig):
    verbose_name = _("Data changes")

    def ready(self):
        super().ready()
        name_fields(self, "LogEntry", serialized_data=_("the object as it was"))
        from auditlog.mixins import LogEntryAdminMixin

        LogEntryAdminMixin.cid_url.short_description = _("Correlation ID")
