#!/usr/bin/env python
"""
The WebSocket benchmark (``make bench-ws``), on the benchmark's PostgreSQL database and Redis:

1. The serving layout: the same pages served by gunicorn's sync workers (what ``make bench`` uses)
   and by one daphne process (ASGI), to choose between "one ASGI server for everything" and "gunicorn
   for HTTP plus an ASGI server for /ws/ only".
2. One daphne process holding BENCH_WS_CONNECTIONS (1,000) signed-in notification sockets: its
   memory before and after.
3. Delivery latency: notifications written by this process (a committed transaction, as a booking
   writes one) at a steady rate, timed until they arrive on the recipient's open socket through the
   Redis channel layer; and messages POSTed by mentees, timed until they reach their mentor's open
   conversation socket.

Run ``make bench`` first (it seeds the data); results go to stdout and bench/results/websockets.json.
"""

import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"))
sys.path.insert(0, str(BENCH_DIR))

import run as bench  # noqa: E402 (sets up Django on the benchmark database)
import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from messaging.models import Conversation  # noqa: E402
from messaging.services import conversation_open  # noqa: E402
from notifications import kinds  # noqa: E402
from notifications.services import notify  # noqa: E402

CONNECTIONS = int(os.environ.get("BENCH_WS_CONNECTIONS", "1000"))
EVENTS = int(os.environ.get("BENCH_WS_EVENTS", "300"))
RATE = float(os.environ.get("BENCH_WS_RATE", "20"))  # notifications a second
WS_PORT = bench.PORT + 1
LAYOUT_PAGES = [
    ("ceiling: base.html", "/bench/template/", None),
    ("home (anonymous)", "/", None),
    ("My consultations, mentee (50)", "/bookings/", "mentee0@bench.example"),
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def daphne(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "mentorship_platform.asgi:application"],
        cwd=bench.ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/plain/", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("daphne did not start")


def stop(process: subprocess.Popen) -> None:
    """daphne waits for open connections on SIGTERM; a benchmark does not."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def layouts() -> dict:
    """The same pages under gunicorn's sync workers and under one daphne process."""
    results = {}
    server = bench.serve()
    try:
        results["gunicorn"] = {
            name: bench.wrk(path, bench.session_cookie(account) if account else None)
            for name, path, account in LAYOUT_PAGES
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    server = daphne(bench.PORT)
    try:
        results["daphne"] = {
            name: bench.wrk(path, bench.session_cookie(account) if account else None)
            for name, path, account in LAYOUT_PAGES
        }
    finally:
        stop(server)
    return results


async def hold_and_time(people: list[User], cookies: list[str]) -> dict:
    url = f"ws://127.0.0.1:{WS_PORT}/ws/notifications/"
    origin = f"http://127.0.0.1:{WS_PORT}"
    arrived: dict[int, float] = {}

    async def listen(socket):
        async for raw in socket:
            data = json.loads(raw)
            if data.get("type") == "notification":
                arrived[data["id"]] = time.perf_counter()

    sockets = []
    for cookie in cookies:
        socket = await websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie}, max_queue=None)
        sockets.append(socket)
    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    server_rss = rss_mb(SERVER.pid)

    sent: dict[int, float] = {}

    def write_notifications():
        rng = random.Random(2026)
        for _ in range(EVENTS):
            person = rng.choice(people)
            with transaction.atomic():
                notification = notify(
                    recipient=person,
                    kind=kinds.BOOKING_CREATED,
                    params={"name": "Bench Mentee", "start": "2026-12-01T10:00:00+00:00"},
                    link="/bookings/",
                )
                started = time.perf_counter()
            sent[notification.pk] = started  # the push leaves on commit, just above
            time.sleep(1 / RATE)

    writer = threading.Thread(target=write_notifications)
    writer.start()
    while writer.is_alive():
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)  # the last ones arrive
    for task in listeners:
        task.cancel()
    for socket in sockets:
        await socket.close()
    latencies = sorted((arrived[pk] - at) * 1000 for pk, at in sent.items() if pk in arrived)
    return {
        "connections": len(sockets),
        "server_rss_mb_holding": round(server_rss, 1),
        "events": len(sent),
        "delivered": len(latencies),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
        "latency_max_ms": round(latencies[-1], 1) if latencies else None,
    }


