"""Staff onboarding in a real browser, in German, English and Arabic: axe-core finds no violation on the Personen
list, the invitation form, the account page, the invitation link's page and the start page; a city administrator
invites a coordinator with the keyboard only, and the invited person sets a password with the keyboard only and
lands on the start page – with a visible focus indicator on every control on the way."""

import json
import re

import pytest

from .conftest import log_in, run_on_live_site
from .test_events_keyboard import active, assert_language, tab_until
from .test_two_factor import complete_enrolment

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
DEMO_ADMIN = "admin@demo.quartier.example"
NEW_PASSWORD = "tastatur-passwort-2026"

LINK = """
import json, re
from quartier.core.models import OutboxMessage
m = OutboxMessage.objects.filter(to__icontains="{email}").order_by("-pk").first()
print(json.dumps({{"path": re.search(r"https?://[^/]+(/[a-z]+/konto/einladung/[^/\\s]+/)", m.body).group(1)}}))
"""

STATE = """
import json
from quartier.accounts.models import User
u = User.objects.get(email="{email}")
print(json.dumps({{"roles": sorted([m.role, m.district.number if m.district else None] for m in u.memberships.all()),
                   "usable": u.has_usable_password()}}))
"""


def live_json(code: str) -> dict:
    return json.loads(run_on_live_site(code).strip().splitlines()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invite_and_accept_with_the_keyboard_only(page, new_context, axe, live_site, lang):
    email = f"tastatur-{lang}-demo@example.org"
    log_in(page, email=DEMO_ADMIN, lang=lang)
    page.goto(f"/{lang}/arbeitsbereich/personen/")
    assert_language(page, lang)
    assert DEMO_ADMIN in page.locator("main").inner_text()
    axe(page)

    invite = f"/{lang}/arbeitsbereich/personen/einladen/"
    tab_until(page, lambda el: el["tag"] == "a" and (el["href"] or "").endswith(invite))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(invite), page.url
    assert_language(page, lang)
    axe(page)

    tab_until(page, lambda el: el["id"] == "id_email")
    page.keyboard.type(email)
    tab_until(page, lambda el: el["id"] == "id_first_name", limit=3)
    page.keyboard.type("Tara")
    tab_until(page, lambda el: el["id"] == "id_last_name", limit=3)
    page.keyboard.type("Tastatur")
    # The third district in official order is Stadtbezirk III.
    tab_until(page, lambda el: el["id"] == "id_coordinator_districts_2", limit=20)
    page.keyboard.press("Space")
    assert active(page)["checked"]
    button = tab_until(page, lambda el: el["tag"] == "button", limit=20)
    assert button["type"] == "submit"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert re.search(rf"/{lang}/arbeitsbereich/personen/\d+/$", page.url), page.url
    assert page.locator(".kern-alert--success").is_visible()
    axe(page)
    assert live_json(STATE.format(email=email)) == {"roles": [["coordinator", "III"]], "usable": False}

    # The invited person, in a browser without a session, follows the link from the e-mail.
    path = live_json(LINK.format(email=email))["path"].replace("/de/", f"/{lang}/", 1)
    invited = new_context().new_page()
    response = invited.goto(path)
    assert response.status == 200 and response.headers["referrer-policy"] == "no-referrer"
    assert_language(invited, lang)
    axe(invited)
    tab_until(invited, lambda el: el["id"] == "id_new_password1")
    invited.keyboard.type(NEW_PASSWORD)
    tab_until(invited, lambda el: el["id"] == "id_new_password2", limit=3)
    invited.keyboard.type(NEW_PASSWORD)
    tab_until(invited, lambda el: el["tag"] == "button", limit=3)
    with invited.expect_navigation():
        invited.keyboard.press("Enter")
    # Coordinators must use a second factor: the first login sets up the app (tests/browser/test_two_factor.py).
    assert f"/{lang}/konto/zweiter-faktor/einrichten/" in invited.url, invited.url
    complete_enrolment(invited)
    assert invited.url.endswith(f"/{lang}/arbeitsbereich/"), invited.url
    assert_language(invited, lang)
    assert invited.locator("#ws-waiting").is_visible()
    assert invited.locator("#ws-district-iii").is_visible()
    axe(invited)
    assert live_json(STATE.format(email=email))["usable"] is True

    # The link works once.
    assert invited.goto(path).status == 404
