"""The site served by gunicorn in a process of its own, with a database that cannot be reached."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


def closed_port() -> int:
    """A local port nothing listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


UNREACHABLE_DATABASES = {
    # PostgreSQL where nothing listens: every connection attempt is refused.
    "postgresql": lambda tmp: f"postgres://quartier@127.0.0.1:{closed_port()}/quartier",
    # An SQLite file in a directory that does not exist: it cannot be opened.
    "sqlite": lambda tmp: f"sqlite:///{tmp / 'missing' / 'quartier.sqlite3'}",
}


@dataclass
class Site:
    base_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serve_without_database(kind: str) -> Iterator[Site]:
    """The site (DEBUG off) whose database (`kind`: postgresql or sqlite) cannot be reached."""
    tmp = Path(tempfile.mkdtemp(prefix="quartier-no-db-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "QUARTIER_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "quartier.settings",
            "DATABASE_URL": UNREACHABLE_DATABASES[kind](tmp),
            "QUARTIER_DEBUG": "false",
            # Test mode only for the static files (read from the source tree, no collectstatic needed).
            "QUARTIER_TESTING": "true",
            "QUARTIER_SECRET_KEY": "resilience-" + secrets.token_urlsafe(32),
            "QUARTIER_ALLOWED_HOSTS": "127.0.0.1",
            "QUARTIER_SECURE": "false",
            "QUARTIER_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    log = tmp / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "quartier.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"]
            + ["--threads", "4", "--timeout", "60", "--error-logfile", "-", "--log-level", "info"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
            if match:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.05)
        # gunicorn loads the app in its worker on the first request: wait until it answers at all (503 here), so
        # that a test's own request does not pay for the start on a busy machine (parallel test workers).
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(match.group(1) + "/healthz"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()}")
            time.sleep(0.1)
        yield Site(match.group(1), log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)
