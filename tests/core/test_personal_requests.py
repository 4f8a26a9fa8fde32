"""Requests with personal data behave alike through the shared code (core.personal, accounts.personal_data), for
suggestions and funding consultations: the secret status link, submitting once, the deletion date and the
retention rule, and access and erasure on request on the one page."""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import resolve
from django.utils import timezone

from quartier.accounts.personal_data import KINDS, PersonalDataKind
from quartier.accounts.views.workspace import person_request
from quartier.core.models import AuditEntry
from quartier.core.tokens import token_hash
from quartier.funding import selectors as funding_selectors
from quartier.funding import services as funding
from quartier.funding.models import FundingConsultation
from quartier.places.models import Neighbourhood
from quartier.suggestions import selectors as suggestion_selectors
from quartier.suggestions import services as suggestions
from quartier.suggestions.models import Suggestion

H = {"HTTP_HOST": "127.0.0.1"}
EMAIL = "gleich-demo@example.org"


@dataclass
class Kind:
    registered: PersonalDataKind
    page: str
    submit: object  # (city, key, place, email) -> (request, token, created)
    by_token: object
    erase: object  # (actor, request, reason) -> request
    purge: object
    ended: dict  # the update that ends a request


def _suggestion(city, key, place="Altendorf", email=EMAIL):
    return suggestions.suggestion_submit(
        city=city,
        text="Ein Sprachcafé im Stadtteilzentrum am Samstag wäre schön.",
        topic="language",
        neighbourhood=Neighbourhood.objects.get(city=city, name=place),
        consent=True,
        submission_key=key,
        status_url_for=lambda t: f"https://example.org/{t}/",
        name="Demo Person",
        email=email,
        language="de",
    )


def _consultation(city, key, place="Altendorf", email=EMAIL):
    return funding.consultation_submit(
        city=city,
        request=funding.Request(
            title="Sprachcafé für Frauen",
            description="Ein wöchentliches Sprachcafé mit Tee für Frauen, die Deutsch üben möchten.",
            neighbourhoods=list(Neighbourhood.objects.filter(city=city, name=place)),
            contact_name="Demo Person",
            contact_email=email,
            contact_phone="0201 000000",
            consent=True,
        ),
        submission_key=key,
        status_url_for=lambda t: f"https://example.org/{t}/",
        language="de",
    )


KIND_DEFS = {
    "suggestions": dict(
        page="/de/arbeitsbereich/vorschlaege/auskunft-und-loeschung/",
        submit=_suggestion,
        by_token=suggestion_selectors.by_status_token,
        erase=lambda actor, r, reason: suggestions.suggestion_personal_data_erase(
            actor=actor, suggestion=r, reason=reason
        ),
        purge=suggestions.suggestions_personal_data_purge,
        ended={"status": "closed", "outcome": "implemented"},
    ),
    "funding": dict(
        page="/de/arbeitsbereich/foerderberatung/auskunft-und-loeschung/",
        submit=_consultation,
        by_token=funding_selectors.by_status_token,
        erase=lambda actor, r, reason: funding.consultation_personal_data_erase(
            actor=actor, consultation=r, reason=reason
        ),
        purge=funding.consultations_personal_data_purge,
        ended={"status": "withdrawn"},
    ),
}


@pytest.fixture(params=sorted(KIND_DEFS))
def kind(request) -> Kind:
    return Kind(registered=KINDS[request.param], **KIND_DEFS[request.param])


def _contact(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.PERSONAL_FIELDS}


def test_both_kinds_are_registered_and_both_urls_open_the_one_page():
    assert set(KINDS) == {"suggestions", "funding"}
    assert KINDS["suggestions"].model is Suggestion and KINDS["funding"].model is FundingConsultation
    for key, definition in KIND_DEFS.items():
        match = resolve(definition["page"])
        assert match.func is person_request and match.kwargs == {"kind": key}
        assert match.view_name == KINDS[key].url_name


def test_status_link_opens_with_its_token_only_while_valid(essen, kind):
    request, token, created = kind.submit(essen, "key-status-1")
    assert created and len(token) == 64
    assert request.status_token_hash == token_hash(token) != token  # only the hash is stored
    assert kind.by_token(token).pk == request.pk
    assert kind.by_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert kind.by_token("") is None and kind.by_token("a" * 101) is None
    expected = request.created_at + timedelta(days=settings.SUGGESTION_KEEP_INACTIVE_DAYS)
    assert abs(request.status_link_expires_at - expected) < timedelta(seconds=5)
    type(request).objects.filter(pk=request.pk).update(status_link_expires_at=timezone.now())
    assert kind.by_token(token) is None


