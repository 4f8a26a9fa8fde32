"""Funding advice with the keyboard only, in German, English and Arabic: describing a project idea, showing what
already exists ("Ähnliches anzeigen"), sending it, and on the secret status page confirming one of the proposed
times. Every focused control shows a focus indicator; axe-core finds no violation; Arabic runs right to left."""

import json

import pytest

from .conftest import run_on_live_site
from .test_events_keyboard import active, assert_language, tab_until

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]

# A programme with a coming deadline and a similar offer in Altendorf, so that the form lists a programme and the
# comparison has a result (load_demo creates neither for sure).
SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from quartier.funding.models import FundingProgramme, ProgrammeDeadline
from quartier.offers import services as offers
from quartier.offers.models import Offer, OfferCategory
from quartier.organisations.models import Organisation
from quartier.places.models import City, Neighbourhood

city = City.objects.get(slug="essen")
altendorf = Neighbourhood.objects.get(city=city, name="Altendorf")
programme, created = FundingProgramme.objects.get_or_create(
    city=city,
    name="Tastatur-Quartiersfonds",
    defaults={"provider": "Stadt Essen (Demo)", "target": "Kleine Projekte", "is_demo": True},
)
if created:
    ProgrammeDeadline.objects.create(programme=programme, date=timezone.localdate() + timedelta(days=40))
if not Offer.objects.filter(city=city, title="Tastatur-Sprachcafé Altendorf").exists():
    offers.offer_create(
        actor=None,
        city=city,
        data=offers.OfferData(
            title="Tastatur-Sprachcafé Altendorf",
            description="Frauen üben bei Tee die deutsche Sprache im Gespräch.",
            category=OfferCategory.objects.get(city=city, slug="language-cafe"),
            organisation=Organisation.objects.filter(city=city).order_by("pk").first(),
            neighbourhoods=[altendorf],
            target_groups=["women"],
            weekly_times=[{"weekday": 2, "start": "16:00", "end": "18:00"}],
        ),
    )
print(json.dumps({"altendorf": str(altendorf.pk), "programme": str(programme.pk)}))
"""

CONSULTATION = """
import secrets
from datetime import timedelta
from django.utils import timezone
from quartier.funding import services
from quartier.places.models import City, Neighbourhood

