"""Real-browser tests: the site served by gunicorn from its own database, driven by headless Chromium.

The server runs in a separate process on its own database (tests/liveserver.py: a temporary SQLite file,
or a throw-away PostgreSQL database when DATABASE_URL points to PostgreSQL), loaded with `migrate`,
`load_city essen` and `load_demo`, so nothing here shares pytest-django's test database or transactions.

Chromium comes from Debian (/usr/bin/chromium) and axe-core from node_modules (package.json). Where
either is missing the tests skip loudly; with CI=true they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import liveserver

ROOT = liveserver.ROOT
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

_skip_reasons: list[str] = []
# The live site's environment while it runs, so that tests can add data to its database (run_on_live_site).
_live_env: dict[str, str] = {}


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
    liveserver.skip_or_fail("BROWSER TESTS", _missing_prerequisites(), _skip_reasons)
    return AXE_JS.read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    for reason in _skip_reasons:
        terminalreporter.write_sep("!", "browser tests skipped", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)


# --- the server -----------------------------------------------------------------------------------


def run_on_live_site(code: str) -> str:
    """Run Python code in `manage.py shell` on the live site's own database; returns what it printed."""
    assert _live_env, "the live_site fixture is not running"
    return liveserver.run_python(_live_env, code)


@pytest.fixture(scope="session")
def live_site(browser_prerequisites):
    """Base URL of the site served by gunicorn (DEBUG off, whitenoise) from its own, fully loaded database."""
    with liveserver.live_server("browser") as server:
        _live_env.update(server.env)
        try:
            yield server.base_url
        finally:
            _live_env.clear()


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
