"""The suggestions API: public submission (validation, idempotency, rate limit), the status by secret token, the
published list, the staff inbox with district scope, optimistic locking and CSRF, and the OpenAPI document."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone, translation
from ninja.responses import NinjaJSONEncoder

from quartier.accounts.models import Role
from quartier.core.models import AuditEntry
from quartier.suggestions import api, services
from quartier.suggestions.models import Suggestion
from tests.conftest import make_user

from .conftest import submit

API = "/api/v1/cities/essen"
SUBMIT = f"{API}/suggestions"
INBOX = f"{API}/inbox/suggestions"
S = Suggestion.Status

VALID = {
    "text": "Ein Sprachcafé im Stadtteilzentrum am Samstag wäre schön.",
    "neighbourhood": 7,  # Altendorf, Stadtbezirk III
    "topic": "language",
    "name": "Demo Person",
    "email": "person-demo@example.org",
    "consent": True,
}


def post_json(client, url, payload, **headers):
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(url, data=body, content_type="application/json", headers=headers)


def locs(response):
    """The error locations, each cut to at most three parts (union types add the member that failed)."""
    return [tuple(e["loc"][:3]) for e in response.json()["detail"]]


# --- submission ------------------------------------------------------------------------------------------------


def test_submission_answers_201_and_stores_the_suggestion(client, essen):
    response = post_json(client, SUBMIT, VALID, accept_language="ar")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "status", "status_url"} and data["status"] == "received"
    token = data["status_url"].rstrip("/").rsplit("/", 1)[1]
    with translation.override("en"):  # the link is the German page whatever the request's language
        assert data["status_url"] == "http://testserver" + api.public.status_url_path(token)
    s = Suggestion.objects.get(pk=data["id"])
    assert s.district.number == "III" and s.neighbourhood.name == "Altendorf"
    assert s.channel == "api" and s.language == "ar" and s.name == "Demo Person"
    assert client.get(f"{API}/suggestions/status/{token}").json()["id"] == s.pk


def test_language_defaults_to_german(client, essen):
    response = post_json(client, SUBMIT, VALID)
    assert Suggestion.objects.get(pk=response.json()["id"]).language == "de"


@pytest.mark.parametrize(
    ("neighbourhood", "expected"),
    [(7, "Altendorf"), ("altENDORF", "Altendorf"), ("Rüttenscheid", "Rüttenscheid"), ("10", "Rüttenscheid")],
)
def test_neighbourhood_by_number_or_name_in_any_case(client, essen, neighbourhood, expected):
    response = post_json(client, SUBMIT, {**VALID, "neighbourhood": neighbourhood})
    assert response.status_code == 201, response.content
    assert Suggestion.objects.get(pk=response.json()["id"]).neighbourhood.name == expected


@pytest.mark.parametrize(
    "payload", [{**VALID, "neighbourhood": None}, {k: v for k, v in VALID.items() if k != "neighbourhood"}]
)
def test_no_neighbourhood_means_the_whole_city(client, essen, payload):
    response = post_json(client, SUBMIT, payload)
    assert response.status_code == 201
    s = Suggestion.objects.get(pk=response.json()["id"])
    assert s.neighbourhood is None and s.district is None


def test_name_and_email_are_optional(client, essen):
    payload = {k: v for k, v in VALID.items() if k not in {"name", "email"}}
    assert post_json(client, SUBMIT, payload).status_code == 201
    assert post_json(client, SUBMIT, {**payload, "name": None, "email": None}).status_code == 201
    assert not Suggestion.objects.exclude(name="", email="").exists()


def _without(key):
    return {k: v for k, v in VALID.items() if k != key}


INVALID = [
    ("missing consent", _without("consent"), ("body", "payload", "consent")),
    ("consent false", {**VALID, "consent": False}, ("body", "consent")),
    ("consent as string", {**VALID, "consent": "true"}, ("body", "payload", "consent")),
    ("consent as 1", {**VALID, "consent": 1}, ("body", "payload", "consent")),
    ("missing text", _without("text"), ("body", "payload", "text")),
    ("text too short", {**VALID, "text": "kurz"}, ("body", "text")),
    ("text only spaces", {**VALID, "text": " " * 40}, ("body", "text")),
    ("text too long", {**VALID, "text": "x" * 5001}, ("body", "payload", "text")),
    ("text as number", {**VALID, "text": 12345678901}, ("body", "payload", "text")),
    ("text as list", {**VALID, "text": ["Ein Sprachcafé wäre schön"]}, ("body", "payload", "text")),
    ("text with NUL", {**VALID, "text": "Ein Sprach\x00café wäre schön."}, ("body", "payload", "text")),
    ("unknown topic", {**VALID, "topic": "weather"}, ("body", "payload", "topic")),
    ("German topic label", {**VALID, "topic": "Sprache"}, ("body", "payload", "topic")),
    ("missing topic", _without("topic"), ("body", "payload", "topic")),
    ("unknown neighbourhood name", {**VALID, "neighbourhood": "Atlantis"}, ("body", "neighbourhood")),
    ("unknown neighbourhood number", {**VALID, "neighbourhood": 999}, ("body", "neighbourhood")),
    ("huge neighbourhood number", {**VALID, "neighbourhood": 10**30}, ("body", "payload", "neighbourhood")),
    ("negative neighbourhood", {**VALID, "neighbourhood": -7}, ("body", "payload", "neighbourhood")),
    ("neighbourhood as bool", {**VALID, "neighbourhood": True}, ("body", "payload", "neighbourhood")),
    (
        "neighbourhood as object",
        {**VALID, "neighbourhood": {"number": 7}},
        ("body", "payload", "neighbourhood"),
    ),
    (
        "neighbourhood with NUL",
        {**VALID, "neighbourhood": "Alten\x00dorf"},
        ("body", "payload", "neighbourhood"),
    ),
    ("neighbourhood as superscript digit", {**VALID, "neighbourhood": "²"}, ("body", "neighbourhood")),
    ("invalid email", {**VALID, "email": "no-address"}, ("body", "email")),
    ("email too long", {**VALID, "email": "a" * 250 + "@example.org"}, ("body", "payload", "email")),
    ("name too long", {**VALID, "name": "N" * 201}, ("body", "payload", "name")),
    ("name as number", {**VALID, "name": 42}, ("body", "payload", "name")),
    ("unknown field", {**VALID, "neighborhood": 7}, ("body", "payload", "neighborhood")),
    ("script in a field name", {**VALID, "<script>": 1}, ("body", "payload", "<script>")),
]


@pytest.mark.parametrize(("case", "payload", "loc"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_bodies_are_422_and_store_nothing(client, essen, case, payload, loc):
    response = post_json(client, SUBMIT, payload)
    assert response.status_code == 422, (case, response.content)
    assert loc in locs(response), locs(response)
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[]",
        b'["text"]',
        b"null",
        b'"text"',
        b"42",
        b"",
        '{"text": "\ud800"}'.encode("utf-8", "surrogatepass"),
        b"\xff\xfe",
    ],
)
def test_broken_json_is_422_never_500(client, essen, raw):
    response = post_json(client, SUBMIT, raw)
    assert response.status_code == 422, response.content
    assert isinstance(response.json()["detail"], list)
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("field", ["text", "name", "email", "neighbourhood"])
def test_lone_surrogates_are_422(client, essen, field):
    raw = json.dumps({**VALID, field: "MARKER Sprachcafé wäre schön"}).replace("MARKER", "\\ud800")
    assert "\\ud800" in raw
    response = post_json(client, SUBMIT, raw)
    assert response.status_code == 422, response.content
    assert ("body", "payload", field) in locs(response)
    assert not Suggestion.objects.exists()


def test_wrong_content_type_is_422(client, essen):
    response = client.post(SUBMIT, data={"text": VALID["text"]})  # multipart form
    assert response.status_code == 422 and not Suggestion.objects.exists()


def test_a_huge_body_is_refused_before_anything_is_stored(client, essen):
    huge = json.dumps({**VALID, "text": "x" * (10 * 1024 * 1024)})
    response = post_json(client, SUBMIT, huge)
    assert response.status_code == 413 and isinstance(response.json()["detail"], str)
    assert not Suggestion.objects.exists()


def test_unknown_city_is_404(client, essen):
    assert post_json(client, "/api/v1/cities/atlantis/suggestions", VALID).status_code == 404


def test_public_submission_needs_no_session_and_no_csrf_token(essen):
    csrf_client = Client(enforce_csrf_checks=True)
    assert post_json(csrf_client, SUBMIT, VALID).status_code == 201


# --- idempotency -----------------------------------------------------------------------------------------------


def test_repeat_with_the_same_key_answers_the_first_answer(client, essen):
    first = post_json(client, SUBMIT, VALID, idempotency_key="order-42")
    again = post_json(client, SUBMIT, VALID, idempotency_key="order-42")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Suggestion.objects.count() == 1


def test_the_same_key_with_another_body_is_409(client, essen):
    assert post_json(client, SUBMIT, VALID, idempotency_key="order-43").status_code == 201
    other = post_json(client, SUBMIT, {**VALID, "topic": "housing"}, idempotency_key="order-43")
    assert other.status_code == 409 and isinstance(other.json()["detail"], str)
    assert Suggestion.objects.count() == 1


def test_keys_are_per_city_and_different_keys_make_different_suggestions(client, essen):
    post_json(client, SUBMIT, VALID, idempotency_key="a")
    post_json(client, SUBMIT, VALID, idempotency_key="b")
    post_json(client, SUBMIT, VALID)
    post_json(client, SUBMIT, VALID)
    assert Suggestion.objects.count() == 4


@pytest.mark.parametrize("key", ["x" * 201, " leading-space", "umlaut-ä", "tab\tkey"])
def test_invalid_idempotency_keys_are_422(client, essen, key):
    response = post_json(client, SUBMIT, VALID, idempotency_key=key)
    assert response.status_code == 422, response.content
    assert any(loc[0] == "header" for loc in locs(response))
    assert not Suggestion.objects.exists()


def test_a_key_of_200_characters_is_fine(client, essen):
    assert post_json(client, SUBMIT, VALID, idempotency_key="k" * 200).status_code == 201


def test_a_failed_write_does_not_burn_the_key(client, essen):
    failed = post_json(client, SUBMIT, {**VALID, "text": "kurz"}, idempotency_key="retry-me")
    assert failed.status_code == 422
    fixed = post_json(client, SUBMIT, VALID, idempotency_key="retry-me")
    assert fixed.status_code == 201 and Suggestion.objects.count() == 1


# --- rate limit ------------------------------------------------------------------------------------------------


def test_rate_limit_per_address(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    assert post_json(client, SUBMIT, VALID).status_code == 201
    assert post_json(client, SUBMIT, VALID).status_code == 201
    refused = post_json(client, SUBMIT, VALID)
    assert refused.status_code == 429 and isinstance(refused.json()["detail"], str)
    assert Suggestion.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.99")
    assert post_json(other, SUBMIT, VALID).status_code == 201


def test_a_retry_with_the_same_key_is_not_counted_again(client, essen, settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    first = post_json(client, SUBMIT, VALID, idempotency_key="retry")
    assert first.status_code == 201
    again = post_json(client, SUBMIT, VALID, idempotency_key="retry")
    assert again.status_code == 200 and again.json() == first.json()
    assert post_json(client, SUBMIT, VALID, idempotency_key="new").status_code == 429
    assert Suggestion.objects.count() == 1


# --- status by token -------------------------------------------------------------------------------------------


def test_status_shows_the_progress_and_no_personal_data(client, essen, coordinator_iii):
    s, token, _ = submit(essen)
    services.suggestion_transition(
        actor=coordinator_iii,
        suggestion=s,
        to_status=S.FORWARDED,
        expected_version=1,
        forwarded_to="Amt für Grün-Demo",
        forwarded_email="gruen-demo@example.org",
        message="Bitte prüfen",
        notify=False,
    )
    services.suggestion_transition(
        actor=coordinator_iii,
        suggestion=s,
        to_status=S.CLOSED,
        expected_version=2,
        outcome="implemented",
        public_answer="Das Sprachcafé startet im Mai.",
        notify=False,
    )
    response = client.get(f"{API}/suggestions/status/{token}")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer" and response["Cache-Control"] == "no-store"
    data = response.json()
    assert set(data) == {
        "id",
        "status",
        "topic",
        "neighbourhood",
        "district",
        "created_at",
        "steps",
        "outcome",
        "public_answer",
    }
    assert data["status"] == "closed" and data["outcome"] == "implemented"
    assert data["neighbourhood"] == {"number": 7, "name": "Altendorf"}
    assert data["district"]["number"] == "III"
    assert [step["status"] for step in data["steps"]] == ["received", "forwarded", "closed"]
    text = response.content.decode()
    for secret in [
        "Demo Person",
        "person-demo@example.org",
        "gruen-demo",
        "Amt für Grün",
        coordinator_iii.email,
        "Bitte prüfen",
    ]:
        assert secret not in text


def test_status_of_an_open_suggestion_has_null_outcome_and_answer(client, essen):
    _, token, _ = submit(essen, place=None)
    data = client.get(f"{API}/suggestions/status/{token}").json()
    assert data["outcome"] is None and data["public_answer"] is None
    assert data["neighbourhood"] is None and data["district"] is None


def test_wrong_expired_or_foreign_tokens_are_404(client, essen):
    s, token, _ = submit(essen)
    for bad in ["x", "0" * 64, "a" * 500, token + "x"]:
        response = client.get(f"{API}/suggestions/status/{bad}")
        assert response.status_code == 404 and response["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/cities/atlantis/suggestions/status/{token}").status_code == 404
    Suggestion.objects.filter(pk=s.pk).update(status_link_expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{API}/suggestions/status/{token}").status_code == 404


def test_status_lookups_are_rate_limited(client, essen):
    for _ in range(30):
        assert client.get(f"{API}/suggestions/status/wrong").status_code == 404
    response = client.get(f"{API}/suggestions/status/wrong")
    assert response.status_code == 429 and response["Referrer-Policy"] == "no-referrer"


# --- published list --------------------------------------------------------------------------------------------


def _closed_and_published(essen, actor, place, text="Sprachcafé am Samstag (veröffentlicht)"):
    s, _, _ = submit(essen, place=place)
    services.suggestion_transition(
        actor=actor,
        suggestion=s,
        to_status=S.CLOSED,
        expected_version=1,
        outcome="implemented",
        public_answer="Ab Mai jeden Samstag.",
        notify=False,
    )
    return services.suggestion_publish(
        actor=actor, suggestion=s, publish=True, published_text=text, expected_version=2
    )


def test_published_list_with_filters(client, essen, platform_admin):
    iii = _closed_and_published(essen, platform_admin, "Altendorf")
    ii = _closed_and_published(essen, platform_admin, "Rüttenscheid")
    submit(essen)  # not published
    data = client.get(f"{API}/suggestions").json()
    assert data["count"] == 2 and data["next"] is None
    item = next(i for i in data["items"] if i["id"] == iii.pk)
    assert item["text"] == "Sprachcafé am Samstag (veröffentlicht)" and item["outcome"] == "implemented"
    assert item["public_answer"] == "Ab Mai jeden Samstag." and item["published_at"] and item["closed_at"]
    assert "Demo Person" not in json.dumps(data) and "person-demo" not in json.dumps(data)
    assert [i["id"] for i in client.get(f"{API}/suggestions?district=iii").json()["items"]] == [iii.pk]
    assert [i["id"] for i in client.get(f"{API}/suggestions?neighbourhood=10").json()["items"]] == [ii.pk]
    assert [i["id"] for i in client.get(f"{API}/suggestions?neighbourhood=rüttenscheid").json()["items"]] == [
        ii.pk
    ]
    assert client.get(f"{API}/suggestions?page_size=1").json()["next"]


@pytest.mark.parametrize(
    "query",
    [
        "district=XXX",
        "neighbourhood=Atlantis",
        "neighbourhood=99999",
        "page=0",
        "page_size=101",
        "district=" + "I" * 9,
        "district=%00",
        "neighbourhood=Alten%00dorf",
        "neighbourhood=%C2%B2",
    ],
)
def test_published_list_refuses_unknown_filters(client, essen, query):
    response = client.get(f"{API}/suggestions?{query}")
    assert response.status_code == 422 and isinstance(response.json()["detail"], list)


# --- staff inbox -----------------------------------------------------------------------------------------------


@pytest.fixture
def three(essen):
    """One suggestion each in Stadtbezirk III (Altendorf), II (Rüttenscheid, vacant) and IV (Borbeck-Mitte)."""
    return {
        "III": submit(essen, place="Altendorf")[0],
        "II": submit(essen, place="Rüttenscheid")[0],
        "IV": submit(essen, place="Borbeck-Mitte")[0],
        "city": submit(essen, place=None)[0],
    }


def test_inbox_needs_a_session(client, three):
    assert client.get(INBOX).status_code == 401
    assert client.get(f"{INBOX}/{three['III'].pk}").status_code == 401
    assert post_json(client, f"{INBOX}/{three['III'].pk}/notes", {"text": "x"}).status_code == 401


def test_coordinator_sees_only_their_district(client, three, coordinator_iii, coordinator_iv):
    client.force_login(coordinator_iii)
    data = client.get(INBOX).json()
    assert [i["id"] for i in data["items"]] == [three["III"].pk] and data["count"] == 1
    assert "name" not in data["items"][0] and "email" not in data["items"][0]
    assert data["items"][0]["has_contact"] is True and data["items"][0]["next_statuses"]
    for other in ["II", "IV", "city"]:
        pk = three[other].pk
        assert client.get(f"{INBOX}/{pk}").status_code == 404
        assert (
            post_json(
                client, f"{INBOX}/{pk}/transition", {"to_status": "in_progress", "version": 1}
            ).status_code
            == 404
        )
        assert post_json(client, f"{INBOX}/{pk}/assign", {"user_id": None, "version": 1}).status_code == 404
        assert post_json(client, f"{INBOX}/{pk}/notes", {"text": "Notiz"}).status_code == 404
        assert post_json(client, f"{INBOX}/{pk}/publish", {"publish": False, "version": 1}).status_code == 404
    assert client.get(f"{INBOX}/999999").status_code == 404
    assert client.get(f"{INBOX}/99999999999").status_code in {404, 422}
    untouched = Suggestion.objects.filter(pk__in=[three[k].pk for k in ["II", "IV", "city"]])
    assert set(untouched.values_list("version", flat=True)) == {1}


def test_list_items_have_the_documented_shape_of_the_single_item(client, three, coordinator_iii):
    """The list is serialised by hand (speed); it must say exactly what the single item says, field by field."""
    client.force_login(coordinator_iii)
    pk = three["III"].pk
    assign = {"user_id": coordinator_iii.pk, "version": 1}
    assert post_json(client, f"{INBOX}/{pk}/assign", assign).status_code == 200
    close = {
        "to_status": "closed",
        "version": 2,
        "outcome": "implemented",
        "public_answer": "Es gibt jetzt eins.",
    }
    assert post_json(client, f"{INBOX}/{pk}/transition", close).status_code == 200
    publish = {"publish": True, "published_text": "Ein Sprachcafé am Samstag.", "version": 3}
    assert post_json(client, f"{INBOX}/{pk}/publish", publish).status_code == 200
    item = client.get(INBOX).json()["items"][0]
    detail = client.get(f"{INBOX}/{pk}").json()
    assert set(item) == set(api.schemas.SuggestionStaffItemOut.model_fields)
    assert item == {k: detail[k] for k in item}
    assert item["assigned_to"]["id"] == coordinator_iii.pk and item["closed_at"] and item["published_at"]
    assert item["outcome"] == "implemented" and item["overdue"] is False
    listed = client.get(INBOX).content
    # The cached fast path writes exactly what ninja writes through the declared schema (as for the single item:
    # datetimes with milliseconds, UTC as "Z"), byte for byte.
    dumped = api.schemas.SuggestionStaffList.model_validate(json.loads(listed)).model_dump()
    assert (
        listed == json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_fallback_team_sees_vacant_districts_and_the_whole_city(
    client, three, coordinator_iii, coordinator_iv, fallback_team
):
    client.force_login(fallback_team)
    ids = {i["id"] for i in client.get(INBOX).json()["items"]}
    assert ids == {three["II"].pk, three["city"].pk}


def test_staff_without_suggestions_get_an_empty_list_and_strangers_403(client, three, essen):
    member = make_user("org-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    client.force_login(member)
    assert client.get(INBOX).json() == {"items": [], "count": 0, "next": None}
    assert client.get(f"{INBOX}/{three['III'].pk}").status_code == 404
    stranger = make_user("stranger-demo@example.org")
    client.force_login(stranger)
    assert client.get(INBOX).status_code == 403
    assert client.get(f"{INBOX}/{three['III'].pk}").status_code == 403


def test_cached_inbox_list_follows_every_change(
    client, three, coordinator_iii, settings, django_capture_on_commit_callbacks
):
    settings.LIST_CACHE_SECONDS = 60
    client.force_login(coordinator_iii)
    assert client.get(INBOX).json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        added = submit(three["III"].city, place="Frohnhausen")[0]
    assert [i["id"] for i in client.get(INBOX).json()["items"]] == [added.pk, three["III"].pk]
    step = {"to_status": "in_progress", "version": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert post_json(client, f"{INBOX}/{added.pk}/transition", step).status_code == 200
    assert client.get(f"{INBOX}?status=in_progress").json()["items"][0]["version"] == 2
    assert client.get(f"{INBOX}?status=received").json()["count"] == 1
    other = make_user("andere-demo@example.org", roles=[(Role.COORDINATOR, "IV")], city=three["IV"].city)
    client.force_login(other)
    assert [i["id"] for i in client.get(INBOX).json()["items"]] == [three["IV"].pk]


def test_inbox_filters(client, three, platform_admin):
    client.force_login(platform_admin)
    assert client.get(f"{INBOX}?district=ii").json()["count"] == 1
    assert client.get(f"{INBOX}?neighbourhood=borbeck-mitte").json()["items"][0]["id"] == three["IV"].pk
    assert client.get(f"{INBOX}?status=open").json()["count"] == 4
    assert client.get(f"{INBOX}?status=closed").json()["count"] == 0
    assert client.get(f"{INBOX}?topic=language").json()["count"] == 4
    assert client.get(f"{INBOX}?assigned=nobody").json()["count"] == 4
    assert client.get(f"{INBOX}?assigned=me").json()["count"] == 0
    assert client.get(f"{INBOX}?overdue=true").json()["count"] == 0
    assert client.get(f"{INBOX}?older_than_days=1").json()["count"] == 0
    assert client.get(f"{INBOX}?q=Sprachcaf%C3%A9").json()["count"] == 4
    assert client.get(f"{INBOX}?q={three['II'].pk}").json()["items"][0]["id"] == three["II"].pk
    for bad in [
        "status=lost",
        "district=XX",
        "neighbourhood=Atlantis",
        "topic=weather",
        "older_than_days=0",
        "assigned=somebody",
        "q=" + "x" * 201,
        "overdue=maybe",
        "page_size=500",
        "q=a%00b",
        "district=%00",
        "neighbourhood=%00",
        "neighbourhood=%C2%B2",
    ]:
        assert client.get(f"{INBOX}?{bad}").status_code == 422, bad


def test_detail_shows_contact_data_steps_and_notes_and_is_audited(client, three, coordinator_iii):
    s = three["III"]
    services.suggestion_add_note(actor=coordinator_iii, suggestion=s, text="Intern: Raum anfragen")
    client.force_login(coordinator_iii)
    data = client.get(f"{INBOX}/{s.pk}").json()
    assert data["name"] == "Demo Person" and data["email"] == "person-demo@example.org"
    assert [st["to_status"] for st in data["steps"]] == ["received"]
    assert [n["text"] for n in data["notes"]] == ["Intern: Raum anfragen"]
    assert AuditEntry.objects.filter(action="suggestion.viewed").count() == 1
    assert client.get(f"{INBOX}/{s.pk}")["Cache-Control"] == "private, no-store"
    assert client.get(INBOX)["Cache-Control"] == "private, no-store"


def test_transition_assign_note_publish(client, three, coordinator_iii):
    s = three["III"]
    client.force_login(coordinator_iii)
    url = f"{INBOX}/{s.pk}"
    r = post_json(
        client, f"{url}/transition", {"to_status": "in_progress", "version": 1, "message": "Ich übernehme"}
    )
    assert r.status_code == 200 and r.json()["status"] == "in_progress" and r.json()["version"] == 2
    r = post_json(client, f"{url}/assign", {"user_id": coordinator_iii.pk, "version": 2})
    assert r.status_code == 200 and r.json()["assigned_to"]["id"] == coordinator_iii.pk
    r = post_json(client, f"{url}/notes", {"text": "Raum ist frei"})
    assert r.status_code == 200 and r.json()["version"] == 3
    r = post_json(
        client,
        f"{url}/transition",
        {"to_status": "closed", "version": 3, "outcome": "implemented", "public_answer": "Startet im Mai."},
    )
    assert r.status_code == 200 and r.json()["outcome"] == "implemented"
    r = post_json(
        client,
        f"{url}/publish",
        {"publish": True, "published_text": "Ein Sprachcafé am Samstag.", "version": 4},
    )
    assert r.status_code == 200 and r.json()["is_published"] is True
    r = post_json(client, f"{url}/assign", {"user_id": None, "version": 5})
    assert r.status_code == 200 and r.json()["assigned_to"] is None
    assert "email" not in r.json()
    s.refresh_from_db()
    assert s.status == S.CLOSED and s.is_published and s.notes.count() == 1 and s.version == 6


def test_stale_versions_are_409_with_the_current_version(client, three, coordinator_iii):
    s = three["III"]
    client.force_login(coordinator_iii)
    url = f"{INBOX}/{s.pk}"
    assert (
        post_json(client, f"{url}/transition", {"to_status": "in_progress", "version": 1}).status_code == 200
    )
    for path, body in [
        (
            "transition",
            {
                "to_status": "forwarded",
                "version": 1,
                "forwarded_to": "Amt",
                "forwarded_email": "a-demo@example.org",
            },
        ),
        ("assign", {"user_id": None, "version": 1}),
        ("publish", {"publish": False, "version": 1}),
    ]:
        r = post_json(client, f"{url}/{path}", body)
        assert r.status_code == 409, path
        assert r.json()["current_version"] == 2 and isinstance(r.json()["detail"], str)
    s.refresh_from_db()
    assert s.version == 2 and s.status == S.IN_PROGRESS


INVALID_STEPS = [
    ("transition", {"to_status": "closed", "version": 1}, ("body", "outcome")),
    (
        "transition",
        {"to_status": "closed", "version": 1, "outcome": "implemented"},
        ("body", "public_answer"),
    ),
    ("transition", {"to_status": "forwarded", "version": 1}, ("body", "forwarded_to")),
    (
        "transition",
        {"to_status": "forwarded", "version": 1, "forwarded_to": "Amt", "forwarded_email": "nope"},
        ("body", "forwarded_email"),
    ),
    ("transition", {"to_status": "received", "version": 1}, ("body",)),
    ("transition", {"to_status": "lost", "version": 1}, ("body", "payload", "to_status")),
    ("transition", {"to_status": "in_progress"}, ("body", "payload", "version")),
    ("transition", {"to_status": "in_progress", "version": "1"}, ("body", "payload", "version")),
    ("transition", {"to_status": "in_progress", "version": 10**20}, ("body", "payload", "version")),
    (
        "transition",
        {"to_status": "in_progress", "version": 1, "message": "x" * 5001},
        ("body", "payload", "message"),
    ),
    (
        "transition",
        {"to_status": "in_progress", "version": 1, "message": "a\x00b"},
        ("body", "payload", "message"),
    ),
    ("transition", {"to_status": "in_progress", "version": 1, "actor": 1}, ("body", "payload", "actor")),
    ("assign", {"user_id": 99999999, "version": 1}, ("body", "user_id")),
    ("assign", {"user_id": "me", "version": 1}, ("body", "payload", "user_id")),
    ("assign", {"version": 1}, ("body", "payload", "user_id")),
    ("notes", {"text": ""}, ("body", "payload", "text")),
    ("notes", {"text": "   "}, ("body", "text")),
    ("notes", {"text": "x" * 5001}, ("body", "payload", "text")),
    ("notes", {"text": 5}, ("body", "payload", "text")),
    ("publish", {"publish": True, "published_text": "Ein Sprachcafé.", "version": 1}, ("body",)),
    ("publish", {"publish": "yes", "version": 1}, ("body", "payload", "publish")),
]


@pytest.mark.parametrize(("path", "body", "loc"), INVALID_STEPS)
def test_invalid_steps_are_422_and_change_nothing(client, three, coordinator_iii, path, body, loc):
    s = three["III"]
    client.force_login(coordinator_iii)
    r = post_json(client, f"{INBOX}/{s.pk}/{path}", body)
    assert r.status_code == 422, r.content
    assert loc in locs(r), locs(r)
    s.refresh_from_db()
    assert s.version == 1 and s.status == S.RECEIVED and s.notes.count() == 0 and s.assigned_to is None


def test_assigning_someone_from_another_district_is_422(client, three, coordinator_iii, coordinator_iv):
    client.force_login(coordinator_iii)
    r = post_json(client, f"{INBOX}/{three['III'].pk}/assign", {"user_id": coordinator_iv.pk, "version": 1})
    assert r.status_code == 422 and ("body", "user_id") in locs(r)


@pytest.mark.parametrize("raw", [b"{", b"[]", b"", b"\xff"])
def test_broken_json_in_staff_posts_is_422(client, three, coordinator_iii, raw):
    client.force_login(coordinator_iii)
    for path in ["transition", "assign", "notes", "publish"]:
        assert post_json(client, f"{INBOX}/{three['III'].pk}/{path}", raw).status_code == 422


def test_staff_posts_need_the_csrf_token(three, coordinator_iii):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(coordinator_iii)
    url = f"{INBOX}/{three['III'].pk}/notes"
    refused = post_json(csrf_client, url, {"text": "Ohne Token"})
    assert refused.status_code == 403
    assert three["III"].notes.count() == 0
    token = _get_new_csrf_string()
    csrf_client.cookies[settings.CSRF_COOKIE_NAME] = token
    assert post_json(csrf_client, url, {"text": "Mit Token"}, x_csrftoken=token).status_code == 200
    assert csrf_client.get(INBOX).status_code == 200  # reads need no token


# --- OpenAPI ---------------------------------------------------------------------------------------------------


def test_openapi_describes_every_operation(client, essen):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    expected = {
        "/api/v1/cities/{city_slug}/suggestions": {"get", "post"},
        "/api/v1/cities/{city_slug}/suggestions/status/{token}": {"get"},
        "/api/v1/cities/{city_slug}/inbox/suggestions": {"get"},
        "/api/v1/cities/{city_slug}/inbox/suggestions/{suggestion_id}": {"get"},
        "/api/v1/cities/{city_slug}/inbox/suggestions/{suggestion_id}/transition": {"post"},
        "/api/v1/cities/{city_slug}/inbox/suggestions/{suggestion_id}/assign": {"post"},
        "/api/v1/cities/{city_slug}/inbox/suggestions/{suggestion_id}/notes": {"post"},
        "/api/v1/cities/{city_slug}/inbox/suggestions/{suggestion_id}/publish": {"post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for op in paths[path].values():
            assert op["summary"]
    post = paths["/api/v1/cities/{city_slug}/suggestions"]["post"]
    assert {"200", "201", "409", "422", "429"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    assert "429" in paths["/api/v1/cities/{city_slug}/suggestions/status/{token}"]["get"]["responses"]
    for step in ["transition", "assign", "publish"]:
        responses = paths[f"/api/v1/cities/{{city_slug}}/inbox/suggestions/{{suggestion_id}}/{step}"]["post"][
            "responses"
        ]
        assert {"200", "401", "404", "409", "422"} <= set(responses)
    schemas = doc["components"]["schemas"]
    assert set(schemas["SuggestionTopic"]["enum"]) == set(Suggestion.Topic.values)
    assert set(schemas["SuggestionStatus"]["enum"]) == set(Suggestion.Status.values)
    assert set(schemas["SuggestionOutcome"]["enum"]) == set(Suggestion.Outcome.values)
    assert schemas["SuggestionIn"]["properties"]["text"]["maxLength"] == 5000


# --- every role (the answers the access matrix gets for these operations) ---------------------------------------

ROLE_SPECS = {
    "anonymous": None,
    "organisation_member": [(Role.ORGANISATION_MEMBER, None)],
    "coordinator_own_district": [(Role.COORDINATOR, "III")],
    "coordinator_other_district": [(Role.COORDINATOR, "IV")],
    "fallback_team": [(Role.FALLBACK, None)],
    "competence_member": [(Role.COMPETENCE_MEMBER, "III")],
    "central_steering": [(Role.CENTRAL_STEERING, None)],
    "city_admin": [(Role.CITY_ADMIN, None)],
    "platform_admin": [],
}
HANDLERS = {"coordinator_own_district", "city_admin", "platform_admin"}
STAFF_OPERATIONS = [
    ("GET", "{id}", None),
    ("POST", "{id}/transition", {"to_status": "in_progress", "version": 1}),
    ("POST", "{id}/assign", {"user_id": None, "version": 1}),
    ("POST", "{id}/notes", {"text": "Notiz"}),
    ("POST", "{id}/publish", {"publish": False, "version": 1}),
]


@pytest.mark.parametrize("role", sorted(ROLE_SPECS))
def test_answers_per_role(client, essen, coordinator_iii, role):
    """A suggestion in Stadtbezirk III, which has an active coordinator (so the fallback team does not get it)."""
    s, token, _ = submit(essen)
    spec = ROLE_SPECS[role]
    if spec is not None:
        user = make_user(
            f"{role.replace('_', '-')}@example.org",
            roles=spec,
            city=essen,
            superuser=role == "platform_admin",
        )
        client.force_login(user)
    assert client.get(f"{API}/suggestions").status_code == 200
    assert client.get(f"{API}/suggestions/status/{token}").status_code == 200
    assert post_json(client, SUBMIT, VALID).status_code == 201
    assert client.generic("POST", SUBMIT).status_code == 422  # no body
    listed = client.get(INBOX)
    assert listed.status_code == (401 if spec is None else 200)
    if spec is not None:
        expected_ids = [s.pk] if role in HANDLERS else []
        assert [i["id"] for i in listed.json()["items"]][-1:] == expected_ids
    for method, path, body in STAFF_OPERATIONS:
        url = f"{INBOX}/{path.format(id=s.pk)}"
        if body and "version" in body:  # each operation on its own would find version 1
            body = {**body, "version": Suggestion.objects.get(pk=s.pk).version}
        r = client.get(url) if method == "GET" else post_json(client, url, body)
        expected = 401 if spec is None else 200 if role in HANDLERS else 404
        assert r.status_code == expected, (method, path, r.content)
