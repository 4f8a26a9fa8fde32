"""Configuration from the environment, production checks, and logs without personal data."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from quartier.core.logging import RedactPersonalData, redact

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "QUARTIER_DEBUG": "false",
    "QUARTIER_SECRET_KEY": "a-production-secret-key-with-more-than-fifty-characters-0123456789",
    "QUARTIER_ALLOWED_HOSTS": "quartier.example.org",
    "QUARTIER_CSRF_TRUSTED_ORIGINS": "https://quartier.example.org",
    "QUARTIER_TESTING": "",
}


def run_manage(*args, env):
    base = {
        k: v for k, v in os.environ.items() if not k.startswith("QUARTIER_") and k != "PYTEST_CURRENT_TEST"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_the_documented_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "QUARTIER_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "QUARTIER_SECRET_KEY must be set" in result.stderr


def test_redaction_removes_addresses():
    assert (
        redact("login failed for anna@example.org from 203.0.113.7") == "login failed for [email] from [ip]"
    )
    assert redact("client 2001:db8::1 and 2001:0db8:0000:0000:0000:0000:0000:0001").count("[ip]") >= 1


def test_log_records_lose_the_request_and_personal_data():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "Internal Server Error: %s by %s", ("/de/", "a@b.de"), None
    )
    record.request = object()
    assert RedactPersonalData().filter(record) is True
    assert record.getMessage() == "Internal Server Error: /de/ by [email]"
    assert record.request is None


def test_a_500_is_our_page_and_the_log_names_no_person(client, essen, monkeypatch):
    import io

    from quartier.site.views import public

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure for anna@example.org")

    monkeypatch.setattr(public, "render_map", boom)
    handler = logging.getLogger("django.request").handlers[0]
    stream = io.StringIO()
    monkeypatch.setattr(handler, "stream", stream)
    client.raise_request_exception = False
    r = client.get("/de/", HTTP_HOST="127.0.0.1", REMOTE_ADDR="203.0.113.9")
    assert r.status_code == 500
    assert "Hier ist etwas schiefgegangen." in r.content.decode()
    logged = stream.getvalue()
    assert "Internal Server Error: /de/" in logged and "RuntimeError" in logged
    assert "anna@example.org" not in logged and "203.0.113.9" not in logged
