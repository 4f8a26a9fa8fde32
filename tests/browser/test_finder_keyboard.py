"""The district finder with the keyboard only, with the mouse on the map, on a narrow screen, with the
browser's location, and without JavaScript."""

import re

import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser

MAX_TABS = 120

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const svg = el.namespaceURI === 'http://www.w3.org/2000/svg';
  return {
    tag: el.tagName.toLowerCase(), id: el.id || null, svg,
    classes: typeof el.className === 'string' ? el.className : (el.className.baseVal || ''),
    href: el.getAttribute('href'), label: el.getAttribute('aria-label'),
    text: (el.textContent || '').trim().slice(0, 80),
  };
}"""

FOCUS_INDICATOR = """() => {
  const el = document.activeElement;
  const own = getComputedStyle(el);
  const path = el.querySelector('path, .map-hit');
  const p = path ? getComputedStyle(path) : null;
  return {
    focusVisible: el.matches(':focus-visible'),
    outlineStyle: own.outlineStyle, outlineWidth: parseFloat(own.outlineWidth) || 0,
    boxShadow: own.boxShadow,
    pathStrokeWidth: p ? parseFloat(p.strokeWidth) : null, pathFill: p ? p.fill : null,
  };
}"""

BOX = """() => { const r = document.activeElement.getBoundingClientRect();
  return {w: r.width, h: r.height, l: r.left, t: r.top, vw: innerWidth, vh: innerHeight}; }"""

IN_VIEWPORT = """() => { const r = document.activeElement.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.left >= -1 && r.top >= -1
    && r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1; }"""


def active(page):
    return page.evaluate(ACTIVE)


def tab_until(page, predicate, *, key="Tab", limit=MAX_TABS):
    """Press Tab (or Shift+Tab) until the focused element satisfies `predicate`; returns it."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        el = active(page)
        seen.append(el)
        if el and predicate(el):
            return el
    pytest.fail(f"no matching element after {limit}× {key}; focus went through: {seen[:40]}")


def assert_focus_visible(page, where: str = ""):
    """The focused element matches :focus-visible and draws an indicator: an outline or a box shadow, or
    for a map area a path stroke wider than any unfocused area has (selected areas have 2.5)."""
    style = page.evaluate(FOCUS_INDICATOR)
    assert style["focusVisible"], (where, style)
    if style["pathStrokeWidth"] is not None:
        assert style["pathStrokeWidth"] >= 3, (where, style)
    else:
        has_outline = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
        assert has_outline or style["boxShadow"] not in ("", "none"), (where, style)


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/de/")
    page.keyboard.press("Tab")
    first = active(page)
    assert first is not None and "skip-link" in first["classes"], first
    assert first["href"] == "#main"
    assert_focus_visible(page)
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0 and box["width"] > 0, "skip link must be on screen when focused"
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main"
    # The next Tab continues inside main: the first focusable element of the page content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_search_by_keyboard_lists_both_altenessen_with_their_shared_contact(page):
    page.goto("/de/")
    field = tab_until(page, lambda el: el["id"] == "id_q")
    assert field["tag"] == "input"
    assert_focus_visible(page)
    page.keyboard.type("Altenessen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/de/finden/\?q=Altenessen", page.url), page.url
    answers = page.locator("section.answers")
    for name in ("Altenessen-Nord", "Altenessen-Süd"):
        assert answers.get_by_role("link", name=name, exact=True).is_visible()
    assert answers.get_by_text("Für alle diese Stadtteile ist dieselbe Stelle zuständig.").is_visible()
    # Both answers name the same office: Stadtbezirk V.
    assert answers.get_by_text("Bezirksstelle Stadtbezirk V").count() == 2


def test_shift_tab_walks_back_from_the_search_field(page):
    page.goto("/de/")
    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.press("Tab")
    after = active(page)
    assert after["tag"] == "button" and "Suchen" in after["text"], after
    page.keyboard.press("Shift+Tab")
    assert active(page)["id"] == "id_q"


