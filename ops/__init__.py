"""
Operations: whether the site is alive and ready (``/healthz``, ``/readyz``), what it is doing
(``/metrics`` for Prometheus), which request a log line belongs to (``X-Request-ID``, JSON logs) and
where errors are reported (Sentry). Machine-facing only: nothing here is shown to people.
"""
