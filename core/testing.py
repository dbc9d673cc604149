"""
Test support: send every field of a form the values that attackers and broken clients send, one
field at a time, and check that the site neither crashes nor keeps what it should refuse.

``walk()`` holds the rules (see its docstring); ``rows_snapshot()`` is a cheap way to build the
``snapshot`` it compares. Nothing here knows about the site's apps: tests pass the URL, the valid
data, the fields and the snapshot.
"""

import contextlib
import copy
import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.base import Template

BIG = "x" * 1_000_000  # far beyond every length limit; sent once per field
NUL = "a\x00b"  # PostgreSQL refuses NUL in text: a 500 there if it reached the database
SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

HOSTILE_VALUES: tuple[str, ...] = (
    "",
    " \t\n ",
    BIG,
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999999999999999",
    "-1",
    str(2**63),  # one past the largest 64-bit integer a database column holds
    "²",  # str.isdigit() says yes, int() says no
    "NaN",
    SCRIPT,
    NUL,
    "' OR 1=1 --",
    "../../etc/passwd",
    "https://evil.example/",
    "//evil.example/",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ Ї",
)

# Where every hostile value takes the same path (a value outside a fixed list of choices, a checkbox
# that any value ticks), what is left to test is how a value is read and shown back.
SHOWN_BACK_VALUES: tuple[str, ...] = ("", BIG, NUL, SCRIPT, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ Ї")

# No field on the site takes a megabyte or a NUL character, whatever else it accepts.
NEVER_STORED = frozenset({BIG, NUL})


def rows_snapshot(**querysets: QuerySet) -> Callable[[], dict[str, tuple[int, str]]]:
    """
    A ``snapshot`` for ``walk()``: for each named queryset (``values_list`` of the columns that
    matter), ``(row count, digest of the rows)``, equal only if those rows are equal. The SQL is
    compiled once and then run as is: the walk takes a snapshot after every request.
    """
    compiled = {name: qs.order_by("pk").query.sql_with_params() for name, qs in querysets.items()}

    def snapshot() -> dict[str, tuple[int, str]]:
        state = {}
        with connection.cursor() as cursor:
            for name, (sql, params) in compiled.items():
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                state[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
        return state

    return snapshot


def short(value: object, limit: int = 40) -> str:
    """A value as a test id or message: the megabyte string does not flood the output."""
    text = repr(getattr(value, "name", value))
    return text if len(text) <= limit else f"{text[:limit]}...({len(text)} chars)"


def _render(self, context):
    return self.nodelist.render(context)  # django.template.base.Template._render, not instrumented


@contextlib.contextmanager
def unrecorded_templates():
    """
    Render templates without the test runner's recording. Django's test environment records a copy
    of the context of every template rendered, for ``response.context``; a select of 600 time zones
    is 600 templates, and recording them doubles the time of every page that shows one. Responses
    sent inside have no ``context`` or ``templates``.
    """
    recorded = Template._render
    Template._render = _render
    try:
        yield
    finally:
        Template._render = recorded


def attempt(client, method: str, url: str, data: Mapping, snapshot: Callable[[], object], show=None, before=None):
    """
    Send one request inside a savepoint that is rolled back afterwards, and return
    ``(response, before, after, shown)``: the snapshot before (taken unless given) and after, and
    the text ``show`` returned while the change was still there (``show`` is a URL or a callable
    taking the client). The client's cookies are restored too, so a case that logs in, out or
    changes the session cannot make the next case pass or fail for the wrong reason. The cache is
    cleared before. Templates are not recorded (see ``unrecorded_templates``).
    """
    cookies = copy.deepcopy(client.cookies)
    cache.clear()
    try:
        with transaction.atomic(), unrecorded_templates():
            if before is None:
                before = snapshot()
            response = getattr(client, method)(url, data)
            if response.streaming:  # a streamed body (CSV) fails while it is read, not in the view
                b"".join(response.streaming_content)
            after = snapshot()
            shown = None
            if show is not None and after != before:
                cache.clear()
                shown = client.get(show).content.decode() if isinstance(show, str) else show(client)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, before, after, shown


def _changed(before, after) -> str:
    if isinstance(before, Mapping):
        return ", ".join(key for key in before if before[key] != after.get(key))
    return "data"


def hostile_cases(
    fields: Iterable[str],
    *,
    values: Sequence = HOSTILE_VALUES,
    per_field: Mapping[str, Sequence] | None = None,
    extra: Mapping[str, Sequence] | None = None,
    skip: Collection[tuple[str, object]] = (),
) -> list[tuple[str, object]]:
    """
    Every (field, value) pair: ``values`` (or the field's own list in ``per_field``), plus the
    field's ``extra`` values (boundaries of its own, files), minus the pairs in ``skip``.
    """
    per_field, extra = per_field or {}, extra or {}
    return [
        (field, value)
        for field in fields
        for value in (*per_field.get(field, values), *extra.get(field, ()))
        if (field, value) not in skip
    ]


def walk(
    client,
    method: str,
    url: str,
    *,
    data: Mapping,
    cases: Iterable[tuple[str, object]],
    snapshot: Callable[[], object],
    free_text: Collection[str] = (),
    accepts: Collection = (),
    show: str | Callable | None = None,
) -> int:
    """
    For each ``(field, value)`` of ``cases``, send ``data`` (which must be valid) with that one
    field replaced, and check the rules below. Returns the number of requests sent.

    1. No server error. A view's exception is not turned into a 500 page here: Django's test client
       re-raises it, so the test fails with the real traceback (a note names the field and value).
    2. A redirect stays on the site, whatever ``next`` says.
    3. An HTML response never contains the raw ``SCRIPT`` value: what is echoed back is escaped.
    4. ``snapshot()`` is unchanged: a hostile value is refused without touching data. Except where
       the value is legitimately acceptable, and the data may change:
       - ``free_text`` fields (a name, a note) store any short text, but never a ``NEVER_STORED``
         value (a megabyte, a NUL character); if ``show`` is given, a stored ``SCRIPT`` must be shown
         there escaped.
       - ``accepts`` names fields, or ``(field, value)`` pairs, whose value does not stop the form:
         a checkbox that any value ticks, a ``next`` that falls back to a safe page, an optional
         hidden field left empty.

    Every request runs in its own rolled-back savepoint (see ``attempt``): each case starts from the
    same state, so a value that was accepted cannot make the next case fail or pass.
    """
    sent = 0
    before = snapshot()  # every case starts from this state: its savepoint is rolled back
    for field, value in cases:
        case = f"{method.upper()} {url} with {field}={short(value)}"
        try:
            shown_on = show if value == SCRIPT else None  # the only value whose page is checked
            response, _before, after, shown = attempt(
                client, method, url, {**data, field: value}, snapshot, shown_on, before=before
            )
        except Exception as error:
            error.add_note(f"while sending {case}")
            raise
        sent += 1
        assert response.status_code < 500, f"{case}: {response.status_code}"
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(response["Location"])
            assert target.netloc in ("", "testserver") and target.scheme in ("", "http", "https"), (
                f"{case}: redirected off the site to {response['Location']}"
            )
        if "html" in response.get("Content-Type", "") and not response.streaming:
            assert SCRIPT not in response.content.decode(), f"{case}: the page echoes the value unescaped"
        if after == before:
            continue
        changed = _changed(before, after)
        before = snapshot()  # the database was rolled back, but not everything is in it (mail.outbox)
        if field in accepts or (field, value) in accepts:
            continue
        assert field in free_text and value not in NEVER_STORED, f"{case}: changed {changed}"
        if shown is not None:
            assert SCRIPT not in shown and SCRIPT_ESCAPED in shown, f"{case}: {show} does not show it escaped"
    return sent


def session_cookie(user) -> str:
    """A signed-in session for ``user`` as a Cookie header value (for WebSocket and raw HTTP clients)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
