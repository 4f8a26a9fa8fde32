"""Registrations without an account: capacity, waiting list, cancel links, hostile input, retention."""

import io
import threading
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from quartier.accounts.models import User
from quartier.core.models import AuditEntry
from quartier.events import services
from quartier.events.models import Event, Registration
from quartier.events.occurrences import occurrence_key
from quartier.events.registration_services import (
    registration_cancel,
    registration_create,
    registration_for_token,
    registrations_purge,
)
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood
from tests.concurrency import in_own_connection
from tests.conftest import make_user

from .conftest import BERLIN, draft

S = Event.Status
R = Registration.Status
START = datetime(2027, 9, 4, 15, 0, tzinfo=BERLIN)


def url_for(token: str) -> str:
    return f"https://example.org/de/anmeldung/{token}/"


def set_status(event, status) -> Event:
    """Put an event into a workflow state directly: the workflow itself is tested in test_event_workflow.py."""
    Event.objects.filter(pk=event.pk).update(status=status, published_at=timezone.now())
    event.refresh_from_db()
    return event


def publish(event) -> Event:
    return set_status(event, S.PUBLISHED)


@pytest.fixture
def limited(organiser, organisation):
    event = publish(draft(organiser, organisation, registration="limited", capacity=5))
    mail.outbox.clear()
    return event


@pytest.fixture
def required(organiser, organisation):
    event = publish(draft(organiser, organisation, registration="required"))
    mail.outbox.clear()
    return event


def register(event, *, people=1, name="Demo Person", email="person-demo@example.org", start=START):
    mail.outbox.clear()
    return registration_create(
        event=event, occurrence_start=start, name=name, email=email, people=people, cancel_url_for=url_for
    )


# --- creating ---------------------------------------------------------------------------------------------


def test_limited_confirms_while_places_are_free_then_waits(limited):
    first, _ = register(limited, people=3)
    second, _ = register(limited, people=2)
    third, _ = register(limited, people=1)
    assert [first.status, second.status, third.status] == [R.CONFIRMED, R.CONFIRMED, R.WAITING]
    assert "Warteliste" in mail.outbox[0].body and "Platz 1 der Warteliste" in mail.outbox[0].body


def test_required_always_confirms(required):
    for _ in range(3):
        registration, _token = register(required, people=20)
        assert registration.status == R.CONFIRMED


def test_confirmation_mail_has_the_cancel_link_and_only_a_hash_is_stored(limited):
    registration, token = register(limited, people=2)
    assert len(token) >= 22  # at least 128 bits, URL-safe
    assert registration.cancel_token_hash != token and token not in registration.cancel_token_hash
    [message] = mail.outbox
    assert message.to == ["person-demo@example.org"]
    assert url_for(token) in message.body
    assert "bestätigt" in message.subject
    assert "30 Tage" in message.body


def test_registration_is_kept_until_30_days_after_the_occurrence_ends(limited):
    registration, _ = register(limited)
    assert registration.delete_after == START + timedelta(hours=3) + timedelta(days=30)


def test_newcomer_does_not_pass_the_waiting_list(limited):
    register(limited, people=4)
    waiting, _ = register(limited, people=3)
    small, _ = register(limited, people=1)
    assert waiting.status == R.WAITING
    assert small.status == R.WAITING  # one place is free, but a group is already waiting for it


def test_capacity_is_counted_per_occurrence(organiser, organisation):
    weekly = publish(
        draft(
            organiser,
            organisation,
            registration="limited",
            capacity=2,
            recurrence="weekly",
            recurrence_until=(START + timedelta(days=21)).date(),
        ),
    )
    first, _ = register(weekly, people=2)
    next_week, _ = register(weekly, people=2, start=START + timedelta(days=7))
    assert first.status == next_week.status == R.CONFIRMED
    assert register(weekly, start=START)[0].status == R.WAITING


# --- refusing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("name", {"name": ""}),
        ("name", {"name": "   "}),
        ("name", {"name": "x" * 10_000}),
        ("name", {"name": "Demo\x00Person"}),
        ("email", {"email": ""}),
        ("email", {"email": "not-an-address"}),
        ("email", {"email": "a@b"}),
        ("email", {"email": "x" * 250 + "@example.org"}),
        ("people", {"people": 0}),
        ("people", {"people": 21}),
        ("people", {"people": -1}),
        ("people", {"people": "abc"}),
        ("people", {"people": True}),
        ("people", {"people": None}),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_stored(limited, field, overrides):
    kwargs = {"name": "Demo Person", "email": "person-demo@example.org", "people": 1, **overrides}
    with pytest.raises(ValidationError) as exc:
        register(limited, **kwargs)
    assert field in exc.value.message_dict
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_an_occurrence_the_event_does_not_have_is_refused(limited):
    for start in (
        START + timedelta(hours=1),
        START + timedelta(days=7),
        START.replace(tzinfo=None),
        "2027-09-04",
    ):
        with pytest.raises(ValidationError, match="Termin"):
            register(limited, start=start)
    assert not Registration.objects.exists()


