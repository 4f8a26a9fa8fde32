"""The page that refuses input which is not valid UTF-8 (core/middleware.py InvalidEncodingMiddleware) has no WCAG
2.1 AA violation in German, English and Arabic: once for a broken address, once for a form sent with broken bytes
(the browser's own request, its body replaced on the way)."""

import pytest

from .conftest import open_context

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def context(browser, live_site):
    context = open_context(browser, live_site)
    yield context
    context.close()


def assert_refusal_page(page, response, lang: str):
    assert response is not None and response.status == 400
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("h1").count() == 1
    assert "\ufffd" not in page.content()


@pytest.mark.parametrize("lang", ["de", "en", "ar"])
def test_a_broken_address_gets_an_accessible_400_page(context, axe, lang):
    page = context.new_page()
    try:
        response = page.goto(f"/{lang}/vorschlaege/neu/?stadtteil=%FF")
        assert_refusal_page(page, response, lang)
        if lang == "de":
            assert page.get_by_text("Die Adresse enthält Zeichen, die wir nicht lesen können").is_visible()
        axe(page)
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["de", "en", "ar"])
def test_a_form_sent_with_broken_bytes_gets_an_accessible_400_page(context, axe, lang):
    page = context.new_page()
    try:
        page.goto(f"/{lang}/konto/anmelden/")

        def break_the_body(route):
            body = route.request.post_data_buffer or b""
            route.continue_(post_data=body.replace(b"demo-broken", b"demo%FF%FEbroken"))

        page.route("**/konto/anmelden/", break_the_body)
        page.fill("input[name=username]", "demo-broken@example.org")
        page.fill("input[name=password]", "not-the-password")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        assert_refusal_page(page, navigation.value, lang)
        if lang == "de":
            assert page.get_by_text(
                "Ihre Eingaben enthalten Zeichen, die wir nicht lesen können"
            ).is_visible()
        axe(page)
    finally:
        page.close()
