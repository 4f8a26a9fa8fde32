"""The end of a staff session in a real browser, in German, English and Arabic: two minutes before the idle end a
dialog (alertdialog, focus on its button, no axe violation) offers to extend the session, and the button (pressed
with the keyboard) extends it on the server; when the session has ended the dialog says so; a note typed on a
suggestion and sent after the end is shown again, filled in, after logging in again.

The page's clock is Playwright's (fast-forwarded); the server's notion of the last activity is moved back in the
live site's session store, since the script asks the server before it warns or says the session ended."""

import json

import pytest

from .conftest import DEMO_COORDINATOR, DEMO_PASSWORD, log_in, run_on_live_site
from .test_events_keyboard import active, assert_language

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
NOTE = "Sitzungstest: Rückruf bei der Person am Montag vereinbaren."

CREATE_SUGGESTION = """
import secrets
from quartier.places.models import City, Neighbourhood
from quartier.suggestions.services import suggestion_submit

city = City.objects.get(slug="essen")
s, _token, _created = suggestion_submit(
    city=city, text="Sitzungstest – ein Bücherschrank am Marktplatz wäre schön.", topic="leisure_sport",
    neighbourhood=Neighbourhood.objects.get(city=city, name="Altendorf"), consent=True,
    submission_key=secrets.token_hex(16), status_url_for=lambda t: "https://example.org/" + t, language="de",
    notify=False,
)
print(s.pk)
"""

# Moves the session's last activity back so that `left` seconds remain (negative: ended that long ago).
SET_LEFT = """
import json, time
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

store = SessionStore(session_key={key!r})
store["_last_seen"] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS + {left}
store.save()
print(json.dumps({{"idle": settings.STAFF_SESSION_IDLE_SECONDS}}))
"""

READ = """
import json, time
from django.contrib.sessions.backends.db import SessionStore
from quartier.suggestions.models import Suggestion

store = SessionStore(session_key={key!r})
print(json.dumps({{"since": int(time.time()) - store.get("_last_seen", 0), "notes": Suggestion.objects.get(
    pk={pk}).notes.count()}}))
"""


@pytest.fixture(scope="module")
def suggestion_pk(live_site):
    return int(run_on_live_site(CREATE_SUGGESTION).strip().splitlines()[-1])


def session_key(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "sessionid")


def set_left(context, left: int) -> int:
    out = run_on_live_site(SET_LEFT.format(key=session_key(context), left=left))
    return json.loads(out.strip().splitlines()[-1])["idle"]


def read(context, pk) -> dict:
    return json.loads(run_on_live_site(READ.format(key=session_key(context), pk=pk)).strip().splitlines()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_warning_extend_end_and_typed_text_kept(new_context, axe, suggestion_pk, lang):
    context = new_context()
    page = context.new_page()
    page.clock.install()
    log_in(page, lang=lang)
    detail = f"/{lang}/arbeitsbereich/vorschlaege/{suggestion_pk}/"
    page.goto(detail)
    assert_language(page, lang)
    dialog = page.locator("#session-timeout")
    assert dialog.get_attribute("role") == "alertdialog"
    assert not dialog.is_visible()  # nothing before the warning

    # Two minutes and a little before the end, by the server's count and the page's clock.
    idle = set_left(context, 100)
    page.clock.fast_forward((idle - 100) * 1000)
    dialog.wait_for(state="visible")
    assert page.locator("#session-timeout-title [data-state=warning]").is_visible()
    focused = active(page)
    assert focused["tag"] == "button" and focused["type"] == "submit"
    axe(page)

    page.keyboard.press("Enter")  # "Sitzung verlängern"
    dialog.wait_for(state="hidden")
    assert read(context, suggestion_pk)["since"] <= 5  # the server counted it as activity

    # Typing a note, then the session ends before it is sent.
    page.fill("#id_note-text", NOTE)
    set_left(context, -60)
    page.clock.fast_forward((idle + 10) * 1000)
    dialog.wait_for(state="visible")
    assert page.locator("#session-timeout-title [data-state=ended]").is_visible()
    assert not page.locator("#session-timeout form").is_visible()  # nothing to extend any more
    axe(page)
    page.keyboard.press("Enter")  # the focused "Schließen" closes the dialog
    dialog.wait_for(state="hidden")

    with page.expect_navigation():
        page.click("form[aria-labelledby=h-note] button[type=submit]")
    assert "/konto/anmelden/" in page.url
    page.fill("input[name=username]", DEMO_COORDINATOR)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(detail), page.url
    assert page.locator(".kept-input-notice").is_visible()
    assert page.input_value("#id_note-text") == NOTE
    assert read(context, suggestion_pk)["notes"] == 0  # shown again, not sent
    axe(page)
