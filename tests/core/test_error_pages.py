"""Residents see real error pages in the page's language, never Django's technical pages: 404 and 500 in German,
English and Arabic (by the path's prefix, or by Accept-Language where the path has none), with the site's
navigation, and the API answers JSON."""

import pytest
from django.test import Client, override_settings

PAGE_404 = {
    "de": "Diese Seite gibt es nicht.",
    "en": "This page does not exist.",
    "ar": "هذه الصفحة غير موجودة.",
}
PAGE_500 = {"de": "Hier ist etwas schiefgegangen.", "en": "Something went wrong.", "ar": "حدث خطأ ما."}
TECHNICAL = ("Using the URLconf", "urlpatterns", "Traceback", "RuntimeError", "DEBUG = True")


def assert_resident_page(response, lang):
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert 'class="site-header"' in html and f'href="/{lang}/"' in html
    assert '<meta name="robots" content="noindex">' in html
    for word in TECHNICAL:
        assert word not in html
    return html


@pytest.mark.parametrize("lang", ["de", "en", "ar"])
@override_settings(DEBUG=False)
def test_404_is_the_sites_page_in_the_paths_language(client, essen, lang):
    response = client.get(f"/{lang}/gibt-es-nicht/")
    assert response.status_code == 404
    html = assert_resident_page(response, lang)
    assert PAGE_404[lang] in html
    if lang != "de":
        assert PAGE_404["de"] not in html


@pytest.mark.parametrize(("accept", "lang"), [("en-GB,en;q=0.9", "en"), ("ar", "ar"), ("fr", "de")])
@override_settings(DEBUG=False)
def test_404_without_a_language_prefix_follows_accept_language(client, essen, accept, lang):
    response = client.get("/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 404
    assert PAGE_404[lang] in assert_resident_page(response, lang)


@override_settings(DEBUG=False)
def test_api_404_is_json(client, essen):
    response = client.get("/api/v1/gibt-es-nicht")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("lang", ["de", "en", "ar"])
@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
def test_500_is_the_sites_page_in_the_paths_language(essen, lang):
    client = Client(raise_request_exception=False)
    response = client.get(f"/{lang}/kaputt/")
    assert response.status_code == 500
    assert PAGE_500[lang] in assert_resident_page(response, lang)


@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
def test_500_without_a_prefix_follows_accept_language(essen):
    response = Client(raise_request_exception=False).get("/kaputt", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert PAGE_500["en"] in assert_resident_page(response, "en")


@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
def test_500_page_still_answers_when_its_own_template_fails(essen, monkeypatch):
    from quartier.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone as well")

    monkeypatch.setattr(views, "render", broken)
    response = Client(raise_request_exception=False).get("/de/kaputt/")
    assert response.status_code == 500
    assert "Hier ist etwas schiefgegangen." in response.content.decode()


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_pages_name_their_icons(client, essen):
    html = client.get("/de/").content.decode()
    assert 'rel="icon"' in html and "quartier/favicon.svg" in html and "quartier/favicon.ico" in html
