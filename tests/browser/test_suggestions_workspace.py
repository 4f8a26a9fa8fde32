"""The coordinators' inbox in a real browser, in German, English and Arabic: axe-core finds no violation on the
list and the detail page, and a coordinator filters the list, opens a suggestion and closes it with an outcome and
an answer using the keyboard only, with a visible focus indicator on every control on the way."""

import json

import pytest

from .conftest import log_in, run_on_live_site
from .test_events_keyboard import active, assert_language, tab_until

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
WORD = "Tastaturvorschlag"

# One suggestion per language in Altendorf (Stadtbezirk III, the demo coordinator's district).
CREATE_SUGGESTIONS = f"""
import json, secrets
from quartier.places.models import City, Neighbourhood
from quartier.suggestions.services import suggestion_submit

city = City.objects.get(slug="essen")
place = Neighbourhood.objects.get(city=city, name="Altendorf")
made = {{}}
for lang in {LANGUAGES!r}:
    s, _token, _created = suggestion_submit(
        city=city, text="{WORD}" + lang + " – ein Bücherschrank am Marktplatz wäre schön.", topic="leisure_sport",
        neighbourhood=place, consent=True, submission_key=secrets.token_hex(16),
        status_url_for=lambda t: "https://example.org/" + t, name="Demo Person", email="person-demo@example.org",
        language=lang, notify=False,
    )
    made[lang] = s.pk
print(json.dumps(made))
"""

STATE = """
import json
from quartier.suggestions.models import Suggestion
s = Suggestion.objects.get(pk={pk})
print(json.dumps({{"status": s.status, "outcome": s.outcome, "answer": s.public_answer}}))
"""


@pytest.fixture(scope="module")
def suggestions(live_site):
    return json.loads(run_on_live_site(CREATE_SUGGESTIONS).strip().splitlines()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_inbox_with_the_keyboard_only(page, axe, suggestions, lang):
    pk = suggestions[lang]
    log_in(page, lang=lang)
    page.goto(f"/{lang}/arbeitsbereich/vorschlaege/")
    assert_language(page, lang)
    axe(page)

    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.type(f"{WORD}{lang}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"q={WORD}{lang}" in page.url
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1

    detail = f"/{lang}/arbeitsbereich/vorschlaege/{pk}/"
    tab_until(page, lambda el: el["tag"] == "a" and (el["href"] or "").endswith(detail))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(detail), page.url
    assert_language(page, lang)
    assert "person-demo@example.org" in page.locator("main").inner_text()
    axe(page)

    tab_until(page, lambda el: el["id"] == "id_close-outcome_0")
    page.keyboard.press("ArrowDown")  # the second outcome: not feasible
    assert active(page)["id"] == "id_close-outcome_1" and active(page)["checked"]
    tab_until(page, lambda el: el["id"] == "id_close-public_answer", limit=3)
    page.keyboard.type("Leider ist dort kein Platz; wir suchen weiter.")
    button = tab_until(page, lambda el: el["tag"] == "button", limit=3)
    assert button["value"] == "close"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.url.endswith(detail)
    assert page.locator(".kern-alert--success").is_visible()
    axe(page)
    state = json.loads(run_on_live_site(STATE.format(pk=pk)).strip().splitlines()[-1])
    assert state == {
        "status": "closed",
        "outcome": "not_feasible",
        "answer": "Leider ist dort kein Platz; wir suchen weiter.",
    }
