"""The coordinators' funding-advice pages in a real browser, in German, English and Arabic: axe-core finds no
violation on the list, the detail page and the programmes page, and a coordinator finds a consultation and proposes
a time using the keyboard only, with a visible focus indicator on every control on the way."""

import json
from datetime import date, timedelta

import pytest

from .conftest import log_in, run_on_live_site
from .test_events_keyboard import active, assert_language, tab_until

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
WORD = "Tastaturberatung"

# One consultation per language in Altendorf (Stadtbezirk III, the demo coordinator's district), and a programme
# with a deadline in 20 days, so that the deadlines and the advice form's programmes show.
CREATE = f"""
import json, secrets
from datetime import timedelta
from django.utils import timezone
from quartier.funding import services
from quartier.funding.models import FundingProgramme, ProgrammeDeadline
from quartier.places.models import City, Neighbourhood

city = City.objects.get(slug="essen")
programme = FundingProgramme.objects.create(
    city=city, name="Tastatur-Fonds (Demo)", provider="Stadt Essen (Demo)", target="Kleine Projekte",
    link="https://example.org/fonds",
)
ProgrammeDeadline.objects.create(programme=programme, date=timezone.localdate() + timedelta(days=20))
place = Neighbourhood.objects.get(city=city, name="Altendorf")
made = {{}}
for lang in {LANGUAGES!r}:
    c, _token, _created = services.consultation_submit(
        city=city,
        request=services.Request(
            title="{WORD}" + lang + " Sprachcafé für Frauen",
            description="Ein wöchentliches Sprachcafé mit Tee für Frauen, die Deutsch üben möchten.",
            neighbourhoods=[place], contact_email="x-demo@example.org", consent=True,
        ),
        submission_key=secrets.token_hex(16), status_url_for=lambda t: "", language=lang, notify=False,
    )
    made[lang] = c.pk
print(json.dumps(made))
"""

STATE = """
import json
from quartier.funding.models import FundingConsultation
c = FundingConsultation.objects.get(pk={pk})
print(json.dumps({{"status": c.status, "slots": [[s.starts_at.isoformat(), s.place] for s in c.slots.all()],
                   "steps": [[s.to_status, s.actor.email if s.actor else None] for s in c.steps.all()]}}))
"""


@pytest.fixture(scope="module")
def consultations(live_site):
    return json.loads(run_on_live_site(CREATE).strip().splitlines()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_propose_a_time_with_the_keyboard_only(page, axe, consultations, lang):
    pk = consultations[lang]
    log_in(page, lang=lang)
    page.goto(f"/{lang}/arbeitsbereich/foerderberatung/")
    assert_language(page, lang)
    assert "Tastatur-Fonds (Demo)" in page.locator("main").inner_text()
    axe(page)

    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.type(f"{WORD}{lang}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"q={WORD}{lang}" in page.url
    assert page.locator("main table tbody tr").count() == 1

    detail = f"/{lang}/arbeitsbereich/foerderberatung/{pk}/"
    tab_until(page, lambda el: el["tag"] == "a" and (el["href"] or "").endswith(detail))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(detail), page.url
    assert_language(page, lang)
    assert "x-demo@example.org" in page.locator("main").inner_text()
    axe(page)

    when = (date.today() + timedelta(days=10)).strftime("%d.%m.%Y")
    tab_until(page, lambda el: el["id"] == "id_propose-date_0")
    page.keyboard.type(when)
    for field, value in (("start_0", "10:00"), ("end_0", "11:30"), ("place_0", "Stadtteilbüro Altendorf")):
        page.keyboard.press("Tab")
        assert active(page)["id"] == f"id_propose-{field}"
        page.keyboard.type(value)
    button = tab_until(page, lambda el: el["tag"] == "button", limit=40)
    assert button["value"] == "propose"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.url.endswith(detail)
    assert page.locator(".kern-alert--success").is_visible()
    assert "Stadtteilbüro Altendorf" in page.locator("main").inner_text()
    axe(page)  # now with the form to confirm a time on behalf of the requester

    state = json.loads(run_on_live_site(STATE.format(pk=pk)).strip().splitlines()[-1])
    assert state["status"] == "slots_proposed"
    assert [place for _start, place in state["slots"]] == ["Stadtteilbüro Altendorf"]
    assert state["steps"][-1] == ["slots_proposed", "koordination-iii@demo.quartier.example"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programmes_page_has_no_violations(page, axe, consultations, lang):
    log_in(page, lang=lang)
    page.goto(f"/{lang}/arbeitsbereich/foerderprogramme/")
    assert_language(page, lang)
    assert "Tastatur-Fonds (Demo)" in page.locator("main").inner_text()
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_person_page_has_no_violations(page, axe, consultations, lang):
    """Access and erasure for one person: the search, the result and the erasure question."""
    log_in(page, lang=lang)
    page.goto(f"/{lang}/arbeitsbereich/foerderberatung/auskunft-und-loeschung/")
    assert_language(page, lang)
    axe(page)
    page.fill("#id_email", "x-demo@example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("main ul.kern-list li").count() >= 1
    with page.expect_navigation():
        page.locator("button[value=erase]").click()
    assert page.locator("[role=alert]").count() >= 1
    axe(page)
