"""The demo content: "Begegnungen im September" in Stadtbezirk III with 29 events, and a year of others."""

import io
from datetime import date

from django.core.management import call_command

from quartier.events.demo import next_september
from quartier.events.models import Event, Programme
from quartier.organisations.models import Organisation


def test_next_september():
    assert next_september(date(2026, 11, 25)) == date(2027, 9, 1)
    assert next_september(date(2027, 8, 31)) == date(2027, 9, 1)
    assert next_september(date(2027, 9, 1)) == date(2028, 9, 1)


def test_demo_is_complete_marked_and_idempotent(essen):
    call_command("load_demo", stdout=io.StringIO())
    programme = Programme.objects.get(city=essen, is_demo=True)
    assert programme.title.startswith("Begegnungen im September") and "(Demo)" in programme.title
    events = Event.objects.filter(programme=programme)
    assert events.count() == 29
    assert {e.neighbourhood.district.number for e in events} == {"III"}
    assert all(programme.starts_on <= e.start.date() <= programme.ends_on for e in events)
    assert not Event.objects.filter(is_demo=False).exists()
    assert Event.objects.filter(programme__isnull=True).count() >= 100
    assert len({e.neighbourhood.district.number for e in Event.objects.all()}) == 9
    assert all(o.name.startswith("Demo") for o in Organisation.objects.all())
    counts = (Event.objects.count(), Organisation.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Event.objects.count(), Organisation.objects.count()) == counts
    assert "already there" in out.getvalue()