def _post_message(conversation_id: int, cookie: str, body: str) -> int:
    """A mentee's message as the page's form sends it (session cookie and CSRF token), to the daphne process."""
    token = secrets.token_hex(16)
    conn = HTTPConnection("127.0.0.1", WS_PORT, timeout=30)
    path = f"/messages/{conversation_id}/"
    conn.request(
        "POST",
        path,
        body=urlencode({"body": body, "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}",
            "Referer": f"http://127.0.0.1:{WS_PORT}{path}",
        },
    )
    status = conn.getresponse().status
    conn.close()
    return status


async def message_latency(pairs: list[tuple[int, str, str]]) -> dict:
    """Mentees POST messages; their mentors' open conversation sockets receive them: POST start to arrival."""
    origin = f"http://127.0.0.1:{WS_PORT}"
    arrived: dict[str, float] = {}

    async def listen(socket):
        async for raw in socket:
            data = json.loads(raw)
            if data.get("body", "").startswith("bench-"):
                arrived[data["body"]] = time.perf_counter()

    sockets = [
        await websockets.connect(
            f"ws://127.0.0.1:{WS_PORT}/ws/messages/{conversation_id}/",
            origin=origin,
            additional_headers={"Cookie": mentor_cookie},
        )
        for conversation_id, mentor_cookie, _mentee_cookie in pairs
    ]
    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    sent: dict[str, float] = {}
    statuses: list[int] = []

    def post_messages():
        for n in range(EVENTS):
            conversation_id, _mentor_cookie, mentee_cookie = pairs[n % len(pairs)]
            body = f"bench-{n}"
            sent[body] = time.perf_counter()
            statuses.append(_post_message(conversation_id, mentee_cookie, body))
            time.sleep(1 / RATE)

    poster = threading.Thread(target=post_messages)
    poster.start()
    while poster.is_alive():
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)
    for task in listeners:
        task.cancel()
    for socket in sockets:
        await socket.close()
    latencies = sorted((arrived[body] - at) * 1000 for body, at in sent.items() if body in arrived)
    return {
        "conversations": len(pairs),
        "messages": len(sent),
        "accepted": sum(1 for s in statuses if s in (200, 302)),
        "delivered": len(latencies),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
    }


def _conversations(count: int) -> list[tuple[int, str, str]]:
    """``count`` bench mentees each with a conversation with a bench mentor: (id, mentor cookie, mentee cookie)."""
    mentors = list(User.objects.filter(email__startswith="mentor", email__endswith="@bench.example")[:count])
    mentees = list(
        User.objects.filter(email__startswith="mentee", email__endswith="@bench.example").order_by("-pk")[:count]
    )
    pairs = []
    for mentor, mentee in zip(mentors, mentees, strict=False):
        conversation = Conversation.objects.filter(mentor=mentor, mentee=mentee).first() or conversation_open(
            mentor=mentor, mentee=mentee
        )
        pairs.append((conversation.pk, bench.session_cookie(mentor.email), bench.session_cookie(mentee.email)))
    return pairs


SERVER: subprocess.Popen


def main():
    global SERVER
    call_command("migrate", "--noinput", verbosity=0)
    bench.say("== serving layout: gunicorn sync workers vs one daphne process ==")
    layout = layouts()
    for server, pages in layout.items():
        for name, r in pages.items():
            bench.say(f"  {server:<9} {name}: {r['rps']:.0f} req/s, p95 {r['p95']:.1f} ms")
    people = list(User.objects.filter(email__startswith="mentee", email__endswith="@bench.example")[:CONNECTIONS])
    if len(people) < CONNECTIONS:
        sys.exit(f"needs {CONNECTIONS} bench mentees: run make bench first")
    bench.say(f"== {CONNECTIONS} notification sockets on one daphne process, {EVENTS} notifications at {RATE:g}/s ==")
    SERVER = daphne(WS_PORT)
    try:
        idle_rss = rss_mb(SERVER.pid)
        cookies = [bench.session_cookie(person.email) for person in people]
        held = asyncio.run(hold_and_time(people, cookies))
    finally:
        stop(SERVER)
    held["server_rss_mb_idle"] = round(idle_rss, 1)
    bench.say(f"== messages: {EVENTS} POSTs at {RATE:g}/s from 100 mentees to their mentors' open conversations ==")
    pairs = _conversations(100)
    SERVER = daphne(WS_PORT)
    try:
        messages = asyncio.run(message_latency(pairs))
    finally:
        stop(SERVER)
    bench.say(
        f"  {messages['accepted']}/{messages['messages']} accepted, {messages['delivered']} delivered, "
        f"POST to the other socket p50 {messages['latency_p50_ms']} ms, p95 {messages['latency_p95_ms']} ms"
    )
    bench.say(
        f"  daphne RSS {held['server_rss_mb_idle']} MB idle, {held['server_rss_mb_holding']} MB holding "
        f"{held['connections']} sockets; delivered {held['delivered']}/{held['events']}, "
        f"p50 {held['latency_p50_ms']} ms, p95 {held['latency_p95_ms']} ms, max {held['latency_max_ms']} ms"
    )
    out = BENCH_DIR / "results" / "websockets.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"layout": layout, "sockets": held, "messages": messages}, indent=2))
    bench.say(f"Written {out.relative_to(bench.ROOT)}")


if __name__ == "__main__":
    main()
