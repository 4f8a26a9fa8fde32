"""Robustness tests against a real server (tests/liveserver.py): API fuzzing and a kill -9 burst.

They need schemathesis (dev dependency) and, for the burst, Linux's /proc to find gunicorn's workers. Where
either is missing they skip loudly; with CI=true they fail instead.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
import requests

from tests import liveserver

DEMO_COORDINATOR = "koordination-iii@demo.quartier.example"
DEMO_PASSWORD = "demo-quartier-2026"
REQUEST_TIMEOUT = 30

_skip_reasons: list[str] = []


def _missing_prerequisites() -> list[str]:
    missing = []
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        missing.append("the Python package schemathesis is not installed (pip install -e '.[dev]')")
    if not sys.platform.startswith("linux") or not Path("/proc/self/task").is_dir():
        missing.append("/proc is not available (gunicorn's workers are found there)")
    return missing


@pytest.fixture(scope="session")
def robustness_prerequisites() -> None:
    """Skips (or, under CI=true, fails) when schemathesis or /proc is missing."""
    liveserver.skip_or_fail("ROBUSTNESS TESTS", _missing_prerequisites(), _skip_reasons)


class Budget:
    """Wall time left for one test's requests; after that its remaining examples send nothing (and say so)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started: float | None = None
        self.sent = 0
        self.unsent = 0

    def allows(self) -> bool:
        now = time.monotonic()
        if self.started is None:
            self.started = now
        if now - self.started > self.seconds:
            self.unsent += 1
            return False
        self.sent += 1
        return True


_budgets: dict[str, Budget] = {}


def budget(name: str, seconds: float) -> Budget:
    return _budgets.setdefault(name, Budget(seconds))


def pytest_terminal_summary(terminalreporter):
    for reason in _skip_reasons:
        terminalreporter.write_sep("!", "robustness tests skipped", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)
    for name, b in _budgets.items():
        over = f", {b.unsent} example(s) not sent: the {b.seconds:.0f} s budget was spent" if b.unsent else ""
        terminalreporter.write_line(f"{name}: {b.sent} request(s) sent{over}", yellow=bool(b.unsent))


def log_in(base_url: str, email: str = DEMO_COORDINATOR, password: str = DEMO_PASSWORD) -> requests.Session:
    """A requests session logged in through the login form, with the CSRF header the API's staff part wants."""
    session = requests.Session()
    login_url = f"{base_url}/de/konto/anmelden/"
    page = session.get(login_url, timeout=REQUEST_TIMEOUT)
    page.raise_for_status()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "the login page has no CSRF token"
    answer = session.post(
        login_url,
        data={"csrfmiddlewaretoken": match.group(1), "username": email, "password": password},
        headers={"Referer": login_url},
        timeout=REQUEST_TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, f"login as {email} failed ({answer.status_code})"
    assert "sessionid" in session.cookies, "the login set no session cookie"
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session