def test_map_area_is_reached_by_tab_shows_focus_and_opens_with_enter(page):
    page.goto("/de/")
    area = tab_until(page, lambda el: el["svg"] and el["tag"] == "a")
    assert area["label"], "each map area needs an accessible name"
    assert_focus_visible(page)
    name = area["label"].split(",")[0].strip()
    # Moving on to the next area and back again works too.
    page.keyboard.press("Tab")
    nxt = active(page)
    assert nxt["svg"] and nxt["tag"] == "a" and nxt["href"] != area["href"], nxt
    page.keyboard.press("Shift+Tab")
    assert active(page)["href"] == area["href"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(area["href"]), page.url
    assert page.locator("h1").inner_text().strip() == name
    assert page.locator(".contact-card").count() >= 1


def test_clicking_a_map_area_opens_that_stadtteil_with_its_contact(page):
    page.goto("/de/")
    link = page.locator('svg.city-map a[href$="/stadtteile/ruettenscheid/"]')
    assert link.get_attribute("aria-label").startswith("Rüttenscheid")
    x, y = point_inside(page, 'svg.city-map a[href$="/stadtteile/ruettenscheid/"]')
    page.mouse.move(x, y)
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert page.url.endswith("/de/stadtteile/ruettenscheid/"), page.url
    assert page.locator("h1").inner_text().strip() == "Rüttenscheid"
    card = page.locator(".contact-card").first
    assert card.is_visible()
    assert "Bezirksstelle Stadtbezirke II, VIII und IX" in card.inner_text()
    assert "0201-8851526" in card.inner_text()
    selected = page.locator('svg.city-map a[aria-current="location"]')
    assert selected.count() == 1 and selected.get_attribute("href").endswith("/stadtteile/ruettenscheid/")


def point_inside(page, selector: str) -> tuple[float, float]:
    """A viewport point where a click lands on the map area itself (not on a neighbour)."""
    point = page.evaluate(
        """sel => {
      const a = document.querySelector(sel);
      a.scrollIntoView({block: 'center', behavior: 'instant'});
      const path = a.querySelector('path, .map-hit');
      const box = path.getBoundingClientRect();
      const steps = 24;
      for (let i = 1; i < steps; i++) {
        for (let j = 1; j < steps; j++) {
          const x = box.left + box.width * j / steps, y = box.top + box.height * i / steps;
          const hit = document.elementFromPoint(x, y);
          if (hit && a.contains(hit)) return [x, y];
        }
      }
      return null;
    }""",
        selector,
    )
    assert point, f"no clickable point inside {selector}"
    return point[0], point[1]


@pytest.mark.parametrize(
    "path",
    ["/de/", "/de/finden/?q=Altenessen", "/ar/", "/ar/finden/?q=45127", "/de/stadtteile/ruettenscheid/"],
)
def test_no_horizontal_scrolling_at_320_px(new_context, path):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(path)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= 320 + 1, f"{path} scrolls sideways at 320 px: {widths}"
    offenders = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *')).filter(el => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.right > 321 || r.left < -1);
        }).slice(0, 10).map(el => el.outerHTML.slice(0, 120))"""
    )
    assert not offenders, f"{path}: elements outside the 320 px viewport: {offenders}"


def test_use_my_location_finds_stadtkern(new_context):
    context = new_context(geolocation={"latitude": 51.4556, "longitude": 7.0116}, permissions=["geolocation"])
    page = context.new_page()
    page.goto("/de/")
    button = page.locator("button[data-locate]")
    assert button.is_visible()
    assert button.inner_text().strip() == "Meinen Standort verwenden"
    with page.expect_navigation():
        button.click()
    assert "/de/finden/" in page.url and "lat=51.4556" in page.url, page.url
    answers = page.locator("section.answers")
    assert answers.get_by_text("Ihr Standort liegt in diesem Stadtteil:").is_visible()
    assert answers.get_by_role("link", name="Stadtkern", exact=True).is_visible()


def test_use_my_location_by_keyboard(new_context):
    context = new_context(geolocation={"latitude": 51.4556, "longitude": 7.0116}, permissions=["geolocation"])
    page = context.new_page()
    page.goto("/de/")
    tab_until(page, lambda el: el["tag"] == "button" and "Standort" in el["text"])
    assert_focus_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("section.answers").get_by_role("link", name="Stadtkern", exact=True).is_visible()


def test_denied_location_says_so_politely(new_context):
    page = new_context(permissions=[]).new_page()
    page.goto("/de/")
    page.locator("button[data-locate]").click()
    status = page.locator("#locate-status")
    status.get_by_text("Ihr Standort ist nicht verfügbar").wait_for()
    assert status.get_attribute("role") == "status"
    assert page.url.endswith("/de/")


def test_without_javascript_the_location_button_is_hidden_and_the_form_works(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/de/")
    assert page.locator("button[data-locate]").count() == 1
    assert not page.locator("button[data-locate]").is_visible()
    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.type("45144")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/de/finden/?q=45144" in page.url, page.url
    assert page.locator("section.answers").is_visible()
    assert page.locator("section.answers article.answer").count() >= 1


@pytest.mark.parametrize(
    "path",
    [
        "/de/",
        "/de/finden/?q=Altenessen",
        "/ar/stadtteile/ruettenscheid/",
        "/en/bezirke/iii/",
        "/de/barrierefreiheit/feedback/",
    ],
)
def test_every_tab_stop_is_visible_and_shows_focus(page, path):
    page.goto(path)
    walk_tab_order(page, path)


def test_every_tab_stop_in_the_workspace_is_visible_and_shows_focus(page):
    log_in(page)
    assert page.url.endswith("/de/arbeitsbereich/"), page.url
    stops = walk_tab_order(page, page.url)
    assert any(el["tag"] == "button" and "Abmelden" in el["text"] for el in stops), stops


def walk_tab_order(page, where: str) -> list[dict]:
    """Tab through the whole page once: each stop is on screen (after scrolling) and visibly focused."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        el = active(page)
        if el is None or (stops and el == stops[0]):
            return stops  # focus left the document, or wrapped around
        stops.append(el)
        here = f"{where}: {el}"
        try:  # KERN scrolls smoothly: give the page time to bring the element into view
            page.wait_for_function(IN_VIEWPORT, timeout=3000)
        except PlaywrightTimeoutError:
            pytest.fail(f"focused element is not (or not fully) on screen: {here} {page.evaluate(BOX)}")
        assert_focus_visible(page, here)
    pytest.fail(f"{where}: more than {MAX_TABS} tab stops")
