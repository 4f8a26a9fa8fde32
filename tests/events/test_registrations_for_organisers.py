"""Registrations that organisers can work with (issue point 3): places and deadline on the public pages, groups
larger than the capacity, the organiser's per-date lists, CSV export, attendance and messages, with scope."""

import csv
import io
import threading
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import formats, timezone, translation

from quartier.accounts.models import Role
from quartier.core.models import AuditEntry
from quartier.core.tokens import new_token
from quartier.events import registration_staff as staff
from quartier.events.models import Event, Registration, RegistrationMessage
from quartier.events.occurrences import date_key, occurrence_key
from quartier.events.registration_services import availability, registration_create, registrations_purge
from quartier.organisations.models import Organisation
from tests.concurrency import in_own_connection
from tests.conftest import make_user

from .conftest import BERLIN, draft
from .test_registrations import START, publish, register, url_for

R = Registration.Status
H = {"HTTP_HOST": "127.0.0.1"}
KEY = date_key(START)


@pytest.fixture
def limited(organiser, organisation):
    event = publish(draft(organiser, organisation, registration="limited", capacity=5))
    mail.outbox.clear()
    return event


def base(event) -> str:
    return f"/de/arbeitsbereich/veranstaltungen/{event.pk}/anmeldungen/"


def add(
    event,
    *,
    start=START,
    name="Demo Person",
    email="p-demo@example.org",
    people=1,
    status=R.CONFIRMED,
    language="de",
):
    """A registration written directly (e.g. for a date that has begun, which the service refuses)."""
    return Registration.objects.create(
        event=event,
        occurrence_start=start,
        name=name,
        email=email,
        people=people,
        status=status,
        language=language,
        cancel_token_hash=new_token()[1],
        delete_after=start + timedelta(days=31),
    )


# --- public: places, deadline, group size --------------------------------------------------------------------


def test_availability_states(limited):
    assert availability(limited, [START])[START].state == "open"
    assert availability(limited, [START])[START].left == 5
    register(limited, people=5)
    assert availability(limited, [START])[START].state == "waiting_list"
    Event.objects.filter(pk=limited.pk).update(waiting_list_size=2)
    limited.refresh_from_db()
    register(limited, people=2)
    places = availability(limited, [START])[START]
    assert (places.taken, places.waiting, places.state) == (5, 2, "full")


def test_detail_page_shows_places_left_waiting_list_and_no_places(client, limited):
    url = f"/de/veranstaltungen/{limited.pk}-{limited.slug}/"
    register(limited, people=2)
    page = client.get(url, **H).content.decode()
    assert "noch 3 Plätze frei" in page
    register(limited, people=3)
    register(limited, people=1)  # waits
    assert "ausgebucht – Warteliste" in client.get(url, **H).content.decode()
    Event.objects.filter(pk=limited.pk).update(waiting_list_size=1)
    assert "keine Plätze mehr" in client.get(url, **H).content.decode()


def test_a_full_waiting_list_refuses_with_a_clear_message(limited):
    Event.objects.filter(pk=limited.pk).update(waiting_list_size=0)
    limited.refresh_from_db()
    register(limited, people=5)
    with pytest.raises(ValidationError, match="keine Plätze mehr"):
        register(limited, people=1)
    assert Registration.objects.count() == 1 and not mail.outbox


def test_a_group_larger_than_the_capacity_is_refused_not_put_on_the_waiting_list(limited):
    with pytest.raises(ValidationError) as caught:
        register(limited, people=6)
    assert "insgesamt nur 5 Plätze" in caught.value.message_dict["people"][0]
    assert not Registration.objects.exists() and not mail.outbox


def test_the_group_check_uses_the_capacity_under_the_lock(limited):
    """The form may have seen more places than there are when the service runs."""
    stale = Event.objects.get(pk=limited.pk)
    Event.objects.filter(pk=limited.pk).update(capacity=2)
    with pytest.raises(ValidationError, match="insgesamt nur 2 Plätze"):
        registration_create(
            event=stale,
            occurrence_start=START,
            name="A",
            email="a-demo@example.org",
            people=3,
            cancel_url_for=url_for,
        )


