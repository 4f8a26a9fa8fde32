"""The audit log ("Protokoll") and an organisation's "Mitglieder und Änderungen" in a real browser, in German and
Arabic, on a desktop and at 375 px: axe-core finds no violation (also with a filter error), the page does not
scroll sideways, and the filters work from the keyboard."""

import json

import pytest

from .conftest import log_in, run_on_live_site
from .test_events_keyboard import assert_language, tab_until

pytestmark = pytest.mark.browser

DEMO_ADMIN = "admin@demo.quartier.example"
PHONE = {"width": 375, "height": 740}

FIRST_ORGANISATION = """
import json
from quartier.organisations.models import Organisation
print(json.dumps({"pk": Organisation.objects.filter(members__isnull=False).order_by("pk").first().pk}))
"""


def live_json(code: str) -> dict:
    return json.loads(run_on_live_site(code).strip().splitlines()[-1])


def no_sideways_scrolling(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "375"])
def test_audit_log_pages_have_no_axe_violation(new_context, axe, live_site, lang, viewport):
    page = new_context(**({"viewport": viewport} if viewport else {})).new_page()
    log_in(page, email=DEMO_ADMIN, lang=lang)
    response = page.goto(f"/{lang}/arbeitsbereich/protokoll/")
    assert response.status == 200
    assert_language(page, lang)
    assert page.locator("main table").count() == 1  # the demo's own entries (logins, loads) are listed
    axe(page)
    if viewport:
        no_sideways_scrolling(page)

    # A filter error: the page answers 400 with the error summary, still without a violation.
    response = page.goto(f"/{lang}/arbeitsbereich/protokoll/?since=gestern")
    assert response.status == 400
    assert page.locator(".kern-error").count() >= 1
    axe(page)

    organisation = live_json(FIRST_ORGANISATION)["pk"]
    response = page.goto(f"/{lang}/arbeitsbereich/organisationen/{organisation}/")
    assert response.status == 200
    assert page.locator("#org-members").is_visible()
    axe(page)
    if viewport:
        no_sideways_scrolling(page)


def test_filtering_the_log_with_the_keyboard(page, axe, live_site):
    log_in(page, email=DEMO_ADMIN, lang="de")
    page.goto("/de/arbeitsbereich/protokoll/")
    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.type("Essen")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert "q=Essen" in page.url
    axe(page)
