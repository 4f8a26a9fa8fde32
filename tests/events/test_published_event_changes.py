"""Editing a published event (issue point 3): practical details at once, time/place/description through review
while the published version stays public, and people registered told about a changed time or place."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from quartier.core.models import AuditEntry
from quartier.events import services
from quartier.events.models import Event, EventOccurrence, Registration
from quartier.places.models import Neighbourhood

from .conftest import draft
from .test_registrations import START, publish, register

S = Event.Status
R = Registration.Status
H = {"HTTP_HOST": "127.0.0.1"}


@pytest.fixture
def event(organiser, organisation):
    e = publish(draft(organiser, organisation, registration="limited", capacity=3))
    services.event_occurrences_sync(event=e)
    mail.outbox.clear()
    return e


def edit(organiser, event, **fields):
    return services.event_edit_published(actor=organiser, event=event, **fields)


def test_practical_details_are_published_at_once(organiser, event):
    same, revision = edit(organiser, event, step_free=True, languages=["de", "tr"], image_alt="")
    assert revision is None
    event.refresh_from_db()
    assert event.step_free and event.languages == ["de", "tr"] and event.status == S.PUBLISHED
    assert not Event.objects.filter(revision_of=event).exists()
    assert AuditEntry.objects.filter(action="event.updated", target_id=str(event.pk)).exists()


def test_more_places_move_the_waiting_list_up_and_tell_them(organiser, event):
    register(event, people=3)
    waiting, _ = register(event, people=2, email="wartet-demo@example.org")
    mail.outbox.clear()
    edit(organiser, event, capacity=5)
    waiting.refresh_from_db()
    assert waiting.status == R.CONFIRMED
    assert [m.to for m in mail.outbox] == [["wartet-demo@example.org"]]


def test_fewer_places_than_are_taken_are_refused(organiser, event):
    register(event, people=3)
    with pytest.raises(ValidationError, match="schon 3 Plätze vergeben"):
        edit(organiser, event, capacity=2)
    event.refresh_from_db()
    assert event.capacity == 3


def test_registration_cannot_be_switched_off_while_people_are_registered(organiser, event):
    register(event)
    with pytest.raises(ValidationError, match="nicht abgeschaltet"):
        edit(organiser, event, registration="none")


def test_only_organisers_edit(coordinator_iii, event):
    with pytest.raises(PermissionDenied):
        edit(coordinator_iii, event, step_free=True)


def test_a_new_time_goes_to_review_while_the_old_one_stays_public(organiser, coordinator_iii, event):
    register(event, email="eins-demo@example.org")
    mail.outbox.clear()
    new_start = START + timedelta(days=1, hours=2)
    _same, revision = edit(organiser, event, start=new_start, end=new_start + timedelta(hours=3))
    assert revision.status == S.SUBMITTED and revision.revision_of == event
    assert any(coordinator_iii.email in m.bcc for m in mail.outbox)  # the reviewers are told
    event.refresh_from_db()
    assert event.start == START and event.status == S.PUBLISHED
    assert list(
        EventOccurrence.objects.filter(event__in=[event, revision]).values_list("start", flat=True)
    ) == [START]
    with pytest.raises(ValidationError, match="schon eine Änderung"):
        edit(organiser, event, title="Noch eine Änderung")
    mail.outbox.clear()
    result = services.event_transition(actor=coordinator_iii, event=revision, to_status=S.PUBLISHED)
    assert result.pk == event.pk
    event.refresh_from_db()
    assert event.start == new_start and not Event.objects.filter(pk=revision.pk).exists()
    assert list(EventOccurrence.objects.filter(event=event).values_list("start", flat=True)) == [new_start]
    registration = Registration.objects.get()
    assert registration.occurrence_start == new_start and registration.status == R.CONFIRMED
    assert registration.delete_after > new_start + timedelta(days=29)
    told = [m for m in mail.outbox if m.to == ["eins-demo@example.org"]]
    assert len(told) == 1 and "Geänderter Termin" in told[0].subject and "Neuer Termin" in told[0].body
    assert event.steps.filter(from_status=S.PUBLISHED, to_status=S.PUBLISHED).exists()
    assert AuditEntry.objects.filter(action="event.revision_published").exists()
    assert AuditEntry.objects.filter(action="registration.date_moved").exists()


def test_a_new_place_is_told_to_everyone_registered(organiser, coordinator_iii, event, essen):
    register(event, email="eins-demo@example.org")
    register(event, people=2, email="zwei-demo@example.org")
    mail.outbox.clear()
    place = Neighbourhood.objects.get(city=essen, name="Frohnhausen")
    _same, revision = edit(organiser, event, venue_name="Demo-Saal Neu", neighbourhood=place)
    mail.outbox.clear()
    services.event_transition(actor=coordinator_iii, event=revision, to_status=S.PUBLISHED)
    told = sorted(m.to[0] for m in mail.outbox if "Neuer Ort" in m.body)
    assert told == ["eins-demo@example.org", "zwei-demo@example.org"]
    assert all("Demo-Saal Neu" in m.body for m in mail.outbox if m.to and m.to[0] in told)


def test_a_new_description_tells_nobody(organiser, coordinator_iii, event):
    register(event)
    _same, revision = edit(organiser, event, description="Neue Beschreibung.")
    mail.outbox.clear()
    services.event_transition(actor=coordinator_iii, event=revision, to_status=S.PUBLISHED)
    assert not [m for m in mail.outbox if m.to == ["person-demo@example.org"]]
    event.refresh_from_db()
    assert event.description == "Neue Beschreibung."


def test_a_dropped_date_of_a_series_cancels_its_registrations_and_tells_them(
    organiser, organisation, coordinator_iii
):
    series = publish(
        draft(
            organiser,
            organisation,
            registration="required",
            recurrence="weekly",
            recurrence_until=(START + timedelta(days=21)).date(),
        )
    )
    services.event_occurrences_sync(event=series)
    second = START + timedelta(days=7)
    register(series, email="erste-demo@example.org")
    register(series, email="zweite-demo@example.org", start=second)
    mail.outbox.clear()
    _same, revision = edit(organiser, series, exceptions=[second.date().isoformat()])
    mail.outbox.clear()
    services.event_transition(actor=coordinator_iii, event=revision, to_status=S.PUBLISHED)
    dropped = Registration.objects.get(email="zweite-demo@example.org")
    assert dropped.status == R.CANCELLED
    assert Registration.objects.get(email="erste-demo@example.org").status == R.CONFIRMED
    assert [m.to for m in mail.outbox if "entfällt" in m.subject] == [["zweite-demo@example.org"]]


def test_a_returned_or_rejected_revision_leaves_the_published_event_alone(organiser, coordinator_iii, event):
    _same, revision = edit(organiser, event, title="Neuer Titel (Demo)")
    services.event_transition(actor=coordinator_iii, event=revision, to_status=S.REJECTED, message="Nein.")
    event.refresh_from_db()
    assert event.title == "Tag der offenen Tür (Demo)" and event.status == S.PUBLISHED
    _same, again = edit(organiser, event, title="Zweiter Versuch (Demo)")
    assert again.pk != revision.pk


def test_a_revision_of_a_cancelled_event_is_not_published(organiser, coordinator_iii, event):
    _same, revision = edit(organiser, event, title="Neuer Titel (Demo)")
    services.event_transition(actor=organiser, event=event, to_status=S.CANCELLED, message="Krank.")
    with pytest.raises(ValidationError, match="nicht mehr veröffentlicht"):
        services.event_transition(actor=coordinator_iii, event=revision, to_status=S.PUBLISHED)


def test_the_editor_page_of_a_published_event_sends_changes_to_review(client, essen, organiser, event):
    from .test_workspace_events import event_data

    client.force_login(organiser)
    url = f"/de/arbeitsbereich/veranstaltungen/{event.pk}/"
    page = client.get(url, **H).content.decode()
    assert "Sofort öffentlich werden Änderungen an" in page
    data = event_data(
        essen,
        action="save",
        title=event.title,
        description="Geänderte Beschreibung.",
        type=event.type,
        start="2027-09-04T15:00",
        end="2027-09-04T18:00",
        neighbourhood=event.neighbourhood_id,
        venue_name=event.venue_name,
        languages=["de", "ar"],
        target_groups=["everyone"],
        registration="limited",
        capacity="3",
        waiting_list_size="",
        registration_deadline="",
        is_free="on",
    )
    response = client.post(url, data, **H)
    assert response.status_code == 302, response.content.decode()[:3000]
    revision = Event.objects.get(revision_of=event)
    assert response["Location"].endswith(f"/veranstaltungen/{revision.pk}/")
    assert revision.description == "Geänderte Beschreibung." and revision.status == S.SUBMITTED
    page = client.get(url, **H).content.decode()
    assert "Änderung ansehen" in page and 'name="action" value="save"' not in page
    review = client.get(response["Location"], **H).content.decode()
    assert "Was sich ändert" in review and "Geänderte Beschreibung." in review