def test_form_refuses_a_group_larger_than_the_capacity_with_400(client, limited):
    data = {
        "termin": occurrence_key(START),
        "name": "Demo",
        "email": "d-demo@example.org",
        "people": "7",
        "consent": "on",
        "website": "",
    }
    response = client.post(f"/de/veranstaltungen/{limited.pk}/anmelden/", data, **H)
    assert response.status_code == 400
    assert "insgesamt nur 5 Plätze" in response.content.decode()
    assert not Registration.objects.exists()


def test_registration_closes_at_the_deadline(client, limited):
    Event.objects.filter(pk=limited.pk).update(registration_deadline=timezone.now() - timedelta(minutes=1))
    limited.refresh_from_db()
    with pytest.raises(ValidationError, match="Anmeldeschluss"):
        register(limited)
    page = client.get(f"/de/veranstaltungen/{limited.pk}/anmelden/", **H)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anmeldeschluss" in text and "Verbindlich anmelden" not in text
    data = {
        "termin": occurrence_key(START),
        "name": "Demo",
        "email": "d-demo@example.org",
        "people": "1",
        "consent": "on",
        "website": "",
    }
    response = client.post(f"/de/veranstaltungen/{limited.pk}/anmelden/", data, **H)
    assert response.status_code == 400 and "Anmeldeschluss" in response.content.decode()
    detail = client.get(f"/de/veranstaltungen/{limited.pk}-{limited.slug}/", **H).content.decode()
    assert "geschlossen" in detail and "Jetzt anmelden" not in detail
    assert not Registration.objects.exists()


def test_registration_is_open_before_the_deadline(client, limited):
    Event.objects.filter(pk=limited.pk).update(registration_deadline=timezone.now() + timedelta(days=1))
    limited.refresh_from_db()
    registration, _ = register(limited)
    assert registration.status == R.CONFIRMED
    detail = client.get(f"/de/veranstaltungen/{limited.pk}-{limited.slug}/", **H).content.decode()
    assert "Anmeldeschluss:" in detail and "Jetzt anmelden" in detail


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"registration": "none", "registration_deadline": START - timedelta(days=1)},
            "nur bei Veranstaltungen",
        ),
        ({"registration": "required", "registration_deadline": START + timedelta(hours=1)}, "vor dem Beginn"),
    ],
)
def test_deadline_must_make_sense(organiser, organisation, fields, message):
    with pytest.raises(ValidationError, match=message):
        draft(organiser, organisation, **fields)


# --- the organiser's pages: access ------------------------------------------------------------------------


