"""When the database cannot be reached, every page answers 503 with a page in its own language (no traceback,
nothing read from the database), the API answers JSON, the health check says "unavailable"; and a submission
broken off by the database leaves no partial rows (services are atomic)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from quartier.core.models import OutboxMessage
from quartier.suggestions.models import Suggestion, SuggestionStep
from tests.suggestions.test_public_pages import FORM, post_data

from .server import UNREACHABLE_DATABASES, serve_without_database

H = {"HTTP_HOST": "127.0.0.1"}


def fetch(url: str, data: dict | None = None) -> tuple[int, dict[str, str], str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.fixture(scope="module", params=sorted(UNREACHABLE_DATABASES))
def site_without_database(request):
    with serve_without_database(request.param) as site:
        yield site


@pytest.mark.parametrize(("language", "direction"), [("de", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_pages_answer_503_in_their_language(site_without_database, language, direction):
    status, headers, body = fetch(f"{site_without_database.base_url}/{language}/veranstaltungen/")
    assert status == 503
    assert headers["Retry-After"].isdigit()
    assert "no-store" in headers["Cache-Control"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert f'<html lang="{language}" dir="{direction}">' in body
    for text in ("Die Seite ist gerade nicht erreichbar.", "Zur Startseite", "Hauptnavigation"):
        assert translated(language, text) in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_a_form_sent_during_the_outage_is_told_it_was_not_stored(site_without_database):
    data = {"text": "Ein Sprachcafé im Stadtteilzentrum wäre schön.", "consent": "on"}
    status, _headers, body = fetch(f"{site_without_database.base_url}/de/vorschlaege/neu/", data)
    assert status == 503
    assert "wurde nicht gespeichert" in body


def test_the_api_answers_json_503(site_without_database):
    status, headers, body = fetch(f"{site_without_database.base_url}/api/v1/cities/essen/events")
    assert status == 503
    assert headers["Content-Type"].startswith("application/json")
    assert "temporarily unavailable" in json.loads(body)["detail"]


def test_healthz_says_unavailable(site_without_database):
    status, _headers, body = fetch(f"{site_without_database.base_url}/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "database": "error", "cache": "ok"}


def test_the_outage_is_logged_once_not_per_request(site_without_database):
    for _ in range(5):
        assert fetch(f"{site_without_database.base_url}/de/")[0] == 503
    log = site_without_database.log_text()
    # Once a minute per process: this module's dozen 503 answers come within one or (on a slow machine) two.
    assert 1 <= log.count("database unavailable (OperationalError), answering 503") <= 2, log[-3000:]
    assert "Internal Server Error" not in log


# --- in this process: a database that breaks off in the middle of a submission ---------------------------------


def test_a_submission_broken_off_by_the_database_leaves_no_rows(essen, db):
    """The suggestion row is written, then the connection breaks before the rest: nothing of it stays."""
    writes: list[str] = []

    def break_after_the_first_write(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            if writes:
                raise OperationalError("server closed the connection unexpectedly")
            writes.append(sql)
        return execute(sql, params, many, context)

    counts = {model: model.objects.count() for model in (Suggestion, SuggestionStep, OutboxMessage)}
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(break_after_the_first_write):
        response = client.post(FORM, post_data(essen), **H)
    assert writes and "suggestions_suggestion" in writes[0]  # the suggestion itself was written first
    assert response.status_code == 503
    assert "wurde nicht gespeichert" in response.content.decode()
    assert {model: model.objects.count() for model in counts} == counts


def test_an_api_submission_broken_off_by_the_database_answers_json_and_leaves_no_rows(essen, db):
    writes: list[str] = []

    def break_after_the_first_write(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            if writes:
                raise OperationalError("server closed the connection unexpectedly")
            writes.append(sql)
        return execute(sql, params, many, context)

    payload = {"text": "Ein Sprachcafé im Stadtteilzentrum am Samstag wäre schön.", "topic": "language"}
    payload |= {"consent": True, "neighbourhood": int(post_data(essen)["neighbourhood"])}
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(break_after_the_first_write):
        response = client.post(
            "/api/v1/cities/essen/suggestions", data=json.dumps(payload), content_type="application/json", **H
        )
    assert writes and "suggestions_suggestion" in writes[0]
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The service is temporarily unavailable")
    assert Suggestion.objects.count() == 0