def test_an_occurrence_of_another_event_is_refused(limited, organiser, organisation):
    other_start = START + timedelta(days=1)
    publish(
        draft(
            organiser,
            organisation,
            registration="limited",
            capacity=3,
            start=other_start,
            end=other_start + timedelta(hours=1),
        ),
    )
    with pytest.raises(ValidationError, match="gibt es bei dieser Veranstaltung nicht"):
        register(limited, start=other_start)
    assert not Registration.objects.exists()


def test_a_past_occurrence_is_refused(organiser, organisation):
    begin = (timezone.now() - timedelta(days=14)).astimezone(BERLIN).replace(microsecond=0)
    weekly = publish(
        draft(
            organiser,
            organisation,
            registration="required",
            start=begin,
            end=begin + timedelta(hours=2),
            recurrence="weekly",
            recurrence_until=(begin + timedelta(days=70)).date(),
        ),
    )
    with pytest.raises(ValidationError, match="bereits begonnen"):
        register(weekly, start=begin)
    assert register(weekly, start=begin + timedelta(days=21))[0].status == R.CONFIRMED


@pytest.mark.parametrize("state", ["draft", "submitted", "cancelled"])
def test_unpublished_or_cancelled_events_take_no_registrations(organiser, organisation, state):
    event = set_status(draft(organiser, organisation, registration="required"), state)
    with pytest.raises(ValidationError, match="keine Anmeldung"):
        register(event)
    assert not Registration.objects.exists()


def test_events_without_registration_take_none(organiser, organisation):
    event = publish(draft(organiser, organisation))
    with pytest.raises(ValidationError, match="keine Anmeldung"):
        register(event)


# --- cancelling and moving up -------------------------------------------------------------------------------


def test_cancel_moves_the_waiting_list_up_in_order_and_tells_them(limited):
    _, token = register(limited, people=5)
    first, _ = register(limited, people=2, email="first-demo@example.org")
    second, _ = register(limited, people=3, email="second-demo@example.org")
    third, _ = register(limited, people=1, email="third-demo@example.org")
    mail.outbox.clear()
    registration_cancel(token=token)
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["first-demo@example.org"] == R.CONFIRMED
    assert statuses["second-demo@example.org"] == R.CONFIRMED
    assert statuses["third-demo@example.org"] == R.WAITING  # 2 + 3 = 5 places; no room for a sixth person
    assert sorted(m.to[0] for m in mail.outbox) == ["first-demo@example.org", "second-demo@example.org"]
    assert all("nachgerückt" in m.body for m in mail.outbox)


def test_moving_up_stops_at_the_first_group_that_does_not_fit(limited):
    _, token = register(limited, people=2)
    register(limited, people=3)
    big, _ = register(limited, people=4)
    small, _ = register(limited, people=1)
    registration_cancel(token=token)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == (R.WAITING, R.WAITING)


def test_cancel_is_idempotent(limited):
    _, token = register(limited, people=5)
    register(limited, people=1, email="waiting-demo@example.org")
    mail.outbox.clear()
    first = registration_cancel(token=token)
    again = registration_cancel(token=token)
    assert first.status == again.status == R.CANCELLED
    assert len(mail.outbox) == 1
    assert Registration.objects.filter(status=R.CONFIRMED).count() == 1


def test_wrong_or_expired_tokens_are_refused(limited):
    registration, token = register(limited)
    for wrong in ("", "x", token[:-1], "a" * 500, token + "x"):
        assert registration_for_token(wrong) is None
        with pytest.raises(ValidationError):
            registration_cancel(token=wrong)
    Registration.objects.filter(pk=registration.pk).update(
        occurrence_start=timezone.now() - timedelta(minutes=1)
    )
    assert registration_for_token(token) is None
    registration.refresh_from_db()
    assert registration.status == R.CONFIRMED


# --- retention ----------------------------------------------------------------------------------------------


def test_purge_deletes_registrations_30_days_after_the_event(limited):
    kept, _ = register(limited)
    event_end = START + timedelta(hours=3)
    assert registrations_purge(now=event_end + timedelta(days=29)) == 0
    assert registrations_purge(now=event_end + timedelta(days=30, seconds=1)) == 1
    assert not Registration.objects.filter(pk=kept.pk).exists()