@pytest.fixture
def other_organiser(essen):
    org = Organisation.objects.create(city=essen, name="Demo-Andere", slug="demo-andere", kind="association")
    user = make_user("andere-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    org.members.create(user=user)
    return user


@pytest.fixture
def central(essen):
    return make_user("zentral-demo@example.org", roles=[(Role.CENTRAL_STEERING, None)], city=essen)


@pytest.mark.parametrize(
    "who, expected",
    [
        ("organiser", 200),
        ("coordinator_iii", 200),
        ("coordinator_iv", 404),
        ("other_organiser", 404),
        ("central", 404),
    ],
)
@pytest.mark.parametrize("suffix", ["", f"{KEY}/", f"{KEY}/anmeldungen.csv"])
def test_pages_are_for_organisers_and_reviewers_in_scope(client, limited, request, who, expected, suffix):
    client.force_login(request.getfixturevalue(who))
    assert client.get(base(limited) + suffix, **H).status_code == expected


@pytest.mark.parametrize("who, expected", [("coordinator_iv", 404), ("other_organiser", 404), (None, 302)])
@pytest.mark.parametrize("action", ["anwesenheit/", "nachricht/"])
def test_post_actions_outside_the_scope_change_nothing(client, limited, request, who, expected, action):
    registration, _ = register(limited)
    if who:
        client.force_login(request.getfixturevalue(who))
    data = {"registration": registration.pk, "attended": "yes", "subject": "Hallo", "body": "Text"}
    assert client.post(base(limited) + f"{KEY}/{action}", data, **H).status_code == expected
    registration.refresh_from_db()
    assert registration.attended is None and not RegistrationMessage.objects.exists()


def test_events_without_registration_and_unknown_dates_are_404(client, organiser, organisation, limited):
    plain = publish(draft(organiser, organisation))
    client.force_login(organiser)
    assert client.get(base(plain), **H).status_code == 404
    for key in ["2027-09-05T1500", "nonsense", "2027-99-99T9999", "x" * 300, "2027-09-04T1500%0A"]:
        assert client.get(base(limited) + f"{key}/", **H).status_code == 404, key


def test_workspace_event_page_links_to_the_registrations(client, organiser, limited):
    client.force_login(organiser)
    page = client.get(f"/de/arbeitsbereich/veranstaltungen/{limited.pk}/", **H).content.decode()
    assert base(limited) in page


# --- the organiser's pages: content -------------------------------------------------------------------------


def test_dates_page_counts_places_taken_left_waiting_and_cancelled(client, organiser, limited):
    register(limited, people=3)
    register(limited, people=2)
    register(limited, people=2)  # waits
    add(limited, status=R.CANCELLED, name="Demo Weg")
    client.force_login(organiser)
    response = client.get(base(limited), **H)
    assert response.status_code == 200
    summary = next(d for d in staff.registration_dates(limited) if d.start == START)
    assert (summary.confirmed, summary.left, summary.waiting, summary.cancelled) == (5, 0, 2, 1)
    assert KEY in response.content.decode()


def test_date_page_lists_registered_waiting_in_order_and_cancellations_and_is_audited(
    client, organiser, limited
):
    register(limited, people=5, name="Demo Erste")
    register(limited, people=1, name="Demo Wartet-Eins")
    register(limited, people=2, name="Demo Wartet-Zwei")
    add(limited, status=R.CANCELLED, name="Demo Abgemeldet")
    client.force_login(organiser)
    page = client.get(base(limited) + f"{KEY}/", **H).content.decode()
    assert "Demo Erste" in page and "Demo Abgemeldet" in page
    assert page.index("Demo Wartet-Eins") < page.index("Demo Wartet-Zwei")
    entry = AuditEntry.objects.get(action="registration.list_viewed")
    assert entry.actor == organiser and entry.target_id == str(limited.pk)


def test_csv_is_excel_ready_injection_safe_and_audited(client, coordinator_iii, limited):
    register(limited, name='=HYPERLINK("http://evil.example")', email="x-demo@example.org")
    register(limited, name="+49 Demo", people=4)
    register(limited, name="@Demo Wartend", people=2)
    client.force_login(coordinator_iii)
    response = client.get(base(limited) + f"{KEY}/anmeldungen.csv", **H)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][:3] == ["Status", "Platz auf der Warteliste", "Name"]
    names = [r[2] for r in rows[1:]]
    assert names == ['\'=HYPERLINK("http://evil.example")', "'+49 Demo", "'@Demo Wartend"]
    assert rows[3][0] == "Warteliste" and rows[3][1] == "1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    entry = AuditEntry.objects.get(action="registration.exported")
    assert entry.actor == coordinator_iii and entry.changes["rows"] == 3


# --- attendance ---------------------------------------------------------------------------------------------


@pytest.fixture
def today_event(organiser, organisation):
    """An event that began earlier today, with registrations written directly."""
    start = datetime.combine(timezone.localdate(), time(0, 30), tzinfo=BERLIN)
    event = publish(
        draft(
            organiser,
            organisation,
            registration="limited",
            capacity=5,
            start=start,
            end=start + timedelta(hours=2),
        )
    )
    return event, start


def test_attendance_is_marked_idempotently_and_audited(client, organiser, today_event):
    event, start = today_event
    person = add(event, start=start)
    client.force_login(organiser)
    url = base(event) + f"{date_key(start)}/anwesenheit/"
    for _ in range(2):
        response = client.post(url, {"registration": person.pk, "attended": "yes"}, **H)
        assert response.status_code == 302 and response["Location"].endswith(f"#person-{person.pk}")
    person.refresh_from_db()
    assert person.attended is True
    assert AuditEntry.objects.filter(action="registration.attendance").count() == 1
    client.post(url, {"registration": person.pk, "attended": "open"}, **H)
    person.refresh_from_db()
    assert person.attended is None
    assert AuditEntry.objects.filter(action="registration.attendance").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"registration": "abc", "attended": "yes"},
        {"registration": "99999999999999999999", "attended": "yes"},
        {"registration": "-1", "attended": "yes"},
        {"registration": "{pk}", "attended": "maybe"},
        {"registration": "{pk}", "attended": "yes" * 1000},
        {"registration": "{other}", "attended": "yes"},
        {"registration": "{waiting}", "attended": "yes"},
    ],
)
def test_attendance_refuses_bad_input_with_400(client, organiser, organisation, today_event, data):
    event, start = today_event
    person = add(event, start=start)
    waiting = add(event, start=start, status=R.WAITING, people=5)
    other_event = publish(
        draft(organiser, organisation, registration="required", start=start, end=start + timedelta(hours=1))
    )
    other = add(other_event, start=start)
    data = {k: v.format(pk=person.pk, other=other.pk, waiting=waiting.pk) for k, v in data.items()}
    client.force_login(organiser)
    response = client.post(base(event) + f"{date_key(start)}/anwesenheit/", data, **H)
    assert response.status_code == 400
    assert not Registration.objects.filter(attended__isnull=False).exists()


