"""The public offer pages: the list with search, filters, pager and map; one offer; the organisation page; the
one-click confirmation link; hidden offers nowhere; hostile input a 400 or 404, never a 500, and no GET changes
anything."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quartier.core.models import AuditEntry
from quartier.offers import services
from quartier.offers.models import Offer, OfferCategory
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood

from .conftest import make_offer

LIST = "/de/angebote/"


@pytest.fixture
def offers(essen, organisation):
    return {
        "cafe": make_offer(
            essen,
            organisation,
            "Sprachcafé am Mittwoch",
            "Deutsch sprechen üben in entspannter Runde.",
            category_slug="language-cafe",
            languages=["de", "ar"],
            target_groups=["newcomers"],
            venue_name="Stadtteilzentrum Altendorf",
            venue_street="Helenenstraße 1",
            venue_postal_code="45143",
            contact_name="Team Sprachcafé",
            contact_email="sprachcafe-demo@example.org",
            contact_phone="0201 123456",
            step_free=True,
            accessibility_note="Eingang über den Hof.",
            schedule_note="nicht in den Schulferien",
        ),
        "steele": make_offer(
            essen,
            organisation,
            "Internationales Sprachcafé Steele",
            "Gespräche mit Nachbarinnen und Nachbarn.",
            category_slug="language-cafe",
            places=("Steele",),
            is_free=False,
            cost="1 € pro Treffen",
            languages=["tr"],
        ),
        "advice": make_offer(
            essen,
            organisation,
            "Migrationsberatung für Erwachsene",
            "Beratung zu Aufenthalt, Arbeit und Wohnen.",
            category_slug="counselling",
            citywide=True,
            places=(),
            schedule="appointment",
            weekly_times=[],
            target_groups=["refugees"],
            languages=["fa"],
        ),
        "football": make_offer(
            essen,
            organisation,
            "Fußball für Mädchen",
            "Training in der Halle.",
            category_slug="sports-group",
            places=("Frohnhausen",),
            target_groups=["youth"],
            weekly_times=[
                {"weekday": 4, "start": "17:00", "end": "18:30"},
                {"weekday": 0, "start": "16:00", "end": "17:30"},
            ],
        ),
    }


def hide(offer, **changes):
    Offer.objects.filter(pk=offer.pk).update(**changes)


@pytest.fixture
def hidden(essen, organisation):
    made = {
        "draft": make_offer(essen, organisation, "Verstecktes Entwurfsangebot", status="draft"),
        "archived": make_offer(essen, organisation, "Verstecktes beendetes Angebot", status="archived"),
        "stale": make_offer(essen, organisation, "Verstecktes unbestätigtes Angebot"),
    }
    hide(made["stale"], confirmed_at=timezone.now() - Offer.hidden_after() - timedelta(days=1))
    return made


def html_of(response) -> str:
    return response.content.decode()


def result_titles(response) -> list[str]:
    return re.findall(
        r'<h3 class="kern-title"><a class="kern-link" href="/de/angebote/[^"]+">([^<]+)</a>',
        html_of(response),
    )


# --- the list -------------------------------------------------------------------------------------------------


def test_list_shows_every_visible_offer_with_its_facts(client, offers, hidden):
    response = client.get(LIST)
    html = html_of(response)
    assert response.status_code == 200
    assert sorted(result_titles(response)) == sorted(o.title for o in offers.values())
    assert "4 Angebote" in html
    assert "Versteckt" not in html
    assert "mittwochs 16:00–18:00 Uhr" in html
    assert "montags 16:00–17:30 Uhr; freitags 17:00–18:30 Uhr" in html  # sorted by weekday
    assert "nach Vereinbarung" in html
    assert "ganze Stadt" in html
    assert "1 € pro Treffen" in html and "kostenlos" in html
    assert 'href="/de/organisationen/nachbarschaftsverein-demo/"' in html
    assert ">Beratung · " in html and ">Sportgruppe · " in html  # the category of each result
    assert 'href="/de/angebote/"' in html  # the navigation link


@pytest.mark.parametrize(("lang", "dir_"), [("de", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_list_in_each_language(client, offers, lang, dir_):
    response = client.get(f"/{lang}/angebote/")
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{dir_}">' in html_of(response)
    assert "Fußball für Mädchen" in html_of(response)


def test_search_finds_the_best_match_first(client, offers):
    response = client.get(LIST, {"q": "Beratung"})
    assert response.status_code == 200
    assert result_titles(response)[0] == "Migrationsberatung für Erwachsene"
    assert result_titles(client.get(LIST, {"q": "Fussball"})) == ["Fußball für Mädchen"]
    none = client.get(LIST, {"q": "Zahnarztpraxis"})
    assert none.status_code == 200
    assert result_titles(none) == []
    assert "Keine Angebote für diese Auswahl." in html_of(none)
    assert 'value="Zahnarztpraxis"' in html_of(none)  # the search stays in the box


def test_each_filter(client, essen, offers):
    steele = Neighbourhood.objects.get(city=essen, name="Steele")
    frohnhausen = Neighbourhood.objects.get(city=essen, name="Frohnhausen")
    counselling = OfferCategory.objects.get(city=essen, slug="counselling")
    cases = [
        (
            {"neighbourhood": steele.pk},
            {"Internationales Sprachcafé Steele", "Migrationsberatung für Erwachsene"},
        ),
        (
            {"district": frohnhausen.district_id},
            {"Fußball für Mädchen", "Sprachcafé am Mittwoch", "Migrationsberatung für Erwachsene"},
        ),
        ({"category": counselling.pk}, {"Migrationsberatung für Erwachsene"}),
        ({"target_group": "youth"}, {"Fußball für Mädchen"}),
        ({"language": "tr"}, {"Internationales Sprachcafé Steele"}),
        ({"language": "ar"}, {"Sprachcafé am Mittwoch"}),
        (
            {"free": "on"},
            {"Sprachcafé am Mittwoch", "Migrationsberatung für Erwachsene", "Fußball für Mädchen"},
        ),
    ]
    for query, expected in cases:
        response = client.get(LIST, query)
        assert response.status_code == 200, query
        assert set(result_titles(response)) == expected, query
    assert Neighbourhood.objects.get(pk=steele.pk).district_id != frohnhausen.district_id


def test_filter_choices(client, essen, offers, hidden):
    html = html_of(client.get(LIST))
    # languages of visible offers only, with their names
    language_select = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    values = re.findall(r'<option value="([^"]*)"', language_select)
    assert set(values) == {"", "de", "ar", "tr", "fa"}
    assert ">Türkisch<" in language_select and ">Persisch<" in language_select
    category_select = re.search(r'<select name="category".*?</select>', html, re.S).group(0)
    assert ">Sprachcafé<" in category_select
    OfferCategory.objects.filter(city=essen, slug="digital").update(is_active=False)
    category_select = re.search(
        r'<select name="category".*?</select>', html_of(client.get(LIST)), re.S
    ).group(0)
    assert ">Digitales<" not in category_select
    assert ">Altendorf<" in re.search(r'<select name="neighbourhood".*?</select>', html, re.S).group(0)
    assert 'name="district"' in html and 'name="target_group"' in html and 'name="free"' in html


def test_pagination_twenty_per_page(client, essen, organisation):
    for i in range(23):
        make_offer(essen, organisation, f"Seitentest Angebot {i:02d}")
    first = client.get(LIST)
    assert len(result_titles(first)) == 20
    assert "23 Angebote" in html_of(first)
    assert "Seite 1 von 2" in html_of(first)
    assert 'rel="next" href="?page=2"' in html_of(first)
    filtered = client.get(LIST, {"q": "Seitentest"})
    assert 'href="?q=Seitentest&amp;page=2"' in html_of(filtered)
    second = client.get(LIST, {"q": "Seitentest", "page": "2"})
    assert second.status_code == 200
    assert len(result_titles(second)) == 3
    assert 'rel="prev"' in html_of(second)
    assert not set(result_titles(first)) & set(result_titles(second))
    assert client.get(LIST, {"page": "3"}).status_code == 404


def test_map_highlights_the_stadtteile_of_the_page_and_links_to_the_filtered_list(client, essen, offers):
    html = html_of(
        client.get(LIST, {"category": OfferCategory.objects.get(city=essen, slug="sports-group").pk})
    )
    frohnhausen = Neighbourhood.objects.get(city=essen, name="Frohnhausen")
    steele = Neighbourhood.objects.get(city=essen, name="Steele")
    assert '<svg class="city-map"' in html
    areas = re.findall(r'<a href="/de/angebote/\?neighbourhood=(\d+)" class="([^"]+)"', html)
    assert len(areas) > 40
    classes = dict(areas)
    assert "is-selected" in classes[str(frohnhausen.pk)]
    assert "is-selected" not in classes[str(steele.pk)]
    assert sum("is-selected" in c for c in classes.values()) == 1
    # following an area's link filters by that Stadtteil
    response = client.get(LIST, {"neighbourhood": steele.pk})
    assert set(result_titles(response)) == {
        "Internationales Sprachcafé Steele",
        "Migrationsberatung für Erwachsene",
    }


# --- one offer --------------------------------------------------------------------------------------------------


def test_detail_shows_everything_public(client, essen, offers):
    offer = offers["cafe"]
    response = client.get(f"/de/angebote/{offer.slug}/")
    html = html_of(response)
    assert response.status_code == 200
    altendorf = Neighbourhood.objects.get(city=essen, name="Altendorf")
    for text in [
        '<h1 class="kern-heading-large">Sprachcafé am Mittwoch</h1>',
        "Deutsch sprechen üben in entspannter Runde.",
        "Sprachcafé",
        "Neuzugewanderte",
        "Deutsch, Arabisch",
        "mittwochs 16:00–18:00 Uhr",
        "nicht in den Schulferien",
        f'href="/de/stadtteile/{altendorf.slug}/">Altendorf</a>',
        "Stadtteilzentrum Altendorf, Helenenstraße 1, 45143 Essen",
        "kostenlos",
        "Team Sprachcafé",
        'href="mailto:sprachcafe-demo@example.org"',
        "0201 123456",
        "stufenlos erreichbar",
        "Eingang über den Hof.",
        'href="/de/organisationen/nachbarschaftsverein-demo/">Nachbarschaftsverein Demo e. V.</a>',
        f"Zuletzt bestätigt am {timezone.localtime(offer.confirmed_at):%-d}.",
    ]:
        assert text in html, text
    assert re.search(rf'<a href="/de/stadtteile/{altendorf.slug}/" class="[^"]*is-selected', html)
    steele = client.get(f"/de/angebote/{offers['steele'].slug}/")
    assert "1 € pro Treffen" in html_of(steele)
    advice = html_of(client.get(f"/de/angebote/{offers['advice'].slug}/"))
    assert "ganze Stadt" in advice and "nach Vereinbarung" in advice


def test_hidden_offers_are_404_and_absent_everywhere(client, organisation, offers, hidden):
    for offer in hidden.values():
        assert client.get(f"/de/angebote/{offer.slug}/").status_code == 404, offer.title
    assert "Versteckt" not in html_of(client.get(LIST))
    searched = client.get(LIST, {"q": "Verstecktes"})
    assert result_titles(searched) == []
    assert "0 Angebote" in html_of(searched)
    org_page = html_of(client.get(f"/de/organisationen/{organisation.slug}/"))
    assert "Versteckt" not in org_page
    assert "Sprachcafé am Mittwoch" in org_page
    assert client.get("/de/angebote/gibt-es-nicht/").status_code == 404


def test_offer_of_another_city_is_not_shown(client, essen, offers):
    assert (
        Offer.objects.exclude(city=essen).count() == 0
    )  # only Essen is loaded: the lookup is per city anyway
    assert client.get(f"/de/angebote/{offers['cafe'].slug}/").status_code == 200


# --- the organisation page ------------------------------------------------------------------------------------


def test_organisation_page(client, essen, organisation, offers):
    Organisation.objects.filter(pk=organisation.pk).update(
        description="Wir sind ein Verein im Essener Westen.",
        contact_name="Geschäftsstelle",
        email="info-demo@example.org",
        phone="0201 987654",
        website="https://verein.example.org/",
    )
    response = client.get(f"/de/organisationen/{organisation.slug}/")
    html = html_of(response)
    assert response.status_code == 200
    for text in [
        "Nachbarschaftsverein Demo e. V.",
        "Verein",
        "Wir sind ein Verein im Essener Westen.",
        "Geschäftsstelle",
        'href="mailto:info-demo@example.org"',
        "0201 987654",
        'href="https://verein.example.org/"',
        f'href="/de/angebote/{offers["football"].slug}/">Fußball für Mädchen</a>',
    ]:
        assert text in html, text
    other = Organisation.objects.create(
        city=essen, name="Leerer Verein", slug="leerer-verein", kind="initiative"
    )
    empty = client.get(f"/de/organisationen/{other.slug}/")
    assert empty.status_code == 200
    assert "Zurzeit keine Angebote." in html_of(empty)
    assert "Fußball" not in html_of(empty)
    assert client.get("/de/organisationen/gibt-es-nicht/").status_code == 404


# --- the confirmation link ------------------------------------------------------------------------------------


@pytest.fixture
def stale_offer(essen, organisation):
    offer = make_offer(essen, organisation, "Elterncafé Katernberg", places=("Katernberg",))
    hide(
        offer,
        confirmed_at=timezone.now() - Offer.hidden_after() - timedelta(days=3),
        reminder_sent_at=timezone.now(),
    )
    offer.refresh_from_db()
    return offer, services.offer_confirm_token_create(offer=offer)


def assert_secret_headers(response):
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_confirmation_get_shows_the_offer_and_changes_nothing(client, stale_offer):
    offer, token = stale_offer
    response = client.get(f"/de/angebote/bestaetigen/{token}/")
    html = html_of(response)
    assert response.status_code == 200
    assert_secret_headers(response)
    assert "Elterncafé Katernberg" in html
    assert re.search(
        r'<form method="post"[^>]*>\s*<button type="submit"[^>]*><span class="kern-label">Angebot bestätigen',
        html,
    )
    assert Offer.objects.get(pk=offer.pk).confirmed_at == offer.confirmed_at
    assert client.get(f"/de/angebote/{offer.slug}/").status_code == 404  # still hidden


def test_confirmation_post_confirms_once(essen, stale_offer):
    offer, token = stale_offer
    # A real browser posts with "Origin: null" from a no-referrer page: the token is what counts.
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/de/angebote/bestaetigen/{token}/", HTTP_ORIGIN="null")
    assert response.status_code == 200
    assert_secret_headers(response)
    assert "ist bestätigt" in html_of(response)
    fresh = Offer.objects.get(pk=offer.pk)
    assert timezone.now() - fresh.confirmed_at < timedelta(minutes=1)
    assert fresh.reminder_sent_at is None
    assert AuditEntry.objects.filter(action="offer.confirmed", target_id=str(offer.pk)).count() == 1
    assert client.get(f"/de/angebote/{offer.slug}/").status_code == 200  # listed again
    assert client.post(f"/de/angebote/bestaetigen/{token}/").status_code == 404  # used


@pytest.mark.parametrize(
    "token", ["falsch", "x" * 43, "a" * 101, "%00abc", "..%2F..%2Fetc", "<script>alert(1)</script>"]
)
def test_wrong_confirmation_tokens_are_404(client, stale_offer, token):
    offer, _token = stale_offer
    assert client.get(f"/de/angebote/bestaetigen/{token}/").status_code == 404
    assert client.post(f"/de/angebote/bestaetigen/{token}/").status_code == 404
    assert Offer.objects.get(pk=offer.pk).confirmed_at == offer.confirmed_at


def test_confirmation_of_an_archived_offer_is_404(client, stale_offer):
    offer, token = stale_offer
    hide(offer, status=Offer.Status.ARCHIVED)
    assert client.get(f"/de/angebote/bestaetigen/{token}/").status_code == 404


def test_confirmation_lookups_are_rate_limited(client, stale_offer):
    _offer, token = stale_offer
    codes = [client.get(f"/de/angebote/bestaetigen/wrong-{i:030d}/").status_code for i in range(30)]
    assert set(codes) == {404}
    limited = client.get(f"/de/angebote/bestaetigen/{token}/")
    assert limited.status_code == 429
    assert_secret_headers(limited)


# --- hostile input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "neighbourhood=999999",
        "neighbourhood=abc",
        "neighbourhood=1%00",
        "district=999999",
        "district=-1",
        "category=999999",
        "category=1.5",
        "target_group=aliens",
        "language=xx",
        "language=%00",
        "q=" + "a" * 201,
        "q=Sprach%00caf",
    ],
)
def test_invalid_filters_are_400_with_the_errors(client, offers, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="form-errors"' in html
    assert result_titles(response) == []


def test_category_of_another_city_or_inactive_is_400(client, essen, offers):
    digital = OfferCategory.objects.get(city=essen, slug="digital")
    assert client.get(LIST, {"category": digital.pk}).status_code == 200
    OfferCategory.objects.filter(pk=digital.pk).update(is_active=False)
    assert client.get(LIST, {"category": digital.pk}).status_code == 400
    assert District.objects.filter(city=essen).count() == 9


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "%00", "99999999999"])
def test_bad_page_numbers_are_404(client, offers, page):
    assert client.get(f"{LIST}?page={page}").status_code == 404


def test_hostile_search_is_escaped(client, offers):
    response = client.get(LIST, {"q": '<script>alert("x")</script> Sprachcafé'})
    assert response.status_code == 200
    html = html_of(response)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    for q in ['"', "'", "*", "OR", "NEAR(", "a" * 200, "ß" * 200, "%", "\\"]:
        assert client.get(LIST, {"q": q}).status_code == 200, q


@pytest.mark.parametrize(
    "path",
    [
        "/de/angebote/%00/",
        "/de/angebote/abc%00def/",
        "/de/angebote/" + "a" * 500 + "/",
        "/de/organisationen/%00/",
        "/de/organisationen/123/",
        "/de/angebote/bestaetigen/%00/",
    ],
)
def test_hostile_paths_are_404(client, offers, path):
    assert client.get(path).status_code == 404


def test_get_changes_nothing(client, organisation, offers, stale_offer):
    offer, token = stale_offer
    before = list(
        Offer.objects.order_by("pk").values_list("pk", "confirmed_at", "version", "confirm_token_hash")
    )
    for path in [
        LIST,
        f"{LIST}?q=Sprachcafé",
        f"/de/angebote/{offers['cafe'].slug}/",
        f"/de/organisationen/{organisation.slug}/",
        f"/de/angebote/bestaetigen/{token}/",
    ]:
        assert client.get(path).status_code == 200, path
    after = list(
        Offer.objects.order_by("pk").values_list("pk", "confirmed_at", "version", "confirm_token_hash")
    )
    assert before == after
    assert client.put(f"/de/angebote/bestaetigen/{token}/").status_code == 405
    assert client.post(LIST).status_code == 405
