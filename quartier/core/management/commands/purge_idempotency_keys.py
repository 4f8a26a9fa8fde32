"""Delete idempotency records older than 24 hours (run by a timer, e.g. hourly)."""

from django.core.management.base import BaseCommand

from quartier.core.idempotency import purge


class Command(BaseCommand):
    help = "Delete idempotency records older than 24 hours."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge()} idempotency records deleted")
