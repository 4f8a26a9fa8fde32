"""Public pages: the finder without JavaScript, districts, Stadtteile, vCards, legal pages, feedback form."""

import pytest
from django.core import mail

H = {"HTTP_HOST": "127.0.0.1"}


def text(response):
    return response.content.decode()


def test_home_has_one_search_field_a_location_button_and_a_map_of_all_neighbourhoods(client, essen):
    page = text(client.get("/de/", **H))
    assert page.count('name="q"') == 1
    assert "Stadtteil oder Postleitzahl" in page
    assert "Meinen Standort verwenden" in page and "data-locate" in page
    assert page.count('<a href="/de/stadtteile/') >= 50
    assert 'aria-label="Rüttenscheid, Stadtbezirk II"' in page
    assert '<html lang="de" dir="ltr">' in page


def test_arabic_is_right_to_left(client, essen):
    page = text(client.get("/ar/", **H))
    assert '<html lang="ar" dir="rtl">' in page


def test_language_switch_on_every_page_keeps_the_path(client, essen):
    page = text(client.get("/de/bezirke/iii/", **H))
    for code in ("de", "en", "ar"):
        assert f'href="/{code}/bezirke/iii/"' in page


def test_finder_answer_without_javascript(client, essen):
    r = client.get("/de/finden/", {"q": "Frohnhausen"}, **H)
    assert r.status_code == 200
    page = text(r)
    assert "Christian Uhl" in page and "Kerckhoffstraße 60" in page
    assert 'href="tel:02018851419"' in page
    assert "/de/stadtteile/frohnhausen/kontakt.vcf" in page
    import re

    links = dict(re.findall(r'<a href="/de/stadtteile/([a-z-]+)/" class="([^"]+)"', page))
    assert "is-selected" in links["frohnhausen"]  # the answer is highlighted on the map ...
    assert (
        "in-district" in links["altendorf"] and "is-selected" not in links["altendorf"]
    )  # ... and its district
    assert "in-district" not in links["kray"]


def test_finder_ambiguous_lists_all_and_says_they_share_a_contact(client, essen):
    page = text(client.get("/de/finden/", {"q": "altenessen"}, **H))
    assert "Altenessen-Nord" in page and "Altenessen-Süd" in page
    assert "Für alle diese Stadtteile ist dieselbe Stelle zuständig." in page


def test_finder_postcode_spanning_several(client, essen):
    page = text(client.get("/de/finden/", {"q": "45127"}, **H))
    assert "Die Postleitzahl 45127 reicht in 4 Stadtteile." in page


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"q": "45276"}, 404, "keine Zuordnung zu Stadtteilen"),
        ({"q": "Kerckhoffstraße 60"}, 404, "Nach Straßen und Hausnummern können wir noch nicht suchen"),
        ({"lat": "52.52", "lon": "13.40"}, 404, "außerhalb von Essen"),
        ({"q": "Atlantis"}, 404, "keinen Stadtteil in Essen gefunden"),
        ({"q": "10115"}, 404, "gehört nicht zu Essen"),
        ({"q": ""}, 400, "Bitte geben Sie einen Stadtteil oder eine Postleitzahl ein."),
        ({"q": "x" * 10_000}, 400, "höchstens 200 Zeichen"),
        ({"lat": "abc", "lon": "7"}, 400, ""),
        ({"lat": "51.4"}, 400, "Standort ist unvollständig"),
        ({"lat": "91", "lon": "7"}, 400, ""),
        ({"q": "<script>alert(1)</script>"}, 404, "&lt;script&gt;"),
    ],
)
def test_finder_answers_every_input_clearly(client, essen, params, status, fragment):
    r = client.get("/de/finden/", params, **H)
    assert r.status_code == status
    assert fragment in text(r)
    assert "<script>alert(1)</script>" not in text(r)


def test_finder_by_location(client, essen):
    page = text(client.get("/de/finden/", {"lat": "51.457115", "lon": "7.011484", "q": ""}, **H))
    assert "Ihr Standort liegt in diesem Stadtteil:" in page and "Stadtkern" in page


def test_district_list_shows_nine_districts_with_stadtteile_and_contacts(
    client, essen, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        r = client.get("/de/bezirke/", **H)
    page = text(r)
    for numeral in ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]:
        assert f">Stadtbezirk {numeral}</a></h2>" in page
    assert "N.N. (Stelle derzeit unbesetzt)" in page
    assert "Überruhr-Hinsel" in page


def test_district_page(client, essen):
    page = text(client.get("/de/bezirke/viii/", **H))
    assert "Kupferdreher Straße 86" in page and "Die Bezirksstelle ist weiterhin für Sie da:" in page
    assert client.get("/de/bezirke/x/", **H).status_code == 404
    assert client.get("/de/bezirke/" + "i" * 500 + "/", **H).status_code == 404


def test_neighbourhood_page_hides_what_the_data_lacks(client, essen):
    page = text(client.get("/de/stadtteile/stadtkern/", **H))
    assert "Sascha Frast" in page and "Limbecker Platz 13" in page
    assert "tel:" not in page  # the city publishes no phone for Stadtbezirk I
    assert "mailto:" not in page
    assert "Öffnungszeiten" not in page
    steele = text(client.get("/de/stadtteile/steele/", **H))
    assert "Postleitzahlen" not in steele  # known gap, simply not shown
    assert client.get("/de/stadtteile/gibt-es-nicht/", **H).status_code == 404


