"""Fixtures for events: a demo organisation in Stadtbezirk III with one organiser, and a draft factory."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quartier.accounts.models import Role
from quartier.events import services
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood
from tests.conftest import make_user

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def organisation(essen):
    org = Organisation.objects.create(
        city=essen,
        name="Demo-Kulturverein Altendorf",
        slug="demo-kulturverein",
        kind="association",
        is_demo=True,
    )
    org.districts.set([District.objects.get(city=essen, number="III")])
    return org


@pytest.fixture
def organiser(essen, organisation):
    user = make_user("organiser-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    organisation.members.create(user=user)
    return user


def draft(organiser, organisation, **overrides):
    start = datetime(2027, 9, 4, 15, 0, tzinfo=BERLIN)
    fields = {
        "title": "Tag der offenen Tür (Demo)",
        "description": "Kennenlernen bei Kaffee und Kuchen.",
        "type": "open_day",
        "start": start,
        "end": start + timedelta(hours=3),
        "venue_name": "Vereinsheim (Demo)",
        "neighbourhood": Neighbourhood.objects.get(city=organisation.city, name="Altendorf"),
        "languages": ["de", "ar"],
        "target_groups": ["everyone"],
        "is_demo": True,
    }
    fields.update(overrides)
    return services.event_create_draft(actor=organiser, organisation=organisation, **fields)
