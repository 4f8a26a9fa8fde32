"""Demo content: every room's `demo.load`, in room order (site/rooms.py), everything marked as demo."""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quartier.places.models import City
from quartier.site.rooms import ROOMS, room_module


class Command(BaseCommand):
    help = "Create demo content for a city (idempotent). Everything it creates is marked as demo."

    def add_arguments(self, parser):
        parser.add_argument("--city", default="essen")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--scale", choices=["city", "bench"], default="city")

    @transaction.atomic
    def handle(self, *args, city, seed, scale, **options):
        random.seed(seed)
        try:
            the_city = City.objects.get(slug=city)
        except City.DoesNotExist as exc:
            raise CommandError(
                f"City {city!r} is not loaded; run `manage.py load_city {city}` first."
            ) from exc
        for room in ROOMS:
            demo = room_module(room, "demo")
            if demo is not None:
                demo.load(the_city, seed=seed, scale=scale, stdout=self.stdout)
