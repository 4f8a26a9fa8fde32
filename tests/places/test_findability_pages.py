"""Findable from where people are: programme links on the home page, the event list and the district page; the
next events and offers on district and Stadtteil pages, with links to the filtered lists, in few queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.events.models import Event, Programme
from quartier.events.services import event_occurrences_sync
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood
from tests.offers.conftest import make_offer

H = {"HTTP_HOST": "127.0.0.1"}


@pytest.fixture
def organisation(essen):
    return Organisation.objects.create(city=essen, name="Demo-Treff", slug="demo-treff", kind="association")


def _event(essen, organisation, title, *, days, place="Altendorf", status="published", programme=None):
    start = timezone.now() + timedelta(days=days)
    event = Event.objects.create(
        city=essen,
        organisation=organisation,
        title=title,
        slug=title.lower().replace(" ", "-"),
        description="Demo",
        type="festival",
        start=start,
        end=start + timedelta(hours=2),
        venue_name="Treffpunkt",
        neighbourhood=Neighbourhood.objects.get(city=essen, name=place),
        status=status,
        programme=programme,
    )
    event_occurrences_sync(event=event)
    return event


def _programme(essen, slug, *, starts, ends, districts=("III",)):
    today = timezone.localdate()
    programme = Programme.objects.create(
        city=essen,
        title=f"Begegnungen {slug}",
        slug=slug,
        starts_on=today + timedelta(days=starts),
        ends_on=today + timedelta(days=ends),
    )
    programme.districts.set(District.objects.filter(city=essen, number__in=districts))
    return programme


@pytest.fixture
def programmes(essen, organisation):
    current = _programme(essen, "jetzt", starts=-2, ends=20)
    _event(essen, organisation, "Programmfest", days=3, programme=current)
    past = _programme(essen, "vorbei", starts=-60, ends=-30)
    _event(essen, organisation, "Altes Fest", days=2, programme=past)
    unpublished = _programme(essen, "entwurf", starts=1, ends=30)
    _event(essen, organisation, "Entwurfsfest", days=4, programme=unpublished, status="draft")
    elsewhere = _programme(essen, "anderswo", starts=0, ends=10, districts=("IV",))
    _event(essen, organisation, "Fest in IV", days=5, place="Borbeck-Mitte", programme=elsewhere)
    return current, past, unpublished, elsewhere


def test_current_published_programmes_are_linked_from_home_event_list_and_district(client, programmes):
    current, past, unpublished, elsewhere = programmes
    for path in ("/de/", "/de/veranstaltungen/"):
        page = client.get(path, **H).content.decode()
        assert f'href="/de/programme/{current.slug}/"' in page, path
        assert f'href="/de/programme/{elsewhere.slug}/"' in page, path
        assert f"/de/programme/{past.slug}/" not in page and f"/de/programme/{unpublished.slug}/" not in page
    district = client.get("/de/bezirke/iii/", **H).content.decode()
    assert f'href="/de/programme/{current.slug}/"' in district
    assert f"/de/programme/{elsewhere.slug}/" not in district  # a programme of another district


def test_no_programme_no_section(client, essen):
    for path in ("/de/", "/de/veranstaltungen/", "/de/bezirke/iii/"):
        assert 'id="programmes-title"' not in client.get(path, **H).content.decode(), path


def test_district_page_shows_the_next_five_events_and_offers_with_links(client, essen, organisation):
    for i in range(7):
        _event(essen, organisation, f"Treffen {i}", days=i + 1)
    _event(essen, organisation, "Fest in IV", days=1, place="Borbeck-Mitte")
    _event(essen, organisation, "Entwurf", days=1, status="draft")
    for i in range(6):
        make_offer(essen, organisation, f"Sprachcafe {i}", places=("Altendorf",))
    make_offer(essen, organisation, "Angebot in Borbeck", places=("Borbeck-Mitte",))
    district = District.objects.get(city=essen, number="III")
    page = client.get("/de/bezirke/iii/", **H).content.decode()
    assert "Nächste Veranstaltungen" in page
    shown = [f"Treffen {i}" for i in range(7) if f">Treffen {i}<" in page]
    assert shown == [f"Treffen {i}" for i in range(5)]  # the next five, by date
    assert "Fest in IV" not in page and ">Entwurf<" not in page
    assert sum(f">Sprachcafe {i}<" in page for i in range(6)) == 5 and "Angebot in Borbeck" not in page
    assert f'href="/de/veranstaltungen/?district={district.pk}"' in page
    assert f'href="/de/angebote/?district={district.pk}"' in page
    # the links lead to lists filtered to this district
    listed = client.get(f"/de/veranstaltungen/?district={district.pk}", **H).content.decode()
    assert "Treffen 6" in listed and "Fest in IV" not in listed


def test_stadtteil_page_shows_its_events_and_offers(client, essen, organisation):
    _event(essen, organisation, "Nachbarschaftsfest", days=2, place="Altendorf")
    _event(essen, organisation, "Fest nebenan", days=2, place="Frohnhausen")
    make_offer(essen, organisation, "Hausaufgabenhilfe", places=("Altendorf",))
    altendorf = Neighbourhood.objects.get(city=essen, name="Altendorf")
    page = client.get("/de/stadtteile/altendorf/", **H).content.decode()
    assert "Nachbarschaftsfest" in page and "Fest nebenan" not in page and "Hausaufgabenhilfe" in page
    assert f'href="/de/veranstaltungen/?neighbourhood={altendorf.pk}"' in page
    assert f'href="/de/angebote/?neighbourhood={altendorf.pk}"' in page


def test_empty_district_says_so(client, essen):
    page = client.get("/de/bezirke/iii/", **H).content.decode()
    assert "noch keine Veranstaltungen eingetragen" in page and "noch keine Angebote eingetragen" in page


def test_district_and_stadtteil_pages_stay_within_a_query_budget(
    client, essen, organisation, programmes, django_assert_max_num_queries
):
    for i in range(12):
        _event(essen, organisation, f"Treffen {i}", days=i + 1)
        make_offer(essen, organisation, f"Kurs {i}", places=("Altendorf", "Frohnhausen"))
    client.get("/de/bezirke/iii/", **H)  # the map and the finder index are built once per process
    with django_assert_max_num_queries(16):
        assert client.get("/de/bezirke/iii/", **H).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/de/stadtteile/altendorf/", **H).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/de/", **H).status_code == 200


def test_filters_fold_with_the_number_of_active_filters(client, essen):
    page = client.get("/de/veranstaltungen/?type=festival&free=on", **H).content.decode()
    assert '<details class="filter-fold" data-filter-fold open>' in page and "(2 Filter aktiv)" in page
    assert "filters.js" in page
    offers = client.get("/de/angebote/?q=Sprache", **H).content.decode()
    assert "data-filter-fold" in offers and "(1 Filter aktiv)" in offers
    assert "Filter aktiv" not in client.get("/de/angebote/", **H).content.decode()


def test_header_has_a_menu_button_for_small_screens(client, essen):
    page = client.get("/de/", **H).content.decode()
    assert (
        'aria-controls="site-menu"' in page and 'aria-expanded="false"' in page and 'id="site-menu"' in page
    )
    assert "nojs.css" in page and "menu.js" in page


def test_finder_form_leads_to_the_answer(client, essen):
    page = client.get("/de/", **H).content.decode()
    assert 'action="/de/finden/#ergebnis"' in page
    answer = client.get("/de/finden/", {"q": "Altendorf"}, **H).content.decode()
    assert 'id="ergebnis" tabindex="-1"' in answer
