"""Demo content: every room's `demo.load`, in room order (site/rooms.py), everything marked as demo."""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quartier.places.models import City
from quartier.site.rooms import ROOMS, room_module


class Command(BaseCommand):
    help = "Create demo content for a city (idempotent). Everything it creates is marked as demo."

    def add_arguments(self, parser):
        parser.add_argument("--city", dest="city_slug", default="essen")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--scale", choices=["city", "bench"], default="city")

    @transaction.atomic
    def handle(self, *args, city_slug, seed, scale, **options):
        random.seed(seed)
        try:
            city = City.objects.get(slug=city_slug)
        except City.DoesNotExist as exc:
            raise CommandError(
                f"City {city_slug!r} is not loaded; run `manage.py load_city {city_slug}` first."
            ) from exc
        for room in ROOMS:
            demo = room_module(room, "demo")
            if demo is not None:
                demo.load(city, seed=seed, scale=scale, stdout=self.stdout)
