"""Every operation of the API answers what its OpenAPI document says: a real 2xx answer of each operation is
validated against the documented schema, and no two schema classes share a name (ninja would document one of
them for both)."""

import enum
import json
import typing
from datetime import timedelta

import jsonschema_rs
import pytest
from django.utils import timezone
from pydantic import BaseModel

from quartier.accounts.models import Role
from quartier.funding import services as funding_services
from quartier.funding.models import FundingProgramme, ProgrammeDeadline
from quartier.organisations.models import Organisation
from quartier.site.api import api
from tests.conftest import make_user
from tests.events.conftest import organisation, organiser  # noqa: F401  (fixtures)
from tests.events.test_event_pages_and_api import events, programme  # noqa: F401  (fixtures)
from tests.funding.conftest import file_request
from tests.offers.conftest import make_offer
from tests.suggestions.conftest import submit

PREFIX = "/api/v1"
CITY = "/api/v1/cities/essen"
SUGGESTION = {
    "text": "Ein Sprachcafé im Stadtteilzentrum am Samstag wäre schön.",
    "neighbourhood": 7,
    "topic": "language",
    "consent": True,
}
IDEA = {
    "title": "Deutsch üben bei Tee für Mütter",
    "description": "Wir möchten eine lockere Gesprächsrunde anbieten, in der Mütter Deutsch sprechen üben.",
    "neighbourhoods": ["Altendorf", 7],
    "target_groups": ["women", "parents"],
}


def post(client, url, payload, **headers):
    return client.post(url, data=json.dumps(payload), content_type="application/json", headers=headers)


