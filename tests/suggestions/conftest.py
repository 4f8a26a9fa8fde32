"""Fixtures for suggestions: a submit helper, the fallback team, a coordinator of Stadtbezirk II (vacant in the
reference data, so suggestions from II go to the fallback team unless a test appoints one)."""

import secrets

import pytest

from quartier.accounts.models import Role
from quartier.places.models import Neighbourhood
from quartier.suggestions import services
from tests.conftest import make_user


@pytest.fixture
def fallback_team(essen):
    return make_user("zentrale-demo@example.org", roles=[(Role.FALLBACK, None)], city=essen)


def submit(city, place="Altendorf", **overrides):
    fields = {
        "city": city,
        "text": "Ein Sprachcafé im Stadtteilzentrum am Samstag wäre schön.",
        "topic": "language",
        "neighbourhood": Neighbourhood.objects.get(city=city, name=place) if place else None,
        "consent": True,
        "submission_key": secrets.token_hex(16),
        "status_url_for": lambda token: f"https://example.org/status/{token}/",
        "name": "Demo Person",
        "email": "person-demo@example.org",
        "language": "de",
    }
    fields.update(overrides)
    return services.suggestion_submit(**fields)
