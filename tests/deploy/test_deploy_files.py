"""The shipped deployment files agree with the code: a timer for every recurring command, hardened units, every
setting in the env template, nginx's body limit above the app's upload limit. No services needed."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
# Commands run by hand, never on a schedule: setup, demo data, and a rebuild after a bulk import.
ONE_OFF_COMMANDS = {"load_city", "load_demo", "rebuild_occurrences"}
HARDENING = {
    "NoNewPrivileges": "yes",
    "PrivateTmp": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "User": "quartier",
    "EnvironmentFile": "/etc/quartier/quartier.env",
}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def management_commands() -> set[str]:
    return {
        p.stem for p in (ROOT / "quartier").glob("*/management/commands/*.py") if not p.name.startswith("_")
    }


def test_every_recurring_command_has_a_timer_and_every_timer_a_command():
    timers = {
        p.name.removeprefix("quartier-manage@").removesuffix(".timer")
        for p in SYSTEMD.glob("quartier-manage@?*.timer")
    }
    assert timers == management_commands() - ONE_OFF_COMMANDS


@pytest.mark.parametrize("timer", sorted(SYSTEMD.glob("*.timer")), ids=lambda p: p.name)
def test_timers_catch_up_after_downtime(timer):
    section = unit(timer)["Timer"]
    assert section.get("Persistent") == "true"
    assert section.get("OnCalendar")
    assert unit(timer)["Install"].get("WantedBy") == "timers.target"
    if "send_outbox" not in timer.name:
        assert section.get("RandomizedDelaySec"), "daily runs are spread out"


@pytest.mark.parametrize("name", ["quartier@.service", "quartier-manage@.service", "quartier-backup.service"])
def test_services_are_hardened(name):
    service = unit(SYSTEMD / name)["Service"]
    for key, value in HARDENING.items():
        assert service.get(key) == value, f"{name}: {key}"
    assert service.get("CapabilityBoundingSet") == ""
    assert "ReadWritePaths" in service


def test_app_instances_start_gunicorn_with_the_shipped_config_on_their_port():
    service = unit(SYSTEMD / "quartier@.service")["Service"]
    start = service["ExecStart"]
    assert "--config /srv/quartier/app/deploy/gunicorn.conf.py" in start
    assert "--bind 127.0.0.1:%i" in start
    assert service["Type"] == "notify"
    assert "/srv/quartier/media" in service["ReadWritePaths"]
    target = unit(SYSTEMD / "quartier.target")["Unit"]["Wants"].split()
    assert target == ["quartier@8001.service", "quartier@8002.service"]
    nginx = (DEPLOY / "nginx" / "quartier.conf").read_text()
    assert "server 127.0.0.1:8001 " in nginx and "server 127.0.0.1:8002 " in nginx


def test_gunicorn_config_loads():
    settings: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)  # noqa: S102
    assert settings["wsgi_app"] == "quartier.wsgi"
    assert "bind" not in settings, "each instance gets its port from its unit"
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"


def settings_variables() -> set[str]:
    source = (ROOT / "quartier" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"[\"'](QUARTIER_[A-Z0-9_]+|DATABASE_URL)[\"']", source))


def test_env_template_lists_every_setting():
    template = (DEPLOY / "quartier.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?((?:QUARTIER_[A-Z0-9_]+|DATABASE_URL))=", template, flags=re.MULTILINE))
    missing = settings_variables() - listed
    assert not missing, f"add to deploy/quartier.env.example (with a comment): {sorted(missing)}"
    assert "QUARTIER_TRUSTED_PROXIES=127.0.0.1,::1" in template.splitlines()


def test_env_template_values_are_not_shell_code():
    """The backup scripts read the file without a shell; systemd too. No quoting tricks, no `export`."""
    for line in (DEPLOY / "quartier.env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert re.match(r"^[A-Z_][A-Z0-9_]*=", line), line
            assert "$(" not in line and "`" not in line, line


def test_nginx_body_limit_fits_the_image_upload_limit():
    from quartier.events.images import MAX_BYTES

    nginx = (DEPLOY / "nginx" / "quartier.conf").read_text()
    match = re.search(r"client_max_body_size (\d+)m;", nginx)
    assert match
    limit = int(match.group(1)) * 1024 * 1024
    assert MAX_BYTES < limit <= MAX_BYTES + 2 * 1024 * 1024


def test_nginx_passes_the_proxy_headers_the_app_trusts():
    nginx = (DEPLOY / "nginx" / "quartier.conf").read_text()
    for line in (
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_request_buffering on;",
        "ssl_protocols TLSv1.2 TLSv1.3;",
    ):
        assert line in nginx
    assert "Strict-Transport-Security" not in nginx, (
        "HSTS is the app's (QUARTIER_HSTS_SECONDS); nginx adding it too would send two different values"
    )
