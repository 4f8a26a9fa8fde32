"""Real-browser tests: the site served by gunicorn from its own database, driven by headless Chromium.

The server runs in a separate process on its own database (a temporary SQLite file, or a throw-away
PostgreSQL database when DATABASE_URL points to PostgreSQL), loaded with `migrate`, `load_city essen`
and `load_demo`, so nothing here shares pytest-django's test database or transactions.

Chromium comes from Debian (/usr/bin/chromium) and axe-core from node_modules (package.json). Where
either is missing the tests skip loudly; with CI=true they fail instead.
"""

from __future__ import annotations

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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("QUARTIER_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_COORDINATOR = "koordination-iii@demo.quartier.example"
DEMO_PASSWORD = "demo-quartier-2026"
SERVER_START_TIMEOUT = 60
COMMAND_TIMEOUT = 600

_skip_reasons: list[str] = []
# The live site's environment while it runs, so that tests can add data to its database (run_on_live_site).
_live_env: dict[str, str] = {}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _missing_prerequisites() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set QUARTIER_CHROMIUM)"
        )
    if not AXE_JS.exists():
        missing.append(f"axe-core not found at {AXE_JS} (run `npm ci` or `npm install` in {ROOT})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright is not installed (pip install -e '.[dev]')")
    return missing


@pytest.fixture(scope="session")
def browser_prerequisites() -> str:
    """axe-core's source; skips (or, under CI=true, fails) when Chromium, axe-core or Playwright is missing."""
    missing = _missing_prerequisites()
    if missing:
        message = "BROWSER TESTS NOT RUN: " + "; ".join(missing)
        if _in_ci():
            pytest.fail(message + " (CI=true requires them)", pytrace=False)
        if message not in _skip_reasons:
            _skip_reasons.append(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    for reason in _skip_reasons:
        terminalreporter.write_sep("!", "browser tests skipped", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)


# --- the server -----------------------------------------------------------------------------------


def _postgres_admin(url: str):
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


def _with_database_name(url: str, name: str) -> str:
    head, _sep, tail = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


def _server_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "QUARTIER_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    # The Redis cache of the PostgreSQL pass is shared with the server, under a prefix of its own.
    if os.environ.get("QUARTIER_CACHE_URL"):
        env["QUARTIER_CACHE_URL"] = os.environ["QUARTIER_CACHE_URL"]
        env["QUARTIER_CACHE_PREFIX"] = f"browser-{tmp.name}"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "quartier.settings",
            "DATABASE_URL": database_url,
            "QUARTIER_DEBUG": "false",
            "QUARTIER_SECRET_KEY": "browser-tests-" + secrets.token_urlsafe(32),
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


def _manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"`manage.py {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


def run_on_live_site(code: str) -> str:
    """Run Python code in `manage.py shell` on the live site's own database; returns what it printed."""
    assert _live_env, "the live_site fixture is not running"
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=_live_env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`manage.py shell` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_for_server(process: subprocess.Popen, log: Path) -> str:
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


@pytest.fixture(scope="session")
def live_site(browser_prerequisites):
    """Base URL of the site served by gunicorn (DEBUG off, whitenoise) from its own, fully loaded database."""
    tmp = Path(tempfile.mkdtemp(prefix="quartier-browser-"))
    source_url = os.environ.get("DATABASE_URL", "")
    pg_name = None
    if source_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        pg_name = f"quartier_browser_{secrets.token_hex(6)}"
        with _postgres_admin(source_url) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        database_url = _with_database_name(source_url, pg_name)
    else:
        database_url = f"sqlite:///{tmp / 'browser.sqlite3'}"
    env = _server_env(tmp, database_url)
    _live_env.update(env)
    process = None
    log = tmp / "gunicorn.log"
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "load_city", "essen", "-v", "0")
        _manage(env, "load_demo", "--city", "essen", "-v", "0")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
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
                    "1",
                    "--threads",
                    "4",
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
        yield _wait_for_server(process, log)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        if pg_name is not None:
            with _postgres_admin(source_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        _live_env.clear()
        shutil.rmtree(tmp, ignore_errors=True)


# --- the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(browser_prerequisites):
    """One headless Chromium for all browser tests.

    Package scope, not session scope: Playwright's sync API keeps an asyncio loop marked as running in
    this thread while it is started, which makes Django's ORM refuse to work in any later test. Stopping
    it after the last browser test keeps the other test packages unaffected."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(autouse=True)
def _async_unsafe_allowed(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls otherwise."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def open_context(browser, base_url: str, **options):
    """A browser context on the live site: CSP bypassed so that axe-core can be injected."""
    options.setdefault("bypass_csp", True)
    options.setdefault("base_url", base_url)
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def new_context(browser, live_site):
    """Factory for browser contexts on the live site (closed after the test); takes Playwright's options."""
    contexts = []

    def make(**options):
        context = open_context(browser, live_site, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# --- axe-core -------------------------------------------------------------------------------------


@pytest.fixture
def axe(browser_prerequisites):
    """axe(page) runs axe-core in every frame of the page and fails the test on any WCAG 2.1 AA violation."""

    def run(page):
        violations = []
        for frame in page.frames:
            frame.evaluate(browser_prerequisites)
            result = frame.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                WCAG_TAGS,
            )
            violations.extend(result["violations"])
        if violations:
            pytest.fail(format_violations(page.url, violations), pytrace=False)

    return run


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe-core violation(s) of WCAG 2.1 AA on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            lines.append(f"    target: {node['target']}")
            lines.append(f"      html: {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      why:  {summary[:500]}")
    return "\n".join(lines)


# --- helpers shared by the test modules -----------------------------------------------------------


def log_in(page, email: str = DEMO_COORDINATOR, password: str = DEMO_PASSWORD, lang: str = "de"):
    page.goto(f"/{lang}/konto/anmelden/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