def test_the_same_submission_key_makes_one_request_with_the_same_link(essen, kind):
    first, token, created = kind.submit(essen, "key-once-1")
    again, token_again, created_again = kind.submit(essen, "key-once-1")
    assert created and not created_again
    assert again.pk == first.pk and token_again == token
    assert type(first).objects.filter(city=essen, submission_key="key-once-1").count() == 1


def test_deletion_date_and_retention_rule(essen, kind):
    request, _token, _created = kind.submit(essen, "key-retention-1")
    model = type(request)
    inactive = timedelta(days=settings.SUGGESTION_KEEP_INACTIVE_DAYS)
    closed = timedelta(days=settings.SUGGESTION_KEEP_CLOSED_DAYS)
    assert request.personal_data_deletion_date == request.last_activity_at + inactive
    closed_at = timezone.now() - timedelta(days=1)
    model.objects.filter(pk=request.pk).update(closed_at=closed_at, **kind.ended)
    request.refresh_from_db()
    due = request.personal_data_deletion_date
    assert due == closed_at + closed < request.last_activity_at + inactive
    version = request.version

    assert kind.purge(now=due - timedelta(minutes=1)) == 0
    request.refresh_from_db()
    assert all(_contact(request).values()) and request.personal_data_removed_at is None

    assert kind.purge(now=due + timedelta(minutes=1)) == 1
    request.refresh_from_db()
    assert set(_contact(request).values()) == {""}
    assert request.personal_data_removed_at is not None and request.version == version + 1
    assert request.personal_data_deletion_date is None and not request.has_personal_data
    entry = AuditEntry.objects.get(action=f"{kind.registered.audit_prefix}.personal_data_erased")
    assert entry.actor is None and entry.changes == {"reason": "retention"}
    assert kind.purge(now=due + timedelta(days=1)) == 0  # nothing left to remove; the request stays
    assert model.objects.filter(pk=request.pk).exists()


def test_erasure_only_in_scope_and_once(essen, kind, coordinator_iii, coordinator_iv):
    request, _token, _created = kind.submit(essen, "key-erase-1")
    before = _contact(request)
    with pytest.raises(PermissionDenied):
        kind.erase(coordinator_iv, request, "request")
    request.refresh_from_db()
    assert _contact(request) == before and request.version == 1

    kind.erase(coordinator_iii, request, "request")
    request.refresh_from_db()
    assert set(_contact(request).values()) == {""} and request.version == 2
    kind.erase(coordinator_iii, request, "request")  # nothing left: no new version, no second entry
    request.refresh_from_db()
    assert request.version == 2
    entries = AuditEntry.objects.filter(action=f"{kind.registered.audit_prefix}.personal_data_erased")
    assert [(e.actor, e.changes) for e in entries] == [(coordinator_iii, {"reason": "request"})]


def test_the_page_finds_exports_and_erases_in_scope(client, essen, kind, coordinator_iii):
    mine, _token, _created = kind.submit(essen, "key-page-1")
    other, _token, _created = kind.submit(essen, "key-page-2", place="Kettwig")  # district IX
    client.force_login(coordinator_iii)
    exported = client.post(kind.page, {"action": "export", "email": EMAIL.upper()}, **H)
    rows = json.loads(exported.content)[kind.registered.export_key]
    assert [row["id"] for row in rows] == [mine.pk]
    assert exported["Content-Disposition"] == f'attachment; filename="{kind.registered.export_filename}"'
    asked = client.post(kind.page, {"action": "erase", "email": EMAIL}, **H)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.content.decode()
    mine.refresh_from_db()
    assert mine.has_personal_data
    done = client.post(kind.page, {"action": "erase", "email": EMAIL, "confirm": "yes"}, **H)
    assert done.status_code == 302 and done["Location"] == kind.page
    mine.refresh_from_db()
    other.refresh_from_db()
    assert not mine.has_personal_data and other.has_personal_data
    assert AuditEntry.objects.filter(action=f"{kind.registered.audit_prefix}.exported").count() == 1
