"""Events with the keyboard only, in German, English and Arabic: registering for an event, filtering the event
list and paging through it. Every focused element shows a focus indicator; axe-core finds no violation."""

import json
import re

import pytest

from .conftest import run_on_live_site

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
MAX_TABS = 200
TITLE_WORD = "Tastaturtest"

# A weekly event with registration, published and with its occurrence rows stored: 52 occurrences in the list's
# one-year window, so that a search for it fills more than one page of 50.
CREATE_EVENT = f"""
import json
from datetime import datetime, time, timedelta
from django.utils import timezone
from quartier.events.models import Event
from quartier.events.occurrences import BERLIN
from quartier.events.services import event_occurrences_sync
from quartier.organisations.models import Organisation
from quartier.places.models import Neighbourhood

org = Organisation.objects.order_by("pk").first()
neighbourhood = Neighbourhood.objects.filter(city=org.city).order_by("pk").first()
first = datetime.combine(timezone.localdate() + timedelta(days=1), time(18, 0), tzinfo=BERLIN)
event = Event.objects.create(
    city=org.city,
    organisation=org,
    title="{TITLE_WORD} Sprachcafé",
    slug="tastaturtest-sprachcafe",
    type=Event.Type.MEETING,
    description="Ein Treffen zum Üben der Sprache, angelegt vom Browsertest.",
    start=first,
    end=first + timedelta(hours=2),
    recurrence=Event.Recurrence.WEEKLY,
    recurrence_until=first.date() + timedelta(days=364),
    venue_name="Stadtteilzentrum",
    neighbourhood=neighbourhood,
    registration=Event.Registration.REQUIRED,
    status=Event.Status.PUBLISHED,
    published_at=timezone.now(),
)
print(json.dumps({{"id": event.pk, "slug": event.slug, "occurrences": event_occurrences_sync(event=event)}}))
"""

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(), id: el.id || null, type: el.getAttribute('type'),
    href: el.getAttribute('href'), rel: el.getAttribute('rel'), checked: !!el.checked,
    value: el.value === undefined ? null : el.value, text: (el.textContent || '').trim().slice(0, 80),
  };
}"""

FOCUS_INDICATOR = """() => {
  const style = getComputedStyle(document.activeElement);
  return {outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0, boxShadow: style.boxShadow};
}"""


@pytest.fixture(scope="module")
def keyboard_event(live_site):
    created = json.loads(run_on_live_site(CREATE_EVENT).strip().splitlines()[-1])
    assert created["occurrences"] > 51, created
    return created


def active(page):
    return page.evaluate(ACTIVE)


def assert_focus_visible(page, element):
    """The focused element draws a focus indicator: an outline or a box shadow.

    Computed on the element itself rather than asking :focus-visible, because focus can sit inside an element's
    own parts (the calendar button of a date field), where only the element's style shows it."""
    style = page.evaluate(FOCUS_INDICATOR)
    has_outline = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
    has_shadow = style["boxShadow"] not in ("", "none")
    assert has_outline or has_shadow, (page.url, element, style)


def tab_until(page, predicate, *, limit=MAX_TABS):
    """Press Tab until the focused element satisfies `predicate`, checking the focus indicator of every element
    passed on the way; returns the element."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = active(page)
        if element is None:
            continue
        seen.append(element)
        assert_focus_visible(page, element)
        if predicate(element):
            return element
    pytest.fail(f"no matching element after {limit}× Tab; focus went through: {seen[:40]}")


def assert_language(page, lang: str):
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_register_for_an_event_with_the_keyboard_only(page, axe, keyboard_event, lang):
    event_id = keyboard_event["id"]
    page.goto(f"/{lang}/veranstaltungen/{event_id}-{keyboard_event['slug']}/")
    assert_language(page, lang)

    register_path = f"/{lang}/veranstaltungen/{event_id}/anmelden/"
    tab_until(page, lambda el: el["tag"] == "a" and (el["href"] or "").endswith(register_path))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(register_path), page.url
    assert_language(page, lang)
    axe(page)

    # The first coming occurrence is preselected; the resident keeps it.
    tab_until(page, lambda el: el["id"] == "id_termin")
    tab_until(page, lambda el: el["id"] == "id_name", limit=3)
    page.keyboard.type(f"Demo Person ({lang})")
    tab_until(page, lambda el: el["id"] == "id_email", limit=3)
    page.keyboard.type(f"tastatur-{lang}@example.org")
    tab_until(page, lambda el: el["id"] == "id_people", limit=3)
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    assert active(page)["value"] == "2"
    consent = tab_until(page, lambda el: el["id"] == "id_consent", limit=3)
    assert not consent["checked"]
    page.keyboard.press("Space")
    assert active(page)["checked"]
    # The honeypot field is skipped (tabindex=-1): the next stop is the submit button.
    button = tab_until(page, lambda el: el["tag"] == "button", limit=3)
    assert button["type"] == "submit"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert_language(page, lang)
    assert page.locator("main form").count() == 0, "the confirmation page, not the form again"
    assert page.locator(".kern-alert--success").is_visible()
    assert f"{TITLE_WORD} Sprachcafé" in page.locator("main").inner_text()
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filter_and_page_through_the_event_list_with_the_keyboard_only(page, axe, keyboard_event, lang):
    page.goto(f"/{lang}/veranstaltungen/")
    assert_language(page, lang)
    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.type(TITLE_WORD)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert re.search(rf"/{lang}/veranstaltungen/\?.*q={TITLE_WORD}", page.url), page.url
    assert page.locator(".event-list li").count() == 50
    assert page.locator("nav.pager a[rel=prev]").count() == 0

    tab_until(page, lambda el: el["tag"] == "a" and el["rel"] == "next")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert "page=2" in page.url and f"q={TITLE_WORD}" in page.url, page.url
    assert_language(page, lang)
    items = page.locator(".event-list li")
    assert 1 <= items.count() <= 50
    assert all(TITLE_WORD in text for text in items.all_inner_texts())
    assert page.locator("nav.pager a[rel=prev]").count() == 1
    assert page.locator("nav.pager a[rel=next]").count() == 0
    axe(page)
