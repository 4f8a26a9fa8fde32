"""Load a city's reference data (places) and give the rooms that need one their starting data for the city (the
offer categories). Here in the site, not in places, because it reaches rooms above places."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartier.offers.services import offer_categories_ensure_defaults
from quartier.places.loader import ReferenceDataError, load_city, manifest_for
from quartier.places.models import City


class Command(BaseCommand):
    help = "Load or refresh a city's reference data (idempotent): load_city essen"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the city's folder under QUARTIER_REFERENCE_DATA_DIR, e.g. essen")
        parser.add_argument("--source", type=Path, help="read the data files from this folder instead")

    def handle(self, *args, slug, source, **options):
        try:
            report = load_city(slug, source=source, progress=self.stdout.write)
        except (ReferenceDataError, OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Nothing was changed: {exc}") from exc
        for outcome in ("created", "updated", "unchanged"):
            counts = getattr(report, outcome)
            if counts:
                self.stdout.write(f"{outcome}: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        created = offer_categories_ensure_defaults(city=City.objects.get(slug=manifest_for(slug)[0]["slug"]))
        if created:
            self.stdout.write(f"offer categories: {created} created (staff can edit them in the admin)")
        self.stdout.write(self.style.SUCCESS("changed" if report.changed else "already up to date"))
