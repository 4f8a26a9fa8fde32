"""/.well-known/security.txt (RFC 9116): contact, expiry, languages, canonical address and policy from settings."""

import importlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from quartier import settings as quartier_settings
from quartier.places import selectors

URL = "/.well-known/security.txt"


def fields(body: str) -> list[tuple[str, str]]:
    pairs = []
    for line in body.splitlines():
        assert re.fullmatch(r"[A-Za-z-]+: \S.*", line), f"not a field line: {line!r}"
        name, value = line.split(": ", 1)
        pairs.append((name, value))
    return pairs


@pytest.fixture
def contact(settings):
    settings.SECURITY_CONTACTS = ["mailto:security@stadt.example", "https://stadt.example/sicherheit"]
    settings.SECURITY_POLICY_URL = "https://stadt.example/sicherheit/richtlinie"
    return settings


@pytest.mark.django_db
def test_fields_as_rfc_9116_asks(client, contact):
    r = client.get(URL)
    assert r.status_code == 200
    assert r["Content-Type"] == "text/plain; charset=utf-8"
    body = r.content.decode()
    assert body.endswith("\n")
    pairs = fields(body)
    assert [v for n, v in pairs if n == "Contact"] == [
        "mailto:security@stadt.example",
        "https://stadt.example/sicherheit",
    ]
    assert dict(pairs)["Preferred-Languages"] == "de, en"
    assert dict(pairs)["Canonical"] == "http://testserver/.well-known/security.txt"
    assert dict(pairs)["Policy"] == "https://stadt.example/sicherheit/richtlinie"
    assert [n for n, _v in pairs].count("Expires") == 1


@pytest.mark.django_db
def test_expires_lies_ahead_but_less_than_a_year(client, contact):
    before = datetime.now(UTC).replace(microsecond=0)
    expires = datetime.strptime(
        dict(fields(client.get(URL).content.decode()))["Expires"], "%Y-%m-%dT%H:%M:%SZ"
    )
    expires = expires.replace(tzinfo=UTC)
    assert before + timedelta(days=30) < expires < before + timedelta(days=365)


@pytest.mark.django_db
def test_canonical_names_the_host_asked_and_ignores_the_query(client, contact, settings):
    settings.ALLOWED_HOSTS = ["integration.stadt.example"]
    r = client.get(URL + "?x=<script>", HTTP_HOST="integration.stadt.example")
    assert dict(fields(r.content.decode()))["Canonical"] == (
        "http://integration.stadt.example/.well-known/security.txt"
    )
    assert "<script>" not in r.content.decode()


@pytest.mark.django_db
def test_without_a_policy_there_is_no_policy_line(client, contact):
    contact.SECURITY_POLICY_URL = ""
    names = [n for n, _v in fields(client.get(URL).content.decode())]
    assert "Policy" not in names and "Contact" in names


@pytest.mark.django_db
def test_without_a_contact_it_is_not_served(client, settings):
    settings.SECURITY_CONTACTS = []
    r = client.get(URL)
    assert r.status_code == 404
    assert r["Content-Type"] == "text/plain; charset=utf-8"
    assert "Contact:" not in r.content.decode()


def test_needs_no_city(client, contact, monkeypatch):
    """Served without a database query for the city (an installation without cities still answers)."""

    def no_city(host):
        raise AssertionError("security.txt looked up a city")

    monkeypatch.setattr(selectors, "city_for_host", no_city)
    r = client.get(URL)
    assert r.status_code == 200
    assert "Contact: mailto:security@stadt.example" in r.content.decode()


@pytest.mark.django_db
def test_only_read_methods(client, contact):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize(
    ("configured", "contacts"),
    [
        ("sicherheit@stadt.example", ["mailto:sicherheit@stadt.example"]),
        (
            "mailto:a@stadt.example, https://stadt.example/melden",
            ["mailto:a@stadt.example", "https://stadt.example/melden"],
        ),
        ("tel:+49-201-0000", ["tel:+49-201-0000"]),
        ("", []),
    ],
)
def test_contact_setting_is_read(monkeypatch, configured, contacts):
    monkeypatch.setenv("QUARTIER_SECURITY_CONTACT", configured)
    try:
        assert contacts == importlib.reload(quartier_settings).SECURITY_CONTACTS
    finally:
        monkeypatch.delenv("QUARTIER_SECURITY_CONTACT")
        importlib.reload(quartier_settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QUARTIER_SECURITY_CONTACT", "http://stadt.example/melden"),
        ("QUARTIER_SECURITY_CONTACT", "javascript:alert(1)"),
        ("QUARTIER_SECURITY_CONTACT", "https://stadt.example/a\nPolicy: https://evil.example"),
        ("QUARTIER_SECURITY_CONTACT", "security"),
        ("QUARTIER_SECURITY_POLICY_URL", "http://stadt.example/richtlinie"),
        ("QUARTIER_SECURITY_POLICY_URL", "https://stadt.example/a b"),
    ],
)
def test_a_wrong_setting_stops_the_start(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    try:
        with pytest.raises(ImproperlyConfigured, match=name):
            importlib.reload(quartier_settings)
    finally:
        monkeypatch.delenv(name)
        importlib.reload(quartier_settings)
