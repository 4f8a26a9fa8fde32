"""The offer maintenance pages in a real browser, in German, English and Arabic: axe-core finds no violation on
the list (with a "Bestätigung fällig" marker), the edit form, the form with errors and the new-offer form with the
map; the demo coordinator of Stadtbezirk III sees an offer in Altendorf."""

import json

import pytest

from .conftest import log_in, run_on_live_site
from .test_events_keyboard import assert_language

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]

# An organisation active in Stadtbezirk III and its offer in Altendorf (Stadtbezirk III, the demo coordinator's district), not confirmed for 13 months.
CREATE = """
import json
from datetime import timedelta
from django.utils import timezone
from quartier.offers.models import Offer, OfferCategory
from quartier.offers.services import OfferData, offer_create
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood

org = Organisation.objects.order_by("pk").first()
city = org.city
org.districts.add(District.objects.get(city=city, number="III"))  # so the coordinator may create
offer = offer_create(actor=None, city=city, data=OfferData(
    title="Pflegetest Sprachcafé", description="Ein regelmäßiges Sprachcafé.",
    category=OfferCategory.objects.get(city=city, slug="language-cafe"), organisation=org,
    neighbourhoods=[Neighbourhood.objects.get(city=city, name="Altendorf")],
    target_groups=["newcomers"], languages=["de", "ar"],
    weekly_times=[{"weekday": 2, "start": "16:00", "end": "18:00"}],
))
Offer.objects.filter(pk=offer.pk).update(confirmed_at=timezone.now() - Offer.stale_after() - timedelta(days=30))
print(json.dumps({"offer": offer.pk, "organisation": org.pk}))
"""


@pytest.fixture(scope="module")
def made(live_site):
    return json.loads(run_on_live_site(CREATE).strip().splitlines()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_list_and_forms_have_no_violations(page, axe, made, lang):
    log_in(page, lang=lang)
    response = page.goto(f"/{lang}/arbeitsbereich/angebote/")
    assert response.status == 200
    assert_language(page, lang)
    row = page.locator("main tr", has_text="Pflegetest Sprachcafé")
    assert row.locator(".offer-stale").count() == 1
    axe(page)

    edit = f"/{lang}/arbeitsbereich/angebote/{made['offer']}/bearbeiten/"
    response = page.goto(edit)
    assert response.status == 200
    assert_language(page, lang)
    assert page.locator("#id_title").input_value() == "Pflegetest Sprachcafé"
    axe(page)

    page.fill("#id_title", "")
    with page.expect_navigation() as navigation:
        page.click("#offer-form button[type=submit]")
    assert navigation.value.status == 400
    assert page.locator("#form-errors").is_visible()
    axe(page)

    response = page.goto(f"/{lang}/arbeitsbereich/angebote/neu/{made['organisation']}/")
    assert response.status == 200
    assert page.locator("svg.city-map a").count() > 40
    axe(page)
