"""Retention for registrations (decision 0016): delete them 30 days after their event; run by a timer."""

from django.core.management.base import BaseCommand

from quartier.events.registration_services import registrations_purge


class Command(BaseCommand):
    help = "Delete event registrations whose retention period (30 days after the event) has run out."

    def handle(self, *args, **options):
        count = registrations_purge()
        self.stdout.write(f"Deleted {count} registration(s).")
