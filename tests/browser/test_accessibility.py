"""axe-core finds no WCAG 2.1 AA violation on any public page, in German, English and Arabic.

Also audited: the finder's answers (several Stadtteile, none, a postcode, an empty search, a location),
forms showing their errors, and the workspace after logging in.
"""

import pytest

from .conftest import DEMO_COORDINATOR, log_in, open_context

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en", "ar"]

PUBLIC_PAGES = [
    ("home", "/", 200),
    ("answer", "/finden/?q=Altenessen", 200),
    ("districts", "/bezirke/", 200),
    ("district", "/bezirke/iii/", 200),
    ("neighbourhood", "/stadtteile/ruettenscheid/", 200),
    ("imprint", "/impressum/", 200),
    ("privacy", "/datenschutz/", 200),
    ("accessibility", "/barrierefreiheit/", 200),
    ("accessibility-feedback", "/barrierefreiheit/feedback/", 200),
    ("data-sources", "/datenquellen/", 200),
    ("login", "/konto/anmelden/", 200),
    ("password-reset", "/konto/passwort-vergessen/", 200),
    ("not-found", "/bezirke/xx/", 404),
]

FINDER_ANSWERS = [
    ("ambiguous", "/finden/?q=Altenessen", 200),
    ("not-found", "/finden/?q=Xylophonhausen", 404),
    ("postcode", "/finden/?q=45127", 200),
    ("postcode-outside", "/finden/?q=10115", 404),
    ("typo", "/finden/?q=R%C3%BCtenscheid", 200),
    ("street-address", "/finden/?q=Hauptstra%C3%9Fe+12", 404),
    ("location", "/finden/?lat=51.4556&lon=7.0116", 200),
    ("empty", "/finden/?q=", 400),
]


@pytest.fixture(scope="module")
def anonymous_page(browser, live_site):
    """One page for the audits that only read: a fresh context per test would cost more than the audit."""
    context = open_context(browser, live_site)
    yield context.new_page()
    context.close()


def open_page(page, lang: str, path: str, status: int):
    response = page.goto(f"/{lang}{path}")
    assert response is not None
    assert response.status == status, f"{page.url} answered {response.status}, expected {status}"
    assert_language(page, lang)


def assert_language(page, lang: str):
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("name", "path", "status"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_public_page_has_no_wcag_violations(anonymous_page, axe, lang, name, path, status):
    open_page(anonymous_page, lang, path, status)
    axe(anonymous_page)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("name", "path", "status"), FINDER_ANSWERS, ids=[a[0] for a in FINDER_ANSWERS])
def test_finder_answer_has_no_wcag_violations(anonymous_page, axe, lang, name, path, status):
    page = anonymous_page
    open_page(page, lang, path, status)
    if name == "empty":
        assert page.locator("#id_q[aria-invalid=true]").is_visible()
        assert page.locator("#q-error").is_visible()
    else:
        assert page.locator("#result-heading").is_visible()
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_feedback_form_with_errors_has_no_wcag_violations(page, axe, lang):
    open_page(page, lang, "/barrierefreiheit/feedback/", 200)
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 400
    assert page.locator("#form-errors").is_visible()
    assert page.locator("[aria-invalid=true]").count() >= 1
    assert_language(page, lang)
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_failed_login_has_no_wcag_violations(page, axe, lang):
    log_in(page, DEMO_COORDINATOR, "not-the-password-at-all", lang=lang)
    assert "/konto/anmelden/" in page.url
    assert page.locator("#form-errors").is_visible()
    assert_language(page, lang)
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_workspace_home_has_no_wcag_violations(page, axe, lang):
    log_in(page, lang=lang)
    assert page.url.endswith(f"/{lang}/arbeitsbereich/"), page.url
    assert page.locator("h1").is_visible()
    assert page.get_by_text("Stadtbezirk III").first.is_visible()
    assert_language(page, lang)
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_organisation_pages_have_no_wcag_violations(page, axe, lang):
    """Create an organisation as the demo coordinator (form with errors first), then its page."""
    log_in(page, lang=lang)
    open_page(page, lang, "/arbeitsbereich/organisationen/", 200)
    axe(page)
    open_page(page, lang, "/arbeitsbereich/organisationen/neu/", 200)
    axe(page)
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 400
    assert page.locator("#form-errors").is_visible()
    axe(page)
    page.fill("input[name=name]", f"Demo-Verein Barrierefrei ({lang})")
    page.select_option("select[name=kind]", "association")
    page.check("input[name=districts] >> nth=2")  # Stadtbezirk III, the demo coordinator's own
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert "/arbeitsbereich/organisationen/" in page.url and navigation.value.status == 200
    assert_language(page, lang)
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_event_pages_have_no_wcag_violations(anonymous_page, axe, lang):
    """The event list (with demo content), a filtered list with an error, an event and the demo programme."""
    page = anonymous_page
    open_page(page, lang, "/veranstaltungen/", 200)
    assert page.locator(".event-list li").count() >= 10
    axe(page)
    open_page(page, lang, "/veranstaltungen/?start=2030-01-02&end=2030-01-01", 400)
    axe(page)
    open_page(page, lang, "/veranstaltungen/", 200)
    page.locator(".event-list .kern-title a").first.click()
    page.wait_for_load_state()
    assert "/veranstaltungen/" in page.url
    assert page.locator("script[type='application/ld+json']").count() == 1
    axe(page)
    programmes = page.request.get("/api/v1/cities/essen/programmes").json()["items"]
    open_page(page, lang, f"/programme/{programmes[0]['slug']}/", 200)
    assert page.locator(".event-list li").count() == 29
    axe(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_workspace_event_pages_have_no_wcag_violations(page, axe, lang):
    """The demo organiser's event list, the editor (with errors, then saved), the draft's page with its steps."""
    log_in(page, "verein@demo.quartier.example", lang=lang)
    open_page(page, lang, "/arbeitsbereich/veranstaltungen/", 200)
    axe(page)
    page.locator("main a.kern-btn").first.click()
    page.wait_for_load_state()
    axe(page)
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 400
    axe(page)
    page.fill("input[name=title]", f"Barrierefreiheitstest ({lang})")
    page.fill("textarea[name=description]", "Test")
    page.select_option("select[name=type]", "meeting")
    page.fill("input[name=start]", "2030-05-04T15:00")
    page.fill("input[name=end]", "2030-05-04T17:00")
    page.check("input[name=online]")
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 200 and "/arbeitsbereich/veranstaltungen/" in page.url
    assert_language(page, lang)
    axe(page)
