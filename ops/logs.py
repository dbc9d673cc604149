"""
Which request a log line belongs to, and log lines as JSON (``LOG_FORMAT=json``).

``RequestIdMiddleware`` puts the request's id in a context variable for as long as the request runs
(until its response is closed, so Django's own "Not Found" and error lines carry it too);
``RequestIdFilter``, on the console handler, copies it onto every record; ``JsonFormatter`` writes
one JSON object per line. Nothing here imports Django models: the logging configuration loads it
before the apps.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# What an id from outside may look like: what proxies and tracers send (nginx's $request_id, UUIDs,
# W3C trace ids), never a newline, markup or a megabyte. Anything else is replaced by a fresh id.
VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def request_id_from(incoming: str | None) -> str:
    """The id the request came with when it is a safe one, else a fresh one (32 hex digits)."""
    if incoming and VALID_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def remember_request_id(value: str) -> None:
    _request_id.set(value)


def forget_request_id(**kwargs) -> None:
    """Receiver of ``request_finished``: lines logged between requests carry no id."""
    _request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (None outside a request) to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


# The attributes every record has; whatever else a call passed in ``extra=`` is written too.
_STANDARD = {*vars(logging.LogRecord("", 0, "", 0, "", (), None)), "message", "asctime", "request_id"}
_PLAIN = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    """
    One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    exception's traceback when there is one, and any plain ``extra=`` values (Django's request log
    adds ``status_code``; objects such as the request itself are left out).
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and isinstance(value, _PLAIN):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
