"""The health check: "ok" when the database and the cache answer, "degraded" (still 200: the site works) when
only the cache fails, 503 "unavailable" when the database fails. tests/resilience/ runs it against a Redis that
is stopped or hung."""

from unittest import mock

import pytest
from django.db.utils import InterfaceError, OperationalError


def test_healthz_reports_database_and_cache(client, db):
    r = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


def test_healthz_answers_head_and_refuses_writes(client, db):
    assert client.head("/healthz", HTTP_HOST="127.0.0.1").status_code == 200
    assert client.post("/healthz", {"status": "ok"}, HTTP_HOST="127.0.0.1").status_code == 405


def test_healthz_is_degraded_but_up_when_the_cache_fails(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with mock.patch("quartier.core.views.cache.set", side_effect=ConnectionError("down")):
        r = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert r.status_code == 200
    assert r.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_healthz_is_degraded_when_the_cache_loses_what_it_was_given(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with mock.patch("quartier.core.views.cache.get", return_value=None):
        r = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert r.status_code == 200
    assert r.json()["status"] == "degraded"


@pytest.mark.parametrize("error", [OperationalError("gone"), InterfaceError("connection already closed")])
def test_healthz_is_unavailable_when_the_database_fails(client, db, error):
    with mock.patch("quartier.core.views.connection.cursor", side_effect=error):
        r = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable"
    assert r.json()["database"] == "error"
