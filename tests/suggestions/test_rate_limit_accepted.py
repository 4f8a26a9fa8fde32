"""The suggestion limit counts accepted suggestions, not attempts: a person who needs several tries, or many people
behind one address, are not locked out by their errors; the limit still stops one more accepted suggestion than
allowed, also when the sends arrive at the same moment; a separate, higher limit on raw sends stops floods."""

import json
import threading
import uuid

import pytest
from django.test import Client

from quartier.core import ratelimit
from quartier.suggestions import limits
from quartier.suggestions.models import Suggestion

from .test_public_pages import FORM, post_data

API_SUBMIT = "/api/v1/cities/essen/suggestions"
VALID = {
    "text": "Ein Sprachcafé im Stadtteilzentrum am Samstag wäre schön.",
    "neighbourhood": 7,
    "topic": "language",
    "consent": True,
}


def post_json(client, payload, **headers):
    return client.post(API_SUBMIT, data=json.dumps(payload), content_type="application/json", headers=headers)


# --- the form -------------------------------------------------------------------------------------------------


def test_form_ten_failed_tries_then_a_valid_one_is_accepted(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    for attempt in range(10):
        broken = post_data(essen, text="kurz") if attempt % 2 else post_data(essen, consent=None)
        assert client.post(FORM, broken).status_code == 400
    assert Suggestion.objects.count() == 0
    response = client.post(FORM, post_data(essen))
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Suggestion.objects.count() == 1


def test_form_limit_still_stops_the_accepted_one_too_many(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(FORM, post_data(essen, text="zu kurz")).status_code == 400  # costs nothing
        assert client.post(FORM, post_data(essen)).status_code == 200
    refused = client.post(FORM, post_data(essen, text="Der vierte Vorschlag in kurzer Zeit."))
    assert refused.status_code == 429
    assert "Der vierte Vorschlag in kurzer Zeit." in refused.content.decode()  # the text is kept
    assert Suggestion.objects.count() == 3
    # another address is not affected
    assert Client(REMOTE_ADDR="192.0.2.77").post(FORM, post_data(essen)).status_code == 200


def test_form_double_click_is_one_suggestion_and_counts_once(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    same = post_data(essen)
    assert client.post(FORM, same).status_code == 200
    assert client.post(FORM, same).status_code == 200  # the same form key: the same suggestion
    assert Suggestion.objects.count() == 1
    assert client.post(FORM, post_data(essen)).status_code == 200
    assert client.post(FORM, post_data(essen)).status_code == 429
    assert Suggestion.objects.count() == 2


def test_form_honeypot_and_too_fast_sends_are_not_counted(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    settings.SUGGESTION_MIN_FILL_SECONDS = 3600
    assert client.post(FORM, post_data(essen)).status_code == 400  # sent "too fast"
    settings.SUGGESTION_MIN_FILL_SECONDS = 0
    assert client.post(FORM, post_data(essen, website="http://spam.example")).status_code == 200
    assert Suggestion.objects.count() == 0
    assert client.post(FORM, post_data(essen)).status_code == 200
    assert Suggestion.objects.count() == 1


def test_attempt_limit_stops_a_flood_of_broken_sends(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 5
    settings.SUGGESTION_ATTEMPT_LIMIT = 8
    for _ in range(8):
        assert client.post(FORM, post_data(essen, text="kurz")).status_code == 400
    flooded = client.post(FORM, post_data(essen))
    assert flooded.status_code == 429
    assert Suggestion.objects.count() == 0
    assert post_json(client, VALID).status_code == 429  # the API shares the attempt count
    assert Client(REMOTE_ADDR="192.0.2.78").post(FORM, post_data(essen)).status_code == 200


# --- the API --------------------------------------------------------------------------------------------------


def test_api_refused_bodies_do_not_count(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    for _ in range(10):
        # both pass the schema and are refused by the service (text too short once cleaned, no consent)
        assert post_json(client, {**VALID, "text": "  kurz \u200b   "}).status_code == 422
        assert post_json(client, {**VALID, "consent": False}).status_code == 422
    assert post_json(client, VALID).status_code == 201
    refused = post_json(client, VALID)
    assert refused.status_code == 429 and isinstance(refused.json()["detail"], str)
    assert Suggestion.objects.count() == 1


def test_api_and_form_share_the_accepted_count(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    assert post_json(client, VALID).status_code == 201
    assert client.post(FORM, post_data(essen)).status_code == 200
    assert post_json(client, VALID).status_code == 429
    assert client.post(FORM, post_data(essen)).status_code == 429
    assert Suggestion.objects.count() == 2


def test_api_idempotent_retry_keeps_its_place_free(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    first = post_json(client, VALID, idempotency_key="once")
    assert first.status_code == 201
    again = post_json(client, VALID, idempotency_key="once")
    assert again.status_code == 200 and again.json() == first.json()
    assert post_json(client, VALID, idempotency_key="twice").status_code == 201
    assert post_json(client, VALID, idempotency_key="thrice").status_code == 429


# --- the reservation ------------------------------------------------------------------------------------------


def test_release_gives_back_one_place_and_never_goes_below_zero():
    scope = f"test-{uuid.uuid4().hex}"
    assert ratelimit.release(scope, "198.51.100.1") == 0  # nothing to give back
    assert ratelimit.count(scope, "198.51.100.1") == 0
    ratelimit.hit(scope, "198.51.100.1", window=60)
    ratelimit.hit(scope, "198.51.100.1", window=60)
    assert ratelimit.release(scope, "198.51.100.1") == 1
    assert ratelimit.release(scope, "198.51.100.1") == 0
    assert ratelimit.release(scope, "198.51.100.1") == 0
    assert ratelimit.count(scope, "198.51.100.1") == 0
    assert ratelimit.hit(scope, "198.51.100.1", window=60) == 1


def test_a_place_is_given_back_when_the_work_fails(settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    identity = f"test-{uuid.uuid4().hex}"
    with pytest.raises(RuntimeError), limits.place_for(identity) as place:
        assert place.granted
        raise RuntimeError("the suggestion was not stored")
    with limits.place_for(identity) as place:
        assert place.granted
        place.keep()
    with limits.place_for(identity) as place:
        assert not place.granted
    assert ratelimit.count(limits.ACCEPTED, identity) == 1


def test_concurrent_reservations_never_exceed_the_limit(settings):
    """Twelve sends at the same moment with a limit of 4: exactly 4 get a place (atomic INCR in Redis, the
    locked counter in local memory), and the refused ones leave the count at the limit."""
    settings.SUGGESTION_RATE_LIMIT = 4
    identity = f"test-{uuid.uuid4().hex}"
    barrier = threading.Barrier(12)
    granted = []
    lock = threading.Lock()

    def send():
        barrier.wait()
        with limits.place_for(identity) as place:
            if place.granted:
                place.keep()
                with lock:
                    granted.append(1)

    threads = [threading.Thread(target=send) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 4
    assert ratelimit.count(limits.ACCEPTED, identity) == 4
