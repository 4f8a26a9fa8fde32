"""Offers: a demo organisation and a factory that files offers through the service, as the pages do."""

import pytest

from quartier.offers import services
from quartier.offers.models import OfferCategory
from quartier.organisations.models import Organisation
from quartier.places.models import Neighbourhood


@pytest.fixture
def organisation(essen):
    return Organisation.objects.create(
        city=essen,
        name="Nachbarschaftsverein Demo e. V.",
        slug="nachbarschaftsverein-demo",
        kind="association",
    )


def category(city, slug):
    return OfferCategory.objects.get(city=city, slug=slug)


def make_offer(
    city,
    organisation,
    title,
    description="",
    *,
    category_slug="meeting-cafe",
    places=("Altendorf",),
    citywide=False,
    **extra,
):
    data = services.OfferData(
        title=title,
        description=description or f"{title}: ein regelmäßiges Angebot.",
        category=category(city, category_slug),
        organisation=organisation,
        neighbourhoods=list(Neighbourhood.objects.filter(city=city, name__in=places)),
        citywide=citywide,
        **{"weekly_times": [{"weekday": 2, "start": "16:00", "end": "18:00"}], **extra},
    )
    return services.offer_create(actor=None, city=city, data=data)
