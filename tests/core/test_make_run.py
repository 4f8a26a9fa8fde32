"""`make run` serves the site as residents see it: debug off (the real error pages), static files collected,
hashed and compressed and served by whitenoise as in production, over plain http on this machine; `make dev` is
the one with Django's debug pages. Checked on what the Makefile really runs (`make -n`), and by starting gunicorn
with exactly that environment on a database of its own."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(*args: str) -> list[str]:
    """The commands `make <args>` would run (nothing is run), one line each."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS", "QUARTIER_"))}
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.replace("\\\n", " ").splitlines()


def planned_run() -> list[str]:
    """`make run` as on a first run: -W pretends a static file changed, so the collection is planned too."""
    return planned("-W", "quartier/static/quartier/site.css", "run")


def environment_of(command: str) -> dict[str, str]:
    """The VAR=value assignments in front of a command line."""
    env = {}
    for word in shlex.split(command):
        match = re.fullmatch(r"([A-Z_][A-Z0-9_]*)=(.*)", word)
        if not match:
            break
        env[match.group(1)] = match.group(2)
    return env


def test_make_run_turns_debug_off_and_collects_static_files():
    lines = planned_run()
    collect_at = next(i for i, line in enumerate(lines) if "collectstatic" in line)
    serve_at = next(i for i, line in enumerate(lines) if "gunicorn" in line)
    assert collect_at < serve_at
    for line in (lines[collect_at], lines[serve_at]):
        env = environment_of(line)
        assert env["QUARTIER_DEBUG"] == "false"
        assert env["QUARTIER_SECURE"] == "false"  # plain http on this machine
        assert set(env["QUARTIER_ALLOWED_HOSTS"].split(",")) == {"127.0.0.1", "localhost"}
        assert len(env["QUARTIER_SECRET_KEY"]) >= 50
        assert env["QUARTIER_DEMO"] == "true"
    assert "127.0.0.1:8000" in lines[serve_at]
    assert "runserver" not in "\n".join(lines)


def test_make_dev_is_the_one_with_debug_pages():
    lines = planned("dev")
    (serve,) = [line for line in lines if "runserver" in line]
    assert "QUARTIER_DEBUG=false" not in serve and "127.0.0.1:8000" in serve


def test_make_run_is_safe_twice():
    """The second run changes nothing: the loaders are idempotent and static files are collected only when they
    changed (the Makefile's staticfiles.json rule)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\$\(STATIC_DIR\)/staticfiles\.json: .*\$\(STATIC_SOURCES\)", makefile, re.M)
    assert "--noinput" in makefile


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_run_configuration_serves_the_site_as_residents_see_it():
    """gunicorn with `make run`'s environment: hashed, compressed static files from whitenoise, the favicon, and
    the site's own 404 page in English on /en/ (not Django's technical page that lists the URL patterns)."""
    serve_env = environment_of(next(line for line in planned_run() if "gunicorn" in line))
    tmp = Path(tempfile.mkdtemp(prefix="quartier-make-run-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "QUARTIER_", "DJANGO_"))}
    env.update(serve_env)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "quartier.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'run.sqlite3'}",
            "QUARTIER_VAR_DIR": str(tmp),
            "QUARTIER_STATIC_ROOT": str(tmp / "static"),
            "QUARTIER_LOG_LEVEL": "WARNING",
        }
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = _free_port()
    server = None
    try:
        for args in (
            ["migrate", "--noinput", "-v", "0"],
            ["collectstatic", "--noinput", "-v", "0", "-i", "admin"],
        ):
            subprocess.run(manage + args, cwd=ROOT, env=env, check=True, timeout=TIMEOUT, capture_output=True)
        log = (tmp / "server.log").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "quartier.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (tmp / "server.log").read_text()
            time.sleep(0.2)

        status, headers, body = _get(base + "/en/gibt-es-nicht/")
        page = body.decode()
        assert status == 404
        assert "This page does not exist." in page and '<html lang="en"' in page
        assert "URLconf" not in page and "urlpatterns" not in page
        css = re.search(r'href="(/static/quartier/site\.[0-9a-f]{12}\.css)"', page)
        assert css, "static URLs carry the content hash (manifest storage, as in production)"

        status, headers, body = _get(base + css.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert "immutable" in headers.get("Cache-Control", "")
        assert _get(base + "/favicon.ico")[0] == 200
        assert "Content-Security-Policy" in headers
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
