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
   Redis channel layer.

Run ``make bench`` first (it seeds the data); results go to stdout and bench/results/websockets.json.
"""

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"))
sys.path.insert(0, str(BENCH_DIR))

import run as bench  # noqa: E402 (sets up Django on the benchmark database)
import websockets  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
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
    bench.say(
        f"  daphne RSS {held['server_rss_mb_idle']} MB idle, {held['server_rss_mb_holding']} MB holding "
        f"{held['connections']} sockets; delivered {held['delivered']}/{held['events']}, "
        f"p50 {held['latency_p50_ms']} ms, p95 {held['latency_p95_ms']} ms, max {held['latency_max_ms']} ms"
    )
    out = BENCH_DIR / "results" / "websockets.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"layout": layout, "sockets": held}, indent=2))
    bench.say(f"Written {out.relative_to(bench.ROOT)}")


if __name__ == "__main__":
    main()
