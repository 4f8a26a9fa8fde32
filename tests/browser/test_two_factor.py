"""Two-factor authentication in a real browser, in German and Arabic, on a desktop and a 375 px phone screen: a
staff member (not a demo account, so the second factor is required) logs in for the first time, sets up the app
from the key shown as text (the code computed here as an authenticator app would), sees the recovery codes once,
reaches the workspace and "Anmeldung absichern", logs in again with a wrong and then a right code. axe-core finds
no violation on any of these pages, and their form controls pass the same checks as every other form page."""

from __future__ import annotations

import json
import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp

from .conftest import log_in, run_on_live_site
from .test_events_keyboard import assert_language
from .test_form_controls import CONTROLS

pytestmark = pytest.mark.browser

PASSWORD = "browser-zwei-faktor-2026"
CREATE = """
import json
from quartier.accounts.models import Membership, Role, User
from quartier.places.models import City, District
city = City.objects.get(slug="essen")
user, _ = User.objects.get_or_create(email="{email}", defaults={{"username": "{email}", "first_name": "Zoe"}})
user.set_password("{password}")
user.save()
Membership.objects.get_or_create(
    user=user, city=city, role=Role.COORDINATOR, district=District.objects.get(city=city, number="III")
)
print(json.dumps({{"pk": user.pk, "demo": user.is_demo}}))
"""
STATE = """
import json
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from quartier.core.models import AuditEntry
print(json.dumps({{
    "apps": TOTPDevice.objects.filter(user_id={pk}, confirmed=True).count(),
    "codes": StaticToken.objects.filter(device__user_id={pk}).count(),
    "audit": list(AuditEntry.objects.filter(target_id="{pk}", target_type="accounts.user")
                  .order_by("pk").values_list("action", flat=True)),
}}))
"""
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def live_json(code: str) -> dict:
    return json.loads(run_on_live_site(code).strip().splitlines()[-1])


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (Base32 as on the page), now or a later 30-second step."""
    compact = secret.replace(" ", "")
    key = b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key, t0=-steps_ahead * 30):06d}"


def check_page(page, axe, lang: str) -> None:
    assert_language(page, lang)
    axe(page)
    assert page.evaluate(CONTROLS) == []


def complete_enrolment(page) -> tuple[str, list[str]]:
    """On the enrolment page: read the key shown as text, confirm with the app's code, keep the recovery codes
    and continue. Returns the key and the codes."""
    secret = page.locator(".two-factor-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
    page.fill("input[name=code]", app_code(secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/konto/zweiter-faktor/wiederherstellungscodes/" in page.url, page.url
    codes = [c.strip() for c in page.locator(".two-factor-codes code").all_inner_texts()]
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return secret, codes


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["de", "ar"])
def test_enrolment_and_login_with_the_second_factor(new_context, axe, lang, viewport):
    email = f"zwei-faktor-{lang}-{viewport}@example.org"
    person = live_json(CREATE.format(email=email, password=PASSWORD))
    assert person["demo"] is False
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()

    # First login: the password, then the setup of the app.
    log_in(page, email=email, password=PASSWORD, lang=lang)
    assert f"/{lang}/konto/zweiter-faktor/einrichten/" in page.url, page.url
    qr = page.locator("img.two-factor-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    check_page(page, axe, lang)
    # Nothing else opens before the app is confirmed.
    page.goto(f"/{lang}/arbeitsbereich/")
    assert f"/{lang}/konto/zweiter-faktor/einrichten/" in page.url, page.url

    # A wrong code first: a clear error, announced and focused, still no violation.
    page.fill("input[name=code]", "12345")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if lang == "de":
        assert page.title().startswith("Fehler:")
    assert page.locator("[data-error-summary]").is_visible()
    check_page(page, axe, lang)

    secret = page.locator(".two-factor-secret").inner_text().strip()
    page.fill("input[name=code]", app_code(secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/konto/zweiter-faktor/wiederherstellungscodes/" in page.url, page.url
    check_page(page, axe, lang)
    codes = [c.strip() for c in page.locator(".two-factor-codes code").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c) for c in codes), codes
    assert page.locator("a[href$='wiederherstellungscodes.txt']").is_visible()
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(f"/{lang}/arbeitsbereich/"), page.url
    assert_language(page, lang)

    # "Anmeldung absichern" shows the status.
    page.goto(f"/{lang}/arbeitsbereich/anmeldung-absichern/")
    check_page(page, axe, lang)
    assert "10" in page.locator("main dl").inner_text()
    state = live_json(STATE.format(pk=person["pk"]))
    assert state["apps"] == 1 and state["codes"] == 10
    assert "account.second_factor_enrolled" in state["audit"]

    # Log in again: the code step, a wrong code, then the app's next code.
    again = new_context(viewport=VIEWPORTS[viewport]).new_page()
    log_in(again, email=email, password=PASSWORD, lang=lang)
    assert f"/{lang}/konto/zweiter-faktor/" in again.url and "einrichten" not in again.url, again.url
    check_page(again, axe, lang)
    again.fill("input[name=code]", "000000")
    with again.expect_navigation():
        again.click("main form button[type=submit]")
    assert again.locator("[data-error-summary]").is_visible()
    check_page(again, axe, lang)
    time.sleep(1.2)  # django-otp delays the next try after a wrong code by a second (not a timing assertion)
    again.fill("input[name=code]", app_code(secret, steps_ahead=1))
    with again.expect_navigation():
        again.click("main form button[type=submit]")
    assert again.url.endswith(f"/{lang}/arbeitsbereich/"), again.url
    assert again.locator("#ws-district-iii").is_visible()
    assert "account.second_factor_verified" in live_json(STATE.format(pk=person["pk"]))["audit"]
