"""Scheduled work of the operations app (declared with every other schedule in ``schedule.jobs.SCHEDULES``)."""

from django_apscheduler.util import close_old_connections

from ops import services


@close_old_connections
def scheduler_heartbeat():
    """
    Every minute, from whichever process runs the jobs: ``/readyz`` reports the scheduler stale when this
    stops. No management command on purpose: a heartbeat written by hand would hide a dead scheduler.
    """
    services.heartbeat_record()


@close_old_connections
def send_suspicious_digest():
    """Every SUSPICIOUS_DIGEST_MINUTES: the admins get the finished windows' refusals above the threshold."""
    services.suspicious_digest_send()
