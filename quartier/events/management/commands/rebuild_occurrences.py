"""Rebuild the occurrence rows of every event (or one city's): after a bulk import or a change of the rules."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quartier.events.models import Event
from quartier.events.services import event_occurrences_sync
from quartier.places.models import City


class Command(BaseCommand):
    help = "Rebuild the stored occurrences of events from their dates and recurrence rules."

    def add_arguments(self, parser):
        parser.add_argument("--city", dest="city_slug", help="slug of one city (default: all cities)")

    def handle(self, *args, city_slug=None, **options):
        events = Event.objects.order_by("pk")
        if city_slug:
            city = City.objects.filter(slug=city_slug).first()
            if city is None:
                raise CommandError(f"unknown city {city_slug!r}")
            events = events.filter(city=city)
        events_done = rows = 0
        for event in events.iterator(chunk_size=2000):
            with transaction.atomic():
                rows += event_occurrences_sync(event=event)
            events_done += 1
        self.stdout.write(f"{events_done} events, {rows} occurrences")
