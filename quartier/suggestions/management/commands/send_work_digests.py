"""Send the daily digest of new suggestions to staff who chose it (run once a day by a timer)."""

from django.core.management.base import BaseCommand

from quartier.suggestions.services import suggestion_digests_send


class Command(BaseCommand):
    help = "Send the daily digest of new suggestions to staff whose e-mail setting is 'daily'."

    def handle(self, *args, **options):
        self.stdout.write(f"{suggestion_digests_send()} digests sent")
