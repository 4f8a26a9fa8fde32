"""The funding API: the comparison (stores nothing), filing a request with idempotency, the status by the secret
token with the appointment choice, the programmes, and invalid or hostile bodies (422, never 500)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.funding import services
from quartier.funding.models import FundingConsultation
from quartier.organisations.models import Organisation
from tests.offers.conftest import make_offer

API = "/api/v1/cities/essen/funding"
IDEA = {
    "title": "Deutsch üben bei Tee für Mütter",
    "description": "Wir möchten eine lockere Gesprächsrunde anbieten, in der Mütter Deutsch sprechen üben.",
    "neighbourhoods": ["Altendorf", 7],
    "target_groups": ["women", "parents"],
}
REQUEST = {**IDEA, "contact_email": "antrag-demo@example.org", "consent": True}


def post(client, url, payload, **headers):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(url, data=body, content_type="application/json", headers=headers)


@pytest.fixture
def cafe(essen):
    org = Organisation.objects.create(
        city=essen, name="Frauenverein Demo e. V.", slug="fv-demo", kind="association"
    )
    return make_offer(
        essen,
        org,
        "Sprachcafé für Frauen",
        "Frauen sprechen Deutsch bei Tee und Gebäck.",
        category_slug="language-cafe",
        target_groups=["women"],
    )


def test_similar_ranks_with_reasons_and_stores_nothing(client, essen, cafe):
    response = post(client, f"{API}/similar", IDEA)
    assert response.status_code == 200, response.content
    data = response.json()
    top = data["items"][0]
    assert top["kind"] == "offer" and top["id"] == cafe.pk and top["url"].endswith(f"/{cafe.slug}/")
    assert top["score"] > 0 and {r["kind"] for r in top["reasons"]} >= {"same_target_group", "same_category"}
    assert any(g["kind"] == "target_group" and g["target_group"] == "parents" for g in data["gaps"])
    assert not FundingConsultation.objects.exists()


def test_filing_a_request_and_its_status(client, essen, coordinator_iii):
    response = post(client, f"{API}/consultations", REQUEST)
    assert response.status_code == 201, response.content
    data = response.json()
    consultation = FundingConsultation.objects.get(pk=data["id"])
    assert consultation.channel == "api" and consultation.district.number == "III"
    token = data["status_url"].rstrip("/").rsplit("/", 1)[1]
    status = client.get(f"{API}/consultations/status/{token}")
    assert status.status_code == 200 and status["Cache-Control"] == "no-store"
    assert status.json()["status"] == "requested" and status.json()["next_steps"] == ["withdrawn"]
    start = timezone.now() + timedelta(days=5)
    services.consultation_slots_propose(
        actor=coordinator_iii,
        consultation=consultation,
        slots=[(start, start + timedelta(hours=1), "Bezirksstelle")],
        expected_version=1,
    )
    shown = client.get(f"{API}/consultations/status/{token}").json()
    assert shown["status"] == "slots_proposed" and len(shown["slots"]) == 1
    slot_id = shown["slots"][0]["id"]
    assert (
        post(client, f"{API}/consultations/status/{token}/appointment", {"slot_id": 999999}).status_code
        == 422
    )
    chosen = post(client, f"{API}/consultations/status/{token}/appointment", {"slot_id": slot_id})
    assert chosen.status_code == 200 and chosen.json()["status"] == "appointment_confirmed"
    assert chosen.json()["slots"][0]["chosen"] is True
    assert client.get(f"{API}/consultations/status/{'0' * 64}").status_code == 404
    assert client.get(f"/api/v1/cities/nirgendwo/funding/consultations/status/{token}").status_code == 404


def test_idempotency(client, essen):
    first = post(client, f"{API}/consultations", REQUEST, **{"Idempotency-Key": "abc-1"})
    again = post(client, f"{API}/consultations", REQUEST, **{"Idempotency-Key": "abc-1"})
    other = post(
        client, f"{API}/consultations", {**REQUEST, "title": "Anderes"}, **{"Idempotency-Key": "abc-1"}
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json() == again.json() and FundingConsultation.objects.count() == 1


def test_programmes(client, essen, programme):
    data = client.get(f"{API}/programmes").json()
    assert data["items"][0]["name"] == "Demo-Quartiersfonds" and len(data["items"][0]["deadlines"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        {**REQUEST, "consent": False},
        {**REQUEST, "consent": "yes"},
        {**REQUEST, "contact_email": None},
        {**REQUEST, "contact_email": "nicht-gueltig"},
        {**REQUEST, "neighbourhoods": []},
        {**REQUEST, "neighbourhoods": ["Atlantis"]},
        {**REQUEST, "neighbourhoods": list(range(1, 12))},
        {**REQUEST, "neighbourhoods": ["²"]},
        {**REQUEST, "target_groups": ["aliens"]},
        {**REQUEST, "budget": -1},
        {**REQUEST, "budget": 10**12},
        {**REQUEST, "budget": "NaN"},
        {**REQUEST, "programmes": [999999]},
        {**REQUEST, "period_start": "2027-05-01", "period_end": "2027-04-01"},
        {**REQUEST, "period_start": "gestern"},
        {**REQUEST, "title": "A\u0000B"},
        {**REQUEST, "description": "\ud800 kaputt"},
        {**REQUEST, "description": "x" * 10_001},
        {**REQUEST, "unknown": 1},
        [],
        "kein json",
    ],
)
def test_invalid_requests_are_422_and_store_nothing(client, essen, body):
    response = post(client, f"{API}/consultations", body)
    assert response.status_code == 422, (
        body if not isinstance(body, dict) else list(body),
        response.content[:200],
    )
    assert not FundingConsultation.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {**IDEA, "neighbourhoods": []},
        {**IDEA, "title": ""},
        {**IDEA, "neighbourhoods": [99999]},
        {**IDEA, "target_groups": "women"},
        {"title": "x"},
        {**IDEA, "description": "y" * 10_001},
    ],
)
def test_invalid_ideas_are_422(client, essen, body):
    assert post(client, f"{API}/similar", body).status_code == 422


def test_hostile_words_are_compared_safely(client, essen, cafe):
    body = {
        **IDEA,
        "title": "'; DROP TABLE offers_offer; --",
        "description": '<script>alert(1)</script> * OR " NEAR(',
    }
    assert post(client, f"{API}/similar", body).status_code == 200