def test_attendance_waits_for_the_day(client, organiser, limited):
    registration, _ = register(limited)
    client.force_login(organiser)
    response = client.post(
        base(limited) + f"{KEY}/anwesenheit/", {"registration": registration.pk, "attended": "yes"}, **H
    )
    assert response.status_code == 400
    assert "am Tag der Veranstaltung" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended is None


# --- messages to everyone registered -------------------------------------------------------------------------


def test_message_goes_to_each_confirmed_person_through_the_outbox_and_is_recorded(client, organiser, limited):
    register(limited, people=4, email="eins-demo@example.org")
    add(limited, email="zwei-demo@example.org", language="ar")
    register(limited, people=3, email="wartet-demo@example.org")  # waiting
    mail.outbox.clear()
    client.force_login(organiser)
    data = {"subject": "Raumänderung", "body": "Wir treffen uns im Saal 2.\nBis bald!"}
    response = client.post(base(limited) + f"{KEY}/nachricht/", data, **H)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["eins-demo@example.org", "zwei-demo@example.org"]
    assert all(len(m.to) == 1 and not m.bcc and m.subject == "Raumänderung" for m in mail.outbox)
    assert all("Saal 2" in m.body for m in mail.outbox)
    arabic = next(m for m in mail.outbox if m.to == ["zwei-demo@example.org"])
    # The footer is written in the registrant's language (its date, at least, until the texts are translated).
    with translation.override("ar"):
        assert formats.date_format(START, "DATETIME_FORMAT") in arabic.body
    message = RegistrationMessage.objects.get()
    assert (message.recipients, message.sender, message.include_waiting) == (2, organiser, False)
    assert message.delete_after > START
    assert AuditEntry.objects.filter(action="registration.message_sent", actor=organiser).count() == 1
    mail.outbox.clear()
    data["include_waiting"] = "on"
    client.post(base(limited) + f"{KEY}/nachricht/", data, **H)
    assert len(mail.outbox) == 3


def test_messages_are_limited_per_date_and_day(client, organiser, limited):
    register(limited)
    client.force_login(organiser)
    url = base(limited) + f"{KEY}/nachricht/"
    for _ in range(staff.MESSAGES_PER_DATE_PER_DAY):
        assert client.post(url, {"subject": "Hallo", "body": "Text"}, **H).status_code == 302
    mail.outbox.clear()
    response = client.post(url, {"subject": "Hallo", "body": "Text"}, **H)
    assert response.status_code == 400 and "Bitte warten Sie" in response.content.decode()
    assert not mail.outbox
    assert RegistrationMessage.objects.count() == staff.MESSAGES_PER_DATE_PER_DAY


@pytest.mark.parametrize(
    "data, message",
    [
        ({"subject": "", "body": "Text"}, "Betreff"),
        ({"subject": "x" * 151, "body": "Text"}, "zu lang"),
        ({"subject": "Hallo", "body": ""}, "Nachricht"),
        ({"subject": "Hallo", "body": "x" * 5001}, "zu lang"),
        ({"subject": "Hallo\u202e", "body": "Text"}, "unzulässige Zeichen"),
        ({"subject": "Hallo", "body": "Text\x07"}, "unzulässige Zeichen"),
        ({"subject": "   ", "body": "   "}, "Betreff"),
    ],
)
def test_messages_refuse_bad_input_with_400(client, organiser, limited, data, message):
    register(limited)
    mail.outbox.clear()
    client.force_login(organiser)
    response = client.post(base(limited) + f"{KEY}/nachricht/", data, **H)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not mail.outbox and not RegistrationMessage.objects.exists()


