"""Sending a suggestion with the keyboard only, in German, English and Arabic, and the pages that follow: the answer
page with the status link, the status page and the published list. Every focused control shows a focus indicator;
axe-core finds no violation; the Arabic pages run right to left."""

import pytest

from .conftest import run_on_live_site
from .test_events_keyboard import active, assert_language, tab_until

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]
TOPIC_LANGUAGE_STEPS = 4  # "please choose" → housing → education → work → language

LABEL_TEXT_BOX = """() => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector('label[for=id_text]'));
  const box = range.getBoundingClientRect();
  return {left: box.left, right: box.right};
}"""

PLACE = """
from quartier.places.models import Neighbourhood
print(Neighbourhood.objects.get(city__slug="essen", name="Altendorf").pk)
"""


@pytest.fixture(scope="module")
def altendorf_id(live_site):
    return run_on_live_site(PLACE).strip().splitlines()[-1]


def column_boxes(page):
    return [page.locator(".suggestion-layout > div").nth(i).bounding_box() for i in range(2)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_send_a_suggestion_with_the_keyboard_only(page, axe, altendorf_id, lang):
    page.goto(f"/{lang}/vorschlaege/neu/")
    assert_language(page, lang)
    axe(page)
    form_column, map_column = column_boxes(page)
    if lang == "ar":
        assert form_column["x"] > map_column["x"], "the form stands on the right in Arabic"
        assert (
            page.evaluate("getComputedStyle(document.getElementById('suggestion-form')).direction") == "rtl"
        )
        text = page.evaluate(LABEL_TEXT_BOX)
        field = page.locator("#id_text").bounding_box()
        assert abs(text["right"] - (field["x"] + field["width"])) < 4, "labels start on the right"
        assert text["left"] > field["x"] + 100
    else:
        assert form_column["x"] < map_column["x"]

    tab_until(page, lambda el: el["id"] == "id_text")
    page.keyboard.type(f"Tastaturtest ({lang}): Ein Sprachcafé am Samstag im Stadtteilzentrum wäre schön.")
    tab_until(page, lambda el: el["id"] == "id_neighbourhood", limit=3)
    page.keyboard.type("Altendorf")
    assert active(page)["value"] == altendorf_id
    tab_until(page, lambda el: el["id"] == "id_topic", limit=3)
    for _ in range(TOPIC_LANGUAGE_STEPS):
        page.keyboard.press("ArrowDown")
    assert active(page)["value"] == "language"
    tab_until(page, lambda el: el["id"] == "id_name", limit=3)
    page.keyboard.type("Demo Person")
    tab_until(page, lambda el: el["id"] == "id_email", limit=3)
    page.keyboard.type(f"tastatur-vorschlag-{lang}@example.org")
    consent = tab_until(page, lambda el: el["id"] == "id_consent", limit=4)  # past the privacy link
    assert not consent["checked"]
    page.keyboard.press("Space")
    assert active(page)["checked"]
    # The honeypot is skipped (tabindex=-1): the next stop is the submit button.
    button = tab_until(page, lambda el: el["tag"] == "button", limit=3)
    assert button["type"] == "submit"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert_language(page, lang)
    assert page.locator(".kern-alert--success").is_visible()
    link = page.locator("#status-link").inner_text().strip()
    assert f"/{lang}/vorschlaege/status/" in link
    axe(page)

    # The status link, followed with the keyboard.
    tab_until(page, lambda el: el["id"] == "status-link")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.url == link
    assert_language(page, lang)
    main = page.locator("main").inner_text()
    assert f"Tastaturtest ({lang})" in main
    assert "Demo Person" not in main and "@example.org" not in main
    assert page.locator(".suggestion-steps li").count() == 1
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_published_list_and_district_filter(page, axe, lang):
    page.goto(f"/{lang}/vorschlaege/")
    assert_language(page, lang)
    assert page.locator(".published-suggestion").count() >= 1, "load_demo publishes some suggestions"
    axe(page)
    tab_until(page, lambda el: el["id"] == "id_bezirk")
    page.keyboard.press("ArrowDown")  # the first Stadtbezirk
    tab_until(page, lambda el: el["tag"] == "button", limit=3)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert "bezirk=i" in page.url
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_finder_on_the_form_preselects_a_stadtteil(page, axe, altendorf_id, lang):
    page.goto(f"/{lang}/vorschlaege/neu/")
    tab_until(page, lambda el: el["id"] == "id_q")
    page.keyboard.type("Altend")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe(page)
    tab_until(page, lambda el: el["tag"] == "a" and "stadtteil=altendorf" in (el["href"] or ""))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#id_neighbourhood").input_value() == altendorf_id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_errors_are_announced_and_accessible(page, axe, lang):
    page.goto(f"/{lang}/vorschlaege/neu/")
    tab_until(page, lambda el: el["tag"] == "button" and el["type"] == "submit")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 400
    assert_language(page, lang)
    assert page.locator("#form-errors[role=alert]").is_visible()
    assert page.locator("#id_text[aria-invalid=true]").count() == 1
    assert page.locator("#id_consent[aria-invalid=true]").count() == 1
    axe(page)
