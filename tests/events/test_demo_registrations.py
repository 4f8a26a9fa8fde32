"""The demo content has events that take registrations: with registrations, a full one with a waiting list, one
without places left, one past its deadline; all fictional, marked as demo, made once."""

from datetime import date

from quartier.accounts.models import User
from quartier.events.demo import create_demo_events, create_demo_registrations
from quartier.events.models import Event, Registration
from quartier.events.registration_services import availability, deadline_passed
from quartier.events.registration_staff import registration_dates


def test_demo_events_take_registrations_and_are_made_once(essen):
    today = date.today()
    create_demo_events(essen, seed=2026, today=today)
    events = Event.objects.filter(city=essen, slug__startswith="demo-anmeldung-")
    assert events.count() >= 5
    assert all(e.is_demo and "(Demo)" in e.title and e.status == "published" for e in events)
    assert {e.neighbourhood.district.number for e in events} == {"III"}
    assert len({e.organisation_id for e in events}) == 1
    states = {}
    for event in events:
        start = registration_dates(event)[0].start if event.start.date() >= today else event.start
        states[event.slug] = availability(event, [start])[start].state
    assert states["demo-anmeldung-kochkurs"] == "waiting_list"
    assert states["demo-anmeldung-computerkurs"] == "full"
    assert states["demo-anmeldung-sprachcafe"] == "open"
    assert deadline_passed(events.get(slug="demo-anmeldung-fahrradwerkstatt"))
    kochkurs = events.get(slug="demo-anmeldung-kochkurs")
    assert kochkurs.registrations.filter(status="waiting").count() == 3
    assert all(
        r.email.endswith("@example.org") and r.name.startswith("Demo") for r in Registration.objects.all()
    )
    count = Registration.objects.count()
    assert create_demo_registrations(essen, seed=2026, today=today) == 0
    assert create_demo_events(essen, seed=2026, today=today)["events"] == 0
    assert Registration.objects.count() == count


def test_the_demo_organiser_organises_the_registration_events(essen):
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    organiser = User.objects.get(email="verein@demo.quartier.example")
    event = Event.objects.get(city=essen, slug="demo-anmeldung-kochkurs")
    assert event.organisation.members.filter(user=organiser).exists()