def test_vcard(client, essen):
    r = client.get("/de/stadtteile/kettwig/kontakt.vcf", **H)
    assert r["Content-Type"].startswith("text/vcard")
    body = r.content.decode()
    assert body.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert (
        "FN:Integrationskoordination Stadtbezirk II\\, Stadtbezirk VIII\\, Stadtbezirk IX (N.N.)"
        in body.replace("\r\n ", "")
    )
    assert "ADR;TYPE=WORK:;;Kupferdreher Straße 86;Essen;;45257;Deutschland" in body
    assert "TEL;TYPE=WORK,VOICE:0201-8851526" in body
    assert body.endswith("END:VCARD\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    named = client.get("/de/stadtteile/frohnhausen/kontakt.vcf", **H).content.decode()
    assert "N:Uhl;Christian;;;" in named


def test_legal_pages_show_what_the_operator_must_fill_in(client, essen):
    for path in ["/de/impressum/", "/de/datenschutz/", "/de/barrierefreiheit/"]:
        page = text(client.get(path, **H))
        assert "vom Betreiber auszufüllen" in page, path


def test_legal_pages_show_the_operator_facts_once_set(client, essen):
    operator = essen.operator
    operator.operator_name = "Stadt Musterstadt"
    operator.accessibility_feedback_email = "barrierefrei@example.org"
    operator.save()
    assert "Stadt Musterstadt" in text(client.get("/de/impressum/", **H))
    assert "mailto:barrierefrei@example.org" in text(client.get("/de/barrierefreiheit/", **H))


def test_data_sources_page_has_the_attribution_texts_and_the_gaps(client, essen):
    page = text(client.get("/de/datenquellen/", **H))
    assert "© OpenStreetMap-Mitwirkende" in page
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in page
    assert "Deutsche Post AG" in page
    assert "Amt für Statistik, Stadtforschung und Wahlen" in page
    assert "Dellwig" in page and "Stoppenberg" in page  # without population
    assert "45276" in page  # postcode without Stadtteil
    assert "Bezirksstelle Stadtbezirk I" in page  # without phone


def test_accessibility_feedback_reaches_the_operator(client, essen, settings):
    essen.operator.accessibility_feedback_email = "barrierefrei@example.org"
    essen.operator.save()
    r = client.post(
        "/de/barrierefreiheit/feedback/", {"message": "Der Kontrast im Kartenteil ist zu schwach."}, **H
    )
    assert r.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["barrierefrei@example.org"]
    assert "Kontrast" in message.body


def test_accessibility_feedback_without_operator_address_goes_to_administrators(
    client, essen, platform_admin
):
    client.post("/de/barrierefreiheit/feedback/", {"message": "Ein Link ist nicht erreichbar."}, **H)
    assert mail.outbox[0].to == [platform_admin.email]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({}, "Bitte beschreiben Sie die Barriere."),
        ({"message": "x" * 5001}, "höchstens 5000 Zeichen"),
        ({"message": "Hallo", "email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"message": "Hallo", "email": "a@example.org"}, "brauchen wir Ihr Einverständnis"),
        ({"message": "Null\x00Byte"}, ""),
    ],
)
def test_accessibility_feedback_invalid_input(client, essen, data, fragment):
    r = client.post("/de/barrierefreiheit/feedback/", data, **H)
    assert r.status_code == 400
    assert fragment in text(r)
    assert mail.outbox == []


def test_accessibility_feedback_honeypot_sends_nothing(client, essen, platform_admin):
    r = client.post("/de/barrierefreiheit/feedback/", {"message": "Spam", "website": "http://spam"}, **H)
    assert r.status_code == 302
    assert mail.outbox == []


def test_accessibility_feedback_is_rate_limited(client, essen, platform_admin):
    for _ in range(10):
        client.post("/de/barrierefreiheit/feedback/", {"message": "Meldung"}, **H)
    r = client.post("/de/barrierefreiheit/feedback/", {"message": "Meldung"}, **H)
    assert r.status_code == 429
    assert len(mail.outbox) == 10


def test_error_pages_in_the_sites_look_and_language(client, essen):
    r = client.get("/en/bezirke/x/", **H)
    assert r.status_code == 404
    page = text(r)
    assert '<html lang="en"' in page and "kern.min.css" in page


def test_no_page_loads_anything_from_another_host(client, essen):
    import re

    for path in [
        "/de/",
        "/de/bezirke/",
        "/de/stadtteile/werden/",
        "/de/datenquellen/",
        "/de/konto/anmelden/",
    ]:
        r = client.get(path, **H)
        page = text(r)
        for attr in re.findall(r'(?:src|href)="(https?://[^"]+)"', page):
            assert attr.startswith(
                ("https://www.govdata.de", "https://creativecommons.org", "https://opendatacommons.org")
            ), attr
        assert re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="https?://', page) == []
        assert "default-src 'self'" in r["Content-Security-Policy"]
