"""What a Redis outage costs a request: the event list, a workspace page and /healthz with Redis up, stopped and
hung (SIGSTOP), through the test client in one process.

    DJANGO_SETTINGS_MODULE=quartier.settings .venv/bin/python bench/redis_outage.py [--requests 50]

Starts its own redis-server on a free port (nothing saved) and points QUARTIER_CACHE_URL at it; uses whatever
database the settings name (after `make setup`: var/quartier.sqlite3 with Essen and the demo content) and the
static files collected by `make run` (debug is off, so pages need the manifest). Prints
the median and the slowest request per page and state, and how often Redis was asked.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    port = free_port()
    directory = tempfile.mkdtemp(prefix="bench-redis-")
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", directory],
        stdout=subprocess.DEVNULL,
    )
    os.environ["QUARTIER_CACHE_URL"] = f"redis://127.0.0.1:{port}/0"
    os.environ.setdefault("QUARTIER_DEBUG", "false")
    os.environ.setdefault("QUARTIER_SECRET_KEY", "bench-" + "x" * 40)
    os.environ.setdefault("QUARTIER_SECURE", "false")
    os.environ.setdefault("QUARTIER_ALLOWED_HOSTS", "127.0.0.1")
    # The staff client logs in with force_login, which confirms no second factor: measure the page, not the step.
    os.environ.setdefault("QUARTIER_TWO_FACTOR_ROLES", "none")
    os.environ.setdefault("QUARTIER_LOG_LEVEL", "ERROR")
    os.environ.setdefault("QUARTIER_LIST_CACHE_SECONDS", "60")  # the list cache on, as in production
    time.sleep(0.3)

    import django

    django.setup()
    import redis
    from django.test import Client

    from quartier.accounts.models import User

    asked = {"count": 0}
    original = redis.ConnectionPool.get_connection

    def counted(pool, *a, **kw):
        asked["count"] += 1
        return original(pool, *a, **kw)

    redis.ConnectionPool.get_connection = counted

    staff = Client()
    user = User.objects.filter(memberships__isnull=False, is_active=True).first()
    if user is not None:
        staff.force_login(user)
    visitor = Client()
    pages = [(visitor, "/de/veranstaltungen/"), (visitor, "/healthz"), (staff, "/de/arbeitsbereich/")]

    def measure(state: str) -> None:
        for client, path in pages:
            asked["count"] = 0
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                status = client.get(path, HTTP_HOST="127.0.0.1").status_code
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"{state:8} {path:24} status {status}  median {statistics.median(times):7.1f} ms  "
                f"slowest {max(times):7.1f} ms  Redis asked {asked['count']:4} times"
            )

    try:
        measure("up")
        server.send_signal(signal.SIGSTOP)
        measure("hung")
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait()
        measure("stopped")
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