def test_a_line_break_in_the_subject_cannot_add_headers(organiser, limited):
    register(limited)
    mail.outbox.clear()
    staff.registration_message_send(
        actor=organiser, event=limited, start=START, subject="Hallo\nBcc: evil@example.org", body="Text"
    )
    assert mail.outbox[0].subject == "Hallo Bcc: evil@example.org"
    assert mail.outbox[0].bcc == []


def test_nobody_registered_means_no_message(client, organiser, limited):
    client.force_login(organiser)
    response = client.post(base(limited) + f"{KEY}/nachricht/", {"subject": "Hallo", "body": "Text"}, **H)
    assert response.status_code == 400 and "niemand angemeldet" in response.content.decode()


def test_purge_removes_old_message_records(organiser, limited):
    register(limited)
    staff.registration_message_send(actor=organiser, event=limited, start=START, subject="Hallo", body="Text")
    registrations_purge(now=START + timedelta(days=20))
    assert RegistrationMessage.objects.count() == 1
    registrations_purge(now=START + timedelta(days=40))
    assert not RegistrationMessage.objects.exists() and not Registration.objects.exists()


# --- concurrency (PostgreSQL) --------------------------------------------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent connections (see test_registrations.py)",
)


def _committed(start):
    from quartier.events import services
    from quartier.places.models import District, Neighbourhood

    city = District.objects.get(number="III").city
    organisation = Organisation.objects.create(
        city=city, name="Demo-Verein Anwesenheit", slug="demo-anwesenheit", kind="association", is_demo=True
    )
    user = make_user("anwesenheit-demo@example.org")
    organisation.members.create(user=user)
    event = services.event_create_draft(
        actor=user,
        organisation=organisation,
        title="Anwesenheit (Demo)",
        description="Demo",
        type="meeting",
        start=start,
        end=start + timedelta(hours=2),
        registration="limited",
        capacity=3,
        neighbourhood=Neighbourhood.objects.get(city=city, name="Altendorf"),
    )
    publish(event)
    person = add(event, start=start)
    return event, person, user


def _cleanup(event, user):
    from quartier.accounts.models import User

    AuditEntry.objects.filter(target_type__in=["events.registration", "events.event"]).delete()
    organisation = event.organisation
    Event.objects.filter(pk=event.pk).delete()
    organisation.members.all().delete()
    organisation.delete()
    User.objects.filter(pk=user.pk).delete()


@needs_postgres
def test_concurrent_attendance_marks_write_one_audit_entry(db):
    start = datetime.combine(timezone.localdate(), time(0, 30), tzinfo=BERLIN)
    event, person, user = in_own_connection(_committed, start)
    try:
        barrier = threading.Barrier(6)

        def mark(_n):
            barrier.wait()
            staff.registration_set_attendance(
                actor=user, event=event, registration_id=person.pk, attended=True, start=start
            )

        threads = [threading.Thread(target=in_own_connection, args=(mark, n)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        count = in_own_connection(
            lambda: AuditEntry.objects.filter(
                action="registration.attendance", target_id=str(person.pk)
            ).count()
        )
        assert count == 1
    finally:
        in_own_connection(_cleanup, event, user)


@needs_postgres
def test_concurrent_messages_respect_the_daily_limit(db):
    start = timezone.now().astimezone(BERLIN).replace(second=0, microsecond=0) + timedelta(days=5)
    event, person, user = in_own_connection(_committed, start)
    try:
        barrier, outcomes = threading.Barrier(6), []

        def send(_n):
            barrier.wait()
            try:
                staff.registration_message_send(
                    actor=user, event=event, start=start, subject="Hallo", body="Text"
                )
                outcomes.append("sent")
            except ValidationError:
                outcomes.append("refused")

        threads = [threading.Thread(target=in_own_connection, args=(send, n)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused"] * 3 + ["sent"] * 3
    finally:
        in_own_connection(lambda: RegistrationMessage.objects.filter(event=event).delete())
        in_own_connection(_cleanup, event, user)
