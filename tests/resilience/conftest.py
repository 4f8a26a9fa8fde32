"""A Redis of the test's own (redis-server on a free port, nothing saved to disk) that a test can stop, start
again, pause (SIGSTOP: it takes connections but never answers) and resume; and the site's cache pointed at it.

Without /usr/bin/redis-server the tests skip with a loud reason; with CI=true they fail instead (.ci/run installs
it)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core.cache import caches

from quartier.core import cache as fail_open
from quartier.core import ratelimit

REDIS_SERVER = Path(os.environ.get("QUARTIER_REDIS_SERVER", "/usr/bin/redis-server"))
START_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """One redis-server process under the test's control."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.paused = False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(REDIS_SERVER),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)

    def stop(self) -> None:
        """Gone: connections are refused."""
        if self.process is None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        """Hung: the kernel still accepts connections, but no command is ever answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.process is not None and self.paused:
            self.process.send_signal(signal.SIGCONT)
            self.paused = False


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    if not REDIS_SERVER.exists():
        message = f"RESILIENCE TESTS NOT RUN: redis-server not found at {REDIS_SERVER} (apt-get install redis-server)"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(message + " (CI=true requires it)", pytrace=False)
        pytest.skip(message)
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(redis_server, settings) -> Iterator[RedisServer]:
    """The site's cache on the test's own Redis, failing open as configured in production (100 ms timeouts),
    with a breaker that stays open for a minute unless a test shortens it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "quartier.core.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "resilience",
            "OPTIONS": {"TIMEOUT_MS": 100, "RETRY_SECONDS": 60},
        }
    }
    fail_open.reset_breakers()
    ratelimit.in_process.clear()
    yield redis_server
    redis_server.resume()
    caches["default"].close()
    fail_open.reset_breakers()
    ratelimit.in_process.clear()


class RedisCalls:
    """Counts every time the site takes a connection to Redis (each command and each pipeline does)."""

    def __init__(self) -> None:
        self.count = 0

    def __enter__(self) -> RedisCalls:
        original = redis.ConnectionPool.get_connection

        def counted(pool, *args, **kwargs):
            self.count += 1
            return original(pool, *args, **kwargs)

        self._patch = mock.patch.object(redis.ConnectionPool, "get_connection", counted)
        self._patch.start()
        return self

    def __exit__(self, *exc) -> None:
        self._patch.stop()


@pytest.fixture
def redis_calls() -> RedisCalls:
    return RedisCalls()
