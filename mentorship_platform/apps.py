"""
The libraries' apps under names of our own, in both languages: Django admin lists each app by its
``verbose_name``, and theirs are English only ("Django APScheduler", "Post Office") or the same as
ours (allauth's "Accounts" next to ours, django-auditlog's "Audit log" next to ours).
INSTALLED_APPS names these classes instead of the libraries' own.
"""

from allauth.account.apps import AccountConfig
from auditlog.apps import AuditlogConfig
from django.utils.translation import gettext_lazy as _
from django_apscheduler.apps import DjangoApschedulerConfig
from post_office.apps import PostOfficeConfig


class ScheduledJobsConfig(DjangoApschedulerConfig):
    verbose_name = _("Scheduled jobs")


class OutgoingMailConfig(PostOfficeConfig):
    verbose_name = _("Outgoing mail")


class EmailAddressesConfig(AccountConfig):
    verbose_name = _("Email addresses")


class DataChangesConfig(AuditlogConfig):
    verbose_name = _("Data changes")
