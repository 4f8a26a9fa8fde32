"""The organiser's registrations page and the public "places left" display in a real browser, in German, English
and Arabic: axe-core finds no violation; the demo organiser opens a date, marks attendance and reaches the message
form using the keyboard only, with a visible focus indicator on every control on the way."""

import json

import pytest

from .conftest import log_in, run_on_live_site
from .test_events_keyboard import active, assert_language, tab_until

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
ORGANISER = "verein@demo.quartier.example"

# The demo events that take registrations (events/demo.py): one today (attendance open), a full course with a
# waiting list, one without places left.
FIND = """
import json
from quartier.events.models import Event
from quartier.events.occurrences import date_key
found = {e.slug: [e.pk, e.slug, date_key(e.start)] for e in Event.objects.filter(slug__startswith="demo-anmeldung-")}
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def demo(live_site):
    return json.loads(run_on_live_site(FIND).strip().splitlines()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_page_shows_places_left_and_the_waiting_list(page, axe, demo, lang):
    pk, slug, _key = demo["demo-anmeldung-sprachcafe"]
    page.goto(f"/{lang}/veranstaltungen/{pk}-{slug}/")
    assert_language(page, lang)
    places = page.locator("main .event-places")
    assert places.count() == 1 and places.locator(".places--open").count() == 1
    axe(page)
    pk, slug, _key = demo["demo-anmeldung-kochkurs"]
    page.goto(f"/{lang}/veranstaltungen/{pk}-{slug}/")
    assert page.locator("main .places--waiting").count() == 1
    pk, slug, _key = demo["demo-anmeldung-computerkurs"]
    page.goto(f"/{lang}/veranstaltungen/{pk}-{slug}/")
    assert page.locator("main .places--full").count() >= 1
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_organiser_marks_attendance_with_the_keyboard_only(page, axe, demo, lang):
    pk, _slug, key = demo["demo-anmeldung-fruehstueck"]
    log_in(page, email=ORGANISER, lang=lang)
    page.goto(f"/{lang}/arbeitsbereich/veranstaltungen/{pk}/anmeldungen/")
    assert_language(page, lang)
    axe(page)
    link = tab_until(page, lambda el: el["tag"] == "a" and key in (el.get("href") or ""))
    assert link
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert key in page.url
    assert page.locator("main table").first.locator("tbody tr").count() == 4
    axe(page)
    tab_until(page, lambda el: el["tag"] == "button" and el.get("value") == "yes")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("main .attendance").first.inner_text().strip() != ""
    state = run_on_live_site(
        "from quartier.events.models import Registration\n"
        f"print(Registration.objects.filter(event_id={pk}, attended=True).count())"
    )
    assert int(state.strip().splitlines()[-1]) >= 1
    axe(page)
    tab_until(page, lambda el: el["id"] == "id_subject")
    assert active(page)["id"] == "id_subject"