def test_purge_command_reports_the_count(limited):
    registration, _ = register(limited)
    Registration.objects.filter(pk=registration.pk).update(delete_after=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("purge_registrations", stdout=out)
    assert "Deleted 1 registration(s)." in out.getvalue()
    assert not Registration.objects.exists()


# --- concurrency --------------------------------------------------------------------------------------------


def _committed_event():
    city = District.objects.get(number="III").city
    organisation = Organisation.objects.create(
        city=city, name="Demo-Verein Nebenläufig", slug="demo-nebenlaeufig", kind="association", is_demo=True
    )
    organiser = make_user("concurrent-demo@example.org")
    organisation.members.create(user=organiser)
    event = services.event_create_draft(
        actor=organiser,
        organisation=organisation,
        title="Begrenzte Plätze (Demo)",
        description="Nur ein Platz frei.",
        type="meeting",
        start=START,
        end=START + timedelta(hours=2),
        neighbourhood=Neighbourhood.objects.get(city=city, name="Altendorf"),
        registration="limited",
        capacity=3,
    )
    publish(event)
    register(event, people=2)
    return event


def _remove_committed_event(event):
    registrations = list(Registration.objects.filter(event=event).values_list("pk", flat=True))
    AuditEntry.objects.filter(
        target_type="events.registration", target_id__in=[str(pk) for pk in registrations]
    ).delete()
    AuditEntry.objects.filter(target_type="events.event", target_id=str(event.pk)).delete()
    organisation = event.organisation
    Event.objects.filter(pk=event.pk).delete()
    organisation.members.all().delete()
    organisation.delete()
    User.objects.filter(email="concurrent-demo@example.org").delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent connections: the SQLite test database is in memory with a shared cache, where "
    "a second writer fails with 'table is locked' instead of waiting (production's file database with IMMEDIATE "
    "transactions serialises writers)",
)
def test_capacity_is_never_exceeded_by_concurrent_registrations(db):
    """Eight people ask at once for the last place; each in its own connection. Exactly one gets it."""
    event = in_own_connection(_committed_event)
    try:
        results, barrier = [], threading.Barrier(8)

        def attempt(n):
            barrier.wait()
            registration, _ = registration_create(
                event=event,
                occurrence_start=START,
                name=f"Person {n}",
                email=f"p{n}-demo@example.org",
                people=1,
                cancel_url_for=url_for,
            )
            results.append(registration.status)

        threads = [threading.Thread(target=in_own_connection, args=(attempt, n)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [R.CONFIRMED] + [R.WAITING] * 7
        confirmed = in_own_connection(
            lambda: sum(
                Registration.objects.filter(event=event, status=R.CONFIRMED).values_list("people", flat=True)
            )
        )
        assert confirmed == 3
    finally:
        in_own_connection(_remove_committed_event, event)


# --- pages --------------------------------------------------------------------------------------------------


def page(event):
    return f"/de/veranstaltungen/{event.pk}/anmelden/"


def form_data(**overrides):
    data = {
        "termin": occurrence_key(START),
        "name": "Demo Person",
        "email": "person-demo@example.org",
        "people": "2",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_form_page_preselects_the_chosen_occurrence(client, limited):
    response = client.get(page(limited), {"termin": occurrence_key(START)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "selected" in body and "Ich bin einverstanden" in body
    assert "30 Tage nach der Veranstaltung gelöscht" in body


def test_form_page_registers_and_sends_the_link(client, limited):
    response = client.post(page(limited), form_data())
    assert response.status_code == 200
    assert "Vielen Dank" in response.content.decode()
    registration = Registration.objects.get()
    assert (registration.people, registration.status) == (2, R.CONFIRMED)
    [message] = mail.outbox
    assert "http://testserver/de/anmeldung/" in message.body


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"name": "x" * 10_000},
        {"email": "kaputt"},
        {"people": "0"},
        {"people": "21"},
        {"people": "-1"},
        {"people": "abc"},
        {"consent": ""},
        {"termin": "gestern"},
        {"termin": occurrence_key(START + timedelta(days=7))},
        {"termin": "9" * 5000},
    ],
)
def test_form_page_answers_bad_input_with_400_and_stores_nothing(client, limited, overrides):
    response = client.post(page(limited), form_data(**overrides))
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben" in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_form_page_honeypot_pretends_success_and_stores_nothing(client, limited):
    response = client.post(page(limited), form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_form_page_is_rate_limited(client, required):
    for _ in range(20):
        assert client.post(page(required), form_data(people="1")).status_code == 200
    response = client.post(page(required), form_data(people="1"))
    assert response.status_code == 429
    assert Registration.objects.count() == 20


def test_form_page_of_unknown_unpublished_or_open_events_is_404(client, organiser, organisation):
    assert client.get("/de/veranstaltungen/999999/anmelden/").status_code == 404
    unpublished = draft(organiser, organisation, registration="required")
    assert client.get(page(unpublished)).status_code == 404
    open_event = publish(draft(organiser, organisation))
    assert client.post(page(open_event), form_data()).status_code == 404
    assert not Registration.objects.exists()


def test_form_page_of_a_cancelled_event_refuses_with_400(client, limited, organiser):
    set_status(limited, S.CANCELLED)
    assert "abgesagt" in client.get(page(limited)).content.decode()
    assert client.post(page(limited), form_data()).status_code == 400
    assert not Registration.objects.exists()


def test_cancel_page_asks_then_cancels_as_a_secret_page(client, limited):
    _, token = register(limited, people=5)
    register(limited, people=1, email="waiting-demo@example.org")
    mail.outbox.clear()
    link = f"/de/anmeldung/{token}/"
    response = client.get(link)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "Ja, von der Veranstaltung abmelden" in response.content.decode()
    assert Registration.objects.filter(status=R.CONFIRMED).count() == 1
    response = client.post(link)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Von der Veranstaltung abgemeldet" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["waiting-demo@example.org"]]
    assert client.post(link).status_code == 200  # idempotent
    assert len(mail.outbox) == 1


def test_cancel_page_with_a_wrong_token_is_404_and_lookups_are_limited(client, limited):
    for n in range(30):
        assert client.get(f"/de/anmeldung/wrong-{n}/").status_code == 404
    _, token = register(limited)
    response = client.get(f"/de/anmeldung/{token}/")
    assert response.status_code == 429
    assert response["Referrer-Policy"] == "no-referrer"


def test_cancel_page_shows_the_waiting_position(client, limited):
    register(limited, people=5)
    register(limited, people=1)
    _, token = register(limited, people=2)
    response = client.get(f"/de/anmeldung/{token}/")
    assert response.status_code == 200
    assert "Platz 2 der Warteliste" in response.content.decode()


def test_cancel_page_works_from_a_browser_that_sends_origin_null(limited):
    """Under no-referrer the browser's POST carries `Origin: null`; the secret link itself guards the action."""
    _, token = register(limited)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"/de/anmeldung/{token}/", HTTP_ORIGIN="null")
    assert response.status_code == 200
    assert Registration.objects.get().status == R.CANCELLED


def test_cancel_page_after_the_occurrence_began_is_404(client, limited):
    registration, token = register(limited)
    Registration.objects.filter(pk=registration.pk).update(
        occurrence_start=timezone.now() - timedelta(hours=1)
    )
    assert client.get(f"/de/anmeldung/{token}/").status_code == 404
    assert client.post(f"/de/anmeldung/{token}/").status_code == 404


# --- the registrant's language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "de"), ("en", "en"), ("ar", "ar"), ("en-gb", "en"), ("fr", "de"), ("", "de"), ("x" * 500, "de")],
)
def test_only_a_site_language_is_stored(required, language, expected):
    registration, _token = registration_create(
        event=required,
        occurrence_start=START,
        name="Demo Person",
        email="person-demo@example.org",
        people=1,
        cancel_url_for=url_for,
        language=language,
    )
    registration.refresh_from_db()
    assert registration.language == expected


def test_the_language_defaults_to_the_active_one(required):
    with translation.override("ar"):
        registration, _token = register(required)
    assert registration.language == "ar"


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("en", "You have a place", "moved up from the waiting list"),
        ("ar", "لقد حصلت على مكان", "قائمة الانتظار"),
        ("de", "Sie haben einen Platz", "von der Warteliste nachgerückt"),
    ],
)
def test_moved_up_mail_is_in_the_registrants_language(limited, language, subject, phrase):
    _, token = register(limited, people=5)
    with translation.override(language):
        waiting, _ = register(limited, people=1, email="waiting-demo@example.org")
    assert waiting.status == R.WAITING and waiting.language == language
    mail.outbox.clear()
    with translation.override("de"):  # whoever cancels, the mail follows the registrant's language
        registration_cancel(token=token)
    [message] = mail.outbox
    assert message.to == ["waiting-demo@example.org"]
    assert subject in message.subject and phrase in message.body


@pytest.mark.parametrize("language", ["de", "en", "ar"])
def test_confirmation_and_its_cancel_link_are_in_the_page_language(client, limited, language):
    response = client.post(f"/{language}/veranstaltungen/{limited.pk}/anmelden/", form_data())
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert registration.language == language
    [message] = mail.outbox
    assert f"http://testserver/{language}/anmeldung/" in message.body
    with translation.override(language):
        assert translation.gettext("Anmeldung bestätigt: %(title)s") % {"title": limited.title} == (
            message.subject
        )
