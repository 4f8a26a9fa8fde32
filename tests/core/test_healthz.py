from unittest import mock

from django.db.utils import OperationalError


def test_healthz_reports_database_and_cache(client, db):
    r = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


def test_healthz_says_when_the_cache_fails(client, db):
    with mock.patch("quartier.core.views.cache.set", side_effect=ConnectionError("down")):
        r = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert r.status_code == 503
    assert r.json()["cache"] == "error" and r.json()["database"] == "ok"


def test_healthz_says_when_the_database_fails(client, db):
    with mock.patch("quartier.core.views.connection.cursor", side_effect=OperationalError("gone")):
        r = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert r.status_code == 503
    assert r.json()["database"] == "error"
