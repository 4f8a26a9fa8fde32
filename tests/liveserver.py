"""A real server for tests that talk HTTP to it: gunicorn in its own process on its own database.

The database is a temporary SQLite file, or a throw-away PostgreSQL database when DATABASE_URL points to
PostgreSQL, loaded with `migrate`, `load_city essen` and `load_demo`, so nothing here shares pytest-django's
test database or transactions. Used by the browser tests (tests/browser) and the robustness tests
(tests/robustness).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_TIMEOUT = 60
COMMAND_TIMEOUT = 600


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(title: str, missing: list[str], reasons: list[str]) -> None:
    """Skip loudly (the reason kept in `reasons` for the terminal summary) when prerequisites are missing; under
    CI=true fail instead, so that a test folder never passes in CI by not running."""
    if not missing:
        return
    message = f"{title} NOT RUN: " + "; ".join(missing)
    if in_ci():
        pytest.fail(message + " (CI=true requires them)", pytrace=False)
    if message not in reasons:
        reasons.append(message)
    pytest.skip(message)


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def postgres_admin(url: str):
    """A connection to the maintenance database of the PostgreSQL server that `url` names."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    return psycopg.connect(
        host=cfg.get("HOST") or None,
        port=cfg.get("PORT") or None,
        user=cfg.get("USER") or None,
        password=cfg.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    )


def with_database_name(url: str, name: str) -> str:
    head, _sep, tail = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


def server_env(tmp: Path, database_url: str, prefix: str = "browser") -> dict[str, str]:
    """The server's environment: production settings (debug off) on plain http, its own database and files."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "QUARTIER_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    # The Redis cache of the PostgreSQL pass (this pytest-xdist worker's database of it) is shared with the
    # server, under a prefix of its own.
    if settings.CACHE_URL:
        env["QUARTIER_CACHE_URL"] = settings.CACHE_URL
        env["QUARTIER_CACHE_PREFIX"] = f"{prefix}-{tmp.name}"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "quartier.settings",
            "DATABASE_URL": database_url,
            "QUARTIER_DEBUG": "false",
            "QUARTIER_SECRET_KEY": f"{prefix}-tests-" + secrets.token_urlsafe(32),
            "QUARTIER_ALLOWED_HOSTS": "127.0.0.1",
            "QUARTIER_SECURE": "false",
            "QUARTIER_DEMO": "true",
            "QUARTIER_VAR_DIR": str(tmp / "var"),
            "QUARTIER_STATIC_ROOT": str(tmp / "static"),
            "QUARTIER_MEDIA_ROOT": str(tmp / "media"),
            "QUARTIER_EMAIL_URL": "locmem://",
            "QUARTIER_LOG_LEVEL": "WARNING",
            # Keyboard tests fill the suggestion form faster than a person, all from one address.
            "QUARTIER_SUGGESTION_MIN_FILL_SECONDS": "0",
            "QUARTIER_SUGGESTION_RATE_LIMIT": "1000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run `manage.py` with the server's environment; returns what it printed, raises when it fails."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"`manage.py {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def run_python(env: dict[str, str], code: str) -> str:
    """Run Python code in `manage.py shell` on the server's own database; returns what it printed."""
    return manage(env, "shell", "--no-imports", "-c", code)


def wait_for_server(process: subprocess.Popen, log: Path) -> str:
    """The base URL once gunicorn listens and /healthz answers ok."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    base_url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        if base_url is None:
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
            if match:
                base_url = match.group(1)
        if base_url is not None:
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
                    if response.status == 200 and json.load(response).get("status") == "ok":
                        return base_url
            except (urllib.error.URLError, OSError, ValueError):
                pass
        time.sleep(0.1)
    raise RuntimeError(
        f"the server did not answer /healthz within {SERVER_START_TIMEOUT} s:\n{log.read_text()}"
    )


@dataclass
class LiveServer:
    base_url: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path
    database_url: str
    extra: dict = field(default_factory=dict)

    def worker_pids(self) -> list[int]:
        """The PIDs of gunicorn's workers (the master's children), from /proc."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            return []


@contextlib.contextmanager
def live_server(
    prefix: str,
    *,
    workers: int = 1,
    threads: int = 4,
    env_overrides: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """gunicorn (DEBUG off, whitenoise) serving its own, fully loaded database; removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=f"quartier-{prefix}-"))
    source_url = os.environ.get("DATABASE_URL", "")
    pg_name = None
    if is_postgres(source_url):
        pg_name = f"quartier_{prefix}_{secrets.token_hex(6)}"
        with postgres_admin(source_url) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        database_url = with_database_name(source_url, pg_name)
    else:
        database_url = f"sqlite:///{tmp / f'{prefix}.sqlite3'}"
    env = server_env(tmp, database_url, prefix)
    env.update(env_overrides or {})
    process = None
    log = tmp / "gunicorn.log"
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_city", "essen", "-v", "0")
        manage(env, "load_demo", "--city", "essen", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "quartier.wsgi",
                    "--bind",
                    "127.0.0.1:0",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                    "--timeout",
                    "60",
                    "--error-logfile",
                    "-",
                    "--log-level",
                    "info",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base_url = wait_for_server(process, log)
        yield LiveServer(base_url=base_url, env=env, process=process, log=log, database_url=database_url)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        if pg_name is not None:
            with postgres_admin(source_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
