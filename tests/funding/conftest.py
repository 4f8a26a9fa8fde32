"""Fixtures for funding advice: a programme with a coming deadline and a helper that files a request through the
service, as the form does."""

import secrets
from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.funding import services
from quartier.funding.models import FundingProgramme, ProgrammeDeadline
from quartier.places.models import Neighbourhood


@pytest.fixture
def programme(essen):
    programme = FundingProgramme.objects.create(
        city=essen,
        name="Demo-Quartiersfonds",
        provider="Stadt Essen (Demo)",
        target="Kleine Projekte der Nachbarschaft",
    )
    ProgrammeDeadline.objects.create(programme=programme, date=timezone.localdate() + timedelta(days=30))
    return programme


def file_request(city, places=("Altendorf",), **overrides):
    """(consultation, status token) of a request filed through the service."""
    fields = {
        "title": "Sprachcafé für Frauen",
        "description": "Ein wöchentliches Sprachcafé mit Tee für Frauen, die Deutsch üben möchten.",
        "neighbourhoods": list(Neighbourhood.objects.filter(city=city, name__in=places)),
        "contact_email": "antrag-demo@example.org",
        "consent": True,
    }
    fields.update(overrides)
    consultation, token, _created = services.consultation_submit(
        city=city,
        request=services.Request(**fields),
        submission_key=secrets.token_hex(16),
        status_url_for=lambda t: f"https://example.org/status/{t}/",
        language="de",
    )
    return consultation, token


# --- the workspace pages (tests/funding/test_workspace_pages.py) ---------------------------------------------------


@pytest.fixture
def fallback_team(essen):
    """The city's fallback team: handles consultations from Stadtbezirke without a coordinator (II is vacant)."""
    from quartier.accounts.models import Role
    from tests.conftest import make_user

    return make_user("zentrale-demo@example.org", roles=[(Role.FALLBACK, None)], city=essen)
