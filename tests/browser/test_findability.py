"""Findable from where people are, on a phone (375 × 740) and on a desktop: the finder's answer is the first
thing on screen after a search and has focus; the menu button works with the keyboard; the list filters fold
away on phones; the map shows names on focus and has a legend; axe-core finds nothing in de/en/ar.

Set QUARTIER_SCREENSHOTS to a folder to keep screenshots of the phone layout (de and ar) for a look."""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LANGUAGES = ["de", "en", "ar"]
PAGES = [
    "/",
    "/finden/?q=R%C3%BCttenscheid",
    "/finden/?q=45276",
    "/bezirke/iii/",
    "/stadtteile/altendorf/",
    "/veranstaltungen/",
    "/veranstaltungen/karte/",
    "/angebote/",
    "/datenquellen/",
]

ACTIVE_ID = "() => document.activeElement && document.activeElement.id"
ANSWER_BOX = """() => { const r = document.getElementById('ergebnis').getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, vh: innerHeight}; }"""


def shot(page, name: str) -> None:
    folder = os.environ.get("QUARTIER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_on_a_phone_the_answer_is_on_the_first_screen_and_has_focus(new_context, lang):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/{lang}/")
    shot(page, f"home-{lang}-375")
    field = page.locator("#id_q")
    box = field.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "the finder field is on the first screen"
    field.fill("Rüttenscheid")
    with page.expect_navigation():
        field.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'ergebnis'")
    answer = page.evaluate(ANSWER_BOX)
    assert -1 <= answer["top"] < answer["vh"] / 2, answer
    assert page.locator("#ergebnis").get_by_role("link", name="Rüttenscheid").first.is_visible()
    shot(page, f"answer-{lang}-375")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), "no horizontal scrolling"


def test_postcode_without_stadtteil_offers_the_map_and_the_list(new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/de/finden/?q=45276#ergebnis")
    page.get_by_role("link", name="Stadtteil auf der Karte wählen").click()
    assert page.evaluate("location.hash") == "#karte"
    assert page.get_by_role("link", name="Liste aller Stadtteile nach Stadtbezirken").is_visible()


@pytest.mark.parametrize("key", ["Enter", " "])
def test_menu_button_works_with_the_keyboard(new_context, key):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/de/")
    button = page.locator("[data-site-menu-button]")
    nav_link = page.locator("#site-menu").get_by_role("link", name="Veranstaltungen")
    assert button.is_visible() and not nav_link.is_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.hasAttribute('data-site-menu-button')"):
            break
    else:
        pytest.fail("the menu button is not reached with Tab")
    page.keyboard.press(key)
    assert button.get_attribute("aria-expanded") == "true" and nav_link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('site-menu').contains(document.activeElement)")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not nav_link.is_visible()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-site-menu-button')")


def test_on_a_desktop_there_is_no_menu_button(page):
    page.goto("/de/")
    assert not page.locator("[data-site-menu-button]").is_visible()
    assert page.locator("#site-menu").get_by_role("link", name="Veranstaltungen").is_visible()


def test_without_javascript_the_navigation_stays_open(new_context):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/de/")
    assert not page.locator("[data-site-menu-button]").is_visible()
    assert page.locator("#site-menu").get_by_role("link", name="Veranstaltungen").is_visible()


@pytest.mark.parametrize("path", ["/de/veranstaltungen/", "/de/angebote/"])
def test_filters_fold_on_phones_and_stay_open_on_desktops(new_context, path):
    phone = new_context(viewport=PHONE).new_page()
    phone.goto(path)
    assert phone.evaluate("() => document.querySelector('details[data-filter-fold]').open") is False
    summary = phone.locator("details[data-filter-fold] > summary")
    summary.focus()
    phone.keyboard.press("Enter")
    assert phone.evaluate("() => document.querySelector('details[data-filter-fold]').open") is True
    desktop = new_context(viewport=DESKTOP).new_page()
    desktop.goto(path)
    assert desktop.evaluate("() => document.querySelector('details[data-filter-fold]').open") is True


def test_folded_filters_name_how_many_are_active(new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/de/veranstaltungen/?type=festival&free=on")
    assert "2 Filter aktiv" in page.locator("details[data-filter-fold] > summary").inner_text()


def test_map_names_show_on_keyboard_focus_and_hover(page):
    page.goto("/de/bezirke/")
    link = page.locator('svg.city-map a[href$="/stadtteile/altendorf/"]')
    label = link.locator("text.map-label")
    assert label.evaluate("el => getComputedStyle(el).visibility") == "hidden"
    link.focus()
    assert label.evaluate("el => getComputedStyle(el).visibility") == "visible"
    page.evaluate("() => document.activeElement.blur()")
    other = page.locator('svg.city-map a[href$="/stadtteile/frohnhausen/"]')
    other.hover()
    assert other.locator("text.map-label").evaluate("el => getComputedStyle(el).visibility") == "visible"
    assert page.locator("figure.map-figure .map-key li").count() >= 9  # a legend: colour and text


def test_event_map_marks_nothing_as_the_current_location(page):
    page.goto("/de/veranstaltungen/karte/")
    assert page.locator('svg.city-map a[aria-current="location"]').count() == 0
    assert page.locator("svg.city-map a.is-marked").count() >= 1
    assert page.locator("figure.map-figure .map-key li").count() == 2


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_changed_pages_have_no_axe_violations(new_context, axe, lang, viewport):
    page = new_context(viewport=PHONE if viewport == "phone" else DESKTOP).new_page()
    for path in PAGES:
        response = page.goto(f"/{lang}{path}")
        assert response.status in (200, 404), path
        axe(page)
        if lang in ("de", "ar") and viewport == "phone" and path in ("/bezirke/iii/", "/veranstaltungen/"):
            shot(page, f"{path.strip('/').replace('/', '-')}-{lang}-375")
    # the menu opened, too
    if viewport == "phone":
        page.goto(f"/{lang}/")
        page.locator("[data-site-menu-button]").click()
        axe(page)
        shot(page, f"menu-{lang}-375")
