"""The workspace pages where organisations maintain their offers and coordinators correct them: create, edit,
optimistic locking, validation (400, nothing stored), confirmation, the list's markers and who gets what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.offers.models import Offer, OfferCategory
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood
from tests.conftest import make_user
from tests.offers.conftest import make_offer

H = {"HTTP_HOST": "127.0.0.1"}
LIST = "/de/arbeitsbereich/angebote/"


def create_url(organisation):
    return f"/de/arbeitsbereich/angebote/neu/{organisation.pk}/"


def edit_url(offer):
    return f"/de/arbeitsbereich/angebote/{offer.pk}/bearbeiten/"


def confirm_url(offer):
    return f"/de/arbeitsbereich/angebote/{offer.pk}/bestaetigen/"


def place(essen, name):
    return Neighbourhood.objects.get(city=essen, name=name)


def valid(essen, **changes):
    data = {
        "title": "Sprachcafé am Mittwoch",
        "description": "Wir sprechen Deutsch bei Kaffee und Kuchen.",
        "category": str(OfferCategory.objects.get(city=essen, slug="language-cafe").pk),
        "target_groups": ["newcomers", "women"],
        "languages": ["de", "ar"],
        "schedule": "weekly",
        "weekday_0": "2",
        "start_0": "16:00",
        "end_0": "18:00",
        "weekday_1": "4",
        "start_1": "10:00",
        "end_1": "11:30",
        "schedule_note": "nicht in den Ferien",
        "neighbourhoods": [str(place(essen, "Altendorf").pk)],
        "venue_name": "Stadtteilzentrum",
        "venue_street": "Altendorfer Straße 1",
        "venue_postal_code": "45143",
        "latitude": "51.4556",
        "longitude": "6.9916",
        "cost": "",
        "is_free": "on",
        "contact_name": "Team Sprachcafé",
        "contact_email": "sprachcafe@example.org",
        "contact_phone": "0201 123456",
        "step_free": "on",
        "childcare": "on",
        "accessibility_note": "Eingang hinten",
        "status": "published",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def member(essen, organisation):
    user = make_user("mitglied-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    organisation.members.create(user=user)
    return user


@pytest.fixture
def other_organisation(essen):
    return Organisation.objects.create(
        city=essen, name="Andere Initiative Demo", slug="andere-demo", kind="initiative"
    )


@pytest.fixture
def offer(essen, organisation):
    return make_offer(essen, organisation, "Elterncafé Altendorf", places=("Altendorf",))


# --- create and edit --------------------------------------------------------------------------------------------


def test_member_creates_an_offer_with_every_value(client, essen, organisation, member):
    client.force_login(member)
    page = client.get(create_url(organisation), **H)
    assert page.status_code == 200
    assert "Neues Angebot" in page.content.decode()
    response = client.post(create_url(organisation), valid(essen), **H)
    assert response.status_code == 302
    offer = Offer.objects.get(title="Sprachcafé am Mittwoch")
    assert response["Location"] == edit_url(offer)
    assert offer.organisation == organisation and offer.city == essen
    assert offer.category.slug == "language-cafe"
    assert offer.target_groups == ["newcomers", "women"]
    assert offer.languages == ["de", "ar"]
    assert offer.weekly_times == [
        {"weekday": 2, "start": "16:00", "end": "18:00"},
        {"weekday": 4, "start": "10:00", "end": "11:30"},
    ]
    assert offer.schedule_note == "nicht in den Ferien"
    assert [n.name for n in offer.neighbourhoods.all()] == ["Altendorf"]
    assert not offer.citywide
    assert (offer.latitude, offer.longitude) == (51.4556, 6.9916)
    assert offer.venue_postal_code == "45143" and offer.contact_email == "sprachcafe@example.org"
    assert offer.is_free and offer.step_free and offer.childcare and not offer.hearing_loop
    assert offer.accessibility_note == "Eingang hinten"
    assert offer.status == Offer.Status.PUBLISHED


def test_by_appointment_citywide_without_coordinates(client, essen, organisation, member):
    client.force_login(member)
    data = valid(
        essen,
        schedule="appointment",
        neighbourhoods=None,
        citywide="on",
        latitude="",
        longitude="",
        is_free=None,
    )
    data["cost"] = "5 € im Monat"
    data["status"] = "draft"
    assert client.post(create_url(organisation), data, **H).status_code == 302
    offer = Offer.objects.get()
    assert offer.schedule == "appointment" and offer.weekly_times == []
    assert offer.citywide and not offer.neighbourhoods.exists()
    assert offer.latitude is None and not offer.is_free and offer.cost == "5 € im Monat"
    assert offer.status == Offer.Status.DRAFT


def test_map_link_preselects_a_stadtteil(client, essen, organisation, member):
    client.force_login(member)
    altendorf = place(essen, "Altendorf")
    html = client.get(create_url(organisation), {"neighbourhood": altendorf.pk}, **H).content.decode()
    import re

    boxes = re.findall(r'<input[^>]*name="neighbourhoods"[^>]*>', html)
    assert [b for b in boxes if " checked" in b] == [
        b for b in boxes if f'value="{altendorf.pk}"' in b
    ] and len(boxes) > 40
    assert f"{create_url(organisation)}?neighbourhood={altendorf.pk}#offer-places" in html
    assert 'aria-current="location"' in html
    # nonsense is ignored, not an error
    assert client.get(create_url(organisation), {"neighbourhood": "x" * 50}, **H).status_code == 200


def test_member_edits_their_offer(client, essen, organisation, member, offer):
    client.force_login(member)
    page = client.get(edit_url(offer), **H)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Elterncafé Altendorf"' in html and 'name="version" value="1"' in html
    data = valid(essen, title="Elterncafé Altendorf (neu)", version="1", status="archived")
    data["neighbourhoods"] = [str(place(essen, "Altendorf").pk), str(place(essen, "Frohnhausen").pk)]
    assert client.post(edit_url(offer), data, **H).status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Elterncafé Altendorf (neu)" and offer.version == 2
    assert offer.status == Offer.Status.ARCHIVED
    assert sorted(n.name for n in offer.neighbourhoods.all()) == ["Altendorf", "Frohnhausen"]


def test_coordinator_corrects_offers_in_their_district_only(
    client, essen, organisation, offer, coordinator_iii
):
    kettwig = make_offer(essen, organisation, "Sportgruppe Kettwig", places=("Kettwig",))
    client.force_login(coordinator_iii)
    assert client.get(edit_url(offer), **H).status_code == 200
    assert client.post(edit_url(offer), valid(essen, title="Korrigiert", version="1"), **H).status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Korrigiert"
    assert client.get(edit_url(kettwig), **H).status_code == 404
    assert client.post(edit_url(kettwig), valid(essen, version="1"), **H).status_code == 404
    assert client.post(confirm_url(kettwig), **H).status_code == 404
    kettwig.refresh_from_db()
    assert kettwig.title == "Sportgruppe Kettwig"
    html = client.get(LIST, **H).content.decode()
    assert "Korrigiert" in html and "Sportgruppe Kettwig" not in html


def test_coordinator_creates_for_organisations_active_in_their_district(
    client, essen, organisation, coordinator_iii, coordinator_iv
):
    organisation.districts.add(District.objects.get(city=essen, number="III"))
    client.force_login(coordinator_iii)
    assert client.get(create_url(organisation), **H).status_code == 200
    client.force_login(coordinator_iv)
    assert client.get(create_url(organisation), **H).status_code == 403


def test_stranger_gets_403_on_create(client, essen, organisation, other_organisation, member):
    client.force_login(member)
    assert client.get(create_url(other_organisation), **H).status_code == 403
    assert client.post(create_url(other_organisation), valid(essen), **H).status_code == 403
    assert not Offer.objects.exists()
    assert client.get("/de/arbeitsbereich/angebote/neu/999999/", **H).status_code == 404


def test_member_of_another_organisation_gets_404_on_edit(client, essen, other_organisation, offer):
    user = make_user("fremd-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    other_organisation.members.create(user=user)
    client.force_login(user)
    assert client.get(edit_url(offer), **H).status_code == 404
    assert "Elterncafé Altendorf" not in client.get(LIST, **H).content.decode()


@pytest.mark.parametrize("roles", [[], [(Role.COMPETENCE_MEMBER, "III")], [(Role.CENTRAL_STEERING, None)]])
def test_people_without_offers_get_403_on_the_list(client, essen, offer, roles):
    client.force_login(make_user("jemand-demo@example.org", roles=roles, city=essen))
    assert client.get(LIST, **H).status_code == 403
    assert client.get(edit_url(offer), **H).status_code == 404


@pytest.mark.parametrize("role", [Role.FALLBACK, Role.CITY_ADMIN])
def test_citywide_staff_edit_everything(client, essen, organisation, offer, role):
    client.force_login(make_user("stadt-demo@example.org", roles=[(role, None)], city=essen))
    assert client.get(edit_url(offer), **H).status_code == 200
    assert client.get(create_url(organisation), **H).status_code == 200
    assert "Angebote verwalten" in client.get(LIST, **H).content.decode()


def test_anonymous_is_sent_to_login(client, essen, organisation, offer):
    for url in (LIST, create_url(organisation), edit_url(offer)):
        response = client.get(url, **H)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    response = client.post(confirm_url(offer), **H)
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


# --- optimistic locking -----------------------------------------------------------------------------------------


def test_stale_version_is_409_keeps_typed_values_and_changes_nothing(client, essen, member, offer):
    client.force_login(member)
    Offer.objects.filter(pk=offer.pk).update(version=2, title="Von jemand anderem geändert")
    response = client.post(edit_url(offer), valid(essen, title="Meine Fassung", version="1"), **H)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="Meine Fassung"' in html
    assert "inzwischen geändert" in html
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    offer.refresh_from_db()
    assert offer.title == "Von jemand anderem geändert" and offer.version == 2


def test_missing_version_is_400(client, essen, member, offer):
    client.force_login(member)
    assert client.post(edit_url(offer), valid(essen, title="Ohne Version"), **H).status_code == 400
    offer.refresh_from_db()
    assert offer.title == "Elterncafé Altendorf"


# --- bad input --------------------------------------------------------------------------------------------------


def bad_cases(essen):
    return {
        "empty title": {"title": "   "},
        "no stadtteil": {"neighbourhoods": None},
        "foreign stadtteil id": {"neighbourhoods": ["999999"]},
        "end before start": {"start_0": "18:00", "end_0": "16:00"},
        "bad weekday": {"weekday_0": "9"},
        "weekday without times": {"weekday_2": "1"},
        "bad time": {"start_0": "25:99"},
        "no weekly time": {
            "weekday_0": "",
            "start_0": "",
            "end_0": "",
            "weekday_1": "",
            "start_1": "",
            "end_1": "",
        },
        "latitude out of range": {"latitude": "123.4"},
        "latitude not a number": {"latitude": "abc"},
        "latitude inf": {"latitude": "inf"},
        "only one coordinate": {"longitude": ""},
        "unknown category": {"category": "999999"},
        "category not a number": {"category": "x"},
        "inactive category": {
            "category": str(
                OfferCategory.objects.create(city=essen, slug="retired-demo", name="Alt", is_active=False).pk
            )
        },
        "nul byte": {"title": "Sprach\x00café"},
        "nul in description": {"description": "a\x00b"},
        "oversized description": {"description": "x" * 5001},
        "unknown language": {"languages": ["xx"]},
        "unknown target group": {"target_groups": ["aliens"]},
        "unknown status": {"status": "deleted"},
        "unknown schedule": {"schedule": "monthly"},
        "bad email": {"contact_email": "kein-at-zeichen"},
    }


def test_every_bad_input_is_400_and_stores_nothing(client, essen, organisation, member):
    client.force_login(member)
    for name, change in bad_cases(essen).items():
        response = client.post(create_url(organisation), valid(essen, **change), **H)
        assert response.status_code == 400, name
        assert "Bitte prüfen Sie Ihre Eingaben." in response.content.decode(), name
    assert not Offer.objects.exists()


def test_every_bad_input_on_edit_is_400_and_changes_nothing(client, essen, member, offer):
    client.force_login(member)
    for name, change in bad_cases(essen).items():
        response = client.post(edit_url(offer), valid(essen, version="1", **change), **H)
        assert response.status_code == 400, name
    offer.refresh_from_db()
    assert offer.title == "Elterncafé Altendorf" and offer.version == 1


def test_markup_is_escaped(client, essen, organisation, member):
    client.force_login(member)
    response = client.post(
        create_url(organisation), valid(essen, title="<script>alert(1)</script>", description=""), **H
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (
        client.post(create_url(organisation), valid(essen, title="<script>x</script>"), **H).status_code
        == 302
    )
    offer = Offer.objects.get()
    for url in (edit_url(offer), LIST):
        html = client.get(url, **H).content.decode()
        assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_get_and_put_only_as_allowed(client, essen, member, offer):
    client.force_login(member)
    assert client.get(confirm_url(offer), **H).status_code == 405
    assert client.put(edit_url(offer), **H).status_code == 405


def test_post_needs_csrf(essen, member, organisation):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(create_url(organisation), valid(essen), **H).status_code == 403
    assert not Offer.objects.exists()


# --- confirmation and the list ----------------------------------------------------------------------------------


def test_confirm_button_updates_confirmed_at(client, essen, member, offer):
    old = timezone.now() - Offer.stale_after() - timedelta(days=5)
    Offer.objects.filter(pk=offer.pk).update(confirmed_at=old)
    client.force_login(member)
    html = client.get(edit_url(offer), **H).content.decode()
    assert "Angebot ist aktuell – bestätigen" in html and "Bestätigung fällig" in html
    response = client.post(confirm_url(offer), **H)
    assert response.status_code == 302 and response["Location"] == edit_url(offer)
    offer.refresh_from_db()
    assert timezone.now() - offer.confirmed_at < timedelta(minutes=1)
    assert offer.version == 1  # confirming changes no content
    assert "Bestätigung fällig" not in client.get(edit_url(offer), **H).content.decode()


def test_list_marks_stale_and_hidden_offers(client, essen, organisation, member, offer):
    stale = make_offer(essen, organisation, "Hausaufgabenhilfe alt")
    hidden = make_offer(essen, organisation, "Frauentreff sehr alt")
    now = timezone.now()
    Offer.objects.filter(pk=stale.pk).update(confirmed_at=now - Offer.stale_after() - timedelta(days=1))
    Offer.objects.filter(pk=hidden.pk).update(confirmed_at=now - Offer.hidden_after() - timedelta(days=1))
    client.force_login(member)
    response = client.get(LIST, **H)
    assert response.status_code == 200
    rows = {
        title: row
        for row in response.content.decode().split('<tr class="kern-table__row">')[2:]
        for title in ("Elterncafé Altendorf", "Hausaufgabenhilfe alt", "Frauentreff sehr alt")
        if title in row
    }
    assert "Bestätigung fällig" not in rows["Elterncafé Altendorf"]
    assert (
        "offer-stale" in rows["Hausaufgabenhilfe alt"] and "ausgeblendet" not in rows["Hausaufgabenhilfe alt"]
    )
    assert "offer-hidden" in rows["Frauentreff sehr alt"] and "ausgeblendet" in rows["Frauentreff sehr alt"]
    assert "Altendorf" in rows["Elterncafé Altendorf"]
    # the member may create for their own organisation only
    html = response.content.decode()
    assert f'<option value="{organisation.pk}">' in html
    assert client.get("/de/arbeitsbereich/angebote/neu/", {"organisation": organisation.pk}, **H)[
        "Location"
    ] == create_url(organisation)
    assert client.get("/de/arbeitsbereich/angebote/neu/", {"organisation": "x"}, **H)["Location"] == LIST


def test_navigation_link_only_for_people_who_maintain_offers(client, essen, member):
    client.force_login(member)
    assert 'href="/de/arbeitsbereich/angebote/"' in client.get(LIST, **H).content.decode()
    other = make_user("kompetenz-demo@example.org", roles=[(Role.COMPETENCE_MEMBER, "III")], city=essen)
    client.force_login(other)
    html = client.get("/de/arbeitsbereich/", **H).content.decode()
    assert 'href="/de/arbeitsbereich/angebote/"' not in html
