"""The page shown while the database cannot be reached (errors/503.html) has no WCAG 2.1 AA violation, in German,
English and Arabic, on a wide and a narrow screen; it is served by a site whose database is gone."""

import pytest

from tests.resilience.server import serve_without_database

from .conftest import open_context

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_without_database(browser_prerequisites):
    with serve_without_database("sqlite") as site:
        yield site.base_url


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}])
@pytest.mark.parametrize("language", ["de", "en", "ar"])
def test_the_unavailable_page_has_no_axe_violations(browser, axe, site_without_database, language, viewport):
    context = open_context(browser, site_without_database, viewport=viewport)
    try:
        page = context.new_page()
        response = page.goto(f"/{language}/veranstaltungen/")
        assert response is not None and response.status == 503
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1
        axe(page)
    finally:
        context.close()
