"""Workspace pages for events: the organiser's editor and the coordinators' review."""

import pytest
from django.core import mail

from quartier.events.models import Event
from quartier.places.models import Neighbourhood

H = {"HTTP_HOST": "127.0.0.1"}


def event_data(essen, **overrides):
    data = {
        "title": "Spielenachmittag (Demo)",
        "description": "Brettspiele für alle.",
        "type": "meeting",
        "start": "2027-10-02T15:00",
        "end": "2027-10-02T18:00",
        "recurrence": "none",
        "recurrence_until": "",
        "exceptions_text": "",
        "online_url": "",
        "venue_name": "Demo-Treffpunkt",
        "venue_street": "",
        "venue_postal_code": "",
        "neighbourhood": Neighbourhood.objects.get(city=essen, name="Holsterhausen").pk,
        "languages": ["de", "tr"],
        "target_groups": ["families"],
        "is_free": "on",
        "cost": "",
        "registration": "none",
        "capacity": "",
        "programme": "",
    }
    data.update(overrides)
    return data


def test_organiser_drafts_submits_and_coordinator_publishes(
    client, essen, organiser, organisation, coordinator_iii
):
    client.force_login(organiser)
    r = client.post(f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/", event_data(essen), **H)
    assert r.status_code == 302
    event = Event.objects.get()
    assert event.status == Event.Status.DRAFT and event.languages == ["de", "tr"]
    assert event.start.isoformat() == "2027-10-02T13:00:00+00:00"  # entered as Berlin time (CEST)
    url = f"/de/arbeitsbereich/veranstaltungen/{event.pk}/"
    assert client.post(url, {"action": "submit", "message": ""}, **H).status_code == 302
    assert client.post(url, {"action": "publish"}, **H).status_code == 403  # not the organiser's step
    client.force_login(coordinator_iii)
    listing = client.get("/de/arbeitsbereich/veranstaltungen/", **H).content.decode()
    assert "wartet auf Ihre Prüfung" in listing and "Spielenachmittag (Demo)" in listing
    assert client.post(url, {"action": "publish", "message": ""}, **H).status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert any(organiser.email in m.bcc for m in mail.outbox)
    page = client.get(url, **H).content.decode()
    assert "angelegt → eingereicht" in page


def test_coordinator_of_another_district_sees_nothing(client, essen, organiser, organisation, coordinator_iv):
    client.force_login(organiser)
    client.post(f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/", event_data(essen), **H)
    event = Event.objects.get()
    client.force_login(coordinator_iv)
    assert client.get(f"/de/arbeitsbereich/veranstaltungen/{event.pk}/", **H).status_code == 404
    assert (
        client.post(f"/de/arbeitsbereich/veranstaltungen/{event.pk}/", {"action": "publish"}, **H).status_code
        == 404
    )
    assert "Spielenachmittag" not in client.get("/de/arbeitsbereich/veranstaltungen/", **H).content.decode()


def test_only_members_open_the_editor(client, essen, organisation, coordinator_iii):
    client.force_login(coordinator_iii)
    assert client.get(f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/", **H).status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"start": "gestern"},
        {"end": "2027-10-02T14:00"},
        {"type": "party"},
        {"registration": "limited", "capacity": ""},
        {"capacity": "-3", "registration": "limited"},
        {"recurrence": "weekly", "recurrence_until": ""},
        {"exceptions_text": "2027-10-09, kein-datum"},
        {"neighbourhood": "999999", "venue_name": ""},
        {"languages": ["xx"]},
        {"online_url": "javascript:alert(1)", "online": "on"},
        {"description": "x" * 10_001},
    ],
)
def test_invalid_event_input_is_a_clear_400(client, essen, organiser, organisation, overrides):
    client.force_login(organiser)
    r = client.post(
        f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/", event_data(essen, **overrides), **H
    )
    assert r.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben." in r.content.decode()
    assert not Event.objects.exists()


def test_unknown_action_and_missing_return_message(client, essen, organiser, organisation, coordinator_iii):
    client.force_login(organiser)
    client.post(f"/de/arbeitsbereich/veranstaltungen/neu/{organisation.pk}/", event_data(essen), **H)
    event = Event.objects.get()
    url = f"/de/arbeitsbereich/veranstaltungen/{event.pk}/"
    assert client.post(url, {"action": "explode"}, **H).status_code == 400
    client.post(url, {"action": "submit"}, **H)
    client.force_login(coordinator_iii)
    r = client.post(url, {"action": "return", "message": ""}, **H)
    assert r.status_code == 400 and "was zu ändern ist" in r.content.decode()
    assert Event.objects.get().status == Event.Status.SUBMITTED
