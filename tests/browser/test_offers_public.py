"""The public offer pages in a real browser, in German, English and Arabic: the list and an offer's page have no
axe-core violation, the search works with the keyboard only, the Arabic pages run right to left, and the
one-click confirmation link works from the reminder mail (a page sent with Referrer-Policy: no-referrer)."""

import json

import pytest

from .conftest import run_on_live_site
from .test_events_keyboard import active, assert_language, tab_until

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
SEARCH_WORD = "Tastaturprobe"

CREATE_OFFERS = f"""
import json
from datetime import timedelta
from django.utils import timezone
from quartier.offers import services
from quartier.offers.models import Offer, OfferCategory
from quartier.organisations.models import Organisation
from quartier.places.models import City, Neighbourhood

city = City.objects.get(slug="essen")
org = Organisation.objects.create(
    city=city, name="Browsertest Verein e. V.", slug="browsertest-verein", kind="association", is_demo=True
)
def make(title, slug_category, places, **extra):
    data = services.OfferData(
        title=title,
        description=title + ": ein regelmäßiges Angebot, angelegt vom Browsertest.",
        category=OfferCategory.objects.get(city=city, slug=slug_category),
        organisation=org,
        neighbourhoods=list(Neighbourhood.objects.filter(city=city, name__in=places)),
        **extra,
    )
    return services.offer_create(actor=None, city=city, data=data, is_demo=True)

cafe = make(
    "Sprachcafé {SEARCH_WORD}",
    "language-cafe",
    ["Altendorf", "Frohnhausen"],
    weekly_times=[{{"weekday": 2, "start": "16:00", "end": "18:00"}}],
    languages=["de", "ar"],
    target_groups=["newcomers"],
    venue_name="Stadtteilzentrum",
    venue_street="Musterstraße 1",
    venue_postal_code="45143",
    contact_email="browsertest-demo@example.org",
    step_free=True,
)
advice = make(
    "Beratung für Neuzugewanderte",
    "counselling",
    [],
    citywide=True,
    schedule="appointment",
    is_free=False,
    cost="5 € pro Termin",
)
stale = make("Elterncafé zum Bestätigen", "parents-cafe", ["Katernberg"], weekly_times=[{{"weekday": 0, "start": "09:00", "end": "11:00"}}])
Offer.objects.filter(pk=stale.pk).update(confirmed_at=timezone.now() - Offer.hidden_after() - timedelta(days=2))
tokens = {{lang: services.offer_confirm_token_create(offer=stale) for lang in ["de"]}}
print(json.dumps({{"cafe": cafe.slug, "advice": advice.slug, "stale": stale.slug, "token": tokens["de"]}}))
"""


@pytest.fixture(scope="module")
def offers(live_site):
    return json.loads(run_on_live_site(CREATE_OFFERS).strip().splitlines()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_list_page_is_accessible_and_shows_the_offers(page, axe, offers, lang):
    response = page.goto(f"/{lang}/angebote/")
    assert response.status == 200
    assert_language(page, lang)
    # The live site also holds the 1,000 demo offers: one page of 20, then searches for the test's own offers.
    assert len(page.locator(".offer-list h3 a").all_inner_texts()) == 20
    assert page.locator("svg.city-map a.is-selected").count() >= 2
    if lang == "ar":
        assert page.evaluate("getComputedStyle(document.querySelector('main form')).direction") == "rtl"
    axe(page)
    page.goto(f"/{lang}/angebote/?q={SEARCH_WORD}")
    assert page.locator(".offer-list h3 a").all_inner_texts() == [f"Sprachcafé {SEARCH_WORD}"]
    page.goto(f"/{lang}/angebote/?q=Elterncafé+zum+Bestätigen")
    titles = page.locator(".offer-list h3 a").all_inner_texts()
    assert "Elterncafé zum Bestätigen" not in titles  # not confirmed for too long: hidden
    if lang == "ar":
        assert page.evaluate("getComputedStyle(document.querySelector('main form')).direction") == "rtl"
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_detail_page_is_accessible(page, axe, offers, lang):
    response = page.goto(f"/{lang}/angebote/{offers['cafe']}/")
    assert response.status == 200
    assert_language(page, lang)
    main = page.locator("main").inner_text()
    assert f"Sprachcafé {SEARCH_WORD}" in main
    assert "Musterstraße 1" in main
    assert page.locator("main a[href$='/organisationen/browsertest-verein/']").count() == 1
    assert page.locator("svg.city-map a.is-selected").count() == 2
    axe(page)
    page.goto(f"/{lang}/angebote/{offers['advice']}/")
    assert "5 € pro Termin" in page.locator("main").inner_text()
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_with_the_keyboard_only(page, axe, offers, lang):
    page.goto(f"/{lang}/angebote/")
    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.type(SEARCH_WORD)
    assert active(page)["value"] == SEARCH_WORD
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert_language(page, lang)
    assert f"q={SEARCH_WORD}" in page.url
    results = page.locator(".offer-list h3 a")
    assert results.all_inner_texts() == [f"Sprachcafé {SEARCH_WORD}"]
    assert results.first.is_visible()
    # On to the offer with the keyboard.
    tab_until(
        page, lambda el: el["tag"] == "a" and (el["href"] or "").endswith(f"/angebote/{offers['cafe']}/")
    )
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.locator("h1").inner_text() == f"Sprachcafé {SEARCH_WORD}"


def test_invalid_filter_is_400_with_an_accessible_error(page, axe, offers):
    response = page.goto("/de/angebote/?neighbourhood=999999")
    assert response.status == 400
    assert page.locator("#form-errors[role=alert]").is_visible()
    axe(page)


def test_confirmation_link_with_the_keyboard(page, axe, offers):
    assert page.goto(f"/de/angebote/{offers['stale']}/").status == 404
    response = page.goto(f"/de/angebote/bestaetigen/{offers['token']}/")
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "Elterncafé zum Bestätigen" in page.locator("main").inner_text()
    axe(page)
    button = tab_until(page, lambda el: el["tag"] == "button" and el["type"] == "submit")
    assert "Angebot bestätigen" in button["text"]
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200  # not refused by the CSRF check (the browser sends "Origin: null")
    assert page.locator(".kern-alert--success").is_visible()
    axe(page)
    assert page.goto(f"/de/angebote/{offers['stale']}/").status == 200  # listed again
    assert page.goto(f"/de/angebote/bestaetigen/{offers['token']}/").status == 404  # used up