@pytest.fixture
def world(client, essen, events, coordinator_iii):  # noqa: F811  (the events fixture)
    """One of everything the API shows, and the answers of every operation to a caller allowed to see them."""
    org = Organisation.objects.create(
        city=essen, name="Frauenverein Demo e. V.", slug="fv-demo", kind="association"
    )
    offer = make_offer(
        essen, org, "Sprachcafé für Frauen", "Frauen sprechen Deutsch bei Tee.", target_groups=["women"]
    )
    suggestion, token, _ = submit(essen)
    consultation, funding_token = file_request(essen)
    start = timezone.now() + timedelta(days=3)
    consultation = funding_services.consultation_slots_propose(
        actor=coordinator_iii,
        consultation=consultation,
        slots=[(start, start + timedelta(hours=1), "Rathaus")],
        expected_version=consultation.version,
    )
    slot = consultation.slots.get()
    fp = FundingProgramme.objects.create(
        city=essen, name="Quartiersfonds (Demo)", provider="Stadt", max_amount=500
    )
    ProgrammeDeadline.objects.create(programme=fp, date=timezone.localdate() + timedelta(days=30))
    event = events["open_day"]
    staff = f"{CITY}/inbox/suggestions/{suggestion.pk}"
    calls = {
        ("get", "/cities"): lambda: client.get(f"{PREFIX}/cities"),
        ("get", "/cities/{city_slug}/districts"): lambda: client.get(f"{CITY}/districts"),
        ("get", "/cities/{city_slug}/neighbourhoods"): lambda: client.get(f"{CITY}/neighbourhoods"),
        ("get", "/cities/{city_slug}/neighbourhoods.geojson"): lambda: client.get(
            f"{CITY}/neighbourhoods.geojson"
        ),
        ("get", "/cities/{city_slug}/lookup"): lambda: client.get(f"{CITY}/lookup?q=Frohnhausen"),
        ("get", "/cities/{city_slug}/events"): lambda: client.get(
            f"{CITY}/events?from=2027-09-01&to=2027-10-01"
        ),
        ("get", "/cities/{city_slug}/events.ics"): lambda: client.get(f"{CITY}/events.ics"),
        ("get", "/cities/{city_slug}/events/{event_id}"): lambda: client.get(f"{CITY}/events/{event.pk}"),
        ("get", "/cities/{city_slug}/programmes"): lambda: client.get(f"{CITY}/programmes"),
        ("get", "/cities/{city_slug}/offers"): lambda: client.get(f"{CITY}/offers"),
        ("get", "/cities/{city_slug}/offers/{offer_id}"): lambda: client.get(f"{CITY}/offers/{offer.pk}"),
        ("get", "/cities/{city_slug}/offer-categories"): lambda: client.get(f"{CITY}/offer-categories"),
        ("get", "/cities/{city_slug}/organisations"): lambda: client.get(f"{CITY}/organisations"),
        ("get", "/cities/{city_slug}/organisations/{organisation_id}"): lambda: client.get(
            f"{CITY}/organisations/{org.pk}"
        ),
        ("post", "/cities/{city_slug}/suggestions"): lambda: post(client, f"{CITY}/suggestions", SUGGESTION),
        ("get", "/cities/{city_slug}/suggestions"): lambda: client.get(f"{CITY}/suggestions"),
        ("get", "/cities/{city_slug}/suggestions/status/{token}"): lambda: client.get(
            f"{CITY}/suggestions/status/{token}"
        ),
        ("get", "/cities/{city_slug}/inbox/suggestions"): lambda: client.get(f"{CITY}/inbox/suggestions"),
        ("get", "/cities/{city_slug}/inbox/suggestions/{suggestion_id}"): lambda: client.get(staff),
        ("post", "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/assign"): lambda: post(
            client, f"{staff}/assign", {"user_id": coordinator_iii.pk, "version": 1}
        ),
        ("post", "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/notes"): lambda: post(
            client, f"{staff}/notes", {"text": "Intern"}
        ),
        ("post", "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/transition"): lambda: post(
            client,
            f"{staff}/transition",
            {
                "to_status": "closed",
                "version": 2,
                "outcome": "implemented",
                "public_answer": "Gibt es jetzt.",
            },
        ),
        ("post", "/cities/{city_slug}/inbox/suggestions/{suggestion_id}/publish"): lambda: post(
            client, f"{staff}/publish", {"publish": True, "published_text": "Ein Sprachcafé.", "version": 3}
        ),
        ("post", "/cities/{city_slug}/funding/similar"): lambda: post(
            client, f"{CITY}/funding/similar", IDEA
        ),
        ("post", "/cities/{city_slug}/funding/consultations"): lambda: post(
            client,
            f"{CITY}/funding/consultations",
            {**IDEA, "contact_email": "a-demo@example.org", "consent": True},
        ),
        ("get", "/cities/{city_slug}/funding/consultations/status/{token}"): lambda: client.get(
            f"{CITY}/funding/consultations/status/{funding_token}"
        ),
        ("post", "/cities/{city_slug}/funding/consultations/status/{token}/appointment"): lambda: post(
            client, f"{CITY}/funding/consultations/status/{funding_token}/appointment", {"slot_id": slot.pk}
        ),
        ("get", "/cities/{city_slug}/funding/programmes"): lambda: client.get(f"{CITY}/funding/programmes"),
    }
    client.force_login(make_user("admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen))
    return calls


def _documented_schema(doc: dict, answer: dict, response) -> dict | None:
    """The JSON schema documented for the media type the answer was sent as; None for a non-JSON answer
    (the iCalendar feed). A JSON answer whose media type is not documented fails."""
    media_type = response["Content-Type"].split(";")[0].strip()
    if not media_type.endswith("json"):
        return None
    assert media_type in answer.get("content", {}), (media_type, sorted(answer.get("content", {})))
    return {**answer["content"][media_type]["schema"], "components": doc["components"]}


def _errors(schema: dict, body) -> list[str]:
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    return [e.message for e in validator.iter_errors(body)]


def test_every_operation_answers_its_documented_schema(world):
    """The calls run in the fixture's order (assign, note, close, publish build on each other)."""
    doc = api.get_openapi_schema()
    documented = {
        (m, p.removeprefix(PREFIX)): op["responses"]
        for p, ops in doc["paths"].items()
        for m, op in ops.items()
    }
    assert set(documented) == set(world), "each operation needs a call in the world fixture"
    checked = 0
    for (method, path), call in world.items():
        response = call()
        assert response.status_code in {200, 201}, (method, path, response.content[:300])
        schema = _documented_schema(doc, documented[(method, path)][response.status_code], response)
        if schema is None:  # the iCalendar feed: text/calendar, no JSON schema
            continue
        errors = _errors(schema, response.json())
        assert not errors, (method, path, errors[:3])
        checked += 1
    assert checked == len(world) - 1  # all but the iCalendar feed


def test_geojson_is_documented_as_geojson_and_a_wrong_feature_fails(client, essen):
    """The GeoJSON answer is checked against its own schema, not waved through: a feature without its
    geometry, a position that is not a number or a wrong type does not match."""
    doc = api.get_openapi_schema()
    operation = doc["paths"][f"{PREFIX}/cities/{{city_slug}}/neighbourhoods.geojson"]["get"]
    assert set(operation["responses"][200]["content"]) == {"application/geo+json"}
    response = client.get(f"{CITY}/neighbourhoods.geojson")
    schema = _documented_schema(doc, operation["responses"][200], response)
    body = response.json()
    assert _errors(schema, body) == []
    feature = body["features"][0]
    wrong = [
        {**body, "type": "Feature"},
        {**body, "features": [{k: v for k, v in feature.items() if k != "geometry"}]},
        {
            **body,
            "features": [{**feature, "geometry": {"type": "MultiPolygon", "coordinates": [[["7", "51"]]]}}],
        },
        {**body, "features": [{**feature, "geometry": {"type": "Point", "coordinates": [7.0, 51.4]}}]},
        {**body, "features": [{**feature, "properties": {**feature["properties"], "district": 3}}]},
        {k: v for k, v in body.items() if k != "properties"},
    ]
    for i, bad in enumerate(wrong):
        assert _errors(schema, bad), i


def _models(annotation, seen):
    """Every pydantic model and enum reachable from a type annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, seen)
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        seen.add(annotation)
    for arg in typing.get_args(annotation):
        _models(arg, seen)
    return seen


def _schema_classes() -> dict[str, set]:
    """Every schema class and enum of the API's operations, by name."""
    seen = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    if model is not None and hasattr(model, "model_fields"):
                        _models(model.model_fields["response"].annotation, seen)
                for model in operation.models:
                    _models(model, seen)
    names = {}
    for cls in seen:
        if cls.__module__.startswith(("ninja", "abc")):
            continue  # ninja's wrappers of an operation's parameters and answers, never documented by name
        names.setdefault(cls.__name__, set()).add(cls)
    return names


def _json_schema(cls):
    if issubclass(cls, enum.Enum):
        return sorted(m.value for m in cls)
    return cls.model_json_schema()


def test_one_name_documents_one_shape_across_the_api():
    """ninja documents each name once: two classes of one name must at least have the same shape."""
    differing = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in _schema_classes().items()
        if len({json.dumps(_json_schema(c), sort_keys=True) for c in classes}) > 1
    }
    assert differing == {}


@pytest.mark.parametrize("room", ["quartier.suggestions", "quartier.funding"])
def test_schema_class_names_of_a_room_are_its_own(room):
    """The rooms done by the house plan name their schemas after their entities: no name is shared."""
    shared = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in _schema_classes().items()
        if len(classes) > 1 and any(c.__module__.startswith(room) for c in classes)
    }
    assert shared == {}
