from django.core.management.base import BaseCommand

from quartier.core.mail import deliver_outbox


class Command(BaseCommand):
    help = "Deliver pending e-mails from the outbox (run by a timer, e.g. every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200)
        parser.add_argument(
            "--retention-days", type=int, default=30, help="delete sent messages after N days"
        )

    def handle(self, *args, limit, retention_days, **options):
        result = deliver_outbox(limit=limit, retention_days=retention_days)
        self.stdout.write(f"sent {result['sent']}, failed {result['failed']}, purged {result['purged']}")
