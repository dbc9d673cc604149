"""The system checks of the operations settings."""

from django.core.checks import run_checks


def test_an_address_list_entry_that_is_not_an_address_is_a_configuration_error(settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.7", "192.168.1.0/24", "::1", "prometheus.internal"]
    errors = [message for message in run_checks() if message.id == "ops.E001"]
    assert [error.msg for error in errors] == [
        "METRICS_ALLOWED_IPS has 'prometheus.internal', which is neither an IP address nor a network."
    ]