city = City.objects.get(slug="essen")
consultation, token, _created = services.consultation_submit(
    city=city,
    request=services.Request(
        title="Statustest Nähtreff ({lang})",
        description="Ein Nähtreff für Mütter im Stadtteilzentrum, jeden Donnerstag am Nachmittag.",
        neighbourhoods=[Neighbourhood.objects.get(city=city, name="Altendorf")],
        contact_email="status-demo@example.org",
        consent=True,
    ),
    submission_key=secrets.token_hex(16),
    status_url_for=lambda t: t,
    language="{lang}",
    notify=False,
)
start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=4)
services.consultation_slots_propose(
    actor=None,
    consultation=consultation,
    slots=[
        (start, start + timedelta(hours=1), "Bezirksstelle III"),
        (start + timedelta(days=1), start + timedelta(days=1, hours=1), "Bezirksstelle III"),
    ],
    expected_version=consultation.version,
)
print(token)
"""


@pytest.fixture(scope="module")
def funding_data(live_site):
    return json.loads(run_on_live_site(SETUP).strip().splitlines()[-1])


def assert_direction(page, lang):
    assert_language(page, lang)
    direction = page.evaluate("getComputedStyle(document.querySelector('main')).direction")
    assert direction == ("rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_describe_compare_and_send_with_the_keyboard_only(page, axe, funding_data, lang):
    page.goto(f"/{lang}/foerderberatung/")
    assert_direction(page, lang)
    assert page.locator(f"input[name=programmes][value='{funding_data['programme']}']").count() == 1
    axe(page)

    tab_until(page, lambda el: el["id"] == "id_title")
    page.keyboard.type(f"Tastaturtest Sprachcafé ({lang})")
    tab_until(page, lambda el: el["id"] == "id_description", limit=3)
    page.keyboard.type("Ein wöchentliches Sprachcafé mit Tee für Frauen, die gemeinsam die Sprache üben.")
    place = tab_until(page, lambda el: el["type"] == "checkbox" and el["value"] == funding_data["altendorf"])
    page.keyboard.press("Space")
    assert active(page)["checked"], place
    tab_until(page, lambda el: el["type"] == "checkbox" and el["value"] == "women")
    page.keyboard.press("Space")
    assert active(page)["checked"]
    button = tab_until(page, lambda el: el["id"] == "compare-button")
    assert button["tag"] == "button"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.url.endswith("#aehnliches")
    assert_direction(page, lang)
    panel = page.locator("#aehnliches")
    assert panel.is_visible()
    assert panel.locator("a", has_text="Tastatur-Sprachcafé Altendorf").count() == 1
    assert panel.locator(".funding-reasons li").count() >= 2
    # Everything typed is still there.
    assert page.locator("#id_title").input_value() == f"Tastaturtest Sprachcafé ({lang})"
    assert page.locator(f"input[name=neighbourhoods][value='{funding_data['altendorf']}']").is_checked()
    axe(page)

    tab_until(page, lambda el: el["id"] == "id_contact_email")
    page.keyboard.type(f"tastatur-foerderung-{lang}@example.org")
    consent = tab_until(page, lambda el: el["id"] == "id_consent", limit=6)  # past the privacy link
    assert not consent["checked"]
    page.keyboard.press("Space")
    assert active(page)["checked"]
    tab_until(page, lambda el: el["id"] == "send-button", limit=3)  # the honeypot is skipped
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert_direction(page, lang)
    assert page.locator(".kern-alert--success").is_visible()
    link = page.locator("#status-link").inner_text().strip()
    assert f"/{lang}/foerderberatung/status/" in link
    axe(page)

    tab_until(page, lambda el: el["id"] == "status-link")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.url == link
    main = page.locator("main").inner_text()
    assert f"Tastaturtest Sprachcafé ({lang})" in main
    assert "@example.org" not in main
    assert page.locator(".funding-steps li").count() == 1
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_errors_are_announced_and_accessible(page, axe, lang):
    page.goto(f"/{lang}/foerderberatung/")
    tab_until(page, lambda el: el["id"] == "send-button")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 400
    assert_direction(page, lang)
    assert page.locator("#form-errors[role=alert]").is_visible()
    assert page.locator("#id_title[aria-invalid=true]").count() == 1
    assert page.locator("#id_consent[aria-invalid=true]").count() == 1
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_confirm_a_proposed_time_with_the_keyboard_only(page, axe, live_site, lang):
    token = run_on_live_site(CONSULTATION.replace("{lang}", lang)).strip().splitlines()[-1]
    page.goto(f"/{lang}/foerderberatung/status/{token}/")
    assert_direction(page, lang)
    assert page.locator("input[type=radio][name=slot]").count() == 2
    axe(page)
    tab_until(page, lambda el: el["type"] == "radio")
    page.keyboard.press("ArrowDown")  # the second time
    second = active(page)
    assert second["checked"] and second["type"] == "radio"
    tab_until(page, lambda el: el["id"] == "choose-button", limit=3)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert_direction(page, lang)
    assert page.locator("input[type=radio][name=slot]").count() == 0
    assert page.locator(".funding-chosen").is_visible()
    assert page.locator(".funding-steps li").count() == 3
    axe(page)

    # Withdrawing needs the confirmation checkbox.
    tab_until(page, lambda el: el["id"] == "withdraw-button")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 400
    assert page.locator("#id_confirm[aria-invalid=true]").count() == 1
    axe(page)
    tab_until(page, lambda el: el["id"] == "id_confirm")
    page.keyboard.press("Space")
    tab_until(page, lambda el: el["id"] == "withdraw-button", limit=3)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.locator("#withdraw-form").count() == 0
    axe(page)
